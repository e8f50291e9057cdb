"""A BackupCopy's outputs, offline: its inputs and what AWS's description says of its copy (the key's state is
looked up by ``keys``); the identity and claim they record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from .facts import Lifecycle
from .identity import OWNER_TAG, Identity, tag_map
from .ownership import claim_value
from .schema import PROVIDER_KEY, REPLACING_INPUTS


def outputs(
    inputs: Mapping[str, Any],
    backup: Mapping[str, Any],
    *,
    managed_keys: Mapping[str, Any],
    kms_key_state: str | None,
    from_aws: bool = False,
) -> dict[str, Any]:
    """The resource's outputs: its inputs, plus what AWS says of the copy and the state of its key.

    ``from_aws`` (a read): ``tags`` are the copy's values of ``managed_keys``, and the source is AWS's where the
    inputs do not say it; otherwise ``tags`` are ``managed_keys`` (the declared tags).
    """
    tags_all = tag_map(backup)
    file_system = backup.get("FileSystem") or {}
    volume = backup.get("Volume") or {}
    created = creation_time(backup)
    outs = {k: v for k, v in inputs.items() if k != PROVIDER_KEY}
    requested = inputs.get("kms_key_id_requested") if from_aws else inputs.get("kms_key_id")
    outs.update(
        backup_id=backup.get("BackupId"),
        arn=backup.get("ResourceARN"),
        lifecycle=backup.get("Lifecycle"),
        progress_percent=backup.get("ProgressPercent", 100 if backup.get("Lifecycle") == Lifecycle.AVAILABLE else 0),
        tags=({k: tags_all[k] for k in managed_keys if k in tags_all} if from_aws else dict(managed_keys)),
        tags_all=tags_all,
        kms_key_id=backup.get("KmsKeyId"),
        kms_key_id_requested=requested or None,
        file_system_id=file_system.get("FileSystemId") or volume.get("FileSystemId"),
        file_system_type=file_system.get("FileSystemType"),
        resource_type=backup.get("ResourceType"),
        volume_id=volume.get("VolumeId"),
        type=backup.get("Type"),
        owner_id=backup.get("OwnerId"),
        creation_time=created.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if created else None,
        size_in_bytes=backup.get("SizeInBytes"),
        kms_key_state=kms_key_state,
    )
    if from_aws:
        for key, value in (("source_backup_id", "SourceBackupId"), ("source_region", "SourceBackupRegion")):
            if not outs.get(key):
                outs[key] = backup.get(value)
    return outs


def claimed(outs: Mapping[str, Any], claim: str) -> dict[str, Any]:
    """``outs`` of a copy that carries ``claim``: its owner tag in ``tags_all`` as AWS holds it, and the claim."""
    return {**outs, "tags_all": {**outs["tags_all"], OWNER_TAG: claim_value(claim)}, "claim": claim}


def recorded_identity(props: Mapping[str, Any]) -> Identity | None:
    """The identity recorded in a resource's outputs (None for ``BackupCopy.get``, which has none)."""
    identity = props.get("resource_identity")
    if not identity:
        return None
    return Identity.of(str(identity), {k: props.get(k) for k in REPLACING_INPUTS})


def awaited(props: Mapping[str, Any]) -> bool:
    """Whether the resource waits for its copy to be AVAILABLE (``wait_for_available``, default true)."""
    return props.get("wait_for_available") is not False


def not_ready(backup_id: str, region: str, backup: Mapping[str, Any]) -> str:
    """Why a refresh records a copy that is not AVAILABLE yet as not ready."""
    return (
        f"copy {backup_id} in '{region}' is {backup.get('Lifecycle')} ({backup.get('ProgressPercent', 0)}%), not "
        "AVAILABLE yet: the stack records it as not ready, the next `pulumi up` waits for it, `pulumi destroy` "
        "deletes it."
    )


def creation_time(backup: Mapping[str, Any]) -> datetime | None:
    """When AWS made ``backup`` (its ``CreationTime``, in UTC when AWS gave no zone); None when not given."""
    created = backup.get("CreationTime")
    if isinstance(created, datetime):
        return created if created.tzinfo else created.replace(tzinfo=timezone.utc)
    return None
