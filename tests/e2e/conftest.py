"""End-to-end tests: programs run by the real ``pulumi`` CLI (Automation API, file backend) against the
emulator server, made by the plugin's ``fsx_stack`` fixture.  The CLI is the one on PATH, else the project's
pinned build in ``.tools/bin`` (``make cli``).  In CI (``CI=true``) a missing CLI fails these tests; elsewhere
it skips them, saying how to get one.  Each test here is marked ``cli``: ``make check`` leaves them out
(``-m "not cli"``), ``make test`` runs them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROJECT_CLI = REPO / ".tools" / "bin"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark this directory's tests ``cli`` (the hook sees the whole session's items: only ours get it)."""
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.cli)


@pytest.fixture(scope="session", autouse=True)
def pulumi_cli() -> str:
    """The ``pulumi`` the tests run (with the project's provider launcher first on PATH), found before any
    ``fsx_stack`` looks for it."""
    if PROJECT_CLI.is_dir():
        os.environ["PATH"] = os.pathsep.join((str(PROJECT_CLI), os.environ.get("PATH", "")))
    found = shutil.which("pulumi")
    if found is None:
        reason = "no `pulumi` CLI on PATH and none in .tools/bin: run `make cli` (builds the pinned CLI with Go)"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found
