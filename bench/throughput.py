"""Figure 2: throughput under FSx's limit of 5 copies in progress per destination Region.

20 creates into one Region go to one provider process at once (the engine's parallelism; the provider
process serves them all at once, see ``pulumi_fsx_copy/engine/serving.py``; the SDK alone served 4). Copies
take ``T`` = 5 s on the emulator; the provider runs with ``PULUMI_FSX_COPY_TIME_SCALE`` = 0.01, so
every delay it uses is that of a copy lasting T / 0.01 = 500 s, and the goals, which are multiples of T,
scale the same way.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor

from .common import DR_REGION, Result, copy_inputs, emulator_server, provider_env

COPIES = 20
COPY_SECONDS = 5.0
SCALE = 0.01
LIMIT = 5


def _batch(wait: bool) -> dict[str, float]:
    from devkit.driver import ProviderError, ProviderProcess

    with emulator_server(copy_seconds=COPY_SECONDS) as server:
        emulator = server.emulator
        source = emulator.seed_backup("us-east-1")
        with ProviderProcess(env=provider_env(server.url, time_scale=SCALE), project="bench", stack="stack") as process:
            process.configure({"aws:region": DR_REGION})
            checked = [
                process.check(f"c{i}", {}, copy_inputs(source, f"c{i}", wait_for_available=wait)).inputs
                for i in range(COPIES)
            ]
            emulator.reset_calls()
            failures = 0

            def create(props: dict[str, object]) -> bool:
                try:
                    process.create("c", props)
                    return True
                except ProviderError:
                    return False

            start = time.monotonic()
            with ThreadPoolExecutor(COPIES) as pool:
                outcomes = list(pool.map(create, checked))
            elapsed = time.monotonic() - start
            failures = outcomes.count(False)
            return {
                "elapsed": elapsed,
                "failures": failures,
                "copy_calls": emulator.calls("CopyBackup", DR_REGION),
                "describe_calls": emulator.calls("DescribeBackups", DR_REGION),
                "max_in_progress": emulator.max_in_progress(DR_REGION),
            }


def run(results: list[Result], *, quick: bool) -> None:
    slots = LIMIT
    for wait in (False, True):
        figures = _batch(wait)
        goal = 1.15 * math.ceil(COPIES / slots) * COPY_SECONDS
        name = "wait_for_available" if wait else "no wait"
        section = "2 throughput"
        results.append(
            Result(
                section,
                f"{name}: 20 copies submitted" if not wait else f"{name}: 20 copies AVAILABLE",
                figures["elapsed"],
                "s",
                f"<= {goal:.2f} s (1.15 x {math.ceil(COPIES / slots)} x T)",
                figures["elapsed"] <= goal and figures["failures"] == 0,
                ratio=figures["elapsed"] / (math.ceil(COPIES / slots) * COPY_SECONDS),
                note=f"T = {COPY_SECONDS:g} s emulated, provider time scale {SCALE:g} (T stands for "
                f"{COPY_SECONDS / SCALE:g} s)",
            )
        )
        results.append(
            Result(section, f"{name}: creates failed", figures["failures"], "copies", "0", figures["failures"] == 0)
        )
        limited = figures["copy_calls"] - COPIES
        results.append(
            Result(
                section,
                f"{name}: CopyBackup calls refused (limit)",
                limited,
                "calls",
                note=f"{figures['copy_calls']:.0f} CopyBackup in all",
            )
        )
        results.append(Result(section, f"{name}: DescribeBackups calls", figures["describe_calls"], "calls"))
        results.append(
            Result(
                section,
                f"{name}: most copies in progress",
                figures["max_in_progress"],
                "copies",
                f"<= {LIMIT}",
                figures["max_in_progress"] <= LIMIT,
            )
        )
