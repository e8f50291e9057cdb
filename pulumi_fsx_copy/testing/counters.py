"""The emulator's call counters, kept apart from the service model (:mod:`.models`).

:data:`COUNTERS` counts, process-wide, every FSx call that reached the emulator (injected failures and
dropped connections included) by operation and Region, and who made it (the caller's ARN, as STS
GetCallerIdentity gives it).  Counts only grow until :meth:`CallCounters.reset_calls`; nothing here
changes what a call does.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Final


class CallCounters:
    """FSx calls by (operation, Region), and by caller."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[tuple[str, str]] = Counter()
        self._callers: Counter[tuple[str, str, str]] = Counter()

    def record_call(self, operation: str, region: str) -> None:
        """Count a call of ``operation`` in ``region`` that reached the emulator."""
        with self._lock:
            self._calls[(operation, region)] += 1

    def record_caller(self, operation: str, region: str, caller: str) -> None:
        """Record who made an FSx call (the ARN STS GetCallerIdentity gives for its credentials)."""
        with self._lock:
            self._callers[(operation, region, caller)] += 1

    def calls(self, operation: str | None = None, region: str | None = None) -> int:
        """FSx calls that reached the emulator since the last reset (injected failures included), of
        ``operation`` in ``region`` (None: all of them)."""
        with self._lock:
            return sum(n for (op, reg), n in self._calls.items() if operation in (None, op) and region in (None, reg))

    def callers(self, operation: str | None = None, region: str | None = None) -> dict[str, int]:
        """Who made the FSx calls since the last reset: caller ARN (an assumed role's session ARN, as STS
        GetCallerIdentity says) -> number of calls (of ``operation`` in ``region``; None: all)."""
        with self._lock:
            found: Counter[str] = Counter()
            for (op, reg, caller), n in self._callers.items():
                if operation in (None, op) and region in (None, reg):
                    found[caller] += n
            return dict(found)

    def reset_calls(self) -> None:
        """Zero the call counters."""
        with self._lock:
            self._calls.clear()
            self._callers.clear()


COUNTERS: Final = CallCounters()
"""The call counters of this process."""
