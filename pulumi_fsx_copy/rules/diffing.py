"""diff(): old outputs against new (checked) inputs; KMS lookups only through an injected callback."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi.dynamic import DiffResult

from pulumi_fsx_copy.rules.facts import Lifecycle
from pulumi_fsx_copy.rules.kms import same_key_offline
from pulumi_fsx_copy.rules.schema import INPUT_DEFAULTS, RECORDED_INPUTS, REPLACING_INPUTS, UPDATING_INPUTS
from pulumi_fsx_copy.rules.unknowns import is_unknown

DEFAULT_KMS_KEY = "alias/aws/fsx"
"""The key FSx uses when CopyBackup gets no KmsKeyId: the AWS managed key for FSx."""

RECORDED_OPTIONS = ("aws_provider", "custom_timeouts", "default_tags")
"""Hidden inputs from the resource's options and pulumi-aws's settings: a change is an update (default tags are
set or removed; later operations, a destroy, use the settings as the program now gives them)."""
REPLACE_FIELDS = tuple(name for name in REPLACING_INPUTS if name != "kms_key_id")
"""Inputs compared as they are; ``kms_key_id`` is compared as the key it names (see ``_kms_key_differs``)."""


def _value(props: Mapping[str, Any], name: str) -> Any:
    value = props.get(name)
    return INPUT_DEFAULTS.get(name) if value is None else value


def _differs(olds: Mapping[str, Any], news: Mapping[str, Any], name: str) -> bool:
    return is_unknown(news.get(name)) or _value(olds, name) != _value(news, name)


def _kms_key_differs(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    same_key: Callable[[str, str], bool],
    *,
    region_changes: bool,
) -> bool:
    """Whether the new ``kms_key_id`` input names another key than the one the copy uses.

    When the Region changes, a changed input names another key (keys are Regional): no lookup.
    """
    new = news.get("kms_key_id")
    requested = olds.get("kms_key_id_requested")
    if is_unknown(new):
        return True
    if new == requested:
        return False
    if region_changes:
        return True
    old = next((v for v in (olds.get("kms_key_id"), requested) if isinstance(v, str)), DEFAULT_KMS_KEY)
    target = new if isinstance(new, str) else DEFAULT_KMS_KEY
    offline = same_key_offline(old, target)
    if offline is None:
        return not same_key(old, target)
    return not offline


def diff_properties(
    olds: Mapping[str, Any], news: Mapping[str, Any], *, same_key: Callable[[str, str], bool]
) -> DiffResult:
    """Compare old outputs with new inputs: which fields replace the copy, which update it in place.

    A copy whose recorded ``lifecycle`` is FAILED is replaced (``replaces`` names ``lifecycle``).

    ``same_key(old, new)`` asks KMS (in the destination Region) whether two key references name
    one key; it is called only when :func:`pulumi_fsx_copy.rules.kms.same_key_offline` cannot decide
    and the destination Region is unchanged and known.
    """
    replaces = [name for name in REPLACE_FIELDS if _differs(olds, news, name)]
    if _kms_key_differs(olds, news, same_key, region_changes="region" in replaces):
        replaces.append("kms_key_id")
    if olds.get("lifecycle") == Lifecycle.FAILED:
        # AWS reported the copy FAILED (refresh recorded it): never keep it as if it were good.
        replaces.append("lifecycle")
    updates = [name for name in (*UPDATING_INPUTS, *RECORDED_INPUTS, *RECORDED_OPTIONS) if _differs(olds, news, name)]
    return DiffResult(
        changes=bool(replaces or updates),
        replaces=replaces,
        delete_before_replace=False,
    )


def replacement_reason(olds: Mapping[str, Any], news: Mapping[str, Any], replaces: list[str]) -> str:
    """Why a copy is replaced, for the preview: each replacing input, its old and new value (``kms_key_id``: the
    key in use and the key named). ``lifecycle`` (FAILED) has its own warning and is left out."""
    parts = []
    for name in replaces:
        if name == "lifecycle":
            continue
        old = olds.get("kms_key_id") if name == "kms_key_id" else _value(olds, name)
        new = news.get(name)
        shown = "(known after apply)" if is_unknown(new) else repr(_value(news, name))
        parts.append(f"{name} {old!r} -> {shown}")
    return "; ".join(parts)


def replacement_warnings(
    backup_id: str, region: str, olds: Mapping[str, Any], news: Mapping[str, Any], replaces: list[str]
) -> list[str]:
    """The warnings a diff that replaces copy ``backup_id`` gives: a FAILED copy's, and why it is replaced."""
    warnings = []
    if "lifecycle" in replaces:
        warnings.append(
            f"copy {backup_id} in '{region}' is FAILED (AWS reported it at the last refresh): it is replaced by a "
            "new copy, and deleted once the new one is made."
        )
    reason = replacement_reason(olds, news, replaces)
    if reason:
        warnings.append(
            f"copy {backup_id} in '{olds.get('region')}' is replaced (a new copy is made, then this one deleted) "
            f"because {reason}. A copy declared without `region` stays in the Region it was made in, whatever "
            "aws:region says now; only a changed declared `region` (or explicit aws Provider Region) moves it."
        )
    return warnings
