"""FSx tag rules (validation) and the change set between two managed tag maps.

A tag value may be a secret, and a dynamic provider receives secrets in plain text, unmarked: no message
here ever shows a tag value (nor a whole tag map); it names the key and what is wrong.
"""

from __future__ import annotations

import hashlib
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime.rpc import UNKNOWN

from .awsconfig import AwsSettings
from .facts import (
    AWS_TAG_PREFIX,
    MAX_TAG_KEY_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    MAX_TAGS,
    TAG_CHARACTERS_IN_WORDS,
    tag_character_allowed,
)

_ALLOWED = TAG_CHARACTERS_IN_WORDS
_MAX_REPR = 80


def _make_repr() -> reprlib.Repr:
    bounded = reprlib.Repr()
    bounded.maxstring = bounded.maxother = _MAX_REPR
    bounded.maxlevel = 3
    return bounded


_REPR = _make_repr()


def short_repr(value: object) -> str:
    """A repr of ``value`` for messages: at most ~80 characters, depth-limited, never raising."""
    text = _REPR.repr(value)  # reprlib survives a broken __repr__
    return text if len(text) <= _MAX_REPR else text[: _MAX_REPR - 3] + "..."


@dataclass(frozen=True)
class TagChanges:
    """Tags to add or change (``to_set``) and managed keys to remove (``to_remove``, sorted)."""

    to_set: dict[str, str] = field(default_factory=dict)
    to_remove: list[str] = field(default_factory=list)


def _allowed(text: str) -> bool:
    """Whether ``text`` matches FSx's ``^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$``."""
    return all(tag_character_allowed(ch) for ch in text)


def _key_problem(key: object) -> str | None:
    if not isinstance(key, str):
        return f"tag key {short_repr(key)} is not a string; use a string key"
    if not 1 <= len(key) <= MAX_TAG_KEY_LENGTH:
        return f"tag key {short_repr(key)} has {len(key)} characters; use 1 to {MAX_TAG_KEY_LENGTH}"
    if key[: len(AWS_TAG_PREFIX)].lower() == AWS_TAG_PREFIX:
        return f"tag key {short_repr(key)} starts with 'aws:', which is reserved for AWS; rename the key"
    if not _allowed(key):
        return f"tag key {short_repr(key)} has characters outside {_ALLOWED}; remove them"
    return None


def _value_problem(key: object, value: object) -> str | None:
    if not isinstance(value, str):
        return (
            f"tag {short_repr(key)} has {value_kind(value)} as its value, not a string; "
            'give it as a string (e.g. "30", not 30)'
        )
    if value == UNKNOWN:
        return None
    if len(value) > MAX_TAG_VALUE_LENGTH:
        return f"tag {short_repr(key)} has a value of {len(value)} characters; use at most {MAX_TAG_VALUE_LENGTH}"
    if not _allowed(value):
        return f"tag {short_repr(key)} has a value with characters outside {_ALLOWED}; remove them"
    return None


def value_kind(value: object) -> str:
    """What ``value`` is, as the user wrote it in any Pulumi language: every number reaches the provider as
    a float (the engine's property values have one number type), so ``30`` is "a number", not a float."""
    if value is None:
        return "null (None)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"


def tag_problems(tags: object) -> list[str]:
    """Every way ``tags`` breaks FSx's tag rules, each message naming the key (never the value) and the fix.

    Values (or the whole map) unknown during preview are skipped.
    """
    if isinstance(tags, str) and tags == UNKNOWN:
        return []
    if not isinstance(tags, Mapping):
        return [f"tags must be a mapping of string keys to string values, not {value_kind(tags)}"]
    problems: list[str] = []
    if len(tags) > MAX_TAGS:
        problems.append(f"{len(tags)} tags given; FSx allows at most {MAX_TAGS}, remove {len(tags) - MAX_TAGS}")
    for key, value in tags.items():
        problems.extend(p for p in (_key_problem(key), _value_problem(key, value)) if p)
    return problems


def tag_changes(old: Mapping[str, str], new: Mapping[str, str]) -> TagChanges:
    """The change set that turns the managed tags ``old`` into ``new``."""
    return TagChanges(
        to_set={key: value for key, value in new.items() if old.get(key) != value},
        to_remove=sorted(key for key in old if key not in new),
    )


def default_tag_digests(settings: AwsSettings) -> dict[str, str]:
    """The ``default_tags`` input: each default tag's key and a digest of its value (never the value)."""
    return {k: hashlib.sha256(v.encode()).hexdigest()[:16] for k, v in settings.default_tags}


def managed_tag_changes(olds: Mapping[str, Any], news: Mapping[str, Any], settings: AwsSettings) -> TagChanges:
    """The change set from a copy's last record (``olds``) to its inputs now: the declared tags' changes, with the
    default tags' own: each one added or changed since the copy's last record is set (its value from the settings
    now in force), each one removed from defaultTags is removed; a declared tag wins, and a declared tag removed
    falls back to a default tag of its key."""
    changes = tag_changes(olds.get("tags") or {}, news.get("tags") or {})
    old, new = olds.get("default_tags") or {}, news.get("default_tags") or {}
    if not old and not new:
        return changes
    defaults = {k: v for k, v in settings.tags.items() if k in new}
    declared = news.get("tags") or {}
    to_set = {k: defaults[k] for k in new if k in defaults and old.get(k) != new[k] and k not in declared}
    to_set.update({k: defaults[k] for k in changes.to_remove if k in defaults})
    to_remove = [k for k in changes.to_remove if k not in defaults]
    to_remove += [k for k in old if k not in new and k not in declared]
    return TagChanges(to_set={**to_set, **changes.to_set}, to_remove=sorted(set(to_remove)))
