"""pulumi-fsx-copy: a Pulumi resource that copies an Amazon FSx backup to another AWS Region."""

from . import _moved
from .drill import RestoreDrill, RestoreDrillProvider
from .errors import (
    AccessDeniedError,
    AwsServiceError,
    BackupCopyError,
    BackupInUseError,
    CopyCancelledError,
    CopyDeletedError,
    CopyFailedError,
    CopyLimitExceededError,
    CopyNotFoundError,
    CopyTimeoutError,
    CredentialsError,
    EndpointConfigError,
    EndpointUnreachableError,
    IdempotencyConflictError,
    InvalidInputError,
    KmsKeyError,
    OwnershipConflictError,
    RegionError,
    RestoreFailedError,
    RestoreNotFoundError,
    RestoreTimeoutError,
    RetentionIncompleteError,
    SourceBackupNotFoundError,
    SourceBackupUnavailableError,
    StaleBackupsError,
    TaggingError,
    ThrottledError,
    UnsupportedCopyError,
)
from .fanout import Destination, MultiRegionBackupCopy
from .lookup import SourceBackup, newest_backups, newest_backups_output
from .provider import BackupCopyProvider
from .resource import BackupCopy, BackupCopyArgs
from .retention import (
    MultiRegionRetainedBackupCopies,
    RetainedBackupCopies,
    RetainedBackupCopiesArgs,
)

__all__ = [
    "AccessDeniedError",
    "AwsServiceError",
    "BackupCopy",
    "BackupCopyArgs",
    "BackupCopyError",
    "BackupCopyProvider",
    "BackupInUseError",
    "CopyCancelledError",
    "CopyDeletedError",
    "CopyFailedError",
    "CopyLimitExceededError",
    "CopyNotFoundError",
    "CopyTimeoutError",
    "CredentialsError",
    "Destination",
    "EndpointConfigError",
    "EndpointUnreachableError",
    "IdempotencyConflictError",
    "InvalidInputError",
    "KmsKeyError",
    "MultiRegionBackupCopy",
    "MultiRegionRetainedBackupCopies",
    "OwnershipConflictError",
    "RegionError",
    "RestoreDrill",
    "RestoreDrillProvider",
    "RestoreFailedError",
    "RestoreNotFoundError",
    "RestoreTimeoutError",
    "RetainedBackupCopies",
    "RetainedBackupCopiesArgs",
    "RetentionIncompleteError",
    "SourceBackup",
    "SourceBackupNotFoundError",
    "SourceBackupUnavailableError",
    "StaleBackupsError",
    "TaggingError",
    "ThrottledError",
    "UnsupportedCopyError",
    "newest_backups",
    "newest_backups_output",
]

_moved.install()
