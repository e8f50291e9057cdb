"""The stack's key: a random value made once per stack and kept in its state, part of every copy's identity.

Names cannot tell two stacks apart (two self-managed backends share the organization ``organization``); a
value only the stack's state holds can. :class:`StackKey` is one small resource per stack, created by the first
:class:`~pulumi_fsx_copy.BackupCopy` of a run; its Create draws the value, nothing ever changes it, and it
calls no AWS. A copy of the state (``pulumi stack export`` / ``import``) carries it: the same owner, by design.
Each run (an Automation API program in a process shared with others included) finds its own through the
run's resource monitor, never through a module-level value.
"""

from __future__ import annotations

import secrets
import weakref
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider
from pulumi.runtime import settings

STACK_KEY_NAME = "pulumi-fsx-copy-stack-key"
"""The name of the stack's one :class:`StackKey` resource."""
_KEY_BYTES = 16


class StackKeyProvider(ResourceProvider):
    """Draws the key once; never replaces it (any input change is no change)."""

    def __reduce__(self) -> tuple[type[StackKeyProvider], tuple[()]]:
        return (StackKeyProvider, ())

    def create(self, props: dict[str, Any]) -> CreateResult:
        key = secrets.token_hex(_KEY_BYTES)
        return CreateResult(f"stack-key-{key}", {"key": key})

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=False, replaces=[], delete_before_replace=False)


class StackKey(pulumi.dynamic.Resource, module="fsx", name="StackKey"):
    """The stack's key (its ``key`` output)."""

    key: pulumi.Output[str]

    def __init__(self) -> None:
        super().__init__(StackKeyProvider(), STACK_KEY_NAME, {"key": None})


_KEYS: weakref.WeakKeyDictionary[Any, pulumi.Output[str | None]] = weakref.WeakKeyDictionary()
"""Each run's key, by the run's connection to the engine (its resource monitor, made per run): nothing shared."""


def stack_key() -> pulumi.Output[str | None]:
    """This run's stack key (unknown in a new stack's preview); declares :class:`StackKey` on first use. None
    outside a Pulumi run (no resource monitor: code that builds a resource with the SDK's registration
    replaced), where there is no stack to key."""
    run = settings.SETTINGS.monitor
    if run is None:
        return pulumi.Output.from_input(None)
    key = _KEYS.get(run)
    if key is None:
        key = StackKey().key
        _KEYS[run] = key
    return key
