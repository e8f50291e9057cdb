"""The backups of the emulated FSx service and what they are made of: IDs, Regions, KMS keys, tags.

:class:`EmulatedBackup` is stored in moto's own ``FSxBackend.backups``; :mod:`.models` acts on them.
"""

from __future__ import annotations

import itertools
import os
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar, cast

from moto.core.common_models import BaseModel
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.fsx.models import FileSystem, FSxBackend, fsx_backends
from moto.kms.models import Key, KmsBackend, kms_backends
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

from .exceptions import EmulatorError, FsxError

COPY_LIMIT: Final = 5
"""Copies that may be in progress into one destination Region of one account."""
TAG_LIMIT: Final = 50
"""Tags per resource."""
PAGE_LIMIT: Final = 50
"""The most items AWS returns in one page, whatever ``MaxResults`` asks for."""
MANAGED_KEY_ALIAS: Final = "alias/aws/fsx"
"""The alias of the FSx-managed KMS key the emulator creates on demand in each account and Region."""
LIFECYCLES: Final = ("AVAILABLE", "CREATING", "TRANSFERRING", "DELETED", "FAILED", "PENDING", "COPYING")
BACKUP_TYPES: Final = ("USER_INITIATED", "AUTOMATIC", "AWS_BACKUP")
STORAGE_TYPES: Final = ("SSD", "HDD", "INTELLIGENT_TIERING")
OPT_IN_REGIONS: Final = (
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
)
"""The commercial Regions an account must opt in to (AWS account management guide)."""
RESERVED_TAG_PREFIX: Final = "aws:"

CONFIG_OF_TYPE: Final = {
    "WINDOWS": "windows_configuration",
    "LUSTRE": "lustre_configuration",
    "ONTAP": "ontap_configuration",
    "OPENZFS": "open_zfs_configuration",
}
DEFAULT_DEPLOYMENT: Final = {
    "WINDOWS": "SINGLE_AZ_2",
    "LUSTRE": "PERSISTENT_2",
    "ONTAP": "SINGLE_AZ_1",
    "OPENZFS": "SINGLE_AZ_1",
}
VOLUME_BACKUP_TYPE: Final = "ONTAP"
"""The file system type whose volumes, and not file systems, are backed up (the model's CreateBackup)."""
FILE_SYSTEM_MEMBERS: Final = (
    "OwnerId",
    "CreationTime",
    "FileSystemId",
    "FileSystemType",
    "Lifecycle",
    "StorageCapacity",
    "StorageType",
    "SubnetIds",
    "DNSName",
    "KmsKeyId",
    "ResourceARN",
    "WindowsConfiguration",
    "LustreConfiguration",
    "OntapConfiguration",
    "OpenZFSConfiguration",
)
"""What a backup's ``FileSystem`` carries: members of the model's FileSystem shape moto has values for."""
_KEY_NAMESPACE: Final = uuid.UUID("5d3c1e2a-8f0b-4c55-9a61-6f2b7f1d0c11")
_STATE_ATTR: Final = "_fsx_copy_state"
_SEQUENCE: Final = itertools.count(1)
"""Numbers backups in the order they are made: the order DescribeBackups lists them in."""
IN_PROGRESS: Final = ("PENDING", "CREATING", "TRANSFERRING", "COPYING")
"""The lifecycles of a backup not finished yet."""


@dataclass(frozen=True)
class Request:
    """The parameters of a request that its ClientRequestToken stands for."""

    operation: str
    params: tuple[tuple[str, Any], ...]

    def first_difference(self, other: Request) -> str | None:
        """The API name of the first parameter that differs from ``other``, else None."""
        mine, theirs = dict(self.params), dict(other.params)
        for name in sorted(set(mine) | set(theirs)):
            if mine.get(name) != theirs.get(name):
                return name
        return None


@dataclass
class RegionState:
    """What the emulator keeps per (account, Region), on the moto backend it belongs to."""

    tokens: dict[tuple[str, str], tuple[Request, EmulatedBackup]] = field(default_factory=dict)
    volumes: dict[str, dict[str, Any]] = field(default_factory=dict)
    max_in_progress: int = 0


S = TypeVar("S")
T = TypeVar("T")


