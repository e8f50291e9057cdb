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

    import pulumi_fsx_copy.aws.clients as _clients

    _clients._CLIENT_CONFIG = _clients._CLIENT_CONFIG.merge(Config(read_timeout=float(_seconds)))

# With ``PFC_TEST_THROTTLE_EVERY=N``, every N-th FSx DescribeBackups call of the provider answers
# ThrottlingException (as a busy account's does), before it reaches the emulator.
_every = os.environ.get("PFC_TEST_THROTTLE_EVERY")
# With ``PFC_TEST_KMS_GATE=PATH``, each KMS DescribeKey first creates ``PATH.reached``, waits until ``PATH``
# exists, then answers ThrottlingException: a test holds the provider inside its KMS look-up.
_gate = os.environ.get("PFC_TEST_KMS_GATE")
if _every or _gate:
    import itertools
    import threading
    import time
    from pathlib import Path
    from typing import Any

    from botocore.exceptions import ClientError

    import pulumi_fsx_copy.aws.clients as _clients

    _count = itertools.count(1)
    _lock = threading.Lock()

    def _throttled(operation: str) -> ClientError:
        error: Any = {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}
        return ClientError(error, operation)

    def _before_call(model: Any, **_: Any) -> None:
        if _every and model.name == "DescribeBackups":
            with _lock:
                n = next(_count)
            if n % int(_every) == 0:
                raise _throttled("DescribeBackups")
        if _gate and model.name == "DescribeKey":
            Path(_gate + ".reached").touch()
            while not Path(_gate).exists():
                time.sleep(0.02)
            raise _throttled("DescribeKey")

    _make = _clients.AwsClients._new_client

    def _make_with_faults(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = _make(self, *args, **kwargs)
        client.meta.events.register("before-call", _before_call)
        return client

    _clients.AwsClients._new_client = _make_with_faults  # type: ignore[method-assign]

# With ``PFC_TEST_CLOCK_BEHIND=S``, this machine's wall clock (``time.time()``) reads S seconds behind the
# true time in the provider process, as a machine whose clock is wrong reads it (AWS's clock stays right).
_behind = os.environ.get("PFC_TEST_CLOCK_BEHIND")
if _behind:
    import time as _time

    _true_time = _time.time
    _time.time = lambda: _true_time() - float(_behind)
