"""A RestoreDrill's offline facts: durations, restore settings against FSx's model (sensitive members split
out, never shown), the test clock refused against AWS, when a drill or a deletion is due, the restore's tags
(declared, pulumi-aws's default tags, the drill's own) and how long a restore may take (custom_timeouts)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pulumi
import pytest
from pulumi.runtime.rpc import UNKNOWN

from pulumi_fsx_copy.aws_options import timeouts_in_minutes
from pulumi_fsx_copy.drill import OWN_TAG_KEYS, RestoreDrillProvider
from pulumi_fsx_copy.errors import InvalidInputError
from pulumi_fsx_copy.rules.drill_settings import (
    CUSTOM_TIMEOUTS,
    HELD,
    MAX_KEEP_FOR,
    TEST_CLOCK_ENV,
    custom_minutes,
    declared_tags,
    merge_secrets,
    now,
    parse_duration,
    request_of,
    restore_tag_problems,
    restore_tags,
    schedule,
    sensitive_paths,
    settings_problems,
    split_secrets,
    test_clock_problem,
    wait_limit,
)
from pulumi_fsx_copy.rules.facts import MAX_TAGS
from pulumi_fsx_copy.rules.identity import IDENTITY_TAG, RESOURCE_TAG

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)
PASSWORD = "s3cret-Passw0rd"
WINDOWS = {
    "SubnetIds": ["subnet-0123456789abcdef0"],
    "WindowsConfiguration": {
        "ThroughputCapacity": 32.0,
        "SelfManagedActiveDirectoryConfiguration": {
            "DomainName": "corp.example.com",
            "UserName": "Admin",
            "Password": PASSWORD,
            "DnsIps": ["10.0.0.10"],
        },
    },
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7d", timedelta(days=7)), ("weekly", timedelta(weeks=1)), ("12h", timedelta(hours=12)), ("0h", timedelta(0))],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration("every", text, minimum=timedelta(0), maximum=timedelta(days=30)) == expected


def test_a_bad_or_out_of_range_duration_names_the_field_and_the_rule() -> None:
    assert "keep_for '8d' is outside 0 to 1w" in str(
        parse_duration("keep_for", "8d", minimum=timedelta(0), maximum=MAX_KEEP_FOR)
    )
    assert "every 'often' is not a duration" in str(
        parse_duration("every", "often", minimum=timedelta(0), maximum=MAX_KEEP_FOR)
    )


def test_the_directory_password_is_the_models_sensitive_member_and_is_split_out_and_back() -> None:
    path = ("WindowsConfiguration", "SelfManagedActiveDirectoryConfiguration", "Password")
    assert path in sensitive_paths("CreateFileSystemFromBackup")
    public, secret = split_secrets("CreateFileSystemFromBackup", WINDOWS)
    assert PASSWORD not in str(public) and secret == {
        "WindowsConfiguration": {"SelfManagedActiveDirectoryConfiguration": {"Password": PASSWORD}}
    }
    assert merge_secrets(public, secret) == WINDOWS


def test_good_settings_pass_and_engine_floats_become_the_models_integers() -> None:
    assert settings_problems("file_system_settings", WINDOWS) == []
    request = request_of("CreateFileSystemFromBackup", WINDOWS)
    assert request["WindowsConfiguration"]["ThroughputCapacity"] == 32
    assert isinstance(request["WindowsConfiguration"]["ThroughputCapacity"], int)


def test_bad_settings_name_each_member_and_never_show_a_sensitive_value() -> None:
    bad = {
        "SubnetIds": "subnet-1",
        "StorageType": "FAST",
        "ClientRequestToken": "t",
        "Tags": [{"Key": "team", "Value": 12345}],
        "WindowsConfiguration": {
            "SelfManagedActiveDirectoryConfiguration": {"DomainName": "d", "UserName": "u", "Password": ["x" * 3]}
        },
    }
    problems = "\n".join(settings_problems("file_system_settings", bad))
    for member in (
        "file_system_settings.SubnetIds 'subnet-1' has the wrong type",
        "file_system_settings.StorageType 'FAST' is not one of FSx's values",
        "file_system_settings.ClientRequestToken is set by the drill",
        "file_system_settings.Tags[0].Value has the wrong type",
        "file_system_settings.WindowsConfiguration.ThroughputCapacity is required",
        "file_system_settings.WindowsConfiguration.SelfManagedActiveDirectoryConfiguration.Password has the wrong",
    ):
        assert member in problems, member
    assert "xxx" not in problems and "12345" not in problems  # a tag value may be a secret


def test_unknown_settings_pass_at_preview() -> None:
    assert settings_problems("volume_settings", {"Name": UNKNOWN, "OntapConfiguration": UNKNOWN}) == []


def test_the_test_clock_moves_time_against_the_emulator_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TEST_CLOCK_ENV, str(timedelta(days=3).total_seconds()))
    monkeypatch.delenv("AWS_ENDPOINT_URL_FSX", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert "not the emulator" in str(test_clock_problem())
    assert now() - datetime.now(timezone.utc) < timedelta(minutes=1)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://fsx.us-west-2.amazonaws.com")
    assert test_clock_problem() is not None
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    assert test_clock_problem() is None
    assert now() - datetime.now(timezone.utc) > timedelta(days=2)


RECORD = {
    "last_drill_at": "2026-01-05T12:00:00Z",
    "drilled_backup_id": "backup-0123456789abcdef0",
    "force": None,
    HELD: [{"id": "fs-0123456789abcdef0", "kind": "file_system"}],
    "restored_id": "fs-0123456789abcdef0",
    "keep_until": "2026-01-06T12:00:00Z",
}
INPUTS = {"backup_id": "backup-0123456789abcdef0", "every": "1w"}


def test_nothing_is_due_inside_the_window_and_before_every() -> None:
    assert schedule(RECORD, INPUTS, T0 + timedelta(hours=23)) == schedule(RECORD, INPUTS, T0)
    assert schedule(RECORD, INPUTS, T0).drill is None and schedule(RECORD, INPUTS, T0).clean_up is None


def test_the_window_ends_then_every_elapses() -> None:
    assert schedule(RECORD, INPUTS, T0 + timedelta(days=1)).clean_up is not None
    assert schedule(RECORD, INPUTS, T0 + timedelta(days=6)).drill is None
    assert "every 1w has passed" in str(schedule(RECORD, INPUTS, T0 + timedelta(days=7)).drill)


def test_a_new_copy_with_drill_new_copies_or_a_new_force_value_makes_a_drill_due_an_unknown_does_not() -> None:
    newer = {**INPUTS, "backup_id": "backup-0000000000000000a"}
    assert schedule(RECORD, newer, T0).drill is None  # a new copy waits for `every`, unless asked
    assert "not drilled yet" in str(schedule(RECORD, {**newer, "drill_new_copies": True}, T0).drill)
    assert "force changed" in str(schedule(RECORD, {**INPUTS, "force": "audit-2026"}, T0).drill)
    assert (
        schedule(RECORD, {**INPUTS, "backup_id": UNKNOWN, "force": UNKNOWN, "drill_new_copies": True}, T0).drill is None
    )
    assert schedule({}, INPUTS, T0).drill == "no drill has run yet"


def test_a_failed_drills_leftover_is_due_for_deletion_at_once() -> None:
    leftover = {**RECORD, "restored_id": None, HELD: [{"id": "fs-0000000000000000a", "kind": "file_system"}]}
    assert schedule(leftover, INPUTS, T0).clean_up == "a failed drill's restore is still to delete"


def test_changed_restore_settings_after_a_failed_drill_make_a_drill_due_at_once() -> None:
    failed = {**RECORD, "last_result": "FAILED", "file_system_settings": {"SubnetIds": ["subnet-1"]}}
    fixed = {**INPUTS, "file_system_settings": {"SubnetIds": ["subnet-2"]}}
    assert "file_system_settings changed since the failed drill" in str(schedule(failed, fixed, T0).drill)
    assert schedule({**failed, "last_result": "SUCCEEDED"}, fixed, T0).drill is None
    assert schedule(failed, {**INPUTS, "file_system_settings": {"SubnetIds": ["subnet-1"]}}, T0).drill is None


def test_a_custom_timeouts_change_after_a_failed_drill_makes_a_drill_due_at_once() -> None:
    failed = {**RECORD, "last_result": "FAILED", CUSTOM_TIMEOUTS: {"update": 5.0}}
    longer = {**INPUTS, CUSTOM_TIMEOUTS: {"update": 60.0}}
    assert "custom_timeouts changed since the failed drill" in str(schedule(failed, longer, T0).drill)
    assert schedule({**failed, "last_result": "SUCCEEDED"}, longer, T0).drill is None


# -- the restore's tags: declared, pulumi-aws's default tags, the drill's own ----------------------------------

OWN = {IDENTITY_TAG: "drill-abc", RESOURCE_TAG: "test/drill"}
STACK = "the stack's aws:* config"


def test_the_restore_carries_the_default_tags_under_the_declared_ones_and_the_drills_own() -> None:
    declared = declared_tags({"Tags": [{"Key": "team", "Value": "storage"}, {"Key": "app", "Value": "files"}]})
    tags = {t["Key"]: t["Value"] for t in restore_tags(declared, {"team": "dr", "cost": "42"}, OWN)}
    assert tags == {"team": "storage", "app": "files", "cost": "42", **OWN}  # declared win; defaults on the rest
    assert (
        restore_tag_problems("file_system_settings", declared, {"team": "dr", "cost": "42"}, OWN_TAG_KEYS, STACK) == []
    )
    assert set(OWN_TAG_KEYS) == {IDENTITY_TAG, RESOURCE_TAG}


def test_a_default_or_declared_tag_on_the_drills_own_keys_is_refused_naming_the_key() -> None:
    problems = restore_tag_problems(
        "volume_settings", {RESOURCE_TAG: "mine"}, {IDENTITY_TAG: "theirs"}, OWN_TAG_KEYS, STACK
    )
    assert len(problems) == 2
    assert f"volume_settings.Tags has the key {RESOURCE_TAG!r}, which is the drill's own" in problems[0]
    assert f"defaultTags (the stack's aws:* config) has the key {IDENTITY_TAG!r}" in problems[1]
    assert not [p for p in problems if "mine" in p or "theirs" in p]  # never a tag value


def test_too_many_tags_together_are_refused_at_preview_naming_the_settings() -> None:
    declared = {f"d{i}": "v" for i in range(30)}
    defaults = {f"x{i}": "v" for i in range(MAX_TAGS - 30 - len(OWN_TAG_KEYS))}
    assert restore_tag_problems("file_system_settings", declared, defaults, OWN_TAG_KEYS, STACK) == []
    [problem] = restore_tag_problems(
        "file_system_settings", declared, {**defaults, "one-more": "v"}, OWN_TAG_KEYS, STACK
    )
    assert "file_system_settings.Tags (30) and defaultTags (the stack's aws:* config) (19)" in problem
    assert f"make {MAX_TAGS + 1} tags on the restore; FSx allows {MAX_TAGS}" in problem


def test_a_default_tag_fsx_refuses_is_refused_at_preview_naming_the_key() -> None:
    [problem] = restore_tag_problems("file_system_settings", {}, {"aws:team": "dr"}, OWN_TAG_KEYS, STACK)
    assert problem.startswith("defaultTags (the stack's aws:* config): tag key 'aws:team' starts with 'aws:'")


def _checked(settings: dict[str, object], **inputs: object) -> list[str]:
    """The drill's check of ``inputs`` with an explicit aws Provider 'west' of ``settings``: the failures."""
    news = {
        "backup_id": "backup-0123456789abcdef0",
        "file_system_settings": {"SubnetIds": ["subnet-0123456789abcdef0"]},
        "__aws_provider": {"name": "west", "settings": {"region": "us-west-2", **settings}},
        **inputs,
    }
    return [f"{f.property}: {f.reason}" for f in RestoreDrillProvider().check({}, news).failures]


