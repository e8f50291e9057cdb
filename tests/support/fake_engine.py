"""A stand-in for the Pulumi engine's ``pulumirpc.Engine`` gRPC service, recording what providers log.

The real engine serves ``Engine`` on ``127.0.0.1:<port>`` and passes that address to every provider
plugin it starts (``ProviderProcess(engine_address=FakeEngine.address)`` does the same).  ``Log`` is
recorded; the other methods answer UNIMPLEMENTED.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

__all__ = ["FakeEngine", "LogRecord", "unused_address"]

_SEVERITIES = {
    engine_pb2.DEBUG: "debug",
    engine_pb2.INFO: "info",
    engine_pb2.WARNING: "warning",
    engine_pb2.ERROR: "error",
}


@dataclass(frozen=True)
class LogRecord:
    """One ``Engine.Log`` request."""

    severity: str
    message: str
    urn: str
    stream_id: int
    ephemeral: bool


class _Servicer(engine_pb2_grpc.EngineServicer):
    def __init__(self, engine: FakeEngine) -> None:
        self._engine = engine

    def Log(self, request: Any, context: Any) -> empty_pb2.Empty:
        self._engine._record(request)
        return empty_pb2.Empty()


class FakeEngine:
    """An ``Engine`` gRPC server on 127.0.0.1 (a free port) that records ``Log`` requests.

    ``log_delay`` seconds are slept in every ``Log`` call before answering, to play a slow engine.
    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, *, log_delay: float = 0.0) -> None:
        self.log_delay = log_delay
        self._records: list[LogRecord] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._server: grpc.Server | None = None
        self._port = 0

    def __enter__(self) -> FakeEngine:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def address(self) -> str:
        """``127.0.0.1:<port>``, as the engine passes it to plugins."""
        if self._server is None:
            raise RuntimeError("fake engine not started")
        return f"127.0.0.1:{self._port}"

    def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        if self._server is not None:
            raise RuntimeError("fake engine already started")
        # No SO_REUSEPORT (gRPC sets it by default): this fake engine never shares its port.
        server = grpc.server(ThreadPoolExecutor(max_workers=4), options=[("grpc.so_reuseport", 0)])
        engine_pb2_grpc.add_EngineServicer_to_server(_Servicer(self), server)
        self._port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self._server = server

    def stop(self) -> None:
        """Stop serving (in-flight calls are cancelled); idempotent."""
        if self._server is not None:
            self._server.stop(grace=None).wait()
            self._server = None

    def _record(self, request: Any) -> None:
        if self.log_delay > 0:
            time.sleep(self.log_delay)
        record = LogRecord(
            severity=_SEVERITIES.get(request.severity, str(request.severity)),
            message=request.message,
            urn=request.urn,
            stream_id=request.streamId,
            ephemeral=request.ephemeral,
        )
        with self._changed:
            self._records.append(record)
            self._changed.notify_all()

    @property
    def logs(self) -> list[LogRecord]:
        """Every ``Log`` request so far, in arrival order."""
        with self._lock:
            return list(self._records)

    def status_messages(self, urn: str | None = None) -> list[LogRecord]:
        """The ephemeral (status) messages, for ``urn`` if given."""
        return [r for r in self.logs if r.ephemeral and (urn is None or r.urn == urn)]

    def clear(self) -> None:
        """Forget the recorded requests."""
        with self._lock:
            self._records.clear()

    def wait_for(self, predicate: Callable[[list[LogRecord]], bool], timeout: float = 30.0) -> bool:
        """Wait until ``predicate(logs)`` holds; whether it did within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(list(self._records)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True


def unused_address() -> str:
    """``127.0.0.1:<port>`` where nothing listens (a port just bound and released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"127.0.0.1:{port}"