def backend_state(backend: FSxBackend, attribute: str, kind: type[S]) -> S:
    """The ``kind`` of state the emulator keeps on ``backend`` under ``attribute`` (made on first use; gone
    when moto resets the backend)."""
    state = backend.__dict__.get(attribute)
    if not isinstance(state, kind):
        state = kind()
        setattr(backend, attribute, state)
    return state


def region_state(backend: FSxBackend) -> RegionState:
    """The emulator's state on ``backend``."""
    return backend_state(backend, _STATE_ATTR, RegionState)


def earlier_answer(
    tokens: Mapping[tuple[str, str], tuple[Request, T]], token: str | None, request: Request
) -> T | None:
    """What an earlier request with ``token`` made, if it had the same parameters as ``request`` (the model:
    a token used before with other parameters is ``IncompatibleParameterError``)."""
    if token is None:
        return None
    earlier = tokens.get((request.operation, token))
    if earlier is None:
        return None
    different = request.first_difference(earlier[0])
    if different is not None:
        raise FsxError(
            "IncompatibleParameterError",
            f"The ClientRequestToken was used before with a different {different}.",
            Parameter=different,
        )
    return earlier[1]


def backups_of(backend: FSxBackend) -> dict[str, object]:
    """moto's table of ``backend``'s backups, which holds the emulator's :class:`EmulatedBackup`."""
    return cast("dict[str, object]", backend.backups)


def new_id(prefix: str) -> str:
    """An FSx-style ID: ``prefix`` and 17 hex digits, like ``backup-0123456789abcdef0``."""
    return f"{prefix}-{mock_random.get_random_hex(17)}"


def fsx_backend(account_id: str, region: str) -> FSxBackend:
    """moto's FSx backend of ``region``; ``InvalidRegion`` for a Region FSx does not serve."""
    try:
        return fsx_backends[account_id][region]
    except KeyError:
        raise FsxError("InvalidRegion", f"Amazon FSx is not available in Region '{region}'.") from None


def control_backend(account_id: str | None, region: str) -> FSxBackend:
    """:func:`fsx_backend` for a control call: an :class:`EmulatorError` for a Region FSx does not serve."""
    try:
        return fsx_backend(account_id or default_account_id(), region)
    except FsxError as err:
        raise EmulatorError(err.message) from None


