"""Installing the emulator into moto, and undoing it.

:func:`install` sets the emulator's methods on moto's ``FSxBackend``, ``FSxResponse``, ``KmsBackend`` and
``KmsResponse`` and returns an :class:`Installation`. Installations nest; after the last ``uninstall`` moto is
exactly as it was before the first ``install`` (``docs/dev/emulator.md``).
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any, Final

from moto.fsx.models import FSxBackend
from moto.fsx.responses import FSxResponse
from moto.kms.models import KmsBackend
from moto.kms.responses import KmsResponse

from .kms import KMS_BACKEND_METHODS, KMS_RESPONSE_METHODS
from .models import BACKEND_METHODS
from .responses import RESPONSE_METHODS

PATCHES: Final[tuple[tuple[type[Any], dict[str, Any]], ...]] = (
    (FSxBackend, dict(BACKEND_METHODS)),
    (FSxResponse, dict(RESPONSE_METHODS)),
    (KmsBackend, dict(KMS_BACKEND_METHODS)),
    (KmsResponse, dict(KMS_RESPONSE_METHODS)),
)
"""Each moto class the emulator changes, and what it sets on it by name."""

_MISSING: Final = object()
"""Stands for a name the class did not define itself before the emulator set it."""

_lock = threading.Lock()
_active = 0
_saved: list[tuple[type[Any], str, object]] = []


class Installation:
    """One :func:`install`: :meth:`uninstall` (or leaving its ``with`` block) undoes it, once."""

    def __init__(self) -> None:
        self._undone = False

    @property
    def active(self) -> bool:
        """Whether this installation has not been undone yet."""
        return not self._undone

    def uninstall(self) -> None:
        """Undo this installation; when it is the last one in force, moto gets back exactly what it had."""
        global _active
        with _lock:
            if self._undone:
                return
            self._undone = True
            _active -= 1
            if _active == 0:
                for cls, name, original in reversed(_saved):
                    if original is _MISSING:
                        delattr(cls, name)
                    else:
                        setattr(cls, name, original)
                _saved.clear()

    def __enter__(self) -> Installation:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.uninstall()


def install() -> Installation:
    """Patch moto's FSx and KMS classes with the emulator; undo it with the returned handle.

    Nothing else in moto changes; :class:`~.control.InProcessEmulator`, the server and the pytest
    fixtures call this themselves.
    """
    global _active
    with _lock:
        if _active == 0:
            for cls, methods in PATCHES:
                for name, method in methods.items():
                    _saved.append((cls, name, cls.__dict__.get(name, _MISSING)))
                    setattr(cls, name, method)
        _active += 1
        return Installation()


def installed() -> bool:
    """Whether the emulator is installed into moto now."""
    with _lock:
        return _active > 0
