"""The emulator's switches, one frozen :class:`Settings` (process-wide; ``reset`` restores the defaults)."""

from __future__ import annotations

from dataclasses import dataclass

from .backups import COPY_LIMIT, OPT_IN_REGIONS


@dataclass(frozen=True)
class Settings:
    """The emulator's switches (``docs/emulator.md`` gives the evidence for each default).

    Timings are seconds; the defaults make clients meet AWS's worst documented case quickly.
    """

    copy_seconds: float = 1.0
    """How long a copy stays COPYING."""
    create_backup_seconds: float = 0.3
    """How long CreateBackup's backup stays CREATING (a Lustre one: PENDING, CREATING, TRANSFERRING)."""
    source_release_seconds: float = 0.3
    """After a copy became AVAILABLE, how long its source still refuses DeleteBackup (BackupBeingCopied)."""
    page_size: int = 1
    """The most items one DescribeBackups, ListTagsForResource or KMS ListAliases page holds (short pages)."""
    reuse_token_after_delete: bool = True
    """A CopyBackup token reused after its copy was deleted returns that copy, DELETED (False: a new copy)."""
    delete_while_copying: bool = False
    """DeleteBackup of a backup not finished yet (PENDING, CREATING, TRANSFERRING, COPYING) goes through
    (False: BackupInProgress)."""
    opt_in_regions: tuple[str, ...] = OPT_IN_REGIONS
    """Regions where cross-Region copies (from or to) are refused with InvalidRegion."""
    multi_az_unsupported_regions: tuple[str, ...] = ()
    """Destination Regions that refuse copies of Windows Multi-AZ backups (IncompatibleRegionForMultiAZ)."""
    backup_while_transferring: bool = False
    """CreateBackup of a Lustre file system whose last backup is still TRANSFERRING goes through (False:
    BackupInProgress, as while PENDING or CREATING)."""
    restore_seconds: float = 0.5
    """How long a restore (CreateFileSystemFromBackup, CreateVolumeFromBackup) stays CREATING."""
    delete_seconds: float = 0.3
    """How long a deleted file system or volume stays DELETING before it is gone."""
    delete_while_creating: bool = False
    """DeleteFileSystem/DeleteVolume of a restore still CREATING goes through (False: BadRequest)."""
    copy_limit: int = COPY_LIMIT
    """Copies in progress into one Region (per account) before CopyBackup answers ServiceLimitExceeded. FSx's
    limit is COPY_LIMIT; a benchmark that measures calls without slot waits raises it."""
