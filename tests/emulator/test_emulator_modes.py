"""What is particular to each mode: isolation between mock_aws() blocks, and the server's command line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from pulumi_fsx_copy.testing import InProcessEmulator, RemoteEmulator
from tests.support.emulator import DEST, NO_RETRIES, SOURCE

ROOT = Path(__file__).resolve().parents[2]


def test_a_new_mock_aws_block_sees_none_of_the_previous_copies(aws_test_env: None) -> None:
    fsx = boto3.client("fsx", region_name=DEST, config=NO_RETRIES)
    with InProcessEmulator() as emulator:
        with mock_aws():
            source = emulator.seed_backup(SOURCE)
            copy = fsx.copy_backup(SourceBackupId=source, SourceRegion=SOURCE, ClientRequestToken="t-1")["Backup"]

        with mock_aws():
            assert fsx.describe_backups()["Backups"] == []
            with pytest.raises(ClientError) as info:
                fsx.describe_backups(BackupIds=[copy["BackupId"]])
            assert info.value.response["Error"]["Code"] == "BackupNotFound"
            source = emulator.seed_backup(SOURCE)
            again = fsx.copy_backup(SourceBackupId=source, SourceRegion=SOURCE, ClientRequestToken="t-1")["Backup"]
            assert again["BackupId"] != copy["BackupId"]
            assert emulator.max_in_progress(DEST) == 1


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_the_server_prints_its_url_first_serves_and_stops_cleanly(aws_test_env: None, stop: signal.Signals) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "pulumi_fsx_copy.testing.server", "--port", "0", "--copy-seconds", "0.1"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as server:
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            remote = RemoteEmulator(url)
            source = remote.seed_backup(SOURCE)
            fsx = boto3.client("fsx", region_name=DEST, endpoint_url=url, config=NO_RETRIES)
            copy = fsx.copy_backup(SourceBackupId=source, SourceRegion=SOURCE)["Backup"]
            assert copy["ResourceARN"].startswith(f"arn:aws:fsx:{DEST}:")  # Region from the credential scope
            sts = boto3.client("sts", region_name=DEST, endpoint_url=url, config=NO_RETRIES)
            assert sts.get_caller_identity()["Account"] == "123456789012"  # all of moto is served
        finally:
            server.send_signal(stop)
            assert server.wait(10) == 0
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)


def test_importing_the_package_leaves_moto_alone_until_the_emulator_is_installed() -> None:
    script = (
        "from moto.core.responses import BaseResponse\n"
        "from moto.fsx.responses import FSxResponse\n"
        "import pulumi_fsx_copy.testing as testing\n"
        "assert FSxResponse.call_action is BaseResponse.call_action, 'patched at import'\n"
        "testing.InProcessEmulator()\n"
        "assert FSxResponse.call_action is not BaseResponse.call_action, 'not installed'\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}

    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
