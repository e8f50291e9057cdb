"""RetainedBackupCopies through the real CLI: the DR Region holds copies of a file system's K newest backups; a
new copy is AVAILABLE before any copy leaves; a copy leaves only when K newer copies are AVAILABLE in the DR
Region, whatever becomes of the primary; every run verifies the copies it counts and makes a lost one again."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from devkit.cli import REGION, SOURCE_REGION, MakeStack, fsx
from examples.retention.__main__ import main as retention_program
from pulumi_fsx_copy import RetainedBackupCopies
from pulumi_fsx_copy.rules.identity import OWNER_TAG, RESOURCE_TAG
from pulumi_fsx_copy.testing import RemoteEmulator
from pulumi_fsx_copy.testing.automation import EventLog

KEEP = 3
_CHILD = re.compile(r"dr-(backup-[0-9a-f]{17})(?:-\d{8}T\d{12}Z-[0-9a-f]{8})?")


def by_source(ops: dict[str, list[str]]) -> dict[str, list[str]]:
    """``EventLog.ops()`` keyed by each child's source backup ID (a child is named
    ``dr-<source>[-<source time>-<8 hex>]``)."""
    keyed: dict[str, list[str]] = {}
    for name, steps in ops.items():
        match = _CHILD.fullmatch(name)
        assert match is not None, f"unexpected resource {name}"
        keyed.setdefault(match.group(1), []).extend(steps)
    return keyed


def new_backup(file_system_id: str) -> str:
    """A USER_INITIATED backup of the file system in the source Region, once it is AVAILABLE."""
    client = fsx(SOURCE_REGION)
    backup_id = str(client.create_backup(FileSystemId=file_system_id)["Backup"]["BackupId"])
    while client.describe_backups(BackupIds=[backup_id])["Backups"][0]["Lifecycle"] != "AVAILABLE":
        time.sleep(0.05)
    return backup_id


def file_system_with_backups(fsx_remote: RemoteEmulator, count: int) -> tuple[str, list[str]]:
    """A persistent Lustre file system in the source Region with ``count`` backups, oldest first."""
    first = fsx_remote.seed_backup(SOURCE_REGION, deployment_type="PERSISTENT_2")
    file_system_id = str(
        fsx(SOURCE_REGION).describe_backups(BackupIds=[first])["Backups"][0]["FileSystem"]["FileSystemId"]
    )
    return file_system_id, [first, *(new_backup(file_system_id) for _ in range(count - 1))]


def dr_copies(file_system_id: str, *, available_only: bool = False, region: str = REGION) -> dict[str, str]:
    """Source backup ID -> copy ID of the live copies of the file system's backups in the DR Region."""
    pages = fsx(region).get_paginator("describe_backups").paginate()
    wanted = {"AVAILABLE"} if available_only else {"AVAILABLE", "COPYING", "PENDING"}
    return {
        b["SourceBackupId"]: b["BackupId"]
        for page in pages
        for b in page["Backups"]
        if b.get("SourceBackupId") and b["Lifecycle"] in wanted and b["FileSystem"]["FileSystemId"] == file_system_id
    }