class EmulatedBackup(BaseModel):
    """An FSx backup: made by CreateBackup, by CopyBackup (a copy) or seeded by a test.

    It passes through ``phases`` (e.g. CREATING, or COPYING) in equal parts of ``duration`` seconds
    since ``started``, then is ``final_lifecycle``; ``lifecycle_override`` (set by tests, by a failure
    injected into a running copy, or by DeleteBackup) wins over the clock.
    """

    def __init__(
        self,
        backend: FSxBackend,
        *,
        file_system: Mapping[str, Any],
        volume: Mapping[str, Any] | None,
        kms_key_id: str,
        phases: tuple[str, ...],
        duration: float,
        size_in_bytes: int | None,
        backup_type: str = "USER_INITIATED",
        source: EmulatedBackup | None = None,
        release_seconds: float = 0.0,
    ) -> None:
        self.backend = backend
        self.sequence = next(_SEQUENCE)
        self.backup_id = new_id("backup")
        self.resource_arn = (
            f"arn:{get_partition(backend.region_name)}:fsx:{backend.region_name}:"
            f"{backend.account_id}:backup/{self.backup_id}"
        )
        self.file_system = dict(file_system)
        self.volume = dict(volume) if volume is not None else None
        self.kms_key_id = kms_key_id
        self.phases = phases
        self.final_lifecycle = "AVAILABLE"
        self.failure_message: str | None = None
        self.lifecycle_override: str | None = None
        self.duration = duration
        self.release_seconds = release_seconds
        self.started = time.monotonic()
        self.creation_time = time.time()
        self.size_in_bytes = size_in_bytes
        self.backup_type = backup_type
        self.source_backup_id = source.backup_id if source else None
        self.source_backup_region = source.backend.region_name if source else None
        self.deleted_tags: list[dict[str, str]] = []
        self.restoring = False
        self.restoring_file_system_id: str | None = None

    @property
    def file_system_id(self) -> str:
        return str(self.file_system["FileSystemId"])

    @property
    def file_system_type(self) -> str:
        return str(self.file_system["FileSystemType"])

    @property
    def volume_id(self) -> str | None:
        return str(self.volume["VolumeId"]) if self.volume else None

    @property
    def resource_type(self) -> str:
        return "VOLUME" if self.volume else "FILE_SYSTEM"

    @property
    def is_copy(self) -> bool:
        return self.source_backup_id is not None

    def lifecycle_at(self, now: float) -> str:
        """The lifecycle at monotonic time ``now``."""
        if self.lifecycle_override is not None:
            return self.lifecycle_override
        elapsed = now - self.started
        if elapsed >= self.duration:
            return self.final_lifecycle
        return self.phases[min(len(self.phases) - 1, int(len(self.phases) * elapsed / self.duration))]

    def holds_source(self, now: float) -> bool:
        """Whether this copy still keeps its source from being deleted: while COPYING, and for
        ``release_seconds`` after it became AVAILABLE."""
        lifecycle = self.lifecycle_at(now)
        if lifecycle == "COPYING":
            return True
        return (
            lifecycle == "AVAILABLE"
            and self.lifecycle_override is None
            and (now - self.started < self.duration + self.release_seconds)
        )

    def progress(self, now: float) -> int | None:
        """``ProgressPercent`` at ``now``: rising 0 -> 100 while pending, 100 once AVAILABLE."""
        lifecycle = self.lifecycle_at(now)
        if lifecycle == "AVAILABLE":
            return 100
        if lifecycle in ("COPYING", "CREATING", "PENDING", "TRANSFERRING"):
            if self.duration <= 0:
                return 0
            return max(0, min(99, int(100 * (now - self.started) / self.duration)))
        return None

    def tags(self) -> list[dict[str, str]]:
        if self.lifecycle_override == "DELETED":
            return list(self.deleted_tags)
        return list(self.backend.list_tags_for_resource(self.resource_arn))

    def to_dict(self, now: float | None = None) -> dict[str, Any]:
        """The ``Backup`` structure of the FSx API."""
        now = time.monotonic() if now is None else now
        lifecycle = self.lifecycle_at(now)
        result: dict[str, Any] = {
            "BackupId": self.backup_id,
            "Lifecycle": lifecycle,
            "Type": self.backup_type,
            "ProgressPercent": self.progress(now),
            "CreationTime": self.creation_time,
            "KmsKeyId": self.kms_key_id,
            "ResourceARN": self.resource_arn,
            "Tags": self.tags() or None,
            "FileSystem": self.file_system,
            "OwnerId": self.backend.account_id,
            "SourceBackupId": self.source_backup_id,
            "SourceBackupRegion": self.source_backup_region,
            "ResourceType": self.resource_type,
            "Volume": self.volume,
            "SizeInBytes": self.size_in_bytes,
        }
        if lifecycle == "FAILED" and self.failure_message:
            result["FailureDetails"] = {"Message": self.failure_message}
        return {key: value for key, value in result.items() if value is not None}


def default_account_id() -> str:
    """The account moto attributes requests to when nothing says otherwise."""
    return os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)


def managed_key(kms: KmsBackend) -> Key:
    """The FSx-managed key (``alias/aws/fsx``) of ``kms``'s account and Region, made on first use.

    Its key ID is derived from the account and Region, so its ARN is the same in every test run.
    """
    key_id = str(uuid.uuid5(_KEY_NAMESPACE, f"{kms.account_id}:{kms.region_name}:aws/fsx"))
    key = kms.keys.get(key_id)
    if key is None:
        key = kms.create_key(
            None,
            "ENCRYPT_DECRYPT",
            "SYMMETRIC_DEFAULT",
            "Default key that protects my FSx resources when no other key is defined",
            None,
        )
        del kms.keys[key.id]
        key.id = key_id
        key.arn = f"arn:{get_partition(kms.region_name)}:kms:{kms.region_name}:{kms.account_id}:key/{key_id}"
        key.key_manager = "AWS"
        kms.keys[key_id] = key
        kms.create_alias(key_id, MANAGED_KEY_ALIAS)
    return key


def managed_key_arn(region: str, account_id: str | None = None) -> str:
    """The ARN of the FSx-managed key copies get when CopyBackup is given no ``KmsKeyId``."""
    return managed_key(kms_backends[account_id or default_account_id()][region]).arn


