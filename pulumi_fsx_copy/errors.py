"""The errors the provider raises, and the one table that maps AWS's errors onto them.

Every error is a :class:`BackupCopyError`, one subclass per kind of failure (named in the README), with structured
fields and an actionable message. :data:`ERROR_TABLE` maps AWS error codes (botocore-style: a table, not
``if``/``elif`` chains), keyed by ``(operation, code)`` with ``(None, code)`` as any operation's fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    InvalidRegionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from .rules.facts import AWS_TAG_PREFIX, MAX_TAGS, OPERATIONS, iam_actions


class BackupCopyError(Exception):
    """Base of every error raised by the BackupCopy provider.

    Besides its message it carries what it is about, as botocore's ``ClientError`` keeps the response and
    the operation, so callers match fields, not text: ``code`` (AWS's error code, or the botocore error's
    class name, or None when the provider itself decided), ``operation``, ``service`` (botocore's name of
    the AWS service called: ``fsx`` or ``kms``), ``region``, ``backup_id``, and for a copy
    ``source_backup_id`` and ``source_region``. A field the provider did not know is None.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        operation: str | None = None,
        region: str | None = None,
        backup_id: str | None = None,
        source_backup_id: str | None = None,
        source_region: str | None = None,
        service: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.operation = operation
        self.region = region
        self.backup_id = backup_id
        self.source_backup_id = source_backup_id
        self.source_region = source_region
        self.service = service

    @property
    def fields(self) -> dict[str, str | None]:
        """The structured fields, by name."""
        return {name: getattr(self, name) for name in _FIELDS}

    def with_message(self, message: str) -> BackupCopyError:
        """The same error (class and fields) with another message, e.g. one that says more."""
        return type(self)(message, **self.fields)

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only fields survive pickling (the engine's worker threads never pickle errors, but users may).
        return (_rebuild, (type(self), self.message, self.fields))


_FIELDS = ("code", "operation", "region", "backup_id", "source_backup_id", "source_region", "service")


def _rebuild(cls: type[BackupCopyError], message: str, fields: Mapping[str, str | None]) -> BackupCopyError:
    return cls(message, **fields)


class InvalidInputError(BackupCopyError):
    """An input AWS refused (bad request, incompatible parameters)."""


class SourceBackupNotFoundError(BackupCopyError):
    """The source backup does not exist in the source Region."""


class SourceBackupUnavailableError(BackupCopyError):
    """The source backup did not become AVAILABLE in time."""


class CopyLimitExceededError(BackupCopyError):
    """An FSx service quota kept the copy from starting in time."""


class UnsupportedCopyError(BackupCopyError):
    """FSx does not support copying this backup (file system type, Multi-AZ, Region pair)."""


class IdempotencyConflictError(BackupCopyError):
    """A ClientRequestToken was already used for a copy with other parameters."""


class OwnershipConflictError(BackupCopyError):
    """Another run took over the copy this run worked on (its lease went stale): this run records nothing."""


class StaleBackupsError(BackupCopyError):
    """A retained file system's newest backup is older than ``max_age``: its backups have stopped."""


class RetentionIncompleteError(BackupCopyError):
    """A retained backup's copy was not made in this run (``--continue-on-error``); nothing was deleted."""


class KmsKeyError(BackupCopyError):
    """The source or destination KMS key cannot be used."""


class RegionError(BackupCopyError):
    """A Region is unknown, not enabled, or in another partition."""


class CopyFailedError(BackupCopyError):
    """AWS reported the copy FAILED; the failed copy was deleted."""


class CopyTimeoutError(BackupCopyError):
    """The copy did not become AVAILABLE within wait_timeout_minutes; re-running resumes waiting."""


class CopyDeletedError(BackupCopyError):
    """The copy was deleted by someone else while the provider waited on it."""


class CopyCancelledError(BackupCopyError):
    """Pulumi was cancelled (Ctrl-C) while the provider waited; the copy goes on in AWS and the next run resumes it."""


class CopyNotFoundError(BackupCopyError):
    """The copy the stack manages no longer exists."""


class BackupInUseError(BackupCopyError):
    """The backup is busy (being copied, restored, or still in progress) and cannot be deleted yet."""


class TaggingError(BackupCopyError):
    """AWS refused a tag change."""


class AwsServiceError(BackupCopyError):
    """AWS failed internally and kept failing after retries."""


class ThrottledError(BackupCopyError):
    """AWS kept throttling the provider's requests after retries."""


class CredentialsError(BackupCopyError):
    """No usable AWS credentials, or the credentials were rejected."""


class AccessDeniedError(BackupCopyError):
    """The credentials are valid but not allowed to make this call."""


class EndpointUnreachableError(BackupCopyError):
    """The AWS endpoint could not be reached."""


class RestoreFailedError(BackupCopyError):
    """A restore drill's file system or volume did not become AVAILABLE (FAILED, refused, cancelled)."""


class RestoreTimeoutError(BackupCopyError):
    """A restore drill took longer than max_restore_minutes; what it made is deleted."""


class RestoreNotFoundError(BackupCopyError):
    """A restore drill's file system or volume no longer exists."""


class EndpointConfigError(BackupCopyError):
    """An endpoint setting (``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_FSX``, ``AWS_ENDPOINT_URL_KMS``) is malformed."""


@dataclass(frozen=True)
class ErrorContext:
    """What the provider was doing when AWS answered, used to word error messages."""

    operation: str
    region: str = "?"
    source_region: str = "?"
    source_backup_id: str = "?"
    backup_id: str = "?"
    kms_key_id: str = "(the FSx-managed default key)"
    extra: Mapping[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()
    """Values that may be secret (tag values): AWS's own message is withheld when it repeats one."""
    service: str | None = None
    """botocore's name of the service called (``fsx``, ``kms``); None: the one whose API has ``operation``."""

    @property
    def service_name(self) -> str | None:
        """The AWS service of the operation: ``service`` if given, else the one of :data:`CALLED_OPERATIONS`
        whose API has ``operation``."""
        if self.service:
            return self.service
        return next((name for name, ops in CALLED_OPERATIONS.items() if self.operation in ops), None)

    def fields(self, code: str | None) -> dict[str, str | None]:
        """The structured fields of an error raised in this context (see :class:`BackupCopyError`)."""
        copying = self.operation == "CopyBackup"
        return {
            "code": code,
            "operation": self.operation,
            "region": _known(self.region),
            "backup_id": _known(self.backup_id),
            "source_backup_id": _known(self.source_backup_id) if copying or self.source_backup_id != "?" else None,
            "source_region": _known(self.source_region) if copying or self.source_region != "?" else None,
            "service": self.service_name,
        }

    def where(self) -> str:
        """Which backup, which Regions: appended to every mapped message."""
        if self.operation == "CopyBackup":
            return f"[copying {self.source_backup_id} from '{self.source_region}' to '{self.region}']"
        if _known(self.backup_id) is None:
            return f"[{self.operation} in '{self.region}']"
        return f"[{self.operation} of {self.backup_id} in '{self.region}']"


def _known(value: str) -> str | None:
    return None if value in ("?", "") else value


@dataclass(frozen=True)
class ErrorRule:
    """How one AWS error code becomes a BackupCopyError: its class, message template, and retryability."""

    error: type[BackupCopyError]
    message: str
    retryable: bool = False


_TRANSIENT = "AWS reported {code}{retried}. {fix_transient}"

ERROR_TABLE: Mapping[tuple[str | None, str], ErrorRule] = {
    # CopyBackup (all 11 codes of the API).
    ("CopyBackup", "BackupNotFound"): ErrorRule(
        SourceBackupNotFoundError,
        "source backup {source_backup_id} was not found in source_region '{source_region}' (copying to "
        "'{region}'). Check "
        "source_backup_id and source_region (the Region the backup lives in).",
    ),
    ("CopyBackup", "SourceBackupUnavailable"): ErrorRule(
        SourceBackupUnavailableError,
        "source backup {source_backup_id} in '{source_region}' is not AVAILABLE yet (it may still be "
        "creating, or be failed). Wait for it to finish, or raise wait_timeout_minutes.",
        retryable=True,
    ),
    ("CopyBackup", "ServiceLimitExceeded"): ErrorRule(
        CopyLimitExceededError,
        "FSx quota {limit} was reached in '{region}' while copying {source_backup_id}. FSx allows 5 "
        "copies in progress per destination Region: wait for others to finish, raise "
        "wait_timeout_minutes, or ask AWS for a quota increase.",
        retryable=True,
    ),
    ("CopyBackup", "UnsupportedOperation"): ErrorRule(
        UnsupportedCopyError,
        "FSx cannot copy backup {source_backup_id} from '{source_region}' to '{region}': {aws_message} "
        "Check that the file system type supports backup copies to this Region.",
    ),
    ("CopyBackup", "IncompatibleParameterError"): ErrorRule(
        IdempotencyConflictError,
        "client_request_token '{token}' was already used in '{region}' for a copy with other parameters "
        "({parameter}). Use another client_request_token, or remove it so the provider makes its own.",
    ),
    ("CopyBackup", "InvalidSourceKmsKey"): ErrorRule(
        KmsKeyError,
        "the KMS key of source backup {source_backup_id} in '{source_region}' cannot be used: "
        "{aws_message} Make sure the key is enabled and that the caller may use it (kms:Decrypt, kms:CreateGrant).",
    ),
    ("CopyBackup", "InvalidDestinationKmsKey"): ErrorRule(
        KmsKeyError,
        "the KMS key {kms_key_id} cannot be used in '{region}': {aws_message} Give a kms_key_id that exists "
        "and is enabled in '{region}' (a key ID, key ARN, alias name or alias ARN).",
    ),
    ("CopyBackup", "InvalidRegion"): ErrorRule(
        RegionError,
        "FSx refused to copy from source_region '{source_region}' to region '{region}': {aws_message} "
        "Both Regions must be enabled for the account and in the same partition.",
    ),
    ("CopyBackup", "IncompatibleRegionForMultiAZ"): ErrorRule(
        UnsupportedCopyError,
        "backup {source_backup_id} of a Multi-AZ file system cannot be copied to '{region}': "
        "{aws_message} Choose a destination Region that supports Multi-AZ file systems.",
    ),
    ("CopyBackup", "BadRequest"): ErrorRule(
        InvalidInputError,
        "AWS refused to copy {source_backup_id} from '{source_region}' to '{region}': {aws_message} "
        "Fix the input the message names.",
    ),
    # DeleteBackup (all 7 codes of the API).
    ("DeleteBackup", "BackupNotFound"): ErrorRule(
        CopyNotFoundError, "backup {backup_id} no longer exists in '{region}'."
    ),
    ("DeleteBackup", "BackupBeingCopied"): ErrorRule(
        BackupInUseError,
        "backup {backup_id} in '{region}' is the source of a copy in progress and cannot be deleted "
        "until that copy finishes. Re-run when it has, or raise wait_timeout_minutes.",
        retryable=True,
    ),
    ("DeleteBackup", "BackupInProgress"): ErrorRule(
        BackupInUseError,
        "backup {backup_id} in '{region}' is still being created or copied and cannot be deleted yet. "
        "Re-run when it has finished, or raise wait_timeout_minutes.",
        retryable=True,
    ),
    ("DeleteBackup", "BackupRestoring"): ErrorRule(
        BackupInUseError,
        "backup {backup_id} in '{region}' is being restored to file system {file_system_id} and cannot "
        "be deleted until the restore finishes. Re-run when it has, or raise wait_timeout_minutes.",
        retryable=True,
    ),
    ("DeleteBackup", "IncompatibleParameterError"): ErrorRule(
        InvalidInputError,
        "AWS refused to delete backup {backup_id} in '{region}': parameter {parameter} is incompatible. {aws_message}",
    ),
    ("DeleteBackup", "BadRequest"): ErrorRule(
        InvalidInputError,
        "AWS refused to delete backup {backup_id} in '{region}': {aws_message} Delete it in the FSx "
        "console to see why, then run `pulumi refresh`.",
    ),
    # DescribeBackups.
    ("DescribeBackups", "BackupNotFound"): ErrorRule(
        CopyNotFoundError,
        "backup {backup_id} was not found in '{region}'. If it was deleted outside Pulumi, run "
        "`pulumi refresh`; with BackupCopy.get, check the ID and the stack's aws:region.",
    ),
    ("DescribeBackups", "FileSystemNotFound"): ErrorRule(
        CopyNotFoundError, "FSx reported a missing file system while describing {backup_id} in '{region}'."
    ),
    ("DescribeBackups", "VolumeNotFound"): ErrorRule(
        CopyNotFoundError, "FSx reported a missing volume while describing {backup_id} in '{region}'."
    ),
    # A RestoreDrill's restores (drill.py): backup_id is the drilled copy; file_system_id the restored one.
    ("CreateFileSystemFromBackup", "BackupNotFound"): ErrorRule(
        SourceBackupNotFoundError,
        "the copy to drill, {backup_id}, was not found in '{region}'. Check backup_id and region.",
    ),
    ("CreateFileSystemFromBackup", "ActiveDirectoryError"): ErrorRule(
        InvalidInputError,
        "the restore of {backup_id} could not join the Active Directory of file_system_settings.WindowsConfiguration: "
        "{aws_message} Check its DomainName, DnsIps, UserName and the password given.",
    ),
    ("CreateFileSystemFromBackup", "IncompatibleParameterError"): ErrorRule(
        InvalidInputError,
        "file_system_settings.{parameter} cannot restore {backup_id} in '{region}': {aws_message}",
    ),
    ("CreateFileSystemFromBackup", "InvalidNetworkSettings"): ErrorRule(
        InvalidInputError,
        "file_system_settings' network settings were refused in '{region}': {aws_message} Give SubnetIds and "
        "SecurityGroupIds of one VPC in '{region}'.",
    ),
    ("CreateFileSystemFromBackup", "InvalidPerUnitStorageThroughput"): ErrorRule(
        InvalidInputError,
        "file_system_settings.LustreConfiguration.PerUnitStorageThroughput was refused: {aws_message}",
    ),
    ("CreateFileSystemFromBackup", "MissingFileSystemConfiguration"): ErrorRule(
        InvalidInputError,
        "file_system_settings lacks the configuration of {backup_id}'s file system type: {aws_message}",
    ),
    ("CreateFileSystemFromBackup", "ServiceLimitExceeded"): ErrorRule(
        CopyLimitExceededError,
        "FSx quota {limit} was reached in '{region}': the drill of {backup_id} cannot restore it. Delete file "
        "systems, or ask AWS for a quota increase.",
    ),
    ("CreateVolumeFromBackup", "BackupNotFound"): ErrorRule(
        SourceBackupNotFoundError,
        "the copy to drill, {backup_id}, was not found in '{region}'. Check backup_id and region.",
    ),
    ("CreateVolumeFromBackup", "FileSystemNotFound"): ErrorRule(
        InvalidInputError,
        "the file system of volume_settings.OntapConfiguration.StorageVirtualMachineId was not found in "
        "'{region}': {aws_message}",
    ),
    ("CreateVolumeFromBackup", "StorageVirtualMachineNotFound"): ErrorRule(
        InvalidInputError,
        "volume_settings.OntapConfiguration.StorageVirtualMachineId names no SVM in '{region}': {aws_message}",
    ),
    ("CreateVolumeFromBackup", "IncompatibleParameterError"): ErrorRule(
        InvalidInputError,
        "volume_settings.{parameter} cannot restore {backup_id} in '{region}': {aws_message}",
    ),
    ("CreateVolumeFromBackup", "MissingVolumeConfiguration"): ErrorRule(
        InvalidInputError, "volume_settings lacks the OntapConfiguration to restore {backup_id}: {aws_message}"
    ),
    ("CreateVolumeFromBackup", "ServiceLimitExceeded"): ErrorRule(
        CopyLimitExceededError,
        "FSx quota {limit} was reached in '{region}': the drill of {backup_id} cannot restore it. Delete "
        "volumes, or ask AWS for a quota increase.",
    ),
    ("DescribeFileSystems", "FileSystemNotFound"): ErrorRule(
        RestoreNotFoundError, "file system {file_system_id} no longer exists in '{region}'."
    ),
    ("DescribeVolumes", "VolumeNotFound"): ErrorRule(
        RestoreNotFoundError, "volume {file_system_id} no longer exists in '{region}'."
    ),
    ("DeleteFileSystem", "FileSystemNotFound"): ErrorRule(
        RestoreNotFoundError, "file system {file_system_id} no longer exists in '{region}'."
    ),
    ("DeleteFileSystem", "IncompatibleParameterError"): ErrorRule(
        InvalidInputError,
        "FSx refused to delete file system {file_system_id} in '{region}' ({parameter}): {aws_message}",
    ),
    ("DeleteVolume", "VolumeNotFound"): ErrorRule(
        RestoreNotFoundError, "volume {file_system_id} no longer exists in '{region}'."
    ),
    ("DeleteVolume", "IncompatibleParameterError"): ErrorRule(
        InvalidInputError, "FSx refused to delete volume {file_system_id} in '{region}' ({parameter}): {aws_message}"
    ),
    # Tagging.
    (None, "ResourceNotFound"): ErrorRule(
        CopyNotFoundError,
        "backup {backup_id} was not found in '{region}' while changing its tags. If it was deleted "
        "outside Pulumi, run `pulumi refresh` and `pulumi up` to make a new copy.",
    ),
    (None, "NotServiceResourceError"): ErrorRule(
        TaggingError, "{backup_id} in '{region}' is not an FSx resource and cannot be tagged here."
    ),
    (None, "ResourceDoesNotSupportTagging"): ErrorRule(
        TaggingError, "{backup_id} in '{region}' does not support tagging."
    ),
    ("TagResource", "BadRequest"): ErrorRule(
        TaggingError,
        "AWS refused the tags of backup {backup_id} in '{region}': {aws_message} A backup holds at most "
        f"{MAX_TAGS} tags, copied ones included; keys may not start with '{AWS_TAG_PREFIX}'.",
    ),
    ("ListTagsForResource", "BadRequest"): ErrorRule(
        TaggingError, "AWS refused to list the tags of backup {backup_id} in '{region}': {aws_message}"
    ),
    ("UntagResource", "BadRequest"): ErrorRule(
        TaggingError, "AWS refused to remove tags from backup {backup_id} in '{region}': {aws_message}"
    ),
    # KMS DescribeKey (all 4 codes of the API): the key of a copy, or a kms_key_id compared with it.
    ("DescribeKey", "NotFoundException"): ErrorRule(
        KmsKeyError,
        "KMS key {kms_key_id} was not found in '{region}': {aws_message} Give a kms_key_id that exists in "
        "'{region}' (a key ID, key ARN, alias name or alias ARN).",
    ),
    ("DescribeKey", "InvalidArnException"): ErrorRule(
        KmsKeyError,
        "KMS refused the key reference {kms_key_id} in '{region}': {aws_message} Give a key ID, key ARN, alias "
        "name or alias ARN of a key in '{region}'.",
    ),
    ("DescribeKey", "DependencyTimeoutException"): ErrorRule(AwsServiceError, _TRANSIENT, retryable=True),
    ("DescribeKey", "KMSInternalException"): ErrorRule(AwsServiceError, _TRANSIENT, retryable=True),
    # Any operation.
    (None, "BadRequest"): ErrorRule(InvalidInputError, "AWS refused {operation} in '{region}': {aws_message}"),
    (None, "ServiceLimitExceeded"): ErrorRule(
        CopyLimitExceededError, "FSx quota {limit} was reached in '{region}' during {operation}.", retryable=True
    ),
    (None, "InternalServerError"): ErrorRule(AwsServiceError, _TRANSIENT, retryable=True),
    (None, "ServiceUnavailable"): ErrorRule(AwsServiceError, _TRANSIENT, retryable=True),
    (None, "ThrottlingException"): ErrorRule(ThrottledError, _TRANSIENT, retryable=True),
    (None, "Throttling"): ErrorRule(ThrottledError, _TRANSIENT, retryable=True),
    (None, "TooManyRequestsException"): ErrorRule(ThrottledError, _TRANSIENT, retryable=True),
    (None, "RequestLimitExceeded"): ErrorRule(ThrottledError, _TRANSIENT, retryable=True),
    (None, "AccessDeniedException"): ErrorRule(
        AccessDeniedError,
        "the AWS credentials in use may not call {operation} in '{region}': {aws_message} Grant "
        f"{', '.join(iam_actions('fsx'))} and the KMS permissions listed in the README.",
    ),
    (None, "UnrecognizedClientException"): ErrorRule(
        CredentialsError,
        "AWS did not recognise the credentials used for {operation} in '{region}'. Check the access "
        "key, aws:profile, or that the Region is enabled for the account.",
    ),
    (None, "InvalidClientTokenId"): ErrorRule(
        CredentialsError, "AWS rejected the access key used for {operation} in '{region}'. Check the credentials."
    ),
    (None, "ExpiredTokenException"): ErrorRule(
        CredentialsError,
        "the AWS session token used for {operation} in '{region}' has expired. Refresh the credentials "
        "(e.g. `aws sso login`) and re-run; a copy already started is resumed.",
    ),
    (None, "InvalidSignatureException"): ErrorRule(
        CredentialsError, "AWS rejected the request signature for {operation} in '{region}'. Check the secret key."
    ),
}
"""How each AWS error code becomes a BackupCopyError, keyed by (operation, code); (None, code): any operation.

``tests/unit/test_error_table.py`` checks it against botocore's service models: every error code an
operation of :data:`CALLED_OPERATIONS` can return is mapped, and every code the table names is one such an
operation can return, or one of :data:`GENERIC_CODES`. A code that maps to nothing (AWS adds codes) becomes a
plain :class:`BackupCopyError` naming the operation, the code and AWS's message.
"""

CALLED_OPERATIONS: Mapping[str, tuple[str, ...]] = {service: tuple(ops) for service, ops in OPERATIONS.items()}
"""The AWS operations the provider calls, by service (botocore's service names): :data:`facts.OPERATIONS`."""

GENERIC_CODES = frozenset(
    {
        "ServiceUnavailable",
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredTokenException",
        "InvalidSignatureException",
    }
)
"""Codes any AWS operation may return (throttling, 5xx, access and credentials), which service models omit."""

# Errors botocore raises before AWS answers, mapped by class.
_LOCAL_ERRORS: tuple[tuple[tuple[type[BaseException], ...], ErrorRule], ...] = (
    (
        (NoCredentialsError, PartialCredentialsError),
        ErrorRule(
            CredentialsError,
            "no AWS credentials were found for {operation} in '{region}'. Set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, an AWS profile (aws:profile or AWS_PROFILE), or run inside AWS.",
        ),
    ),
    (
        (ProfileNotFound,),
        ErrorRule(
            CredentialsError,
            "{aws_message} (the profile comes from aws:profile, else AWS_PROFILE). Set `pulumi config set "
            "aws:profile NAME` (or AWS_PROFILE) to a profile in ~/.aws/config or ~/.aws/credentials, or unset it; "
            "then run `pulumi up`, which also records aws:profile for `pulumi refresh` and `pulumi destroy`.",
        ),
    ),
    (
        (NoRegionError,),
        ErrorRule(
            RegionError,
            "no AWS Region is set for {operation}. Set `region` on the resource, or `pulumi config set "
            "aws:region REGION`, or AWS_REGION.",
        ),
    ),
    (
        (InvalidRegionError,),
        ErrorRule(RegionError, "{aws_message} Use a Region name such as 'us-west-2'."),
    ),
    (
        (EndpointConnectionError, ConnectTimeoutError, ConnectionClosedError, ReadTimeoutError),
        ErrorRule(
            EndpointUnreachableError,
            "the {service_label} endpoint {endpoint} for '{region}' could not be reached during {operation}{retried} "
            "({aws_message}). Check the network, proxy, and {endpoint_settings}, then re-run; a copy already "
            "started is resumed.",
            retryable=True,
        ),
    ),
)


SERVICE_LABELS: Mapping[str, str] = {"fsx": "FSx", "kms": "KMS"}
"""How messages name each service the provider calls."""


def endpoint_settings(service: str | None) -> str:
    """The settings that choose ``service``'s endpoint, as a message names them."""
    if service:
        return f"AWS_ENDPOINT_URL_{service.upper()} (else AWS_ENDPOINT_URL)"
    return "any AWS_ENDPOINT_URL setting"


def _endpoint_of(exc: BaseException) -> str:
    """The endpoint URL a botocore connection error names (its ``endpoint_url``), else ``(default)``."""
    kwargs = getattr(exc, "kwargs", None)
    url = kwargs.get("endpoint_url") if isinstance(kwargs, Mapping) else None
    return str(url) if url else "(AWS's default)"


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a botocore ClientError, else None."""
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


def rule_for(exc: BaseException, operation: str) -> ErrorRule | None:
    """The table's rule for an exception raised by ``operation``, or None when nothing maps it."""
    code = error_code(exc)
    if code is not None:
        return ERROR_TABLE.get((operation, code)) or ERROR_TABLE.get((None, code))
    for classes, rule in _LOCAL_ERRORS:
        if isinstance(exc, classes):
            return rule
    return None


def is_retryable(exc: BaseException, operation: str) -> bool:
    """Whether waiting and calling again may succeed."""
    rule = rule_for(exc, operation)
    return rule is not None and rule.retryable


class _Defaults(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def map_error(exc: BaseException, context: ErrorContext, *, retried: int = 0) -> BackupCopyError:
    """Turn an exception from botocore into the BackupCopyError a user can act on.

    A BackupCopyError is returned as it is. Anything else that is not botocore's (a TypeError from the
    provider's own code) is re-raised as itself: a programming error must never read like an AWS answer.
    """
    if isinstance(exc, BackupCopyError):
        return exc
    if not isinstance(exc, (ClientError, BotoCoreError)):
        raise exc
    rule = rule_for(exc, context.operation)
    code = error_code(exc)
    response: Mapping[str, Any] = exc.response if isinstance(exc, ClientError) else {}
    aws_message = str(response.get("Error", {}).get("Message") or response.get("Message") or "")
    if not isinstance(exc, ClientError):
        aws_message = str(exc)
    if any(secret and secret in aws_message for secret in context.secrets):
        aws_message = "(AWS's message is withheld: it repeats a tag value, which may be a secret)"
    values = _Defaults(
        operation=context.operation,
        region=context.region,
        source_region=context.source_region,
        source_backup_id=context.source_backup_id,
        backup_id=context.backup_id,
        kms_key_id=context.kms_key_id,
        code=code or type(exc).__name__,
        aws_message=aws_message.rstrip(".") + "." if aws_message else "",
        limit=str(response.get("Limit", "")) or "(unnamed)",
        parameter=str(response.get("Parameter", "")) or "parameter",
        file_system_id=str(response.get("FileSystemId", "")) or "(unknown)",
        retried=f" after {retried} retries" if retried else "",
        fix_transient="Re-run `pulumi up` later; a copy already started is resumed, not repeated.",
        service_label=SERVICE_LABELS.get(context.service_name or "", "AWS"),
        endpoint=_endpoint_of(exc),
        endpoint_settings=endpoint_settings(context.service_name),
    )
    values.update(context.extra)
    fields = context.fields(code or type(exc).__name__)
    if rule is None:
        template = (
            "{operation} failed in '{region}' with {code}: {aws_message} "
            "(backup {backup_id}, source {source_backup_id} in '{source_region}')"
        )
        return BackupCopyError(" ".join(template.format_map(values).split()), **fields)
    message = " ".join(f"{rule.message.format_map(values)} {context.where()}".split())
    return rule.error(message, **fields)
