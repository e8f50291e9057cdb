"""The emulator's network faults (``break_next``), which the fault matrix relies on, do what they say in both
modes: ``drop`` before the request is handled, ``lose_response`` after, ``delay`` past the read timeout."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError

from pulumi_fsx_copy.testing import Emulator, EmulatorError
from pulumi_fsx_copy.testing.listing import all_backups

pytestmark = pytest.mark.scenario(
    "1a",
    "Emulator network faults",
    "break_next in-process and against the server: drop leaves nothing done and the client sees a closed "
    "connection; lose_response does the call (a copy exists) and the client sees a closed connection; delay does "
    "the call and the client times out reading; the fault is used up; bad arguments are refused",
)

SOURCE, DEST = "us-east-1", "us-west-2"


@pytest.fixture(params=["in_process", "server"])
def emulator(request: pytest.FixtureRequest) -> Emulator:
    fixture = "fsx_emulator" if request.param == "in_process" else "fsx_remote"
    emulator: Emulator = request.getfixturevalue(fixture)
    return emulator


def _client() -> Any:
    return boto3.client("fsx", region_name=DEST, config=Config(retries={"total_max_attempts": 1}, read_timeout=1))


def _copies() -> int:
    return len([b for b in all_backups(_client()) if b.get("SourceBackupId")])


@pytest.mark.parametrize(
    ("kind", "error", "done"),
    [
        ("drop", ConnectionClosedError, False),
        ("lose_response", ConnectionClosedError, True),
        ("delay", ReadTimeoutError, True),
    ],
)
def test_network_fault(emulator: Emulator, kind: str, error: type[Exception], done: bool) -> None:
    """One CopyBackup meets the fault; the next one is answered."""
    source = emulator.seed_backup(SOURCE)
    emulator.break_next("CopyBackup", kind, seconds=1.5, region=DEST)
    with pytest.raises(error):
        _client().copy_backup(SourceBackupId=source, SourceRegion=SOURCE, ClientRequestToken="t1")
    time.sleep(1.6 if kind == "delay" else 0)  # let a held answer go before counting
    assert _copies() == (1 if done else 0)
    copy = _client().copy_backup(SourceBackupId=source, SourceRegion=SOURCE, ClientRequestToken="t1")["Backup"]
    assert _copies() == 1 and copy["BackupId"]
    assert emulator.calls("CopyBackup") == 2


def test_bad_arguments_are_refused(emulator: Emulator) -> None:
    """Unknown kinds and counts below 1 are refused."""
    with pytest.raises(EmulatorError):
        emulator.break_next("CopyBackup", "explode")
    with pytest.raises(EmulatorError):
        emulator.break_next("CopyBackup", "drop", count=0)
