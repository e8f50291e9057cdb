"""diff(): old outputs against new inputs."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi.dynamic import DiffResult
from pulumi.runtime.rpc import UNKNOWN

from pulumi_fsx_copy.rules.diffing import DEFAULT_KMS_KEY, diff_properties

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY_ID = "0987dcba-09fe-87dc-65ba-ab0987654321"
KEY_ARN = f"arn:aws:kms:us-west-2:111122223333:key/{KEY_ID}"
ALIAS_ARN = "arn:aws:kms:us-west-2:111122223333:alias/backups"


def only(field: str, value: Any) -> dict[str, Any]:
    """Keyword arguments setting one field (keeps mypy from matching helper parameters)."""
    return {field: value}


INPUTS: dict[str, Any] = {
    "source_backup_id": "backup-0123456789abcdef0",
    "source_region": "us-east-1",
    "region": "us-west-2",
    "copy_tags": True,
    "tags": {"Name": "dr"},
    "client_request_token": "tok",
    "wait_for_available": True,
    "wait_timeout_minutes": 30.0,
    "resource_identity": "proj/dev/copy",
}
OLDS: dict[str, Any] = {
    **INPUTS,
    "kms_key_id": KEY_ARN,
    "kms_key_id_requested": None,
    "backup_id": "backup-0fedcba9876543210",
    "arn": "arn:aws:fsx:us-west-2:111122223333:backup/backup-0fedcba9876543210",
    "lifecycle": "AVAILABLE",
    "progress_percent": 100.0,
    "tags_all": {"Name": "dr", "copied": "x"},
    "owner_id": "111122223333",
    "creation_time": "2024-01-01T00:00:00Z",
}


class SameKey:
    """A recording stand-in for the provider's KMS lookup."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.calls: list[tuple[str, str]] = []

    def __call__(self, a: str, b: str) -> bool:
        self.calls.append((a, b))
        return self.answer


def diff(
    olds_changes: dict[str, Any] | None = None, same_key: SameKey | None = None, **news_changes: Any
) -> DiffResult:
    olds = {**OLDS, **(olds_changes or {})}
    news = {k: v for k, v in {**INPUTS, **news_changes}.items() if v is not None}
    result = diff_properties(olds, news, same_key=same_key or SameKey())
    assert isinstance(result.changes, bool)
    assert result.delete_before_replace is False
    return result


def no_lookup() -> SameKey:
    return SameKey(answer=False)


def test_no_change() -> None:
    result = diff()
    assert (result.changes, result.replaces) == (False, [])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("source_backup_id", "backup-0aaaaaaaaaaaaaaaa"),
        ("source_region", "us-east-2"),
        ("region", "eu-west-1"),
        ("copy_tags", False),
    ],
)
def test_replacing_fields(field: str, value: object) -> None:
    result = diff(**only(field, value))
    assert result.changes is True and result.replaces == [field]


@pytest.mark.parametrize(
    ("olds", "news"),
    [({"copy_tags": None}, {"copy_tags": False}), ({"copy_tags": False}, {"copy_tags": None})],
)
def test_copy_tags_absent_means_false(olds: dict[str, Any], news: dict[str, Any]) -> None:
    assert diff(olds, **news).changes is False


def test_tags_change_in_place() -> None:
    result = diff(tags={"Name": "dr", "env": "prod"})
    assert (result.changes, result.replaces) == (True, [])


@pytest.mark.parametrize(("old", "new"), [(None, {}), ({}, None), (None, None)])
def test_no_tags_equals_empty_tags(old: object, new: object) -> None:
    assert diff({"tags": old}, tags=new).changes is False


def test_tags_outside_the_stack_do_not_count() -> None:
    assert diff({"tags_all": {"Name": "dr", "added-by-hand": "1"}}).changes is False


@pytest.mark.parametrize(
    ("field", "value"),
    [("client_request_token", "other"), ("wait_for_available", False), ("wait_timeout_minutes", 60.0)],
)
def test_operational_fields_are_changes_never_replacements(field: str, value: object) -> None:
    result = diff(**only(field, value))
    assert (result.changes, result.replaces) == (True, [])


def test_removing_an_operational_field_is_a_change() -> None:
    assert diff(client_request_token=None).changes is True


def test_wait_for_available_absent_means_true() -> None:
    assert diff({"wait_for_available": None}).changes is False


def test_timeout_int_equals_float() -> None:
    assert diff(wait_timeout_minutes=30).changes is False


def test_provider_and_identity_are_ignored() -> None:
    assert diff({"__provider": "old"}, __provider="new", resource_identity="other/stack/name").changes is False


# -- KMS --------------------------------------------------------------------------------------


def test_same_requested_key_is_no_change_without_lookup() -> None:
    lookup = no_lookup()
    result = diff({"kms_key_id_requested": "alias/backups"}, lookup, kms_key_id="alias/backups")
    assert result.changes is False and lookup.calls == []


