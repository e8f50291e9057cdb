"""newest_backups(): the newest AVAILABLE backups of a file system or volume, read in the program process.

A look-up, like a pulumi-aws data source: it calls AWS when the program runs, at ``pulumi preview`` too, through
the provider's gateway (every page, each retried under the one retry policy), with the stack's pulumi-aws
settings as the provider takes them (``awsconfig``); the Region defaults to the stack's ``aws:region``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pulumi

from .aws.backup import Backup
from .aws.gateway import AwsGateway
from .aws_options import program_settings
from .engine.waiting import Deadline
from .errors import (
    CopyNotFoundError,
    ErrorContext,
    InvalidInputError,
    RegionError,
    SourceBackupNotFoundError,
    UnsupportedCopyError,
)
from .rules.awsconfig import AwsSettings
from .rules.facts import Lifecycle
from .rules.regions import is_known_region, suggest_region
from .rules.tags import short_repr

BACKUP_TYPES = ("AUTOMATIC", "USER_INITIATED", "AWS_BACKUP")
"""FSx's backup types (botocore's FSx model, shape ``BackupType``)."""
MAX_COUNT = 100
"""The most backups one look-up returns (a DR Region holding more copies of one file system is a mistake)."""
_FILE_SYSTEM_ID = re.compile(r"fs-[0-9a-f]{8,21}")
_VOLUME_ID = re.compile(r"fsvol-[0-9a-f]{17}")
LOOKUP_SECONDS = 300.0
"""One listing (every page, every retry) gives AWS this long."""
_UNCOPYABLE_STORAGE = {
    "INTELLIGENT_TIERING": "it is a backup of a file system on the Intelligent-Tiering storage class, which FSx "
    "cannot copy (FSx user guides, 'Copying backups': backup copy limitations)",
}


@dataclass(frozen=True)
class SourceBackup:
    """One backup :func:`newest_backups` found."""

    backup_id: str
    """The backup's ID (``backup-...``)."""
    creation_time: datetime
    """When FSx made it (timezone-aware, UTC)."""
    backup_type: str
    """``AUTOMATIC``, ``USER_INITIATED`` or ``AWS_BACKUP``."""
    region: str
    """The Region it is in."""
    file_system_id: str | None = None
    """The file system it is a backup of."""
    file_system_type: str | None = None
    """``LUSTRE``, ``WINDOWS``, ``ONTAP`` or ``OPENZFS``."""
    volume_id: str | None = None
    """The volume it is a backup of (ONTAP volume backups: FSx backs up no other volumes)."""

    @property
    def created(self) -> str:
        """``creation_time`` as ISO 8601, UTC (``2026-01-31T02:00:00Z``)."""
        return self.creation_time.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def age_seconds(self, now: datetime | None = None) -> float:
        """How old the backup is at ``now`` (default: now), in seconds."""
        return ((now or datetime.now(timezone.utc)) - self.creation_time).total_seconds()

    def as_dict(self) -> dict[str, str | None]:
        """The backup as a plain dict (for ``pulumi.export``)."""
        return {
            "backup_id": self.backup_id,
            "creation_time": self.created,
            "backup_type": self.backup_type,
            "region": self.region,
            "file_system_id": self.file_system_id,
            "file_system_type": self.file_system_type,
            "volume_id": self.volume_id,
        }


def newest_backups(
    *,
    file_system_id: str | None = None,
    volume_id: str | None = None,
    region: str | None = None,
    count: int = 1,
    backup_types: Sequence[str] | None = None,
) -> list[SourceBackup]:
    """The ``count`` newest ``AVAILABLE`` backups of a file system (or of a volume), newest first.

    Copies (backups with a source backup) are not backups of the file system and are left out; so are backups
    not ``AVAILABLE`` yet. A backup FSx cannot copy among them raises
    :class:`~pulumi_fsx_copy.UnsupportedCopyError` naming it and why.

    :param file_system_id: the file system (``fs-...``); give it or ``volume_id``.
    :param volume_id: an ONTAP volume (``fsvol-...``), for volume backups.
    :param region: the Region of the backups (default: the stack's ``aws:region``, then ``AWS_REGION``).
    :param count: how many, 1 to 100.
    :param backup_types: only these types (default: all of ``AUTOMATIC``, ``USER_INITIATED``, ``AWS_BACKUP``).
    :raises BackupCopyError: a subclass naming the input and the fix, or AWS's refusal, mapped.
    """
    return primary_backups(
        file_system_id=file_system_id,
        volume_id=volume_id,
        region=region,
        count=count,
        backup_types=backup_types,
        allow_gone=False,
    ).newest


