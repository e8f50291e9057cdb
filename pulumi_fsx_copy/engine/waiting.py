"""When to look again: the polling policy for a copy in progress, backoff for retried calls, deadlines, and the
engine's Cancel, which ends every wait.

The policy and the backoff are pure functions of what has been seen (measured on a simulated clock in ``bench/``);
every duration scales with ``PULUMI_FSX_COPY_TIME_SCALE`` (default 1: the demo and tests use less). Every wait
sleeps on a :class:`CancelSignal` (:data:`ENGINE_CANCEL`, set by ``serving`` on Cancel) and raises
:class:`WaitCancelled` once it is set.
"""

from __future__ import annotations

import math
import os
import random
import threading
import time
import weakref
from dataclasses import dataclass

TIME_SCALE_ENV = "PULUMI_FSX_COPY_TIME_SCALE"
_INF = math.inf


def time_scale() -> float:
    """The factor applied to every delay, from ``PULUMI_FSX_COPY_TIME_SCALE`` (default 1)."""
    raw = os.environ.get(TIME_SCALE_ENV, "")
    try:
        scale = float(raw) if raw else 1.0
    except ValueError:
        return 1.0
    return scale if math.isfinite(scale) and scale > 0 else 1.0


@dataclass(frozen=True)
class PollPolicy:
    """How long to wait before describing a copy in progress again.

    The goal is a detection latency (from AVAILABLE to noticing it) within ``max(min_tolerance,
    tolerance_fraction * duration)`` with as few DescribeBackups calls as possible. Each wait gets a
    :class:`ProgressTracker` (:meth:`tracker`), which narrows down when the copy will end from the
    integer ``ProgressPercent`` values AWS reports, and looks:

    * ``first_delay`` after the copy started, when nothing is known yet;
    * while the end is far or uncertain, after ``hedge`` of the time to the earliest end the
      observations allow (so a copy that speeds up is noticed before long);
    * once the end is known within a tolerance, right after the latest end the observations allow
      (never later than the earliest end plus one tolerance), then every tolerance until done.

    Progress that is not linear (stalls, jumps, a slow start) contradicts the model; the tracker then
    starts it afresh from the last observation and looks at most every ``stall_growth`` of the time
    the copy has been running until the progress makes sense again.
    """

    first_delay: float = 10.0
    min_delay: float = 1.0
    max_delay: float = 1800.0
    min_tolerance: float = 5.0
    tolerance_fraction: float = 0.01
    hedge: float = 0.5
    stall_growth: float = 0.1
    no_progress_growth: float = 2.0
    growth: float = 3.0

    def scaled(self, scale: float) -> PollPolicy:
        """The same policy with every duration multiplied by ``scale``."""
        return PollPolicy(
            first_delay=self.first_delay * scale,
            min_delay=self.min_delay * scale,
            max_delay=self.max_delay * scale,
            min_tolerance=self.min_tolerance * scale,
            tolerance_fraction=self.tolerance_fraction,
            hedge=self.hedge,
            stall_growth=self.stall_growth,
            no_progress_growth=self.no_progress_growth,
            growth=self.growth,
        )

    def tolerance(self, duration: float) -> float:
        """The detection latency aimed at for a copy lasting ``duration`` seconds."""
        return max(self.min_tolerance, self.tolerance_fraction * duration)

    def tracker(self) -> ProgressTracker:
        """A fresh tracker for one copy."""
        return ProgressTracker(self)


