"""Shared by the reliability tests: provider processes with faults injectable, the engine's view (state
ledger), the destination's view (live copies), the error table, and the count of a test's cases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import botocore.session

from devkit import inputs as _inputs
from devkit.aws import DR_REGION, SOURCE_REGION, fsx
from devkit.aws import provider_env as _provider_env
from devkit.driver import ProviderError, ProviderProcess
from devkit.inputs import PROJECT, STACK, checked
from devkit.views import live_copies, live_copy_ids
from devkit.views import managed_tags_of as tags_of
from pulumi_fsx_copy.errors import ERROR_TABLE, ErrorRule

__all__ = [
    "DR_REGION",
    "ERROR_PREFIX",
    "INJECT_DIR",
    "NETWORK_KINDS",
    "OPERATIONS",
    "PROJECT",
    "SOURCE_REGION",
    "STACK",
    "TIME_SCALE",
    "Cases",
    "Ledger",
    "api_codes",
    "assert_actionable",
    "checked",
    "copies",
    "error_class",
    "fsx",
    "inputs",
    "live_copy_ids",
    "provider_env",
    "rule",
    "start_provider",
    "tags_of",
]

INJECT_DIR = str(Path(__file__).resolve().parents[1] / "reliability" / "inject")
"""First on the provider processes' PYTHONPATH: its sitecustomize places the faults."""
TIME_SCALE = "0.02"
OPERATIONS = ("CopyBackup", "DescribeBackups", "DeleteBackup", "TagResource", "UntagResource")
NETWORK_KINDS = ("drop", "lose_response", "delay")
ERROR_PREFIX = "pulumi_fsx_copy.errors."

copies = live_copies
"""Every copy (a backup with a source) that exists in a Region, whatever its lifecycle but DELETED."""


def inputs(source_backup: Any, name: str = "dr-copy", **overrides: Any) -> dict[str, Any]:
    """The property bag ``BackupCopy`` registers (``copy_tags`` off, tag ``purpose=dr``), as the engine
    sends it to Check; an override of ``None`` leaves the input out."""
    return _inputs.inputs(source_backup, name, **{"copy_tags": False, "tags": {"purpose": "dr"}, **overrides})


def api_codes(operation: str) -> list[str]:
    """The error codes botocore's FSx model lists for ``operation``."""
    model = botocore.session.get_session().get_service_model("fsx").operation_model(operation)
    return [shape.name for shape in model.error_shapes]


def rule(operation: str, code: str) -> ErrorRule:
    """The error table's rule for ``code`` from ``operation``."""
    found = ERROR_TABLE.get((operation, code)) or ERROR_TABLE.get((None, code))
    assert found is not None, f"{operation} {code} is not in the error table"
    return found


def provider_env(endpoint: str, **extra: str) -> dict[str, str]:
    """The environment of a provider process pointed at ``endpoint`` with fake credentials and fast delays."""
    return _provider_env(endpoint, time_scale=TIME_SCALE, **extra)


def start_provider(endpoint: str, *, config: Mapping[str, Any] | None = None, **env: str) -> ProviderProcess:
    """A started, configured provider process (the caller stops it)."""
    process = ProviderProcess(env=provider_env(endpoint, **env), project=PROJECT, stack=STACK, pythonpath=[INJECT_DIR])
    process.start()
    try:
        process.configure(dict(config or {"aws:region": DR_REGION}))
    except BaseException:
        process.stop()
        raise
    return process


@dataclass
class Ledger:
    """What the Pulumi state knows: the copies successful creates returned, less those deleted since."""

    known: dict[str, set[str]] = field(default_factory=dict)

    def created(self, region: str, backup_id: str) -> None:
        self.known.setdefault(region, set()).add(backup_id)

    def deleted(self, region: str, backup_id: str) -> None:
        self.known.get(region, set()).discard(backup_id)

    def assert_no_leak(self, regions: Iterable[str] = (DR_REGION,), *, named_in: str = "") -> set[str]:
        """Every copy in ``regions`` is known to the state, none FAILED; copies the state does not know are
        allowed only when the error text ``named_in`` names them (the user was told which copy to resume).
        Returns those named orphans."""
        orphans: set[str] = set()
        for region in regions:
            found = copies(region)
            failed = [b["BackupId"] for b in found if b["Lifecycle"] == "FAILED"]
            assert failed == [], f"FAILED copies left in {region}: {failed}"
            unknown = {str(b["BackupId"]) for b in found} - self.known.get(region, set())
            unnamed = {backup_id for backup_id in unknown if backup_id not in named_in}
            assert unnamed == set(), f"copies in {region} the state does not know (leaked): {sorted(unnamed)}"
            orphans |= unknown
            missing = self.known.get(region, set()) - {str(b["BackupId"]) for b in found}
            assert missing == set(), f"copies the state knows are gone from {region}: {sorted(missing)}"
        return orphans


def error_class(error: ProviderError) -> str:
    """The class name the user sees on the last line of a provider error."""
    line = error.last_line
    assert line.startswith(ERROR_PREFIX), f"not a BackupCopyError: {line!r}"
    return line[len(ERROR_PREFIX) :].split(":", 1)[0]


def assert_actionable(error: ProviderError, expected: type[Exception], *, names: Iterable[str]) -> None:
    """The last line names ``expected``, every string in ``names``, and has no unfilled template parts."""
    assert error_class(error) == expected.__name__, error.last_line
    for name in names:
        assert name in error.last_line, f"{name!r} missing from {error.last_line!r}"
    message = error.last_line.split(":", 1)[1]
    assert "{" not in message and " ? " not in message and "'?'" not in message, message


@dataclass
class Cases:
    """The number of cases a test ran (the ``cases`` fixture of tests/reliability/conftest.py)."""

    count: int = 0
    labels: Counter[str] = field(default_factory=Counter)

    def add(self, n: int = 1) -> None:
        self.count += n

    def note(self, outcome: str) -> None:
        """Record what happened in this test (shown, counted, in the report's Outcomes column)."""
        self.labels[outcome] += 1
