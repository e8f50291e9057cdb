"""check(): offline validation of a BackupCopy property bag; never raises, never calls AWS."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from pulumi.dynamic import CheckFailure
from pulumi.runtime.rpc import UNKNOWN

from pulumi_fsx_copy.rules.awsconfig import AwsSettings
from pulumi_fsx_copy.rules.facts import MAX_TAGS
from pulumi_fsx_copy.rules.identity import OWNERSHIP_TAG_KEYS, PROVIDER_TAG_PREFIX
from pulumi_fsx_copy.rules.kms import parse_key_reference
from pulumi_fsx_copy.rules.regions import is_known_region, partition_of, suggest_region
from pulumi_fsx_copy.rules.schema import INPUT_DEFAULTS, INPUT_NAMES, MAX_WAIT_TIMEOUT_MINUTES
from pulumi_fsx_copy.rules.tags import default_tag_digests, short_repr, tag_problems, value_kind
from pulumi_fsx_copy.rules.unknowns import is_unknown

BACKUP_ID_PATTERN = "^(backup-[0-9a-f]{8,})$"
"""FSx's own pattern of a backup ID (botocore's FSx service model, shape ``BackupId``)."""
BACKUP_ID_MAX_LENGTH = 128
"""FSx's own maximum length of a backup ID (same shape)."""
_BACKUP_ID = re.compile(BACKUP_ID_PATTERN)
_TOKEN = re.compile(r"[A-Za-z0-9_.-]{1,63}")
_MAX_TAG_PROBLEMS = 10
TAGS_FAILURE_PROPERTY = ""
"""The property a failure of ``tags`` is reported on: none. The engine prints the value of a failure's
property next to it (``property tags value {...} has a problem``), a secret as ``[secret]`` but a plain map in
full; with no property it prints only the reason, which names ``tags`` and the key, never a value."""


def failed_input(failure: CheckFailure) -> str:
    """The input a failure is about: its property, or ``tags`` for a failure of ``tags`` (reported with no
    property, see :data:`TAGS_FAILURE_PROPERTY`; its reason starts with ``tags:``)."""
    if failure.property == TAGS_FAILURE_PROPERTY and failure.reason.startswith("tags: "):
        return "tags"
    return str(failure.property)


def backup_id_problem(value: object, label: str = "source_backup_id") -> str | None:
    """What is wrong with ``value`` as an FSx backup ID (FSx's pattern and length), or None."""
    if isinstance(value, str) and len(value) <= BACKUP_ID_MAX_LENGTH and _BACKUP_ID.fullmatch(value):
        return None
    if isinstance(value, str) and len(value) > BACKUP_ID_MAX_LENGTH:
        return f"{label} has {len(value)} characters; an FSx backup ID has at most {BACKUP_ID_MAX_LENGTH}"
    return (
        f"{label} {short_repr(value)} is not an FSx backup ID ({_why_not_backup_id(value)}); "
        "use one like 'backup-0123456789abcdef0'"
    )


def _why_not_backup_id(value: object) -> str:
    """Which part of FSx's pattern ``backup-`` + 8 or more of ``0-9a-f`` ``value`` breaks."""
    if not isinstance(value, str):
        return f"it is {value_kind(value)}, not a string"
    if _BACKUP_ID.fullmatch(value.lower()):
        return f"FSx backup IDs are lower case: {value.lower()!r}"
    if not value.startswith("backup-"):
        return "it does not start with 'backup-'"
    return "'backup-' must be followed by 8 or more hexadecimal digits, 0-9 and a-f, and nothing else"


def _tags_problem(value: object) -> str | None:
    problems = tag_problems(value)
    if isinstance(value, Mapping):
        reserved = sorted(k for k in value if isinstance(k, str) and k.lower().startswith(PROVIDER_TAG_PREFIX))
        problems += [
            f"tag key {short_repr(k)} starts with {PROVIDER_TAG_PREFIX!r}, which the provider uses; rename the key"
            for k in reserved
        ]
        room = MAX_TAGS - len(OWNERSHIP_TAG_KEYS)
        if room < len(value) <= MAX_TAGS:
            problems.append(
                f"{len(value)} tags given; a copy holds at most {MAX_TAGS} tags and the provider adds "
                f"{len(OWNERSHIP_TAG_KEYS)}, so declare at most {room} (remove {len(value) - room})"
            )
    if len(problems) > _MAX_TAG_PROBLEMS:
        hidden = len(problems) - _MAX_TAG_PROBLEMS
        problems = [*problems[:_MAX_TAG_PROBLEMS], f"and {hidden} more problems"]
    return "; ".join(problems) or None


