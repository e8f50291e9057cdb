"""The errors the emulator raises, as moto's ``exceptions.py`` keeps a backend's.

:class:`FsxError` and :class:`KmsError` are the service errors a client sees (the answers' ``__type``,
message and members); :class:`EmulatorError` is a control refusing what it was given.  Nothing else here.
"""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError


class FsxError(Exception):
    """An FSx service error: its ``code`` (an error shape of the FSx model or a common AWS code),
    ``message`` and the shape's extra members in ``fields`` (``Limit``, ``BackupId``, ...)."""

    def __init__(self, code: str, message: str, **fields: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.fields = fields


class KmsError(JsonRESTError):
    """A KMS error as moto serializes it (``__type`` and ``message``), HTTP 400."""

    code = 400

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(error_type, message)


class EmulatorError(ValueError):
    """A control call of the emulator was given something it cannot act on (e.g. an unknown backup)."""
