"""``python killed_up.py STATE_DIR EMULATOR_URL SOURCE_BACKUP_ID``: `pulumi up` of the one-copy program as
the ``make_stack`` fixture makes it, for a test to kill mid-copy (a process of its own, as a CI job is)."""

from __future__ import annotations

import sys
from pathlib import Path

from e2e_support import REGION, one_copy

from pulumi_fsx_copy.testing.automation import emulator_stack

if __name__ == "__main__":
    state_dir, emulator_url, source = sys.argv[1:4]
    stack = emulator_stack(
        one_copy(source),
        project="e2e",
        stack="test",
        emulator_url=emulator_url,
        state_dir=Path(state_dir),
        config={"aws:region": REGION},
    )
    stack.up()
