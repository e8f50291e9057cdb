"""Issue 26: what the user reads through the real CLI when a copy fails or waits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pulumi
import pytest
from pulumi import automation as auto

from devkit.cli import REGION, SOURCE_REGION, FsxStack, copies_program, live_copies, one_copy, urn
from pulumi_fsx_copy.rules.facts import MAX_COPIES_IN_PROGRESS
from pulumi_fsx_copy.testing import RemoteEmulator
from pulumi_fsx_copy.testing.automation import EventLog
from tests.support.waits import eventually


def test_an_aws_failure_is_one_diagnostic_naming_its_class_without_a_traceback(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    fsx_remote.fail_next("CopyBackup", "UnsupportedOperation", message="Copies of this backup are not supported.")
    log = EventLog()

    with pytest.raises(auto.CommandError) as failure:
        fsx_stack(one_copy(source)).up(on_event=log.record)

    shown = str(failure.value)
    assert "Traceback" not in shown and 'File "' not in shown, shown
    assert "pulumi_fsx_copy.errors.UnsupportedCopyError: " in shown
    assert "Copies of this backup are not supported." in shown and source in shown
    shown_events = [
        e.diagnostic_event for e in log.events if e.diagnostic_event and e.diagnostic_event.severity != "debug"
    ]
    assert all("Traceback" not in event.message for event in shown_events), [e.message for e in shown_events]
    on_row = [e.message for e in shown_events if e.urn and e.urn.endswith("::dr") and e.severity == "error"]
    assert len(on_row) == 1 and on_row[0].startswith("pulumi_fsx_copy.errors.UnsupportedCopyError: "), on_row
    assert live_copies(REGION) == []


def test_a_create_waiting_for_its_source_says_so_in_its_row(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    fsx_remote.set_lifecycle(SOURCE_REGION, source, "CREATING")
    stack = fsx_stack(one_copy(source))
    log = EventLog()
    waiting = f"waiting for source backup {source} in {SOURCE_REGION} to become AVAILABLE"

    with ThreadPoolExecutor(max_workers=1) as pool:
        up = pool.submit(stack.up, on_event=log.record)
        eventually(lambda: any(waiting in m for m in log.status_messages(urn("test", "dr"))), "the waiting row")
        fsx_remote.set_lifecycle(SOURCE_REGION, source, "AVAILABLE")
        copy = up.result(timeout=120).outputs["id"].value

    messages = log.status_messages(urn("test", "dr"))
    assert messages[0].startswith(waiting) and "SourceBackupUnavailable" in messages[0], messages
    assert messages[-1] == f"copy {copy} into {REGION}: 100% (AVAILABLE)"


def test_a_create_waiting_for_a_copy_slot_says_so_in_its_row(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    fsx_remote.configure(copy_seconds=3.0)
    sources = [fsx_remote.seed_backup(SOURCE_REGION) for _ in range(MAX_COPIES_IN_PROGRESS + 1)]
    log = EventLog()

    fsx_stack(copies_program(sources)).up(on_event=log.record)

    waited = {
        name: messages
        for name in ["dr", *(f"dr-{i}" for i in range(1, len(sources)))]
        if (messages := log.status_messages(urn("test", name))) and messages[0].startswith("waiting")
    }
    assert waited, "no create waited for a slot"
    for messages in waited.values():
        assert messages[0].startswith(f"waiting for a copy slot in {REGION}: FSx allows 5 copies in progress")
        assert messages[-1].endswith("100% (AVAILABLE)")


def test_delete_before_replace_warns_that_the_region_is_left_without_a_copy(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    log = EventLog()

    fsx_stack(one_copy(source, opts=lambda: pulumi.ResourceOptions(delete_before_replace=True))).preview(
        on_event=log.record
    )

    shown = [e.diagnostic_event for e in log.events if e.diagnostic_event and e.diagnostic_event.severity == "warning"]
    warned = [e.message for e in shown if e.urn == urn("test", "dr") and "delete_before_replace=True" in e.message]
    assert len(warned) == 1 and "has no copy of the backup until the new one is AVAILABLE" in warned[0], warned
