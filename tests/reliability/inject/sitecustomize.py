"""Loaded by the provider processes of the reliability tests (their PYTHONPATH starts here).

With ``PFC_TEST_READ_TIMEOUT`` set, the provider's boto3 clients time out reading an answer after that many
seconds instead of 60, so the emulator server's ``delay`` fault can outlast the read timeout in a test's time.
Nothing else of the provider changes.
"""

from __future__ import annotations

import os

_seconds = os.environ.get("PFC_TEST_READ_TIMEOUT")
if _seconds:
    from botocore.config import Config

    import pulumi_fsx_copy.clients as _clients

    _clients._CLIENT_CONFIG = _clients._CLIENT_CONFIG.merge(Config(read_timeout=float(_seconds)))
