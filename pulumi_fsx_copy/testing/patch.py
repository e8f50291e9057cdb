"""Installing the emulator into moto: its methods set on moto's ``FSxBackend`` and ``FSxResponse``."""

from __future__ import annotations

from moto.fsx.models import FSxBackend
from moto.fsx.responses import FSxResponse

from .models import BACKEND_METHODS
from .responses import RESPONSE_METHODS


def install() -> None:
    """Patch moto's FSx backend and response classes with the emulator (idempotent)."""
    for name, method in BACKEND_METHODS.items():
        setattr(FSxBackend, name, method)
    for name, method in RESPONSE_METHODS.items():
        setattr(FSxResponse, name, method)
