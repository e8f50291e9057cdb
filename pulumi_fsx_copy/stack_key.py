"""The stack's key: a random value made once per stack and kept in its state, part of every copy's identity.

Names cannot tell two stacks apart (two self-managed backends share the organization ``organization``); a value
only the stack's state holds can. :class:`StackKey` is one small resource per stack (made by the first BackupCopy
or RestoreDrill of a run, never changed, no AWS call); each run finds its own through the run's resource monitor.
:func:`declared_identity`: the identity a BackupCopy or RestoreDrill declares.
"""

from __future__ import annotations

import secrets
import weakref
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider
from pulumi.runtime import settings

from .engine.sdk_internals import without_dependencies
from .rules.identity import resource_identity

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


def declared_identity(type_: str, resource_name: str, opts: pulumi.ResourceOptions | None) -> pulumi.Output[str]:
    """Who the resource of ``type_`` named ``resource_name`` belongs to (``identity.resource_identity``): the stack's
    key (no other stack, same-named ones on other backends included, has it), the organization, project, stack,
    the parent's URN (which holds the whole parent type chain; the engine keeps URNs unique), the type and name,
    as a JSON list, so no two resources spell the same. Unknown in a new stack's preview (the key is made by the
    first ``up``)."""
    organization = pulumi.get_organization() or "organization"
    project, stack = pulumi.get_project(), pulumi.get_stack()
    parent = opts.parent if opts is not None else None
    # The URN's value without its dependency on the parent: depending on a component means depending on its
    # children, this resource among them (a cycle). The child is registered after its parent's URN anyway.
    parent_urn = without_dependencies(parent.urn) if parent is not None else pulumi.Output.from_input("")
    return pulumi.Output.all(stack_key(), parent_urn).apply(
        lambda known: resource_identity(organization, project, stack, known[1] or None, type_, resource_name, known[0])
    )
