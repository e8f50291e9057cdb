"""Figure 1: the waiting policy -- DescribeBackups calls and detection latency, against Terraform's FSx
waiter and a fixed 5 s poll.

Simulated clock: the provider's :class:`~pulumi_fsx_copy.engine.waiting.PollPolicy` is a pure function of the
elapsed time and the ``ProgressPercent`` values seen, so a copy of any length is replayed in microseconds.
AWS reports progress as an integer percent; the shapes below are what the policy must cope with.

Real runs: the provider process (``python -m pulumi.dynamic``, unscaled timing) creates a copy against
the emulator server while, on the same server, a Terraform-style and a fixed 5 s poller wait on copies
of their own in other Regions (so each one's DescribeBackups are counted apart).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from .common import DR_REGION, SOURCE_REGION, Result, copy_inputs, emulator_server, provider_env

DURATIONS = (10.0, 60.0, 600.0, 3600.0, 21600.0)
Shape = Callable[[float], float]


def _label(seconds: float) -> str:
    return (
        f"{seconds:g} s" if seconds < 60 else (f"{seconds / 60:g} min" if seconds < 3600 else f"{seconds / 3600:g} h")
    )


SHAPES: dict[str, Shape] = {
    # fraction of the duration -> true progress (0-100); AWS reports the integer part.
    "linear": lambda f: 100 * f,
    "coarse 10% steps": lambda f: 10 * math.floor(10 * f),
    "slow start (0% for 20%)": lambda f: 0 if f < 0.2 else 100 * (f - 0.2) / 0.8,
    "stall (50% from 40% to 60%)": lambda f: 125 * f if f < 0.4 else (50 if f < 0.6 else 50 + 125 * (f - 0.6)),
    "jump (30% -> 80% at half)": lambda f: 60 * f if f < 0.5 else 80 + 40 * (f - 0.5),
    "slow tail (90% at half)": lambda f: 180 * f if f < 0.5 else 90 + 20 * (f - 0.5),
    "accelerating (x4 in last 20%)": lambda f: 62.5 * f if f < 0.8 else 50 + 250 * (f - 0.8),
}


def reported(shape: Shape, t: float, duration: float) -> int:
    return min(99, int(shape(t / duration)))


def simulate_provider(duration: float, shape: Shape) -> tuple[int, float]:
    """(DescribeBackups calls, detection latency) of the provider's policy; CopyBackup's answer is 0 %."""
    from pulumi_fsx_copy.engine.waiting import PollPolicy

    tracker = PollPolicy().tracker()
    tracker.observe(0.0, 0)
    t, calls = 0.0, 0
    while True:
        t += tracker.next_delay(t)
        calls += 1
        if t >= duration:
            return calls, t - duration
        tracker.observe(t, reported(shape, t, duration))


def simulate_previous(duration: float, shape: Shape) -> tuple[int, float]:
    """The provider's policy before this work (kept here, verbatim in effect, for the before/after)."""
    t, calls, progress = 0.0, 0, 0
    while True:
        if progress <= 0 or t <= 0:
            delay = min(max(2.0, t * 0.5), 60.0)
        else:
            tolerance = max(5.0, 0.01 * t)
            remaining = t * (100.0 - progress) / progress
            delay = max(remaining if remaining <= 2 * tolerance else remaining / 2, 1.0)
        t += delay
        calls += 1
        if t >= duration:
            return calls, t - duration
        progress = reported(shape, t, duration)


def terraform_delays() -> Any:
    """Terraform's FSx waiter: first check at once, then 100 ms doubling to a 10 s cap."""
    yield 0.0
    delay = 0.1
    while True:
        yield delay
        delay = min(10.0, delay * 2)


def fixed_delays() -> Any:
    """A fixed 5 s poll, first check at once."""
    yield 0.0
    while True:
        yield 5.0


def simulate_fixed(duration: float, delays: Any) -> tuple[int, float]:
    t = 0.0
    for calls, delay in enumerate(delays, start=1):
        t += delay
        if t >= duration:
            return calls, t - duration
    raise AssertionError


def latency_goal(duration: float) -> float:
    return max(5.0, 0.01 * duration)


def call_goal(duration: float, terraform_calls: int) -> float | None:
    if duration >= 600:
        return terraform_calls / 10
    if duration >= 60:
        return terraform_calls / 3
    return None