def _token_problem(value: object) -> str | None:
    if isinstance(value, str) and _TOKEN.fullmatch(value):
        return None
    return (
        f"client_request_token {short_repr(value)} is invalid; "
        "use 1 to 63 characters of letters, digits, '_', '.' and '-'"
    )


def _timeout_problem(value: object) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 0 < value <= MAX_WAIT_TIMEOUT_MINUTES and math.isfinite(value):
            return None
    return (
        f"wait_timeout_minutes {short_repr(value)} is not a number of minutes between 0 and "
        f"{MAX_WAIT_TIMEOUT_MINUTES} (30 days); use e.g. 60"
    )


def _bool_rule(name: str) -> Callable[[object], str | None]:
    def problem(value: object) -> str | None:
        if isinstance(value, bool):
            return None
        return f"{name} {short_repr(value)} is not a boolean; use true or false"

    return problem


_FIELD_RULES: dict[str, Callable[[object], str | None]] = {
    "source_backup_id": backup_id_problem,
    "tags": _tags_problem,
    "client_request_token": _token_problem,
    "wait_timeout_minutes": _timeout_problem,
    "copy_tags": _bool_rule("copy_tags"),
    "wait_for_available": _bool_rule("wait_for_available"),
}


def _region_problem(label: str, value: object) -> str | None:
    if isinstance(value, str) and is_known_region(value):
        return None
    suggestion = suggest_region(value) if isinstance(value, str) else None
    fix = f"did you mean '{suggestion}'?" if suggestion else "use a Region name such as 'us-west-2'"
    return f"{label} {short_repr(value)} is not an AWS Region; {fix}"


def resolve_undeclared_region(bag: dict[str, Any], olds: Mapping[str, Any], provider_region: str | None) -> None:
    """The Region of a copy declared without ``region``, written into ``bag``: unknown while its explicit aws
    Provider is, else that Provider's (``provider_region``), else the one recorded (``olds``: a changed aws:region
    never moves an existing copy); else none here (``check_properties`` takes the default Region)."""
    if bag.get("region") is not None:
        return
    if bag.get("aws_provider") == UNKNOWN:
        bag["region"] = UNKNOWN  # the explicit Provider's settings are known after it is created
    elif provider_region:
        bag["region"] = provider_region
    elif isinstance(olds.get("region"), str) and olds["region"]:
        bag["region"] = olds["region"]


def _destination(inputs: dict[str, Any], default_region: str | None, failures: list[CheckFailure]) -> str | None:
    """The destination Region (a known Region or UNKNOWN), written into ``inputs``; None if unresolved."""
    region = inputs.get("region")
    if is_unknown(region):
        return UNKNOWN
    if region is None:
        if not default_region:
            failures.append(
                CheckFailure(
                    "region",
                    "no destination Region: set `region` on the resource, "
                    "or run `pulumi config set aws:region <region>`",
                )
            )
            return None
        label = "the default Region (aws:region or the environment's AWS Region)"
        problem = _region_problem(label, default_region)
        if problem:
            failures.append(CheckFailure("region", f"{problem}; or set `region` on the resource"))
            return None
        inputs["region"] = default_region
        return default_region
    problem = _region_problem("region", region)
    if problem:
        failures.append(CheckFailure("region", problem))
        return None
    return str(region)


def _check_source_region(inputs: dict[str, Any], destination: str | None, failures: list[CheckFailure]) -> None:
    source = inputs.get("source_region")
    if source is None:
        if destination is not None:
            inputs["source_region"] = destination
        return
    if is_unknown(source):
        return
    problem = _region_problem("source_region", source)
    if problem:
        failures.append(CheckFailure("source_region", problem))
        return
    if destination is None or destination == UNKNOWN:
        return
    source_partition, destination_partition = partition_of(source), partition_of(destination)
    if source_partition != destination_partition:
        failures.append(
            CheckFailure(
                "source_region",
                f"source_region {source!r} is in partition {source_partition} but region {destination!r} "
                f"is in {destination_partition}; FSx copies backups only within a partition",
            )
        )


