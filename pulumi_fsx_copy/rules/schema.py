"""The BackupCopy resource's schema: its inputs, its outputs, and what the provider keeps in the state.

The one source of truth for names, types, defaults, documentation and what a change does: validation,
diffing and the provider read it at import; ``resource_generated.py`` (``BackupCopyArgs``, the keyword constructor,
the output attributes) and the README's inputs and outputs tables are generated from it by
``tools/schema_codegen.py``, and ``tests/unit/test_schema_codegen.py`` fails when they are stale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

OnChange = Literal["replace", "update", "record"]
"""What a changed input does: replace the copy, update it in place, or only be recorded in the state."""


@dataclass(frozen=True)
class InputField:
    """One input of a BackupCopy."""

    name: str
    on_change: OnChange
    default: Any = None
    """The value the provider uses when the input is not given (None: none, or resolved by check)."""
    hidden: bool = False
    """Set by the resource class, never by the user."""
    python_type: str = "str"
    """``T`` of the constructor's ``pulumi.Input[T]``."""
    required: bool = False
    doc: str = ""
    """The input's documentation (the ``BackupCopyArgs`` property, the constructor; a hidden one's: the README's)."""
    output_type: str = ""
    """``T`` of the resource's ``pulumi.Output[T]`` attribute of the same name."""
    output_doc: str = ""
    readme_type: str = ""
    """The README's "type" cell (the rules ``check`` applies)."""
    readme_default: str = ""
    readme_on_change: str = ""
    """The README's "on change" cell when :attr:`on_change` alone does not say it."""
    readme_output: str = ""
    """The README's outputs row for this input, when its output says more than the input (e.g. an ARN)."""

    @property
    def key(self) -> str:
        """Its key in the engine's property bags (inputs and state): ``__`` + name when hidden."""
        return state_key(self.name, hidden=self.hidden)


@dataclass(frozen=True)
class OutputField:
    """One output of a BackupCopy beyond its inputs."""

    name: str
    hidden: bool = False
    """Kept in the state for the provider's own decisions; not an attribute of the resource class."""
    python_type: str = "str"
    doc: str = ""
    readme: str = ""
    """The README's "meaning" cell (of the hidden keys' table for a hidden output)."""

    @property
    def key(self) -> str:
        """Its key in the engine's property bags (the state): ``__`` + name when hidden."""
        return state_key(self.name, hidden=self.hidden)


HIDDEN_KEY_PREFIX = "__"
"""What a hidden input's or output's key starts with in the engine's property bags: the engine leaves such keys out
of every diff it shows (Go ``resource.IsInternalPropertyKey``) and the Python SDK passes them on unchanged both ways
(``__provider``, the SDK's own, is one of them)."""
PROVIDER_KEY = "__provider"
"""The dynamic SDK's key of the pickled provider in every resource's inputs and outputs."""


def state_key(name: str, *, hidden: bool) -> str:
    """The key of input or output ``name`` in the engine's property bags."""
    return HIDDEN_KEY_PREFIX + name if hidden else name


DEFAULT_WAIT_TIMEOUT_MINUTES = 360.0
MAX_WAIT_TIMEOUT_MINUTES = 43200
"""30 days: longer than any copy AWS runs, short enough to stay a real deadline."""

