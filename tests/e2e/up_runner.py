"""``python up_runner.py STATE_DIR EMULATOR_URL SOURCE_BACKUP_ID...``: `pulumi up` of ``copies_program`` as
the ``make_stack`` fixture makes it, in a process of its own (as a CI job is), for a test to interrupt."""

from __future__ import annotations

import sys
from pathlib import Path

from e2e_support import REGION, copies_program

from pulumi_fsx_copy.testing.automation import emulator_stack

if __name__ == "__main__":
    state_dir, emulator_url, *sources = sys.argv[1:]
    stack = emulator_stack(
        copies_program(sources),
        project="e2e",
        stack="test",
        emulator_url=emulator_url,
        state_dir=Path(state_dir),
        config={"aws:region": REGION},
    )
    stack.up()
