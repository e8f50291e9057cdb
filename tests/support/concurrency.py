"""Helpers of the concurrency tests: inputs, waiting on the emulator, sending Cancel."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import boto3
from google.protobuf import empty_pb2
from provider_driver import ProviderError, ProviderProcess, provider_input

from pulumi_fsx_copy import BackupCopyProvider
from pulumi_fsx_copy.testing.listing import all_backups

SOURCE_REGION = "us-east-1"
DR_REGIONS = ("us-west-2", "eu-west-1")
PROJECT = "concurrency"
STACK = "test"
OLD_SDK_DIR = str(Path(__file__).resolve().parent / "old_sdk")
# Long enough that no copy ends during a test: every test ends its waits with Cancel.
LONG_COPY_SECONDS = 600.0
# A bound on a hang, not a timing: a call the provider does not answer fails the test instead of blocking it.
HANG_SECONDS = 60.0


def inputs(source: str, name: str, region: str = DR_REGIONS[0], **overrides: Any) -> dict[str, Any]:
    """The property bag ``BackupCopy`` registers, as the engine sends it to Check."""
    news: dict[str, Any] = {
        "source_backup_id": source,
        "source_region": SOURCE_REGION,
        "region": region,
        "tags": {"purpose": "dr"},
        "resource_identity": f"{PROJECT}/{STACK}/{name}",
        "__provider": provider_input(BackupCopyProvider()),
    }
    news.update(overrides)
    return news


def live_copies(region: str) -> list[dict[str, Any]]:
    """Every copy in ``region`` that is not DELETED."""
    backups = all_backups(boto3.client("fsx", region_name=region))
    return [b for b in backups if b.get("SourceBackupId") and b.get("Lifecycle") != "DELETED"]


def in_progress(region: str) -> int:
    return sum(1 for b in live_copies(region) if b.get("Lifecycle") in ("PENDING", "COPYING"))


def eventually(condition: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + HANG_SECONDS
    while not condition():
        assert time.monotonic() < end, f"never saw: {what}"
        time.sleep(0.1)


def cancel(process: ProviderProcess) -> None:
    """Send Cancel as the engine does on the first Ctrl-C (and before it shuts a provider down)."""
    process._call("Cancel", empty_pb2.Empty())


def outcome(future: Future[Any]) -> Any:
    """A create's result, or its ProviderError; fails the test if the provider never answers."""
    try:
        return future.result(timeout=HANG_SECONDS)
    except ProviderError as error:
        return error
