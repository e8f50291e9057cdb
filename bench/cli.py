"""Through the real ``pulumi`` CLI (Automation API, file backend) against the emulator server:

* ``pulumi preview`` (of a new stack and with no change) and a no-change ``pulumi up`` of 100 BackupCopy
  resources, beside the same stacks of 100 no-op dynamic resources, timed back to back in each of 7 runs
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


def _wide_noop_program(sources: list[str], importing: bool) -> Callable[[], None]:
    def program() -> None:
        from bench.noop import WideNoop

        provider = None
        if importing:
            from bench.noop_importing import ImportingNoopProvider

            provider = ImportingNoopProvider()
        for i, source in enumerate(sources):
            props = {"index": i, "source_backup_id": source, "source_region": SOURCE_REGION}
            WideNoop(f"noop-{i}", {**props, "region": REGIONS[i % len(REGIONS)]}, provider=provider)

    return program


# The stacks timed in each run: BackupCopy, the no-op baseline, and two between them that split the overhead:
# a no-op with BackupCopy's 23 properties (what the SDK and the engine carry), the same importing pulumi_fsx_copy
# in the provider process (the import). BackupCopy minus the latter is the provider's own work.
WIDE, WIDE_IMPORT = "no-op, BackupCopy's properties", "no-op, BackupCopy's properties + import"
LABELS = ("BackupCopy", "no-op", WIDE, WIDE_IMPORT)


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

    repeats = 1 if quick else 7
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
        programs = {
            "BackupCopy": _copies_program(sources, REGIONS),
            "no-op": _noop_program,
            WIDE: _wide_noop_program(sources, importing=False),
            WIDE_IMPORT: _wide_noop_program(sources, importing=True),
        }
        fresh = {label: stack(program, f"new-{i}") for i, (label, program) in enumerate(programs.items())}
        updated = {label: stack(program, f"stack-{i}") for i, (label, program) in enumerate(programs.items())}
        for target in updated.values():
            target.up()
        emulator.reset_calls()
        operations: dict[str, Callable[[str], Any]] = {
            "first_preview": lambda label: fresh[label].preview(),
            "preview": lambda label: updated[label].preview(),
            "up": lambda label: updated[label].up(),
        }
        times: dict[str, dict[str, list[float]]] = {k: {label: [] for label in LABELS} for k in operations}
        ratios: dict[str, dict[str, list[float]]] = {k: {label: [] for label in LABELS} for k in operations}
        calls = 0
        for run_index in range(repeats):
            for key, operation in operations.items():
                # Each run times every stack back to back, in turning order; its ratios are the run's own.
                order = LABELS[run_index % len(LABELS) :] + LABELS[: run_index % len(LABELS)]
                for label in order:
                    if label == "BackupCopy":
                        emulator.reset_calls()
                    times[key][label].append(_timed(lambda label=label, operation=operation: operation(label), 1))
                    if label == "BackupCopy":
                        calls += emulator.calls()
                for label in LABELS:
                    ratios[key][label].append(times[key][label][-1] / times[key]["no-op"][-1])
        for key, what in (
            ("first_preview", "preview of a new stack"),
            ("preview", "preview, no change"),
            ("up", "up, no change"),
        ):
            value, base = median(times[key]["BackupCopy"]), median(times[key]["no-op"])
            ratio = median(ratios[key]["BackupCopy"])
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
                    f"({', '.join(f'{r:.2f}' for r in ratios[key]['BackupCopy'])})",
                )
            )
            for label in (WIDE, WIDE_IMPORT):
                results.append(
                    Result(
                        SECTION,
                        f"  ... {what}, 100 {label}",
                        median(times[key][label]),
                        "s",
                        ratio=median(ratios[key][label]),
                        note="where the time goes: ratio to the no-op stack, median of the runs' ratios",
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
        for target in updated.values():
            target.destroy()
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
