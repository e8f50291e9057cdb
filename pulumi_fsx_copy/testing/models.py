"""The model of the emulated Amazon FSx backup service: backups, copies, tokens, limits; FSx's behaviour only.

State lives on moto's own backends (so moto's reset forgets it), settings process-wide (:meth:`FsxCopyModel.reset`);
backups progress lazily, computed from the clock when described, under one re-entrant lock. No HTTP
(:mod:`.responses`), no faults or counters (:mod:`.faults`, :mod:`.counters`). What it reproduces:
``docs/emulator.md``; design notes: ``docs/dev/emulator.md``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import fields, replace
from typing import Any, Final

from moto.fsx.models import FileSystem, FSxBackend, fsx_backends

from ..rules.regions import partition_of
from .backups import (
    FILE_SYSTEM_MEMBERS,
    IN_PROGRESS,
    PAGE_LIMIT,
    TAG_LIMIT,
    VOLUME_BACKUP_TYPE,
    EmulatedBackup,
    Request,
    backups_of,
    check_user_tag_keys,
    create_file_system,
    earlier_answer,
    filter_value,
    frozen_tags,
    fsx_backend,
    is_reserved,
    managed_key_arn,
    region_state,
    resolve_kms_key,
    source_key_usable,
    tag_dict,
    tag_list,
    user_tag_count,
)
from .exceptions import EmulatorError, FsxError
from .faults import FAULTS
from .restores import Restores
from .settings import Settings


class FsxCopyModel(Restores):
    """The emulated service: the FSx operations it fixes or adds, one method per operation, and its
    settings; restores: :class:`~.restores.Restores`; controls that seed its state: :mod:`.seeds`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.defaults = Settings()
        self.settings = self.defaults

    # ---- settings -------------------------------------------------------------------------------

    def set_defaults(self, settings: Settings) -> None:
        """Make ``settings`` what :meth:`reset` returns to (the server's command line sets these)."""
        with self.lock:
            self.defaults = settings
            self.settings = settings

    def configure(self, **changes: Any) -> None:
        """Change :class:`Settings` by name (e.g. ``copy_seconds=0.5``); None leaves one as it is."""
        with self.lock:
            given = {name: value for name, value in changes.items() if value is not None}
            known = {item.name for item in fields(Settings)}
            for name, value in given.items():
                if name not in known:
                    raise EmulatorError(f"unknown setting {name!r}; one of {', '.join(sorted(known))}")
                default = getattr(Settings, name)
                if isinstance(default, bool):
                    valid = isinstance(value, bool)
                elif isinstance(default, float):
                    valid = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
                elif isinstance(default, int):
                    valid = isinstance(value, int) and not isinstance(value, bool) and value >= 1
                else:
                    valid = isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)
                    given[name] = tuple(value) if valid else value
                if not valid:
                    raise EmulatorError(f"invalid value for setting {name}: {value!r} (default {default!r})")
            self.settings = replace(self.settings, **given)

    def current_settings(self) -> dict[str, Any]:
        """The :class:`Settings` in force, by name."""
        with self.lock:
            return {item.name: getattr(self.settings, item.name) for item in fields(Settings)}

    def reset(self) -> None:
        """Settings back to their defaults."""
        with self.lock:
            self.settings = self.defaults

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
        client_request_token: str | None = None,
    ) -> EmulatedBackup:
        """CreateBackup: a USER_INITIATED backup, in its creation phases for ``create_backup_seconds``."""
        request = Request(
            "CreateBackup",
            (("FileSystemId", file_system_id), ("VolumeId", volume_id), ("Tags", frozen_tags(tags))),
        )
        with self.lock:
            earlier = self._earlier(backend, client_request_token, request)
            if earlier is not None:
                return earlier
            volume = None
            if volume_id is not None:
                volume = region_state(backend).volumes.get(volume_id)
                if volume is None:
                    raise FsxError("VolumeNotFound", f"Volume '{volume_id}' does not exist.")
                file_system_id = str(volume["FileSystemId"])
            file_system = backend.file_systems.get(file_system_id or "")
            if file_system is None:
                raise FsxError("FileSystemNotFound", f"File system '{file_system_id}' does not exist.")
            self._check_backup_supported(file_system, volume)
            self.check_backup_source(backend, volume_id or file_system.file_system_id)
            if not tags:  # CopyTagsToBackups: only a backup requested without tags gets the file system's
                tags = self._copied_file_system_tags(backend, file_system) or None
            now = time.monotonic()
            # The model's BackupLifecycle: TRANSFERRING is "Amazon FSx is backing up the file system" (Lustre),
            # so a backup TRANSFERRING is under way as much as one PENDING or CREATING.
            under_way = ("PENDING", "CREATING") + (() if self.settings.backup_while_transferring else ("TRANSFERRING",))
            for other in backups_of(backend).values():
                if (
                    isinstance(other, EmulatedBackup)
                    and not other.is_copy
                    and other.file_system_id == file_system.file_system_id
                    and other.volume_id == volume_id
                    and other.lifecycle_at(now) in under_way
                ):
                    target = f"volume '{volume_id}'" if volume_id else f"file system '{file_system.file_system_id}'"
                    raise FsxError(
                        "BackupInProgress",
                        f"Backup '{other.backup_id}' of {target} is under way; wait for it before backing up again.",
                    )
            backup = self.new_backup(
                backend, file_system, volume_id, tags, duration=self.settings.create_backup_seconds
            )
            self._remember(backend, client_request_token, request, backup)
            return backup

    def delete_file_system(
        self,
        backend: FSxBackend,
        file_system_id: str,
        configurations: Mapping[str, Mapping[str, Any] | None],
    ) -> dict[str, Any]:
        """DeleteFileSystem, as botocore's FSx model documents it: the file system's AUTOMATIC backups go with
        it; a final backup (USER_INITIATED, kept) is taken unless ``SkipFinalBackup``, whose default is false
        for Windows and OpenZFS and true for Lustre. Its tags are ``FinalBackupTags``, else the file system's
        when ``CopyTagsToBackups``. The answer names it in ``<Type>Response.FinalBackupId``. Afterwards a
        ``file-system-id`` filter naming the file system answers ``FileSystemNotFound``.
        ``configurations``: the request's ``WindowsConfiguration``, ``LustreConfiguration`` and
        ``OpenZFSConfiguration``."""
        with self.lock:
            already = self.check_file_system_deletable(backend, file_system_id)
            if already is not None:
                return already
            file_system = backend.file_systems.get(file_system_id)
            if file_system is None:
                raise FsxError("FileSystemNotFound", f"File system '{file_system_id}' does not exist.")
            described = self.describe_file_system(backend, file_system_id)
            kind = file_system.file_system_type
            # The model: "To delete an Amazon FSx for NetApp ONTAP file system, first delete all the volumes".
            volumes = [v for v in region_state(backend).volumes.values() if v["FileSystemId"] == file_system_id]
            if kind == VOLUME_BACKUP_TYPE and volumes:
                raise FsxError(
                    "BadRequest",
                    f"File system '{file_system_id}' still has {len(volumes)} volume(s), e.g. "
                    f"'{volumes[0]['VolumeId']}'; delete them first (DeleteVolume).",
                )
            config = configurations.get(_FINAL_BACKUP_CONFIG.get(kind, "")) or {}
            skip = bool(config.get("SkipFinalBackup", kind == "LUSTRE"))
            answer: dict[str, Any] = {"FileSystemId": file_system_id, "Lifecycle": "DELETING"}
            if kind in _FINAL_BACKUP_CONFIG and not skip:
                given = config.get("FinalBackupTags")
                final = self.new_backup(
                    backend,
                    file_system,
                    None,
                    given or (self._copied_file_system_tags(backend, file_system) or None),
                    duration=self.settings.create_backup_seconds,
                )
                answer[_FINAL_BACKUP_RESPONSE[kind]] = {
                    "FinalBackupId": final.backup_id,
                    "FinalBackupTags": final.tags(),
                }
            for backup_id, backup in list(backups_of(backend).items()):
                if (
                    isinstance(backup, EmulatedBackup)
                    and not backup.is_copy
                    and backup.file_system_id == file_system_id
                    and backup.backup_type == "AUTOMATIC"
                ):
                    backup.deleted_tags = backup.tags()
                    backup.lifecycle_override = "DELETED"
                    del backups_of(backend)[backup_id]
                    backend.tagger.delete_all_tags_for_resource(backup.resource_arn)
            del backend.file_systems[file_system_id]
            backend.tagger.delete_all_tags_for_resource(file_system.resource_arn)
            _deleted_file_systems(backend).add(file_system_id)
            self.mark_file_system_deleting(backend, file_system_id, described)
            return answer

    @staticmethod
    def _copied_file_system_tags(backend: FSxBackend, file_system: FileSystem) -> list[dict[str, str]]:
        """The file system's tags when its configuration sets ``CopyTagsToBackups`` (botocore's FSx model,
        ``CreateFileSystemWindowsConfiguration.CopyTagsToBackups``: copied to every backup made without tags)."""
        configs = (
            file_system.windows_configuration,
            file_system.lustre_configuration,
            file_system.open_zfs_configuration,
        )
        if not any((config or {}).get("CopyTagsToBackups") for config in configs):
            return []
        tags = backend.tagger.list_tags_for_resource(file_system.resource_arn)["Tags"]
        return [tag for tag in tags if not is_reserved(str(tag["Key"]))]

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
        source_region = source_region or region
        request = Request(
            "CopyBackup",
            (
                ("SourceBackupId", source_backup_id),
                ("SourceRegion", source_region),
                ("KmsKeyId", kms_key_id),
                ("CopyTags", copy_tags),
                ("Tags", frozen_tags(tags)),
            ),
        )
        with self.lock:
            earlier = self._earlier(backend, client_request_token, request)
            if earlier is not None:
                return earlier
            requested = tag_dict(tags)
            check_user_tag_keys(requested)
            source_partition = partition_of(source_region)
            if source_partition is None or source_partition != partition_of(region):
                raise FsxError(
                    "InvalidRegion",
                    f"SourceRegion '{source_region}' is invalid or not in the partition of {region}.",
                )
            if source_region != region:
                for opt_in in (source_region, region):
                    if opt_in in self.settings.opt_in_regions:
                        raise FsxError(
                            "InvalidRegion", f"Cross-Region backup copies are not supported in opt-in Region {opt_in}."
                        )
            source = backups_of(fsx_backend(account, source_region)).get(source_backup_id)
            if not isinstance(source, EmulatedBackup):
                raise FsxError("BackupNotFound", f"Backup '{source_backup_id}' does not exist.")
            now = time.monotonic()
            if source.lifecycle_at(now) != "AVAILABLE":
                raise FsxError(
                    "SourceBackupUnavailable",
                    f"The source backup '{source_backup_id}' is not AVAILABLE.",
                    BackupId=source_backup_id,
                )
            if source.file_system.get("StorageType") == "INTELLIGENT_TIERING":
                raise FsxError(
                    "UnsupportedOperation",
                    "Backups of file systems using the Intelligent-Tiering storage class do not support copies.",
                )
            deployment = str((source.file_system.get("WindowsConfiguration") or {}).get("DeploymentType", ""))
            if deployment.startswith("MULTI_AZ") and region in self.settings.multi_az_unsupported_regions:
                raise FsxError(
                    "IncompatibleRegionForMultiAZ",
                    f"Amazon FSx doesn't support Multi-AZ Windows File Server copy backup in {region}.",
                )
            if not source_key_usable(account, source_region, source.kms_key_id):
                raise FsxError(
                    "InvalidSourceKmsKey",
                    f"The KMS key of source backup '{source_backup_id}' is disabled or pending deletion.",
                )
            merged = tag_dict(source.tags()) if copy_tags else {}
            merged = {key: value for key, value in merged.items() if not is_reserved(key)}
            merged.update(requested)
            if len(merged) > TAG_LIMIT:
                raise FsxError("BadRequest", f"The copy would have {len(merged)} tags; the limit is {TAG_LIMIT}.")
            key_arn = resolve_kms_key(account, region, kms_key_id)
            in_progress = self._copies_in_progress(backend, now)
            limit = self.settings.copy_limit
            if in_progress >= limit:
                raise FsxError(
                    "ServiceLimitExceeded",
                    f"{in_progress} backup copies are in progress to {region}; the limit is {limit}.",
                    Limit="TOTAL_IN_PROGRESS_COPY_BACKUPS",
                )
            copy = EmulatedBackup(
                backend,
                file_system=source.file_system,
                volume=source.volume,
                kms_key_id=key_arn,
                phases=("COPYING",),
                duration=self.settings.copy_seconds,
                size_in_bytes=source.size_in_bytes,
                source=source,
                release_seconds=self.settings.source_release_seconds,
            )
            failure = FAULTS.take_copy_failure()
            if failure is not None:
                copy.final_lifecycle = "FAILED"
                copy.failure_message = failure
            backups_of(backend)[copy.backup_id] = copy
            if merged:
                backend.tagger.tag_resource(copy.resource_arn, tag_list(merged))
            self._remember(backend, client_request_token, request, copy)
            state = region_state(backend)
            state.max_in_progress = max(state.max_in_progress, in_progress + 1)
            return copy

    def delete_backup(
        self, backend: FSxBackend, backup_id: str, client_request_token: str | None = None
    ) -> dict[str, str]:
        """DeleteBackup: the backup goes (DELETED) unless a copy reads it, it is still being copied, or restored."""
        request = Request("DeleteBackup", (("BackupId", backup_id),))
        with self.lock:
            earlier = self._earlier(backend, client_request_token, request)
            if earlier is not None:
                return {"BackupId": earlier.backup_id, "Lifecycle": "DELETED"}
            backup = backups_of(backend).get(backup_id)
            if not isinstance(backup, EmulatedBackup):
                raise FsxError("BackupNotFound", f"Backup '{backup_id}' does not exist.")
            now = time.monotonic()
            if any(copy.source_backup_id == backup_id for copy in self._copies_holding(backend, now)):
                raise FsxError(
                    "BackupBeingCopied",
                    f"Backup '{backup_id}' is being copied and can't be deleted until the copy ends.",
                    BackupId=backup_id,
                )
            lifecycle = backup.lifecycle_at(now)
            if lifecycle in IN_PROGRESS and not self.settings.delete_while_copying:
                raise FsxError(
                    "BackupInProgress", f"Backup '{backup_id}' is {lifecycle}: it can be deleted once it ends."
                )
            restored = (
                backup.restoring_file_system_id if backup.restoring else self.restore_in_progress(backend, backup_id)
            )
            if backup.restoring or restored is not None:
                raise FsxError(
                    "BackupRestoring",
                    f"A file system or volume is being restored from backup '{backup_id}'.",
                    **({"FileSystemId": restored} if restored and restored.startswith("fs-") else {}),
                )
            backup.deleted_tags = backup.tags()
            backup.lifecycle_override = "DELETED"
            del backups_of(backend)[backup_id]
            backend.tagger.delete_all_tags_for_resource(backup.resource_arn)
            state = region_state(backend)
            if not self.settings.reuse_token_after_delete:
                for token in [t for t, (r, b) in state.tokens.items() if b is backup and r.operation != "DeleteBackup"]:
                    del state.tokens[token]
            self._remember(backend, client_request_token, request, backup)
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
        """DescribeBackups: the named backups (all must exist), else those the filters match; one page."""
        with self.lock:
            everything = [b for b in backups_of(backend).values() if isinstance(b, EmulatedBackup)]
            if backup_ids:
                backups = []
                for backup_id in backup_ids:
                    backup = backups_of(backend).get(backup_id)
                    if not isinstance(backup, EmulatedBackup):
                        raise FsxError("BackupNotFound", f"Backup '{backup_id}' does not exist.")
                    backups.append(backup)
            else:
                backups = everything
                for item in filters or ():
                    name, values = str(item.get("Name")), set(item.get("Values") or ())
                    self._check_filter_ids(backend, everything, name, values)
                    backups = [b for b in backups if filter_value(b, name) in values]
            scope = (
                "DescribeBackups",
                backend.account_id,
                backend.region_name,
                list(backup_ids or []),
                sorted([str(f.get("Name")), sorted(f.get("Values") or [])] for f in filters or ()),
            )
            page, token = self._page(backups, _backup_position, max_results, next_token, scope)
            now = time.monotonic()
            return [backup.to_dict(now) for backup in page], token

    def tag_resource(self, backend: FSxBackend, arn: str, tags: Sequence[Mapping[str, str]]) -> None:
        """TagResource: add or replace tags of an FSx resource of ``backend``'s Region."""
        with self.lock:
            self._check_resource(backend, arn, changes_tags=True)
            given = tag_dict(tags)
            check_user_tag_keys(given)
            merged = backend.tagger.get_tag_dict_for_resource(arn)
            merged.update(given)
            if user_tag_count(merged) > TAG_LIMIT:
                raise FsxError("BadRequest", f"This would make {len(merged)} tags; the limit is {TAG_LIMIT}.")
            backend.tagger.tag_resource(arn, tag_list(given))

    def untag_resource(self, backend: FSxBackend, arn: str, tag_keys: Sequence[str]) -> None:
        """UntagResource: remove tags (keys it doesn't have are ignored; ``aws:`` ones are refused)."""
        with self.lock:
            self._check_resource(backend, arn, changes_tags=True)
            check_user_tag_keys(tag_keys, "remove")
            backend.tagger.untag_resource_using_names(arn, list(tag_keys))

    def list_tags(
        self, backend: FSxBackend, arn: str, max_results: int | None = None, next_token: str | None = None
    ) -> tuple[list[dict[str, str]], str | None]:
        """ListTagsForResource: one page of the resource's tags."""
        with self.lock:
            self._check_resource(backend, arn)
            tags = list(backend.tagger.list_tags_for_resource(arn)["Tags"])
            scope = ("ListTagsForResource", backend.account_id, backend.region_name, arn)
            return self._page(tags, _tag_position, max_results, next_token, scope)

    # ---- helpers --------------------------------------------------------------------------------

    def _page(
        self,
        items: list[Any],
        position: Callable[[Any], bytes],
        max_results: int | None,
        next_token: str | None,
        scope: Any,
    ) -> tuple[list[Any], str | None]:
        """One page of ``items`` in the order of their ``position``: at most ``MaxResults``,
        :data:`PAGE_LIMIT` and ``page_size`` of them, from just after the item ``next_token`` ended on.

        A token holds the request it was issued for (a hash of ``scope``) and the position of the last
        item it returned -- never the item itself -- so it is short (< 40 characters), opaque, and still
        good when that item, or any other, is deleted between pages: the next page starts at the first
        item after that position that still exists, skipping no survivor.
        """
        fingerprint = _fingerprint(scope)
        ordered = sorted(items, key=position)
        if next_token is not None:
            after = _token_position(next_token, fingerprint)
            ordered = [item for item in ordered if position(item) > after]
        size = min(max_results or PAGE_LIMIT, PAGE_LIMIT, self.settings.page_size)
        page = ordered[:size]
        if len(ordered) <= size:
            return page, None
        token = base64.b64encode(bytes([_TOKEN_VERSION]) + fingerprint + position(page[-1])).decode()
        return page, token

    def _earlier(self, backend: FSxBackend, token: str | None, request: Request) -> EmulatedBackup | None:
        """The backup an earlier request with ``token`` made, if it had the same parameters."""
        return earlier_answer(region_state(backend).tokens, token, request)

    def _remember(self, backend: FSxBackend, token: str | None, request: Request, backup: EmulatedBackup) -> None:
        if token is not None:
            region_state(backend).tokens[(request.operation, token)] = (request, backup)

    def new_backup(
        self,
        backend: FSxBackend,
        file_system: FileSystem,
        volume_id: str | None,
        tags: Sequence[Mapping[str, str]] | None,
        *,
        duration: float,
        backup_type: str = "USER_INITIATED",
    ) -> EmulatedBackup:
        """A new backup of ``file_system`` (of its volume ``volume_id``, if given) tagged ``tags``, in its creation
        phases for ``duration``: the one way backups are made, by CreateBackup, DeleteFileSystem and the seeds."""
        given = tag_dict(tags)
        check_user_tag_keys(given)
        if len(given) > TAG_LIMIT:
            raise FsxError("BadRequest", f"A backup can have at most {TAG_LIMIT} tags.")
        details = file_system.to_dict()
        metadata: dict[str, Any] = {name: details[name] for name in FILE_SYSTEM_MEMBERS if name in details}
        metadata.update(OwnerId=backend.account_id, Lifecycle="AVAILABLE")
        lustre = file_system.file_system_type == "LUSTRE"
        backup = EmulatedBackup(
            backend,
            file_system=metadata,
            volume=region_state(backend).volumes.get(volume_id or ""),
            kms_key_id=file_system.kms_key_id or managed_key_arn(backend.region_name, backend.account_id),
            phases=("PENDING", "CREATING", "TRANSFERRING") if lustre else ("CREATING",),
            duration=duration,
            size_in_bytes=(file_system.storage_capacity or 0) * 1024**3 or None,
            backup_type=backup_type,
        )
        backups_of(backend)[backup.backup_id] = backup
        if given:
            backend.tagger.tag_resource(backup.resource_arn, tag_list(given))
        return backup

    def _copies_in_progress(self, backend: FSxBackend, now: float) -> int:
        return sum(
            1
            for b in backups_of(backend).values()
            if isinstance(b, EmulatedBackup) and b.is_copy and b.lifecycle_at(now) == "COPYING"
        )

    def _copies_holding(self, source_backend: FSxBackend, now: float) -> Iterator[EmulatedBackup]:
        """The copies, in any Region of the account, that still keep a source in ``source_backend``."""
        for backend in list(fsx_backends[source_backend.account_id].values()):
            for backup in list(backups_of(backend).values()):
                if (
                    isinstance(backup, EmulatedBackup)
                    and backup.source_backup_region == source_backend.region_name
                    and backup.holds_source(now)
                ):
                    yield backup

    def _check_filter_ids(
        self, backend: FSxBackend, backups: list[EmulatedBackup], name: str, values: set[str]
    ) -> None:
        """``FileSystemNotFound``/``VolumeNotFound`` for a filter ID that names nothing in the Region."""
        if name == "file-system-id":
            known = set(backend.file_systems) | {b.file_system_id for b in backups}
            known -= _deleted_file_systems(backend)
            code, what = "FileSystemNotFound", "File system"
        elif name == "volume-id":
            known = set(region_state(backend).volumes) | {b.volume_id or "" for b in backups}
            code, what = "VolumeNotFound", "Volume"
        else:
            return
        for value in sorted(values - known):
            raise FsxError(code, f"{what} '{value}' does not exist.")

    @staticmethod
    def _check_backup_supported(file_system: FileSystem, volume: Mapping[str, Any] | None) -> None:
        """``UnsupportedOperation`` for what FSx does not back up: a volume other than ONTAP's, an ONTAP file
        system (its volumes are backed up), a Lustre file system that is scratch (the default deployment type
        is SCRATCH_1) or linked to a data repository (ImportPath/ExportPath)."""
        # The model: CreateBackup backs up "an existing Amazon FSx for Windows File Server file system, Amazon
        # FSx for Lustre file system, Amazon FSx for NetApp ONTAP volume, or Amazon FSx for OpenZFS file
        # system"; CreateBackupRequest.VolumeId is "The ID of the FSx for ONTAP volume to back up".
        if volume is not None and volume.get("VolumeType") != VOLUME_BACKUP_TYPE:
            raise FsxError(
                "UnsupportedOperation",
                f"Volume '{volume['VolumeId']}' is an {volume.get('VolumeType')} volume; FSx backs up only "
                "ONTAP volumes (back up its file system instead).",
            )
        if volume is None and file_system.file_system_type == VOLUME_BACKUP_TYPE:
            raise FsxError(
                "UnsupportedOperation",
                f"File system '{file_system.file_system_id}' is an ONTAP file system; FSx backs up its volumes: "
                "give VolumeId instead.",
            )
        if file_system.file_system_type != "LUSTRE":
            return
        config: Mapping[str, Any] = file_system.lustre_configuration or {}
        deployment = str(config.get("DeploymentType") or "SCRATCH_1")
        if deployment.startswith("SCRATCH"):
            raise FsxError(
                "UnsupportedOperation",
                f"Backups are not supported on scratch file systems ({deployment}); use a persistent deployment type.",
            )
        if any(config.get(name) for name in ("ImportPath", "ExportPath", "DataRepositoryConfiguration")):
            raise FsxError(
                "UnsupportedOperation", "Backups are not supported on file systems linked to a data repository."
            )

    def _final_volume_backup(
        self,
        backend: FSxBackend,
        file_system: FileSystem,
        volume_id: str,
        tags: Sequence[Mapping[str, str]] | None,
    ) -> EmulatedBackup:
        """The final backup DeleteVolume takes of an ONTAP volume (USER_INITIATED, kept)."""
        return self.new_backup(backend, file_system, volume_id, tags, duration=self.settings.create_backup_seconds)

    def _check_resource(self, backend: FSxBackend, arn: str, *, changes_tags: bool = False) -> None:
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or parts[2] != "fsx":
            raise FsxError("NotServiceResourceError", f"'{arn}' is not an FSx resource.", ResourceARN=arn)
        backups = {b.resource_arn: b for b in backups_of(backend).values() if isinstance(b, EmulatedBackup)}
        known = set(backups)
        known.update(fs.resource_arn for fs in backend.file_systems.values())
        known.update(str(v["ResourceARN"]) for v in region_state(backend).volumes.values())
        if arn not in known:
            raise FsxError("ResourceNotFound", f"The resource '{arn}' does not exist.", ResourceARN=arn)
        if changes_tags and arn in backups and backups[arn].backup_type == "AWS_BACKUP":
            raise FsxError(
                "ResourceDoesNotSupportTagging",
                f"Backup '{backups[arn].backup_id}' is managed by AWS Backup; tag it through AWS Backup.",
                ResourceARN=arn,
            )


