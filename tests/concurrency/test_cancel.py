"""The engine's Cancel (first Ctrl-C of ``pulumi up``, and before every shutdown of the provider) ends the
provider's waits: no copy is deleted, the error names the copy, and the next run resumes the same copy."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from devkit.driver import ProviderError, ProviderProcess
from pulumi_fsx_copy.testing import RemoteEmulator
from tests.support.concurrency import (
    DR_REGIONS,
    LONG_COPY_SECONDS,
    cancel,
    eventually,
    in_progress,
    inputs,
    live_copies,
    outcome,
)

Start = Callable[..., ProviderProcess]
REGION = DR_REGIONS[0]


def _cancelled_message(error: object) -> str:
    assert isinstance(error, ProviderError), error
    assert error.last_line.startswith("pulumi_fsx_copy.errors.CopyCancelledError: "), error.last_line
    return error.last_line


def test_cancel_ends_waiting_creates_and_keeps_their_copies(
    start: Start, fsx_remote: RemoteEmulator, source: str, calls: ThreadPoolExecutor
) -> None:
    process = start()
    fsx_remote.configure(copy_seconds=LONG_COPY_SECONDS)
    checked = [process.check(f"copy{i}", {}, inputs(source, f"copy{i}", REGION)).inputs for i in range(3)]
    creates = [calls.submit(process.create, f"copy{i}", props) for i, props in enumerate(checked)]
    eventually(lambda: in_progress(REGION) == 3, "3 copies in progress")
    started = {b["BackupId"] for b in live_copies(REGION)}

    cancel(process)

    errors = [outcome(create) for create in creates]
    messages = [_cancelled_message(error) for error in errors]
    named = {backup_id for backup_id in started for message in messages if backup_id in message}
    assert named == started
    assert all("records it as not ready" in m and "next `pulumi up` waits for it again" in m for m in messages)
    # Each copy goes back to the engine, to record as a resource that failed to initialise.
    recorded = {e.init_failed.id for e in errors if isinstance(e, ProviderError) and e.init_failed is not None}
    assert recorded == started
    assert {b["BackupId"] for b in live_copies(REGION)} == started
    assert fsx_remote.calls("DeleteBackup") == 0


def test_a_create_waiting_for_a_copy_slot_is_cancelled_without_a_copy(
    start: Start, fsx_remote: RemoteEmulator, source: str, calls: ThreadPoolExecutor
) -> None:
    process = start()
    fsx_remote.configure(copy_seconds=LONG_COPY_SECONDS)
    checked = [process.check(f"copy{i}", {}, inputs(source, f"copy{i}", REGION)).inputs for i in range(6)]
    creates = [calls.submit(process.create, f"copy{i}", props) for i, props in enumerate(checked)]
    eventually(lambda: in_progress(REGION) == 5, "5 copies in progress")
    eventually(lambda: fsx_remote.calls("CopyBackup", REGION) >= 6, "the sixth create refused a slot")

    cancel(process)

    messages = [_cancelled_message(outcome(create)) for create in creates]
    assert sum("before the copy" in m for m in messages) == 1
    assert len(live_copies(REGION)) == 5


def test_a_create_after_cancel_starts_no_copy(start: Start, fsx_remote: RemoteEmulator, source: str) -> None:
    process = start()
    checked = process.check("late", {}, inputs(source, "late", REGION)).inputs
    cancel(process)
    try:
        process.create("late", checked)
    except ProviderError as error:
        assert "before the copy" in _cancelled_message(error)
    else:
        raise AssertionError("a Create after Cancel started a copy")
    assert fsx_remote.calls("CopyBackup") == 0


def test_the_next_run_resumes_the_cancelled_copy(
    start: Start, fsx_remote: RemoteEmulator, source: str, calls: ThreadPoolExecutor
) -> None:
    first = start()
    fsx_remote.configure(copy_seconds=LONG_COPY_SECONDS)
    checked = first.check("dr", {}, inputs(source, "dr", REGION)).inputs
    create = calls.submit(first.create, "dr", checked)
    eventually(lambda: in_progress(REGION) == 1, "the copy in progress")
    (copy,) = live_copies(REGION)
    cancel(first)
    error = outcome(create)
    assert copy["BackupId"] in _cancelled_message(error)
    assert isinstance(error, ProviderError) and error.init_failed is not None
    recorded = error.init_failed
    first.stop()

    # The engine follows a resource recorded with init errors with an Update at the next `up`.
    fsx_remote.configure(copy_seconds=0.2)
    fsx_remote.set_lifecycle(REGION, copy["BackupId"], "AVAILABLE")
    second = start()
    news = second.check("dr", recorded.outputs, inputs(source, "dr", REGION)).inputs
    outs = second.update("dr", recorded.id, recorded.outputs, news)

    assert recorded.id == copy["BackupId"]
    assert outs["lifecycle"] == "AVAILABLE" and outs["__claim"] == recorded.outputs["__claim"]
    assert [b["BackupId"] for b in live_copies(REGION)] == [recorded.id]


def test_cancel_ends_a_delete_waiting_on_a_busy_copy_without_forgetting_it(
    start: Start, fsx_remote: RemoteEmulator, source: str, calls: ThreadPoolExecutor
) -> None:
    process = start()
    fsx_remote.configure(copy_seconds=LONG_COPY_SECONDS, delete_while_copying=False)
    checked = process.check("dr", {}, inputs(source, "dr", REGION, wait_for_available=False)).inputs
    backup_id, outs = process.create("dr", checked)
    delete = calls.submit(process.delete, "dr", backup_id, outs)
    eventually(lambda: fsx_remote.calls("DeleteBackup") >= 2, "the delete retrying on the busy copy")

    cancel(process)

    message = _cancelled_message(outcome(delete))
    assert backup_id in message and "deleting" in message
    assert [b["BackupId"] for b in live_copies(REGION)] == [backup_id]
