"""A RestoreDrill's offline facts: durations, restore settings against FSx's model (sensitive members split
out, never shown), the test clock refused against AWS, and when a drill or a deletion is due."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pulumi.runtime.rpc import UNKNOWN

from pulumi_fsx_copy.drill_settings import (
    HELD,
    MAX_KEEP_FOR,
    TEST_CLOCK_ENV,
    merge_secrets,
    now,
    parse_duration,
    request_of,
    schedule,
    sensitive_paths,
    settings_problems,
    split_secrets,
    test_clock_problem,
)

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
        "Tags": [],
        "WindowsConfiguration": {
            "SelfManagedActiveDirectoryConfiguration": {"DomainName": "d", "UserName": "u", "Password": ["x" * 3]}
        },
    }
    problems = "\n".join(settings_problems("file_system_settings", bad))
    for member in (
        "file_system_settings.SubnetIds 'subnet-1' has the wrong type",
        "file_system_settings.StorageType 'FAST' is not one of FSx's values",
        "file_system_settings.Tags is set by the drill",
        "file_system_settings.WindowsConfiguration.ThroughputCapacity is required",
        "file_system_settings.WindowsConfiguration.SelfManagedActiveDirectoryConfiguration.Password has the wrong",
    ):
        assert member in problems, member
    assert "xxx" not in problems


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
