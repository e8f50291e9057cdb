"""Helpers of the stack tests: the example's constants and the emulator as boto3 sees it."""

from __future__ import annotations

from typing import Any

import boto3

PROJECT = "pulumi-fsx-copy-example"
SOURCE_REGION = "us-east-1"
SOURCE_TAGS = {"app": "genomics"}


def live_backup(region: str, backup_id: str) -> dict[str, Any] | None:
    """The backup as the emulator describes it; None when gone or DELETED."""
    client = boto3.client("fsx", region_name=region)
    try:
        backups = client.describe_backups(BackupIds=[backup_id])["Backups"]
    except client.exceptions.BackupNotFound:
        return None
    if not backups or backups[0].get("Lifecycle") == "DELETED":
        return None
    return dict(backups[0])


def live_tags(region: str, backup_id: str) -> dict[str, str]:
    """The tags on an existing backup."""
    backup = live_backup(region, backup_id)
    assert backup is not None, f"{backup_id} does not exist in {region}"
    return {t["Key"]: t["Value"] for t in backup.get("Tags", [])}
