"""An Amazon FSx backup emulator on top of moto, for tests: in-process or as a server.

Drive it with an :class:`Emulator`: :class:`InProcessEmulator` inside ``moto.mock_aws()``, or :class:`RemoteEmulator`
against ``python -m pulumi_fsx_copy.testing.server`` (:class:`EmulatorServer`). Importing this package changes
nothing in moto: :func:`install` does, and the :class:`Installation` it returns undoes it.
"""

import os
from typing import Final

from .backups import managed_key_arn
from .control import Emulator, InProcessEmulator
from .exceptions import EmulatorError
from .patch import Installation, install, installed
from .remote import EmulatorServer, RemoteEmulator
from .settings import Settings

FAKE_AWS_ENV: Final = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
"""The fake AWS environment of everything that talks to the emulator: credentials it accepts (no real key
ever reaches it), no profile or config file read, no instance metadata asked. No Region: each user says."""

__all__ = [
    "FAKE_AWS_ENV",
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
