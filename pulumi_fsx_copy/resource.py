"""BackupCopy: a copy of an Amazon FSx backup in another (or the same) AWS Region."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

import pulumi
import pulumi.dynamic

from .aws_options import record_aws_providers, take_aws_provider, timeouts_in_minutes
from .errors import InvalidInputError
from .provider import BackupCopyProvider
from .schema import HIDDEN_KEYS, INPUT_ORDER, OUTPUT_NAMES
from .stack_key import declared_identity
from .validation import backup_id_problem

record_aws_providers()  # an explicit aws Provider's settings, as the program gives them (aws_options)


# <generated: args>
@pulumi.input_type
class BackupCopyArgs:
    """The inputs of a :class:`BackupCopy`."""

    def __init__(
        __self__,
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
    ) -> None:
        pulumi.set(__self__, "source_backup_id", source_backup_id)
        if source_region is not None:
            pulumi.set(__self__, "source_region", source_region)
        if region is not None:
            pulumi.set(__self__, "region", region)
        if kms_key_id is not None:
            pulumi.set(__self__, "kms_key_id", kms_key_id)
        if copy_tags is not None:
            pulumi.set(__self__, "copy_tags", copy_tags)
        if tags is not None:
            pulumi.set(__self__, "tags", tags)
        if client_request_token is not None:
            pulumi.set(__self__, "client_request_token", client_request_token)
        if wait_for_available is not None:
            pulumi.set(__self__, "wait_for_available", wait_for_available)
        if wait_timeout_minutes is not None:
            pulumi.set(__self__, "wait_timeout_minutes", wait_timeout_minutes)

    @property
    @pulumi.getter(name="source_backup_id")
    def source_backup_id(self) -> pulumi.Input[str]:
        """ID of the backup to copy (``backup-...``)."""
        return pulumi.get(self, "source_backup_id")  # type: ignore[no-any-return]

    @source_backup_id.setter
    def source_backup_id(self, value: pulumi.Input[str]) -> None:
        pulumi.set(self, "source_backup_id", value)

    @property
    @pulumi.getter(name="source_region")
    def source_region(self) -> pulumi.Input[str] | None:
        """Region of the source backup (default: ``region``)."""
        return pulumi.get(self, "source_region")  # type: ignore[no-any-return]

    @source_region.setter
    def source_region(self, value: pulumi.Input[str] | None) -> None:
        pulumi.set(self, "source_region", value)

    @property
    @pulumi.getter(name="region")
    def region(self) -> pulumi.Input[str] | None:
        """Region of the copy (default: the stack's ``aws:region``)."""
        return pulumi.get(self, "region")  # type: ignore[no-any-return]

    @region.setter
    def region(self, value: pulumi.Input[str] | None) -> None:
        pulumi.set(self, "region", value)

    @property
    @pulumi.getter(name="kms_key_id")
    def kms_key_id(self) -> pulumi.Input[str] | None:
        """Key ID, key ARN, alias name or alias ARN of a KMS key in ``region`` (default: the FSx-managed key)."""
        return pulumi.get(self, "kms_key_id")  # type: ignore[no-any-return]

    @kms_key_id.setter
    def kms_key_id(self, value: pulumi.Input[str] | None) -> None:
        pulumi.set(self, "kms_key_id", value)

    @property
    @pulumi.getter(name="copy_tags")
    def copy_tags(self) -> pulumi.Input[bool] | None:
        """Copy the source backup's tags too; ``tags`` win on a clash."""
        return pulumi.get(self, "copy_tags")  # type: ignore[no-any-return]

    @copy_tags.setter
    def copy_tags(self, value: pulumi.Input[bool] | None) -> None:
        pulumi.set(self, "copy_tags", value)

    @property
    @pulumi.getter(name="tags")
    def tags(self) -> pulumi.Input[Mapping[str, pulumi.Input[str]]] | None:
        """Tags this stack manages on the copy (changed in place)."""
        return pulumi.get(self, "tags")  # type: ignore[no-any-return]

    @tags.setter
    def tags(self, value: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None) -> None:
        pulumi.set(self, "tags", value)

    @property
    @pulumi.getter(name="client_request_token")
    def client_request_token(self) -> pulumi.Input[str] | None:
        """Idempotency token of CopyBackup (default: a fresh one per create; a re-run finds its copy by tags)."""
        return pulumi.get(self, "client_request_token")  # type: ignore[no-any-return]

    @client_request_token.setter
    def client_request_token(self, value: pulumi.Input[str] | None) -> None:
        pulumi.set(self, "client_request_token", value)

    @property
    @pulumi.getter(name="wait_for_available")
    def wait_for_available(self) -> pulumi.Input[bool] | None:
        """Wait until the copy is AVAILABLE (default true)."""
        return pulumi.get(self, "wait_for_available")  # type: ignore[no-any-return]

    @wait_for_available.setter
    def wait_for_available(self, value: pulumi.Input[bool] | None) -> None:
        pulumi.set(self, "wait_for_available", value)

    @property
    @pulumi.getter(name="wait_timeout_minutes")
    def wait_timeout_minutes(self) -> pulumi.Input[float] | None:
        """How long create and delete may wait (default 360)."""
        return pulumi.get(self, "wait_timeout_minutes")  # type: ignore[no-any-return]

    @wait_timeout_minutes.setter
    def wait_timeout_minutes(self, value: pulumi.Input[float] | None) -> None:
        pulumi.set(self, "wait_timeout_minutes", value)


# </generated: args>


class BackupCopy(pulumi.dynamic.Resource, module="fsx", name="BackupCopy"):
    """A copy of an FSx backup made with the FSx CopyBackup API, for disaster recovery or cloning.

    Replaced when the source, either Region, ``copy_tags`` or the KMS key changes; ``tags`` change in place.
    """

    # <generated: attributes>
    @property
    @pulumi.getter(name="source_backup_id")
    def source_backup_id(self) -> pulumi.Output[str]:
        """ID of the backup that was copied."""
        return pulumi.get(self, "source_backup_id")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="source_region")
    def source_region(self) -> pulumi.Output[str]:
        """Region of the source backup."""
        return pulumi.get(self, "source_region")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="region")
    def region(self) -> pulumi.Output[str]:
        """Region of the copy."""
        return pulumi.get(self, "region")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="kms_key_id")
    def kms_key_id(self) -> pulumi.Output[str]:
        """ARN of the KMS key the copy is encrypted with."""
        return pulumi.get(self, "kms_key_id")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="copy_tags")
    def copy_tags(self) -> pulumi.Output[bool | None]:
        """Whether the source backup's tags were copied."""
        return pulumi.get(self, "copy_tags")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="tags")
    def tags(self) -> pulumi.Output[dict[str, str]]:
        """The tags this stack manages on the copy."""
        return pulumi.get(self, "tags")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="client_request_token")
    def client_request_token(self) -> pulumi.Output[str | None]:
        """The idempotency token given, if any."""
        return pulumi.get(self, "client_request_token")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="wait_for_available")
    def wait_for_available(self) -> pulumi.Output[bool]:
        """Whether create waits for the copy to become AVAILABLE."""
        return pulumi.get(self, "wait_for_available")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="wait_timeout_minutes")
    def wait_timeout_minutes(self) -> pulumi.Output[float | None]:
        """How long create and delete wait."""
        return pulumi.get(self, "wait_timeout_minutes")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="backup_id")
    def backup_id(self) -> pulumi.Output[str]:
        """ID of the copy (also the resource's ID)."""
        return pulumi.get(self, "backup_id")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="arn")
    def arn(self) -> pulumi.Output[str]:
        """ARN of the copy."""
        return pulumi.get(self, "arn")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="lifecycle")
    def lifecycle(self) -> pulumi.Output[str]:
        """AVAILABLE once the copy is done (COPYING while in progress when not waiting)."""
        return pulumi.get(self, "lifecycle")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="progress_percent")
    def progress_percent(self) -> pulumi.Output[int]:
        """How far the copy is, 0-100."""
        return pulumi.get(self, "progress_percent")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="tags_all")
    def tags_all(self) -> pulumi.Output[dict[str, str]]:
        """Every tag on the copy, copied ones included (always a secret output)."""
        return pulumi.get(self, "tags_all")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="file_system_id")
    def file_system_id(self) -> pulumi.Output[str | None]:
        """The source file system's ID."""
        return pulumi.get(self, "file_system_id")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="file_system_type")
    def file_system_type(self) -> pulumi.Output[str | None]:
        """LUSTRE, WINDOWS, ONTAP or OPENZFS."""
        return pulumi.get(self, "file_system_type")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="resource_type")
    def resource_type(self) -> pulumi.Output[str | None]:
        """FILE_SYSTEM or VOLUME."""
        return pulumi.get(self, "resource_type")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="volume_id")
    def volume_id(self) -> pulumi.Output[str | None]:
        """The source volume's ID, for volume backups; None for file system backups."""
        return pulumi.get(self, "volume_id")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="type")
    def type(self) -> pulumi.Output[str]:
        """The copy's backup type, as ``aws.fsx.Backup``'s ``type``: USER_INITIATED for every copy."""
        return pulumi.get(self, "type")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="owner_id")
    def owner_id(self) -> pulumi.Output[str]:
        """AWS account that owns the copy."""
        return pulumi.get(self, "owner_id")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="creation_time")
    def creation_time(self) -> pulumi.Output[str]:
        """When the copy was created (ISO 8601, UTC)."""
        return pulumi.get(self, "creation_time")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="size_in_bytes")
    def size_in_bytes(self) -> pulumi.Output[int | None]:
        """Size of the copy, where AWS reports it."""
        return pulumi.get(self, "size_in_bytes")  # type: ignore[no-any-return]

    @property
    @pulumi.getter(name="kms_key_state")
    def kms_key_state(self) -> pulumi.Output[str | None]:
        """KMS ``KeyState`` of the copy's key (``Enabled``, ``Disabled``...); ``Unknown`` if KMS could not tell."""
        return pulumi.get(self, "kms_key_state")  # type: ignore[no-any-return]

    # </generated: attributes>

    # <generated: keyword overload>
    @overload
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
    ) -> None: ...

    # </generated: keyword overload>

    @overload
    def __init__(
        self, resource_name: str, args: BackupCopyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: BackupCopyArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Copy ``source_backup_id`` from ``source_region`` (default: ``region``) into ``region`` (default: the
        stack's ``aws:region``). Pass the inputs as keyword arguments or as one :class:`BackupCopyArgs`.
        """
        if args is not None and kwargs:
            raise TypeError(
                f"BackupCopy {resource_name!r}: pass either args=BackupCopyArgs(...) or keyword arguments, not both"
            )
        if args is None:
            args = BackupCopyArgs(**kwargs)
        if opts is not None and opts.import_ is not None:
            # The engine's import step calls Read with neither inputs nor state, so the dynamic provider
            # server cannot even find this provider (pulumi/pulumi#16175): say what works instead.
            raise pulumi.RunError(
                f"BackupCopy {resource_name!r}: the import_ option cannot work with a dynamic provider (Pulumi's "
                "import reads the resource without the inputs that name its provider). To read an existing copy, "
                f"use BackupCopy.get({resource_name!r}, {opts.import_!r}); to have this stack make and manage its "
                "own copy, remove import_."
            )
        props: dict[str, Any] = {name: pulumi.get(args, name) for name in INPUT_ORDER}
        # Hidden inputs under their `__` keys (schema.HIDDEN_KEYS), which the engine leaves out of every diff it shows.
        # The identity only tags copies: a changed one neither updates nor replaces the copy, and its record keeps
        # the identity it was made with (provider.update).
        props[HIDDEN_KEYS["resource_identity"]] = declared_identity(_TYPE, resource_name, opts)
        opts, props[HIDDEN_KEYS["aws_provider"]] = take_aws_provider(opts)
        props[HIDDEN_KEYS["custom_timeouts"]] = timeouts_in_minutes(resource_name, opts)
        props.update(dict.fromkeys(OUTPUT_NAMES))
        # `tags_all` is every tag AWS holds on the copy: the declared ones (secret when given as secrets), the
        # source's (copy_tags), ones added in AWS. The program cannot know which may be secret, so it always is.
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=["tags_all"]))
        super().__init__(BackupCopyProvider(), resource_name, props, opts)
        if opts.delete_before_replace:
            pulumi.log.warn(_DELETE_FIRST.format(name=resource_name), resource=self)

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> BackupCopy:
        """Adopt an existing copy, by backup ID, in the stack's ``aws:region`` (read-only).

        ``pulumi import`` cannot work with dynamic providers; use this instead.

        A malformed ``id`` raises :class:`~pulumi_fsx_copy.InvalidInputError` before any AWS call; with no Region
        configured the read fails with ``RegionError``; a copy not in that Region, with ``CopyNotFoundError``.
        """
        problem = backup_id_problem(id, "the ID given to BackupCopy.get") if isinstance(id, str) else None
        if problem:
            raise InvalidInputError(f"BackupCopy {resource_name!r}: {problem}.")
        copy = BackupCopy.__new__(BackupCopy)
        props: dict[str, Any] = dict.fromkeys((*INPUT_ORDER, *OUTPUT_NAMES))
        opts, props[HIDDEN_KEYS["aws_provider"]] = take_aws_provider(opts)  # its Region is where the copy is looked for
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        pulumi.dynamic.Resource.__init__(copy, BackupCopyProvider(), resource_name, props, merged)
        return copy


_DELETE_FIRST = (
    "BackupCopy {name!r} has delete_before_replace=True: a replacement deletes this copy before it makes the new "
    "one, so its Region has no copy of the backup until the new one is AVAILABLE (hours for a large backup). "
    "Remove the option to make the new copy first (the default)."
)

_TYPE = "pulumi-python:dynamic/fsx:BackupCopy"
"""The engine's type token of a BackupCopy (``pulumi.dynamic.Resource`` with module ``fsx``, name ``BackupCopy``)."""