_FINAL_BACKUP_CONFIG: Final = {
    "WINDOWS": "WindowsConfiguration",
    "LUSTRE": "LustreConfiguration",
    "OPENZFS": "OpenZFSConfiguration",
}
"""The DeleteFileSystem request member that carries ``SkipFinalBackup`` for each file system type."""
_FINAL_BACKUP_RESPONSE: Final = {"WINDOWS": "WindowsResponse", "LUSTRE": "LustreResponse", "OPENZFS": "OpenZFSResponse"}
"""The DeleteFileSystem response member that names the final backup for each file system type."""
_DELETED_FILE_SYSTEMS_ATTR: Final = "_pulumi_fsx_copy_deleted_file_systems"


def _deleted_file_systems(backend: FSxBackend) -> set[str]:
    """The file systems DeleteFileSystem removed from ``backend`` (gone when moto resets the backend)."""
    deleted = backend.__dict__.setdefault(_DELETED_FILE_SYSTEMS_ATTR, set())
    assert isinstance(deleted, set)
    return deleted


_TOKEN_VERSION: Final = 1
_BAD_TOKEN: Final = "The NextToken is invalid or was not issued for this request."


def _fingerprint(scope: Any) -> bytes:
    """6 bytes standing for the request a token is issued for (operation, account, Region, parameters)."""
    return hashlib.sha256(json.dumps(scope, sort_keys=True, default=str).encode()).digest()[:6]


def _token_position(token: str, fingerprint: bytes) -> bytes:
    """The position a token issued for ``fingerprint`` ended on; ``BadRequest`` for any other token."""
    try:
        raw = base64.b64decode(token, validate=True)
    except ValueError:
        raise FsxError("BadRequest", _BAD_TOKEN) from None
    if len(raw) < 8 or raw[0] != _TOKEN_VERSION or raw[1:7] != fingerprint:
        raise FsxError("BadRequest", _BAD_TOKEN)
    return raw[7:]


def _backup_position(backup: EmulatedBackup) -> bytes:
    """Backups are listed in the order they were made."""
    return backup.sequence.to_bytes(8, "big")


def _tag_position(tag: Mapping[str, str]) -> bytes:
    """Tags are listed in the order of a hash of their key (12 bytes, whatever the key's length)."""
    return hashlib.sha256(str(tag["Key"]).encode()).digest()[:12]


MODEL: Final = FsxCopyModel()
"""The emulator of this process."""

BACKEND_METHODS: Final = {"create_file_system": create_file_system}
"""What :func:`pulumi_fsx_copy.testing.install` sets on moto's ``FSxBackend``."""
