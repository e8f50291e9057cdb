"""Serve the engine from the SDK's provider process: no call waits behind a long copy, Cancel is heard.

:func:`install` (once per process, from the provider's ``configure``) widens the SDK's 4-worker gRPC pool to
:data:`MAX_WORKERS`, hears Cancel (:data:`~pulumi_fsx_copy.engine.waiting.ENGINE_CANCEL` ends every wait), shows a
BackupCopyError as :func:`diagnostic` instead of a traceback, and watches the engine: refused
:data:`ENGINE_GONE_CHECKS` times in a row (only a refusal means gone), every wait ends, the
:func:`when_engine_gone` hooks run and the process exits. :func:`record_init_failure` hands a failed call's copy
to the engine (``ErrorResourceInitFailed``). What cannot apply (:mod:`.sdk_internals`) is said once on stderr and
the provider serves as the SDK does. How and why: ``docs/dev/serving.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import grpc
from google.protobuf import any_pb2, empty_pb2, struct_pb2
from google.rpc import status_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from ..errors import BackupCopyError
from .progress import engine_address_from_argv
from .sdk_internals import (
    SDK_FAILED_CALL_CODE,
    call_context,
    grpc_server_running,
    put_handler_first,
    running_as_dynamic_provider,
    widen_pool,
)
from .waiting import ENGINE_CANCEL, CancelSignal

__all__ = [
    "CANCEL_METHOD",
    "DIAGNOSED_METHODS",
    "ENGINE_GONE",
    "MAX_WORKERS",
    "Serving",
    "apply",
    "can_record_init_failure",
    "diagnostic",
    "engine_host_port",
    "install",
    "record_init_failure",
    "watch_engine",
    "when_engine_gone",
]

MAX_WORKERS: Final = 256
"""Engine calls the provider process serves at once (the SDK's pool serves 4). Threads start on demand."""

CANCEL_METHOD: Final = "/pulumirpc.ResourceProvider/Cancel"
DIAGNOSED_METHODS: Final = frozenset(
    f"/pulumirpc.ResourceProvider/{name}" for name in ("Check", "Diff", "Create", "Read", "Update", "Delete")
)
"""The resource calls whose BackupCopyError reaches the engine as :func:`diagnostic`, without a traceback."""
ENGINE_CHECK_SECONDS: Final = 0.5
"""Pause between two checks of the engine's address."""
ENGINE_CONNECT_SECONDS: Final = 5.0
"""How long a check waits for a connection. A refusal comes at once on Linux and macOS; Windows retries a
refused SYN for about two seconds before it reports the refusal. A timeout counts as alive."""
ENGINE_GONE_CHECKS: Final = 2
"""Checks in a row (:data:`ENGINE_CHECK_SECONDS` apart) refused on every address after which the engine is gone."""
_PREFIX: Final = "pulumi_fsx_copy"
STATUS_DETAILS_KEY: Final = "grpc-status-details-bin"

ENGINE_GONE: Final = threading.Event()
"""Set once the engine is gone: no answer reaches it, so nothing is handed to it to record."""

_Behaviour = Callable[[empty_pb2.Empty, grpc.ServicerContext], empty_pb2.Empty]


@dataclass(frozen=True)
class Serving:
    """What :func:`install` applied: the worker pool's size (None: not widened), whether Cancel is heard, and
    whether a BackupCopyError reaches the engine without its traceback."""

    workers: int | None
    cancel_heard: bool
    diagnosed: bool = False
    problems: tuple[str, ...] = ()


_LOCK = threading.Lock()
_INSTALLED: Serving | None = None
_ENGINE_GONE_HOOKS: list[Callable[[], object]] = []


def when_engine_gone(hook: Callable[[], object]) -> None:
    """Have ``hook`` run once the engine is gone, on the watcher's thread: after every wait was told to end, before
    the process exits. A hook bounds its own time; one that raises is reported and the others still run."""
    with _LOCK:
        _ENGINE_GONE_HOOKS.append(hook)


def install(signal: CancelSignal = ENGINE_CANCEL) -> Serving:
    """Widen the serving pool and hear Cancel, once per process; a no-op outside ``python -m pulumi.dynamic``.

    Never raises: what cannot apply is reported on stderr and in the result.
    """
    global _INSTALLED
    with _LOCK:
        if _INSTALLED is None:
            if not running_as_dynamic_provider():
                return Serving(workers=None, cancel_heard=False, problems=("not the dynamic provider process",))
            _INSTALLED = apply(signal)
            for problem in _INSTALLED.problems:
                print(f"{_PREFIX}: {problem}", file=sys.stderr, flush=True)
            address = engine_address_from_argv(sys.argv[1:])
            if address is not None:
                threading.Thread(target=watch_engine, args=(address, signal), daemon=True, name="engine-watch").start()
        return _INSTALLED


def watch_engine(address: str, signal: CancelSignal, exit_process: Callable[[int], object] = os._exit) -> None:
    """Return when the engine at ``address`` is gone, after ending every wait and (by default) the process.

    Gone means: refused on every address :data:`ENGINE_GONE_CHECKS` checks in a row (why nothing else counts:
    ``docs/dev/serving.md``). An address that cannot be parsed is not watched.
    """
    try:
        host, port = engine_host_port(address)
    except ValueError as error:
        _say(f"not watching the Pulumi engine ({error}); a killed `pulumi up` leaves this provider running.")
        return
    refused = 0
    while refused < ENGINE_GONE_CHECKS:
        time.sleep(ENGINE_CHECK_SECONDS)
        refused = refused + 1 if _refuses(host, port, ENGINE_CONNECT_SECONDS) else 0
    ENGINE_GONE.set()
    signal.set()
    _say(
        f"the Pulumi engine at {address} is gone (was `pulumi up` killed?): ending every wait, "
        "the copies go on in AWS unclaimed and the next `pulumi up` adopts them; exiting."
    )
    with _LOCK:
        hooks = tuple(_ENGINE_GONE_HOOKS)
    for hook in hooks:  # e.g. ownership's: cancelled Creates release their leases, so the next `up` adopts at once
        try:
            hook()
        except Exception as error:  # the process exits all the same
            _say(f"while exiting: {type(error).__name__}: {error}")
    time.sleep(ENGINE_CHECK_SECONDS)  # the cancelled calls answer (to nobody) and the waits end
    exit_process(0)


def can_record_init_failure() -> bool:
    """Whether this thread serves an engine call that :func:`record_init_failure` can answer."""
    return not ENGINE_GONE.is_set() and call_context() is not None


def record_init_failure(backup_id: str, outputs: dict[str, Any], reasons: list[str]) -> bool:
    """Have the engine record ``outputs`` (the ``__provider`` key included) as resource ``backup_id`` that
    failed to initialise for ``reasons``, when the call this thread serves fails next; False when it cannot.

    The caller raises its error right after: the SDK answers it with :data:`SDK_FAILED_CALL_CODE`, the code
    given here, and the engine shows ``reasons`` rather than the SDK's message.
    """
    context = call_context()
    if context is None or ENGINE_GONE.is_set():
        return False
    loop = asyncio.new_event_loop()
    try:
        properties: struct_pb2.Struct = loop.run_until_complete(rpc.serialize_properties(outputs, {}))
    finally:
        loop.close()
    detail = any_pb2.Any()
    detail.Pack(provider_pb2.ErrorResourceInitFailed(id=backup_id, properties=properties, reasons=reasons))
    status = status_pb2.Status(code=SDK_FAILED_CALL_CODE.value[0], message="; ".join(reasons), details=[detail])
    context.set_trailing_metadata(((STATUS_DETAILS_KEY, status.SerializeToString()),))
    return True


def engine_host_port(address: str) -> tuple[str, int]:
    """The host (brackets removed from an IPv6 literal) and port of ``host:port`` or ``[v6addr]:port``.

    Raises ValueError for anything else.
    """
    if address.startswith("["):
        host, bracket, port = address[1:].partition("]:")
        if not bracket or not host:
            raise ValueError(f"{address!r} is not [IPv6-address]:port")
    else:
        host, colon, port = address.rpartition(":")
        if not colon or not host or ":" in host:  # an IPv6 literal must be in brackets
            raise ValueError(f"{address!r} is not host:port")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{address!r} has no port in 1-65535")
    return host, int(port)


def _refuses(host: str, port: int, timeout: float) -> bool:
    """Whether every address of ``host`` refuses a connection to ``port``: the only sign that the engine is
    gone. A connection, a timeout, a resolution failure or any other error is no such sign."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:  # socket.gaierror included
        return False
    if not addresses:
        return False
    for family, kind, proto, _, sockaddr in addresses:
        try:
            with socket.socket(family, kind, proto) as connection:  # closed at once, whatever happens
                connection.settimeout(timeout)
                connection.connect(sockaddr)
        except ConnectionRefusedError:
            continue
        except OSError:  # timed out (a stopped engine, a full backlog), unreachable, no local port...
            return False
        return False  # connected: the engine listens
    return True


def _say(line: str) -> None:
    with contextlib.suppress(OSError):  # the engine read our stderr: the pipe is likely broken with it
        print(f"{_PREFIX}: {line}", file=sys.stderr, flush=True)


def apply(signal: CancelSignal, thread: threading.Thread | None = None) -> Serving:
    """Widen the pool of the gRPC server that runs ``thread`` (default: this one) and hook its Cancel."""
    try:
        return _apply(signal, thread or threading.current_thread())
    except Exception as exc:  # an SDK or grpc we do not know: keep serving as the SDK does
        return Serving(workers=None, cancel_heard=False, problems=(_problem("its gRPC server", exc, _BOTH),))


def _apply(signal: CancelSignal, thread: threading.Thread) -> Serving:
    found = grpc_server_running(thread)
    if found is None:
        return Serving(
            workers=None,
            cancel_heard=False,
            problems=(_problem("its gRPC server", "no grpc.Server runs this thread on its worker pool", _BOTH),),
        )
    state, pool = found
    problems: list[str] = []
    workers = widen_pool(pool, MAX_WORKERS)
    if workers is None:
        problems.append(_problem("its worker pool", "ThreadPoolExecutor has no integer _max_workers", _SLOW))
    cancel_heard = _hear_cancel(state, signal, problems)
    diagnosed = cancel_heard and put_handler_first(state, _DiagnosingHandler)
    return Serving(workers=workers, cancel_heard=cancel_heard, diagnosed=diagnosed, problems=tuple(problems))


def _hear_cancel(state: Any, signal: CancelSignal, problems: list[str]) -> bool:
    heard = put_handler_first(state, lambda sdk_handlers: _CancelHandler(signal, sdk_handlers))
    if not heard:
        problems.append(_problem("its Cancel", "the gRPC server keeps no list of generic handlers", _DEAF))
    return heard


class _CancelHandler(grpc.GenericRpcHandler):  # type: ignore[misc]
    """Answers ``ResourceProvider/Cancel``: sets the cancel signal, then runs the SDK's own handler."""

    def __init__(self, signal: CancelSignal, sdk_handlers: list[Any]) -> None:
        self._signal = signal
        self._sdk_handlers = sdk_handlers
        self._handler = grpc.unary_unary_rpc_method_handler(
            self._cancel,
            request_deserializer=empty_pb2.Empty.FromString,
            response_serializer=empty_pb2.Empty.SerializeToString,
        )

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler | None:
        return self._handler if handler_call_details.method == CANCEL_METHOD else None

    def _cancel(self, request: empty_pb2.Empty, context: grpc.ServicerContext) -> empty_pb2.Empty:
        self._signal.set()
        sdk = self._sdk_cancel(context)
        return sdk(request, context) if sdk is not None else empty_pb2.Empty()

    def _sdk_cancel(self, context: grpc.ServicerContext) -> _Behaviour | None:
        """The handler the SDK registered for Cancel (today it returns Empty and does nothing else)."""
        details = _CallDetails(CANCEL_METHOD, context.invocation_metadata())
        for handler in self._sdk_handlers:
            found = handler.service(details)
            if found is not None and found.unary_unary is not None:
                behaviour: _Behaviour = found.unary_unary
                return behaviour
        return None


def diagnostic(error: BaseException) -> str | None:
    """What the engine shows for ``error``, raised by a provider call: a BackupCopyError's class and message
    (the last line of its traceback, alone); None for any other exception (a bug: its traceback stays)."""
    if not isinstance(error, BackupCopyError):
        return None
    kind = type(error)
    return f"{kind.__module__}.{kind.__qualname__}: {error}"


class _DiagnosingHandler(grpc.GenericRpcHandler):  # type: ignore[misc]
    """Runs the SDK's handler of each of :data:`DIAGNOSED_METHODS` with a :class:`_DiagnosingContext`."""

    def __init__(self, sdk_handlers: list[Any]) -> None:
        self._sdk_handlers = sdk_handlers

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler | None:
        if handler_call_details.method not in DIAGNOSED_METHODS:
            return None
        for handler in self._sdk_handlers:
            found = handler.service(handler_call_details)
            if found is not None:
                return _diagnosing(found) if found.unary_unary is not None else found
        return None


def _diagnosing(sdk: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
    behaviour = sdk.unary_unary

    def serve(request: Any, context: grpc.ServicerContext) -> Any:
        try:
            return behaviour(request, _DiagnosingContext(context))
        except BackupCopyError as error:  # an SDK that lets it through (3.253: grpc would show its str alone)
            context.abort(grpc.StatusCode.UNKNOWN, diagnostic(error))
            raise  # pragma: no cover (abort raises)

    return grpc.unary_unary_rpc_method_handler(
        serve, request_deserializer=sdk.request_deserializer, response_serializer=sdk.response_serializer
    )


class _DiagnosingContext:
    """The call's context, but ``abort`` while a BackupCopyError is handled sends :func:`diagnostic` instead
    of the SDK's text (a traceback). Everything else is the call's own context."""

    def __init__(self, context: grpc.ServicerContext) -> None:
        self._context = context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def abort(self, code: grpc.StatusCode, details: str) -> None:
        handled = sys.exc_info()[1]  # the SDK aborts in its ``except`` block
        self._context.abort(code, (diagnostic(handled) if handled is not None else None) or details)


class _CallDetails(grpc.HandlerCallDetails):  # type: ignore[misc]
    def __init__(self, method: str, invocation_metadata: Any) -> None:
        self.method = method
        self.invocation_metadata = invocation_metadata


_SLOW: Final = "it serves 4 engine calls at a time, as the Pulumi SDK does: a long copy delays other operations"
_DEAF: Final = (
    "the first Ctrl-C of `pulumi up` waits for running copies to end, and each error shows a Python traceback"
)
_BOTH: Final = f"{_SLOW}, and {_DEAF}"


def _problem(what: str, cause: object, consequence: str) -> str:
    return f"could not adapt {what} of `python -m pulumi.dynamic` ({cause}); {consequence}."
