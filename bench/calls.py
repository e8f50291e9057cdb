"""AWS calls for one copy through the whole create, as a new user's ``pulumi up`` makes it (issue 18).

One BackupCopy (``wait_for_available``, no ``client_request_token``: the Region listing that lets a re-run
adopt an unfinished copy comes first) is created by a fresh provider process (``python -m pulumi.dynamic``
over gRPC, as the engine drives it) against the emulator server, for copies of 1 min, 10 min and 1 h.
The copy takes ``REAL`` seconds on the emulator and the provider runs with ``PULUMI_FSX_COPY_TIME_SCALE =
REAL / duration``: every delay it uses is the one it would use for a copy of ``duration``, so the calls
are those of the real duration (they are scale-invariant) and a 1 h copy takes seconds.

Each copy is made in a Region that holds no other backup, listed in pages of AWS's size (50): a new user's
first copy, one listing call. (The emulator's default pages of 1 item would add a call for every copy an
earlier repetition left.) Each duration is repeated: a poll lands a little earlier or later from one copy to
the next (the scheduling of the processes, multiplied by 1/scale), which can cost one more look at the end.

Counted: every ``DescribeBackups`` call the create makes (the listing's pages, the polls, the look-ups
of a copy that seemed gone), against Terraform's FSx waiter on the same duration (13 / 67 / 367, the
waiter alone, without any listing). Goal: at most 1/3 of Terraform's at 1 min, 1/10 from 10 min up, met
when the median of the repetitions is. The other calls (CopyBackup, the ownership tags'
ListTagsForResource / TagResource) are in the note, from the median copy.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime
from typing import Any

from pulumi_fsx_copy.aws.ownership import LeasePolicy
from pulumi_fsx_copy.testing.backups import PAGE_LIMIT

from .common import DR_REGION, SOURCE_REGION, Result, copy_inputs, emulator_server, provider_env
from .waits import call_goal, latency_goal, simulate_fixed, terraform_delays

SECTION = "9 calls per copy"
DURATIONS = (60.0, 600.0, 3600.0)
REPETITIONS = 5
OTHER_OPERATIONS = ("CopyBackup", "ListTagsForResource", "TagResource", "UntagResource")


def _label(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds < 3600 else f"{seconds / 3600:g} h"


def one_copy(server: Any, duration: float, real: float) -> dict[str, Any]:
    """Create one copy of ``duration`` (played in ``real`` seconds); the emulator's call counts and timing."""
    from devkit.driver import ProviderProcess

    emulator = server.emulator
    emulator.reset()  # a Region with no other backup: the listing is one call
    emulator.configure(copy_seconds=real, page_size=PAGE_LIMIT)
    source = emulator.seed_backup(SOURCE_REGION)
    scale = real / duration
    with ProviderProcess(env=provider_env(server.url, time_scale=scale), project="bench", stack="calls") as process:
        process.configure({"aws:region": DR_REGION})
        checked = process.check("copy", {}, copy_inputs(source, "copy", region=DR_REGION)).inputs
        emulator.reset_calls()
        started = time.monotonic()
        _, outputs = process.create("copy", checked)
        returned, elapsed = time.time(), time.monotonic() - started
    created = datetime.fromisoformat(str(outputs["creation_time"]).replace("Z", "+00:00")).timestamp()
    calls = {op: emulator.calls(op) for op in ("DescribeBackups", *OTHER_OPERATIONS)}
    # The copy ends `real` seconds after its CreationTime; the create's answer came `latency` after that
    # (in the copy's own, unscaled seconds: gRPC and the emulator's answer count x 1/scale, so an upper bound).
    return {
        "calls": calls,
        "lifecycle": outputs.get("lifecycle"),
        "latency": max(0.0, returned - created - real) / scale,
        "elapsed": elapsed,
    }


def run(results: list[Result], *, quick: bool) -> None:
    real = 6.0 if quick else 12.0
    repetitions = 1 if quick else REPETITIONS
    with emulator_server(copy_seconds=real) as server:
        for duration in DURATIONS:
            label = _label(duration)
            copies = sorted(
                (one_copy(server, duration, real) for _ in range(repetitions)),
                key=lambda figures: figures["calls"]["DescribeBackups"],
            )
            figures = copies[len(copies) // 2]
            counts = [c["calls"]["DescribeBackups"] for c in copies]
            terraform = simulate_fixed(duration, terraform_delays())[0]
            goal = call_goal(duration, terraform)
            assert goal is not None
            describe = statistics.median(counts)
            others = ", ".join(f"{op} {figures['calls'][op]}" for op in OTHER_OPERATIONS)
            share = "1/3" if duration < 600 else "1/10"
            results.append(
                Result(
                    SECTION,
                    f"{label} copy, whole create: DescribeBackups (median of {repetitions})",
                    describe,
                    "calls",
                    f"<= {goal:.1f} (TF/{3 if duration < 600 else 10})",
                    describe <= goal and all(c["lifecycle"] == "AVAILABLE" for c in copies),
                    ratio=describe / terraform,
                    note=f"each copy: {counts}; Terraform's waiter {terraform} (goal {share} of it); listing "
                    f"included (1 call); {others}; played in {real:g} s (time scale {real / duration:.4g})",
                )
            )
            if repetitions > 1:
                results.append(
                    Result(
                        SECTION,
                        f"  ... {label} copy: copies of the {repetitions} over the goal",
                        sum(count > goal for count in counts),
                        "copies",
                        note=f"DescribeBackups of each copy: {counts}",
                    )
                )
            settle = LeasePolicy().settle
            latencies = sorted(c["latency"] for c in copies)
            results.append(
                Result(
                    SECTION,
                    f"{label} copy, whole create: answered after the copy's end (median)",
                    statistics.median(latencies),
                    "s",
                    note=f"each copy: {', '.join(f'{x:.1f}' for x in latencies)} s; detection (goal <= "
                    f"{latency_goal(duration):g} s, section 1) + the claim (read back at once on a fresh lease; "
                    f"{settle:g} s settle otherwise) + gRPC, in the copy's own seconds (gRPC time counts x 1/scale)",
                )
            )