def simulated(results: list[Result]) -> None:
    for duration in DURATIONS:
        label = _label(duration)
        tf_calls, tf_latency = simulate_fixed(duration, terraform_delays())
        fixed_calls, fixed_latency = simulate_fixed(duration, fixed_delays())
        prev_calls, prev_latency = simulate_previous(duration, SHAPES["linear"])
        for shape_name, shape in SHAPES.items():
            calls, latency = simulate_provider(duration, shape)
            goal_calls = call_goal(duration, tf_calls)
            main = shape_name == "linear"
            section = "1 wait (sim)" if main else "1 wait (sim, shapes)"
            calls_met = None if goal_calls is None else calls <= goal_calls
            results.append(
                Result(
                    section,
                    f"{label} {shape_name}: DescribeBackups",
                    calls,
                    "calls",
                    f"<= {goal_calls:.1f} (TF/{3 if duration < 600 else 10})" if goal_calls is not None else "",
                    calls_met,
                    ratio=calls / tf_calls,
                    note=f"vs Terraform {tf_calls}, fixed 5 s {fixed_calls}"
                    + (f", previous policy {prev_calls}" if main else ""),
                )
            )
            results.append(
                Result(
                    section,
                    f"{label} {shape_name}: detection latency",
                    latency,
                    "s",
                    f"<= {latency_goal(duration):g} s",
                    latency <= latency_goal(duration),
                    ratio=latency / tf_latency if tf_latency else None,
                    note=f"vs Terraform {tf_latency:.1f} s, fixed 5 s {fixed_latency:.1f} s"
                    + (f", previous policy {prev_latency:.1f} s" if main else ""),
                )
            )
        if duration >= 60:
            results.append(
                Result(
                    "1 wait (sim)", f"{label}: Terraform waiter", tf_calls, "calls", note=f"latency {tf_latency:.1f} s"
                )
            )
            results.append(
                Result(
                    "1 wait (sim)", f"{label}: fixed 5 s", fixed_calls, "calls", note=f"latency {fixed_latency:.1f} s"
                )
            )
            results.append(
                Result(
                    "1 wait (sim)",
                    f"{label}: previous provider policy",
                    prev_calls,
                    "calls",
                    note=f"latency {prev_latency:.1f} s",
                )
            )
    # How often the goals hold across every duration from 1 min to 6 h (linear progress), not just five.
    total = met = 0
    for step in range(0, 600):
        duration = 60.0 * (360.0 ** (step / 599))
        tf_calls, _ = simulate_fixed(duration, terraform_delays())
        calls, latency = simulate_provider(duration, SHAPES["linear"])
        goal = call_goal(duration, tf_calls)
        total += 1
        met += int(latency <= latency_goal(duration) and (goal is None or calls <= goal))
    results.append(
        Result(
            "1 wait (sim)",
            "share of 600 durations 1 min-6 h meeting both goals",
            100.0 * met / total,
            "%",
            note="log-spaced durations, linear progress",
        )
    )


def _poll_until_available(region: str, backup_id: str, delays: Any) -> float:
    import boto3

    fsx = boto3.client("fsx", region_name=region)
    for delay in delays:
        time.sleep(delay)
        backup = fsx.describe_backups(BackupIds=[backup_id])["Backups"][0]
        if backup["Lifecycle"] == "AVAILABLE":
            return time.time()
    raise AssertionError


def real(results: list[Result], durations: tuple[float, ...]) -> None:
    """Copies of ``durations`` seconds, for real, on the emulator server; unscaled provider timing."""
    import boto3

    from devkit.driver import ProviderProcess

    regions = {"provider": DR_REGION, "terraform": "eu-west-1", "fixed 5 s": "ap-southeast-2"}
    with emulator_server(copy_seconds=durations[0]) as server:
        emulator = server.emulator
        with ProviderProcess(env=provider_env(server.url), project="bench", stack="stack") as process:
            process.configure({"aws:region": DR_REGION})
            for duration in durations:
                emulator.configure(copy_seconds=duration)
                source = emulator.seed_backup(SOURCE_REGION)
                emulator.reset_calls()
                checked = process.check("wait", {}, copy_inputs(source, f"wait-{duration:g}")).inputs

                def run_provider(checked: dict[str, Any] = checked) -> tuple[float, dict[str, Any]]:
                    _, outs = process.create("wait", checked)
                    return time.time(), outs

                def run_other(region: str, delays: Any, source: str = source) -> tuple[float, float]:
                    backup = boto3.client("fsx", region_name=region).copy_backup(
                        SourceBackupId=source, SourceRegion=SOURCE_REGION
                    )["Backup"]
                    created = backup["CreationTime"].timestamp()
                    return _poll_until_available(region, backup["BackupId"], delays), created

                with ThreadPoolExecutor(3) as pool:
                    mine = pool.submit(run_provider)
                    tf = pool.submit(run_other, regions["terraform"], terraform_delays())
                    fixed = pool.submit(run_other, regions["fixed 5 s"], fixed_delays())
                    done_at, outs = mine.result()
                    tf_done, tf_created = tf.result()
                    fixed_done, fixed_created = fixed.result()
                created = datetime.fromisoformat(str(outs["creation_time"]).replace("Z", "+00:00")).timestamp()
                latency = done_at - (created + duration)
                calls = emulator.calls("DescribeBackups", DR_REGION)
                tf_calls = emulator.calls("DescribeBackups", regions["terraform"])
                fixed_calls = emulator.calls("DescribeBackups", regions["fixed 5 s"])
                tf_latency = tf_done - (tf_created + duration)
                fixed_latency = fixed_done - (fixed_created + duration)
                goal_calls = call_goal(duration, tf_calls)
                label = _label(duration)
                results.append(
                    Result(
                        "1 wait (real)",
                        f"{label}: DescribeBackups",
                        calls,
                        "calls",
                        f"<= {goal_calls:.1f} (TF/3)" if goal_calls is not None else "",
                        None if goal_calls is None else calls <= goal_calls,
                        ratio=calls / tf_calls,
                        note=f"vs Terraform {tf_calls}, fixed 5 s {fixed_calls}",
                    )
                )
                results.append(
                    Result(
                        "1 wait (real)",
                        f"{label}: detection latency",
                        latency,
                        "s",
                        f"<= {latency_goal(duration):g} s",
                        latency <= latency_goal(duration),
                        ratio=latency / tf_latency if tf_latency > 0 else None,
                        note=f"vs Terraform {tf_latency:.2f} s, fixed 5 s {fixed_latency:.2f} s",
                    )
                )


def run(results: list[Result], *, quick: bool) -> None:
    simulated(results)
    real(results, (10.0,) if quick else (10.0, 60.0))
