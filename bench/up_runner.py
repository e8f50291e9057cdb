"""``python -m bench.up_runner STATE_DIR EMULATOR_URL PARALLEL REGIONS SOURCE...`` (from the repository root):
`pulumi up --parallel PARALLEL` of :func:`program` through the Automation API, in a process of its own, for
``bench/ctrlc.py`` to interrupt (REGIONS: comma-separated, the copies go round them)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pulumi_fsx_copy.testing.automation import emulator_stack

from .common import SOURCE_REGION

PROJECT, STACK = "bench-ctrlc", "bench"


def program(sources: list[str], regions: list[str]) -> Callable[[], None]:
    """One BackupCopy per source, into the Regions in turn; exports their IDs as ``ids``."""

    def run() -> None:
        import pulumi

        from pulumi_fsx_copy import BackupCopy

        ids = [
            BackupCopy(
                f"copy-{i}", source_backup_id=s, source_region=SOURCE_REGION, region=regions[i % len(regions)]
            ).id
            for i, s in enumerate(sources)
        ]
        pulumi.export("ids", ids)

    return run


def stack(state_dir: Path, emulator_url: str, sources: list[str], regions: list[str]) -> Any:
    return emulator_stack(
        program(sources, regions),
        project=PROJECT,
        stack=STACK,
        emulator_url=emulator_url,
        state_dir=state_dir,
        config={"aws:region": regions[0]},
    )


if __name__ == "__main__":
    state_dir, emulator_url, parallel, regions, *sources = sys.argv[1:]
    stack(Path(state_dir), emulator_url, sources, regions.split(",")).up(parallel=int(parallel))
