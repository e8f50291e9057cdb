"""The first Ctrl-C through the real ``pulumi`` CLI while 1, 5 and 20 copies wait (issue 18).

``pulumi up`` of N BackupCopy resources runs through the Automation API in a process of its own
(``bench/up_runner.py``, as a CI job or a terminal runs it; ``--parallel N``; 1 and 5 copies into one
Region, 20 over 4 Regions, so that all N copies are in progress at once under AWS's 5 per Region). Once
the N copies are COPYING on the emulator server (copies of 10 min: none ends by itself), SIGINT is sent
to the ``pulumi`` CLI process, as a terminal's Ctrl-C reaches it. Measured:

* seconds from SIGINT until the CLI process has exited (goal: < 10 s), median of 3 runs (1 with --quick);
* pending operations in the state afterwards (``pulumi stack export``; goal: 0) and resources recorded;
* the next ``pulumi up`` (the copies turned AVAILABLE first): copies it makes that were not there before
  (goal: 0, every copy adopted) and whether its IDs are the interrupted run's copies.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from devkit.cli import command, descendants
from devkit.views import in_progress, live_copies

from . import up_runner
from .common import SOURCE_REGION, Result, emulator_server, median

SECTION = "11 Ctrl-C (CLI)"
ROOT = Path(__file__).resolve().parents[1]
ONE_REGION = ("us-west-2",)
FOUR_REGIONS = ("us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
CASES: tuple[tuple[int, tuple[str, ...]], ...] = ((1, ONE_REGION), (5, ONE_REGION), (20, FOUR_REGIONS))
COPY_SECONDS = 600.0


def _until(condition: Callable[[], bool], timeout: float = 180.0, what: str = "a condition") -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise RuntimeError(f"bench ctrlc: {what} never held")
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting to be reaped has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _copying(regions: Sequence[str]) -> int:
    return sum(in_progress(region) for region in regions)


def interrupt(count: int, regions: Sequence[str]) -> dict[str, Any]:
    with emulator_server(copy_seconds=COPY_SECONDS) as server, tempfile.TemporaryDirectory() as tmp:
        emulator = server.emulator
        state = Path(tmp) / "state"
        sources = [emulator.seed_backup(SOURCE_REGION) for _ in range(count)]
        stack = up_runner.stack(state, server.url, sources, list(regions))  # creates the stack and its config
        runner = subprocess.Popen(
            [sys.executable, "-m", "bench.up_runner", str(state), server.url, str(count), ",".join(regions), *sources],
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _until(lambda: _copying(regions) >= count, what=f"{count} copies in progress")
            time.sleep(1.0)  # let every create reach its wait
            (cli,) = [pid for pid in descendants(runner.pid) if command(pid) == "pulumi"]
            before = {c["BackupId"] for region in regions for c in live_copies(region)}
            start = time.monotonic()
            os.kill(cli, signal.SIGINT)
            _until(lambda: not _alive(cli), timeout=120, what="the CLI's exit")
            elapsed = time.monotonic() - start
            runner_rc = runner.wait(timeout=60)
        finally:
            if runner.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(runner.pid, signal.SIGKILL)
                runner.wait()
        still_copying = _copying(regions)
        deployment = stack.export_stack().deployment
        pending = len(deployment.get("pending_operations") or [])
        recorded = sum(1 for r in deployment.get("resources") or [] if "BackupCopy" in r.get("type", ""))
        for region in regions:
            for copy in live_copies(region):
                emulator.set_lifecycle(region, copy["BackupId"], "AVAILABLE")
        emulator.configure(copy_seconds=0.2)
        ids = stack.up(parallel=count).outputs["ids"].value
        after = {c["BackupId"] for region in regions for c in live_copies(region)}
        return {
            "elapsed": elapsed,
            "pending": pending,
            "recorded": recorded,
            "still_copying": still_copying,
            "new": len(after - before),
            "adopted": sorted(ids) == sorted(before),
            "runner_rc": runner_rc,
        }


def run(results: list[Result], *, quick: bool) -> None:
    if shutil.which("pulumi") is None:
        raise SystemExit("bench ctrlc: no `pulumi` on PATH (run `make bench`, which builds or finds one)")
    repeats = 1 if quick else 3
    for count, regions in CASES:
        runs = [interrupt(count, regions) for _ in range(repeats)]
        figures = {
            "elapsed": median([r["elapsed"] for r in runs]),
            "pending": max(r["pending"] for r in runs),
            "recorded": max(r["recorded"] for r in runs),
            "still_copying": min(r["still_copying"] for r in runs),
            "new": max(r["new"] for r in runs),
            "adopted": all(r["adopted"] for r in runs),
            "runner_rc": sorted({r["runner_rc"] for r in runs}),
        }
        slowest = max(r["elapsed"] for r in runs)
        where = f"{len(regions)} Region{'s' if len(regions) > 1 else ''}, --parallel {count}"
        results.append(
            Result(
                SECTION,
                f"SIGINT to `pulumi up`, {count} cop{'y' if count == 1 else 'ies'} waiting: seconds to CLI exit",
                figures["elapsed"],
                "s",
                "< 10 s",
                figures["elapsed"] < 10.0,
                note=f"median of {repeats} (slowest {slowest:.2f} s); {where}; CLI exit code "
                f"{figures['runner_rc']}; "
                f"at least {figures['still_copying']} copies still COPYING after (a cancel deletes none)",
            )
        )
        results.append(
            Result(
                SECTION,
                f"  ... {count} waiting: pending operations left in the state",
                figures["pending"],
                "resources",
                "0",
                figures["pending"] == 0,
                note=f"worst of {repeats} runs; {figures['recorded']} BackupCopy recorded (none finished)",
            )
        )
        results.append(
            Result(
                SECTION,
                f"  ... {count} waiting: copies made by the next `pulumi up`",
                figures["new"],
                "copies",
                "0, every copy adopted",
                figures["new"] == 0 and figures["adopted"],
                note="its IDs are the interrupted run's copies" if figures["adopted"] else "IDs differ",
            )
        )
