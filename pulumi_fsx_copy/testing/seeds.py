"""The controls that set the emulated service's state for a test, apart from its operations (:mod:`.models`).

:data:`SEEDS` makes what FSx would hold by other means (file systems, volumes, backups of them, a network for
restores) and pins or ends what FSx would change in its own time (a backup's lifecycle, a copy or restore
ended now).  It makes only what AWS can have, else :class:`~.exceptions.EmulatorError`; it acts under the
model's lock, on moto's backends, so moto's reset forgets what it made.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any, Final

from moto.ec2.models import ec2_backends
from moto.fsx.models import FileSystem, FSxBackend, fsx_backends

from .backups import (
    BACKUP_TYPES,
    CONFIG_OF_TYPE,
    DEFAULT_DEPLOYMENT,
    LIFECYCLES,
    STORAGE_TYPES,
    VOLUME_BACKUP_TYPE,
    EmulatedBackup,
    backups_of,
    control_backend,
    create_file_system,
    default_account_id,
    is_reserved,
    new_id,
    region_state,
    resolve_kms_key,
    tag_list,
)
from .exceptions import EmulatorError, FsxError
from .models import MODEL, FsxCopyModel
from .restores import Record, restore_state, volume_arn


class Seeds:
    """The seeding and pinning controls of :data:`~.models.MODEL`'s state."""

    def __init__(self, model: FsxCopyModel) -> None:
        self.model = model

    def fail_copy(self, backup_id: str, message: str) -> None:
        """End the backup (a copy in progress, typically) now as FAILED with ``message``."""
        with self.model.lock:
            backup = self._find(backup_id)
            backup.failure_message = message
            backup.lifecycle_override = "FAILED"

    def set_lifecycle(self, region: str, backup_id: str, lifecycle: str, account_id: str | None = None) -> None:
        """Pin the ``Lifecycle`` of a backup in ``region`` (e.g. CREATING, later AVAILABLE) until set again or
        deleted."""
        if lifecycle not in LIFECYCLES:
            raise EmulatorError(f"unknown lifecycle {lifecycle!r}; one of {', '.join(LIFECYCLES)}")
        with self.model.lock:
            backup = self._seeded(region, backup_id, account_id)
            _check_lustre_only_lifecycle(lifecycle, backup.file_system_type, backup.backup_type, backup.is_copy)
            backup.lifecycle_override = lifecycle

    def set_restoring(
        self,
        region: str,
        backup_id: str,
        restoring: bool = True,
        account_id: str | None = None,
        file_system_id: str | None = None,
    ) -> str | None:
        """Mark a backup as being restored from (DeleteBackup answers ``BackupRestoring`` naming the file
        system being restored, ``file_system_id`` or a new ID) or not; the file system's ID, if restoring."""
        with self.model.lock:
            backup = self._seeded(region, backup_id, account_id)
            backup.restoring = restoring
            backup.restoring_file_system_id = (file_system_id or new_id("fs")) if restoring else None
            return backup.restoring_file_system_id

    def max_in_progress(self, region: str, account_id: str | None = None) -> int:
        """The most copies ever in progress at once into ``region`` (of the default account when None)."""
        with self.model.lock:
            return region_state(control_backend(account_id, region)).max_in_progress

    def seed_backup(
        self,
        region: str,
        *,
        file_system_type: str = "LUSTRE",
        tags: Mapping[str, str] | None = None,
        lifecycle: str = "AVAILABLE",
        resource_type: str | None = None,
        account_id: str | None = None,
        backup_type: str = "USER_INITIATED",
        storage_type: str = "SSD",
        deployment_type: str | None = None,
        aws_tags: Mapping[str, str] | None = None,
        kms_key_id: str | None = None,
    ) -> str:
        """Make a file system (and for ``resource_type`` VOLUME, an ONTAP one's default, a volume on it) and a
        backup of it, ``lifecycle`` from the start; returns the backup ID.  Only the backups AWS can have:
        ONTAP backs up volumes only, the others file systems only (see :meth:`~.models.FsxCopyModel.create_backup`).

        ``tags`` are user tags, ``aws_tags`` AWS's own (keys starting ``aws:``, which no API call may
        set); ``kms_key_id`` (a key ID, ARN or alias of the Region) encrypts the file system and backup
        (default: the FSx-managed key); ``deployment_type`` goes into the file system's configuration
        (default: one the type supports).
        """
        resource_type = resource_type or ("VOLUME" if file_system_type == "ONTAP" else "FILE_SYSTEM")
        for name, value, allowed in (
            ("lifecycle", lifecycle, LIFECYCLES),
            ("resource_type", resource_type, ("FILE_SYSTEM", "VOLUME")),
            ("backup_type", backup_type, BACKUP_TYPES),
            ("storage_type", storage_type, STORAGE_TYPES),
            ("file_system_type", file_system_type, tuple(CONFIG_OF_TYPE)),
        ):
            if value not in allowed:
                raise EmulatorError(f"unknown {name} {value!r}; one of {', '.join(allowed)}")
        if (resource_type == "VOLUME") != (file_system_type == VOLUME_BACKUP_TYPE):
            what = "volumes" if file_system_type == VOLUME_BACKUP_TYPE else "file systems"
            raise EmulatorError(f"FSx backs up {file_system_type} {what} only, not resource_type {resource_type}")
        if file_system_type == "LUSTRE" and (deployment_type or "").startswith("SCRATCH"):
            raise EmulatorError("FSx backs up only persistent Lustre file systems, not scratch ones")
        _check_lustre_only_lifecycle(lifecycle, file_system_type, backup_type, is_copy=False)
        if any(is_reserved(key) for key in tags or {}):
            raise EmulatorError("tags starting with 'aws:' go in aws_tags")
        if any(not is_reserved(key) for key in aws_tags or {}):
            raise EmulatorError("aws_tags keys must start with 'aws:'")
        with self.model.lock:
            account = account_id or default_account_id()
            backend = control_backend(account, region)
            key_arn = None
            if kms_key_id is not None:
                try:
                    key_arn = resolve_kms_key(account, region, kms_key_id)
                except FsxError as err:
                    raise EmulatorError(err.message) from None
            file_system = _seed_file_system(backend, file_system_type, storage_type, deployment_type, key_arn)
            volume_id = self._create_volume(backend, file_system) if resource_type == "VOLUME" else None
            backup = self.model.new_backup(
                backend, file_system, volume_id, tag_list(tags or {}), duration=0.0, backup_type=backup_type
            )
            if aws_tags:
                backend.tagger.tag_resource(backup.resource_arn, tag_list(aws_tags))
            if lifecycle != "AVAILABLE":
                backup.lifecycle_override = lifecycle
            return backup.backup_id

    def seed_volume(self, region: str, *, file_system_type: str = "ONTAP", account_id: str | None = None) -> str:
        """Make an ONTAP or OPENZFS file system with a volume on it (what CreateVolume, not emulated, would
        make; an ONTAP one on the file system's SVM, which DescribeVolumes names); returns the volume's ID
        (``fsvol-...``)."""
        if file_system_type not in ("ONTAP", "OPENZFS"):
            raise EmulatorError(f"only ONTAP and OPENZFS file systems have volumes, not {file_system_type!r}")
        with self.model.lock:
            backend = control_backend(account_id, region)
            file_system = _seed_file_system(backend, file_system_type, "SSD", None, None)
            return self._create_volume(backend, file_system)

    def fail_restore(self, region: str, resource_id: str, message: str, account_id: str | None = None) -> None:
        """End the restore of file system or volume ``resource_id`` now as FAILED with ``message``."""
        with self.model.lock:
            record = self._restored(region, resource_id, account_id)
            record.failure = message
            record.duration = 0.0

    def finish_restore(self, region: str, resource_id: str, account_id: str | None = None) -> None:
        """End the restore of file system or volume ``resource_id`` now: AVAILABLE (a volume: CREATED), or
        FAILED if :meth:`~.faults.Faults.fail_next_restores` made it fail (a slow restore's end, whenever a test
        says)."""
        with self.model.lock:
            self._restored(region, resource_id, account_id).duration = 0.0

    def seed_network(self, region: str, account_id: str | None = None) -> dict[str, str]:
        """A VPC, a subnet in it and a security group of it in moto's EC2 (what a restore's SubnetIds and
        SecurityGroupIds must name); their IDs as ``VpcId``, ``SubnetId``, ``SecurityGroupId``."""
        control_backend(account_id, region)
        ec2 = ec2_backends[account_id or default_account_id()][region]
        with self.model.lock:
            vpc = ec2.create_vpc("10.0.0.0/16")
            subnet = ec2.create_subnet(vpc.id, "10.0.0.0/24", availability_zone=f"{region}a")
            group = ec2.create_security_group(f"fsx-{vpc.id}", "FSx restores", vpc_id=vpc.id)
            return {"VpcId": vpc.id, "SubnetId": subnet.id, "SecurityGroupId": group.id}

    def _restored(self, region: str, resource_id: str, account_id: str | None) -> Record:
        record = restore_state(control_backend(account_id, region)).records.get(resource_id)
        if record is None or record.backup_id is None:
            raise EmulatorError(f"no restored file system or volume {resource_id} in {region}")
        return record

    def _seeded(self, region: str, backup_id: str, account_id: str | None) -> EmulatedBackup:
        backup = backups_of(control_backend(account_id, region)).get(backup_id)
        if not isinstance(backup, EmulatedBackup):
            raise EmulatorError(f"no backup {backup_id} in {region}")
        return backup

    def _find(self, backup_id: str) -> EmulatedBackup:
        for account in list(fsx_backends.values()):
            for backend in list(account.values()):
                backup = backups_of(backend).get(backup_id)
                if isinstance(backup, EmulatedBackup):
                    return backup
        raise EmulatorError(f"no backup {backup_id} in any Region")

    def _create_volume(self, backend: FSxBackend, file_system: FileSystem) -> str:
        """A volume on ``file_system`` (an ONTAP one: on the file system's SVM, 1 GiB, RW)."""
        volume_id = new_id("fsvol")
        name = f"vol_{volume_id[6:14]}"
        volume: dict[str, Any] = {
            "FileSystemId": file_system.file_system_id,
            "VolumeId": volume_id,
            "VolumeType": file_system.file_system_type,
            "Name": name,
            "Lifecycle": "CREATED",
            "CreationTime": time.time(),
            "ResourceARN": volume_arn(backend, file_system.file_system_id, volume_id),
        }
        if file_system.file_system_type == VOLUME_BACKUP_TYPE:
            volume["OntapConfiguration"] = {
                "StorageVirtualMachineId": self.model.storage_virtual_machine(backend, file_system.file_system_id),
                "JunctionPath": f"/{name}",
                "SizeInMegabytes": 1024,
                "OntapVolumeType": "RW",
                "StorageVirtualMachineRoot": False,
            }
        region_state(backend).volumes[volume_id] = volume
        return volume_id


