"""Installing the emulator into moto: its methods set on moto's ``FSxBackend`` and ``FSxResponse``."""

from __future__ import annotations

from typing import Any

from moto.fsx.models import FSxBackend
from moto.fsx.responses import FSxResponse

from .models import BACKEND_METHODS
from .responses import RESPONSE_METHODS


def install() -> None:
    """Patch moto's FSx backend and response classes with the emulator (idempotent).

    Nothing else in moto changes; :class:`~.control.InProcessEmulator`, the server and the pytest
    fixtures call this themselves.
    """
    targets: tuple[tuple[type[Any], dict[str, Any]], ...] = (
        (FSxBackend, dict(BACKEND_METHODS)),
        (FSxResponse, dict(RESPONSE_METHODS)),
    )
    for cls, methods in targets:
        for name, method in methods.items():
            setattr(cls, name, method)
