"""The faults tests inject into the emulator, kept apart from the service model (:mod:`.models`).

:data:`FAULTS` holds, process-wide: AWS errors and crashes due for the next calls of an operation
(:meth:`Faults.fail_next`, :meth:`Faults.crash_next`), broken connections (:meth:`Faults.break_next`),
copies and restores due to end FAILED, and AWS's clock set apart from this machine's.  Each fault is used
up by the call it meets, in the order it was asked for; :meth:`Faults.reset` clears them all.  The FSx layer
(:func:`~.responses.call_action`) and the model take what is due; nothing here knows FSx's behaviour.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from typing import Final, TypeVar

from .exceptions import EmulatorError


@dataclass
class Fault:
    """The next ``remaining`` calls of ``operation`` (in ``region``, or any when None) fail with ``code``."""

    operation: str
    code: str
    remaining: int
    message: str | None
    region: str | None
    crash: bool = False
    """Instead of an AWS error, the call raises an unexpected exception inside the emulator (as a bug would)."""


NETWORK_FAULT_KINDS: Final = ("drop", "lose_response", "delay")
"""What :meth:`Faults.break_next` can do to a call's connection:

``drop``
    The connection is closed before the request is handled (nothing happens in AWS).
``lose_response``
    The request is handled, then the connection is closed without an answer (it happened in AWS,
    the client never hears of it).
``delay``
    The request is handled and the answer is held back ``seconds`` (server mode), long enough for a
    client's read timeout; in-process, where there is no socket, the client gets botocore's
    ``ReadTimeoutError`` at once after the request was handled.
"""


@dataclass
class NetworkFault:
    """The next ``remaining`` calls of ``operation`` (in ``region``, or any when None) meet ``kind``."""

    operation: str
    kind: str
    remaining: int
    seconds: float
    region: str | None


_Queued = TypeVar("_Queued", Fault, NetworkFault)


def _take(queue: list[_Queued], operation: str, region: str) -> _Queued | None:
    """One use of the first fault in ``queue`` for ``operation`` in ``region`` (gone once used up), if any."""
    for fault in queue:
        if fault.operation == operation and fault.region in (None, region):
            fault.remaining -= 1
            if fault.remaining == 0:
                queue.remove(fault)
            return replace(fault, remaining=1)
    return None


def _check_count(count: int) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise EmulatorError(f"count must be an integer of at least 1, not {count!r}")


class Faults:
    """The injected faults of this process: controls that inject them, and ``take_*`` for whoever meets them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._network_faults: list[NetworkFault] = []
        self._copy_failures: list[str] = []
        self._restore_failures: list[str] = []
        self._clock_ahead = 0.0

    # ---- controls -------------------------------------------------------------------------------

    def fail_next(
        self, operation: str, code: str, *, count: int = 1, message: str | None = None, region: str | None = None
    ) -> None:
        """Make the next ``count`` calls of ``operation`` (e.g. "CopyBackup"), in ``region`` or any, fail
        with error ``code`` (any FSx error shape, ThrottlingException, ...)."""
        _check_count(count)
        with self._lock:
            self._faults.append(Fault(operation, code, count, message, region))

    def crash_next(self, operation: str, *, count: int = 1, region: str | None = None) -> None:
        """Make the next ``count`` calls of ``operation`` raise an unexpected exception inside the emulator
        (as a bug would); the client gets AWS's answer to its own failures, ``InternalServerError`` (500)."""
        _check_count(count)
        with self._lock:
            self._faults.append(Fault(operation, "InternalServerError", count, None, region, crash=True))

    def break_next(
        self, operation: str, kind: str, *, count: int = 1, seconds: float = 0.0, region: str | None = None
    ) -> None:
        """Break the connection of the next ``count`` calls of ``operation``: ``drop`` (before it is
        handled), ``lose_response`` (handled, then no answer) or ``delay`` (answer held back ``seconds``;
        in-process: a read timeout).  See :data:`NETWORK_FAULT_KINDS`."""
        if kind not in NETWORK_FAULT_KINDS:
            raise EmulatorError(f"unknown network fault {kind!r}; one of {', '.join(NETWORK_FAULT_KINDS)}")
        _check_count(count)
        if not (isinstance(seconds, (int, float)) and seconds >= 0):
            raise EmulatorError(f"seconds must be a number >= 0, not {seconds!r}")
        with self._lock:
            self._network_faults.append(NetworkFault(operation, kind, count, float(seconds), region))

    def fail_next_copies(self, message: str, *, count: int = 1) -> None:
        """Make the next ``count`` copies end FAILED with ``message`` when their copy time is up."""
        _check_count(count)
        with self._lock:
            self._copy_failures.extend([message] * count)

    def fail_next_restores(self, message: str, *, count: int = 1) -> None:
        """Make the next ``count`` restores (CreateFileSystemFromBackup, CreateVolumeFromBackup) end FAILED
        with ``message`` when their restore time (setting ``restore_seconds``) is up."""
        _check_count(count)
        with self._lock:
            self._restore_failures.extend([message] * count)

    def skew_clock(self, ahead_seconds: float) -> None:
        """Set AWS's clock (the ``Date`` header of every FSx answer) ``ahead_seconds`` ahead of this machine's
        (negative: behind), as a machine whose own clock is wrong sees it; ``reset`` sets it right."""
        if isinstance(ahead_seconds, bool) or not isinstance(ahead_seconds, (int, float)):
            raise EmulatorError(f"ahead_seconds must be a number, not {ahead_seconds!r}")
        with self._lock:
            self._clock_ahead = float(ahead_seconds)

    def reset(self) -> None:
        """No faults, no pending copy or restore failures, AWS's clock this machine's."""
        with self._lock:
            self._faults.clear()
            self._network_faults.clear()
            self._copy_failures.clear()
            self._restore_failures.clear()
            self._clock_ahead = 0.0

    # ---- what is due ----------------------------------------------------------------------------

    def take_fault(self, operation: str, region: str) -> Fault | None:
        """The injected fault the call of ``operation`` in ``region`` must fail with, if any (used up by this)."""
        with self._lock:
            return _take(self._faults, operation, region)

    def take_network_fault(self, operation: str, region: str) -> NetworkFault | None:
        """The network fault the call of ``operation`` in ``region`` must meet, if any (used up by this)."""
        with self._lock:
            return _take(self._network_faults, operation, region)

    def take_copy_failure(self) -> str | None:
        """The ``FailureDetails.Message`` a copy starting now must end FAILED with, if one is due."""
        with self._lock:
            return self._copy_failures.pop(0) if self._copy_failures else None

    def take_restore_failure(self) -> str | None:
        """The failure a restore starting now must end FAILED with, if one is due."""
        with self._lock:
            return self._restore_failures.pop(0) if self._restore_failures else None

    def aws_time(self) -> float:
        """AWS's clock now (epoch seconds), as :meth:`skew_clock` set it apart from this machine's."""
        with self._lock:
            return time.time() + self._clock_ahead


FAULTS: Final = Faults()
"""The faults of this process."""
