"""Report a copy's progress to the Pulumi engine, so that ``pulumi up`` shows it next to the resource.

:class:`ProgressReporter` dials the engine's address (the plugin's last argument) and sends ephemeral
``Engine.Log`` status lines on the resource's row (:func:`current_urn`); without an engine, to ``stream``
(stderr). It never raises, waits at most ``timeout`` per message, and sends one line per ``step`` percent or
lifecycle change of a copy, and one per reason a create waits before its copy starts.
How a line reaches ``pulumi up``: ``docs/dev/serving.md``.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, TextIO

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from ..errors import BackupCopyError, CopyLimitExceededError, SourceBackupUnavailableError
from ..rules.facts import ENDED, MAX_COPIES_IN_PROGRESS
from .sdk_internals import request_urn, running_as_dynamic_provider

__all__ = [
    "ENGINE_ADDRESS_ENV",
    "ProgressReporter",
    "current_urn",
    "engine_address_from_argv",
    "format_message",
    "waiting_message",
]

ENGINE_ADDRESS_ENV: Final = "PULUMI_FSX_COPY_ENGINE_ADDRESS"
"""Engine address to use instead of the one on the command line (for a provider attached by hand)."""

LOG_TIMEOUT_SECONDS: Final = 2.0
MAX_CONSECUTIVE_FAILURES: Final = 3
PERCENT_STEP: Final = 10

_ADDRESS: Final = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$")
_PREFIX: Final = "pulumi_fsx_copy"

_STUBS: dict[str, Any] = {}
_STUBS_LOCK = threading.Lock()


def engine_address_from_argv(args: Sequence[str]) -> str | None:
    """The engine address among a provider plugin's arguments (``sys.argv[1:]``), or None.

    The engine passes ``[--logtostderr] [-v=N] [--tracing ENDPOINT] ENGINE_ADDRESS``; the address is the
    last positional argument and looks like ``host:port``.
    """
    positional: list[str] = []
    skip_value = False
    for arg in args:
        if skip_value:
            skip_value = False
        elif arg == "--tracing":
            skip_value = True
        elif not arg.startswith("-"):
            positional.append(arg)
    if positional and _ADDRESS.match(positional[-1]):
        return positional[-1]
    return None


def current_urn() -> str | None:
    """The URN of the resource whose gRPC request this thread is serving, or None (see ``sdk_internals``)."""
    return request_urn()


def format_message(backup_id: str, lifecycle: str | None, percent: int | None, region: str) -> str:
    """``copy backup-0abc into us-west-2: 42% (COPYING)``."""
    state = lifecycle or "UNKNOWN"
    if percent is None:
        return f"copy {backup_id} into {region}: {state}"
    return f"copy {backup_id} into {region}: {percent}% ({state})"


def waiting_message(error: BackupCopyError) -> str:
    """What a create waits for after CopyBackup answered ``error``, before it tries again."""
    if isinstance(error, CopyLimitExceededError):
        return (
            f"waiting for a copy slot in {error.region}: FSx allows {MAX_COPIES_IN_PROGRESS} copies in progress "
            "per destination Region (or another quota was reached)"
        )
    if isinstance(error, SourceBackupUnavailableError):
        return (
            f"waiting for source backup {error.source_backup_id} in {error.source_region} to become AVAILABLE "
            "(AWS: SourceBackupUnavailable; still CREATING?)"
        )
    return f"retrying {error.operation} in {error.region} after {error.code or type(error).__name__}"


def _resource_name(urn: str | None) -> str | None:
    return urn.rsplit("::", 1)[-1] if urn and "::" in urn else None


def _percent(value: Any) -> int | None:
    try:
        return max(0, min(100, int(value))) if value is not None else None
    except (TypeError, ValueError):
        return None


def _stub_for(address: str) -> Any:
    """One channel to the engine per address per process; connecting happens on the first call."""
    with _STUBS_LOCK:
        stub = _STUBS.get(address)
        if stub is None:
            stub = engine_pb2_grpc.EngineStub(grpc.insecure_channel(address))
            _STUBS[address] = stub
        return stub


@dataclass
class _Reported:
    lifecycle: str | None
    bucket: int


class ProgressReporter:
    """Sends copy progress to the Pulumi engine as ephemeral status messages; thread-safe.

    ``engine_address`` None means no engine: messages go to ``stream`` only (None: nowhere).
    After ``MAX_CONSECUTIVE_FAILURES`` failed calls in a row the engine is given up for good.
    """

    def __init__(
        self,
        engine_address: str | None,
        *,
        stream: TextIO | None = None,
        timeout: float = LOG_TIMEOUT_SECONDS,
        step: int = PERCENT_STEP,
    ) -> None:
        self.engine_address = engine_address
        self._stream = stream
        self._timeout = timeout
        self._step = max(1, step)
        self._lock = threading.Lock()
        self._reported: dict[tuple[str | None, str], _Reported] = {}
        self._waits: dict[str | None, str] = {}
        self._failures = 0
        self._engine_given_up = engine_address is None

    @classmethod
    def from_environment(cls, *, stream: TextIO | None = None) -> ProgressReporter:
        """The engine from ``PULUMI_FSX_COPY_ENGINE_ADDRESS``, else from the command line when this
        process is the dynamic provider (``python -m pulumi.dynamic ENGINE``); fallback to stderr."""
        override = os.environ.get(ENGINE_ADDRESS_ENV, "").strip()
        address: str | None = override if _ADDRESS.match(override) else None
        if address is None and running_as_dynamic_provider():
            address = engine_address_from_argv(sys.argv[1:])
        return cls(address, stream=sys.stderr if stream is None else stream)

    @classmethod
    def silent(cls) -> ProgressReporter:
        """A reporter that reports nowhere (before the engine configured the provider)."""
        return cls(None)

    @property
    def connected(self) -> bool:
        """Whether messages still go to the engine."""
        with self._lock:
            return not self._engine_given_up

    def report(self, urn: str | None, backup_id: str, lifecycle: str | None, percent: Any, region: str) -> None:
        """Report where a copy is; at most once per ``step`` percent or lifecycle change.  Never raises."""
        try:
            self._report(urn, backup_id, lifecycle, _percent(percent), region)
        except Exception:  # progress is best effort: it must never fail a copy
            return

    def _report(self, urn: str | None, backup_id: str, lifecycle: str | None, percent: int | None, region: str) -> None:
        with self._lock:
            if not self._due(urn, backup_id, lifecycle, percent):
                return
            stub = None if self._engine_given_up else _stub_for(str(self.engine_address))
        message = format_message(backup_id, lifecycle, percent, region)
        if stub is not None and self._send(stub, urn, message):
            return
        self._write(urn, message)

    def waiting(self, urn: str | None, error: BackupCopyError) -> None:
        """Say in ``urn``'s row what its create waits for after CopyBackup answered ``error``
        (:func:`waiting_message`); once per message. Never raises."""
        try:
            message = waiting_message(error)
        except Exception:  # as progress: it must never fail a copy
            return
        self.say(urn, message)

    def say(self, urn: str | None, message: str) -> None:
        """Show ``message`` in ``urn``'s row (a wait, a restore drill's step), unless it is the last one said
        there. Never raises."""
        try:
            with self._lock:
                if self._waits.get(urn) == message:
                    return
                self._waits[urn] = message
                stub = None if self._engine_given_up else _stub_for(str(self.engine_address))
            if stub is None or not self._send(stub, urn, message):
                self._write(urn, message)
        except Exception:  # as progress: it must never fail a copy or a drill
            return

    def _due(self, urn: str | None, backup_id: str, lifecycle: str | None, percent: int | None) -> bool:
        key = (urn, backup_id)
        if lifecycle in ENDED:
            self._reported.pop(key, None)
            return True
        bucket = -1 if percent is None else percent // self._step
        last = self._reported.get(key)
        if last is not None and last.lifecycle == lifecycle and last.bucket >= bucket:
            return False
        self._reported[key] = _Reported(lifecycle, bucket)
        return True

    def _send(self, stub: Any, urn: str | None, message: str) -> bool:
        request = engine_pb2.LogRequest(severity=engine_pb2.INFO, message=message, urn=urn or "", ephemeral=True)
        try:
            stub.Log(request, timeout=self._timeout)
        except grpc.RpcError as error:
            code = error.code() if isinstance(error, grpc.Call) else None
            with self._lock:
                self._failures += 1
                give_up = self._failures >= MAX_CONSECUTIVE_FAILURES and not self._engine_given_up
                if give_up:
                    self._engine_given_up = True
            if give_up:
                self._write(
                    None,
                    f"the Pulumi engine at {self.engine_address} did not take status messages "
                    f"({getattr(code, 'name', code)}); copy progress is reported here only",
                )
            return False
        with self._lock:
            self._failures = 0
        return True

    def _write(self, urn: str | None, message: str) -> None:
        if self._stream is None:
            return
        name = _resource_name(urn)
        line = f"{_PREFIX}: {name}: {message}" if name else f"{_PREFIX}: {message}"
        try:
            print(line, file=self._stream, flush=True)
        except (OSError, ValueError):
            return
