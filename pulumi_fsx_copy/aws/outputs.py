"""A BackupCopy's outputs, offline: its inputs and what AWS's description says of its copy (the key's state is
looked up by ``keys``); the identity and claim they record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timezone
from typing import Any

from ..rules.facts import Lifecycle
from ..rules.identity import OWNER_TAG, Identity
from ..rules.schema import PROVIDER_KEY, REPLACING_INPUTS
from .backup import Backup
from .ownership import claim_value


def outputs(
    inputs: Mapping[str, Any],
    backup: Backup,
    *,
    managed_keys: Mapping[str, Any],
    kms_key_state: str | None,
    from_aws: bool = False,
) -> dict[str, Any]:
    """The resource's outputs: its inputs, plus what AWS says of the copy and the state of its key.

    ``from_aws`` (a read): ``tags`` are the copy's values of ``managed_keys``, and the source is AWS's where the
    inputs do not say it; otherwise ``tags`` are ``managed_keys`` (the declared tags).
    """
    tags_all = dict(backup.tags)
    created = backup.creation_time
    progress = backup.progress_percent
    outs = {k: v for k, v in inputs.items() if k != PROVIDER_KEY}
    requested = inputs.get("kms_key_id_requested") if from_aws else inputs.get("kms_key_id")
    outs.update(
        backup_id=backup.backup_id,
        arn=backup.resource_arn,
        lifecycle=backup.lifecycle,
        progress_percent=progress if progress is not None else 100 if backup.lifecycle == Lifecycle.AVAILABLE else 0,
        tags=({k: tags_all[k] for k in managed_keys if k in tags_all} if from_aws else dict(managed_keys)),
        tags_all=tags_all,
        kms_key_id=backup.kms_key_id,
        kms_key_id_requested=requested or None,
        file_system_id=backup.file_system_id,
        file_system_type=backup.file_system_type,
        resource_type=backup.resource_type,
        volume_id=backup.volume_id,
        type=backup.type,
        owner_id=backup.owner_id,
        creation_time=created.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if created else None,
        size_in_bytes=backup.size_in_bytes,
        kms_key_state=kms_key_state,
    )
    if from_aws:
        for key, value in (
            ("source_backup_id", backup.source_backup_id),
            ("source_region", backup.source_backup_region),
        ):
            if not outs.get(key):
                outs[key] = value
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


def not_ready(backup_id: str, region: str, backup: Backup) -> str:
    """Why a refresh records a copy that is not AVAILABLE yet as not ready."""
    return (
        f"copy {backup_id} in '{region}' is {backup.lifecycle} ({backup.progress_percent or 0}%), not "
        "AVAILABLE yet: the stack records it as not ready, the next `pulumi up` waits for it, `pulumi destroy` "
        "deletes it."
    )
