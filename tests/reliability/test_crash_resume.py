"""The provider process dies (SIGKILL) mid-create or mid-delete, or a create's wait times out: the re-run
finds the same copy again by its ClientRequestToken, and exactly one copy exists."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import grpc
import pytest

from devkit.driver import ProviderError, ProviderProcess
from pulumi_fsx_copy import CopyTimeoutError
from pulumi_fsx_copy.testing import RemoteEmulator
from tests.support.reliability import (
    DR_REGION,
    SOURCE_REGION,
    Ledger,
    assert_actionable,
    checked,
    copies,
    inputs,
    live_copy_ids,
    tags_of,
)
from tests.support.waits import eventually

pytestmark = [
    pytest.mark.fsx_source_regions(SOURCE_REGION, tags={"team": "storage"}),
    pytest.mark.scenario(
        "2",
        "Crash and resume",
        "SIGKILL of the provider process while create waits on COPYING (and while delete waits on a busy copy), and "
        "a wait_timeout_minutes expiry: a new process given the same request returns the same backup ID (delete: "
        "the copy is gone), exactly one copy exists, the timeout names the copy and says a re-run resumes it",
    ),
]

Factory = Callable[..., ProviderProcess]


def _eventually(condition: Callable[[], bool], what: str) -> None:
    eventually(condition, what, timeout=30.0, interval=0.05)


def _in_background(call: Callable[[], Any]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def _copying_and_tagged() -> bool:
    found = copies(DR_REGION)
    return len(found) == 1 and found[0]["Lifecycle"] == "COPYING" and tags_of(DR_REGION, found[0]["BackupId"]) != {}


def test_kill_while_create_waits_on_copying(
    provider_factory: Factory, fsx_remote: RemoteEmulator, source: str, ledger: Ledger
) -> None:
    """Kill -9 while create polls a COPYING copy; the next process's create returns that same copy."""
    fsx_remote.configure(copy_seconds=3.0)
    first = provider_factory()
    news = checked(first, inputs(source))
    thread, errors = _in_background(lambda: first.create("dr-copy", news))
    _eventually(_copying_and_tagged, "the copy to be COPYING and tagged (the provider is in its wait)")
    (started,) = live_copy_ids(DR_REGION)
    first.kill()
    thread.join(30)
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], ProviderError)
    assert errors[0].code is grpc.StatusCode.UNAVAILABLE

    second = provider_factory()
    backup_id, outs = second.create("dr-copy", news)
    ledger.created(DR_REGION, backup_id)
    assert backup_id == started
    assert outs["lifecycle"] == "AVAILABLE"
    ledger.assert_no_leak()
    assert live_copy_ids(DR_REGION) == {backup_id}


def test_resume_after_wait_timeout(
    provider_factory: Factory, fsx_remote: RemoteEmulator, source: str, ledger: Ledger
) -> None:
    """wait_timeout_minutes expires on COPYING: CopyTimeoutError names the copy and hands it to the engine to
    record (init errors); the engine's Update at the re-run (a longer timeout is no replacement) returns the
    same copy, the only one."""
    fsx_remote.configure(copy_seconds=3.0)
    engine = provider_factory()
    news = checked(engine, inputs(source, wait_timeout_minutes=0.01))
    with pytest.raises(ProviderError) as caught:
        engine.create("dr-copy", news)
    (started,) = live_copy_ids(DR_REGION)
    assert_actionable(caught.value, CopyTimeoutError, names=[started, DR_REGION, "wait_timeout_minutes"])
    assert "waits for it again" in caught.value.last_line
    recorded = caught.value.init_failed
    assert recorded is not None and recorded.id == started
    ledger.created(DR_REGION, started)

    later = checked(engine, inputs(source, wait_timeout_minutes=30))
    outs = engine.update("dr-copy", started, recorded.outputs, later)
    assert outs["lifecycle"] == "AVAILABLE" and outs["backup_id"] == started
    ledger.assert_no_leak()
    assert live_copy_ids(DR_REGION) == {started}


def test_kill_while_delete_waits_on_a_busy_copy(
    provider_factory: Factory, fsx_remote: RemoteEmulator, source: str, ledger: Ledger
) -> None:
    """Kill -9 while delete retries a copy still COPYING; the next process's delete removes it."""
    fsx_remote.configure(copy_seconds=3.0)
    first = provider_factory()
    news = checked(first, inputs(source, wait_for_available=False))
    backup_id, outs = first.create("dr-copy", news)
    ledger.created(DR_REGION, backup_id)
    fsx_remote.reset_calls()
    thread, errors = _in_background(lambda: first.delete("dr-copy", backup_id, outs, old_inputs=news))
    _eventually(lambda: fsx_remote.calls("DeleteBackup") >= 2, "the delete to be refused as busy")
    first.kill()
    thread.join(30)
    assert len(errors) == 1 and isinstance(errors[0], ProviderError)
    assert live_copy_ids(DR_REGION) == {backup_id}  # the state still holds it; it still exists

    second = provider_factory()
    second.delete("dr-copy", backup_id, outs, old_inputs=news)
    ledger.deleted(DR_REGION, backup_id)
    ledger.assert_no_leak()
    assert live_copy_ids(DR_REGION) == set()
