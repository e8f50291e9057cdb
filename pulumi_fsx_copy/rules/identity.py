"""A copy's identity and the provider's tag keys: who a copy is for and what was asked, offline.

The tag keys the provider owns (:data:`PROVIDER_TAG_PREFIX`), the resource identity a program declares
(:func:`resource_identity`, ``v3`` with the stack's key) and its digests and label in tags (:class:`Identity`,
:func:`resource_label`). Pure: the ownership protocol over these tags is ``ownership.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .facts import MAX_TAG_VALUE_LENGTH, tag_character_allowed

PROVIDER_TAG_PREFIX = "pulumi-fsx-copy:"
"""Tag keys the provider owns; refused in the ``tags`` input."""
IDENTITY_TAG = PROVIDER_TAG_PREFIX + "identity"
"""``WHO-WHAT``: digests of the resource's identity (which holds the stack's key) and of its replacing inputs."""
RESOURCE_TAG = PROVIDER_TAG_PREFIX + "resource"
"""The identity in words (:func:`resource_label`)."""
OWNER_TAG = PROVIDER_TAG_PREFIX + "owner"
"""``lease:HOLDER:STAMP``, ``free`` or ``claim:CLAIM``, written whole (the protocol: ``ownership.py``)."""
LEGACY_RECORDED_TAG = PROVIDER_TAG_PREFIX + "recorded"
"""The owner tag of copies made before claims existed (``true`` / ``false``); read, never written."""
RETAINED_TYPE = "pulumi-fsx-copy:index:RetainedBackupCopies"
"""The component that recognises its children's copies by their :data:`RESOURCE_TAG` (``retention.py``)."""
OWNERSHIP_TAG_KEYS = (IDENTITY_TAG, RESOURCE_TAG, OWNER_TAG)
"""The tags every copy the provider makes carries: they count against FSx's 50 tags."""

_PER_STACK = "v3"
_WHO_CHARS = 32
_WHAT_CHARS = 16


@dataclass(frozen=True)
class Identity:
    """Who a copy is for (``who``: the resource) and what was asked (``what``: its replacing inputs)."""

    who: str
    what: str
    label: str
    per_stack: bool = False
    """Whether it holds the stack's key: only runs of this stack (one at a time, by the stack lock) use it."""

    @classmethod
    def of(cls, identity: str, replacing_inputs: Mapping[str, Any]) -> Identity:
        material = json.dumps(dict(replacing_inputs), sort_keys=True, default=str)
        return cls(
            who=_digest(identity)[:_WHO_CHARS],
            what=_digest(material)[:_WHAT_CHARS],
            label=resource_label(identity),
            per_stack=identity.startswith(f'["{_PER_STACK}",'),
        )

    @property
    def tag(self) -> str:
        """The value of :data:`IDENTITY_TAG`."""
        return f"{self.who}-{self.what}"

    def made_for(self, tags: Mapping[str, str]) -> bool:
        """Whether the copy with ``tags`` was made for this resource with these inputs."""
        return tags.get(IDENTITY_TAG) == self.tag

    def of_resource(self, tags: Mapping[str, str]) -> bool:
        """Whether the copy with ``tags`` was made for this resource, whatever its inputs were."""
        return tags.get(IDENTITY_TAG, "").split("-")[0] == self.who

    def replaced_by(self, tags: Mapping[str, str]) -> bool:
        """Whether the copy with ``tags`` may be a replacement of this resource's copy: made for it, or (a record
        written before stack keys) for the same names with the stack's key."""
        if self.of_resource(tags):
            return True
        label = tags.get(RESOURCE_TAG, "")
        return not self.per_stack and label.startswith(_KEYED_LABEL) and _names_of(label) == _names_of(self.label)


def resource_identity(
    organization: str,
    project: str,
    stack: str,
    parent_urn: str | None,
    type_: str,
    name: str,
    stack_key: str | None = None,
) -> str:
    """The ``resource_identity`` input: a JSON list, so no two resources can spell the same (names may hold
    ``/``). With the stack's key (``stack_key``, from its state), ``v3``: no other stack has it; it comes last,
    so every other item keeps its place and the key its place in a tag that keeps a long label's end. Without,
    ``v2``: the identity of records written before keys, kept until they are replaced."""
    names = [organization, project, stack, parent_urn or "", type_, name]
    if stack_key is None:
        return json.dumps(["v2", *names], separators=(",", ":"))
    return json.dumps([_PER_STACK, *names, stack_key], separators=(",", ":"))


def recognised_by_tag(identity: str) -> str | None:
    """The :data:`RESOURCE_TAG` value the program of the resource whose ``resource_identity`` is ``identity``
    recognises its copy by (a child of :data:`RETAINED_TYPE`), or None."""
    try:
        parent_urn = str(json.loads(identity)[4])
    except (ValueError, TypeError, IndexError, KeyError):
        return None
    parts = parent_urn.split("::")
    parent_type = parts[2].split("$")[-1] if len(parts) > 3 else ""
    return resource_label(identity) if parent_type == RETAINED_TYPE else None


def resource_label(identity: str) -> str:
    """The value of :data:`RESOURCE_TAG`: ``identity`` within FSx's tag value rules (characters outside
    ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]`` become ``/``; the end is kept when it is longer than 256)."""
    allowed = (ch if tag_character_allowed(ch) else "/" for ch in identity)
    return "".join(allowed)[-MAX_TAG_VALUE_LENGTH:]


_KEYED_LABEL = f"//{_PER_STACK}///"
_LABEL_VERSION = re.compile(rf"^//(?:v2|{_PER_STACK})///")
_LABEL_KEY = re.compile(r"///[0-9a-f]+//$")


def _names_of(label: str) -> str:
    """A resource label without its version and stack key: the names alone."""
    names = _LABEL_VERSION.sub("", label, count=1)
    return _LABEL_KEY.sub("//", names, count=1) if label.startswith(_KEYED_LABEL) else names


def without_ownership(tags: Mapping[str, str]) -> dict[str, str]:
    """``tags`` without the provider's own keys."""
    return {k: v for k, v in tags.items() if not k.startswith(PROVIDER_TAG_PREFIX)}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
