"""Deterministic ClientRequestTokens, so that a re-run after a crash finds the copy it already started.

The token is derived from the resource's identity (project/stack/name) and the inputs that would
replace the copy. A generation number is appended: when the copy a token names was deleted (destroy,
then up again with the same inputs), the provider moves to the next generation and gets a new copy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

# 40 hex chars + "-g" + up to 20 digits stays well inside FSx's 63-character limit.
_DIGEST_CHARS = 40
MAX_GENERATIONS = 50


def token_base(identity: str, replacement_inputs: Mapping[str, Any]) -> str:
    """The generation-free part of the token: a digest of identity and replacement-triggering inputs."""
    material = json.dumps({"identity": identity, "inputs": dict(replacement_inputs)}, sort_keys=True, default=str)
    return "pfc-" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:_DIGEST_CHARS]


def token_for(base: str, generation: int) -> str:
    """The ClientRequestToken of one generation."""
    return f"{base}-g{generation}"
