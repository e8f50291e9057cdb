"""An Amazon FSx CopyBackup emulator on top of moto, for tests: in-process or as a server.

Importing this package installs the emulator into moto (see :func:`install`).  Drive it with an
:class:`Emulator`: :class:`InProcessEmulator` inside ``moto.mock_aws()``, or :class:`RemoteEmulator`
against ``python -m pulumi_fsx_copy.testing.server`` (which :class:`EmulatorServer` starts).
"""

from .control import Emulator, InProcessEmulator
from .models import EmulatorError, Settings, managed_key_arn
from .patch import install
from .remote import EmulatorServer, RemoteEmulator

install()

__all__ = [
    "Emulator",
    "EmulatorError",
    "EmulatorServer",
    "InProcessEmulator",
    "RemoteEmulator",
    "Settings",
    "install",
    "managed_key_arn",
]