LUSTRE_ONLY_LIFECYCLES: Final = ("PENDING", "TRANSFERRING")
"""The model's BackupLifecycle: PENDING and TRANSFERRING are "For user-initiated backups on Lustre file
systems only"."""


def _check_lustre_only_lifecycle(lifecycle: str, file_system_type: str, backup_type: str, is_copy: bool) -> None:
    """An :class:`EmulatorError` for a lifecycle the backup cannot have (:data:`LUSTRE_ONLY_LIFECYCLES`)."""
    if lifecycle in LUSTRE_ONLY_LIFECYCLES and (file_system_type, backup_type, is_copy) != (
        "LUSTRE",
        "USER_INITIATED",
        False,
    ):
        raise EmulatorError(
            f"only user-initiated backups of Lustre file systems (not copies) are ever {lifecycle}, as the FSx "
            "model's BackupLifecycle says"
        )


def _seed_file_system(
    backend: FSxBackend, file_system_type: str, storage_type: str, deployment_type: str | None, key_arn: str | None
) -> FileSystem:
    """A file system made for a seeding control, as CreateFileSystem makes one."""
    config = {"DeploymentType": deployment_type or DEFAULT_DEPLOYMENT[file_system_type]}
    return create_file_system(
        backend,
        client_request_token=str(uuid.uuid4()),
        file_system_type=file_system_type,
        storage_capacity=1024,
        storage_type=storage_type,
        subnet_ids=[new_id("subnet")],
        security_group_ids=[new_id("sg")],
        tags=None,
        kms_key_id=key_arn,
        file_system_type_version=None,
        **{name: (config if name == CONFIG_OF_TYPE[file_system_type] else None) for name in CONFIG_OF_TYPE.values()},
    )


SEEDS: Final = Seeds(MODEL)
"""The seeding controls of this process's emulator."""
