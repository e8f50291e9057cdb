"""A RestoreDrill's offline facts: its durations, its restore settings checked against botocore's FSx model
(the secret members split out), the clock it runs on, and whether a drill is due; never calls AWS."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any
from urllib.parse import urlparse

from .facts import MAX_TAGS
from .tags import short_repr, tag_problems
from .unknowns import is_unknown

RESTORE_OPERATIONS: Mapping[str, str] = {
    "file_system_settings": "CreateFileSystemFromBackup",
    "volume_settings": "CreateVolumeFromBackup",
}
"""Each restore settings input, and the FSx operation whose request members it holds."""
SET_BY_THE_DRILL = ("BackupId", "ClientRequestToken")
"""Request members the drill sets itself (the copy, an idempotency token). ``Tags`` is the user's: the restore
carries them with pulumi-aws's default tags and the drill's own (:func:`restore_tags`)."""
MAX_KEEP_FOR = timedelta(days=7)
"""The longest validation window, as AWS Backup's restore testing allows (0-168 hours)."""
MAX_EVERY = timedelta(days=366)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$")
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
_ALIASES = {"hourly": "1h", "daily": "1d", "weekly": "1w"}
DURATION_RULE = "a number and a unit: m (minutes), h (hours), d (days) or w (weeks), like '12h' or '7d'"

HELD = "__held"
"""The hidden output recording the drill's restores not deleted yet (``__``-keyed: the engine shows it in no diff)."""
CUSTOM_TIMEOUTS = "__custom_timeouts"
"""The hidden input of the resource options' ``custom_timeouts`` (create, update, delete) in minutes, as
BackupCopy's: the engine sends them to the provider, the Python dynamic SDK does not pass them on."""

TEST_CLOCK_ENV = "PULUMI_FSX_COPY_TEST_CLOCK_OFFSET_SECONDS"
"""Seconds added to this machine's clock, for tests that move time between runs of a stack. Honoured only
while every FSx request goes to a loopback endpoint (the emulator): against AWS it is refused at check and
never read, so no setting can move a real drill's schedule or shorten its validation window."""
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def parse_duration(name: str, value: object, *, minimum: timedelta, maximum: timedelta) -> timedelta | str:
    """``value`` (``'7d'``, ``'12h'``, ``'weekly'``...) as a duration within bounds, else the problem (naming
    ``name``)."""
    text = _ALIASES.get(value, value) if isinstance(value, str) else value
    found = _DURATION.match(text) if isinstance(text, str) else None
    if found is None:
        return f"{name} {short_repr(value)} is not a duration: use {DURATION_RULE}, or hourly, daily, weekly"
    duration = timedelta(seconds=float(found[1]) * _UNITS[found[2]])
    if not minimum <= duration <= maximum:
        return f"{name} {short_repr(value)} is outside {_words(minimum)} to {_words(maximum)}"
    return duration


def _words(duration: timedelta) -> str:
    seconds = duration.total_seconds()
    if seconds == 0:
        return "0"
    unit = next(u for u in "wdhm" if seconds % _UNITS[u] == 0)
    return f"{seconds / _UNITS[unit]:g}{unit}"


# -- restore settings against the FSx model ------------------------------------------------------------------


@cache
def _request_shape(operation: str) -> Any:
    """The request shape of FSx ``operation`` (botocore's ``StructureShape``); botocore's loader is imported on
    first use, not with the package (it would delay every preview's first Check)."""
    import botocore.session

    return botocore.session.get_session().get_service_model("fsx").operation_model(operation).input_shape


def sensitive_paths(operation: str) -> tuple[tuple[str, ...], ...]:
    """The request members of ``operation`` FSx's model marks sensitive (a Windows directory's password)."""
    found: list[tuple[str, ...]] = []

    def walk(shape: Any, path: tuple[str, ...], seen: frozenset[str]) -> None:
        if shape.metadata.get("sensitive"):
            found.append(path)
        if shape.type_name == "structure" and shape.name not in seen:
            for name, member in shape.members.items():
                walk(member, (*path, name), seen | {shape.name})

    walk(_request_shape(operation), (), frozenset())
    return tuple(found)


