"""What exists in the emulator, as boto3 sees it (``AWS_ENDPOINT_URL`` or moto's mock point it there)."""

from __future__ import annotations

from typing import Any

from pulumi_fsx_copy.rules.identity import without_ownership
from pulumi_fsx_copy.testing.listing import all_backups

from .aws import fsx


def live_copies(region: str) -> list[dict[str, Any]]:
    """Every copy (a backup with a source) in ``region`` that is not DELETED, whatever else its lifecycle."""
    return [b for b in all_backups(fsx(region)) if b.get("SourceBackupId") and b.get("Lifecycle") != "DELETED"]


def live_copy_ids(region: str) -> set[str]:
    """The IDs of :func:`live_copies`."""
    return {str(b["BackupId"]) for b in live_copies(region)}


def in_progress(region: str) -> int:
    """How many copies into ``region`` are PENDING or COPYING."""
    return sum(1 for b in live_copies(region) if b.get("Lifecycle") in ("PENDING", "COPYING"))


def lifecycle(region: str, backup_id: str) -> str:
    """The backup's Lifecycle, ``GONE`` when DescribeBackups no longer finds it."""
    client = fsx(region)
    try:
        backups = client.describe_backups(BackupIds=[backup_id])["Backups"]
    except client.exceptions.BackupNotFound:
        return "GONE"
    return str(backups[0]["Lifecycle"]) if backups else "GONE"


def tags_of(region: str, backup_id: str) -> dict[str, str]:
    """Every tag of the backup, the provider's ownership tag included."""
    backup = fsx(region).describe_backups(BackupIds=[backup_id])["Backups"][0]
    return {t["Key"]: t["Value"] for t in backup.get("Tags") or []}


def managed_tags_of(region: str, backup_id: str) -> dict[str, str]:
    """The backup's tags without the provider's ownership tags."""
    return without_ownership(tags_of(region, backup_id))
