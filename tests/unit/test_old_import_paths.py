"""0.1's import paths keep working for one release: the same module, a warning naming the new path."""

from __future__ import annotations

import importlib
import pickle
import subprocess
import sys

import pytest

from pulumi_fsx_copy._moved import MOVED
from pulumi_fsx_copy.engine.waiting import PollPolicy


@pytest.mark.parametrize("name", sorted(MOVED))
def test_an_old_path_is_the_module_at_its_new_path_with_a_warning(name: str) -> None:
    new = importlib.import_module(f"pulumi_fsx_copy.{MOVED[name]}.{name}")
    sys.modules.pop(f"pulumi_fsx_copy.{name}", None)
    with pytest.warns(DeprecationWarning, match=rf"pulumi_fsx_copy\.{name} moved to pulumi_fsx_copy\.{MOVED[name]}\."):
        old = importlib.import_module(f"pulumi_fsx_copy.{name}")
    assert old is new


def test_every_module_that_moved_is_served_at_its_old_path() -> None:
    """The table is 0.1's flat modules that now live in a layer: none left out."""
    moved_0_1 = {
        "awsconfig", "clients", "copies", "diffing", "drill_settings", "facts", "gateway", "kms", "listings",
        "ownership", "progress", "regions", "schema", "sdk_internals", "serving", "slots", "tags", "unknowns",
        "validation", "waiting",
    }  # fmt: skip
    assert moved_0_1 <= set(MOVED)


def test_a_class_pickled_by_its_old_path_loads() -> None:
    """An object pickled by 0.1 (its class named by the flat path) unpickles in a fresh process."""
    old = pickle.dumps(PollPolicy, protocol=0).replace(b"pulumi_fsx_copy.engine.waiting", b"pulumi_fsx_copy.waiting")
    code = "import pickle, sys; cls = pickle.loads(sys.stdin.buffer.read()); print(cls.__module__, cls.__name__)"
    done = subprocess.run([sys.executable, "-c", code], input=old, capture_output=True, check=True)
    assert done.stdout.decode().split() == ["pulumi_fsx_copy.engine.waiting", "PollPolicy"]


def test_the_new_paths_import_without_a_warning() -> None:
    code = "import warnings; warnings.simplefilter('error'); import pulumi_fsx_copy, pulumi_fsx_copy.aws.copies"
    subprocess.run([sys.executable, "-c", code], check=True)
