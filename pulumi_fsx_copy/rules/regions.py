"""AWS Region -> partition, from botocore's own endpoint and partition data (no network).

A Region in botocore's ``partitions.json`` is decided from that file alone (importing ``botocore.loaders`` would
cost the first Check of every preview about 60 ms); any other name (a typo, a Region only the loader knows:
``endpoints.json``, ``AWS_DATA_PATH``, ``~/.aws/models``) is looked up through the loader.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import botocore

_SUGGEST_MAX_LEN = 64


@lru_cache(maxsize=1)
def _shipped_partitions() -> Mapping[str, str]:
    """The Regions of botocore's own ``data/partitions.json``, mapped to their partition ({} if unreadable)."""
    try:
        data = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text(encoding="utf-8"))
        return _regions_of(data.get("partitions", []), id_key="id")
    except (OSError, ValueError, TypeError, KeyError, AttributeError, re.error):
        return MappingProxyType({})


@lru_cache(maxsize=1)
def _region_partitions() -> Mapping[str, str]:
    """Every Region botocore's loader lists (in endpoints.json or partitions.json), mapped to its partition.

    Pseudo-regions such as ``aws-global`` are left out: a name counts only when it also matches
    its partition's ``regionRegex``.
    """
    from botocore.loaders import create_loader  # deferred: see the module's docstring

    loader = create_loader()
    endpoints: dict[str, Any] = loader.load_data("endpoints")
    partitions: dict[str, Any] = loader.load_data("partitions")
    return MappingProxyType(
        {
            **_regions_of(partitions.get("partitions", []), id_key="id"),
            **_regions_of(endpoints.get("partitions", []), id_key="partition"),
        }
    )


def _regions_of(partitions: Iterable[Mapping[str, Any]], *, id_key: str) -> Mapping[str, str]:
    found: dict[str, str] = {}
    for part in partitions:
        region_regex = part.get("regionRegex")
        pattern = re.compile(region_regex) if region_regex else None
        for name in part.get("regions", {}):
            if pattern is None or pattern.match(name):
                found.setdefault(name, part[id_key])
    return MappingProxyType(found)


def partition_of(region: str) -> str | None:
    """The partition ("aws", "aws-cn", "aws-us-gov", ...) of a Region botocore lists, else None."""
    return _shipped_partitions().get(region) or _region_partitions().get(region)


def is_known_region(region: str) -> bool:
    """Whether botocore lists ``region`` as a real Region."""
    return partition_of(region) is not None


def suggest_region(text: str) -> str | None:
    """The known Region closest to a mistyped ``text`` (for error messages), or None."""
    if not text or len(text) > _SUGGEST_MAX_LEN:
        return None
    matches = difflib.get_close_matches(text.strip().lower(), sorted(_region_partitions()), n=1, cutoff=0.6)
    return matches[0] if matches else None