@dataclass(frozen=True)
class PrimaryBackups:
    """What :func:`primary_backups` found in the primary Region."""

    newest: list[SourceBackup]
    """The ``count`` newest ``AVAILABLE`` backups, newest first."""
    created: dict[str, datetime]
    """Every ``AVAILABLE`` backup of the file system (or volume) still there -> when FSx made it."""
    gone: bool
    """``DescribeBackups`` answered ``FileSystemNotFound`` (``VolumeNotFound``): the file system (volume) was
    deleted; ``newest`` and ``created`` are then the backups that outlived it (its final backup, user backups)."""


def primary_backups(
    *,
    file_system_id: str | None = None,
    volume_id: str | None = None,
    region: str | None = None,
    count: int = 1,
    backup_types: Sequence[str] | None = None,
    allow_gone: bool = True,
    settings: AwsSettings | None = None,
) -> PrimaryBackups:
    """:func:`newest_backups`, telling a deleted file system (or volume) apart from any other failure.

    When the filtered ``DescribeBackups`` answers ``FileSystemNotFound`` or ``VolumeNotFound``, the Region's
    backups are listed unfiltered and those of the file system (volume) kept: the backups that outlived it.
    Any other failure raises (mapped), after the retries: it is never read as "no backups". With
    ``allow_gone`` False, ``FileSystemNotFound`` raises too (:class:`~pulumi_fsx_copy.SourceBackupNotFoundError`).
    ``settings``: the pulumi-aws settings to read with (default: the stack's, ``aws_options.program_settings``).
    """
    name, value = _subject(file_system_id, volume_id)
    types = _backup_types(backup_types)
    _check_count(count)
    where = resolve_region(region, "region")
    filters: list[dict[str, Any]] = [{"Name": name, "Values": [value]}]
    gateway = AwsGateway.for_settings(settings or program_settings())
    subject = f"{name.replace('-', '_')} {value}"
    gone = False
    try:
        listed = _every_page(gateway, where, filters, subject=subject)
    except SourceBackupNotFoundError as error:
        if not allow_gone or error.code not in ("FileSystemNotFound", "VolumeNotFound"):
            raise
        gone = True
        listed = [b for b in _every_page(gateway, where, [], subject=subject) if _of(b, name, value)]
    found = [
        backup
        for backup in listed
        if backup.lifecycle == Lifecycle.AVAILABLE
        and not backup.source_backup_id
        and (types is None or backup.type in types)
    ]
    found.sort(key=lambda b: (_created(b), b.backup_id), reverse=True)
    newest = [_source_backup(backup, where) for backup in found[:count]]
    for backup, described in zip(newest, found, strict=False):
        _refuse_uncopyable(backup, described)
    return PrimaryBackups(newest, {b.backup_id: _created(b) for b in found}, gone)


@dataclass(frozen=True)
class RegionCopy:
    """A copy :func:`copies_in_region` found: a backup whose source is a backup of the file system (volume)."""

    backup_id: str
    source_backup_id: str
    lifecycle: str
    creation_time: datetime
    """When the copy was made (never before its source)."""
    tags: dict[str, str]
    file_system_type: str | None = None


def copies_in_region(
    *,
    file_system_id: str | None,
    volume_id: str | None,
    source_region: str,
    region: str,
    settings: AwsSettings | None = None,
) -> list[RegionCopy]:
    """Every copy in ``region`` of a backup of the file system (or volume) made in ``source_region``, whoever
    made it and whatever its tags: ``DescribeBackups`` unfiltered (every page; a copy describes its source's
    file system and volume), matched on ``FileSystem``/``Volume`` and ``SourceBackupRegion``. Any failure
    raises (mapped), after the retries. ``settings``: as for :func:`primary_backups`."""
    name, value = _subject(file_system_id, volume_id)
    gateway = AwsGateway.for_settings(settings or program_settings())
    listed = _every_page(gateway, region, [], subject=f"the copies in '{region}'")
    return [
        RegionCopy(
            backup_id=backup.backup_id,
            source_backup_id=backup.source_backup_id,
            lifecycle=backup.lifecycle or "",
            creation_time=_created(backup),
            tags=dict(backup.tags),
            file_system_type=backup.file_system_type,
        )
        for backup in listed
        if backup.source_backup_id and backup.source_backup_region == source_region and _of(backup, name, value)
    ]


def _of(backup: Backup, name: str, value: str) -> bool:
    if name == "volume-id":
        return backup.volume_id == value
    return backup.described_file_system_id == value


def newest_backups_output(
    *,
    file_system_id: pulumi.Input[str | None] = None,
    volume_id: pulumi.Input[str | None] = None,
    region: pulumi.Input[str | None] = None,
    count: pulumi.Input[int] = 1,
    backup_types: pulumi.Input[Sequence[str] | None] = None,
) -> pulumi.Output[list[SourceBackup]]:
    """:func:`newest_backups` with inputs that may be Outputs (the ``_output`` form of a pulumi-aws data source)."""

    def look(args: list[Any]) -> list[SourceBackup]:
        return newest_backups(
            file_system_id=args[0], volume_id=args[1], region=args[2], count=args[3], backup_types=args[4]
        )

    return pulumi.Output.all(file_system_id, volume_id, region, count, backup_types).apply(look)


