"""The ``aws`` fixture: every emulator test runs once in-process and once against the server."""

from __future__ import annotations

import pytest

from tests.support.emulator import SOURCE, Aws


@pytest.fixture(params=["in_process", "server"])
def aws(request: pytest.FixtureRequest) -> Aws:
    """The emulator in one of its two modes, with boto3 pointed at it."""
    fixture = "fsx_emulator" if request.param == "in_process" else "fsx_remote"
    return Aws(request.getfixturevalue(fixture), request.param)


@pytest.fixture
def source(aws: Aws) -> str:
    """An AVAILABLE backup of a LUSTRE file system in SOURCE, tagged ``team=storage``."""
    return aws.emulator.seed_backup(SOURCE, tags={"team": "storage"})
