"""Restores of the emulated FSx service: file systems and ONTAP volumes made from backups, and their lifecycles.

:class:`Restores`, a part of :class:`~.models.FsxCopyModel`: a restore is CREATING for ``restore_seconds``, then
AVAILABLE (a volume: CREATED) or, when a control said so, FAILED; a deleted one is DELETING for ``delete_seconds``,
then gone (FileSystemNotFound, VolumeNotFound). State lives on moto's backends, so moto's reset forgets it.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from botocore.model import ListShape, Shape, StructureShape
from moto.ec2.models import ec2_backends
from moto.fsx.models import FSxBackend
from moto.utilities.utils import get_partition

from .backups import (
    CONFIG_OF_TYPE,
    TAG_LIMIT,
    VOLUME_BACKUP_TYPE,
    EmulatedBackup,
    Request,
    backend_state,
    backups_of,
    check_user_tag_keys,
    create_file_system,
    earlier_answer,
    frozen_tags,
    new_id,
    region_state,
    resolve_kms_key,
    tag_dict,
    tag_list,
)
from .checks import service_model
from .exceptions import FsxError
from .faults import FAULTS
from .settings import Settings

_STATE_ATTR: Final = "_pulumi_fsx_copy_restores"
_SEQUENCE: Final = itertools.count(1)
"""Numbers file systems and volumes in the order the emulator first saw them: the order it lists them in."""

_CONFIG_MEMBER: Final = {
    "WINDOWS": "WindowsConfiguration",
    "LUSTRE": "LustreConfiguration",
    "OPENZFS": "OpenZFSConfiguration",
}
"""The CreateFileSystemFromBackup request member of each file system type it restores (the model: "Creates
a new Amazon FSx for Lustre, Amazon FSx for Windows File Server, or Amazon FSx for OpenZFS file system")."""
_ONTAP_VOLUME_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,202}")
"""An ONTAP volume name (FSx for ONTAP user guide): letters, digits, underscores, not starting with a digit."""


@dataclass
class Record:
    """The lifecycle of one file system or volume the emulator knows (restored or not)."""

    sequence: int
    creation_time: float
    started: float = 0.0
    """Monotonic time the restore was asked for."""
    duration: float = 0.0
    """How long it stays CREATING (0: not a restore, or done)."""
    failure: str | None = None
    """When set, it ends FAILED with this message instead of AVAILABLE/CREATED."""
    backup_id: str | None = None
    """The backup it was restored from, if any."""

    def creating(self, now: float) -> bool:
        return now - self.started < self.duration

    def lifecycle(self, now: float, done: str) -> str:
        """CREATING, then ``done`` (AVAILABLE, or CREATED for a volume) or FAILED."""
        if self.creating(now):
            return "CREATING"
        return "FAILED" if self.failure is not None else done


@dataclass
class Deleting:
    """A file system or volume DeleteFileSystem/DeleteVolume removed: described DELETING until ``gone``."""

    description: dict[str, Any]
    gone: float
    sequence: int


@dataclass
class RestoreState:
    """What the restores keep per (account, Region), on the moto backend."""

    records: dict[str, Record] = field(default_factory=dict)
    deleting: dict[str, Deleting] = field(default_factory=dict)
    tokens: dict[tuple[str, str], tuple[Request, str]] = field(default_factory=dict)
    svms: dict[str, str] = field(default_factory=dict)
    """Storage virtual machine ID -> its ONTAP file system's ID."""


def restore_state(backend: FSxBackend) -> RestoreState:
    """The restores' state on ``backend`` (gone when moto resets the backend)."""
    return backend_state(backend, _STATE_ATTR, RestoreState)


def conform(shape: Shape, value: Any) -> Any:
    """``value`` with only the members the model's output ``shape`` has (recursively), None dropped: no
    moto extra (``SecurityGroupIds``) and no request-only member (a directory ``Password``) is described."""
    if isinstance(shape, StructureShape):
        if not isinstance(value, Mapping):
            return None
        result = {}
        for name, member in shape.members.items():
            conformed = conform(member, value.get(name))
            if conformed is not None:
                result[name] = conformed
        return result
    if isinstance(shape, ListShape):
        return [conform(shape.member, item) for item in value] if isinstance(value, list) else None
    return value


