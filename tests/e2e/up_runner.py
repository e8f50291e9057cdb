"""``python -m tests.e2e.up_runner STATE_DIR EMULATOR_URL SOURCE_BACKUP_ID...`` (from the repository root):
`pulumi up` of ``copies_program`` as the ``fsx_stack`` fixture makes it, in a process of its own (as a CI job
is), for a test to interrupt."""

from __future__ import annotations

import sys
from pathlib import Path

from devkit.cli import copies_program
from pulumi_fsx_copy.pytest_fixtures import STACK_CONFIG, STACK_PROJECT
from pulumi_fsx_copy.testing.automation import emulator_stack

if __name__ == "__main__":
    state_dir, emulator_url, *sources = sys.argv[1:]
    stack = emulator_stack(
        copies_program(sources),
        project=STACK_PROJECT,
        stack="test",
        emulator_url=emulator_url,
        state_dir=Path(state_dir),
        config=STACK_CONFIG,
    )
    stack.up()
