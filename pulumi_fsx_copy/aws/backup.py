"""Backup: one FSx backup as AWS described it (DescribeBackups, CopyBackup), frozen and typed.

The gateway makes it from AWS's answer, once; every reader uses its attributes. Times are parsed here
(timezone-aware, UTC), tags are a dict. A member AWS left out is None (tags: empty).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


@dataclass(frozen=True)
class Backup:
    """One FSx backup (botocore's FSx shape ``Backup``), the members the provider reads."""

    backup_id: str
    lifecycle: str | None = None
    """``Lifecycle`` as AWS spells it (compare with :class:`~pulumi_fsx_copy.rules.facts.Lifecycle`)."""
    creation_time: datetime | None = None
    """``CreationTime``, timezone-aware (a naive time or epoch seconds is read as UTC)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    resource_arn: str | None = None
    kms_key_id: str | None = None
    source_backup_id: str | None = None
    source_backup_region: str | None = None
    type: str | None = None
    """``AUTOMATIC``, ``USER_INITIATED`` or ``AWS_BACKUP``."""
    progress_percent: int | None = None
    failure_message: str | None = None
    """``FailureDetails.Message``."""
    resource_type: str | None = None
    owner_id: str | None = None
    size_in_bytes: int | None = None
    file_system_id: str | None = None
    """The backed-up file system (``FileSystem.FileSystemId``, else the volume's ``FileSystemId``)."""
    file_system_type: str | None = None
    storage_type: str | None = None
    """``FileSystem.StorageType``."""
    volume_id: str | None = None
    """``Volume.VolumeId`` (ONTAP volume backups)."""
    described_file_system_id: str | None = None
    """``FileSystem.FileSystemId`` alone (a volume backup's file system is not its subject)."""

    @classmethod
    def from_aws(cls, answer: Mapping[str, Any]) -> Backup:
        """The backup of one ``Backup`` member of an FSx answer."""
        file_system = answer.get("FileSystem") or {}
        volume = answer.get("Volume") or {}
        progress = answer.get("ProgressPercent")
        size = answer.get("SizeInBytes")
        return cls(
            backup_id=str(answer.get("BackupId")),
            lifecycle=_text(answer.get("Lifecycle")),
            creation_time=parse_time(answer.get("CreationTime")),
            tags={str(t.get("Key")): str(t.get("Value", "")) for t in answer.get("Tags") or []},
            resource_arn=_text(answer.get("ResourceARN")),
            kms_key_id=_text(answer.get("KmsKeyId")),
            source_backup_id=_text(answer.get("SourceBackupId")),
            source_backup_region=_text(answer.get("SourceBackupRegion")),
            type=_text(answer.get("Type")),
            progress_percent=int(progress) if progress is not None else None,
            failure_message=_text((answer.get("FailureDetails") or {}).get("Message")),
            resource_type=_text(answer.get("ResourceType")),
            owner_id=_text(answer.get("OwnerId")),
            size_in_bytes=int(size) if size is not None else None,
            file_system_id=_text(file_system.get("FileSystemId") or volume.get("FileSystemId")),
            file_system_type=_text(file_system.get("FileSystemType")),
            storage_type=_text(file_system.get("StorageType")),
            volume_id=_text(volume.get("VolumeId")),
            described_file_system_id=_text(file_system.get("FileSystemId")),
        )


def parse_time(value: object) -> datetime | None:
    """An FSx time as botocore gives it (a datetime, naive read as UTC) or epoch seconds; None otherwise."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), timezone.utc)
    return None


def _text(value: object) -> str | None:
    return None if value is None else str(value)