def _request(operation: str, params: Mapping[str, Any]) -> Request:
    """What a restore's ClientRequestToken stands for: every other member of the request (tags in any order)."""
    members = {name: json.dumps(value, sort_keys=True) for name, value in params.items() if value is not None}
    members.pop("ClientRequestToken", None)
    members["Tags"] = json.dumps(frozen_tags(params.get("Tags")))
    return Request(operation, tuple(sorted(members.items())))


def volume_arn(backend: FSxBackend, file_system_id: str, volume_id: str) -> str:
    """A volume's ARN, as AWS forms it."""
    return (
        f"arn:{get_partition(backend.region_name)}:fsx:{backend.region_name}:{backend.account_id}:"
        f"volume/{file_system_id}/{volume_id}"
    )


def _volume_filter_value(volume: Mapping[str, Any], name: str) -> str | None:
    """The value DescribeVolumes filter ``name`` compares."""
    if name == "file-system-id":
        return str(volume.get("FileSystemId"))
    config = volume.get("OntapConfiguration") or {}
    return config.get("StorageVirtualMachineId") if name == "storage-virtual-machine-id" else None


def _filter_scope(filters: Sequence[Mapping[str, Any]] | None) -> list[list[Any]]:
    """Filters as a NextToken's scope holds them (order of filters and of values not counting)."""
    return sorted([str(f.get("Name")), sorted(f.get("Values") or [])] for f in filters or ())


def _output_shape(name: str) -> Shape:
    return service_model().shape_for(name)