class ProgressTracker:
    """What the observations of one copy say about when it ends, and when to look next.

    Times are seconds since the copy started (its ``CreationTime``). A reported ``ProgressPercent``
    ``p`` means the true progress is in ``[p, p + 1)``; if progress is linear from an origin
    ``(t0, q0)``, an observation ``(t, p)`` bounds the end ``T`` to
    ``t0 + (100 - q0)(t - t0)/(p + 1 - q0) <= T <= t0 + (100 - q0)(t - t0)/(p - q0)``. The bounds of
    every observation since the origin are intersected; an empty intersection means the progress is
    not linear, and the last observation before becomes the new (inexact) origin.
    """

    def __init__(self, policy: PollPolicy) -> None:
        self.policy = policy
        self.origin: tuple[float, float, bool] = (0.0, 0.0, True)  # (t0, p0, exact)
        self.low = 0.0
        self.high = _INF
        self.last: tuple[float, float] | None = None
        self.previous: tuple[float, float] | None = None
        self.rebased = False
        self.observations = 0
        self.step = 0  # the granularity of the reported progress: gcd of the values seen

    def _bounds(self, t: float, p: float) -> tuple[float, float]:
        t0, p0, exact = self.origin
        span = t - t0
        if span <= 0:
            return t, _INF
        step = float(self.step or 1)
        low = t0 + (100.0 - p0) * span / (p + step - p0) if p + step > p0 else _INF
        top = p0 if exact else p0 + step
        high = t0 + (100.0 - top) * span / (p - top) if p > top else _INF
        return max(low, t), high

    def observe(self, elapsed: float, progress: float | None) -> None:
        """Record that at ``elapsed`` the copy was still in progress, at ``progress`` percent (None: unknown)."""
        self.observations += 1
        t = max(elapsed, 0.0)
        if progress is None:
            self.low = max(self.low, t)
            return
        p = min(max(float(progress), 0.0), 99.0)
        if p <= 0 and self.origin[1] <= 0:
            # 0 % also reads "not started yet": it bounds nothing but the end being later than now.
            self.low = max(self.low, t)
            self.last = (t, p)
            return
        if p >= 1:
            self.step = math.gcd(self.step, int(p))
        if self.last is not None and p < self.last[1]:
            self.origin = (t, p, False)
            self.low, self.high, self.rebased = t, _INF, True
            self.last = (t, p)
            return
        low, high = self._bounds(t, p)
        if low > self.high or high < self.low:
            if self.last is not None and self.last[0] < t:
                self.origin = (self.last[0], self.last[1], False)
            self.rebased = True
            low, high = self._bounds(t, p)
            self.low, self.high = low, high
        else:
            self.low, self.high = max(self.low, low), min(self.high, high)
            if self.rebased and self.last is not None and p > self.last[1] > self.origin[1]:
                self.rebased = False  # moving again, twice as the model says
        if self.last is not None and p > self.last[1]:
            self.previous = self.last
        self.last = (t, p)

    def _local_low(self) -> float:
        """The earliest end if the progress keeps the rate of the last two moving observations."""
        if self.previous is None or self.last is None:
            return _INF
        (t1, p1), (t2, p2) = self.previous, self.last
        step = float(self.step or 1)
        if t2 <= t1 or p2 + step <= p1:
            return _INF
        return t2 + (100.0 - p2 - step) * (t2 - t1) / (p2 + step - p1)

    def next_delay(self, elapsed: float) -> float:
        """Seconds to wait, at ``elapsed``, before describing the copy again."""
        policy = self.policy
        t = max(elapsed, 0.0)
        if self.last is None or (self.last[1] <= 0 and t < policy.first_delay):
            at = max(policy.first_delay, t + policy.min_delay) if t < policy.first_delay else t + policy.first_delay
            return self._clamp(at - t, t)
        tolerance = policy.tolerance(max(self.low, t))
        low, high = max(self.low, t), self.high
        local = self._local_low()
        if local < low - max(2 * tolerance, 0.05 * low):
            # Lately faster than since the origin: aim at the earlier end, and don't trust the model yet.
            low, high = max(local, t), _INF
        precise = high - low <= 2 * tolerance and low - t <= 2 * max(t, tolerance)
        if precise or low - t <= 2 * tolerance:
            at = min(high + 0.2 * tolerance, low + tolerance)
        else:
            at = t + policy.hedge * (low - t)
        delay = at - t
        if self.last[1] <= 0:
            # Nothing has moved yet: the copy may not have started; back off geometrically.
            delay = max(policy.first_delay, policy.no_progress_growth * t)
        else:
            delay = min(delay, max(tolerance, policy.growth * t))
        if self.rebased:
            delay = min(delay, max(tolerance, policy.stall_growth * t))
        return self._clamp(delay, t)

    def _clamp(self, delay: float, t: float) -> float:
        return min(max(delay, self.policy.min_delay), self.policy.max_delay)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter for retried calls: ``initial * factor**attempt``, capped."""

    initial: float = 1.0
    factor: float = 2.0
    cap: float = 30.0

    def scaled(self, scale: float) -> Backoff:
        """The same backoff with every duration multiplied by ``scale``."""
        return Backoff(initial=self.initial * scale, factor=self.factor, cap=self.cap * scale)

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based), with up to half of it as jitter."""
        base = min(self.cap, self.initial * self.factor ** min(attempt, 32))
        return base / 2 + random.uniform(0, base / 2)


class WaitCancelled(Exception):
    """The engine cancelled the operation (first Ctrl-C of ``pulumi up``, or the provider shutting down)."""

    def __init__(self) -> None:
        super().__init__(
            "Pulumi cancelled this operation (Ctrl-C, or the provider was shut down) while it waited on AWS. "
            "What was already requested from AWS goes on there; re-run the command to finish it."
        )


class CancelSignal:
    """Set once, when the engine sends Cancel; from then on every wait that sleeps on it ends at once.

    The engine sends Cancel on the first Ctrl-C of ``pulumi up`` (then starts no new step and waits for
    the running ones) and before it shuts a provider down; in both cases nothing the process still waits
    on is wanted, so the signal is never cleared.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._conditions: weakref.WeakSet[threading.Condition] = weakref.WeakSet()

    def set(self) -> None:
        """Cancel: wake every sleeper and every waiter of the conditions registered with :meth:`wakes`."""
        self._event.set()
        with self._lock:
            conditions = list(self._conditions)
        for condition in conditions:
            with condition:
                condition.notify_all()

    def is_set(self) -> bool:
        """Whether the engine has cancelled."""
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`WaitCancelled` if the engine has cancelled."""
        if self._event.is_set():
            raise WaitCancelled()

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds``; raise :class:`WaitCancelled` as soon as the engine cancels."""
        if self._event.wait(max(seconds, 0.0)):
            raise WaitCancelled()

    def wakes(self, condition: threading.Condition) -> None:
        """Notify ``condition`` when the signal is set, so its waiters can :meth:`check` (held weakly)."""
        with self._lock:
            self._conditions.add(condition)


ENGINE_CANCEL = CancelSignal()
"""The provider process's signal: set when the engine sends Cancel (see :mod:`pulumi_fsx_copy.engine.serving`)."""


class Deadline:
    """A point in time on the monotonic clock; its sleeps end early when ``cancel`` is set."""

    def __init__(self, seconds: float, cancel: CancelSignal = ENGINE_CANCEL) -> None:
        self.seconds = seconds
        self.cancel = cancel
        self._at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self._at - time.monotonic())

    def expired(self) -> bool:
        """Whether the time is up."""
        return self.remaining() <= 0

    def sleep(self, seconds: float) -> bool:
        """Sleep ``seconds`` or until the deadline, whichever is first; False when no time was left.

        Raises :class:`WaitCancelled` when the engine cancels before or during the sleep.
        """
        self.cancel.check()
        if self.expired():
            return False
        self.cancel.sleep(min(seconds, self.remaining()))
        return True
