"""Fixtures: the DR example stack run by LocalStack against the session's emulator server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from stack_support import PROJECT, SOURCE_REGION, SOURCE_TAGS

from examples.dr.__main__ import main as dr_program
from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from pulumi_fsx_copy.testing.stack import LocalStack


@pytest.fixture
def source_backup(fsx_remote: RemoteEmulator) -> str:
    """A fresh emulator with one source backup in us-east-1, tagged ``SOURCE_TAGS``."""
    return fsx_remote.seed_backup(SOURCE_REGION, tags=SOURCE_TAGS)


@pytest.fixture
def make_stack(fsx_server: EmulatorServer, source_backup: str, tmp_path: Path) -> Callable[..., LocalStack]:
    """``make_stack(**config)``: the DR example stack (state in ``tmp_path``) copying ``source_backup``."""

    def make(**config: Any) -> LocalStack:
        return LocalStack(
            dr_program,
            project=PROJECT,
            stack="test",
            config={"aws:region": SOURCE_REGION, "sourceBackupId": source_backup, **config},
            state_path=tmp_path / "state.json",
            env={
                "AWS_ENDPOINT_URL": fsx_server.url,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "PULUMI_FSX_COPY_TIME_SCALE": "0.05",
            },
        )

    return make
