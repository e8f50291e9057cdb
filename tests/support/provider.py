"""Shared by the provider tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3

from pulumi_fsx_copy import BackupCopyProvider
from pulumi_fsx_copy.testing.listing import all_backups

SOURCE_REGION = "us-east-1"
DR_REGION = "us-west-2"


def copies_in(region: str) -> list[dict[str, Any]]:
    """Every copy (a backup with a source) in a Region that is not DELETED."""
    backups = all_backups(boto3.client("fsx", region_name=region))
    return [b for b in backups if b.get("SourceBackupId") and b["Lifecycle"] != "DELETED"]


def on_copy_started(provider: BackupCopyProvider, action: Callable[[], None]) -> None:
    """Run ``action`` right after the provider's CopyBackup call returns (a botocore event hook)."""
    client = provider._clients.fsx(DR_REGION)
    client.meta.events.register("after-call.fsx.CopyBackup", lambda **_: action())