def _check_kms_key(inputs: dict[str, Any], destination: str | None, failures: list[CheckFailure]) -> None:
    value = inputs.get("kms_key_id")
    if value is None or is_unknown(value):
        return
    ref = parse_key_reference(value) if isinstance(value, str) else None
    if ref is None:
        failures.append(
            CheckFailure(
                "kms_key_id",
                f"kms_key_id {short_repr(value)} is not a KMS key ID, key ARN, alias name or alias ARN; "
                "use e.g. '1234abcd-12ab-34cd-56ef-1234567890ab' or 'alias/my-key'",
            )
        )
        return
    if ref.region is None or destination is None or destination == UNKNOWN:
        return
    if ref.region != destination or ref.partition != partition_of(destination):
        failures.append(
            CheckFailure(
                "kms_key_id",
                f"kms_key_id {short_repr(value)} is in {ref.partition}/{ref.region} but the copy is made in "
                f"region {destination!r} ({partition_of(destination)}); use a key in {destination!r}",
            )
        )


def check_properties(
    news: Mapping[str, Any], *, default_region: str | None
) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Validate ``news`` offline; return the inputs to record and one failure per bad field.

    The returned inputs carry the resolved ``region`` and ``source_region`` and a defaulted
    ``wait_for_available``; None-valued inputs are dropped and unrecognized keys pass through.
    Unknown values (preview) are kept and never fail.
    """
    bag: Mapping[Any, Any] = news if isinstance(news, Mapping) else {}
    inputs: dict[str, Any] = {k: v for k, v in bag.items() if not (k in INPUT_NAMES and v is None)}
    failures: list[CheckFailure] = []
    if "source_backup_id" not in inputs:
        failures.append(
            CheckFailure(
                "source_backup_id",
                "source_backup_id is required; set it to the ID of the backup to copy, like 'backup-0123456789abcdef0'",
            )
        )
    for name, rule in _FIELD_RULES.items():
        value = inputs.get(name)
        problem = None if value is None or is_unknown(value) else rule(value)
        if problem and name == "tags":
            failures.append(CheckFailure(TAGS_FAILURE_PROPERTY, f"tags: {problem}"))
        elif problem:
            failures.append(CheckFailure(name, problem))
    destination = _destination(inputs, default_region, failures)
    _check_source_region(inputs, destination, failures)
    _check_kms_key(inputs, destination, failures)
    inputs.setdefault("wait_for_available", INPUT_DEFAULTS["wait_for_available"])
    return inputs, failures


def check_aws_settings(inputs: dict[str, Any], settings: AwsSettings) -> list[CheckFailure]:
    """What the pulumi-aws ``settings`` of a resource make of its checked ``inputs``: ``default_tags``, the digests of
    its defaultTags (none without), and a failure for each refused setting and for tags that do not fit on a copy."""
    failures = [CheckFailure("", refused) for refused in settings.refused]
    inputs.pop("default_tags", None)
    if settings.default_tags:
        inputs["default_tags"] = default_tag_digests(settings)
        failures += [CheckFailure("", problem) for problem in _default_tag_problems(settings, inputs.get("tags"))]
    return failures


def _default_tag_problems(settings: AwsSettings, tags: object) -> list[str]:
    """Why pulumi-aws's default tags (``defaultTags``) and the declared tags together do not fit on a copy, if so."""
    declared = tags if isinstance(tags, Mapping) else {}
    room = MAX_TAGS - len(OWNERSHIP_TAG_KEYS)
    total = len(settings.tags.keys() | declared.keys())
    if total <= room:
        return []
    return [
        f"tags: {len(declared)} declared and {len(settings.tags)} default tags ({settings.source}'s defaultTags) make "
        f"{total} tags; a copy holds {room} besides the provider's ownership tags. Declare fewer, or give this copy "
        "an aws Provider without defaultTags."
    ]