def resolve_region(region: str | None, field: str) -> str:
    """``region``, else the stack's ``aws:region``, else ``AWS_REGION`` / ``AWS_DEFAULT_REGION``; checked offline."""
    chosen = region or pulumi.Config("aws").get("region") or os.environ.get("AWS_REGION")
    chosen = chosen or os.environ.get("AWS_DEFAULT_REGION")
    if not chosen:
        raise RegionError(
            f"{field} is not set and no default Region is configured. Set {field}, or `pulumi config set "
            "aws:region REGION`, or AWS_REGION.",
            code="NoRegion",
        )
    if not isinstance(chosen, str) or not is_known_region(chosen):
        hint = suggest_region(chosen) if isinstance(chosen, str) else None
        did_you_mean = f" (did you mean {hint!r}?)" if hint else ""
        raise RegionError(
            f"{field} {short_repr(chosen)} is not an AWS Region{did_you_mean}; use one like 'us-east-1'.",
            code="InvalidRegion",
        )
    return chosen


def _subject(file_system_id: str | None, volume_id: str | None) -> tuple[str, str]:
    if (file_system_id is None) == (volume_id is None):
        raise InvalidInputError(
            "give exactly one of file_system_id (a file system's backups) or volume_id (an ONTAP "
            "volume's backups)" + ("; both were given" if file_system_id is not None else "")
        )
    if file_system_id is not None:
        if not isinstance(file_system_id, str) or not _FILE_SYSTEM_ID.fullmatch(file_system_id):
            raise InvalidInputError(
                f"file_system_id {short_repr(file_system_id)} is not an FSx file system ID; use one like "
                "'fs-0123456789abcdef0'"
            )
        return "file-system-id", file_system_id
    if not isinstance(volume_id, str) or not _VOLUME_ID.fullmatch(volume_id):
        raise InvalidInputError(
            f"volume_id {short_repr(volume_id)} is not an FSx volume ID; use one like 'fsvol-0123456789abcdef0'"
        )
    return "volume-id", volume_id


def _backup_types(backup_types: Sequence[str] | None) -> tuple[str, ...] | None:
    if backup_types is None:
        return None
    if isinstance(backup_types, str) or not all(isinstance(t, str) for t in backup_types):
        raise InvalidInputError(f"backup_types must be a list of backup types, e.g. {list(BACKUP_TYPES)}")
    unknown = [t for t in backup_types if t not in BACKUP_TYPES]
    if unknown or not backup_types:
        raise InvalidInputError(
            f"backup_types {short_repr(list(backup_types))} must name one or more of {', '.join(BACKUP_TYPES)}"
        )
    return tuple(dict.fromkeys(backup_types))


def _check_count(count: object) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise InvalidInputError(f"count {short_repr(count)} must be a whole number from 1 to {MAX_COUNT}")


def _every_page(gateway: AwsGateway, region: str, filters: list[dict[str, Any]], *, subject: str) -> list[Backup]:
    """DescribeBackups in ``region`` (with ``filters``), every page; SourceBackupNotFoundError naming ``subject``
    when FSx knows no such file system or volume."""
    context = ErrorContext(operation="DescribeBackups", region=region)
    request = {"Filters": filters} if filters else {}
    try:
        return gateway.list_backups(context, Deadline(LOOKUP_SECONDS), region, request)
    except CopyNotFoundError as error:
        if error.code not in ("FileSystemNotFound", "VolumeNotFound"):
            raise
        raise SourceBackupNotFoundError(
            f"{subject} names nothing FSx knows in '{region}' ({error.code}). Check it and the Region of the "
            "backups (region / source_region, default aws:region).",
            code=error.code,
            operation="DescribeBackups",
            region=region,
        ) from None


def _created(backup: Backup) -> datetime:
    if backup.creation_time is None:
        raise KeyError("CreationTime")  # FSx's model requires it
    return backup.creation_time


def _source_backup(backup: Backup, region: str) -> SourceBackup:
    return SourceBackup(
        backup_id=backup.backup_id,
        creation_time=_created(backup),
        backup_type=backup.type or "",
        region=region,
        file_system_id=backup.file_system_id,
        file_system_type=backup.file_system_type,
        volume_id=backup.volume_id,
    )


def _refuse_uncopyable(backup: SourceBackup, described: Backup) -> None:
    why = _UNCOPYABLE_STORAGE.get(str(described.storage_type))
    if why is not None:
        raise UnsupportedCopyError(
            f"backup {backup.backup_id} in '{backup.region}' cannot be copied: {why}. Protect this file system "
            "another way, or choose another file system.",
            code=None,
            operation="DescribeBackups",
            region=backup.region,
            backup_id=backup.backup_id,
        )
