"""Requests checked against botocore's FSx service model, as AWS checks them before acting.

botocore checks only a few bounds client-side (``min``, required members, types); AWS refuses the
rest -- a list or string over its ``max``, a string off its ``pattern`` -- with a
``ValidationException`` before the operation runs.  :func:`validate` does the same for any FSx
operation, from the model's own shapes.  Messages name the member and the constraint, never the value
(a tag value could be a secret).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any, Final

from botocore.model import ListShape, ServiceModel, Shape, StructureShape
from botocore.session import get_session

from .backups import FsxError

_UNICODE_CLASSES: Final = "\\p{L}\\p{Z}\\p{N}"
"""The Java character classes of the tag patterns, which Python's ``re`` does not know."""


@lru_cache(maxsize=1)
def service_data() -> dict[str, Any]:
    """botocore's FSx service model (service-2.json) as loaded."""
    data: dict[str, Any] = get_session().get_service_data("fsx")
    return data


@lru_cache(maxsize=1)
def service_model() -> ServiceModel:
    """The FSx service model."""
    return ServiceModel(service_data(), "fsx")


@cache
def _pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _matches(pattern: str, value: str) -> bool:
    if _UNICODE_CLASSES in pattern:
        # [\p{L}\p{Z}\p{N} and literal characters]*: check the classes by Unicode category.
        literals = pattern.split(_UNICODE_CLASSES, 1)[1].split("]", 1)[0].replace("\\", "")
        return all(unicodedata.category(char)[0] in "LZN" or char in literals for char in value)
    compiled = _pattern(pattern)
    return compiled is None or compiled.search(value) is not None


def _violation(shape: Shape, value: Any) -> str | None:
    """What ``value`` breaks of ``shape``'s own constraints, if anything."""
    metadata = shape.metadata
    if isinstance(value, (str, list)):
        if "max" in metadata and len(value) > metadata["max"]:
            return f"Member must have length less than or equal to {metadata['max']}"
        if "min" in metadata and len(value) < metadata["min"]:
            return f"Member must have length greater than or equal to {metadata['min']}"
    if isinstance(value, str):
        if "pattern" in metadata and not _matches(metadata["pattern"], value):
            return f"Member must satisfy regular expression pattern: {metadata['pattern']}"
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            return f"Member must satisfy enum value set: [{', '.join(enum)}]"
    if isinstance(value, int) and not isinstance(value, bool):
        if "max" in metadata and value > metadata["max"]:
            return f"Member must have value less than or equal to {metadata['max']}"
        if "min" in metadata and value < metadata["min"]:
            return f"Member must have value greater than or equal to {metadata['min']}"
    return None


def _walk(shape: Shape, value: Any, path: str, found: list[str]) -> None:
    violation = _violation(shape, value)
    if violation is not None:
        found.append(f"Value at '{path}' failed to satisfy constraint: {violation}")
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                member_path = name[0].lower() + name[1:]
                _walk(member, value[name], f"{path}.{member_path}" if path else member_path, found)
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for index, item in enumerate(value):
            _walk(shape.member, item, f"{path}.{index + 1}.member", found)


def validate(operation: str, params: dict[str, Any]) -> None:
    """Refuse ``params`` of FSx ``operation`` with ``ValidationException`` if they break the model."""
    try:
        shape = service_model().operation_model(operation).input_shape
    except Exception:  # an action the model does not know: moto answers it as it does
        return
    if shape is None:
        return
    found: list[str] = []
    _walk(shape, params, "", found)
    if found:
        count = len(found)
        raise FsxError(
            "ValidationException",
            f"{count} validation error{'s' if count > 1 else ''} detected: {'; '.join(found)}",
        )