class Restores:
    """The restore operations of :class:`~.models.FsxCopyModel` (their controls: :mod:`.seeds`)."""

    lock: threading.RLock
    settings: Settings
    _page: Callable[..., tuple[list[Any], str | None]]
    _final_volume_backup: Callable[..., EmulatedBackup]

    # ---- CreateFileSystemFromBackup ---------------------------------------------------------------

    def create_file_system_from_backup(self, backend: FSxBackend, params: Mapping[str, Any]) -> dict[str, Any]:
        """CreateFileSystemFromBackup: a new file system of the backup's type, CREATING for ``restore_seconds``;
        the same file system for a token used before with the same parameters (other ones:
        IncompatibleParameterError)."""
        token = params.get("ClientRequestToken")
        request = _request("CreateFileSystemFromBackup", params)
        with self.lock:
            self._purge(backend)
            earlier = self._earlier_restore(backend, token, request)
            if earlier is not None:
                return self.describe_file_system(backend, earlier)
            backup = self._restorable(backend, str(params.get("BackupId")))
            kind = backup.file_system_type
            if backup.resource_type == "VOLUME" or kind not in _CONFIG_MEMBER:
                raise FsxError(
                    "BadRequest",
                    f"Backup '{backup.backup_id}' is a backup of an {kind} volume: CreateFileSystemFromBackup restores "
                    "Lustre, Windows and OpenZFS file system backups; restore a volume backup with "
                    "CreateVolumeFromBackup.",
                )
            for member in _CONFIG_MEMBER.values():
                if member != _CONFIG_MEMBER[kind] and params.get(member) is not None:
                    raise FsxError("BadRequest", f"{member} does not apply to a restore of a {kind} backup; remove it.")
            source = backup.file_system
            config = {**(source.get(_CONFIG_MEMBER[kind]) or {}), **(params.get(_CONFIG_MEMBER[kind]) or {})}
            subnet_ids = list(params.get("SubnetIds") or [])
            self._check_subnet_count(kind, str(config.get("DeploymentType") or ""), subnet_ids)
            vpc_id = self._check_network(backend, subnet_ids, list(params.get("SecurityGroupIds") or []))
            capacity = self._restored_capacity(kind, source.get("StorageCapacity"), params.get("StorageCapacity"))
            tags = tag_dict(params.get("Tags"))
            check_user_tag_keys(tags)
            if len(tags) > TAG_LIMIT:
                raise FsxError("BadRequest", f"A file system can have at most {TAG_LIMIT} tags.")
            key_arn = backup.kms_key_id
            if params.get("KmsKeyId") is not None:
                try:
                    key_arn = resolve_kms_key(backend.account_id, backend.region_name, str(params["KmsKeyId"]))
                except FsxError as err:
                    raise FsxError("BadRequest", f"KmsKeyId: {err.message}") from None
            file_system = create_file_system(
                backend,
                client_request_token=token,
                file_system_type=kind,
                storage_capacity=capacity,
                storage_type=str(params.get("StorageType") or source.get("StorageType") or "SSD"),
                subnet_ids=subnet_ids,
                security_group_ids=list(params.get("SecurityGroupIds") or []),
                tags=tag_list(tags) or None,
                kms_key_id=key_arn,
                file_system_type_version=params.get("FileSystemTypeVersion"),
                **{name: (config if name == CONFIG_OF_TYPE[kind] else None) for name in CONFIG_OF_TYPE.values()},
            )
            file_system.vpc_id = vpc_id  # type: ignore[attr-defined]
            record = self._record(backend, file_system.file_system_id)
            self._start_restore(record, backup)
            if token is not None:
                restore_state(backend).tokens[(request.operation, token)] = (request, file_system.file_system_id)
            return self.describe_file_system(backend, file_system.file_system_id)

    # ---- CreateVolumeFromBackup / DescribeVolumes / DeleteVolume ---------------------------------

    def storage_virtual_machine(self, backend: FSxBackend, file_system_id: str) -> str:
        """The ID of the SVM of ONTAP file system ``file_system_id`` (made with it: a seeded file system has one)."""
        with self.lock:
            svms = restore_state(backend).svms
            for svm_id, owner in svms.items():
                if owner == file_system_id:
                    return svm_id
            svm_id = new_id("svm")
            svms[svm_id] = file_system_id
            return svm_id

    def create_volume_from_backup(self, backend: FSxBackend, params: Mapping[str, Any]) -> dict[str, Any]:
        """CreateVolumeFromBackup: a new ONTAP volume on the SVM ``OntapConfiguration.StorageVirtualMachineId``
        names, from an ONTAP volume backup, CREATING for ``restore_seconds``, then CREATED (or FAILED)."""
        token = params.get("ClientRequestToken")
        request = _request("CreateVolumeFromBackup", params)
        with self.lock:
            self._purge(backend)
            state = restore_state(backend)
            earlier = self._earlier_restore(backend, token, request)
            if earlier is not None:
                return self.describe_volume(backend, earlier)
            backup = self._restorable(backend, str(params.get("BackupId")))
            if backup.resource_type != "VOLUME" or backup.file_system_type != VOLUME_BACKUP_TYPE:
                raise FsxError(
                    "BadRequest",
                    f"Backup '{backup.backup_id}' is a backup of a {backup.file_system_type} file system: "
                    "CreateVolumeFromBackup restores ONTAP volume backups; restore a file system backup with "
                    "CreateFileSystemFromBackup.",
                )
            config = params.get("OntapConfiguration")
            if not isinstance(config, Mapping):
                raise FsxError(
                    "MissingVolumeConfiguration",
                    "OntapConfiguration (with StorageVirtualMachineId) is required to restore an ONTAP volume.",
                )
            svm_id = str(config.get("StorageVirtualMachineId"))
            file_system_id = state.svms.get(svm_id)
            file_system = backend.file_systems.get(file_system_id or "")
            if file_system is None:
                raise FsxError(
                    "StorageVirtualMachineNotFound",
                    f"OntapConfiguration.StorageVirtualMachineId: storage virtual machine '{svm_id}' does not exist.",
                )
            name = str(params.get("Name"))
            if not _ONTAP_VOLUME_NAME.fullmatch(name):
                raise FsxError(
                    "BadRequest",
                    "Name: an ONTAP volume name starts with a letter or underscore and has only letters, digits "
                    "and underscores.",
                )
            volumes = region_state(backend).volumes
            if any(
                (v.get("OntapConfiguration") or {}).get("StorageVirtualMachineId") == svm_id and v.get("Name") == name
                for v in volumes.values()
            ):
                raise FsxError("BadRequest", f"Name: SVM '{svm_id}' already has a volume named '{name}'.")
            tags = tag_dict(params.get("Tags"))
            check_user_tag_keys(tags)
            if len(tags) > TAG_LIMIT:
                raise FsxError("BadRequest", f"A volume can have at most {TAG_LIMIT} tags.")
            source = dict((backup.volume or {}).get("OntapConfiguration") or {})
            ontap = {**source, **config, "StorageVirtualMachineId": svm_id, "StorageVirtualMachineRoot": False}
            ontap.setdefault("JunctionPath", f"/{name}")
            volume_id = new_id("fsvol")
            volumes[volume_id] = {
                "FileSystemId": file_system.file_system_id,
                "VolumeId": volume_id,
                "VolumeType": VOLUME_BACKUP_TYPE,
                "Name": name,
                "OntapConfiguration": ontap,
                "ResourceARN": volume_arn(backend, file_system.file_system_id, volume_id),
            }
            if tags:
                backend.tagger.tag_resource(volumes[volume_id]["ResourceARN"], tag_list(tags))
            self._start_restore(self._record(backend, volume_id), backup)
            if token is not None:
                state.tokens[(request.operation, token)] = (request, volume_id)
            return self.describe_volume(backend, volume_id)

    def describe_volume(self, backend: FSxBackend, volume_id: str) -> dict[str, Any]:
        """The ``Volume`` structure of a volume of ``backend`` (DELETING ones included), now."""
        with self.lock:
            state = restore_state(backend)
            if volume_id in state.deleting:
                return dict(state.deleting[volume_id].description)
            volume = region_state(backend).volumes[volume_id]
            record = self._record(backend, volume_id)
            details = {
                **volume,
                "CreationTime": record.creation_time,
                "Lifecycle": record.lifecycle(time.monotonic(), "CREATED"),
                "Tags": backend.tagger.list_tags_for_resource(str(volume["ResourceARN"]))["Tags"] or None,
            }
            if details["Lifecycle"] == "FAILED":
                details["LifecycleTransitionReason"] = {"Message": record.failure}
            result: dict[str, Any] = conform(_output_shape("Volume"), details)
            return result

    def describe_volumes(
        self,
        backend: FSxBackend,
        *,
        volume_ids: Sequence[str] | None,
        filters: Sequence[Mapping[str, Any]] | None,
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """DescribeVolumes: the named volumes (each must exist: VolumeNotFound), else those the filters
        (``file-system-id``, ``storage-virtual-machine-id``; values alternatives, filters all apply) match,
        DELETING ones included; one page, in the order they were made."""
        with self.lock:
            self._purge(backend)
            deleting = (i for i in restore_state(backend).deleting if i.startswith("fsvol-"))

            def matches(volume: Mapping[str, Any]) -> bool:
                return all(
                    _volume_filter_value(volume, str(f.get("Name"))) in (f.get("Values") or ()) for f in filters or ()
                )

            return self._listing(
                backend,
                ("DescribeVolumes", list(volume_ids or []), _filter_scope(filters)),
                [*region_state(backend).volumes, *deleting],
                volume_ids,
                lambda i: FsxError("VolumeNotFound", f"Volume '{i}' does not exist."),
                lambda i: self.describe_volume(backend, i),
                matches,
                max_results,
                next_token,
            )

    def delete_volume(self, backend: FSxBackend, params: Mapping[str, Any]) -> dict[str, Any]:
        """DeleteVolume: DELETING for ``delete_seconds``, then gone (VolumeNotFound); an ONTAP volume's final
        backup is taken unless ``OntapConfiguration.SkipFinalBackup`` (tagged ``FinalBackupTags``); a restore
        still CREATING: BadRequest (switch ``delete_while_creating``)."""
        volume_id = str(params.get("VolumeId"))
        with self.lock:
            self._purge(backend)
            state = restore_state(backend)
            if volume_id in state.deleting:
                return {"VolumeId": volume_id, "Lifecycle": "DELETING"}
            volumes = region_state(backend).volumes
            volume = volumes.get(volume_id)
            if volume is None:
                raise FsxError("VolumeNotFound", f"Volume '{volume_id}' does not exist.")
            record = self._record(backend, volume_id)
            if record.creating(time.monotonic()) and not self.settings.delete_while_creating:
                raise FsxError(
                    "BadRequest", f"Volume '{volume_id}' is CREATING; it can be deleted once it is CREATED or FAILED."
                )
            described = self.describe_volume(backend, volume_id)
            answer: dict[str, Any] = {"VolumeId": volume_id, "Lifecycle": "DELETING"}
            config = params.get("OntapConfiguration") or {}
            if volume.get("VolumeType") == VOLUME_BACKUP_TYPE and not config.get("SkipFinalBackup", False):
                file_system = backend.file_systems[str(volume["FileSystemId"])]
                final = self._final_volume_backup(backend, file_system, volume_id, config.get("FinalBackupTags"))
                answer["OntapResponse"] = {"FinalBackupId": final.backup_id, "FinalBackupTags": final.tags()}
            del volumes[volume_id]
            backend.tagger.delete_all_tags_for_resource(str(volume["ResourceARN"]))
            state.records.pop(volume_id, None)
            state.deleting[volume_id] = Deleting(
                {**described, "Lifecycle": "DELETING"}, time.monotonic() + self.settings.delete_seconds, record.sequence
            )
            state.deleting[volume_id].description.pop("LifecycleTransitionReason", None)
            return answer

    # ---- DescribeFileSystems / DeleteFileSystem --------------------------------------------------

    def describe_file_system(self, backend: FSxBackend, file_system_id: str) -> dict[str, Any]:
        """The ``FileSystem`` structure of a file system of ``backend`` (DELETING ones included), now."""
        with self.lock:
            state = restore_state(backend)
            if file_system_id in state.deleting:
                return dict(state.deleting[file_system_id].description)
            file_system = backend.file_systems[file_system_id]
            record = self._record(backend, file_system_id)
            details = file_system.to_dict()
            details.update(
                OwnerId=backend.account_id,
                CreationTime=record.creation_time,
                Lifecycle=record.lifecycle(time.monotonic(), "AVAILABLE"),
                VpcId=getattr(file_system, "vpc_id", None),
                FileSystemTypeVersion=getattr(file_system, "file_system_type_version", None),
            )
            if details["Lifecycle"] == "FAILED":
                details["FailureDetails"] = {"Message": record.failure}
            result: dict[str, Any] = conform(_output_shape("FileSystem"), details)
            return result

    def describe_file_systems(
        self,
        backend: FSxBackend,
        *,
        file_system_ids: Sequence[str] | None,
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """DescribeFileSystems: the named file systems (each must exist: FileSystemNotFound), else all of the
        Region, DELETING ones included; one page, in the order they were made."""
        with self.lock:
            self._purge(backend)
            deleting = (i for i in restore_state(backend).deleting if i.startswith("fs-"))
            return self._listing(
                backend,
                ("DescribeFileSystems", list(file_system_ids or [])),
                [*backend.file_systems, *deleting],
                file_system_ids,
                lambda i: FsxError("FileSystemNotFound", f"File system '{i}' does not exist."),
                lambda i: self.describe_file_system(backend, i),
                lambda _: True,
                max_results,
                next_token,
            )

    def check_file_system_deletable(self, backend: FSxBackend, file_system_id: str) -> dict[str, Any] | None:
        """Before DeleteFileSystem: the answer for a file system already DELETING (the operation is
        idempotent), else None; BadRequest while it is still CREATING (switch: ``delete_while_creating``)."""
        with self.lock:
            self._purge(backend)
            state = restore_state(backend)
            if file_system_id in state.deleting:
                return {"FileSystemId": file_system_id, "Lifecycle": "DELETING"}
            record = state.records.get(file_system_id)
            if (
                file_system_id in backend.file_systems
                and record is not None
                and record.creating(time.monotonic())
                and not self.settings.delete_while_creating
            ):
                raise FsxError(
                    "BadRequest",
                    f"File system '{file_system_id}' is CREATING; it can be deleted once it is AVAILABLE or FAILED.",
                )
            return None

    def mark_file_system_deleting(self, backend: FSxBackend, file_system_id: str, described: dict[str, Any]) -> None:
        """After DeleteFileSystem removed it: describe ``described`` as DELETING for ``delete_seconds``."""
        with self.lock:
            state = restore_state(backend)
            record = state.records.pop(file_system_id, None)
            sequence = record.sequence if record is not None else next(_SEQUENCE)
            description = {**described, "Lifecycle": "DELETING"}
            description.pop("FailureDetails", None)
            state.deleting[file_system_id] = Deleting(
                description, time.monotonic() + self.settings.delete_seconds, sequence
            )
            self._purge(backend)

    def check_backup_source(self, backend: FSxBackend, resource_id: str) -> None:
        """Before CreateBackup: BadRequest for a restored file system or volume still CREATING, or FAILED
        (there is nothing whole to back up yet, or any more)."""
        with self.lock:
            record = restore_state(backend).records.get(resource_id)
            if record is None or record.backup_id is None:
                return
            lifecycle = record.lifecycle(time.monotonic(), "AVAILABLE")
            if lifecycle != "AVAILABLE":
                what = "Volume" if resource_id.startswith("fsvol-") else "File system"
                raise FsxError("BadRequest", f"{what} '{resource_id}' is {lifecycle}; it cannot be backed up.")

    def restore_in_progress(self, backend: FSxBackend, backup_id: str) -> str | None:
        """The file system or volume being restored (CREATING) from backup ``backup_id``, if any."""
        with self.lock:
            now = time.monotonic()
            for resource_id, record in restore_state(backend).records.items():
                if record.backup_id == backup_id and record.creating(now):
                    return resource_id
            return None

    # ---- helpers --------------------------------------------------------------------------------

    def _listing(
        self,
        backend: FSxBackend,
        request: tuple[Any, ...],
        known: list[str],
        wanted: Sequence[str] | None,
        missing: Callable[[str], FsxError],
        describe: Callable[[str], dict[str, Any]],
        keep: Callable[[dict[str, Any]], bool],
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a Describe operation: the ``wanted`` IDs (each must be ``known``, else ``missing``), else
        the ``known`` ones whose description ``keep`` keeps, in the order they were made; ``request`` (the
        operation's name and parameters) is what its NextToken is good for."""
        state = restore_state(backend)
        for resource_id in known:
            self._record(backend, resource_id)
        if wanted:
            for resource_id in wanted:
                if resource_id not in known:
                    raise missing(resource_id)
            chosen = list(dict.fromkeys(wanted))
        else:
            chosen = [resource_id for resource_id in known if keep(describe(resource_id))]
        scope = (request[0], backend.account_id, backend.region_name, *request[1:])
        page, token = self._page(chosen, lambda i: self._position(state, i), max_results, next_token, scope)
        return [describe(resource_id) for resource_id in page], token

    def _restorable(self, backend: FSxBackend, backup_id: str) -> EmulatedBackup:
        """The backup of ``backend`` a restore reads: BackupNotFound if it does not exist, BadRequest if it is
        not AVAILABLE (the model's restore operations list no error of their own for that)."""
        backup = backups_of(backend).get(backup_id)
        if not isinstance(backup, EmulatedBackup):
            raise FsxError("BackupNotFound", f"Backup '{backup_id}' does not exist.")
        lifecycle = backup.lifecycle_at(time.monotonic())
        if lifecycle != "AVAILABLE":
            raise FsxError(
                "BadRequest", f"Backup '{backup_id}' is {lifecycle}; only an AVAILABLE backup can be restored."
            )
        return backup

    def _earlier_restore(self, backend: FSxBackend, token: str | None, request: Request) -> str | None:
        """The ID a restore asked for earlier with ``token`` made, if its parameters were the same."""
        return earlier_answer(restore_state(backend).tokens, token, request)

    def _start_restore(self, record: Record, backup: EmulatedBackup) -> None:
        record.started = time.monotonic()
        record.duration = self.settings.restore_seconds
        record.backup_id = backup.backup_id
        failure = FAULTS.take_restore_failure()
        if failure is not None:
            record.failure = failure

    @staticmethod
    def _check_subnet_count(kind: str, deployment: str, subnet_ids: Sequence[str]) -> None:
        """The model's SubnetIds: "For Windows MULTI_AZ_1 ... exactly two subnet IDs"; Windows SINGLE_AZ_1 and
        SINGLE_AZ_2, Lustre and OpenZFS "provide exactly one subnet ID"."""
        wanted = 2 if (kind, deployment) == ("WINDOWS", "MULTI_AZ_1") else 1
        if len(subnet_ids) != wanted:
            raise FsxError(
                "BadRequest",
                f"SubnetIds: a {kind} {deployment or 'file system'} takes exactly {wanted} subnet ID"
                f"{'s' if wanted > 1 else ''}, not {len(subnet_ids)}.",
            )

    @staticmethod
    def _check_network(backend: FSxBackend, subnet_ids: Sequence[str], group_ids: Sequence[str]) -> str:
        """The VPC of the subnets; InvalidNetworkSettings naming a subnet or security group EC2 does not have
        in the Region, or one of another VPC."""
        ec2 = ec2_backends[backend.account_id][backend.region_name]
        vpcs = []
        for subnet_id in subnet_ids:
            try:
                vpcs.append(str(ec2.get_subnet(subnet_id).vpc_id))
            except Exception:  # moto's InvalidSubnetIdError: EC2 has no such subnet here
                raise FsxError(
                    "InvalidNetworkSettings",
                    f"SubnetIds: subnet '{subnet_id}' does not exist in {backend.region_name}.",
                    InvalidSubnetId=subnet_id,
                ) from None
        if len(set(vpcs)) > 1:
            raise FsxError(
                "InvalidNetworkSettings",
                "SubnetIds: the subnets are in different VPCs.",
                InvalidSubnetId=subnet_ids[-1],
            )
        for group_id in group_ids:
            group = ec2.get_security_group_from_id(group_id)
            if group is None or group.vpc_id != vpcs[0]:
                raise FsxError(
                    "InvalidNetworkSettings",
                    f"SecurityGroupIds: security group '{group_id}' is not a security group of the subnets' VPC.",
                    InvalidSecurityGroupId=group_id,
                )
        return vpcs[0]

    @staticmethod
    def _restored_capacity(kind: str, backed_up: Any, requested: Any) -> int:
        """The model's StorageCapacity: OpenZFS takes at least the backup's, any other type exactly it
        (else "HTTP status code 400 Bad Request"); the default is the backup's."""
        source = int(backed_up or 0)
        if requested is None:
            return source
        if (kind == "OPENZFS" and int(requested) < source) or (kind != "OPENZFS" and int(requested) != source):
            what = "at least" if kind == "OPENZFS" else "exactly"
            raise FsxError(
                "BadRequest",
                f"StorageCapacity: a {kind} file system restored from this backup takes {what} {source} GiB, "
                f"not {requested}.",
            )
        return int(requested)

    def _record(self, backend: FSxBackend, resource_id: str) -> Record:
        state = restore_state(backend)
        record = state.records.get(resource_id)
        if record is None:
            record = state.records[resource_id] = Record(next(_SEQUENCE), time.time())
        return record

    @staticmethod
    def _position(state: RestoreState, resource_id: str) -> bytes:
        if resource_id in state.deleting:
            return state.deleting[resource_id].sequence.to_bytes(8, "big")
        return state.records[resource_id].sequence.to_bytes(8, "big")

    def _purge(self, backend: FSxBackend) -> None:
        """Forget what finished deleting."""
        state = restore_state(backend)
        now = time.monotonic()
        for resource_id in [i for i, d in state.deleting.items() if d.gone <= now]:
            del state.deleting[resource_id]
