"""Shared by the benchmarks: result records, the table, and the emulator + provider process set-up (the fake AWS
environment, Regions and input bags are the tests' own, from :mod:`tests.support`)."""

from __future__ import annotations

import compileall
import json
import statistics
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from devkit.aws import DR_REGION, SOURCE_REGION, provider_env, set_fake_aws_env
from devkit.inputs import inputs

__all__ = [
    "DR_REGION",
    "RESULTS_PATH",
    "SOURCE_REGION",
    "Result",
    "compile_bytecode",
    "copy_inputs",
    "emulator_server",
    "median",
    "print_table",
    "provider_env",
    "set_fake_aws_env",
    "write_results",
]

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"
REPO = Path(__file__).resolve().parents[1]
BYTECODE_PACKAGES = ("pulumi_fsx_copy", "bench")
"""Compiled before timing: the provider processes import them (the no-op providers live in ``bench``)."""


def compile_bytecode() -> bool:
    """Compile this checkout's packages to bytecode, as ``pip install`` does for an installed package.

    Python compiles a module whose bytecode is missing at every import and writes none when
    ``PYTHONDONTWRITEBYTECODE`` is set (as on this project's machines): each provider process would then
    compile ``pulumi_fsx_copy`` anew (about 25 ms), which no installed copy does.
    """
    return all(compileall.compile_dir(REPO / name, quiet=1) for name in BYTECODE_PACKAGES)


@dataclass
class Result:
    """One figure of the benchmark."""

    section: str
    name: str
    value: float
    unit: str
    goal: str = ""
    met: bool | None = None
    ratio: float | None = None
    note: str = ""


def median(values: list[float]) -> float:
    return float(statistics.median(values))


@contextmanager
def emulator_server(copy_seconds: float = 1.0) -> Iterator[Any]:
    from pulumi_fsx_copy.testing import EmulatorServer

    with EmulatorServer(copy_seconds=copy_seconds) as server:
        set_fake_aws_env(server.url)
        server.emulator.reset()
        server.emulator.configure(copy_seconds=copy_seconds)
        yield server


def copy_inputs(source_backup: str, name: str, **overrides: Any) -> dict[str, Any]:
    """A BackupCopy's registered inputs, ``__provider`` included, as the engine sends them to Check."""
    return inputs(source_backup, name, project="bench", stack="stack", **overrides)


def fmt(value: float, unit: str) -> str:
    if unit in ("calls", "bytes", "copies", "resources", "modules"):
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def print_table(results: list[Result], out: Callable[[str], None] = print) -> None:
    rows = [("section", "figure", "value", "goal", "met", "ratio")]
    for r in results:
        met = "-" if r.met is None else ("yes" if r.met else "NO")
        ratio = "" if r.ratio is None else f"{r.ratio:.3g}"
        rows.append((r.section, r.name, f"{fmt(r.value, r.unit)} {r.unit}", r.goal, met, ratio))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        out("| " + " | ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)) + " |")
        if i == 0:
            out("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def write_results(results: list[Result], meta: Mapping[str, Any]) -> None:
    """Write ``results``; the figures of sections not run this time (``--only``) are kept from the last run."""
    ran = {r.section for r in results}
    kept: list[dict[str, Any]] = []
    if RESULTS_PATH.exists():
        previous = json.loads(RESULTS_PATH.read_text()).get("results", [])
        kept = [r for r in previous if r.get("section") not in ran]
    records = kept + [asdict(r) for r in results]
    RESULTS_PATH.write_text(json.dumps({"meta": dict(meta), "results": records}, indent=2) + "\n")
