"""Everything the provider relies on that the Pulumi SDK and grpc do not promise, in one place.

Each reliance is checked before use and has a fallback, so an SDK or grpc that changes degrades a feature
and says so, never breaks a copy; ``tests/concurrency``, ``tests/progress`` and ``tests/program`` fail when an
upgrade stops one from applying. The table of reliances, their users and fallbacks: ``docs/dev/serving.md``.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, TypeVar, cast

import grpc
import pulumi

T = TypeVar("T")

DYNAMIC_MAIN: Final = "pulumi.dynamic.__main__"
"""The module the engine runs a dynamic provider with (``python -m pulumi.dynamic``)."""


def running_as_dynamic_provider() -> bool:
    """Whether this process is the SDK's dynamic provider process."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == DYNAMIC_MAIN


def grpc_server_running(thread: threading.Thread) -> tuple[Any, ThreadPoolExecutor] | None:
    """The ``_state`` of the gRPC server whose worker pool runs ``thread``, and that pool; None if not found.

    The SDK's ``main()`` holds its server in a local while the main thread waits in it, so the servers are
    looked for in the locals of the main thread's frames.
    """
    frame = sys._current_frames().get(threading.main_thread().ident or -1)
    while frame is not None:
        for value in list(frame.f_locals.values()):
            state = getattr(value, "_state", None) if isinstance(value, grpc.Server) else None
            pool = getattr(state, "thread_pool", None)
            if isinstance(pool, ThreadPoolExecutor) and _runs_on(pool, thread):
                return state, pool
        frame = frame.f_back
    return None


def _runs_on(pool: ThreadPoolExecutor, thread: threading.Thread) -> bool:
    """Whether ``thread`` is a worker of ``pool``. A worker runs its first call before the pool adds it to
    ``_threads``, but it is named after the pool from the start."""
    prefix = getattr(pool, "_thread_name_prefix", None)
    return thread in getattr(pool, "_threads", ()) or (isinstance(prefix, str) and thread.name.startswith(f"{prefix}_"))


def widen_pool(pool: ThreadPoolExecutor, workers: int) -> int | None:
    """Let ``pool`` start up to ``workers`` threads (on demand); its new maximum, or None when it has none."""
    current = getattr(pool, "_max_workers", None)
    if not isinstance(current, int):
        return None
    widened = max(current, workers)
    pool._max_workers = widened
    return widened


def put_handler_first(state: Any, make: Any) -> bool:
    """Insert ``make(previous_handlers)`` before the gRPC server's generic handlers; False when it keeps none."""
    handlers = getattr(state, "generic_handlers", None)
    lock = getattr(state, "lock", None)
    if not isinstance(handlers, list) or lock is None:
        return False
    with lock:
        handlers.insert(0, make(list(handlers)))
    return True


def request_urn() -> str | None:
    """The URN of the resource whose gRPC request this thread is serving, or None.

    ``pulumi.dynamic``'s servicer methods (``Create(self, request, context)`` and the like) hold the engine's
    request, URN included, in a local named ``request`` below the provider on this thread's stack; the SDK
    does not pass it on. None when no such frame exists (in-process use, a future SDK that renames it).
    """
    frame = sys._getframe(1)
    try:
        while frame is not None:
            urn = getattr(frame.f_locals.get("request"), "urn", None)
            if isinstance(urn, str) and urn.startswith("urn:pulumi:"):
                return urn
            frame = frame.f_back  # type: ignore[assignment]
        return None
    finally:
        del frame


def call_context() -> grpc.ServicerContext | None:
    """The gRPC context of the engine call this thread is serving, or None.

    ``pulumi.dynamic``'s servicer methods (``Create(self, request, context)`` and the like) hold it in a local
    named ``context`` below the provider on this thread's stack. None when no such frame exists (in-process
    use, a future SDK that renames it).
    """
    frame = sys._getframe(1)
    try:
        while frame is not None:
            context = frame.f_locals.get("context")
            if isinstance(context, grpc.ServicerContext):
                return context
            frame = frame.f_back  # type: ignore[assignment]
        return None
    finally:
        del frame


SDK_FAILED_CALL_CODE: Final = grpc.StatusCode.UNKNOWN
"""The status code ``pulumi.dynamic`` answers a call that raised with (``_abort_with_traceback``)."""


def without_dependencies(output: pulumi.Output[T]) -> pulumi.Output[T]:
    """``output``'s value (known-ness and secrecy kept) without its dependency on the resources behind it.

    A child's identity needs its parent's URN; depending on a component means depending on its children,
    the child among them (a cycle). The SDK has no public way to drop dependencies.
    """
    return pulumi.Output(set(), cast(Awaitable[T], output.future()), output.is_known(), output.is_secret())


def input_type_fields(value: object) -> dict[str, Any] | None:
    """The fields of a ``@pulumi.input_type`` object (pulumi-aws's ``ProviderAssumeRoleArgs``...) by their Pulumi
    names, or None for anything else. Relies on ``pulumi._types``; without it, None (the caller refuses the value)."""
    try:
        from pulumi import _types

        if not _types.is_input_type(type(value)):
            return None
        return dict(_types.input_type_to_dict(value))
    except (ImportError, AttributeError, TypeError):
        return None
