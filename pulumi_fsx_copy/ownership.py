"""Which copy belongs to which resource: ownership tags, fresh ClientRequestTokens, and adoption.

The engine cannot tell the provider why a Create runs. A forced replacement (``pulumi up --replace``, a
tainted resource, ``replacement_trigger``) calls Check without old inputs and Create with the same inputs
as a brand-new resource, and deletes the old copy afterwards; a re-run after a crashed, cancelled or timed
out Create looks exactly the same. So the copy itself carries who owns it, in tags FSx applies atomically
with CopyBackup's own ``Tags`` parameter:

* :data:`IDENTITY_TAG`: a digest of the resource's identity (organization, project, stack, parent chain,
  name) and the replacing inputs as declared;
* :data:`RESOURCE_TAG`: the identity in words, for a person looking at the backup;
* :data:`RECORDED_TAG`: ``false`` while Create works on the copy; set to ``true`` by TagResource as the
  last step of a successful Create, right before the ID goes to the engine's state.

Create first lists the destination Region's backups. A live copy with our identity and ``recorded=false``
was started by a Create that never returned (crash, cancel, timeout, transient failure): it is adopted and
resumed, so there is one copy. A copy with ``recorded=true`` is held by some state (for instance the old
resource of a forced replacement, which the engine deletes after this Create): it is never adopted, a new
copy is made. A copy with our identity that AWS reports FAILED is deleted.

Every new copy gets a ClientRequestToken fresh for this Create call (digest + random nonce), reused for
that call's retries: a lost answer retried within the call is idempotent, a later lifetime (destroy, then
up) never gets a deleted copy back, however many lifetimes there were.

Undecidable case, decided to lose no data: a Create that tagged its copy ``recorded=true`` and then died
before the engine saved the ID. The next Create cannot tell that copy from one a state holds, so it makes a
new copy; the extra one stays visible and tagged (a person can delete it), where adopting a copy a state
holds would let two resources share one copy, and deleting one would delete the other's.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

RESERVED_PREFIX = "pulumi-fsx-copy:"
"""Tag keys the provider owns; refused in the ``tags`` input."""
IDENTITY_TAG = RESERVED_PREFIX + "identity"
RESOURCE_TAG = RESERVED_PREFIX + "resource"
RECORDED_TAG = RESERVED_PREFIX + "recorded"
OWNERSHIP_TAG_KEYS = (IDENTITY_TAG, RESOURCE_TAG, RECORDED_TAG)
"""The tags every copy the provider makes carries: they count against FSx's 50 tags."""

_DIGEST_CHARS = 40
_NONCE_BYTES = 8  # "pfc-" + 40 + "-" + 16 = 61 characters, inside ClientRequestToken's 63
_MAX_TAG_VALUE = 256
_TAG_EXTRA_CHARACTERS = frozenset("_.:/=+-@")
_GONE = frozenset({"DELETED", "FAILED"})


def identity_digest(identity: str, replacing_inputs: Mapping[str, Any]) -> str:
    """The value of :data:`IDENTITY_TAG`: a digest of the resource's identity and its replacing inputs."""
    material = json.dumps({"identity": identity, "inputs": dict(replacing_inputs)}, sort_keys=True, default=str)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:_DIGEST_CHARS]


def fresh_token(digest: str) -> str:
    """A ClientRequestToken for one Create call: new each call, so no lifetime ever meets another's copy."""
    return f"pfc-{digest}-{secrets.token_hex(_NONCE_BYTES)}"


def resource_label(identity: str) -> str:
    """The value of :data:`RESOURCE_TAG`: ``identity`` within FSx's tag value rules (characters outside
    ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]`` become ``/``; the end is kept when it is longer than 256)."""
    allowed = (ch if ch in _TAG_EXTRA_CHARACTERS or unicodedata.category(ch)[0] in "LZN" else "/" for ch in identity)
    return "".join(allowed)[-_MAX_TAG_VALUE:]


def ownership_tags(digest: str, identity: str, *, recorded: bool) -> dict[str, str]:
    """The ownership tags of a copy made for the resource whose digest is ``digest``."""
    return {IDENTITY_TAG: digest, RESOURCE_TAG: resource_label(identity), RECORDED_TAG: _flag(recorded)}


def is_recorded(backup: Mapping[str, Any]) -> bool:
    """Whether a backup's :data:`RECORDED_TAG` says a successful Create handed it to a state."""
    return _tags(backup).get(RECORDED_TAG) == _flag(True)


def without_ownership(tags: Mapping[str, str]) -> dict[str, str]:
    """``tags`` without the provider's own keys."""
    return {k: v for k, v in tags.items() if not k.startswith(RESERVED_PREFIX)}


@dataclass(frozen=True)
class Found:
    """What the destination Region holds for one identity digest."""

    adoptable: dict[str, Any] | None
    """The unrecorded live copy to resume (AVAILABLE first, else the newest), if any."""
    failed: list[dict[str, Any]]
    """Copies with this identity that AWS reports FAILED: to delete."""


def find_own(backups: Iterable[Mapping[str, Any]], digest: str) -> Found:
    """Sort the Region's backups (DescribeBackups, every page) into what a Create may adopt or must delete."""
    mine = [dict(b) for b in backups if _tags(b).get(IDENTITY_TAG) == digest]
    failed = [b for b in mine if b.get("Lifecycle") == "FAILED"]
    live = [b for b in mine if b.get("Lifecycle") not in _GONE and not is_recorded(b)]
    live.sort(key=lambda b: (b.get("Lifecycle") == "AVAILABLE", _created(b)), reverse=True)
    return Found(adoptable=live[0] if live else None, failed=failed)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _tags(backup: Mapping[str, Any]) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value", "")) for t in backup.get("Tags") or []}


def _created(backup: Mapping[str, Any]) -> datetime:
    created = backup.get("CreationTime")
    if isinstance(created, datetime):
        return created if created.tzinfo else created.replace(tzinfo=timezone.utc)
    return datetime.min.replace(tzinfo=timezone.utc)
