"""check(): offline validation of the property bag."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.dynamic import CheckFailure
from pulumi.runtime.rpc import UNKNOWN

from pulumi_fsx_copy.rules.schema import INPUT_NAMES
from pulumi_fsx_copy.rules.validation import TAGS_FAILURE_PROPERTY, check_properties, failed_input

BACKUP = "backup-0123456789abcdef0"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def only(field: str, value: Any) -> dict[str, Any]:
    """Keyword arguments setting one field (keeps mypy from matching helper parameters)."""
    return {field: value}


def check(default_region: str | None = "us-west-2", **news: Any) -> tuple[dict[str, Any], list[CheckFailure]]:
    return check_properties(news, default_region=default_region)


def only_failure(failures: list[CheckFailure], prop: str) -> str:
    assert [failed_input(f) for f in failures] == [prop], [(f.property, f.reason) for f in failures]
    if prop == "tags":  # reported with no property: the engine would print the property's value (tags)
        assert failures[0].property == TAGS_FAILURE_PROPERTY
    return failures[0].reason


def test_minimal_inputs_resolve_regions_and_defaults() -> None:
    inputs, failures = check(source_backup_id=BACKUP, resource_identity="proj/dev/copy")
    assert failures == []
    assert inputs == {
        "source_backup_id": BACKUP,
        "region": "us-west-2",
        "source_region": "us-west-2",
        "wait_for_available": True,
        "resource_identity": "proj/dev/copy",
    }


def test_full_valid_inputs_pass_unchanged() -> None:
    news = {
        "source_backup_id": BACKUP,
        "source_region": "us-east-1",
        "region": "eu-west-1",
        "kms_key_id": f"arn:aws:kms:eu-west-1:111122223333:key/{KEY_ID}",
        "copy_tags": True,
        "tags": {"Name": "dr"},
        "client_request_token": "a" * 63,
        "wait_for_available": False,
        "wait_timeout_minutes": 30.0,
        "__unknown_extra": [1, 2],
    }
    inputs, failures = check_properties(news, default_region="ap-south-1")
    assert failures == []
    assert inputs == news


def test_explicit_region_wins_over_default() -> None:
    inputs, failures = check(default_region="us-east-1", source_backup_id=BACKUP, region="eu-central-1")
    assert failures == []
    assert (inputs["region"], inputs["source_region"]) == ("eu-central-1", "eu-central-1")


def test_none_valued_inputs_are_dropped_and_defaulted() -> None:
    inputs, failures = check(
        source_backup_id=BACKUP, region=None, kms_key_id=None, tags=None, wait_for_available=None, other=None
    )
    assert failures == []
    assert "kms_key_id" not in inputs and "tags" not in inputs
    assert inputs["region"] == "us-west-2" and inputs["wait_for_available"] is True
    assert inputs["other"] is None  # not ours: passed through untouched


def test_no_region_anywhere() -> None:
    inputs, failures = check(default_region=None, source_backup_id=BACKUP)
    reason = only_failure(failures, "region")
    assert "set `region`" in reason and "pulumi config set aws:region" in reason
    assert "region" not in inputs and "source_region" not in inputs


def test_bad_default_region_is_reported_on_region() -> None:
    reason = only_failure(check(default_region="us-wst-2", source_backup_id=BACKUP)[1], "region")
    assert "'us-wst-2'" in reason and "did you mean 'us-west-2'?" in reason


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("region", "us-wst-2", "did you mean 'us-west-2'?"),
        ("region", "", "not an AWS Region"),
        ("region", 12, "not an AWS Region"),
        ("source_region", "eu-wset-1", "did you mean 'eu-west-1'?"),
        ("source_region", ["us-east-1"], "not an AWS Region"),
    ],
)
def test_unknown_regions(field: str, value: object, fragment: str) -> None:
    reason = only_failure(check(source_backup_id=BACKUP, **only(field, value))[1], field)
    assert repr(value) in reason and fragment in reason


def test_regions_in_different_partitions() -> None:
    _, failures = check(source_backup_id=BACKUP, source_region="cn-north-1", region="us-west-2")
    assert only_failure(failures, "source_region") == (
        "source_region 'cn-north-1' is in partition aws-cn but region 'us-west-2' is in aws; "
        "FSx copies backups only within a partition"
    )


def test_regions_in_one_non_commercial_partition() -> None:
    _, failures = check(source_backup_id=BACKUP, source_region="us-gov-east-1", region="us-gov-west-1")
    assert failures == []


@pytest.mark.parametrize("value", [None, ""])
def test_source_backup_id_required(value: object) -> None:
    news = {"source_backup_id": value} if value is not None else {}
    reason = only_failure(check_properties(news, default_region="us-west-2")[1], "source_backup_id")
    assert "backup-" in reason


@pytest.mark.parametrize(
    "value", ["backup-0123456", "backup-0123456789ABCDEF0", "fs-0123456789abcdef0", f"{BACKUP}\n", 7]
)
def test_bad_source_backup_id(value: object) -> None:
    reason = only_failure(check(source_backup_id=value)[1], "source_backup_id")
    assert repr(value) in reason and "'backup-0123456789abcdef0'" in reason


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("backup-0123456789ABCDEF0", "FSx backup IDs are lower case: 'backup-0123456789abcdef0'"),
        ("BACKUP-0123456789abcdef0", "FSx backup IDs are lower case"),
        ("fs-0123456789abcdef0", "it does not start with 'backup-'"),
        ("backup-0123456", "8 or more hexadecimal digits"),
        ("backup-0123456789abcdefg", "8 or more hexadecimal digits"),
        (7.0, "it is a number, not a string"),
    ],
)
def test_a_bad_source_backup_id_says_why(value: object, why: str) -> None:
    reason = only_failure(check(source_backup_id=value)[1], "source_backup_id")
    assert why in reason, reason


@pytest.mark.parametrize(
    "value",
    [
        KEY_ID,
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        "alias/aws/fsx",
        f"arn:aws:kms:us-west-2:111122223333:key/{KEY_ID}",
        "arn:aws:kms:us-west-2:111122223333:alias/backups",
    ],
)
def test_valid_kms_keys(value: str) -> None:
    inputs, failures = check(source_backup_id=BACKUP, kms_key_id=value)
    assert failures == [] and inputs["kms_key_id"] == value


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("my-key", "not a KMS key ID, key ARN, alias name or alias ARN"),
        (42, "not a KMS key ID"),
        (
            f"arn:aws:kms:us-east-1:111122223333:key/{KEY_ID}",
            "in aws/us-east-1 but the copy is made in region",
        ),
        ("arn:aws:kms:eu-west-1:111122223333:alias/x", "use a key in 'us-west-2'"),
        (f"arn:aws-cn:kms:us-west-2:111122223333:key/{KEY_ID}", "in aws-cn/us-west-2"),
    ],
)
def test_bad_kms_keys(value: object, fragment: str) -> None:
    reason = only_failure(check(source_backup_id=BACKUP, kms_key_id=value)[1], "kms_key_id")
    assert repr(value) in reason and fragment in reason


def test_bad_tags_make_one_failure_naming_each_problem() -> None:
    reason = only_failure(check(source_backup_id=BACKUP, tags={"aws:x": "1", "ok": "2", "bad": "!"})[1], "tags")
    assert "'aws:x'" in reason and "'bad'" in reason and "'ok'" not in reason


def test_many_bad_tags_are_summarised() -> None:
    reason = only_failure(check(source_backup_id=BACKUP, tags={f"k{i}": "!" for i in range(40)})[1], "tags")
    assert "and 30 more problems" in reason and len(reason) < 3000


@pytest.mark.parametrize("value", ["t", "a" * 63, "A-z_0.9"])
def test_valid_tokens(value: str) -> None:
    assert check(source_backup_id=BACKUP, client_request_token=value)[1] == []


@pytest.mark.parametrize("value", ["", "a" * 64, "has space", "ü", 5])
def test_bad_tokens(value: object) -> None:
    reason = only_failure(check(source_backup_id=BACKUP, client_request_token=value)[1], "client_request_token")
    assert "1 to 63" in reason


@pytest.mark.parametrize("value", [30.0, 1, 0.5, 43200])
def test_valid_timeouts(value: object) -> None:
    assert check(source_backup_id=BACKUP, wait_timeout_minutes=value)[1] == []


@pytest.mark.parametrize("value", [0, 0.0, -5.0, True, math.nan, math.inf, "30", [30], 43200.5, 10**400])
def test_bad_timeouts(value: object) -> None:
    reason = only_failure(check(source_backup_id=BACKUP, wait_timeout_minutes=value)[1], "wait_timeout_minutes")
    assert "number of minutes between 0 and 43200" in reason


@pytest.mark.parametrize("field", ["copy_tags", "wait_for_available"])
@pytest.mark.parametrize("value", ["true", 1, 0.0, {}])
def test_bools_must_be_bools(field: str, value: object) -> None:
    reason = only_failure(check(source_backup_id=BACKUP, **only(field, value))[1], field)
    assert repr(value) in reason and "true or false" in reason


def test_one_failure_per_bad_field() -> None:
    _, failures = check(
        source_backup_id="nope",
        region="nowhere-1",
        kms_key_id="nope",
        copy_tags="yes",
        wait_timeout_minutes=-1,
        client_request_token="",
    )
    props = sorted(f.property for f in failures)
    assert props == sorted(
        [
            "source_backup_id",
            "region",
            "kms_key_id",
            "copy_tags",
            "wait_timeout_minutes",
            "client_request_token",
        ]
    )


def test_huge_values_are_truncated_in_reasons() -> None:
    _, failures = check(source_backup_id="x" * 1_000_000, region="y" * 1_000_000)
    assert len(failures) == 2
    assert all(len(f.reason) < 300 for f in failures)


def test_everything_unknown_in_preview() -> None:
    news = {name: UNKNOWN for name in INPUT_NAMES}
    inputs, failures = check_properties(news, default_region=None)
    assert failures == []
    assert inputs == news


def test_unknown_region_keeps_source_region_unknown() -> None:
    inputs, failures = check(
        source_backup_id=BACKUP,
        region=UNKNOWN,
        kms_key_id=f"arn:aws:kms:eu-west-1:111122223333:key/{KEY_ID}",
        tags={"Name": UNKNOWN},
    )
    assert failures == []
    assert inputs["region"] == UNKNOWN and inputs["source_region"] == UNKNOWN


def test_unknown_source_region_is_not_compared() -> None:
    inputs, failures = check(source_backup_id=BACKUP, source_region=UNKNOWN)
    assert failures == [] and inputs["source_region"] == UNKNOWN and inputs["region"] == "us-west-2"


def test_not_a_mapping_at_all() -> None:
    inputs, failures = check_properties(None, default_region=None)  # type: ignore[arg-type]
    assert {f.property for f in failures} == {"source_backup_id", "region"}
    assert inputs == {"wait_for_available": True}


def test_news_is_not_mutated() -> None:
    news = {"source_backup_id": BACKUP, "tags": None}
    check_properties(news, default_region="us-west-2")
    assert news == {"source_backup_id": BACKUP, "tags": None}


# -- property-based: check never raises, and failures only name fields that exist ---------------

_junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.text(min_size=300, max_size=3000)
    | st.just(UNKNOWN)
    | st.sampled_from(["us-west-2", "cn-north-1", "us-gov-west-1", BACKUP, KEY_ID, "alias/x", "aws:x"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10) | st.just(UNKNOWN) | st.integers(), inner)
    ),
    max_leaves=12,
)
_names = st.sampled_from(sorted(INPUT_NAMES | {"resource_identity", "__provider"})) | st.text(max_size=12)
_bags = st.dictionaries(_names, _junk, max_size=12)
_defaults = st.none() | st.text(max_size=20) | st.sampled_from(["us-west-2", "cn-north-1", "us-wst-2"])


@settings(max_examples=200, deadline=None)
@given(news=_bags, default_region=_defaults)
def test_check_never_raises_and_names_existing_fields(news: dict[str, Any], default_region: str | None) -> None:
    inputs, failures = check_properties(news, default_region=default_region)
    for failure in failures:
        assert failed_input(failure) in news or failure.property in ("region", "source_backup_id")
        assert isinstance(failure.reason, str) and failure.reason
    assert len({failed_input(f) for f in failures}) == len(failures)
    for key, value in news.items():
        if key not in INPUT_NAMES:
            assert inputs[key] is value


@settings(max_examples=200, deadline=None)
@given(
    news=st.fixed_dictionaries(
        {"source_backup_id": st.sampled_from([BACKUP, UNKNOWN])},
        optional={name: st.just(UNKNOWN) for name in INPUT_NAMES - {"source_backup_id"}},
    )
)
def test_unknowns_never_fail(news: dict[str, Any]) -> None:
    inputs, failures = check_properties(news, default_region="us-west-2")
    assert failures == []
    for key, value in news.items():
        assert inputs[key] == value


@given(junk=_junk)
def test_junk_as_a_whole_bag_never_raises(junk: object) -> None:
    check_properties(junk, default_region="us-west-2")  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["pulumi-fsx-copy:recorded", "Pulumi-FSx-Copy:mine"])
def test_the_provider_tag_prefix_is_refused(key: str) -> None:
    _, failures = check(source_backup_id=BACKUP, tags={key: "secret-value"})
    reason = only_failure(failures, "tags")
    assert key in reason and "pulumi-fsx-copy:" in reason and "secret-value" not in reason


def test_the_tag_limit_counts_the_provider_tags() -> None:
    _, failures = check(source_backup_id=BACKUP, tags={f"k{i}": "v" for i in range(47)})
    assert failures == []
    _, failures = check(source_backup_id=BACKUP, tags={f"k{i}": "v" for i in range(48)})
    assert "at most 47" in only_failure(failures, "tags")
