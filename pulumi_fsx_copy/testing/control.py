"""The controls tests drive the emulator with, each declared once: :class:`Emulator`.

A control is the method where it acts (the model's settings, :data:`~.seeds.SEEDS`, :data:`~.faults.FAULTS`,
:data:`~.counters.COUNTERS`): its signature and docstring are the control's. :class:`Emulator` names each in one
line and hands the bound arguments to :meth:`Emulator._invoke`: in this process (:class:`InProcessEmulator`) or
posted to a server (:class:`~.remote.RemoteEmulator`, served from :data:`CONTROLS`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from types import TracebackType
from typing import Any, Final, Generic, ParamSpec, TypeVar, cast, overload

from .counters import COUNTERS
from .faults import FAULTS
from .models import MODEL
from .patch import install
from .seeds import SEEDS

P = ParamSpec("P")
R = TypeVar("R")


class Control(Generic[P, R]):
    """An :class:`Emulator` control: the method ``implementation`` of the emulator's live state, called
    wherever the emulator lives.  On an :class:`Emulator` it is a method of ``implementation``'s signature."""

    def __init__(self, implementation: Callable[P, R]) -> None:
        self.implementation = implementation
        self.signature = inspect.signature(implementation)
        self.name = implementation.__name__
        self.__doc__ = implementation.__doc__

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    @overload
    def __get__(self, emulator: None, owner: type[Any]) -> Control[P, R]: ...
    @overload
    def __get__(self, emulator: Emulator, owner: type[Any]) -> Callable[P, R]: ...
    def __get__(self, emulator: Emulator | None, owner: type[Any]) -> Control[P, R] | Callable[P, R]:
        if emulator is None:
            return self

        @functools.wraps(self.implementation)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            return cast(R, emulator._invoke(self.name, **self.arguments(*args, **kwargs)))

        return call

    def arguments(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The call's arguments by name, as the implementation's signature binds them (TypeError if it cannot)."""
        bound = self.signature.bind(*args, **kwargs)
        named: dict[str, Any] = {}
        for name, value in bound.arguments.items():
            if self.signature.parameters[name].kind is inspect.Parameter.VAR_KEYWORD:
                named.update(value)
            else:
                named[name] = value
        return named


def reset() -> None:
    """Settings to defaults, no faults, no counts (a server also resets all of moto)."""
    MODEL.reset()
    FAULTS.reset()
    COUNTERS.reset_calls()


class Emulator:
    """Controls of an FSx backup emulator, in this process or behind a server."""

    def _invoke(self, control: str, **arguments: Any) -> Any:
        raise NotImplementedError

    # settings
    configure = Control(MODEL.configure)
    current_settings = Control(MODEL.current_settings)
    reset = Control(reset)
    # faults
    fail_next = Control(FAULTS.fail_next)
    crash_next = Control(FAULTS.crash_next)
    break_next = Control(FAULTS.break_next)
    skew_clock = Control(FAULTS.skew_clock)
    fail_next_copies = Control(FAULTS.fail_next_copies)
    fail_next_restores = Control(FAULTS.fail_next_restores)
    # call counters
    calls = Control(COUNTERS.calls)
    reset_calls = Control(COUNTERS.reset_calls)
    callers = Control(COUNTERS.callers)
    # the service's state: seeds and lifecycles
    seed_backup = Control(SEEDS.seed_backup)
    seed_volume = Control(SEEDS.seed_volume)
    seed_network = Control(SEEDS.seed_network)
    set_lifecycle = Control(SEEDS.set_lifecycle)
    set_restoring = Control(SEEDS.set_restoring)
    fail_copy = Control(SEEDS.fail_copy)
    fail_restore = Control(SEEDS.fail_restore)
    finish_restore = Control(SEEDS.finish_restore)
    max_in_progress = Control(SEEDS.max_in_progress)


CONTROLS: Final[dict[str, Callable[..., Any]]] = {
    name: control.implementation for name, control in vars(Emulator).items() if isinstance(control, Control)
}
"""Each control of :class:`Emulator` by name: the method it calls in the process the emulator lives in."""


class InProcessEmulator(Emulator):
    """The emulator living in this process: installed into moto on construction, taken out again by
    :meth:`close` (or at the end of its ``with`` block), which leaves moto exactly as it found it.

    Use it inside ``moto.mock_aws()``, which owns moto's backends: :meth:`reset` leaves them to it.
    """

    def __init__(self) -> None:
        self._installation = install()

    def _invoke(self, control: str, **arguments: Any) -> Any:
        return CONTROLS[control](**arguments)

    def close(self) -> None:
        """Undo this emulator's install (moto is restored once no other install is in force)."""
        self._installation.uninstall()

    def __enter__(self) -> InProcessEmulator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
