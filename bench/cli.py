"""Through the real ``pulumi`` CLI (Automation API, file backend) against the emulator server:

* ``pulumi preview`` (of a new stack and with no change) and a no-change ``pulumi up`` of 100 BackupCopy
  resources, beside the same stacks of 100 no-op dynamic resources, timed back to back in each of 5 runs
  (1 with ``--quick``): the figure is the median time, the ratio the median of the runs' own ratios (goal:
  within 1.2x, and 0 AWS calls; `BENCH_CLI_SKIP_TWENTY=1` runs these alone);
* 20 copies with waiting through one ``pulumi up``, copy time T, beside ceil(20/5)·T (AWS's limit of 5
  copies in progress per Region) and ceil(20/4)·T (the SDK's 4 provider threads).
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import SOURCE_REGION, Result, emulator_server, median

SECTION = "cli"
RESOURCES = 100
REGIONS = ("us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
COPIES = 20


def _copies_program(sources: list[str], regions: tuple[str, ...]) -> Callable[[], None]:
    def program() -> None:
        from pulumi_fsx_copy import BackupCopy

        for i, source in enumerate(sources):
            region = regions[i % len(regions)]
            BackupCopy(f"copy-{i}", source_backup_id=source, source_region=SOURCE_REGION, region=region)

    return program


def _noop_program() -> None:
    from bench.noop import Noop

    for i in range(RESOURCES):
        Noop(f"noop-{i}", {"index": i, "region": REGIONS[i % len(REGIONS)]})


def _timed(action: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.monotonic()
        action()
        times.append(time.monotonic() - started)
    return median(times)


def run(results: list[Result], *, quick: bool) -> None:
    if shutil.which("pulumi") is None:
        raise SystemExit("bench cli: no `pulumi` on PATH (run `make bench`, which builds or finds one)")
    from pulumi_fsx_copy.testing.automation import emulator_stack

    repeats = 1 if quick else 5
    with emulator_server(copy_seconds=0.5) as server, tempfile.TemporaryDirectory() as tmp:
        emulator = server.emulator
        sources = [emulator.seed_backup(SOURCE_REGION) for _ in range(RESOURCES)]

        def stack(program: Callable[[], None], name: str) -> Any:
            return emulator_stack(
                program,
                project="bench",
                stack=name,
                emulator_url=server.url,
                state_dir=Path(tmp),
                config={"aws:region": SOURCE_REGION},
            )

        # Stacks never updated (a new stack's preview) and stacks with their 100 resources in the state.
        fresh = {
            "BackupCopy": stack(_copies_program(sources, REGIONS), "copies-new"),
            "no-op": stack(_noop_program, "noops-new"),
        }
        copies, noops = stack(_copies_program(sources, REGIONS), "copies"), stack(_noop_program, "noops")
        updated = {"BackupCopy": copies, "no-op": noops}
        copies.up()
        noops.up()
        emulator.reset_calls()
        operations: dict[str, Callable[[str], Any]] = {
            "first_preview": lambda label: fresh[label].preview(),
            "preview": lambda label: updated[label].preview(),
            "up": lambda label: updated[label].up(),
        }
        times: dict[str, dict[str, list[float]]] = {k: {"BackupCopy": [], "no-op": []} for k in operations}
        ratios: dict[str, list[float]] = {k: [] for k in operations}
        for run_index in range(repeats):
            for key, operation in operations.items():
                # Each run times both stacks back to back, in alternating order; its ratio is the run's own.
                order = ("BackupCopy", "no-op") if run_index % 2 == 0 else ("no-op", "BackupCopy")
                for label in order:
                    times[key][label].append(_timed(lambda label=label, operation=operation: operation(label), 1))
                ratios[key].append(times[key]["BackupCopy"][-1] / times[key]["no-op"][-1])
        calls = emulator.calls()
        for key, what in (
            ("first_preview", "preview of a new stack"),
            ("preview", "preview, no change"),
            ("up", "up, no change"),
        ):
            value, base, ratio = median(times[key]["BackupCopy"]), median(times[key]["no-op"]), median(ratios[key])
            results.append(
                Result(
                    SECTION,
                    f"{what}, {RESOURCES} BackupCopy",
                    value,
                    "s",
                    "≤ 1.2x no-op stack",
                    ratio <= 1.2,
                    ratio,
                    note=f"median of {repeats} runs; no-op stack: {base:.2f} s; ratio: median of the runs' ratios "
                    f"({', '.join(f'{r:.2f}' for r in ratios[key])})",
                )
            )
        results.append(
            Result(
                SECTION,
                f"AWS calls in previews and no-change ups of {RESOURCES} copies",
                calls,
                "calls",
                "0",
                calls == 0,
            )
        )
        copies.destroy()
        noops.destroy()
        if os.environ.get("BENCH_CLI_SKIP_TWENTY"):
            return

        copy_seconds = 5.0 if quick else 15.0
        emulator.reset()
        emulator.configure(copy_seconds=copy_seconds)
        sources = [emulator.seed_backup(SOURCE_REGION) for _ in range(COPIES)]
        waiting = stack(_copies_program(sources, REGIONS[:1]), "twenty")
        elapsed = _timed(waiting.up, 1)
        aws_limit, four_threads = math.ceil(COPIES / 5) * copy_seconds, math.ceil(COPIES / 4) * copy_seconds
        results.append(
            Result(
                SECTION,
                f"{COPIES} copies into one Region through `pulumi up`, T = {copy_seconds:g} s",
                elapsed,
                "s",
                f"≤ 1.15 x ceil(20/5)·T = {1.15 * aws_limit:g} s",
                elapsed <= 1.15 * aws_limit,
                elapsed / aws_limit,
                note=f"ceil(20/5)·T = {aws_limit:g} s, ceil(20/4)·T = {four_threads:g} s; "
                f"max in progress {emulator.max_in_progress(REGIONS[0])}",
            )
        )
        waiting.destroy()
