"""An Amazon FSx backup emulator on top of moto, for tests: in-process or as a server.

Drive it with an :class:`Emulator`: :class:`InProcessEmulator` inside ``moto.mock_aws()``, or
:class:`RemoteEmulator` against ``python -m pulumi_fsx_copy.testing.server`` (which
:class:`EmulatorServer` starts).  Importing this package changes nothing in moto: the emulator is
installed by :func:`install`, which :class:`InProcessEmulator`, the server and the pytest fixtures call;
the :class:`Installation` it returns undoes it (the fixtures and :class:`InProcessEmulator` do so when
they end).
"""

from .backups import EmulatorError, managed_key_arn
from .control import Emulator, InProcessEmulator
from .models import Settings
from .patch import Installation, install, installed
from .remote import EmulatorServer, RemoteEmulator

__all__ = [
    "Emulator",
    "EmulatorError",
    "EmulatorServer",
    "InProcessEmulator",
    "Installation",
    "RemoteEmulator",
    "Settings",
    "install",
    "installed",
    "managed_key_arn",
]
