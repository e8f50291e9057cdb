"""BackupCopy: a copy of an Amazon FSx backup in another (or the same) AWS Region.

Its typed forms (BackupCopyArgs, the constructor's keyword form, the output attributes) are generated from
``schema.py`` into ``resource_generated.py``; this module registers the resource and adopts copies (``get``)."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi.dynamic

from .aws_options import record_aws_providers, take_aws_provider, timeouts_in_minutes
from .errors import InvalidInputError
from .provider import BackupCopyProvider
from .resource_generated import BackupCopyArgs, BackupCopyBase
from .rules.schema import HIDDEN_KEYS, INPUT_ORDER, OUTPUT_NAMES
from .rules.validation import backup_id_problem
from .stack_key import declared_identity

__all__ = ["BackupCopy", "BackupCopyArgs"]  # BackupCopyArgs: its historical home, kept

record_aws_providers()  # an explicit aws Provider's settings, as the program gives them (aws_options)


class BackupCopy(BackupCopyBase, module="fsx", name="BackupCopy"):
    """A copy of an FSx backup made with the FSx CopyBackup API, for disaster recovery or cloning.

    Replaced when the source, either Region, ``copy_tags`` or the KMS key changes; ``tags`` change in place.
    """

    def _declare(self, resource_name: str, args: BackupCopyArgs, opts: pulumi.ResourceOptions | None) -> None:
        """Register this BackupCopy with ``args``: the hidden inputs added, ``import_`` refused naming what works."""
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
        pulumi.dynamic.Resource.__init__(self, BackupCopyProvider(), resource_name, props, opts)
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
