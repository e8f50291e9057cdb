"""Figures 6-8: engine calls answered while copies wait, copies at AWS's limit in 4 Regions, and Ctrl-C.

* 6: while 8 copies into 2 Regions are in progress (15 s each), the time the provider process takes to
  answer a Check, a Diff, a Read and a tag Update of another resource. Goal: under 1 s each.
* 7: 20 creates with ``wait_for_available`` over 4 Regions (5 per Region), all sent at once as
  ``pulumi up --parallel 20`` does, T = 20 s. Goal: 1.15 x T (AWS allows 5 in progress per Region).
* 8: the first Ctrl-C while 3 copies wait: with the real CLI (SIGINT to ``pulumi up``), seconds until
  the CLI exits, pending operations left in the state, and copies made by the next ``pulumi up``;
  without a CLI that runs Python programs, the same through the gRPC driver (Cancel, as the engine
  sends it). Goal: under 10 s, none pending, no new copy.

With ``BENCH_BASELINE=<dir>`` (a directory holding another ``pulumi_fsx_copy`` package, e.g. one
exported with ``git archive <commit> pulumi_fsx_copy | tar -x -C <dir>``), each figure is also measured
with the provider processes importing that package, in rows marked "before".
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from devkit.views import in_progress, live_copy_ids

from .common import SOURCE_REGION, Result, copy_inputs, emulator_server, provider_env

ROOT = Path(__file__).resolve().parents[1]
TWO_REGIONS = ("us-west-2", "eu-west-1")
FOUR_REGIONS = ("us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
RESPONSIVE_T = 15.0
REGIONS_T = 20.0
CANCEL_T = 20.0
# The provider's delays are those of a 500 s copy (as in figure 2): T / SCALE = 500 s.
SCALE_FOR = 1 / 500
CLI_BIN = Path(os.environ.get("BENCH_PULUMI_BIN", "/work/main/.tools/bin"))
SECTION = "6-8 concurrency"


def _in_progress(regions: Sequence[str]) -> int:
    return sum(in_progress(region) for region in regions)


def _live_copies(regions: Sequence[str]) -> list[str]:
    return sorted(backup_id for region in regions for backup_id in live_copy_ids(region))


def _until(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise RuntimeError("bench: a condition never held")
        time.sleep(0.1)


def _settled(regions: Sequence[str], at_least: int) -> int:
    """Wait until at least ``at_least`` copies are in progress and the count stops growing for 2 s."""
    _until(lambda: _in_progress(regions) >= at_least)
    last, since = -1, time.monotonic()
    while time.monotonic() - since < 2.0:
        now = _in_progress(regions)
        if now != last:
            last, since = now, time.monotonic()
        time.sleep(0.2)
    return last


def _process(url: str, scale: float, baseline: str | None) -> Any:
    from devkit.driver import ProviderProcess

    # `python -m` puts its working directory first on sys.path: run a baseline from its own directory.
    return ProviderProcess(
        env=provider_env(url, time_scale=scale),
        project="bench",
        stack="stack",
        pythonpath=[baseline] if baseline else [],
        cwd=baseline or str(ROOT),
    )


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _responsiveness(baseline: str | None) -> dict[str, float]:
    with emulator_server(copy_seconds=0.2) as server:
        emulator = server.emulator
        source = emulator.seed_backup(SOURCE_REGION)
        process = _process(server.url, RESPONSIVE_T * SCALE_FOR, baseline)
        process.start()
        try:
            process.configure({"aws:region": TWO_REGIONS[0]})
            existing_in = process.check("existing", {}, copy_inputs(source, "existing")).inputs
            existing_id, existing = process.create("existing", existing_in)
            emulator.configure(copy_seconds=RESPONSIVE_T)
            checked = [
                process.check(f"c{i}", {}, copy_inputs(source, f"c{i}", region=TWO_REGIONS[i % 2])).inputs
                for i in range(8)
            ]
            pool = ThreadPoolExecutor(8)
            for i, props in enumerate(checked):
                pool.submit(process.create, f"c{i}", props)
            copying = _settled(TWO_REGIONS, 4)
            retag = {**existing_in, "tags": {"tier": "gold"}}
            # All four at once, as the engine sends them while other steps run; each is timed on its own.
            others: dict[str, Callable[[], object]] = {
                "Check": lambda: process.check("other", {}, copy_inputs(source, "other")),
                "Diff": lambda: process.diff("existing", existing_id, existing, existing_in),
                "Read": lambda: process.read("existing", existing_id, existing),
                "tag Update": lambda: process.update("existing", existing_id, existing, retag),
            }
            with ThreadPoolExecutor(len(others)) as callers:
                timed = {name: callers.submit(_timed, call) for name, call in others.items()}
                figures = {name: future.result() for name, future in timed.items()}
            figures["copies in progress"] = float(copying)
        finally:
            process.kill()
        pool.shutdown(wait=True)
        return figures


def _regions(baseline: str | None) -> dict[str, float]:
    with emulator_server(copy_seconds=REGIONS_T) as server:
        emulator = server.emulator
        source = emulator.seed_backup(SOURCE_REGION)
        with _process(server.url, REGIONS_T * SCALE_FOR, baseline) as process:
            process.configure({"aws:region": FOUR_REGIONS[0]})
            checked = [
                process.check(f"c{i}", {}, copy_inputs(source, f"c{i}", region=FOUR_REGIONS[i % 4])).inputs
                for i in range(20)
            ]
            start = time.monotonic()
            with ThreadPoolExecutor(20) as pool:
                made = list(pool.map(lambda item: process.create(f"c{item[0]}", item[1]), enumerate(checked)))
            elapsed = time.monotonic() - start
            available = sum(1 for _, outs in made if outs.get("lifecycle") == "AVAILABLE")
            most = max(emulator.max_in_progress(region) for region in FOUR_REGIONS)
            return {"elapsed": elapsed, "available": float(available), "most": float(most)}


def _cancel_grpc(baseline: str | None) -> dict[str, float]:
    """Cancel (as the engine sends it on the first Ctrl-C) while 3 creates wait; then a new process resumes."""
    from google.protobuf import empty_pb2

    from devkit.driver import ProviderError

    with emulator_server(copy_seconds=CANCEL_T) as server:
        emulator = server.emulator
        source = emulator.seed_backup(SOURCE_REGION)
        region = TWO_REGIONS[0]
        process = _process(server.url, CANCEL_T * SCALE_FOR, baseline)
        process.start()
        try:
            process.configure({"aws:region": region})
            checked = [process.check(f"c{i}", {}, copy_inputs(source, f"c{i}")).inputs for i in range(3)]
            pool = ThreadPoolExecutor(3)
            creates: list[Future[Any]] = [pool.submit(process.create, f"c{i}", p) for i, p in enumerate(checked)]
            _settled([region], 3)
            before = _live_copies([region])
            start = time.monotonic()
            process._call("Cancel", empty_pb2.Empty())
            for create in creates:
                with contextlib.suppress(ProviderError):
                    create.result()
            elapsed = time.monotonic() - start
        finally:
            process.kill()
        pool.shutdown(wait=True)
        emulator.configure(copy_seconds=0.2)
        for backup_id in before:
            emulator.set_lifecycle(region, backup_id, "AVAILABLE")
        with _process(server.url, CANCEL_T * SCALE_FOR, baseline) as again:
            again.configure({"aws:region": region})
            for i in range(3):
                again.create(f"c{i}", again.check(f"c{i}", {}, copy_inputs(source, f"c{i}")).inputs)
        new = len(set(_live_copies([region])) - set(before))
        return {"elapsed": elapsed, "new": float(new), "pending": float("nan")}


_PROGRAM = """
import pulumi
from pulumi_fsx_copy import BackupCopy