def test_the_drills_check_refuses_what_it_cannot_honour_of_the_aws_providers_settings() -> None:
    assert _checked({"defaultTags": {"tags": {"team": "dr"}}}) == []
    [clash] = _checked({"defaultTags": {"tags": {IDENTITY_TAG: "x"}}})
    assert clash.startswith(f"file_system_settings: defaultTags (the aws Provider 'west') has the key {IDENTITY_TAG!r}")
    [many] = _checked({"defaultTags": {"tags": {f"k{i}": "v" for i in range(MAX_TAGS)}}})
    assert f"make {MAX_TAGS + 2} tags on the restore" in many
    [ignored] = _checked({"ignoreTags": {"keys": ["team"]}})  # refused, never silently ignored
    assert "the aws Provider 'west' setting ignoreTags is not supported" in ignored


# -- how long a restore may take: max_restore_minutes and custom_timeouts ----------------------------------------


def test_custom_timeouts_bound_the_restore_with_max_restore_minutes_the_shorter_winning() -> None:
    inputs = {"max_restore_minutes": 30.0, CUSTOM_TIMEOUTS: {"create": 10.0, "update": 90.0, "delete": 2.0}}
    assert wait_limit(inputs, "create", 180.0) == (
        10.0,
        "custom_timeouts create (600s, shorter than max_restore_minutes 30)",
    )
    assert wait_limit(inputs, "update", 180.0) == (30.0, "max_restore_minutes (30)")
    assert wait_limit({CUSTOM_TIMEOUTS: {"update": 90.0}}, "update", 180.0)[0] == 90.0  # under the default 180
    assert wait_limit({}, "create", 180.0) == (180.0, "max_restore_minutes (180)")
    assert custom_minutes(inputs, "delete") == 2.0 and custom_minutes({}, "delete") is None


def test_a_drills_custom_timeouts_are_read_for_create_update_and_delete_and_a_bad_one_is_refused() -> None:
    timeouts = pulumi.CustomTimeouts(create="90s", update="2h", delete="15m")
    operations = ("create", "update", "delete")
    opts = pulumi.ResourceOptions(custom_timeouts=timeouts)
    assert timeouts_in_minutes("d", opts, operations, "RestoreDrill") == {"create": 1.5, "update": 120.0, "delete": 15}
    bad = pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(update="soon"))
    with pytest.raises(InvalidInputError, match="RestoreDrill 'd': custom_timeouts update='soon' is not a positive"):
        timeouts_in_minutes("d", bad, operations, "RestoreDrill")