def retaining_stack(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> tuple[str, list[str], auto.Stack, dict[str, str]]:
    """A file system with KEEP backups (oldest first), a stack retaining them, and its copies after a first up."""
    file_system_id, backups = file_system_with_backups(fsx_remote, KEEP)
    stack = fsx_stack(retained(file_system_id))
    return file_system_id, backups, stack, dict(stack.up().outputs["copies"].value)


def retained(file_system_id: str, **options: Any) -> Callable[[], None]:
    def program() -> None:
        dr = RetainedBackupCopies(
            "dr", file_system_id=file_system_id, source_region=SOURCE_REGION, region=REGION, keep=KEEP, **options
        )
        pulumi.export("copies", dr.backup_ids)
        pulumi.export("newest", dr.newest_backup_id)
        pulumi.export("newest_source", dr.newest_source_backup_id)
        pulumi.export("rpo_seconds", dr.rpo_seconds)

    return program


@contextmanager
def sampling_available_copies(file_system_id: str) -> Iterator[list[int]]:
    """Counts of AVAILABLE copies in the DR Region, sampled with boto3 until the block ends."""
    counts: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            counts.append(len(dr_copies(file_system_id, available_only=True)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield counts
    finally:
        stop.set()
        sampler.join()


def order(log: EventLog) -> list[tuple[str, str]]:
    """(what, resource name) in the order the engine reported them: ``done`` when a create finished,
    ``delete`` when a delete started."""
    seen: list[tuple[str, str]] = []
    for event in log.events:
        done = event.res_outputs_event
        if done is not None and done.metadata.op == auto.OpType.CREATE:
            seen.append(("done", done.metadata.urn.rsplit("::", 1)[-1]))
        if event.resource_pre_event is not None and event.resource_pre_event.metadata.op == auto.OpType.DELETE:
            seen.append(("delete", event.resource_pre_event.metadata.urn.rsplit("::", 1)[-1]))
    return seen


def test_keep_three_of_five_backups_takes_the_three_newest(fsx_stack: MakeStack, fsx_remote: RemoteEmulator) -> None:
    file_system_id, backups = file_system_with_backups(fsx_remote, 5)
    stack = fsx_stack(retained(file_system_id))

    outputs = stack.up().outputs

    newest = list(reversed(backups))[:KEEP]
    copies = dict(outputs["copies"].value)
    assert sorted(copies) == sorted(newest)
    assert dr_copies(file_system_id, available_only=True) == copies
    assert outputs["newest"].value == copies[backups[-1]]
    assert outputs["newest_source"].value == backups[-1]
    assert isinstance(outputs["rpo_seconds"].value, (int, float)) and outputs["rpo_seconds"].value >= 0


def test_a_new_backup_is_copied_before_the_oldest_copy_is_deleted(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    file_system_id, backups, stack, before = retaining_stack(fsx_stack, fsx_remote)
    fsx_remote.configure(copy_seconds=1.0)  # long enough for the sampler to see the copy in progress
    newer = new_backup(file_system_id)

    log = EventLog()
    with sampling_available_copies(file_system_id) as counts:
        after = dict(stack.up(on_event=log.record).outputs["copies"].value)

    assert by_source(log.ops()) == {newer: ["create"], backups[0]: ["delete"]}
    assert [(what, _CHILD.fullmatch(name).group(1)) for what, name in order(log)] == [  # type: ignore[union-attr]
        ("done", newer),
        ("delete", backups[0]),
    ]
    assert sorted(after) == sorted([newer, *backups[1:]])
    assert {k: v for k, v in after.items() if k != newer} == {k: v for k, v in before.items() if k != backups[0]}
    assert dr_copies(file_system_id, available_only=True) == after
    assert counts and min(counts) >= KEEP, (
        f"the DR Region held fewer than {KEEP} AVAILABLE copies: {sorted(set(counts))}"
    )


@pytest.mark.parametrize("continue_on_error", [False, True], ids=["default", "continue-on-error"])
def test_a_failed_new_copy_deletes_nothing(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator, continue_on_error: bool
) -> None:
    file_system_id, backups, stack, before = retaining_stack(fsx_stack, fsx_remote)
    newer = new_backup(file_system_id)
    fsx_remote.fail_next_copies("The source file system's KMS key was disabled")

    log = EventLog()
    with pytest.raises(auto.CommandError) as failure:
        stack.up(on_event=log.record, continue_on_error=continue_on_error)

    assert "delete" not in {op for ops in log.ops().values() for op in ops}
    assert dr_copies(file_system_id, available_only=True) == before
    assert "CopyFailedError" in str(failure.value)
    if continue_on_error:
        assert "RetentionIncompleteError" in str(failure.value) and newer in str(failure.value)

    after = dict(stack.up().outputs["copies"].value)  # the next run makes the copy, then deletes the oldest
    assert sorted(after) == sorted([newer, *backups[1:]])
    assert dr_copies(file_system_id, available_only=True) == after


def test_preview_shows_the_planned_creates_and_deletes(fsx_stack: MakeStack, fsx_remote: RemoteEmulator) -> None:
    file_system_id, backups = file_system_with_backups(fsx_remote, KEEP)
    stack = fsx_stack(retained(file_system_id))
    stack.up()
    first, second = new_backup(file_system_id), new_backup(file_system_id)

    log = EventLog()
    preview = stack.preview(on_event=log.record)

    assert by_source(log.ops()) == {
        first: ["create"],
        second: ["create"],
        backups[0]: ["delete"],
        backups[1]: ["delete"],
    }
    assert preview.change_summary.get(auto.OpType.CREATE) == 2
    assert preview.change_summary.get(auto.OpType.DELETE) == 2
    assert len(dr_copies(file_system_id)) == KEEP, "preview made or deleted a copy"


def test_max_age_fails_the_run_naming_the_file_system_and_the_newest_backup(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    file_system_id, backups = file_system_with_backups(fsx_remote, 1)
    stack = fsx_stack(retained(file_system_id, max_age=timedelta(hours=1)))
    assert dict(stack.up().outputs["copies"].value).keys() == {backups[0]}

    time.sleep(1.5)  # the newest backup is now older than a one-second max_age
    stale = fsx_stack(retained(file_system_id, max_age=timedelta(seconds=1)))
    with pytest.raises(auto.CommandError) as failure:
        stale.up()

    message = str(failure.value)
    assert "StaleBackupsError" in message
    assert file_system_id in message and backups[0] in message and "max_age" in message
    assert dr_copies(file_system_id, available_only=True).keys() == {backups[0]}
    with pytest.raises(auto.CommandError, match="StaleBackupsError"):
        stale.preview()


def example_stack(fsx_stack: MakeStack, file_system_id: str, keep: str) -> auto.Stack:
    """A stack of ``examples/retention`` holding ``keep`` copies in us-west-2 and eu-west-1."""
    return fsx_stack(
        retention_program,
        config={
            "fileSystemId": file_system_id,
            "sourceRegion": SOURCE_REGION,
            "drRegions": '["us-west-2", "eu-west-1"]',
            "keep": keep,
        },
    )


@pytest.mark.parametrize("keep", ["3", "2"])
def test_the_example_program_over_two_regions(fsx_stack: MakeStack, fsx_remote: RemoteEmulator, keep: str) -> None:
    file_system_id, backups = file_system_with_backups(fsx_remote, 3)
    regions = [REGION, "eu-west-1"]
    stack = example_stack(fsx_stack, file_system_id, keep)

    outputs = stack.up().outputs

    newest = list(reversed(backups))[: int(keep)]
    copies = outputs["dr_copies"].value
    assert sorted(copies) == sorted(regions)
    assert all(sorted(copies[region]) == sorted(newest) for region in regions)
    assert outputs["newest_source_backup_id"].value == backups[-1]
    assert {region: copies[region][backups[-1]] for region in regions} == outputs["newest_dr_copies"].value


def sampled_up(stack: auto.Stack, file_system_id: str, **options: Any) -> tuple[auto.UpResult, EventLog]:
    """``up`` while a thread samples the DR Region: it never holds fewer AVAILABLE copies than before the run."""
    before = len(dr_copies(file_system_id, available_only=True))
    log = EventLog()
    with sampling_available_copies(file_system_id) as counts:
        result = stack.up(on_event=log.record, **options)
    assert counts and min(counts) >= before, f"{before} AVAILABLE copies before the run, then {sorted(set(counts))}"
    return result, log


def windows_file_system_with_backups(fsx_remote: RemoteEmulator, users: int) -> tuple[str, str, list[str]]:
    """A Windows file system with one AUTOMATIC backup and ``users`` USER_INITIATED ones, oldest first."""
    automatic = fsx_remote.seed_backup(SOURCE_REGION, file_system_type="WINDOWS", backup_type="AUTOMATIC")
    file_system_id = str(
        fsx(SOURCE_REGION).describe_backups(BackupIds=[automatic])["Backups"][0]["FileSystem"]["FileSystemId"]
    )
    return file_system_id, automatic, [new_backup(file_system_id) for _ in range(users)]


def test_the_primary_deleted_its_final_backup_is_copied_and_no_copy_leaves_for_want_of_a_source(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    file_system_id, automatic, users = windows_file_system_with_backups(fsx_remote, KEEP - 1)
    stack = fsx_stack(retained(file_system_id))
    held = dict(stack.up().outputs["copies"].value)
    assert sorted(held) == sorted([automatic, *users])

    # The disaster: FSx deletes the file system's AUTOMATIC backups with it and takes a final backup.
    answer = fsx(SOURCE_REGION).delete_file_system(FileSystemId=file_system_id)
    final = answer["WindowsResponse"]["FinalBackupId"]
    while fsx(SOURCE_REGION).describe_backups(BackupIds=[final])["Backups"][0]["Lifecycle"] != "AVAILABLE":
        time.sleep(0.05)

    result, log = sampled_up(stack, file_system_id)
    copies = dict(result.outputs["copies"].value)
    # The final backup is copied; the automatic backup's copy leaves only because KEEP newer copies are AVAILABLE.
    assert by_source(log.ops()) == {final: ["create"], automatic: ["delete"]}
    assert sorted(copies) == sorted([final, *users])
    assert result.outputs["newest_source"].value == final
    assert result.outputs["newest"].value == copies[final]
    assert f"file system {file_system_id} is gone" in result.stdout

    # The primary's surviving backups go too: three more scheduled runs retire nothing.
    for backup_id in users:
        fsx(SOURCE_REGION).delete_backup(BackupId=backup_id)
    for _ in range(3):
        result, log = sampled_up(stack, file_system_id)
        assert by_source(log.ops()) == {}
        assert dict(result.outputs["copies"].value) == copies
        assert f"file system {file_system_id} is gone" in result.stdout
        assert dr_copies(file_system_id, available_only=True) == copies

    time.sleep(1.5)  # the final backup, the newest source, is now older than a one-second max_age
    stale = fsx_stack(retained(file_system_id, max_age=timedelta(seconds=1)))
    with pytest.raises(auto.CommandError) as failure:
        stale.up()
    assert "StaleBackupsError" in str(failure.value) and final in str(failure.value)
    assert dr_copies(file_system_id, available_only=True) == copies


def test_backups_deleted_in_the_primary_delete_no_copy(fsx_stack: MakeStack, fsx_remote: RemoteEmulator) -> None:
    file_system_id, backups, stack, held = retaining_stack(fsx_stack, fsx_remote)
    for backup_id in backups[:2]:
        fsx(SOURCE_REGION).delete_backup(BackupId=backup_id)

    result, log = sampled_up(stack, file_system_id)

    assert by_source(log.ops()) == {}
    assert dict(result.outputs["copies"].value) == held
    assert dr_copies(file_system_id, available_only=True) == held


@pytest.mark.parametrize("loss", ["deleted", "failed"])
def test_the_newest_copy_lost_out_of_band_is_made_again_by_the_next_plain_up(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator, loss: str
) -> None:
    file_system_id, backups, stack, held = retaining_stack(fsx_stack, fsx_remote)
    lost = held[backups[-1]]
    if loss == "deleted":
        fsx(REGION).delete_backup(BackupId=lost)
    else:
        fsx_remote.set_lifecycle(REGION, lost, "FAILED")

    result, log = sampled_up(stack, file_system_id)

    copies = dict(result.outputs["copies"].value)
    assert by_source(log.ops()) == {backups[-1]: ["create", "delete"]}  # a new child, then the lost one's
    assert copies[backups[-1]] != lost
    assert {k: v for k, v in copies.items() if k != backups[-1]} == {k: v for k, v in held.items() if k != backups[-1]}
    assert dr_copies(file_system_id, available_only=True) == copies
    assert result.outputs["newest"].value == copies[backups[-1]]
    source_age = (
        time.time()
        - fsx(SOURCE_REGION).describe_backups(BackupIds=[backups[-1]])["Backups"][0]["CreationTime"].timestamp()
    )
    assert 0 <= result.outputs["rpo_seconds"].value <= source_age + 1
    if loss == "failed":
        assert lost not in fsx_ids(REGION), "the FAILED copy was left"

    again = EventLog()
    assert dict(stack.up(on_event=again.record).outputs["copies"].value) == copies
    assert again.ops() == {}


def fsx_ids(region: str) -> set[str]:
    pages = fsx(region).get_paginator("describe_backups").paginate()
    return {b["BackupId"] for page in pages for b in page["Backups"]}


def test_a_failing_primary_look_up_fails_the_run_and_deletes_nothing(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    file_system_id, _, stack, held = retaining_stack(fsx_stack, fsx_remote)
    new_backup(file_system_id)  # would retire the oldest copy
    fsx_remote.fail_next("DescribeBackups", "AccessDeniedException", region=SOURCE_REGION, count=20)

    log = EventLog()
    with pytest.raises(auto.CommandError) as failure:
        stack.up(on_event=log.record)

    assert "AccessDenied" in str(failure.value) and "DescribeBackups" in str(failure.value)
    assert "delete" not in {op for ops in log.ops().values() for op in ops}
    assert dr_copies(file_system_id, available_only=True) == held


def test_an_owner_tag_removed_from_a_held_copy_deletes_nothing(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    file_system_id, backups, stack, held = retaining_stack(fsx_stack, fsx_remote)
    oldest = fsx(REGION).describe_backups(BackupIds=[held[backups[0]]])["Backups"][0]
    fsx(REGION).untag_resource(ResourceARN=oldest["ResourceARN"], TagKeys=[OWNER_TAG])

    result, log = sampled_up(stack, file_system_id)

    assert by_source(log.ops()) == {}
    assert dict(result.outputs["copies"].value) == held
    assert dr_copies(file_system_id, available_only=True) == held


def test_a_resource_tag_removed_from_a_held_copy_deletes_nothing(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    """The component recognises its copies by their resource tag: without it, the copy's child leaves the program,
    and the delete keeps the copy (a retirement the tag's loss caused looks like any other delete)."""
    file_system_id, backups, stack, held = retaining_stack(fsx_stack, fsx_remote)
    stripped = held[backups[0]]
    arn = fsx(REGION).describe_backups(BackupIds=[stripped])["Backups"][0]["ResourceARN"]
    fsx(REGION).untag_resource(ResourceARN=arn, TagKeys=[RESOURCE_TAG])

    result, log = sampled_up(stack, file_system_id)

    assert fsx(REGION).describe_backups(BackupIds=[stripped])["Backups"][0]["Lifecycle"] == "AVAILABLE"
    assert by_source(log.ops())[backups[0]] == ["create", "delete"]  # a new copy of it, then the old child leaves
    warnings = [e.diagnostic_event.message for e in log.events if e.diagnostic_event is not None]
    assert any(stripped in line and RESOURCE_TAG in line for line in warnings)
    assert dict(result.outputs["copies"].value)[backups[0]] != stripped


def test_destroy_deletes_every_copy(fsx_stack: MakeStack, fsx_remote: RemoteEmulator) -> None:
    file_system_id, backups, stack, held = retaining_stack(fsx_stack, fsx_remote)
    fsx(REGION).delete_backup(BackupId=held[backups[-1]])
    stack.up()  # makes the lost copy again

    stack.destroy()

    assert dr_copies(file_system_id) == {}


def test_each_region_of_the_example_decides_on_its_own_copies(fsx_stack: MakeStack, fsx_remote: RemoteEmulator) -> None:
    file_system_id, backups = file_system_with_backups(fsx_remote, 2)
    regions = [REGION, "eu-west-1"]
    stack = example_stack(fsx_stack, file_system_id, "2")
    held = stack.up().outputs["dr_copies"].value
    fsx("eu-west-1").delete_backup(BackupId=held["eu-west-1"][backups[-1]])

    log = EventLog()
    copies = stack.up(on_event=log.record).outputs["dr_copies"].value

    assert {name.split("-backup-")[0] for name in log.ops()} == {"dr-eu-west-1"}  # only there
    assert copies[REGION] == held[REGION]
    assert copies["eu-west-1"][backups[0]] == held["eu-west-1"][backups[0]]
    assert copies["eu-west-1"][backups[-1]] != held["eu-west-1"][backups[-1]]

    for backup_id in backups:  # the primary loses every backup: neither Region deletes a copy
        fsx(SOURCE_REGION).delete_backup(BackupId=backup_id)
    log = EventLog()
    assert stack.up(on_event=log.record).outputs["dr_copies"].value == copies
    assert log.ops() == {}
    assert {r: dr_copies(file_system_id, available_only=True, region=r) for r in regions} == copies
