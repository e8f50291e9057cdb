"""Preview's unknown values, as the offline modules (check, diff, the drill's schedule) see them."""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN


def is_unknown(value: object) -> bool:
    """Whether ``value`` is a value preview does not know yet (``rpc.UNKNOWN``)."""
    return isinstance(value, str) and value == UNKNOWN


def with_unknown_sentinel(value: Any) -> Any:
    """``value`` with preview's unknowns, which arrive as ``pulumi.output.Unknown``, as ``rpc.UNKNOWN``."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: with_unknown_sentinel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_unknown_sentinel(v) for v in value]
    return value
