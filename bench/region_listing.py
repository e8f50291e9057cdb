"""DescribeBackups per run through the real ``pulumi`` CLI (Automation API, file backend, emulator server), issue 24:
a ``pulumi up`` that makes N copies, then a ``pulumi refresh`` of them, into a destination Region that already
holds M other USER_INITIATED backups (other stacks' copies: every listing pages through them), pages of 50 (AWS's
most), for N in (12, 100) and M in (400, 3,000).

Each copy takes ``REAL_SECONDS`` on the emulator and the provider runs with ``PULUMI_FSX_COPY_TIME_SCALE =
REAL_SECONDS / 60``: it polls as it would a 1-minute copy. The emulator's limit of copies in progress is raised
above N (``copy_limit``), so no create waits for a copy slot: the figures are the listings and each copy's own
polling. Goal (issue 24): per run at most 6 calls per copy for ``up`` and 1 for ``refresh``, plus 2 listings of
the Region (a listing: ceil((M + copies there) / 50) pages).
"""

from __future__ import annotations

import math
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pulumi_fsx_copy.testing.backups import PAGE_LIMIT

from .common import DR_REGION, SOURCE_REGION, Result, emulator_server

SECTION = "region_listing"
CASES = ((12, 400), (12, 3_000), (100, 400), (100, 3_000))
QUICK_CASES = ((12, 400),)
REAL_SECONDS = 6.0
COPY_SECONDS = 60.0
PER_COPY = {"up": 6, "refresh": 1}


def _program(sources: list[str]) -> Callable[[], None]:
    def program() -> None:
        from pulumi_fsx_copy import BackupCopy

        for i, source in enumerate(sources):
            BackupCopy(f"copy-{i}", source_backup_id=source, source_region=SOURCE_REGION, region=DR_REGION)

    return program


def _pages(backups: int) -> int:
    return max(1, math.ceil(backups / PAGE_LIMIT))


def _case(server: Any, tmp: Path, copies: int, others: int) -> list[Result]:
    from pulumi_fsx_copy.testing.automation import emulator_stack

    emulator = server.emulator
    emulator.reset()
    emulator.configure(copy_seconds=REAL_SECONDS, page_size=PAGE_LIMIT, copy_limit=copies + 5)
    for _ in range(others):
        emulator.seed_backup(DR_REGION, backup_type="USER_INITIATED")
    sources = [emulator.seed_backup(SOURCE_REGION) for _ in range(copies)]
    stack = emulator_stack(
        _program(sources),
        project="bench",
        stack=f"listing-{copies}-{others}",
        emulator_url=server.url,
        state_dir=tmp,
        config={"aws:region": DR_REGION},
        time_scale=REAL_SECONDS / COPY_SECONDS,
    )
    results: list[Result] = []
    runs: dict[str, Callable[[], Any]] = {"up": stack.up, "refresh": stack.refresh}
    # `up` lists the Region before its copies exist; `refresh` after.
    listing = {"up": _pages(others), "refresh": _pages(others + copies)}
    for run, action in runs.items():
        emulator.reset_calls()
        started = time.monotonic()
        action()
        elapsed = time.monotonic() - started
        calls = emulator.calls("DescribeBackups", DR_REGION)
        everywhere = emulator.calls("DescribeBackups")
        goal = PER_COPY[run] * copies + 2 * listing[run]
        results.append(
            Result(
                SECTION,
                f"`{run}` of {copies} copies, {others:,} other backups: DescribeBackups",
                calls,
                "calls",
                f"<= {PER_COPY[run]}·{copies} + 2·{listing[run]} = {goal}",
                calls <= goal,
                ratio=calls / copies,
                note=f"ratio: calls per copy; a listing is {listing[run]} pages of {PAGE_LIMIT}; all Regions "
                f"{everywhere}; other FSx calls in the DR Region {emulator.calls(region=DR_REGION) - calls}; "
                f"copies of {COPY_SECONDS:g} s played in {REAL_SECONDS:g} s (time scale "
                f"{REAL_SECONDS / COPY_SECONDS:g}), no slot wait (emulator copy_limit {copies + 5}); {elapsed:.0f} s",
            )
        )
    stack.destroy()
    stack.workspace.remove_stack(stack.name, force=True)
    return results


def run(results: list[Result], *, quick: bool) -> None:
    if shutil.which("pulumi") is None:
        raise SystemExit("bench region_listing: no `pulumi` on PATH (run `make bench`, which builds or finds one)")
    with emulator_server(copy_seconds=REAL_SECONDS) as server, tempfile.TemporaryDirectory() as tmp:
        for copies, others in QUICK_CASES if quick else CASES:
            results.extend(_case(server, Path(tmp), copies, others))
