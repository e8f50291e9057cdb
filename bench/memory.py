"""Memory and threads of the provider process with many creates waiting (issue 18).

One provider process (``python -m pulumi.dynamic`` over gRPC, as the engine drives it) against the emulator
server. First one copy into each of 4 Regions is made and waited for (so botocore's clients of those
Regions and every module a create needs are loaded): the figures with 0 creates waiting. Then N creates
(20, then 100; ``wait_for_available``, spread evenly over the 4 Regions as ``pulumi up --parallel N``
sends them) are sent at once; with 20, all 20 copies are in progress (5 per Region, AWS's limit); with
100, 20 are in progress and 80 wait for a slot. Once the creates have settled, ``VmRSS`` and ``Threads``
of ``/proc/<pid>/status`` are read (the most over 3 s). Then the copies are let end (the ones in
progress turned AVAILABLE, the rest made in 0.2 s) and, once every create has answered, read again.

Goal: RSS grows by at most about 1 MB per waiting create; the threads the waits start end with them.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from devkit.views import in_progress, live_copies

from .common import SOURCE_REGION, Result, copy_inputs, emulator_server, provider_env

SECTION = "10 memory"
REGIONS = ("us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
COUNTS = (20, 100)
LONG = 600.0  # the copies never end by themselves while measured
SCALE = 0.02


def status(pid: int) -> dict[str, float]:
    """VmRSS (MiB) and Threads of a process, from /proc."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key == "VmRSS":
            fields["rss"] = int(value.split()[0]) / 1024
        elif key == "Threads":
            fields["threads"] = float(value.strip())
    return fields


def _peak(pid: int, seconds: float = 3.0) -> dict[str, float]:
    peak = {"rss": 0.0, "threads": 0.0}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        now = status(pid)
        peak = {k: max(peak[k], now[k]) for k in peak}
        time.sleep(0.2)
    return peak


def _until(condition: Any, timeout: float = 180.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise RuntimeError("bench memory: a condition never held")
        time.sleep(0.2)


def _settle(expected_in_progress: int) -> None:
    """Until the copies in progress reach ``expected_in_progress`` and stop changing for 2 s."""
    _until(lambda: sum(in_progress(r) for r in REGIONS) >= expected_in_progress)
    last, since = -1, time.monotonic()
    while time.monotonic() - since < 2.0:
        now = sum(in_progress(r) for r in REGIONS)
        if now != last:
            last, since = now, time.monotonic()
        time.sleep(0.2)


def measure(quick: bool) -> dict[str, Any]:
    from devkit.driver import ProviderProcess

    figures: dict[str, Any] = {}
    with emulator_server(copy_seconds=0.2) as server:
        emulator = server.emulator
        source = emulator.seed_backup(SOURCE_REGION)
        env = provider_env(server.url, time_scale=SCALE)
        with ProviderProcess(env=env, project="bench", stack="memory", call_timeout=900) as process:
            process.configure({"aws:region": REGIONS[0]})
            for i, region in enumerate(REGIONS):
                name = f"warm{i}"
                process.create(name, process.check(name, {}, copy_inputs(source, name, region=region)).inputs)
            time.sleep(1.0)
            figures[0] = {"during": _peak(process.pid), "after": status(process.pid)}
            for count in COUNTS:
                emulator.configure(copy_seconds=LONG)
                names = [f"n{count}-{i}" for i in range(count)]
                checked = [
                    process.check(n, {}, copy_inputs(source, n, region=REGIONS[i % len(REGIONS)])).inputs
                    for i, n in enumerate(names)
                ]
                with ThreadPoolExecutor(count) as pool:
                    creates = [pool.submit(process.create, n, p) for n, p in zip(names, checked, strict=True)]
                    _settle(min(count, 5 * len(REGIONS)))
                    time.sleep(2.0)
                    during = _peak(process.pid)
                    emulator.configure(copy_seconds=0.2)
                    for region in REGIONS:
                        for copy in live_copies(region):
                            if copy["Lifecycle"] in ("PENDING", "COPYING"):
                                emulator.set_lifecycle(region, copy["BackupId"], "AVAILABLE")
                    made = [c.result() for c in creates]
                available = sum(1 for _, outs in made if outs.get("lifecycle") == "AVAILABLE")
                time.sleep(2.0)
                figures[count] = {"during": during, "after": status(process.pid), "available": available}
    return figures


def run(results: list[Result], *, quick: bool) -> None:
    figures = measure(quick)
    base = figures[0]["during"]
    results.append(
        Result(
            SECTION,
            "provider RSS, 0 creates waiting",
            base["rss"],
            "MiB",
            note=f"{base['threads']:.0f} threads; after one copy into each of {len(REGIONS)} Regions",
        )
    )
    for count in COUNTS:
        during, after = figures[count]["during"], figures[count]["after"]
        growth = (during["rss"] - base["rss"]) / count
        copying = min(count, 5 * len(REGIONS))
        results.append(
            Result(
                SECTION,
                f"provider RSS, {count} creates waiting",
                during["rss"],
                "MiB",
                "<= ~1 MB more per waiting create",
                growth <= 1.0,
                ratio=growth,
                note=f"+{during['rss'] - base['rss']:.1f} MiB = {growth * 1024:.0f} KiB per create (ratio: MiB per "
                f"create); {copying} copies in progress, {count - copying} waiting for a slot; "
                f"{figures[count]['available']} of {count} AVAILABLE after",
            )
        )
        results.append(
            Result(
                SECTION,
                f"provider threads, {count} creates waiting",
                during["threads"],
                "threads",
                note=f"{base['threads']:.0f} with none waiting",
            )
        )
        ended = during["threads"] - after["threads"]
        idle = after["threads"] - base["threads"]
        results.append(
            Result(
                SECTION,
                f"provider threads after those {count} waits ended",
                after["threads"],
                "threads",
                "the waits' threads end",
                ended >= copying and idle <= count,
                note=f"{ended:.0f} ended (a lease-renewal thread per copy in progress: {copying}); {idle:.0f} more "
                f"than with none waiting: gRPC's idle worker threads (one per call served at once, up to 256; a "
                f"ThreadPoolExecutor keeps its workers until the process exits); RSS {after['rss']:.1f} MiB",
            )
        )
