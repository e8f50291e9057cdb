"""How long an operation of a BackupCopy may wait: ``wait_timeout_minutes``, or the resource's ``custom_timeouts``
for it (pulumi-aws users' habit, given in the resource's options) when shorter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .schema import DEFAULT_WAIT_TIMEOUT_MINUTES


def wait_minutes(props: Mapping[str, Any], operation: str) -> float:
    """How long ``operation`` (create, delete) may wait: ``wait_timeout_minutes`` and the resource's
    ``custom_timeouts`` for it (an input set from ``opts.custom_timeouts``), the shorter winning."""
    bounds = [float(props.get("wait_timeout_minutes") or DEFAULT_WAIT_TIMEOUT_MINUTES)]
    custom = props.get("custom_timeouts")
    if isinstance(custom, Mapping) and isinstance(custom.get(operation), (int, float)):
        bounds.append(float(custom[operation]))
    return min(bounds)


def custom_timeout_note(props: Mapping[str, Any], operation: str) -> str | None:
    """What a timeout error of ``operation`` adds when ``custom_timeouts`` set the bound (its message names
    wait_timeout_minutes); None when it did not."""
    custom = props.get("custom_timeouts")
    bound = custom.get(operation) if isinstance(custom, Mapping) else None
    if not isinstance(bound, (int, float)) or float(bound) != wait_minutes(props, operation):
        return None
    return (
        f"The bound was custom_timeouts {operation}={float(bound) * 60:g}s (shorter than wait_timeout_minutes, "
        "so it wins); raise it in the resource's options."
    )
