"""Shared by the reliability tests: the engine's view (state ledger), the destination's view (live copies)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import botocore.session
from provider_driver import ProviderError, ProviderProcess, provider_input

from pulumi_fsx_copy import BackupCopyProvider
from pulumi_fsx_copy.errors import ERROR_TABLE, ErrorRule
from pulumi_fsx_copy.ownership import without_ownership
from pulumi_fsx_copy.testing.listing import all_backups

SOURCE_REGION = "us-east-1"
DR_REGION = "us-west-2"
PROJECT = "dr"
STACK = "prod"
INJECT_DIR = str(Path(__file__).resolve().parent / "inject")
TIME_SCALE = "0.02"
OPERATIONS = ("CopyBackup", "DescribeBackups", "DeleteBackup", "TagResource", "UntagResource")
NETWORK_KINDS = ("drop", "lose_response", "delay")
ERROR_PREFIX = "pulumi_fsx_copy.errors."


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
    env = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "PULUMI_FSX_COPY_TIME_SCALE": TIME_SCALE,
    }
    env.update(extra)
    return env


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


def inputs(source_backup: Any, name: str = "dr-copy", **overrides: Any) -> dict[str, Any]:
    """The property bag ``BackupCopy`` registers, as the engine sends it to Check."""
    news: dict[str, Any] = {
        "source_backup_id": source_backup,
        "source_region": SOURCE_REGION,
        "region": DR_REGION,
        "copy_tags": False,
        "tags": {"purpose": "dr"},
        "resource_identity": f"{PROJECT}/{STACK}/{name}",
        "__provider": provider_input(BackupCopyProvider()),
    }
    news.update(overrides)
    return {k: v for k, v in news.items() if v is not None}


def checked(process: ProviderProcess, news: Mapping[str, Any], name: str = "dr-copy") -> dict[str, Any]:
    """Check ``news`` and return the checked inputs; fails the test on any check failure."""
    outcome = process.check(name, {}, news)
    assert outcome.failures == [], outcome.failures
    return outcome.inputs


def fsx(region: str) -> Any:
    return boto3.client("fsx", region_name=region)


def copies(region: str) -> list[dict[str, Any]]:
    """Every copy (a backup with a source) that exists in ``region``, whatever its lifecycle."""
    backups = all_backups(fsx(region))
    return [b for b in backups if b.get("SourceBackupId") and b.get("Lifecycle") != "DELETED"]


def live_copy_ids(region: str) -> set[str]:
    return {str(b["BackupId"]) for b in copies(region)}


def tags_of(region: str, backup_id: str) -> dict[str, str]:
    """The copy's tags, without the provider's ownership tags."""
    backup = fsx(region).describe_backups(BackupIds=[backup_id])["Backups"][0]
    return without_ownership({t["Key"]: t["Value"] for t in backup.get("Tags") or []})


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
