"""The model of the emulated Amazon FSx CopyBackup service: backups, copies, tokens, limits, faults, counters.

No HTTP here (that is :mod:`pulumi_fsx_copy.testing.responses`).  Backups live in moto's own
``FSxBackend.backups`` (one backend per account and Region), so moto's reset -- entering a new
``mock_aws()`` or ``POST /moto-api/reset`` -- forgets them.  What the emulator adds per backend
(idempotency tokens, volumes, the high-water mark of copies in progress) is kept on the backend
instance too, for the same reason.  Settings, injected faults and call counters are process-wide
and cleared by :meth:`FsxCopyModel.reset`.

Copies progress lazily: a copy records when it started and how long it takes (``copy_seconds`` at
the time it was made); its ``Lifecycle`` and ``ProgressPercent`` are computed from the clock
whenever it is described.  One re-entrant lock guards all of the model's state, because moto's
server answers each request on its own thread.

Behaviour choices where AWS's documentation is silent (each switchable through :class:`Settings`):

``reuse_token_after_delete`` (default ``True``)
    A ``ClientRequestToken`` reused after its copy was deleted returns the original copy's
    description, now ``Lifecycle`` DELETED, instead of making a new copy.  Evidence: the FSx API
    reference says of the idempotent create calls (CreateBackup, CreateFileSystem, CreateFileCache)
    only "if a backup with the specified client request token exists, and the parameters match,
    this operation returns the description of the existing backup"; DeleteBackup says "the backup
    won't show up in later DescribeBackups calls" but nothing about the token.  AWS services
    generally remember tokens for a while independently of the resource, so the pessimistic
    reading -- the client gets a DELETED backup back and must cope -- is the one to test against.
    ``False`` forgets the token on delete, so the same request makes a new copy.

``delete_while_copying`` (default ``False``)
    DeleteBackup of a copy that is still COPYING is refused with ``BackupInProgress``.  Evidence:
    DeleteBackup's error list (botocore's model and the API reference) has ``BackupBeingCopied``
    ("You can't delete a backup while it's being copied"), whose ``BackupId`` member is documented
    as "the ID of the source backup" -- so it is about the *source* of a copy, which we return
    for that case -- and ``BackupInProgress`` ("Another backup is already under way"), the only
    listed code that describes a backup whose creation has not finished, which is what a COPYING
    destination backup is.  ``True`` lets the delete go through.

Other choices: a deleted backup disappears at once (DescribeBackups of its ID answers
``BackupNotFound``, as the API reference says), though token memory may still point at it;
TagResource beyond 50 tags answers ``BadRequest`` because TagResource's documented errors list no
``ServiceLimitExceeded``; a key starting ``aws:`` is ``BadRequest`` (the prefix is reserved).
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any, Final, cast

from botocore.loaders import create_loader
from moto.core.common_models import BaseModel
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.fsx.models import PAGINATION_MODEL, FileSystem, FSxBackend, fsx_backends
from moto.kms.models import Key, KmsBackend, kms_backends
from moto.moto_api._internal import mock_random
from moto.utilities.paginator import Paginator
from moto.utilities.utils import get_partition

COPY_LIMIT: Final = 5
"""Copies that may be in progress into one destination Region of one account."""
TAG_LIMIT: Final = 50
"""User tags per resource."""
MANAGED_KEY_ALIAS: Final = "alias/aws/fsx"
"""The alias of the FSx-managed KMS key the emulator creates on demand in each account and Region."""
LIFECYCLES: Final = ("AVAILABLE", "CREATING", "TRANSFERRING", "DELETED", "FAILED", "PENDING", "COPYING")

_KEY_NAMESPACE: Final = uuid.UUID("5d3c1e2a-8f0b-4c55-9a61-6f2b7f1d0c11")
_STATE_ATTR: Final = "_fsx_copy_state"


class FsxError(Exception):
    """An FSx service error: its ``code`` (an error shape of the FSx model or a common AWS code),
    ``message`` and the shape's extra members in ``fields`` (``Limit``, ``BackupId``, ...)."""

    def __init__(self, code: str, message: str, **fields: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.fields = fields


class EmulatorError(ValueError):
    """A control call of the emulator was given something it cannot act on (e.g. an unknown backup)."""


@dataclass(frozen=True)
class Settings:
    """The emulator's switches; see the module docstring for the behaviour choices."""

    copy_seconds: float = 1.0
    create_backup_seconds: float = 0.0
    reuse_token_after_delete: bool = True
    delete_while_copying: bool = False


@dataclass
class Fault:
    """The next ``remaining`` calls of ``operation`` (in ``region``, or any when None) fail with ``code``."""

    operation: str
    code: str
    remaining: int
    message: str | None
    region: str | None


NETWORK_FAULT_KINDS: Final = ("drop", "lose_response", "delay")
"""What :meth:`FsxCopyModel.break_next` can do to a call's connection:

``drop``
    The connection is closed before the request is handled (nothing happens in AWS).
``lose_response``
    The request is handled, then the connection is closed without an answer (it happened in AWS,
    the client never hears of it).
``delay``
    The request is handled and the answer is held back ``seconds`` (server mode), long enough for a
    client's read timeout; in-process, where there is no socket, the client gets botocore's
    ``ReadTimeoutError`` at once after the request was handled.
"""


@dataclass
class NetworkFault:
    """The next ``remaining`` calls of ``operation`` (in ``region``, or any when None) meet ``kind``."""

    operation: str
    kind: str
    remaining: int
    seconds: float
    region: str | None


@dataclass(frozen=True)
class CopyRequest:
    """The parameters of a CopyBackup request that its ClientRequestToken stands for."""

    source_backup_id: str
    source_region: str
    kms_key_id: str | None
    copy_tags: bool
    tags: tuple[tuple[str, str], ...]

    def first_difference(self, other: CopyRequest) -> str | None:
        """The API name of the first parameter that differs from ``other``, else None."""
        for item in fields(self):
            if getattr(self, item.name) != getattr(other, item.name):
                return "".join(part.capitalize() for part in item.name.split("_"))
        return None


@dataclass
class RegionState:
    """What the emulator keeps per (account, Region), on the moto backend it belongs to."""

    tokens: dict[str, tuple[CopyRequest, EmulatedBackup]] = field(default_factory=dict)
    volumes: dict[str, dict[str, Any]] = field(default_factory=dict)
    max_in_progress: int = 0


def region_state(backend: FSxBackend) -> RegionState:
    """The emulator's state on ``backend`` (made on first use; gone when moto resets the backend)."""
    state = backend.__dict__.get(_STATE_ATTR)
    if not isinstance(state, RegionState):
        state = RegionState()
        setattr(backend, _STATE_ATTR, state)
    return state


def backups_of(backend: FSxBackend) -> dict[str, object]:
    """moto's table of ``backend``'s backups, which holds the emulator's :class:`EmulatedBackup`."""
    return cast("dict[str, object]", backend.backups)


def new_id(prefix: str) -> str:
    """An FSx-style ID: ``prefix`` and 17 hex digits, like ``backup-0123456789abcdef0``."""
    return f"{prefix}-{mock_random.get_random_hex(17)}"


class EmulatedBackup(BaseModel):
    """An FSx backup: made by CreateBackup, by CopyBackup (a copy) or seeded by a test.

    It becomes ``final_lifecycle`` once ``duration`` seconds have passed since ``started``, and is
    ``pending_lifecycle`` (CREATING or COPYING) until then; ``lifecycle_override`` (set by tests,
    by a failure injected into a running copy, or by DeleteBackup) wins over the clock.
    """

    def __init__(
        self,
        backend: FSxBackend,
        *,
        file_system: Mapping[str, Any],
        volume: Mapping[str, Any] | None,
        kms_key_id: str,
        pending_lifecycle: str,
        duration: float,
        size_in_bytes: int | None,
        source: EmulatedBackup | None = None,
    ) -> None:
        self.backend = backend
        self.backup_id = new_id("backup")
        self.resource_arn = (
            f"arn:{get_partition(backend.region_name)}:fsx:{backend.region_name}:"
            f"{backend.account_id}:backup/{self.backup_id}"
        )
        self.file_system = dict(file_system)
        self.volume = dict(volume) if volume is not None else None
        self.kms_key_id = kms_key_id
        self.pending_lifecycle = pending_lifecycle
        self.final_lifecycle = "AVAILABLE"
        self.failure_message: str | None = None
        self.lifecycle_override: str | None = None
        self.duration = duration
        self.started = time.monotonic()
        self.creation_time = time.time()
        self.size_in_bytes = size_in_bytes
        self.source_backup_id = source.backup_id if source else None
        self.source_backup_region = source.backend.region_name if source else None
        self.deleted_tags: list[dict[str, str]] = []

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
    def backup_type(self) -> str:
        return "USER_INITIATED"

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
        if now - self.started >= self.duration:
            return self.final_lifecycle
        return self.pending_lifecycle

    def progress(self, now: float) -> int | None:
        """``ProgressPercent`` at ``now``: rising 0 -> 100 while pending, 100 once AVAILABLE."""
        lifecycle = self.lifecycle_at(now)
        if lifecycle == "AVAILABLE":
            return 100
        if lifecycle in ("COPYING", "CREATING"):
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


@lru_cache(maxsize=1)
def _region_partitions() -> dict[str, str]:
    """Every Region botocore's endpoint and partition data list, mapped to its partition."""
    loader = create_loader()
    found: dict[str, str] = {}
    sources = (("endpoints", "partition"), ("partitions", "id"))
    for data_name, id_key in sources:
        for part in loader.load_data(data_name).get("partitions", []):
            regex = part.get("regionRegex")
            pattern = re.compile(regex) if regex else None
            for name in part.get("regions", {}):
                if pattern is None or pattern.match(name):
                    found.setdefault(name, part[id_key])
    return found


def partition_of(region: str) -> str | None:
    """The partition of a Region botocore knows, else None."""
    return _region_partitions().get(region)


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
    """The ARN of the enabled KMS key ``key_ref`` (key ID, key ARN, alias name or alias ARN) names
    in ``region``; the FSx-managed key's when None; else ``InvalidDestinationKmsKey``."""
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
    if key.key_state != "Enabled":
        raise invalid
    return str(key.arn)


def _tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _tag_dict(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag.get("Value", "") for tag in tags or ()}


def _check_user_tag_keys(keys: Iterable[str]) -> None:
    for key in keys:
        if key.lower().startswith("aws:"):
            raise FsxError("BadRequest", f"Tag keys starting with 'aws:' are reserved for AWS use: '{key}'.")


class FsxCopyModel:
    """The emulator: the FSx operations it fixes or adds, and the controls tests drive it with."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.defaults = Settings()
        self.settings = self.defaults
        self._faults: list[Fault] = []
        self._calls: Counter[tuple[str, str]] = Counter()
        self._copy_failures: list[str] = []
        self._network_faults: list[NetworkFault] = []

    # ---- controls -------------------------------------------------------------------------------

    def set_defaults(self, settings: Settings) -> None:
        """Make ``settings`` what :meth:`reset` returns to (the server's command line sets these)."""
        with self.lock:
            self.defaults = settings
            self.settings = settings

    def configure(self, **changes: Any) -> Settings:
        """Change the given settings (None leaves one as it is); returns the settings now in force."""
        with self.lock:
            given = {name: value for name, value in changes.items() if value is not None}
            for name in ("copy_seconds", "create_backup_seconds"):
                if name in given and not (isinstance(given[name], (int, float)) and given[name] >= 0):
                    raise EmulatorError(f"{name} must be a number of seconds >= 0, not {given[name]!r}")
            try:
                self.settings = replace(self.settings, **given)
            except TypeError as err:
                raise EmulatorError(str(err)) from None
            return self.settings

    def reset(self) -> None:
        """Settings back to their defaults; no faults, no pending copy failures, no counts."""
        with self.lock:
            self.settings = self.defaults
            self._faults.clear()
            self._calls.clear()
            self._copy_failures.clear()
            self._network_faults.clear()

    def fail_next(
        self,
        operation: str,
        code: str,
        *,
        count: int = 1,
        message: str | None = None,
        region: str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``operation`` (in ``region``, or anywhere) fail with ``code``."""
        if count < 1:
            raise EmulatorError("count must be at least 1")
        with self.lock:
            self._faults.append(Fault(operation, code, count, message, region))

    def break_next(
        self,
        operation: str,
        kind: str,
        *,
        count: int = 1,
        seconds: float = 0.0,
        region: str | None = None,
    ) -> None:
        """Make the connection of the next ``count`` calls of ``operation`` fail as ``kind`` says (one of
        :data:`NETWORK_FAULT_KINDS`); ``seconds`` is how long ``delay`` holds the answer back."""
        if kind not in NETWORK_FAULT_KINDS:
            raise EmulatorError(f"unknown network fault {kind!r}; one of {', '.join(NETWORK_FAULT_KINDS)}")
        if count < 1:
            raise EmulatorError("count must be at least 1")
        if not (isinstance(seconds, (int, float)) and seconds >= 0):
            raise EmulatorError(f"seconds must be a number >= 0, not {seconds!r}")
        with self.lock:
            self._network_faults.append(NetworkFault(operation, kind, count, float(seconds), region))

    def take_network_fault(self, operation: str, region: str) -> NetworkFault | None:
        """The network fault the call of ``operation`` in ``region`` must meet, if any (used up by this)."""
        with self.lock:
            for fault in self._network_faults:
                if fault.operation == operation and fault.region in (None, region):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._network_faults.remove(fault)
                    return replace(fault, remaining=1)
            return None

    def record_call(self, operation: str, region: str) -> Fault | None:
        """Count a call that reached the emulator; the injected fault it must fail with, if any."""
        with self.lock:
            self._calls[(operation, region)] += 1
            for fault in self._faults:
                if fault.operation == operation and fault.region in (None, region):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
            return None

    def calls(self, operation: str | None = None, region: str | None = None) -> int:
        """Calls counted since the last reset of ``operation`` in ``region`` (None: all of them)."""
        with self.lock:
            return sum(n for (op, reg), n in self._calls.items() if operation in (None, op) and region in (None, reg))

    def reset_calls(self) -> None:
        """Zero the call counters."""
        with self.lock:
            self._calls.clear()

    def fail_copy(self, backup_id: str, message: str) -> None:
        """End the backup (a copy in progress, typically) now as FAILED with ``message``."""
        with self.lock:
            backup = self._find(backup_id)
            backup.failure_message = message
            backup.lifecycle_override = "FAILED"

    def fail_next_copies(self, message: str, *, count: int = 1) -> None:
        """Make the next ``count`` copies end FAILED with ``message`` when their copy time is up."""
        if count < 1:
            raise EmulatorError("count must be at least 1")
        with self.lock:
            self._copy_failures.extend([message] * count)

    def set_lifecycle(self, region: str, backup_id: str, lifecycle: str, account_id: str | None = None) -> None:
        """Pin the lifecycle of a backup in ``region`` (until set again or deleted)."""
        if lifecycle not in LIFECYCLES:
            raise EmulatorError(f"unknown lifecycle {lifecycle!r}; one of {', '.join(LIFECYCLES)}")
        with self.lock:
            backend = fsx_backends[account_id or default_account_id()][region]
            backup = backups_of(backend).get(backup_id)
            if not isinstance(backup, EmulatedBackup):
                raise EmulatorError(f"no backup {backup_id} in {region}")
            backup.lifecycle_override = lifecycle

    def max_in_progress(self, region: str, account_id: str | None = None) -> int:
        """The most copies ever in progress at once into ``region`` of the account."""
        with self.lock:
            backend = fsx_backends[account_id or default_account_id()][region]
            return region_state(backend).max_in_progress

    def seed_backup(
        self,
        region: str,
        *,
        file_system_type: str = "LUSTRE",
        tags: Mapping[str, str] | None = None,
        lifecycle: str = "AVAILABLE",
        resource_type: str = "FILE_SYSTEM",
        account_id: str | None = None,
    ) -> str:
        """Make a file system (and for ``resource_type`` VOLUME an ONTAP or OPENZFS volume on it) and a
        backup of it with ``tags`` in ``lifecycle``; returns the backup ID."""
        if lifecycle not in LIFECYCLES:
            raise EmulatorError(f"unknown lifecycle {lifecycle!r}; one of {', '.join(LIFECYCLES)}")
        if resource_type not in ("FILE_SYSTEM", "VOLUME"):
            raise EmulatorError("resource_type must be FILE_SYSTEM or VOLUME")
        if resource_type == "VOLUME" and file_system_type not in ("ONTAP", "OPENZFS"):
            raise EmulatorError("volume backups need file_system_type ONTAP or OPENZFS")
        with self.lock:
            backend = fsx_backends[account_id or default_account_id()][region]
            try:
                file_system = backend.create_file_system(
                    client_request_token=str(uuid.uuid4()),
                    file_system_type=file_system_type,
                    storage_capacity=1024,
                    storage_type="SSD",
                    subnet_ids=[new_id("subnet")],
                    security_group_ids=[new_id("sg")],
                    tags=None,
                    kms_key_id=None,
                    windows_configuration=None,
                    lustre_configuration=None,
                    ontap_configuration=None,
                    file_system_type_version=None,
                    open_zfs_configuration=None,
                )
            except ValueError as err:
                raise EmulatorError(str(err)) from None
            volume_id = None
            if resource_type == "VOLUME":
                volume_id = self._create_volume(backend, file_system)
            backup = self.create_backup(
                backend,
                file_system_id=None if volume_id else file_system.file_system_id,
                volume_id=volume_id,
                tags=_tag_list(tags or {}),
                duration=0.0,
            )
            if lifecycle != "AVAILABLE":
                backup.lifecycle_override = lifecycle
            return backup.backup_id

    # ---- the service ----------------------------------------------------------------------------

    def describe(self, backup: EmulatedBackup) -> dict[str, Any]:
        """``backup``'s ``Backup`` structure, now."""
        with self.lock:
            return backup.to_dict()

    def create_backup(
        self,
        backend: FSxBackend,
        *,
        file_system_id: str | None,
        volume_id: str | None,
        tags: Sequence[Mapping[str, str]] | None,
        duration: float | None = None,
    ) -> EmulatedBackup:
        """CreateBackup: a USER_INITIATED backup, CREATING for ``create_backup_seconds``, then AVAILABLE."""
        with self.lock:
            volume = None
            if volume_id is not None:
                volume = region_state(backend).volumes.get(volume_id)
                if volume is None:
                    raise FsxError("VolumeNotFound", f"Volume '{volume_id}' does not exist.")
                file_system_id = str(volume["FileSystemId"])
            file_system = backend.file_systems.get(file_system_id or "")
            if file_system is None:
                raise FsxError("FileSystemNotFound", f"File system '{file_system_id}' does not exist.")
            _check_user_tag_keys(_tag_dict(tags))
            if len(_tag_dict(tags)) > TAG_LIMIT:
                raise FsxError("BadRequest", f"A backup can have at most {TAG_LIMIT} tags.")
            metadata = {key: value for key, value in file_system.to_dict().items() if key != "Tags"}
            metadata.update(OwnerId=backend.account_id, Lifecycle="AVAILABLE")
            kms = file_system.kms_key_id or managed_key_arn(backend.region_name, backend.account_id)
            backup = EmulatedBackup(
                backend,
                file_system=metadata,
                volume=volume,
                kms_key_id=kms,
                pending_lifecycle="CREATING",
                duration=self.settings.create_backup_seconds if duration is None else duration,
                size_in_bytes=(file_system.storage_capacity or 0) * 1024**3 or None,
            )
            backups_of(backend)[backup.backup_id] = backup
            if tags:
                backend.tagger.tag_resource(backup.resource_arn, [dict(tag) for tag in tags])
            return backup

    def copy_backup(
        self,
        backend: FSxBackend,
        *,
        source_backup_id: str,
        source_region: str | None,
        kms_key_id: str | None,
        copy_tags: bool,
        tags: Sequence[Mapping[str, str]] | None,
        client_request_token: str | None,
    ) -> EmulatedBackup:
        """CopyBackup into ``backend``'s Region (D) from ``source_region`` (default D)."""
        account, region = backend.account_id, backend.region_name
        request = CopyRequest(
            source_backup_id=source_backup_id,
            source_region=source_region or region,
            kms_key_id=kms_key_id,
            copy_tags=copy_tags,
            tags=tuple(sorted(_tag_dict(tags).items())),
        )
        with self.lock:
            state = region_state(backend)
            if client_request_token is not None and client_request_token in state.tokens:
                earlier, copy = state.tokens[client_request_token]
                different = request.first_difference(earlier)
                if different is not None:
                    raise FsxError(
                        "IncompatibleParameterError",
                        f"The ClientRequestToken was used before with a different {different}.",
                        Parameter=different,
                    )
                return copy
            source_partition = partition_of(request.source_region)
            if source_partition is None or source_partition != partition_of(region):
                raise FsxError(
                    "InvalidRegion",
                    f"SourceRegion '{request.source_region}' is invalid or not in the partition of {region}.",
                )
            _check_user_tag_keys(key for key, _ in request.tags)
            source = backups_of(fsx_backends[account][request.source_region]).get(source_backup_id)
            if not isinstance(source, EmulatedBackup):
                raise FsxError("BackupNotFound", f"Backup '{source_backup_id}' does not exist.")
            now = time.monotonic()
            if source.lifecycle_at(now) != "AVAILABLE":
                raise FsxError(
                    "SourceBackupUnavailable",
                    f"The source backup '{source_backup_id}' is not AVAILABLE.",
                    BackupId=source_backup_id,
                )
            merged = _tag_dict(source.tags()) if copy_tags else {}
            merged.update(request.tags)
            if len(merged) > TAG_LIMIT:
                raise FsxError("BadRequest", f"The copy would have {len(merged)} tags; the limit is {TAG_LIMIT}.")
            key_arn = resolve_kms_key(account, region, kms_key_id)
            in_progress = self._copies_in_progress(backend, now)
            if in_progress >= COPY_LIMIT:
                raise FsxError(
                    "ServiceLimitExceeded",
                    f"{in_progress} backup copies are in progress to {region}; the limit is {COPY_LIMIT}.",
                    Limit="TOTAL_IN_PROGRESS_COPY_BACKUPS",
                )
            copy = EmulatedBackup(
                backend,
                file_system=source.file_system,
                volume=source.volume,
                kms_key_id=key_arn,
                pending_lifecycle="COPYING",
                duration=self.settings.copy_seconds,
                size_in_bytes=source.size_in_bytes,
                source=source,
            )
            if self._copy_failures:
                copy.final_lifecycle = "FAILED"
                copy.failure_message = self._copy_failures.pop(0)
            backups_of(backend)[copy.backup_id] = copy
            if merged:
                backend.tagger.tag_resource(copy.resource_arn, _tag_list(merged))
            if client_request_token is not None:
                state.tokens[client_request_token] = (request, copy)
            state.max_in_progress = max(state.max_in_progress, in_progress + 1)
            return copy

    def delete_backup(self, backend: FSxBackend, backup_id: str) -> dict[str, str]:
        """DeleteBackup: the backup goes (DELETED) unless a copy reads it or it is still being copied."""
        with self.lock:
            backup = backups_of(backend).get(backup_id)
            if not isinstance(backup, EmulatedBackup):
                raise FsxError("BackupNotFound", f"Backup '{backup_id}' does not exist.")
            now = time.monotonic()
            readers = self._account_copies_in_progress(backend, now)
            if any(copy.source_backup_id == backup_id for copy in readers):
                raise FsxError(
                    "BackupBeingCopied",
                    f"Backup '{backup_id}' is being copied and can't be deleted until the copy ends.",
                    BackupId=backup_id,
                )
            if backup.lifecycle_at(now) == "COPYING" and not self.settings.delete_while_copying:
                raise FsxError("BackupInProgress", f"Backup '{backup_id}' is still being copied; retry later.")
            backup.deleted_tags = backup.tags()
            backup.lifecycle_override = "DELETED"
            del backups_of(backend)[backup_id]
            backend.tagger.delete_all_tags_for_resource(backup.resource_arn)
            if not self.settings.reuse_token_after_delete:
                state = region_state(backend)
                for token in [t for t, (_, copy) in state.tokens.items() if copy is backup]:
                    del state.tokens[token]
            return {"BackupId": backup_id, "Lifecycle": "DELETED"}

    def describe_backups(
        self,
        backend: FSxBackend,
        *,
        backup_ids: Sequence[str] | None,
        filters: Sequence[Mapping[str, Any]] | None,
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """DescribeBackups: the named backups (all must exist), else those the filters match."""
        with self.lock:
            if backup_ids:
                backups = []
                for backup_id in backup_ids:
                    backup = backups_of(backend).get(backup_id)
                    if not isinstance(backup, EmulatedBackup):
                        raise FsxError("BackupNotFound", f"Backup '{backup_id}' does not exist.")
                    backups.append(backup)
            else:
                backups = [b for b in backups_of(backend).values() if isinstance(b, EmulatedBackup)]
                for item in filters or ():
                    values = set(item.get("Values") or ())
                    backups = [b for b in backups if _filter_value(b, str(item.get("Name"))) in values]
            config = PAGINATION_MODEL["describe_backups"]
            paginator = Paginator(
                max_results=max_results,
                max_results_default=config["limit_default"],
                starting_token=next_token,
                unique_attribute=config["unique_attribute"],
                param_values_to_check={"backup_ids": backup_ids, "filters": filters},
            )
            page, token = paginator.paginate(backups)
            now = time.monotonic()
            return [backup.to_dict(now) for backup in page], token

    def tag_resource(self, backend: FSxBackend, arn: str, tags: Mapping[str, str]) -> None:
        """TagResource: add or replace tags of an FSx resource of ``backend``'s Region."""
        with self.lock:
            self._check_resource(backend, arn)
            _check_user_tag_keys(tags)
            merged = backend.tagger.get_tag_dict_for_resource(arn)
            merged.update(tags)
            if len(merged) > TAG_LIMIT:
                raise FsxError("BadRequest", f"This would make {len(merged)} tags; the limit is {TAG_LIMIT}.")
            backend.tagger.tag_resource(arn, _tag_list(tags))

    def untag_resource(self, backend: FSxBackend, arn: str, tag_keys: Sequence[str]) -> None:
        """UntagResource: remove tags (keys it doesn't have are ignored)."""
        with self.lock:
            self._check_resource(backend, arn)
            backend.tagger.untag_resource_using_names(arn, list(tag_keys))

    def list_tags(self, backend: FSxBackend, arn: str) -> list[dict[str, str]]:
        """ListTagsForResource."""
        with self.lock:
            self._check_resource(backend, arn)
            return list(backend.tagger.list_tags_for_resource(arn)["Tags"])

    # ---- helpers --------------------------------------------------------------------------------

    def _copies_in_progress(self, backend: FSxBackend, now: float) -> int:
        return sum(
            1
            for b in backups_of(backend).values()
            if isinstance(b, EmulatedBackup) and b.is_copy and b.lifecycle_at(now) == "COPYING"
        )

    def _account_copies_in_progress(self, source_backend: FSxBackend, now: float) -> Iterator[EmulatedBackup]:
        """The copies in progress, in any Region of the account, whose source is in ``source_backend``."""
        for backend in list(fsx_backends[source_backend.account_id].values()):
            for backup in list(backups_of(backend).values()):
                if (
                    isinstance(backup, EmulatedBackup)
                    and backup.source_backup_region == source_backend.region_name
                    and backup.lifecycle_at(now) == "COPYING"
                ):
                    yield backup

    def _find(self, backup_id: str) -> EmulatedBackup:
        for account in list(fsx_backends.values()):
            for backend in list(account.values()):
                backup = backups_of(backend).get(backup_id)
                if isinstance(backup, EmulatedBackup):
                    return backup
        raise EmulatorError(f"no backup {backup_id} in any Region")

    def _create_volume(self, backend: FSxBackend, file_system: FileSystem) -> str:
        volume_id = new_id("fsvol")
        region_state(backend).volumes[volume_id] = {
            "FileSystemId": file_system.file_system_id,
            "VolumeId": volume_id,
            "VolumeType": file_system.file_system_type,
            "Name": f"vol_{volume_id[6:14]}",
            "Lifecycle": "CREATED",
            "CreationTime": time.time(),
            "ResourceARN": (
                f"arn:{get_partition(backend.region_name)}:fsx:{backend.region_name}:{backend.account_id}:"
                f"volume/{file_system.file_system_id}/{volume_id}"
            ),
        }
        return volume_id

    def _check_resource(self, backend: FSxBackend, arn: str) -> None:
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or parts[2] != "fsx":
            raise FsxError("NotServiceResourceError", f"'{arn}' is not an FSx resource.", ResourceARN=arn)
        known = {b.resource_arn for b in backups_of(backend).values() if isinstance(b, EmulatedBackup)}
        known.update(fs.resource_arn for fs in backend.file_systems.values())
        known.update(str(v["ResourceARN"]) for v in region_state(backend).volumes.values())
        if arn not in known:
            raise FsxError("ResourceNotFound", f"The resource '{arn}' does not exist.", ResourceARN=arn)


def _filter_value(backup: EmulatedBackup, name: str) -> str | None:
    """The value DescribeBackups filter ``name`` compares (None: matches nothing, e.g. file caches)."""
    return {
        "file-system-id": backup.file_system_id,
        "backup-type": backup.backup_type,
        "file-system-type": backup.file_system_type,
        "volume-id": backup.volume_id,
    }.get(name)


MODEL: Final = FsxCopyModel()
"""The emulator of this process."""


def _create_backup(
    self: FSxBackend,
    file_system_id: str | None,
    client_request_token: str | None,
    volume_id: str | None,
    tags: list[dict[str, str]] | None,
) -> EmulatedBackup:
    return MODEL.create_backup(self, file_system_id=file_system_id, volume_id=volume_id, tags=tags)


def _copy_backup(
    self: FSxBackend,
    source_backup_id: str,
    source_region: str | None = None,
    kms_key_id: str | None = None,
    copy_tags: bool = False,
    tags: list[dict[str, str]] | None = None,
    client_request_token: str | None = None,
) -> EmulatedBackup:
    return MODEL.copy_backup(
        self,
        source_backup_id=source_backup_id,
        source_region=source_region,
        kms_key_id=kms_key_id,
        copy_tags=copy_tags,
        tags=tags,
        client_request_token=client_request_token,
    )


def _delete_backup(self: FSxBackend, backup_id: str, client_request_token: str | None = None) -> dict[str, str]:
    return MODEL.delete_backup(self, backup_id)


def _tag_resource(self: FSxBackend, arn: str, tags: dict[str, str]) -> None:
    MODEL.tag_resource(self, arn, tags)


def _untag_resource(self: FSxBackend, arn: str, tag_keys: list[str]) -> None:
    MODEL.untag_resource(self, arn, tag_keys)


BACKEND_METHODS: Final = {
    "create_backup": _create_backup,
    "copy_backup": _copy_backup,
    "delete_backup": _delete_backup,
    "tag_resource": _tag_resource,
    "untag_resource": _untag_resource,
}
"""What :func:`pulumi_fsx_copy.testing.install` sets on moto's ``FSxBackend``."""
