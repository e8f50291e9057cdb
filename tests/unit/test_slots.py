"""Waiting for a free copy slot: shared listings, predictions, wake-ups (behaviour, not timing)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from pulumi_fsx_copy.aws.backup import Backup
from pulumi_fsx_copy.aws.slots import CopySlots
from pulumi_fsx_copy.engine.waiting import Backoff, Deadline, PollPolicy
from pulumi_fsx_copy.errors import AccessDeniedError

SCALE = 0.001
REGION = "us-west-2"


def slots() -> CopySlots:
    return CopySlots(PollPolicy().scaled(SCALE), Backoff().scaled(SCALE))


def copy(backup_id: str, progress: int, age: float = 0.05, **changes: Any) -> Backup:
    return Backup.from_aws(
        {
            "BackupId": backup_id,
            "Lifecycle": "COPYING",
            "SourceBackupId": "backup-source",
            "ProgressPercent": progress,
            "CreationTime": time.time() - age,
            **changes,
        }
    )


class Lister:
    """Answers the listings given, repeating the last one; counts calls."""

    def __init__(self, *listings: list[Backup]) -> None:
        self.listings = list(listings)
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self) -> list[Backup]:
        with self.lock:
            self.calls += 1
            return self.listings.pop(0) if len(self.listings) > 1 else self.listings[0]


def test_returns_when_a_listing_shows_a_copy_ended() -> None:
    full = [copy(f"backup-{i}", 50) for i in range(5)]
    lister = Lister(full, full, full[:4])
    assert slots().wait_for_slot(REGION, 0, lister, Deadline(30))
    assert lister.calls == 3


def test_ignores_backups_that_hold_no_slot() -> None:
    done = copy("backup-a", 100, Lifecycle="AVAILABLE")
    not_a_copy = copy("backup-b", 10, SourceBackupId=None)
    lister = Lister([done, not_a_copy])
    start = time.monotonic()
    # Nothing to go by: falls back on (scaled) backoff, then returns to retry.
    assert slots().wait_for_slot(REGION, 0, lister, Deadline(30))
    assert lister.calls == 1 and time.monotonic() - start < 1


def test_a_failing_listing_falls_back_on_backoff() -> None:
    def broken() -> list[Backup]:
        raise AccessDeniedError("no DescribeBackups permission", code="AccessDeniedException")

    assert slots().wait_for_slot(REGION, 3, broken, Deadline(30))


def test_a_bug_in_the_listing_is_not_taken_for_an_empty_region() -> None:
    def buggy() -> list[Backup]:
        raise TypeError("unhashable type: 'dict'")

    with pytest.raises(TypeError, match="unhashable"):
        slots().wait_for_slot(REGION, 3, buggy, Deadline(30))


def test_release_wakes_a_waiter() -> None:
    slot = slots()
    full = [copy(f"backup-{i}", 0, age=0.0) for i in range(5)]
    lister = Lister(full)
    done = threading.Event()

    def waiter() -> None:
        slot.wait_for_slot(REGION, 0, lister, Deadline(60))
        done.set()

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.05)
    assert not done.is_set() or lister.calls >= 1
    slot.release(REGION, "backup-0")
    assert done.wait(5)
    thread.join()


def test_threads_share_one_listing() -> None:
    slot = slots()
    # Copies about to end (predicted waits are short), so the threads are done long before the join's bound.
    full = [copy(f"backup-{i}", 50) for i in range(5)]
    gate = threading.Event()
    calls = 0

    def slow_lister() -> list[Backup]:
        nonlocal calls
        calls += 1
        gate.wait(5)
        return full[:4] if calls > 1 else full

    threads = [
        threading.Thread(target=slot.wait_for_slot, args=(REGION, 0, slow_lister, Deadline(30))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    assert calls == 1  # the others wait for the listing in flight
    gate.set()
    for thread in threads:
        thread.join(60)  # a liveness bound, not a timing: a loaded machine must not fail it
    assert not any(thread.is_alive() for thread in threads)


def test_expired_deadline_gives_up() -> None:
    full = [copy(f"backup-{i}", 50) for i in range(5)]
    assert not slots().wait_for_slot(REGION, 0, Lister(full), Deadline(0))
