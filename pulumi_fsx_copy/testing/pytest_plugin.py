"""pytest fixtures for tests against the FSx CopyBackup emulator.

Load with ``pytest_plugins = ["pulumi_fsx_copy.testing.pytest_plugin"]``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Final

import pytest
from moto import mock_aws

from .control import InProcessEmulator
from .remote import EmulatorServer, RemoteEmulator

TEST_COPY_SECONDS: Final = 0.2
"""How long a copy takes in the emulators these fixtures make."""

_FAKE_ENV: Final = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


@pytest.fixture
def aws_test_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials, Region us-east-1, no profile, no config files and no ``AWS_ENDPOINT_URL*``."""
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL") or name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION"):
            monkeypatch.delenv(name)
    for name, value in _FAKE_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def fsx_emulator(aws_test_env: None) -> Iterator[InProcessEmulator]:
    """The in-process emulator inside ``moto.mock_aws()``, reset, copies taking ``TEST_COPY_SECONDS``."""
    emulator = InProcessEmulator()
    with mock_aws():
        emulator.reset()
        emulator.configure(copy_seconds=TEST_COPY_SECONDS)
        yield emulator
    emulator.reset()


@pytest.fixture(scope="session")
def fsx_server() -> Iterator[EmulatorServer]:
    """One emulator server for the session (copies take ``TEST_COPY_SECONDS``)."""
    with EmulatorServer(copy_seconds=TEST_COPY_SECONDS) as server:
        yield server


@pytest.fixture
def fsx_remote(fsx_server: EmulatorServer, aws_test_env: None, monkeypatch: pytest.MonkeyPatch) -> RemoteEmulator:
    """The session server's controls, after a reset; ``AWS_ENDPOINT_URL`` points boto3 at the server."""
    fsx_server.emulator.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", fsx_server.url)
    return fsx_server.emulator


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker ``fsx_source_backups`` reads."""
    config.addinivalue_line(
        "markers",
        "fsx_source_regions(*regions, tags=None, file_system_type='LUSTRE'): where fsx_source_backups seeds backups",
    )


@pytest.fixture
def fsx_source_backups(request: pytest.FixtureRequest, fsx_remote: RemoteEmulator) -> dict[str, str]:
    """Region -> ID of an AVAILABLE source backup seeded in the emulator server, one per Region named by
    ``@pytest.mark.fsx_source_regions("us-east-1", "eu-west-1", tags={...}, file_system_type="ONTAP")``
    (default: one in us-east-1)."""
    marker = request.node.get_closest_marker("fsx_source_regions")
    regions: tuple[str, ...] = tuple(marker.args) if marker and marker.args else ("us-east-1",)
    options = dict(marker.kwargs) if marker else {}
    return {
        region: fsx_remote.seed_backup(
            region, tags=options.get("tags"), file_system_type=options.get("file_system_type", "LUSTRE")
        )
        for region in regions
    }
