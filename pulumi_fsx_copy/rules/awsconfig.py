"""pulumi-aws's provider settings, as a BackupCopy or a RestoreDrill honours or refuses them: from the stack's
``aws:*`` config (``configure``) or from an explicit pulumi-aws ``Provider`` (recorded in the program by
``aws_options.py``, carried as the ``aws_provider`` input). One parser for both; each setting is honoured,
without effect (:data:`NO_EFFECT`), or refused at preview naming it (:attr:`AwsSettings.refused`). Names are
pulumi-aws's (v7, and v6's ``assumeRole``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

STACK_PREFIX = "aws:"

STATIC_KEYS = ("accessKey", "secretKey", "token")
"""Static credentials: honoured from the stack config; refused from an explicit provider (they would have to
travel in the copy's inputs, into the state)."""
HONOURED = frozenset(
    {
        "region",
        "profile",
        "assumeRoles",  # v7: a list
        "assumeRole",  # v6: one object
        "allowedAccountIds",
        "forbiddenAccountIds",
        "defaultTags",
        "endpoints",
        "stsRegion",
        *STATIC_KEYS,
    }
)
NO_EFFECT = frozenset(
    {
        "skipCredentialsValidation",
        "skipMetadataApiCheck",
        "skipRegionValidation",
        "skipRequestingAccountId",
        "skipGetEc2Platforms",
        "maxRetries",
        "retryMode",
        "s3UsEast1RegionalEndpoint",
        "s3UsePathStyle",
        "s3ForcePathStyle",
        "userAgents",
        "tokenBucketRateLimiterCapacity",
        "version",
        "pluginDownloadURL",
    }
)
"""Accepted and without effect on a copy: checks pulumi-aws skips, S3-only settings, retry tuning (the
provider's own retry policy applies), the plugin's version."""
OTHER_SETTINGS = (
    "assumeRoleWithWebIdentity",
    "customCaBundle",
    "ec2MetadataServiceEndpoint",
    "ec2MetadataServiceEndpointMode",
    "httpProxy",
    "httpsProxy",
    "noProxy",
    "ignoreTags",
    "insecure",
    "sharedConfigFiles",
    "sharedCredentialsFiles",
    "tagPolicyCompliance",
    "useDualstackEndpoint",
    "useFipsEndpoint",
)
"""pulumi-aws's other provider settings (all refused: a copy cannot honour them), by pulumi-aws's name."""
CONFIG_KEYS = tuple(sorted(HONOURED | NO_EFFECT | set(OTHER_SETTINGS)))
"""Every pulumi-aws config key read from the stack (``aws:`` + the name): honoured, without effect, or refused."""
SERVICES = ("fsx", "kms", "sts")
"""The services whose ``endpoints`` entry is used (the provider calls no other)."""

_GO_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_GO_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def go_duration_seconds(text: str) -> float | None:
    """Seconds of a Go duration string (``"1h30m"``, ``"5s"``), as Pulumi's custom timeouts and pulumi-aws's
    ``duration`` are written; None if ``text`` is not one."""
    text = text.strip()
    if not text or _GO_DURATION.sub("", text):
        return None
    return sum(float(n) * _GO_UNITS[unit] for n, unit in _GO_DURATION.findall(text))


@dataclass(frozen=True)
class AssumeRole:
    """One step of the assume-role chain (pulumi-aws's ``assumeRoles`` item)."""

    role_arn: str
    session_name: str | None = None
    external_id: str | None = None
    duration_seconds: int | None = None
    policy: str | None = None
    policy_arns: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    transitive_tag_keys: tuple[str, ...] = ()
    source_identity: str | None = None

    def request(self, default_session_name: str) -> dict[str, Any]:
        """The STS AssumeRole parameters of this step."""
        params: dict[str, Any] = {
            "RoleArn": self.role_arn,
            "RoleSessionName": self.session_name or default_session_name,
        }
        optional = {
            "ExternalId": self.external_id,
            "DurationSeconds": self.duration_seconds,
            "Policy": self.policy,
            "PolicyArns": [{"arn": arn} for arn in self.policy_arns] or None,
            "Tags": [{"Key": k, "Value": v} for k, v in self.tags] or None,
            "TransitiveTagKeys": list(self.transitive_tag_keys) or None,
            "SourceIdentity": self.source_identity,
        }
        params.update({k: v for k, v in optional.items() if v is not None})
        return params


@dataclass(frozen=True)
class AwsSettings:
    """The pulumi-aws settings that govern a copy's AWS calls, and those refused."""

    source: str = "the stack's aws:* config"
    region: str | None = None
    profile: str | None = None
    static_keys: tuple[str, str, str | None] | None = field(default=None, repr=False)
    assume_roles: tuple[AssumeRole, ...] = ()
    allowed_account_ids: tuple[str, ...] = ()
    forbidden_account_ids: tuple[str, ...] = ()
    default_tags: tuple[tuple[str, str], ...] = ()
    endpoints: tuple[tuple[str, str], ...] = ()
    sts_region: str | None = None
    refused: tuple[str, ...] = ()
    """One sentence per refused setting, naming it and the fix."""

    @functools.cached_property
    def key(self) -> str:
        """What tells two settings apart for credentials and clients (no secret in it: static keys by access key ID)."""
        data = {
            "profile": self.profile,
            "static": self.static_keys[0] if self.static_keys else None,
            "roles": [r.request("") for r in self.assume_roles],
            "endpoints": self.endpoints,
            "sts_region": self.sts_region,
        }
        return json.dumps(data, sort_keys=True, default=str)

    def endpoint(self, service: str) -> str | None:
        """The ``endpoints`` URL of ``service``, if set."""
        return dict(self.endpoints).get(service)

    @property
    def tags(self) -> dict[str, str]:
        """``defaultTags.tags``."""
        return dict(self.default_tags)


def _decoded(value: Any) -> Any:
    """A config value as pulumi-aws takes it: structured values arrive as JSON text (stack config, and the
    outputs of a ``Provider``)."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("[", "{"):
            try:
                return json.loads(stripped)
            except ValueError:
                return value
        if stripped in ("true", "false"):
            return stripped == "true"
    return value


def _strings(name: str, value: Any, problems: list[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return tuple(str(v) for v in value)
    problems.append(f"{name} must be a list of strings")
    return ()


def _role(name: str, item: Any, problems: list[str]) -> AssumeRole | None:
    if not isinstance(item, Mapping) or not isinstance(item.get("roleArn"), str) or not item.get("roleArn"):
        problems.append(f"{name}: each item needs a roleArn")
        return None
    duration: int | None = None
    if item.get("duration"):
        seconds = go_duration_seconds(str(item["duration"]))
        if seconds is None:
            problems.append(f"{name}: duration {item['duration']!r} is not a duration such as '1h' or '15m'")
        else:
            duration = int(seconds)
    elif item.get("durationSeconds"):  # v6
        duration = int(item["durationSeconds"])
    tags = item.get("tags") or {}
    return AssumeRole(
        role_arn=str(item["roleArn"]),
        session_name=item.get("sessionName") or None,
        external_id=item.get("externalId") or None,
        duration_seconds=duration,
        policy=item.get("policy") or None,
        policy_arns=tuple(str(a) for a in item.get("policyArns") or ()),
        tags=tuple(sorted((str(k), str(v)) for k, v in tags.items())) if isinstance(tags, Mapping) else (),
        transitive_tag_keys=tuple(str(k) for k in item.get("transitiveTagKeys") or ()),
        source_identity=item.get("sourceIdentity") or None,
    )


def parse(values: Mapping[str, Any], *, source: str, label: str, explicit: bool) -> AwsSettings:
    """The settings in ``values`` (pulumi-aws names, without ``aws:``; None or absent: not set).

    ``label`` prefixes a setting's name in messages (``aws:`` for the stack config, else e.g. ``the aws Provider
    'west' setting ``); ``explicit``: an explicit provider, whose static keys are refused.
    """
    problems: list[str] = []
    refused: list[str] = []
    decoded = {k: _decoded(v) for k, v in values.items()}
    given = {k: v for k, v in decoded.items() if v is not None and v != "" and v is not False and v != []}
    roles: list[AssumeRole] = []
    for key in ("assumeRoles", "assumeRole"):
        raw = given.get(key)
        items = raw if isinstance(raw, list) else [raw] if raw is not None else []
        roles += [r for r in (_role(label + key, item, problems) for item in items) if r is not None]
    tags_raw = given.get("defaultTags") or {}
    tags = tags_raw.get("tags") if isinstance(tags_raw, Mapping) else None
    if tags_raw and not isinstance(tags, Mapping):
        problems.append(f'{label}defaultTags must be an object with `tags`, e.g. {{"tags": {{"team": "dr"}}}}')
    endpoints: dict[str, str] = {}
    raw_endpoints = given.get("endpoints") or []
    for item in raw_endpoints if isinstance(raw_endpoints, list) else [raw_endpoints]:
        if isinstance(item, Mapping):
            endpoints.update({k: str(v) for k, v in item.items() if k in SERVICES and v})
    for service, url in endpoints.items():
        if "://" not in url:
            problems.append(f"{label}endpoints {service} {url!r} has no scheme; use a full URL such as 'https://{url}'")
    static: tuple[str, str, str | None] | None = None
    if any(k in given for k in STATIC_KEYS):
        if explicit:
            refused.append(
                f"{label}accessKey/secretKey/token (static credentials) cannot be honoured: pulumi-fsx-copy's "
                "providers run apart from the program, and they would have to travel in the resource's inputs, into "
                "the state. Give the Provider a `profile` or `assume_roles` instead, or set them in the stack config "
                "(`pulumi config set --secret aws:secretKey ...`) or the environment (AWS_ACCESS_KEY_ID ...)"
            )
        elif isinstance(given.get("accessKey"), str) and isinstance(given.get("secretKey"), str):
            static = (given["accessKey"], given["secretKey"], given.get("token") or None)
        else:
            problems.append(f"{label}accessKey and {label}secretKey must be set together")
    if given.pop("notRecorded", None):
        refused.append(
            f"{label.removesuffix(' setting ')}: its settings could not be seen, as it was made before pulumi_fsx_copy "
            "was imported (pulumi-aws's Provider does not expose assume_roles, allowed_account_ids, default_tags "
            "or endpoints as outputs, so pulumi_fsx_copy records them when a Provider is made). Import "
            "pulumi_fsx_copy before making the Provider"
        )
    for key in sorted(given):
        if key not in HONOURED and key not in NO_EFFECT:
            refused.append(
                f"{label}{key} is not supported by pulumi-fsx-copy, which would otherwise ignore it; unset it for "
                "this resource (give it an aws.Provider of its own without it), or set it in the environment "
                "as the AWS SDK reads it"
            )
    refused += [f"{p}" for p in problems]
    return AwsSettings(
        source=source,
        region=str(given["region"]) if given.get("region") else None,
        profile=str(given["profile"]) if given.get("profile") else None,
        static_keys=static,
        assume_roles=tuple(roles),
        allowed_account_ids=_strings(label + "allowedAccountIds", given.get("allowedAccountIds") or [], refused),
        forbidden_account_ids=_strings(label + "forbiddenAccountIds", given.get("forbiddenAccountIds") or [], refused),
        default_tags=tuple(sorted((str(k), str(v)) for k, v in (tags or {}).items())),
        endpoints=tuple(sorted(endpoints.items())),
        sts_region=str(given["stsRegion"]) if given.get("stsRegion") else None,
        refused=tuple(refused),
    )


def from_stack_config(config: Mapping[str, Any]) -> AwsSettings:
    """The settings of the stack's ``aws:*`` config (what ``configure`` receives)."""
    values = {k[len(STACK_PREFIX) :]: v for k, v in config.items() if k.startswith(STACK_PREFIX)}
    return parse(values, source="the stack's aws:* config", label=STACK_PREFIX, explicit=False)


def from_provider_input(value: Mapping[str, Any]) -> AwsSettings:
    """The settings of the ``aws_provider`` input (``{"name": ..., "settings": {...}}``, see ``aws_options.py``)."""
    name = str(value.get("name") or "?")
    settings = value.get("settings")
    return parse(
        settings if isinstance(settings, Mapping) else {},
        source=f"the aws Provider '{name}'",
        label=f"the aws Provider '{name}' setting ",
        explicit=True,
    )
