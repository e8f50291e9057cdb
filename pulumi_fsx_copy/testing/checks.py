"""Requests checked against botocore's FSx (and KMS) service model, as AWS checks them before acting.

:func:`validate`: a member of the wrong JSON type or a body that is not a JSON object is a
``SerializationException``; a missing required member, or a value over its ``max`` or off its pattern or enum, a
``ValidationException``; both HTTP 400, before the operation. Messages name the member and the constraint, never
the value (a tag value could be a secret). Details: ``docs/dev/emulator.md``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any, Final

from botocore.model import ListShape, ServiceModel, Shape, StructureShape
from botocore.session import get_session

from .exceptions import FsxError

_UNICODE_CLASSES: Final = "\\p{L}\\p{Z}\\p{N}"
"""The Java character classes of the tag patterns, which Python's ``re`` does not know."""


@cache
def service_data(service: str = "fsx") -> dict[str, Any]:
    """botocore's service model (service-2.json) of ``service`` (FSx, or KMS) as loaded."""
    data: dict[str, Any] = get_session().get_service_data(service)
    return data


@cache
def service_model(service: str = "fsx") -> ServiceModel:
    """The service model of ``service`` (FSx, or KMS)."""
    return ServiceModel(service_data(service), service)


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


_JSON_TYPES: Final[dict[str, tuple[type[Any], ...]]] = {
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
    "string": (str,),
    "blob": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "timestamp": (int, float, str),
}
"""The JSON values AWS JSON 1.1 reads each shape type from (``null`` always means "not given")."""


def _member_path(path: str, name: str) -> str:
    member = name[0].lower() + name[1:]
    return f"{path}.{member}" if path else member


def _type_error(shape: Shape, value: Any, path: str) -> str | None:
    """Where ``value`` is not of the JSON type ``shape`` is read from, if anywhere (the first place)."""
    if value is None:
        return None
    expected = _JSON_TYPES.get(shape.type_name)
    wrong = expected is not None and (
        not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected)
    )
    if wrong:
        return f"Unexpected value type at '{path or 'request'}': expected a JSON {shape.type_name} value."
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        for name, member in shape.members.items():
            problem = _type_error(member, value.get(name), _member_path(path, name))
            if problem is not None:
                return problem
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for index, item in enumerate(value):
            problem = _type_error(shape.member, item, f"{path}.{index + 1}.member")
            if problem is not None:
                return problem
    return None


def _walk(shape: Shape, value: Any, path: str, found: list[str]) -> None:
    violation = _violation(shape, value)
    if violation is not None:
        found.append(f"Value at '{path}' failed to satisfy constraint: {violation}")
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        required = set(shape.required_members)
        for name, member in shape.members.items():
            member_path = _member_path(path, name)
            if value.get(name) is not None:
                _walk(member, value[name], member_path, found)
            elif name in required:
                found.append(f"Value null at '{member_path}' failed to satisfy constraint: Member must not be null")
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for index, item in enumerate(value):
            item_path = f"{path}.{index + 1}.member"
            if item is None:
                found.append(f"Value null at '{item_path}' failed to satisfy constraint: Member must not be null")
            else:
                _walk(shape.member, item, item_path, found)


def validate(operation: str, params: Any, service: str = "fsx") -> None:
    """Refuse the request body ``params`` (parsed JSON) of ``service``'s ``operation`` as AWS would:
    ``SerializationException`` if it is not of the model's JSON types, ``ValidationException`` if it
    breaks the model's constraints (required members, lengths, patterns, enums, ranges)."""
    if not isinstance(params, dict):
        raise FsxError("SerializationException", "The request body must be a JSON object.")
    try:
        shape = service_model(service).operation_model(operation).input_shape
    except Exception:  # an action the model does not know: moto answers it as it does
        return
    if shape is None:
        return
    problem = _type_error(shape, params, "")
    if problem is not None:
        raise FsxError("SerializationException", problem)
    found: list[str] = []
    _walk(shape, params, "", found)
    if found:
        count = len(found)
        raise FsxError(
            "ValidationException",
            f"{count} validation error{'s' if count > 1 else ''} detected: {'; '.join(found)}",
        )
