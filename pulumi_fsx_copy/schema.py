"""The BackupCopy resource's schema: its inputs, its outputs, and what the provider keeps in the state.

The one source of truth for names, defaults and what a change does; validation, diffing, the provider and
the resource class all read it from here.
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


@dataclass(frozen=True)
class OutputField:
    """One output of a BackupCopy beyond its inputs."""

    name: str
    hidden: bool = False
    """Kept in the state for the provider's own decisions; not an attribute of the resource class."""


DEFAULT_WAIT_TIMEOUT_MINUTES = 360.0
MAX_WAIT_TIMEOUT_MINUTES = 43200
"""30 days: longer than any copy AWS runs, short enough to stay a real deadline."""

INPUTS: tuple[InputField, ...] = (
    InputField("source_backup_id", "replace"),
    InputField("source_region", "replace"),  # default: region
    InputField("region", "replace"),  # default: aws:region, then the environment
    InputField("kms_key_id", "replace"),  # replaces only when it names another key; default: FSx-managed key
    InputField("copy_tags", "replace", default=False),
    InputField("tags", "update", default={}),
    InputField("client_request_token", "record"),  # default: fresh per create (ownership.py)
    InputField("wait_for_available", "record", default=True),
    InputField("wait_timeout_minutes", "record", default=DEFAULT_WAIT_TIMEOUT_MINUTES),
    InputField("resource_identity", "record", hidden=True),
)
"""Every input, the user's in the order of the constructor, then the hidden ones."""

OUTPUTS: tuple[OutputField, ...] = (
    OutputField("backup_id"),
    OutputField("arn"),
    OutputField("lifecycle"),
    OutputField("progress_percent"),
    OutputField("tags_all"),
    OutputField("file_system_id"),
    OutputField("file_system_type"),
    OutputField("resource_type"),
    OutputField("volume_id"),
    OutputField("owner_id"),
    OutputField("creation_time"),
    OutputField("size_in_bytes"),
    OutputField("kms_key_state"),
    OutputField("kms_key_id_requested", hidden=True),
    OutputField("claim", hidden=True),  # the copy's claim (ownership.py): delete deletes only a copy carrying it
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
