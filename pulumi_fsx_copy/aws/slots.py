"""Waiting for a free copy slot: FSx allows only a few copies in progress per destination Region (5 by default).

On ``ServiceLimitExceeded``, :class:`CopySlots` lists the copies in progress of the destination Region (one
DescribeBackups per poll interval, shared by every waiter of that Region and AWS settings), predicts when the first
ends (:class:`~pulumi_fsx_copy.engine.waiting.ProgressTracker`) and retries then, rather than back off blindly. A copy
this process sees end, and the engine's Cancel (:class:`~pulumi_fsx_copy.engine.waiting.WaitCancelled`), wake the
Region's waiters at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable

from ..engine.waiting import ENGINE_CANCEL, Backoff, CancelSignal, Deadline, PollPolicy, ProgressTracker
from ..errors import BackupCopyError
from ..rules.facts import IN_PROGRESS
from .backup import Backup

Lister = Callable[[], Iterable[Backup]]
"""Lists the backups of one Region (DescribeBackups, every page); AWS failures raise a BackupCopyError."""


class _Region:
    def __init__(self) -> None:
        self.trackers: dict[str, tuple[float, ProgressTracker]] = {}  # backup id -> (CreationTime, tracker)
        self.listed_at = -1e18  # monotonic time of the last listing
        self.listing = False
        self.generation = 0  # bumped whenever this process sees a copy into the Region end


class CopySlots:
    """Per destination Region: when a copy slot should free up, and a wake-up when one does."""

    def __init__(self, policy: PollPolicy, backoff: Backoff, cancel: CancelSignal = ENGINE_CANCEL) -> None:
        self._policy = policy
        self._backoff = backoff
        self._cancel = cancel
        self._cond = threading.Condition()
        self._regions: dict[Hashable, _Region] = {}
        cancel.wakes(self._cond)

    def _region(self, name: Hashable) -> _Region:
        region = self._regions.get(name)
        if region is None:
            region = self._regions[name] = _Region()
        return region

    def generation(self, region: Hashable) -> int:
        """A counter that changes whenever a copy into ``region`` is seen to end."""
        with self._cond:
            return self._region(region).generation

    def release(self, region: Hashable, backup_id: str) -> None:
        """A copy into ``region`` ended (AVAILABLE, FAILED, DELETED): wake whoever waits for a slot there."""
        with self._cond:
            state = self._region(region)
            state.trackers.pop(backup_id, None)
            state.generation += 1
            self._cond.notify_all()

    def wait_for_slot(self, region: Hashable, attempt: int, lister: Lister, deadline: Deadline) -> bool:
        """After CopyBackup hit the copy limit in ``region``: wait until a copy there may have ended.

        Follows the copies in progress with shared listings (one DescribeBackups per Region at a time,
        reused by every waiting thread for the policy's ``min_delay``), looking again when their
        trackers say one should have ended, and returns once a listing shows fewer copies in progress
        than before (or this process saw one of its own copies end). Without any copy to go by (AWS
        refused the listing with a BackupCopyError, or none is in sight) it falls back on exponential
        backoff. False when the deadline passed.
        """
        generation = self.generation(region)
        seen: int | None = None
        while True:
            copies = self._list(region, lister)
            if not copies:
                return self.wait(region, self._backoff.delay(attempt), deadline, generation)
            if seen is not None and len(copies) < seen:
                return not deadline.expired()  # one ended: its slot is free
            seen = len(copies) if seen is None else min(seen, len(copies))
            now = time.time()
            delay = min(tracker.next_delay(now - created) for created, tracker in copies)
            if not self.wait(region, delay, deadline, generation):
                return False
            if self.generation(region) != generation:
                return not deadline.expired()

    def _list(self, region: Hashable, lister: Lister) -> list[tuple[float, ProgressTracker]]:
        with self._cond:
            state = self._region(region)
            while state.listing:
                self._cancel.check()
                self._cond.wait()
            fresh = time.monotonic() - state.listed_at < self._policy.min_delay
            if fresh:
                return list(state.trackers.values())
            state.listing = True
        try:
            backups: list[Backup] | None = list(lister())
        except BackupCopyError:
            # AWS would not list (throttled, denied...): no copy to go by, so the wait falls back on
            # exponential backoff before CopyBackup is tried again. Anything else is a bug and propagates.
            backups = None
        with self._cond:
            state.listing = False
            state.listed_at = time.monotonic()
            if backups is None:
                state.trackers = {}
            else:
                self._observe(state, backups)
            self._cond.notify_all()
            return list(state.trackers.values())

    def _observe(self, state: _Region, backups: Iterable[Backup]) -> None:
        now = time.time()
        seen: dict[str, tuple[float, ProgressTracker]] = {}
        for backup in backups:
            if backup.lifecycle not in IN_PROGRESS or not backup.source_backup_id:
                continue
            backup_id = backup.backup_id
            created = backup.creation_time.timestamp() if backup.creation_time else now
            _, tracker = state.trackers.get(backup_id) or (created, self._policy.tracker())
            tracker.observe(now - created, backup.progress_percent)
            seen[backup_id] = (created, tracker)
        state.trackers = seen

    def wait(self, region: Hashable, seconds: float, deadline: Deadline, generation: int) -> bool:
        """Sleep ``seconds`` (or until the deadline), waking early when a copy into ``region`` ends after
        ``generation`` (see :meth:`generation`); False when no time was left. Raises
        :class:`~pulumi_fsx_copy.engine.waiting.WaitCancelled` as soon as the engine cancels."""
        self._cancel.check()
        if deadline.expired():
            return False
        until = time.monotonic() + min(seconds, deadline.remaining())
        with self._cond:
            state = self._region(region)
            while state.generation == generation:
                self._cancel.check()
                left = until - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
        return True
