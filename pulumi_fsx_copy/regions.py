"""AWS Region -> partition, from botocore's own endpoint and partition data (no network)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

_SUGGEST_MAX_LEN = 64


@lru_cache(maxsize=1)
def _region_partitions() -> Mapping[str, str]:
    """Every Region botocore lists (in endpoints.json or partitions.json), mapped to its partition.

    Pseudo-regions such as ``aws-global`` are left out: a name counts only when it also matches
    its partition's ``regionRegex``.
    """
    from botocore.loaders import create_loader  # deferred: keeps `import regions` cheap

    loader = create_loader()
    found: dict[str, str] = {}
    endpoints: dict[str, Any] = loader.load_data("endpoints")
    for part in endpoints.get("partitions", []):
        _add(found, part["partition"], part.get("regionRegex"), part.get("regions", {}))
    partitions: dict[str, Any] = loader.load_data("partitions")
    for part in partitions.get("partitions", []):
        _add(found, part["id"], part.get("regionRegex"), part.get("regions", {}))
    return MappingProxyType(found)


def _add(found: dict[str, str], partition: str, region_regex: str | None, regions: Mapping[str, Any]) -> None:
    pattern = re.compile(region_regex) if region_regex else None
    for name in regions:
        if pattern is None or pattern.match(name):
            found.setdefault(name, partition)


def partition_of(region: str) -> str | None:
    """The partition ("aws", "aws-cn", "aws-us-gov", ...) of a Region botocore lists, else None."""
    return _region_partitions().get(region)


def is_known_region(region: str) -> bool:
    """Whether botocore lists ``region`` as a real Region."""
    return region in _region_partitions()


def suggest_region(text: str) -> str | None:
    """The known Region closest to a mistyped ``text`` (for error messages), or None."""
    if not text or len(text) > _SUGGEST_MAX_LEN:
        return None
    matches = difflib.get_close_matches(text.strip().lower(), sorted(_region_partitions()), n=1, cutoff=0.6)
    return matches[0] if matches else None
