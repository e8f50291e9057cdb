"""Through the real ``pulumi`` CLI (Automation API, file backend) against the emulator server:

* ``pulumi preview`` and a no-change ``pulumi up`` of 100 BackupCopy resources, beside the same stack of
  100 no-op dynamic resources (goal: within 1.2x, and 0 AWS calls);
* 20 copies with waiting through one ``pulumi up``, copy time T, beside ceil(20/5)·T (AWS's limit of 5
  copies in progress per Region) and ceil(20/4)·T (the SDK's 4 provider threads).
"""

from __future__ import annotations

import math
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

    repeats = 1 if quick else 3
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

        copies, noops = stack(_copies_program(sources, REGIONS), "copies"), stack(_noop_program, "noops")
        figures: dict[str, dict[str, float]] = {}
        for label, target in (("BackupCopy", copies), ("no-op", noops)):
            emulator.reset_calls()
            first_preview = _timed(target.preview, 1)
            preview_calls = emulator.calls()
            target.up()
            emulator.reset_calls()
            preview = _timed(target.preview, repeats)
            up = _timed(target.up, repeats)
            figures[label] = {
                "first_preview": first_preview,
                "preview": preview,
                "up": up,
                "calls": preview_calls + emulator.calls(),
            }
        for key, what in (
            ("first_preview", "preview of a new stack"),
            ("preview", "preview, no change"),
            ("up", "up, no change"),
        ):
            value, base = figures["BackupCopy"][key], figures["no-op"][key]
            results.append(
                Result(
                    SECTION,
                    f"{what}, {RESOURCES} BackupCopy",
                    value,
                    "s",
                    "≤ 1.2x no-op stack",
                    value <= 1.2 * base,
                    value / base,
                    note=f"no-op stack: {base:.2f} s",
                )
            )
        calls = figures["BackupCopy"]["calls"]
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