@pytest.mark.parametrize("new", [KEY_ID, KEY_ARN])
def test_key_id_or_arn_of_the_key_in_use_is_no_change(new: str) -> None:
    lookup = no_lookup()
    assert diff(same_key=lookup, kms_key_id=new).changes is False
    assert lookup.calls == []


def test_alias_arn_to_its_alias_name_is_no_change_without_lookup() -> None:
    lookup = no_lookup()
    olds = {"kms_key_id": ALIAS_ARN, "kms_key_id_requested": ALIAS_ARN}
    assert diff(olds, lookup, kms_key_id="alias/backups").changes is False
    assert lookup.calls == []


@pytest.mark.parametrize("new", [OTHER_KEY_ID, f"arn:aws:kms:us-west-2:111122223333:key/{OTHER_KEY_ID}"])
def test_another_key_replaces_without_lookup(new: str) -> None:
    lookup = SameKey(answer=True)
    result = diff(same_key=lookup, kms_key_id=new)
    assert result.replaces == ["kms_key_id"] and result.changes is True
    assert lookup.calls == []


@pytest.mark.parametrize(("answer", "replaces"), [(True, []), (False, ["kms_key_id"])])
def test_alias_against_the_key_in_use_asks_kms(answer: bool, replaces: list[str]) -> None:
    lookup = SameKey(answer)
    result = diff({"kms_key_id_requested": KEY_ID}, lookup, kms_key_id="alias/backups")
    assert lookup.calls == [(KEY_ARN, "alias/backups")]
    assert result.replaces == replaces and result.changes is (not answer)


@pytest.mark.parametrize(("answer", "replaces"), [(True, []), (False, ["kms_key_id"])])
def test_dropping_an_explicit_key_compares_with_the_fsx_default(answer: bool, replaces: list[str]) -> None:
    lookup = SameKey(answer)
    result = diff({"kms_key_id_requested": "alias/my-key"}, lookup)
    assert lookup.calls == [(KEY_ARN, DEFAULT_KMS_KEY)]
    assert result.replaces == replaces


def test_default_key_both_times_is_no_change_without_lookup() -> None:
    lookup = no_lookup()
    assert diff({"kms_key_id_requested": None}, lookup).changes is False
    assert diff({"kms_key_id_requested": None, "kms_key_id": None}, lookup).changes is False
    assert lookup.calls == []


def test_without_a_recorded_arn_the_requested_key_is_compared() -> None:
    lookup = no_lookup()
    result = diff({"kms_key_id": None, "kms_key_id_requested": KEY_ID}, lookup, kms_key_id=KEY_ARN)
    assert result.changes is False and lookup.calls == []


def test_key_change_with_region_change_replaces_without_lookup() -> None:
    lookup = SameKey(answer=True)
    result = diff(same_key=lookup, region="eu-west-1", kms_key_id="alias/backups")
    assert result.replaces == ["region", "kms_key_id"] and lookup.calls == []


# -- preview unknowns -------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["source_backup_id", "source_region", "region", "copy_tags", "kms_key_id"])
def test_unknown_replacing_field_may_replace(field: str) -> None:
    lookup = no_lookup()
    result = diff(same_key=lookup, **only(field, UNKNOWN))
    assert result.replaces and field in result.replaces and result.changes is True
    assert lookup.calls == []


@pytest.mark.parametrize("tags", [UNKNOWN, {"Name": UNKNOWN}])
def test_unknown_tags_may_update(tags: object) -> None:
    result = diff(tags=tags)
    assert (result.changes, result.replaces) == (True, [])


@pytest.mark.parametrize("field", ["client_request_token", "wait_for_available", "wait_timeout_minutes"])
def test_unknown_operational_field_is_a_change(field: str) -> None:
    result = diff(**only(field, UNKNOWN))
    assert (result.changes, result.replaces) == (True, [])


_values = st.none() | st.booleans() | st.floats() | st.text(max_size=5) | st.just(UNKNOWN) | st.just({"a": "b"})
_fields = st.sampled_from([*INPUTS, "kms_key_id", "kms_key_id_requested"])


@given(olds=st.dictionaries(_fields, _values), news=st.dictionaries(_fields, _values), answer=st.booleans())
def test_changes_is_always_decided(olds: dict[str, Any], news: dict[str, Any], answer: bool) -> None:
    result = diff_properties(olds, news, same_key=SameKey(answer))
    assert isinstance(result.changes, bool)
    assert result.changes or not result.replaces
    assert result.delete_before_replace is False


def test_a_failed_copy_is_replaced() -> None:
    """AWS reported the copy FAILED (refresh recorded it): the next `up` replaces it, even with no input change."""
    result = diff({"lifecycle": "FAILED"})
    assert result.changes and result.replaces == ["lifecycle"]
    assert diff({"lifecycle": "COPYING"}).changes is False