config = pulumi.Config()
for i in range(3):
    BackupCopy(f"copy{i}", source_backup_id=config.require("source"), source_region="us-east-1",
               region="us-west-2")
"""


def cli_ready() -> str | None:
    """Why the real CLI cannot run a Python program here, or None when it can."""
    if not (CLI_BIN / "pulumi").exists():
        return f"no Pulumi CLI at {CLI_BIN}"
    if shutil.which("pulumi-language-python", path=f"{CLI_BIN}{os.pathsep}{os.environ.get('PATH', '')}") is None:
        return "the Pulumi CLI has no pulumi-language-python plugin beside it or on PATH"
    return None


def _cancel_cli(baseline: str | None) -> dict[str, float]:
    """SIGINT to `pulumi up` while 3 copies wait; then the state's pending operations and the next `up`."""
    with emulator_server(copy_seconds=CANCEL_T) as server, tempfile.TemporaryDirectory() as tmp:
        emulator = server.emulator
        source = emulator.seed_backup(SOURCE_REGION)
        project = Path(tmp) / "project"
        project.mkdir()
        (Path(tmp) / "state").mkdir()
        (project / "Pulumi.yaml").write_text(
            f"name: bench-cancel\nruntime:\n  name: python\n  options:\n    virtualenv: {sys.prefix}\n"
        )
        (project / "__main__.py").write_text(_PROGRAM)
        env = {
            **os.environ,
            **provider_env(server.url, time_scale=CANCEL_T * SCALE_FOR),
            "PATH": f"{CLI_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PULUMI_BACKEND_URL": (Path(tmp) / "state").as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": "bench",
            "PULUMI_SKIP_UPDATE_CHECK": "1",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
            "PYTHONPATH": os.pathsep.join(filter(None, [baseline, str(ROOT)])),
        }

        def pulumi(*args: str) -> str:
            done = subprocess.run(["pulumi", *args], cwd=project, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"pulumi {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
            return done.stdout

        pulumi("stack", "init", "bench", "--non-interactive")
        pulumi("config", "set", "aws:region", "us-west-2")
        pulumi("config", "set", "source", source)
        up = subprocess.Popen(
            ["pulumi", "up", "--yes", "--non-interactive", "--skip-preview"],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _settled(["us-west-2"], 3)
        before = _live_copies(["us-west-2"])
        start = time.monotonic()
        up.send_signal(signal.SIGINT)
        up.wait()
        elapsed = time.monotonic() - start
        state = json.loads(pulumi("stack", "export"))
        pending = len(state.get("deployment", {}).get("pending_operations") or [])
        emulator.configure(copy_seconds=0.2)
        for backup_id in before:
            emulator.set_lifecycle("us-west-2", backup_id, "AVAILABLE")
        if pending:  # what a user has to do after a second Ctrl-C (or a provider killed mid-create)
            pulumi("refresh", "--yes", "--non-interactive", "--clear-pending-creates")
        pulumi("up", "--yes", "--non-interactive", "--skip-preview")
        new = len(set(_live_copies(["us-west-2"])) - set(before))
        return {"elapsed": elapsed, "new": float(new), "pending": float(pending)}


def run(results: list[Result], *, quick: bool) -> None:
    baseline = os.environ.get("BENCH_BASELINE") or None
    for path in ([baseline] if baseline else []) + [None]:
        label = " (before)" if path else ""
        _report_responsiveness(results, _responsiveness(path), label)
        _report_regions(results, _regions(path), label)
        why_not = cli_ready()
        if why_not is None:
            _report_cancel(results, _cancel_cli(path), label, "real CLI: SIGINT to `pulumi up`")
        else:
            _report_cancel(results, _cancel_grpc(path), label, f"gRPC driver: Cancel ({why_not})")


def _report_responsiveness(results: list[Result], figures: dict[str, float], label: str) -> None:
    copying = int(figures["copies in progress"])
    for call in ("Check", "Diff", "Read", "tag Update"):
        results.append(
            Result(
                SECTION,
                f"{call} answered while copies wait{label}",
                figures[call],
                "s",
                "< 1 s",
                figures[call] < 1.0,
                note=f"{copying} of 8 copies into 2 Regions in progress (T = {RESPONSIVE_T:g} s)",
            )
        )


def _report_regions(results: list[Result], figures: dict[str, float], label: str) -> None:
    goal = 1.15 * REGIONS_T
    results.append(
        Result(
            SECTION,
            f"20 copies over 4 Regions AVAILABLE (--parallel 20){label}",
            figures["elapsed"],
            "s",
            f"<= {goal:.1f} s (1.15 x T)",
            figures["elapsed"] <= goal and figures["available"] == 20,
            ratio=figures["elapsed"] / REGIONS_T,
            note=f"T = {REGIONS_T:g} s; {figures['available']:.0f} AVAILABLE; at most {figures['most']:.0f} "
            "in progress in a Region",
        )
    )


def _report_cancel(results: list[Result], figures: dict[str, float], label: str, how: str) -> None:
    results.append(
        Result(
            SECTION,
            f"first Ctrl-C with 3 copies waiting: seconds to exit{label}",
            figures["elapsed"],
            "s",
            "< 10 s",
            figures["elapsed"] < 10.0,
            note=f"{how}; T = {CANCEL_T:g} s",
        )
    )
    if figures["pending"] == figures["pending"]:  # measured (not NaN) only through the CLI
        results.append(
            Result(
                SECTION,
                f"pending operations left by Ctrl-C{label}",
                figures["pending"],
                "resources",
                "0",
                figures["pending"] == 0,
            )
        )
    results.append(
        Result(
            SECTION,
            f"copies made by the next up after Ctrl-C{label}",
            figures["new"],
            "copies",
            "0",
            figures["new"] == 0,
        )
    )
