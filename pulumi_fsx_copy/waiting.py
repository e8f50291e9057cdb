"""When to look again: the polling policy for a copy in progress, and backoff for retried calls.

Both are pure functions of what has been seen, so they can be measured on a simulated clock. All
constants scale with ``PULUMI_FSX_COPY_TIME_SCALE`` (default 1), which lets the demo and tests run
against the emulator's seconds-long copies without waiting minutes.
"""

from __future__ import annotations

import math
import os
import random
import time
from dataclasses import dataclass

TIME_SCALE_ENV = "PULUMI_FSX_COPY_TIME_SCALE"


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
    """How long to wait before describing a copy again.

    Detection latency (the time from AVAILABLE to noticing it) is kept within ``max(min_tolerance,
    tolerance_fraction * elapsed)``: the policy predicts the end from the ``ProgressPercent`` AWS
    reports, halves the predicted remaining time until it is within two tolerances, then sleeps
    until the predicted end. Without progress it backs off geometrically from ``first_delay``.
    """

    first_delay: float = 2.0
    min_delay: float = 1.0
    max_delay_without_progress: float = 60.0
    min_tolerance: float = 5.0
    tolerance_fraction: float = 0.01

    def scaled(self, scale: float) -> PollPolicy:
        """The same policy with every duration multiplied by ``scale``."""
        return PollPolicy(
            first_delay=self.first_delay * scale,
            min_delay=self.min_delay * scale,
            max_delay_without_progress=self.max_delay_without_progress * scale,
            min_tolerance=self.min_tolerance * scale,
            tolerance_fraction=self.tolerance_fraction,
        )

    def next_delay(self, elapsed: float, progress: float | None) -> float:
        """Seconds to wait, given the seconds since the copy started and its last ``ProgressPercent``."""
        elapsed = max(elapsed, 0.0)
        if progress is None or progress <= 0 or elapsed <= 0:
            return min(max(self.first_delay, elapsed * 0.5), self.max_delay_without_progress)
        if progress >= 100:
            return self.min_delay
        tolerance = max(self.min_tolerance, self.tolerance_fraction * elapsed)
        remaining = elapsed * (100.0 - progress) / progress
        delay = remaining if remaining <= 2 * tolerance else remaining / 2
        return max(delay, self.min_delay)


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


class Deadline:
    """A point in time on the monotonic clock."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self._at - time.monotonic())

    def expired(self) -> bool:
        """Whether the time is up."""
        return self.remaining() <= 0

    def sleep(self, seconds: float) -> bool:
        """Sleep ``seconds`` or until the deadline, whichever is first; False when no time was left."""
        if self.expired():
            return False
        time.sleep(min(seconds, self.remaining()))
        return True
