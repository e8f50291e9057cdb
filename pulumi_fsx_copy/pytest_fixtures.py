"""pytest fixtures for tests against the FSx CopyBackup emulator, and for stacks run by the real CLI on it.

Registered by :mod:`pulumi_fsx_copy.pytest_plugin` when the testing kit is installed. Importing it costs nothing:
the emulator (moto, from ``pulumi-fsx-copy[testing]``) and the Automation API are imported by the fixtures that
use them.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

if TYPE_CHECKING:
    from pulumi import automation as auto

    from .testing import EmulatorServer, InProcessEmulator, RemoteEmulator

TEST_COPY_SECONDS: Final = 0.2
"""How long a copy takes in the emulators these fixtures make."""

TEST_REGION: Final = "us-east-1"
"""The Region ``aws_test_env`` sets (``AWS_DEFAULT_REGION``), where ``fsx_source_backups`` seeds by default."""

STACK_PROJECT: Final = "fsx-test"
"""The project of the stacks ``fsx_stack`` makes when the test names none."""

STACK_CONFIG: Final = {"aws:region": "us-west-2"}
"""The config every ``fsx_stack`` stack starts from (a test's ``config`` is merged over it): a DR Region
other than the one the source backups are seeded in."""


@pytest.fixture
def aws_test_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The testing kit's ``FAKE_AWS_ENV`` (fake credentials, no profile, no config files), Region
    ``TEST_REGION``, and no ``AWS_ENDPOINT_URL*``."""
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL") or name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION"):
            monkeypatch.delenv(name)
    from .testing import FAKE_AWS_ENV

    for name, value in {**FAKE_AWS_ENV, "AWS_DEFAULT_REGION": TEST_REGION}.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def fsx_emulator(aws_test_env: None) -> Iterator[InProcessEmulator]:
    """The in-process emulator inside ``moto.mock_aws()``, reset, copies taking ``TEST_COPY_SECONDS``.

    At teardown the emulator is reset and taken out of moto again: later tests of the session see moto
    exactly as it was before this fixture."""
    from moto import mock_aws

    from .testing import InProcessEmulator

    with InProcessEmulator() as emulator:
        try:
            with mock_aws():
                emulator.reset()
                emulator.configure(copy_seconds=TEST_COPY_SECONDS)
                yield emulator
        finally:
            emulator.reset()


@pytest.fixture(scope="session")
def fsx_server() -> Iterator[EmulatorServer]:
    """One emulator server for the session (copies take ``TEST_COPY_SECONDS``)."""
    from .testing import EmulatorServer

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
    regions: tuple[str, ...] = tuple(marker.args) if marker and marker.args else (TEST_REGION,)
    options = dict(marker.kwargs) if marker else {}
    return {
        region: fsx_remote.seed_backup(
            region, tags=options.get("tags"), file_system_type=options.get("file_system_type", "LUSTRE")
        )
        for region in regions
    }


@pytest.fixture
def fsx_stack(fsx_server: EmulatorServer, tmp_path: Path) -> Iterator[Callable[..., auto.Stack]]:
    """``fsx_stack(program, project=STACK_PROJECT, stack="test", config={...}, **options)``: a stack of your
    inline ``program`` run by the ``pulumi`` CLI on PATH against the session's emulator server (local file
    backend in ``tmp_path / "state"``), its config ``STACK_CONFIG`` with ``config`` merged over it;
    ``options`` go to :func:`~pulumi_fsx_copy.testing.automation.emulator_stack` (``secret_config``,
    ``env``, ``time_scale``...). Every stack made is destroyed and removed after the test."""
    from .testing.automation import emulator_stack

    if shutil.which("pulumi") is None:
        pytest.fail("fsx_stack needs the `pulumi` CLI on PATH (https://www.pulumi.com/docs/install/)")
    stacks: dict[str, auto.Stack] = {}  # by name: a later program for the same stack replaces the handle

    def make(
        program: Callable[[], None],
        *,
        project: str = STACK_PROJECT,
        stack: str = "test",
        config: Mapping[str, str] | None = None,
        **options: Any,
    ) -> auto.Stack:
        made = emulator_stack(
            program,
            project=project,
            stack=stack,
            config={**STACK_CONFIG, **(config or {})},
            emulator_url=fsx_server.url,
            state_dir=tmp_path / "state",
            **options,
        )
        stacks[stack] = made
        return made

    yield make
    for made in stacks.values():
        try:
            made.destroy()
        finally:
            made.workspace.remove_stack(made.name, force=True)
    # The SDK's inline-program server leaves unfinished coroutines behind; finalize them now, not in the
    # middle of some later compile() (their finalizers then trip CPython 3.11's thread-unsafe AST depth check).
    gc.collect()
