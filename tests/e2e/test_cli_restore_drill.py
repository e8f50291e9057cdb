"""RestoreDrill through the real CLI, on a clock the tests move (``TEST_CLOCK_ENV``, honoured against the
emulator only): no restore before a drill is due, exactly one once it is; the restore is timed, kept for its
window and deleted on the run after; a slow or failed restore fails the run and is still deleted; preview
makes no AWS call and refuses bad restore settings naming the field; nothing a drill restored is left; the
restores carry pulumi-aws's default tags, and custom_timeouts bound a drill's waits."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from devkit.cli import REGION, SOURCE_REGION, FsxStack, command, descendants, fsx, up_in_background, urn
from examples.drill.__main__ import main as drill_example
from pulumi_fsx_copy import RestoreDrill
from pulumi_fsx_copy.drill import DRILL_TAG_VALUE_PREFIX
from pulumi_fsx_copy.rules.drill_settings import HELD, TEST_CLOCK_ENV
from pulumi_fsx_copy.rules.facts import MAX_TAGS
from pulumi_fsx_copy.rules.identity import IDENTITY_TAG
from pulumi_fsx_copy.testing import RemoteEmulator
from pulumi_fsx_copy.testing.automation import EventLog
from tests.e2e.test_cli_retention import file_system_with_backups, new_backup
from tests.support.waits import eventually

DAY = 86400.0
DRILL_TYPE = "pulumi-python:dynamic/fsx:RestoreDrill"


def network(fsx_remote: RemoteEmulator) -> dict[str, Any]:
    """file_system_settings' network members: a subnet and a security group of the DR Region."""
    seeded = fsx_remote.seed_network(REGION)
    return {"SubnetIds": [seeded["SubnetId"]], "SecurityGroupIds": [seeded["SecurityGroupId"]]}


def drill_program(backup_id: str, settings: dict[str, Any], **options: Any) -> Callable[[], None]:
    def program() -> None:
        drill = RestoreDrill("drill", backup_id=backup_id, file_system_settings=settings, **options)
        for name in (
            "restored_id",
            "restore_seconds",
            "drilled_backup_id",
            "last_drill_at",
            "last_result",
            "last_success_at",
            "consecutive_failures",
            "keep_until",
        ):
            pulumi.export(name, getattr(drill, name))

    return program


def at(days: float) -> dict[str, str]:
    """The stack's environment with the drill's clock ``days`` ahead."""
    return {TEST_CLOCK_ENV: str(days * DAY)}


def file_systems() -> dict[str, str]:
    """The DR Region's file systems a drill restored that are not being deleted, with their Lifecycle."""
    pages = fsx(REGION).get_paginator("describe_file_systems").paginate()
    found = [f for page in pages for f in page["FileSystems"]]
    return {f["FileSystemId"]: f["Lifecycle"] for f in found if f["Lifecycle"] != "DELETING" and drilled(f)}


def drilled(file_system: dict[str, Any]) -> bool:
    """Whether a drill restored it (its identity tag: ``drill-`` and the drill's digest)."""
    tags = {t["Key"]: t["Value"] for t in file_system.get("Tags") or []}
    return tags.get(IDENTITY_TAG, "").startswith(DRILL_TAG_VALUE_PREFIX)


def wait_until(done: Callable[[], bool], seconds: float = 30.0) -> None:
    give_up = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < give_up, "timed out"
        time.sleep(0.2)


def outputs(result: auto.UpResult) -> dict[str, Any]:
    return {k: v.value for k, v in result.outputs.items()}


