"""KMS key references (key ID, key ARN, alias name, alias ARN): parsing and offline comparison."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

KeyKind = Literal["key_id", "key_arn", "alias_name", "alias_arn"]

_KEY_ID = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
_ALIAS_NAME = r"alias/[a-zA-Z0-9:/_-]{1,250}"
_ARN_PREFIX = r"arn:(?P<partition>aws(?:-[a-z]+)*):kms:(?P<region>[a-z0-9-]+):(?P<account>[0-9]{12}):"

_KEY_ID_RE = re.compile(_KEY_ID)
_ALIAS_NAME_RE = re.compile(_ALIAS_NAME)
_KEY_ARN_RE = re.compile(_ARN_PREFIX + rf"key/(?P<name>{_KEY_ID})")
_ALIAS_ARN_RE = re.compile(_ARN_PREFIX + rf"(?P<name>{_ALIAS_NAME})")


@dataclass(frozen=True)
class KeyReference:
    """A parsed KMS key reference; ``region``/``account``/``partition`` are set only for ARNs."""

    kind: KeyKind
    key_id: str | None = None
    alias_name: str | None = None  # with its "alias/" prefix, as KMS spells AliasName
    region: str | None = None
    account: str | None = None
    partition: str | None = None

    @property
    def is_alias(self) -> bool:
        return self.alias_name is not None

    @property
    def place(self) -> tuple[str | None, str | None, str | None]:
        """(partition, region, account): where an ARN points; all None for IDs and alias names."""
        return (self.partition, self.region, self.account)


def parse_key_reference(text: str) -> KeyReference | None:
    """Parse a key ID, key ARN, alias name or alias ARN; None when ``text`` is none of these."""
    if _KEY_ID_RE.fullmatch(text):
        return KeyReference(kind="key_id", key_id=text)
    if _ALIAS_NAME_RE.fullmatch(text):
        return KeyReference(kind="alias_name", alias_name=text)
    match = _KEY_ARN_RE.fullmatch(text)
    if match:
        return KeyReference(kind="key_arn", key_id=match["name"], **_location(match))
    match = _ALIAS_ARN_RE.fullmatch(text)
    if match:
        return KeyReference(kind="alias_arn", alias_name=match["name"], **_location(match))
    return None


def _location(match: re.Match[str]) -> dict[str, str]:
    return {"region": match["region"], "account": match["account"], "partition": match["partition"]}


def same_key_offline(a: str, b: str) -> bool | None:
    """Whether ``a`` and ``b`` name the same key, when that is decidable without calling KMS.

    True: identical strings, a key ID and a key ARN with that ID, an alias name and an alias ARN
    with that name. False: two different keys named by key ID or key ARN. None: only KMS can tell
    (an alias against a key, two different aliases, anything unparseable). A key ID or alias name
    is taken to resolve in the ARN's Region and account, as it does when both name the destination
    Region's key.
    """
    if a == b:
        return True
    ref_a, ref_b = parse_key_reference(a), parse_key_reference(b)
    if ref_a is None or ref_b is None or ref_a.is_alias != ref_b.is_alias:
        return None
    located = ref_a.region is not None and ref_b.region is not None
    if located and ref_a.place != ref_b.place:
        # Two ARNs in different places: different keys, and aliases there can't be compared.
        return None if ref_a.is_alias else False
    if ref_a.is_alias:
        return True if ref_a.alias_name == ref_b.alias_name else None
    return ref_a.key_id == ref_b.key_id