def resolve_kms_key(account_id: str, region: str, key_ref: str | None) -> str:
    """The ARN of the enabled symmetric encryption KMS key ``key_ref`` (key ID, key ARN, alias name or
    alias ARN) names in ``region``; the FSx-managed key's when None; else ``InvalidDestinationKmsKey``."""
    kms = kms_backends[account_id][region]
    if key_ref is None:
        return managed_key(kms).arn
    invalid = FsxError("InvalidDestinationKmsKey", f"The KMS key '{key_ref}' is not a valid, enabled key in {region}.")
    if key_ref.startswith("arn:"):
        parts = key_ref.split(":", 5)
        if len(parts) != 6 or parts[2] != "kms" or parts[3] != region or parts[4] != account_id:
            raise invalid
    if kms.get_alias_name(key_ref) == MANAGED_KEY_ALIAS:
        return managed_key(kms).arn
    try:
        key = kms.keys[kms.any_id_to_key_id(key_ref)]
    except (KeyError, AttributeError, TypeError):
        raise invalid from None
    if key.key_state != "Enabled" or not is_symmetric_encryption_key(key):
        raise invalid
    return str(key.arn)


def is_symmetric_encryption_key(key: Key) -> bool:
    """Whether ``key`` is a symmetric encryption key, the only kind FSx encrypts with (no RSA, ECC, HMAC)."""
    return key.key_spec == "SYMMETRIC_DEFAULT" and key.key_usage in (None, "ENCRYPT_DECRYPT")


def source_key_usable(account_id: str, region: str, key_arn: str) -> bool:
    """Whether the KMS key of a source backup can still be used (not disabled or pending deletion)."""
    kms = kms_backends[account_id][region]
    key = kms.keys.get(key_arn.rsplit("/", 1)[-1])
    return key is None or key.key_state == "Enabled"


def tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def tag_dict(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    """Tags as a dict; ``BadRequest`` when a key comes twice (AWS does not pick one)."""
    result: dict[str, str] = {}
    for tag in tags or ():
        key = str(tag["Key"])
        if key in result:
            raise FsxError("BadRequest", f"Tag key '{key}' is given more than once in the request.")
        result[key] = str(tag.get("Value", ""))
    return result


def is_reserved(key: str) -> bool:
    """``aws:`` in any case is reserved for AWS's own tags."""
    return key[: len(RESERVED_TAG_PREFIX)].lower() == RESERVED_TAG_PREFIX


def check_user_tag_keys(keys: Iterable[str], action: str = "add") -> None:
    for key in keys:
        if is_reserved(key):
            raise FsxError(
                "BadRequest", f"Tag keys starting with 'aws:' are reserved for AWS use; can't {action} '{key}'."
            )


def user_tag_count(tags: Iterable[str]) -> int:
    """Tags that count against the limit (AWS's own ``aws:`` tags do not)."""
    return sum(1 for key in tags if not is_reserved(key))


def frozen_tags(tags: Sequence[Mapping[str, str]] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(tag["Key"]), str(tag.get("Value", ""))) for tag in tags or ()))


def filter_value(backup: EmulatedBackup, name: str) -> str | None:
    """The value DescribeBackups filter ``name`` compares (None: matches nothing, e.g. file caches)."""
    return {
        "file-system-id": backup.file_system_id,
        "backup-type": backup.backup_type,
        "file-system-type": backup.file_system_type,
        "volume-id": backup.volume_id,
    }.get(name)


_MOTO_CREATE_FILE_SYSTEM: Final = FSxBackend.create_file_system


def create_file_system(backend: FSxBackend, **kwargs: Any) -> FileSystem:
    """moto's CreateFileSystem, with an ID of 17 hex digits and an ARN of the Region's partition, as AWS's."""
    file_system: FileSystem = _MOTO_CREATE_FILE_SYSTEM(backend, **kwargs)
    old_arn = file_system.resource_arn
    del backend.file_systems[file_system.file_system_id]
    file_system.file_system_id = new_id("fs")
    file_system.dns_name = f"{file_system.file_system_id}.fsx.{backend.region_name}.amazonaws.com"
    file_system.resource_arn = (
        f"arn:{get_partition(backend.region_name)}:fsx:{backend.region_name}:{backend.account_id}:"
        f"file-system/{file_system.file_system_id}"
    )
    backend.file_systems[file_system.file_system_id] = file_system
    tags = backend.tagger.list_tags_for_resource(old_arn)["Tags"]
    backend.tagger.delete_all_tags_for_resource(old_arn)
    if tags:
        backend.tagger.tag_resource(file_system.resource_arn, tags)
    return file_system
