"""End-to-end tests: programs run by the real ``pulumi`` CLI (Automation API, file backend) against the
emulator server.  The CLI is the one on PATH, else the project's pinned build in ``.tools/bin`` (``make cli``).
In CI (``CI=true``) a missing CLI fails these tests; elsewhere it skips them, saying how to get one.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from e2e_support import MakeStack
from pulumi import automation as auto

from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from pulumi_fsx_copy.testing.automation import emulator_stack

REPO = Path(__file__).resolve().parents[2]
PROJECT_CLI = REPO / ".tools" / "bin"


@pytest.fixture(scope="session")
def pulumi_cli() -> str:
    """The ``pulumi`` the tests run (with the project's provider launcher first on PATH)."""
    if PROJECT_CLI.is_dir():
        os.environ["PATH"] = os.pathsep.join((str(PROJECT_CLI), os.environ.get("PATH", "")))
    found = shutil.which("pulumi")
    if found is None:
        reason = "no `pulumi` CLI on PATH and none in .tools/bin: run `make cli` (builds the pinned CLI with Go)"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture
def make_stack(
    pulumi_cli: str, fsx_server: EmulatorServer, fsx_remote: RemoteEmulator, tmp_path: Path
) -> Iterator[MakeStack]:
    """A factory of stacks of inline programs against the emulator server; each is destroyed and removed
    after the test (what a test leaves in the emulator is reset anyway)."""
    stacks: dict[str, auto.Stack] = {}  # by name: a later program for the same stack replaces the handle

    def make(
        program: Callable[[], None],
        *,
        stack: str = "test",
        project: str = "e2e",
        config: Mapping[str, str] | None = None,
        **options: object,
    ) -> auto.Stack:
        created = emulator_stack(
            program,
            project=project,
            stack=stack,
            emulator_url=fsx_server.url,
            state_dir=tmp_path / "state",
            config={"aws:region": "us-west-2", **(config or {})},
            **options,  # type: ignore[arg-type]
        )
        stacks[stack] = created
        return created

    yield make
    for stack in stacks.values():
        try:
            stack.destroy()
        finally:
            stack.workspace.remove_stack(stack.name, force=True)
    # The SDK's inline-program server leaves unfinished coroutines behind; finalize them now, not in the
    # middle of some later compile() (their finalizers then trip CPython 3.11's thread-unsafe AST depth check).
    gc.collect()
