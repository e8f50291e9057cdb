"""Figure 4: the provider process -- cold start to its first Check, import time, peak memory."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from .common import DR_REGION, Result, copy_inputs, emulator_server, median, provider_env

ROOT = str(Path(__file__).resolve().parents[1])


def _import_seconds(statement: str, runs: int) -> float:
    """Median wall time of a fresh interpreter running ``statement`` (interpreter start included)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return median(times)


def _loaded_modules(statement: str) -> set[str]:
    code = f"{statement}; import sys; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True).stdout
    return set(out.split())


def _importtime_ms(pre: str, module: str, runs: int) -> float:
    """Median cumulative import time of ``module`` (``python -X importtime``) after ``pre`` is imported."""
    values = []
    for _ in range(runs):
        code = f"{pre}\nimport {module}" if pre else f"import {module}"
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code], check=True, cwd=ROOT, capture_output=True, text=True
        ).stderr
        for line in err.splitlines():
            parts = [part.strip() for part in line.split("|")]
            if len(parts) == 3 and parts[2] == module:
                values.append(float(parts[1]) / 1000)
    return median(values)


def _peak_rss_kib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1])
    return float("nan")


def run(results: list[Result], *, quick: bool) -> None:
    from devkit.driver import ProviderProcess

    runs = 3 if quick else 7
    section = "4 process"
    base = _import_seconds("pass", runs)
    boto = _import_seconds("import boto3", runs)
    ours = _import_seconds("import pulumi_fsx_copy", runs)
    results.append(
        Result(
            section,
            "import pulumi_fsx_copy, fresh interpreter (wall)",
            ours,
            "s",
            ratio=ours / boto,
            note=f"import boto3 alone {boto:.3f} s, empty interpreter {base:.3f} s. Includes pulumi and grpc, "
            "which the provider process has loaded before it unpickles a provider: see the next row",
        )
    )
    # The provider process imports pulumi.dynamic (pulumi, grpc) before it ever unpickles a provider:
    # what pulumi_fsx_copy adds there is the fair cost, against boto3 alone on the same base. Measured
    # with -X importtime (cumulative, median), which is steadier than wall time.
    pre = "import pulumi, pulumi.dynamic"
    added_boto = _importtime_ms(pre, "boto3", runs)
    added_ours = _importtime_ms(pre, "pulumi_fsx_copy", runs)
    results.append(
        Result(
            section,
            "import pulumi_fsx_copy after pulumi.dynamic (importtime)",
            added_ours,
            "ms",
            "<= 1.2 x boto3 after pulumi.dynamic",
            added_ours <= 1.2 * added_boto,
            ratio=added_ours / added_boto,
            note=f"import boto3 after pulumi.dynamic: {added_boto:.1f} ms; pulumi_fsx_copy includes boto3",
        )
    )
    modules = _loaded_modules("import pulumi_fsx_copy")
    heavy = sorted(m for m in ("moto", "pulumi_fsx_copy.testing", "werkzeug", "pytest") if m in modules)
    results.append(
        Result(
            section,
            "test-only packages imported by pulumi_fsx_copy",
            len(heavy),
            "modules",
            "0",
            not heavy,
            note=", ".join(heavy) or "none of moto, pulumi_fsx_copy.testing, werkzeug, pytest",
        )
    )
    starts = []
    peak = float("nan")
    with emulator_server() as server:
        source = "backup-0123456789abcdef0"
        for _ in range(runs):
            start = time.perf_counter()
            process = ProviderProcess(env=provider_env(server.url), project="bench", stack="stack")
            process.start()
            try:
                process.configure({"aws:region": DR_REGION})
                process.check("cold", {}, copy_inputs(source, "cold"))
                starts.append(time.perf_counter() - start)
                peak = _peak_rss_kib(process.pid)
            finally:
                process.stop()
    results.append(
        Result(
            section,
            "cold start to first Check answered",
            median(starts),
            "s",
            note=f"median of {runs}: spawn, port, handshake, Configure, Check",
        )
    )
    results.append(
        Result(
            section,
            "peak RSS of the provider after first Check",
            peak / 1024,
            "MiB",
            note="VmHWM (= ru_maxrss) of python -m pulumi.dynamic",
        )
    )