def split_secrets(operation: str, settings: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``settings`` without its sensitive members, and those members alone (same nesting)."""
    public: dict[str, Any] = _copy(settings)
    secret: dict[str, Any] = {}
    for path in sensitive_paths(operation):
        holder: Any = public
        for key in path[:-1]:
            holder = holder.get(key) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and path[-1] in holder:
            target = secret
            for key in path[:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = holder.pop(path[-1])
    return public, secret


def merge_secrets(public: Mapping[str, Any], secret: Mapping[str, Any]) -> dict[str, Any]:
    """The settings whole again (see :func:`split_secrets`)."""
    merged = _copy(public)
    for key, value in secret.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = merge_secrets(merged[key], value)
        else:
            merged[key] = _copy(value) if isinstance(value, Mapping) else value
    return merged


def _copy(value: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _copy(v) if isinstance(v, Mapping) else v for k, v in value.items()}


def request_of(operation: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The request members of ``settings`` as the model types them (the engine sends every number as a float)."""
    return dict(_typed(_request_shape(operation), settings))


def _typed(shape: Any, value: Any) -> Any:
    if shape.type_name in ("integer", "long") and isinstance(value, float) and value.is_integer():
        return int(value)
    if shape.type_name == "structure" and isinstance(value, Mapping):
        return {k: _typed(shape.members[k], v) if k in shape.members else v for k, v in value.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [_typed(shape.member, v) for v in value]
    return value


def settings_problems(name: str, settings: object) -> list[str]:
    """What is wrong with restore settings input ``name`` by FSx's model of its operation: unknown, missing,
    mistyped, out of range or not one of an enum's values; each names the member as ``name.A.B``. A value is
    shown unless FSx marks it sensitive. Unknown values (preview) pass."""
    operation = RESTORE_OPERATIONS[name]
    if not isinstance(settings, Mapping):
        return [f"{name} must be a map of {operation}'s request members, like {{'SubnetIds': ['subnet-...']}}"]
    problems = [
        f"{name}.{key} is set by the drill (the copy, an idempotency token): remove it"
        for key in SET_BY_THE_DRILL
        if key in settings
    ]
    request = {k: v for k, v in request_of(operation, settings).items() if k not in SET_BY_THE_DRILL}
    request["BackupId"] = "backup-00000000"
    shape = _request_shape(operation)
    from botocore.validate import ParamValidator

    report = ParamValidator().validate(_without_unknowns(request), shape)
    for reason, where, details in report._errors:
        if reason == "missing required field" and _unknown_at(request, where, details["required_name"]):
            continue  # given, known after preview
        problems.append(_problem_text(name, operation, reason, where, details))
    problems += _enum_problems(name, shape, request, ())
    return problems


def _without_unknowns(value: Any) -> Any:
    """``value`` with every unknown (preview) dropped, so the model checks only what is known."""
    if isinstance(value, Mapping):
        return {k: _without_unknowns(v) for k, v in value.items() if not is_unknown(v)}
    if isinstance(value, list):
        return [_without_unknowns(v) for v in value if not is_unknown(v)]
    return value


def _unknown_at(request: Mapping[str, Any], where: str, member: str) -> bool:
    """Whether the member ``where.member`` of ``request`` is unknown (preview)."""
    value: Any = request
    for key in (*(p for p in where.split(".") if p), member):
        index = re.fullmatch(r"(\w+)\[(\d+)\]", key)
        if index:
            value = value.get(index[1]) if isinstance(value, Mapping) else None
            value = value[int(index[2])] if isinstance(value, list) and int(index[2]) < len(value) else None
        else:
            value = value.get(key) if isinstance(value, Mapping) else None
    return is_unknown(value)


def _problem_text(name: str, operation: str, reason: str, where: str, details: Mapping[str, Any]) -> str:
    member = f"{name}{where}" if where else name
    if reason == "unknown field":
        valid = ", ".join(n for n in details.get("valid_names", []) if n not in SET_BY_THE_DRILL)
        return f"{member}.{details['unknown_param']} is not a member of {operation}'s request; members: {valid}"
    if reason == "missing required field":
        return f"{member}.{details['required_name']} is required by {operation}"
    hidden = _sensitive(operation, where) or where.startswith(".Tags")  # a tag value may be a secret
    shown = "" if hidden else f" {short_repr(details.get('param'))}"
    if reason == "invalid type":
        kinds = ", ".join(t.split("'")[1] for t in details.get("valid_types", []) if "'" in t)
        return f"{member}{shown} has the wrong type: {operation} takes {kinds}"
    if reason in ("invalid range", "invalid length"):
        bound = f"at least {details['min_allowed']}" if "min_allowed" in details else "within FSx's bounds"
        what = "long" if reason == "invalid length" else ""
        return f"{member}{shown} is out of range: {operation} takes {what} {bound}".replace("  ", " ")
    return f"{member}{shown}: {reason} ({operation})"


def _sensitive(operation: str, where: str) -> bool:
    path = tuple(p for p in re.sub(r"\[\d+\]", "", where).split(".") if p)
    return any(path[: len(secret)] == secret for secret in sensitive_paths(operation))


def _enum_problems(name: str, shape: Any, value: Any, path: tuple[str, ...]) -> list[str]:
    if shape.type_name == "structure" and isinstance(value, Mapping):
        return [
            problem
            for key, member in shape.members.items()
            if key in value
            for problem in _enum_problems(name, member, value[key], (*path, key))
        ]
    if shape.type_name == "list" and isinstance(value, list):
        return [p for item in value for p in _enum_problems(name, shape.member, item, path)]
    allowed = getattr(shape, "enum", None)
    if allowed and isinstance(value, str) and not is_unknown(value) and value not in allowed:
        where = ".".join((name, *path))
        return [f"{where} {short_repr(value)} is not one of FSx's values: {', '.join(allowed)}"]
    return []


# -- how long a restore may take -------------------------------------------------------------------------------


def custom_minutes(record: Mapping[str, Any], operation: str) -> float | None:
    """The resource options' ``custom_timeouts`` of ``operation`` (create, update, delete) in minutes, if given
    (:data:`CUSTOM_TIMEOUTS` of the inputs or the recorded outputs)."""
    custom = record.get(CUSTOM_TIMEOUTS)
    value = custom.get(operation) if isinstance(custom, Mapping) else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def wait_limit(inputs: Mapping[str, Any], operation: str, default_minutes: float) -> tuple[float, str]:
    """How long a restore may take in ``operation`` (create, update: a drill runs in either), in minutes, and which
    bound says so: ``max_restore_minutes`` (``default_minutes`` when not given) and ``custom_timeouts`` of the
    operation, the shorter winning (as BackupCopy's ``wait_timeout_minutes`` and ``custom_timeouts``)."""
    minutes = float(inputs.get("max_restore_minutes") or default_minutes)
    custom = custom_minutes(inputs, operation)
    if custom is not None and custom < minutes:
        return custom, f"custom_timeouts {operation} ({custom * 60:g}s, shorter than max_restore_minutes {minutes:g})"
    return minutes, f"max_restore_minutes ({minutes:g})"


# -- the restore's tags ---------------------------------------------------------------------------------------


def declared_tags(settings: object) -> dict[str, str]:
    """The restore settings' ``Tags`` (``[{"Key": ..., "Value": ...}]``) as a map; what is not a known, well-formed
    tag is left out (:func:`settings_problems` refuses it; preview's unknowns pass)."""
    items = settings.get("Tags") if isinstance(settings, Mapping) else None
    return {
        t["Key"]: t["Value"]
        for t in (items if isinstance(items, list) else [])
        if isinstance(t, Mapping) and isinstance(t.get("Key"), str) and isinstance(t.get("Value"), str)
        if not is_unknown(t["Key"])
    }


def restore_tags(
    declared: Mapping[str, str], defaults: Mapping[str, str], own: Mapping[str, str]
) -> list[dict[str, str]]:
    """The restore's ``Tags``: pulumi-aws's default tags under the declared ones (a declared tag wins, as pulumi-aws
    tags a resource), then the drill's own, which nothing overrides (:func:`restore_tag_problems` refuses a clash)."""
    return [{"Key": k, "Value": v} for k, v in {**defaults, **declared, **own}.items()]


def restore_tag_problems(
    name: str, declared: Mapping[str, str], defaults: Mapping[str, str], own_keys: tuple[str, ...], source: str
) -> list[str]:
    """Why the restore's tags cannot be honoured: a declared (``name.Tags``) or default tag (``source``'s
    defaultTags) on one of the drill's own keys, naming the key; a tag FSx refuses; more tags together than FSx
    allows on a file system or volume, naming the settings. Never a tag value."""
    setting = f"defaultTags ({source})"
    problems = [
        f"{where} has the key {key!r}, which is the drill's own (it tells the drill's restores apart): {fix}"
        for where, tags, fix in (
            (f"{name}.Tags", declared, "remove it"),
            (setting, defaults, "remove it there, or give this RestoreDrill an aws Provider without it"),
        )
        for key in sorted(tags.keys() & set(own_keys))
    ]
    problems += [f"{name}.Tags: {p}" for k, v in declared.items() for p in tag_problems({k: v})]
    problems += [f"{setting}: {p}" for k, v in defaults.items() for p in tag_problems({k: v})]
    total = len(declared.keys() | defaults.keys() | set(own_keys))
    if total > MAX_TAGS:
        problems.append(
            f"{name}.Tags ({len(declared)}) and {setting} ({len(defaults)}) with the drill's {len(own_keys)} own tags "
            f"make {total} tags on the restore; FSx allows {MAX_TAGS}: declare fewer, or give this RestoreDrill an "
            "aws Provider with fewer defaultTags"
        )
    return problems


# -- the clock -----------------------------------------------------------------------------------------------


def loopback_endpoint() -> bool:
    """Whether FSx requests go to a loopback endpoint (the emulator): AWS_ENDPOINT_URL_FSX, else AWS_ENDPOINT_URL."""
    url = os.environ.get("AWS_ENDPOINT_URL_FSX") or os.environ.get("AWS_ENDPOINT_URL") or ""
    return urlparse(url).hostname in _LOOPBACK


def test_clock_problem() -> str | None:
    """Why :data:`TEST_CLOCK_ENV` is refused (set while FSx is real AWS, or not a number), or None."""
    raw = os.environ.get(TEST_CLOCK_ENV)
    if raw is None:
        return None
    if not loopback_endpoint():
        return (
            f"{TEST_CLOCK_ENV} is set, but FSx is not the emulator on a loopback endpoint: it moves the drill's "
            "clock for tests only. Unset it."
        )
    try:
        offset = float(raw)
    except ValueError:
        offset = math.nan
    return None if math.isfinite(offset) else f"{TEST_CLOCK_ENV} {short_repr(raw)} is not a number of seconds"


def now() -> datetime:
    """The drill's clock: this machine's UTC time, moved by :data:`TEST_CLOCK_ENV` only against the emulator."""
    current = datetime.now(timezone.utc)
    if os.environ.get(TEST_CLOCK_ENV) is None or test_clock_problem() is not None:
        return current
    return current + timedelta(seconds=float(os.environ[TEST_CLOCK_ENV]))


def iso(moment: datetime) -> str:
    """``moment`` as the outputs record it (ISO 8601, UTC, ``Z``)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_iso(value: object) -> datetime | None:
    """A recorded time, or None when there is none (or it cannot be read)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# -- when a drill is due -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """What the recorded outputs and the new inputs say about the next drill, at ``at``."""

    drill: str | None
    """Why a drill is due now (None: not due)."""
    clean_up: str | None
    """Why a restored file system or volume the record holds must be deleted now (None: nothing to delete)."""


def schedule(olds: Mapping[str, Any], news: Mapping[str, Any], at: datetime) -> Schedule:
    """Whether a drill is due (none yet, a copy not drilled yet with ``drill_new_copies``, ``force`` changed,
    restore settings, ``max_restore_minutes`` or ``custom_timeouts`` changed since a failed drill, ``every``
    elapsed since the last one began) and whether a held restore is due for deletion (its window ended, or a failed
    drill's), from the old outputs alone: no AWS call. Unknown inputs (preview) make nothing due that the known ones
    do not."""
    drill = _drill_reason(olds, news, at)
    held = [h for h in olds.get(HELD) or [] if isinstance(h, Mapping)]
    until = parse_iso(olds.get("keep_until"))
    clean_up = None
    if any(h.get("id") != olds.get("restored_id") for h in held):
        clean_up = "a failed drill's restore is still to delete"
    elif held and (until is None or at >= until):
        clean_up = f"its validation window ended at {olds.get('keep_until') or 'the end of its drill'}"
    return Schedule(drill=drill, clean_up=clean_up)


RETRIED_ON_CHANGE = (*RESTORE_OPERATIONS, "max_restore_minutes", CUSTOM_TIMEOUTS)
"""Inputs whose change after a failed drill makes a drill due at once: the fix is tried, not a week later."""


def _known_change(old: object, new: object) -> bool:
    if new is None or is_unknown(new) or (isinstance(new, Mapping) and any(map(is_unknown, new.values()))):
        return False
    return bool(old != new)


def _drill_reason(olds: Mapping[str, Any], news: Mapping[str, Any], at: datetime) -> str | None:
    last = parse_iso(olds.get("last_drill_at"))
    if last is None:
        return "no drill has run yet"
    backup = news.get("backup_id")
    new_copy = isinstance(backup, str) and not is_unknown(backup) and backup != olds.get("drilled_backup_id")
    if new_copy and news.get("drill_new_copies") is True:
        return f"{backup} is a copy not drilled yet (drill_new_copies)"
    force = news.get("force")
    if force is not None and not is_unknown(force) and force != olds.get("force"):
        return f"force changed to {short_repr(force)}"
    if olds.get("last_result") == "FAILED":
        changed = [k for k in RETRIED_ON_CHANGE if _known_change(olds.get(k), news.get(k))]
        if changed:
            return f"{', '.join(k.lstrip('_') for k in changed)} changed since the failed drill"
    every = parse_duration("every", news.get("every"), minimum=timedelta(0), maximum=MAX_EVERY)
    if isinstance(every, timedelta) and at >= last + every:
        return f"every {news.get('every')} has passed since the last drill began ({iso(last)})"
    return None
