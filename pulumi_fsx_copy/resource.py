"""BackupCopy: a copy of an Amazon FSx backup in another (or the same) AWS Region."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from .provider import BackupCopyProvider

OUTPUT_NAMES = (
    "backup_id",
    "arn",
    "lifecycle",
    "progress_percent",
    "tags_all",
    "file_system_id",
    "file_system_type",
    "resource_type",
    "volume_id",
    "owner_id",
    "creation_time",
    "size_in_bytes",
)


class BackupCopy(pulumi.dynamic.Resource, module="fsx", name="BackupCopy"):
    """A copy of an FSx backup made with the FSx CopyBackup API, for disaster recovery or cloning.

    Replaced when the source, either Region, ``copy_tags`` or the KMS key changes; ``tags`` change in place.
    """

    source_backup_id: pulumi.Output[str]
    """ID of the backup that was copied."""
    source_region: pulumi.Output[str]
    """Region of the source backup."""
    region: pulumi.Output[str]
    """Region of the copy."""
    kms_key_id: pulumi.Output[str]
    """ARN of the KMS key the copy is encrypted with."""
    copy_tags: pulumi.Output[bool | None]
    """Whether the source backup's tags were copied."""
    tags: pulumi.Output[dict[str, str]]
    """The tags this stack manages on the copy."""
    tags_all: pulumi.Output[dict[str, str]]
    """Every tag on the copy, copied ones included."""
    client_request_token: pulumi.Output[str | None]
    """The idempotency token given, if any."""
    wait_for_available: pulumi.Output[bool]
    """Whether create waits for the copy to become AVAILABLE."""
    wait_timeout_minutes: pulumi.Output[float | None]
    """How long create and delete wait."""
    backup_id: pulumi.Output[str]
    """ID of the copy (also the resource's ID)."""
    arn: pulumi.Output[str]
    """ARN of the copy."""
    lifecycle: pulumi.Output[str]
    """AVAILABLE once the copy is done (COPYING while in progress when not waiting)."""
    progress_percent: pulumi.Output[int]
    """How far the copy is, 0-100."""
    file_system_id: pulumi.Output[str | None]
    """The source file system's ID."""
    file_system_type: pulumi.Output[str | None]
    """LUSTRE, WINDOWS, ONTAP or OPENZFS."""
    resource_type: pulumi.Output[str | None]
    """FILE_SYSTEM or VOLUME."""
    volume_id: pulumi.Output[str | None]
    """The source volume's ID, for volume backups."""
    owner_id: pulumi.Output[str]
    """AWS account that owns the copy."""
    creation_time: pulumi.Output[str]
    """When the copy was created (ISO 8601, UTC)."""
    size_in_bytes: pulumi.Output[int | None]
    """Size of the copy, where AWS reports it."""

    def __init__(
        self,
        resource_name: str,
        *,
        source_backup_id: pulumi.Input[str],
        source_region: pulumi.Input[str] | None = None,
        region: pulumi.Input[str] | None = None,
        kms_key_id: pulumi.Input[str] | None = None,
        copy_tags: pulumi.Input[bool] | None = None,
        tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        client_request_token: pulumi.Input[str] | None = None,
        wait_for_available: pulumi.Input[bool] | None = None,
        wait_timeout_minutes: pulumi.Input[float] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Copy ``source_backup_id`` from ``source_region`` (default: ``region``) into ``region``
        (default: the stack's ``aws:region``).

        :param kms_key_id: key ID, key ARN, alias name or alias ARN of a key in ``region``
            (default: the FSx-managed key).
        :param copy_tags: copy the source backup's tags too; ``tags`` win on a clash.
        :param tags: tags this stack manages on the copy (updated in place).
        :param client_request_token: idempotency token; by default one is derived from the stack,
            the resource name and the inputs that would replace the copy.
        :param wait_for_available: wait until the copy is AVAILABLE (default true).
        :param wait_timeout_minutes: how long create and delete may wait (default 360).
        """
        props: dict[str, Any] = {
            "source_backup_id": source_backup_id,
            "source_region": source_region,
            "region": region,
            "kms_key_id": kms_key_id,
            "copy_tags": copy_tags,
            "tags": tags,
            "client_request_token": client_request_token,
            "wait_for_available": wait_for_available,
            "wait_timeout_minutes": wait_timeout_minutes,
            "resource_identity": _identity(resource_name, opts),
        }
        props.update(dict.fromkeys(OUTPUT_NAMES))
        super().__init__(BackupCopyProvider(), resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> BackupCopy:
        """Adopt an existing copy, by backup ID, in the stack's ``aws:region`` (read-only).

        ``pulumi import`` cannot work with dynamic providers; use this instead.
        """
        copy = BackupCopy.__new__(BackupCopy)
        props: dict[str, Any] = dict.fromkeys(
            (
                "source_backup_id",
                "source_region",
                "region",
                "kms_key_id",
                "copy_tags",
                "tags",
                "client_request_token",
                "wait_for_available",
                "wait_timeout_minutes",
                *OUTPUT_NAMES,
            )
        )
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        pulumi.dynamic.Resource.__init__(copy, BackupCopyProvider(), resource_name, props, merged)
        return copy


def _identity(resource_name: str, opts: pulumi.ResourceOptions | None) -> pulumi.Input[str]:
    """A stable identity for the idempotency token: the parent's URN (or project and stack) plus the name."""
    parent = opts.parent if opts is not None else None
    if parent is not None:
        return parent.urn.apply(lambda urn: f"{urn}/{resource_name}")
    return f"{pulumi.get_project()}/{pulumi.get_stack()}/{resource_name}"