def test_a_weekly_drill_restores_once_when_due_keeps_its_window_then_deletes(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    fsx_remote.configure(restore_seconds=1.0)
    backup_id = fsx_remote.seed_backup(REGION)
    program = drill_program(backup_id, network(fsx_remote), every="1w", keep_for="1d")

    log = EventLog()
    first = outputs(fsx_stack(program, env=at(0)).up(on_event=log.record))
    [restored] = file_systems()
    assert first["restored_id"] == restored and file_systems()[restored] == "AVAILABLE"
    shown = log.status_messages(urn("test", "drill", type_=DRILL_TYPE))  # the drill's progress, in its row
    assert shown[0].startswith(f"drill due (no drill has run yet): restoring {backup_id}")
    assert any(m.startswith(f"restoring {backup_id} to {restored}: CREATING") for m in shown), shown
    assert first["drilled_backup_id"] == backup_id and first["last_result"] == "SUCCEEDED"
    assert 0.5 <= first["restore_seconds"] < 30 and first["consecutive_failures"] == 0

    same_day = fsx_stack(program, env=at(0.5)).up()  # not due, window open: nothing changes
    assert same_day.summary.resource_changes == {"same": 3}
    assert list(file_systems()) == [restored]

    after_window = outputs(fsx_stack(program, env=at(1.5)).up())  # window over: deleted, no drill
    assert file_systems() == {} and after_window.get("restored_id") is None
    assert after_window["last_drill_at"] == first["last_drill_at"]

    before_due = fsx_stack(program, env=at(6.9)).up()
    assert before_due.summary.resource_changes == {"same": 3} and file_systems() == {}

    due = outputs(fsx_stack(program, env=at(7.1)).up())  # exactly one new restore
    [again] = file_systems()
    assert again != restored and due["restored_id"] == again and due["last_drill_at"] > first["last_drill_at"]

    fsx_stack(program, env=at(7.1)).destroy()
    assert file_systems() == {}


def test_a_restore_slower_than_max_restore_minutes_fails_the_run_and_is_deleted(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    fsx_remote.configure(restore_seconds=6.0)
    backup_id = fsx_remote.seed_backup(REGION)
    program = drill_program(backup_id, network(fsx_remote), max_restore_minutes=0.03)  # 1.8 s
    stack = fsx_stack(program, env=at(0))
    with pytest.raises(auto.CommandError, match="RestoreTimeoutError") as failed:
        stack.up()
    assert backup_id in str(failed.value) and "max_restore_minutes" in str(failed.value)
    assert len(file_systems()) == 1  # FSx refuses to delete it while CREATING: the record holds it

    wait_until(lambda: "CREATING" not in file_systems().values())
    result = outputs(fsx_stack(program, env=at(0)).up())  # deletes it; the failed drill is not repeated
    assert file_systems() == {}
    assert result["last_result"] == "FAILED" and result["consecutive_failures"] == 1


def test_a_failed_restore_fails_the_run_naming_the_copy_and_is_deleted(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    fsx_remote.configure(restore_seconds=0.5)
    fsx_remote.fail_next_restores("the backup's data could not be read")
    backup_id = fsx_remote.seed_backup(REGION)
    stack = fsx_stack(drill_program(backup_id, network(fsx_remote)), env=at(0))
    with pytest.raises(auto.CommandError, match="RestoreFailedError") as failed:
        stack.up()
    assert backup_id in str(failed.value) and "could not be read" in str(failed.value)
    assert file_systems() == {}  # FAILED: FSx allows the delete at once
    [record] = [r for r in stack.export_stack().deployment["resources"] if r["type"].endswith("RestoreDrill")]
    assert record["outputs"]["last_result"] == "FAILED" and record["outputs"]["consecutive_failures"] == 1


def test_preview_makes_no_aws_call_and_refuses_bad_restore_settings_naming_the_field(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    backup_id = fsx_remote.seed_backup(REGION)
    own_tag = [{"Key": IDENTITY_TAG, "Value": "mine"}]
    bad = {"SubnetIds": "subnet-1", "StorageType": "FAST", "Tags": own_tag, "LustreConfiguration": {"Size": 1}}
    fsx_remote.reset_calls()
    with pytest.raises(auto.CommandError) as refused:
        fsx_stack(drill_program(backup_id, bad, keep_for="9d"), env=at(0)).preview()
    text = str(refused.value)
    for field in (
        "file_system_settings.SubnetIds",
        "file_system_settings.StorageType 'FAST'",
        f"file_system_settings.Tags has the key '{IDENTITY_TAG}', which is the drill's own",
        "file_system_settings.LustreConfiguration.Size",
        "keep_for '9d'",
    ):
        assert field in text, field
    assert fsx_remote.calls() == 0

    program = drill_program(backup_id, network(fsx_remote))
    fsx_stack(program, env=at(0)).up()
    fsx_remote.reset_calls()
    preview = fsx_stack(program, env=at(8)).preview()  # a weekly drill is due: shown, nothing asked of AWS
    assert preview.change_summary.get("update") == 1 and fsx_remote.calls() == 0


def test_a_windows_directory_password_is_never_in_the_state_outputs_or_errors_in_plain_text(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator, tmp_path: Path
) -> None:
    password = "Pa55-never-in-plain-text"
    fsx_remote.configure(restore_seconds=0.2)
    backup_id = fsx_remote.seed_backup(REGION, file_system_type="WINDOWS")
    directory = {"DomainName": "corp.example.com", "UserName": "Admin", "DnsIps": ["10.0.0.10"]}

    def program() -> None:
        settings = {
            **network(fsx_remote),
            "WindowsConfiguration": {
                "ThroughputCapacity": 32,
                "SelfManagedActiveDirectoryConfiguration": {**directory, "Password": pulumi.Output.secret(password)},
            },
        }
        drill = RestoreDrill("drill", backup_id=backup_id, file_system_settings=settings, max_restore_minutes=0.001)
        pulumi.export("settings", drill.file_system_settings)  # type: ignore[attr-defined]

    stack = fsx_stack(program, env=at(0))
    with pytest.raises(auto.CommandError) as failed:  # too slow for 0.06 s: the error path, too
        stack.up()
    assert password not in str(failed.value)
    files = [p for p in (tmp_path / "state").rglob("*") if p.is_file()]
    assert files and not [p for p in files if password.encode() in p.read_bytes()]
    [record] = [r for r in stack.export_stack().deployment["resources"] if r["type"].endswith("RestoreDrill")]
    assert password not in str(record["outputs"])


def _clis() -> list[int]:
    """The `pulumi` CLIs this test runs."""
    return [pid for pid in descendants(os.getpid()) if command(pid) == "pulumi"]


def _kill_providers() -> None:
    """SIGKILL the provider processes (Python) of the CLIs this test runs."""
    for cli in _clis():
        for pid in descendants(cli):
            if command(pid).startswith("python"):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def _in_background(stack: auto.Stack) -> tuple[threading.Thread, list[auto.CommandError]]:
    running, failed = up_in_background(stack)
    eventually(lambda: "CREATING" in file_systems().values(), "the restore started", timeout=120, interval=0.05)
    return running, failed


@pytest.mark.parametrize("then", ["up", "destroy"])
def test_ctrl_c_mid_restore_leaves_nothing_after_the_next_up_or_destroy(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator, then: str
) -> None:
    """The first Ctrl-C sends Cancel: the drill stops waiting, FSx refuses to delete a CREATING file system, so
    the failed create hands it to the engine in its record; the next `up` (or the `destroy`) deletes it."""
    fsx_remote.configure(restore_seconds=8.0)
    backup_id = fsx_remote.seed_backup(REGION)
    program = drill_program(backup_id, network(fsx_remote))
    stack = fsx_stack(program, env=at(0))
    running, failed = _in_background(stack)
    for cli in _clis():
        os.kill(cli, signal.SIGINT)
    running.join(timeout=120)
    assert failed and "cancelled" in str(failed[0])
    [restored] = file_systems()
    [record] = [r for r in stack.export_stack().deployment["resources"] if r["type"].endswith("RestoreDrill")]
    assert [h["id"] for h in record["outputs"][HELD]] == [restored]

    wait_until(lambda: "CREATING" not in file_systems().values())  # FSx deletes it once it is AVAILABLE
    if then == "up":
        fsx_stack(program, env=at(0)).up()
    else:
        stack.destroy()
    assert file_systems() == {}


def test_a_provider_killed_mid_restore_leaves_nothing_after_the_next_up(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    """SIGKILL of the provider process mid-restore: no state records the file system, but it carries the
    drill's stack-keyed identity, so the next `up` finds it in its one listing and deletes it."""
    fsx_remote.configure(restore_seconds=8.0)
    backup_id = fsx_remote.seed_backup(REGION)
    program = drill_program(backup_id, network(fsx_remote))
    stack = fsx_stack(program, env=at(0))
    running, failed = _in_background(stack)
    _kill_providers()
    running.join(timeout=120)
    assert failed
    assert len(file_systems()) == 1  # recorded by no state
    wait_until(lambda: "CREATING" not in file_systems().values())

    fsx_remote.configure(restore_seconds=0.2)
    result = outputs(fsx_stack(program, env=at(0)).up())
    assert file_systems() == {} and result["last_result"] == "SUCCEEDED"


def volumes() -> dict[str, str]:
    """The DR Region's volumes a drill restored that are not being deleted, with their Lifecycle."""
    pages = fsx(REGION).get_paginator("describe_volumes").paginate()
    found = [v for page in pages for v in page["Volumes"]]
    return {v["VolumeId"]: v["Lifecycle"] for v in found if v["Lifecycle"] != "DELETING" and drilled(v)}


def test_a_drill_of_an_ontap_volume_backup_restores_a_volume_on_the_svm_and_deletes_it(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    fsx_remote.configure(restore_seconds=0.5)
    backup_id = fsx_remote.seed_backup(REGION, file_system_type="ONTAP")
    [backup] = fsx(REGION).describe_backups(BackupIds=[backup_id])["Backups"]
    svm = backup["Volume"]["OntapConfiguration"]["StorageVirtualMachineId"]

    def program() -> None:
        settings = {"Name": "drill_volume", "OntapConfiguration": {"StorageVirtualMachineId": svm}}
        drill = RestoreDrill("drill", backup_id=backup_id, volume_settings=settings, keep_for="2h")
        pulumi.export("restored_id", drill.restored_id)
        pulumi.export("restore_seconds", drill.restore_seconds)

    config = {"aws:defaultTags": json.dumps({"tags": {"cost-center": "dr-42"}})}
    first = outputs(fsx_stack(program, env=at(0), config=config).up())
    [restored] = volumes()
    assert first["restored_id"] == restored and volumes()[restored] in ("CREATED", "AVAILABLE")
    assert first["restore_seconds"] >= 0.5
    [volume] = fsx(REGION).describe_volumes(VolumeIds=[restored])["Volumes"]
    assert {t["Key"]: t["Value"] for t in volume["Tags"]}["cost-center"] == "dr-42"  # pulumi-aws's default tags

    fsx_stack(program, env=at(0.1)).up()  # the 2-hour window is over: deleted
    assert volumes() == {}


def test_a_provider_killed_mid_restore_of_a_recorded_drill_leaves_nothing_after_destroy(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    """A drill the state records (a later, due drill): its Delete finds the killed run's file system by the
    drill's tags in one listing, waits until FSx allows the delete, and deletes it."""
    fsx_remote.configure(restore_seconds=0.2)
    backup_id = fsx_remote.seed_backup(REGION)
    program = drill_program(backup_id, network(fsx_remote))
    fsx_stack(program, env=at(0)).up()
    assert file_systems() == {}

    fsx_remote.configure(restore_seconds=6.0)
    stack = fsx_stack(program, env=at(8))
    running, failed = _in_background(stack)
    _kill_providers()
    running.join(timeout=120)
    assert failed and len(file_systems()) == 1

    stack.destroy()  # still CREATING: the delete waits for FSx to allow it
    assert file_systems() == {}


def test_the_history_outputs_keep_the_last_success_through_a_failed_later_drill(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    """A due drill that fails in an Update records the failure (the engine keeps the record it was handed) and
    keeps the last success and its restore time: what a dashboard or an alarm reads."""
    fsx_remote.configure(restore_seconds=0.5)
    backup_id = fsx_remote.seed_backup(REGION)
    program = drill_program(backup_id, network(fsx_remote))
    first = outputs(fsx_stack(program, env=at(0)).up())

    fsx_remote.fail_next_restores("the backup's data could not be read")
    stack = fsx_stack(program, env=at(8))
    with pytest.raises(auto.CommandError, match="RestoreFailedError"):
        stack.up()
    [record] = [r for r in stack.export_stack().deployment["resources"] if r["type"].endswith("RestoreDrill")]
    history = record["outputs"]
    assert history["last_result"] == "FAILED" and history["consecutive_failures"] == 1
    assert history["last_success_at"] == first["last_success_at"] and history["last_drill_at"] > first["last_drill_at"]
    assert history["last_success_restore_seconds"] == first["restore_seconds"]
    assert file_systems() == {}

    again = outputs(fsx_stack(program, env=at(16)).up())  # the next weekly drill succeeds: the count resets
    assert again["last_result"] == "SUCCEEDED" and again["consecutive_failures"] == 0


def test_the_example_drills_the_newest_retained_copy_weekly_whatever_new_backups_appear(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    """``examples/drill``: retention holds the newest copies; the weekly drill restores the newest one, keeps it
    for its window (4 h), and a new backup (a new newest copy) does not make a drill due before the week is out."""
    fsx_remote.configure(restore_seconds=0.5)
    file_system_id, _ = file_system_with_backups(fsx_remote, 2)
    seeded = fsx_remote.seed_network(REGION)
    config = {
        "fileSystemId": file_system_id,
        "sourceRegion": SOURCE_REGION,
        "drRegion": REGION,
        "keep": "2",
        "subnetIds": json.dumps([seeded["SubnetId"]]),
        "securityGroupIds": json.dumps([seeded["SecurityGroupId"]]),
    }
    first = outputs(fsx_stack(drill_example, config=config, env=at(0)).up())
    [restored] = file_systems()
    assert first["restored_file_system_id"] == restored and first["last_result"] == "SUCCEEDED"
    newest_copy = first["drilled_backup_id"]

    new_backup(file_system_id)  # a new newest copy the next run makes
    later = outputs(fsx_stack(drill_example, config=config, env=at(1)).up())
    assert file_systems() == {} and later["last_drill_at"] == first["last_drill_at"]
    assert later["drilled_backup_id"] == newest_copy

    week = outputs(fsx_stack(drill_example, config=config, env=at(7.5)).up())
    [again] = file_systems()
    assert week["drilled_backup_id"] != newest_copy and week["restored_file_system_id"] == again


def tags_of_file_system(file_system_id: str) -> dict[str, str]:
    """The tags DescribeFileSystems shows on ``file_system_id``."""
    [found] = fsx(REGION).describe_file_systems(FileSystemIds=[file_system_id])["FileSystems"]
    return {t["Key"]: t["Value"] for t in found.get("Tags") or []}


def default_tags(tags: dict[str, str]) -> dict[str, str]:
    """The stack config ``aws:defaultTags`` of ``tags``."""
    return {"aws:defaultTags": json.dumps({"tags": tags})}


def test_every_restore_carries_the_default_tags_under_its_declared_tags_and_a_change_reaches_the_next_restore(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    """pulumi-aws's ``aws:defaultTags`` are on the restore, under the declared ``Tags`` (a declared tag wins) and
    beside the drill's own; a change of them reaches the next drill's restore, while the one kept for its window
    keeps the tags it was made with (no change, no call)."""
    fsx_remote.configure(restore_seconds=0.5)
    backup_id = fsx_remote.seed_backup(REGION)
    settings = {**network(fsx_remote), "Tags": [{"Key": "team", "Value": "storage"}]}
    program = drill_program(backup_id, settings, every="1w", keep_for="1d")
    first_defaults = default_tags({"team": "dr", "cost-center": "dr-42"})

    first = outputs(fsx_stack(program, env=at(0), config=first_defaults).up())
    tags = tags_of_file_system(first["restored_id"])
    assert tags.items() >= {"team": "storage", "cost-center": "dr-42"}.items()  # the declared team wins
    assert tags[IDENTITY_TAG].startswith(DRILL_TAG_VALUE_PREFIX)

    changed = default_tags({"cost-center": "dr-43", "tier": "1"})
    inside_window = fsx_stack(program, env=at(0.5), config=changed).up()
    assert inside_window.summary.resource_changes == {"same": 3}
    kept = tags_of_file_system(first["restored_id"])
    assert kept["cost-center"] == "dr-42" and "tier" not in kept

    due = outputs(fsx_stack(program, env=at(7.1), config=changed).up())
    assert list(file_systems()) == [due["restored_id"]] and due["restored_id"] != first["restored_id"]
    tags = tags_of_file_system(due["restored_id"])
    assert tags.items() >= {"team": "storage", "cost-center": "dr-43", "tier": "1"}.items()


def test_default_tags_on_the_drills_own_key_or_beyond_fsxs_limit_are_refused_at_preview(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    backup_id = fsx_remote.seed_backup(REGION)
    program = drill_program(backup_id, network(fsx_remote))
    fsx_remote.reset_calls()
    with pytest.raises(auto.CommandError) as clash:
        fsx_stack(program, env=at(0), config=default_tags({IDENTITY_TAG: "not-a-drill"})).preview()
    assert f"defaultTags (the stack's aws:* config) has the key '{IDENTITY_TAG}', which is the drill's own" in str(
        clash.value
    )
    assert "not-a-drill" not in str(clash.value)  # never a tag value

    too_many = default_tags({f"tag-{i}": "v" for i in range(MAX_TAGS - 1)})
    with pytest.raises(auto.CommandError) as refused:
        fsx_stack(program, env=at(0), config=too_many).preview()
    assert f"defaultTags (the stack's aws:* config) ({MAX_TAGS - 1})" in str(refused.value)
    assert f"make {MAX_TAGS + 1} tags on the restore; FSx allows {MAX_TAGS}" in str(refused.value)
    assert fsx_remote.calls() == 0 and file_systems() == {}


def test_custom_timeouts_bound_the_restore_in_create_and_update_and_the_destroys_wait(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    """``custom_timeouts`` create bounds the first drill's restore, update a later drill's, delete the destroy's wait
    for a restore FSx cannot delete yet, each with ``max_restore_minutes`` (the shorter wins) and named when it
    set the bound; changing them after a failed drill tries the drill again at once."""
    fsx_remote.configure(restore_seconds=6.0)
    backup_id = fsx_remote.seed_backup(REGION)

    def program(**timeouts: str) -> Callable[[], None]:
        options = pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(**timeouts))
        return drill_program(backup_id, network(fsx_remote), opts=options)

    started = time.monotonic()
    with pytest.raises(auto.CommandError, match="RestoreTimeoutError") as create:
        fsx_stack(program(create="2s"), env=at(0)).up()
    assert "it took longer than custom_timeouts create (2s, shorter than max_restore_minutes 180)" in str(create.value)
    assert time.monotonic() - started < 30  # not max_restore_minutes' 3 hours
    wait_until(lambda: "CREATING" not in file_systems().values())

    fsx_remote.configure(restore_seconds=45.0)  # room for a slow CLI on a busy machine
    stack = fsx_stack(program(create="2s", update="3s", delete="1s"), env=at(0))
    with pytest.raises(auto.CommandError, match="RestoreTimeoutError") as update:
        stack.up()  # deletes the failed drill's restore; the changed custom_timeouts make the drill due again
    assert "it took longer than custom_timeouts update (3s" in str(update.value)
    [restored] = file_systems()
    assert file_systems()[restored] == "CREATING"

    started = time.monotonic()
    with pytest.raises(auto.CommandError, match="could not delete") as destroy:
        stack.destroy()  # the recorded delete bound: 1 s, not the restore's 45 s
    assert restored in str(destroy.value) and time.monotonic() - started < 45
    wait_until(lambda: "CREATING" not in file_systems().values(), seconds=90)
    stack.destroy()
    assert file_systems() == {}


def test_allowed_account_ids_excluding_the_account_fail_the_drills_preview(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    backup_id = fsx_remote.seed_backup(REGION)
    program = drill_program(backup_id, network(fsx_remote))
    with pytest.raises(auto.CommandError) as refused:
        fsx_stack(program, env=at(0), config={"aws:allowedAccountIds": '["111111111111"]'}).preview()
    message = str(refused.value)
    assert "account 123456789012, which allowedAccountIds (the stack's aws:* config) (111111111111)" in message
    assert "nothing is restored" in message and "Traceback" not in message

    allowed = fsx_stack(program, env=at(0), config={"aws:allowedAccountIds": '["123456789012"]'}).preview()
    assert allowed.change_summary == {"create": 3} and file_systems() == {}  # the stack, its key, the drill


def test_an_aws_error_repeating_a_default_tag_value_is_withheld(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    """A tag value may be a secret (``pulumi config set --secret aws:defaultTags``): AWS's message is withheld when
    it repeats one, as for BackupCopy's tags."""
    backup_id = fsx_remote.seed_backup(REGION)
    value = "owner-s3cret-4711"
    fsx_remote.fail_next("CreateFileSystemFromBackup", "BadRequest", message=f"Tag value {value} is not allowed.")
    stack = fsx_stack(drill_program(backup_id, network(fsx_remote)), env=at(0), config=default_tags({"owner": value}))
    with pytest.raises(auto.CommandError) as failed:
        stack.up()
    assert backup_id in str(failed.value) and value not in str(failed.value)
    assert file_systems() == {}
