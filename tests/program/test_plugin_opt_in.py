"""The pytest plugin is opt-in: without the testing kit (moto) a user's pytest run gets no fixture of ours and
imports nothing of the emulator or moto; with it, the fixtures are there (imported only when used)."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
CONFTEST = """
import json, sys
def pytest_sessionfinish(session):
    names = [m for m, module in sys.modules.items() if module is not None]
    loaded = sorted(m for m in names if m == "moto" or m.startswith(("moto.", "pulumi_fsx_copy.testing")))
    with open("modules.json", "w") as out:
        json.dump(loaded, out)
"""
RUN = """
import sys
if {block}:
    sys.modules["moto"] = None  # as if pulumi-fsx-copy was installed without [testing]
import pytest
raise SystemExit(pytest.main(["--fixtures", "-q", "-p", "no:cacheprovider", "."]))
"""


def _run(tmp_path: Path, *, without_kit: bool) -> tuple[str, list[str]]:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_users.py").write_text("def test_nothing():\n    pass\n")
    done = subprocess.run(
        [sys.executable, "-c", RUN.format(block=without_kit)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},  # this checkout's package, whatever is installed
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout, json.loads((tmp_path / "modules.json").read_text())


@pytest.mark.parametrize("fixture", ["fsx_emulator", "fsx_remote", "fsx_stack", "fsx_source_backups"])
def test_without_the_testing_kit_no_fixture_and_no_emulator_import(tmp_path: Path, fixture: str) -> None:
    shown, loaded = _run(tmp_path, without_kit=True)
    assert fixture not in shown
    assert loaded == []


def test_with_the_testing_kit_the_fixtures_are_there_and_nothing_is_imported_until_used(tmp_path: Path) -> None:
    shown, loaded = _run(tmp_path, without_kit=False)
    for fixture in ("fsx_emulator", "fsx_remote", "fsx_stack", "fsx_source_backups"):
        assert fixture in shown
    assert loaded == []


def test_the_testing_extra_brings_the_emulator_and_pytest() -> None:
    """``pip install 'pulumi-fsx-copy[testing]'`` installs what the fixtures need: moto and pytest itself."""
    requires = [Requirement(line) for line in importlib.metadata.requires("pulumi-fsx-copy") or []]
    testing = {r.name for r in requires if r.marker is not None and r.marker.evaluate({"extra": "testing"})}
    assert {"moto", "pytest"} <= testing, testing