INPUTS: tuple[InputField, ...] = (
    InputField(
        "source_backup_id",
        "replace",
        required=True,
        doc="ID of the backup to copy (``backup-...``).",
        output_doc="ID of the backup that was copied.",
        readme_type="str, FSx's own backup ID rule: `backup-` + ≥ 8 lower-case hex digits, ≤ 128 characters",
        readme_default="required",
    ),
    InputField(
        "source_region",
        "replace",  # default: region
        doc="Region of the source backup (default: ``region``).",
        output_doc="Region of the source backup.",
        readme_type="str",
        readme_default="`region`",
    ),
    InputField(
        "region",
        "replace",  # default: aws:region, then the environment
        doc="Region of the copy (default: the stack's ``aws:region``).",
        output_doc="Region of the copy.",
        readme_type="str",
        readme_default="`aws:region`, then the environment",
    ),
    InputField(
        "kms_key_id",
        "replace",  # replaces only when it names another key; default: FSx-managed key
        doc="Key ID, key ARN, alias name or alias ARN of a KMS key in ``region`` (default: the FSx-managed key).",
        output_doc="ARN of the KMS key the copy is encrypted with.",
        readme_type="key ID, key ARN, alias name or alias ARN in `region`",
        readme_default="FSx-managed key",
        readme_on_change="replace **only if it names another key** (an ID, ARN or alias of the same key is no change)",
        readme_output="ARN of the key the copy is really encrypted with",
    ),
    InputField(
        "copy_tags",
        "replace",
        default=False,
        python_type="bool",
        doc="Copy the source backup's tags too; ``tags`` win on a clash.",
        output_type="bool | None",
        output_doc="Whether the source backup's tags were copied.",
        readme_type="bool",
        readme_default="false",
    ),
    InputField(
        "tags",
        "update",
        default={},
        python_type="Mapping[str, pulumi.Input[str]]",
        doc="Tags this stack manages on the copy (changed in place).",
        output_type="dict[str, str]",
        output_doc="The tags this stack manages on the copy.",
        readme_type="dict str→str, ≤ 47 (FSx's 50 less the 3 ownership tags), no `aws:` or `pulumi-fsx-copy:` keys; "
        "or one Output of such a dict (e.g. a secret)",
        readme_default="none",
        readme_output="the tags this stack manages, as they are in AWS (refresh shows drift)",
    ),
    InputField(
        "client_request_token",
        "record",  # default: fresh per create (ownership.py)
        doc="Idempotency token of CopyBackup (default: a fresh one per create; a re-run finds its copy by tags).",
        output_type="str | None",
        output_doc="The idempotency token given, if any.",
        readme_type="1\u201363 of `[A-Za-z0-9_.-]`",
        readme_default='a fresh token per create (see "How it behaves")',
    ),
    InputField(
        "wait_for_available",
        "record",
        default=True,
        python_type="bool",
        doc="Wait until the copy is AVAILABLE (default true).",
        output_type="bool",
        output_doc="Whether create waits for the copy to become AVAILABLE.",
        readme_type="bool",
        readme_default="true",
    ),
    InputField(
        "wait_timeout_minutes",
        "record",
        default=DEFAULT_WAIT_TIMEOUT_MINUTES,
        python_type="float",
        doc="How long create and delete may wait (default 360).",
        output_type="float | None",
        output_doc="How long create and delete wait.",
        readme_type="number, 0 < n ≤ 43200: how long a create waits for `AVAILABLE`, and a destroy for a busy copy "
        "to become deletable",
        readme_default="360",
    ),
    InputField(
        "resource_identity",
        "record",
        hidden=True,
        doc="set by BackupCopy: the stack's key, organization, project, stack, the parent's URN (which carries the "
        'whole parent chain), type and name, from which the copy\'s ownership tags are made (see "How it behaves")',
    ),
    # -- set by BackupCopy from its resource options (pulumi-aws habits; see awsconfig.py) --
    InputField(
        "aws_provider",
        "record",
        hidden=True,
        doc="set by BackupCopy: the settings of the explicit pulumi-aws `Provider` given as `opts.provider` / "
        '`opts.providers["aws"]` (never a credential, see "Credentials and Regions"); absent without one',
    ),
    InputField(
        "custom_timeouts",
        "record",
        hidden=True,
        doc="set by BackupCopy: the resource options' `custom_timeouts` create and delete in minutes (only those "
        "given); each bounds its wait together with `wait_timeout_minutes`, the shorter winning",
    ),
    InputField(
        "default_tags",
        "update",
        hidden=True,
        doc="set by the provider's check from pulumi-aws's `defaultTags` in force: each key with a digest of its "
        "value, never the value (it may be a secret); a change updates the copy's tags in place",
    ),
)
"""Every input, the user's in the order of the constructor, then the hidden ones."""

OUTPUTS: tuple[OutputField, ...] = (
    OutputField(
        "backup_id", doc="ID of the copy (also the resource's ID).", readme="ID of the copy (also the resource's ID)"
    ),
    OutputField("arn", doc="ARN of the copy.", readme="ARN of the copy"),
    OutputField(
        "lifecycle",
        doc="AVAILABLE once the copy is done (COPYING while in progress when not waiting).",
        readme="`AVAILABLE` (or `COPYING` with `wait_for_available=False`)",
    ),
    OutputField("progress_percent", python_type="int", doc="How far the copy is, 0-100.", readme="0\u2013100"),
    OutputField(
        "tags_all",
        python_type="dict[str, str]",
        doc="Every tag on the copy, copied ones included (always a secret output).",
        readme="every tag on the copy, copied source tags included (always a secret output)",
    ),
    OutputField(
        "file_system_id",
        python_type="str | None",
        doc="The source file system's ID.",
        readme="the source's file system",
    ),
    OutputField(
        "file_system_type", python_type="str | None", doc="LUSTRE, WINDOWS, ONTAP or OPENZFS.", readme="its type"
    ),
    OutputField(
        "resource_type", python_type="str | None", doc="FILE_SYSTEM or VOLUME.", readme="FILE_SYSTEM or VOLUME"
    ),
    OutputField(
        "volume_id",
        python_type="str | None",
        doc="The source volume's ID, for volume backups; None for file system backups.",
        readme="the source volume, for volume backups; None otherwise (absent from the state, not null: the "
        "Python SDK drops a provider's None outputs)",
    ),
    OutputField(
        "type",
        doc="The copy's backup type, as ``aws.fsx.Backup``'s ``type``: USER_INITIATED for every copy.",
        readme="its backup type, as `aws.fsx.Backup`'s: `USER_INITIATED` for every copy",
    ),
    OutputField("owner_id", doc="AWS account that owns the copy.", readme="AWS account that owns the copy"),
    OutputField(
        "creation_time", doc="When the copy was created (ISO 8601, UTC).", readme="when it was made (ISO 8601 UTC)"
    ),
    OutputField(
        "size_in_bytes",
        python_type="int | None",
        doc="Size of the copy, where AWS reports it.",
        readme="its size, where FSx reports it",
    ),
    OutputField(
        "kms_key_state",
        python_type="str | None",
        doc="KMS ``KeyState`` of the copy's key (``Enabled``, ``Disabled``...); ``Unknown`` if KMS could not tell.",
        readme="KMS `KeyState` of that key (`Enabled`, `Disabled`, `PendingDeletion`\u2026), read at create, update "
        'and refresh; `Unknown` when KMS could not be asked (see "KMS key state" below); `pulumi up` fails with '
        "`KmsKeyError` while it is a state other than `Enabled` or `Unknown`, since the copy cannot be restored",
    ),
    OutputField(
        "kms_key_id_requested",
        hidden=True,
        readme="`kms_key_id` exactly as you gave it (e.g. an alias), so that a later diff tells another key from "
        "another name of the same key",
    ),
    OutputField(
        "claim",
        hidden=True,
        readme='the claim this record holds on the copy (see "What is guaranteed about a copy\'s ownership"): '
        "delete deletes only a copy carrying it",
    ),
)
"""Every output beyond the inputs (``kms_key_id`` is an input whose output is the key's ARN)."""

INPUT_ORDER = tuple(field.name for field in INPUTS if not field.hidden)
"""The user's inputs, in the order of the BackupCopy constructor."""
INPUT_NAMES = frozenset(INPUT_ORDER)
HIDDEN_INPUTS = tuple(field.name for field in INPUTS if field.hidden)
REPLACING_INPUTS = tuple(field.name for field in INPUTS if field.on_change == "replace")
"""Inputs whose change replaces the copy; they also go into the copy's ownership digest (ownership.py)."""
UPDATING_INPUTS = tuple(field.name for field in INPUTS if field.on_change == "update" and not field.hidden)
RECORDED_INPUTS = tuple(field.name for field in INPUTS if field.on_change == "record" and not field.hidden)
"""Inputs that change how the provider works, not the copy: a change is recorded, nothing replaced."""
INPUT_DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {field.name: field.default for field in INPUTS if field.default is not None}
)
"""The inputs that have a default value, and that value."""
OUTPUT_NAMES = tuple(field.name for field in OUTPUTS if not field.hidden)
"""The outputs the resource class registers (and exposes as attributes)."""
HIDDEN_OUTPUTS = tuple(field.name for field in OUTPUTS if field.hidden)
HIDDEN_KEYS: Mapping[str, str] = MappingProxyType(
    {field.name: field.key for field in INPUTS if field.hidden}
    | {field.name: field.key for field in OUTPUTS if field.hidden}
)
"""Each hidden input's and output's key in the engine's property bags. The provider translates at its boundary only
(``provider.py``); a state written before these keys were ``__``-prefixed holds the plain names, read as well."""
