"""``python -m bench [--quick] [--only SECTION ...]``: run the benchmarks, print the table, write results.json."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from . import (
    calls,
    cli,
    concurrency,
    ctrlc,
    listing,
    memory,
    preview,
    process,
    region_listing,
    state,
    throughput,
    waits,
)
from .common import RESULTS_PATH, Result, compile_bytecode, print_table, write_results

SECTIONS = {
    "waits": waits,
    "throughput": throughput,
    "preview": preview,
    "process": process,
    "state": state,
    "concurrency": concurrency,
    "cli": cli,
    "listing": listing,
    "region_listing": region_listing,
    "calls": calls,
    "memory": memory,
    "ctrlc": ctrlc,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, real waits of 10 s only")
    parser.add_argument("--only", nargs="+", choices=sorted(SECTIONS), help="run only these sections")
    args = parser.parse_args(argv)
    results: list[Result] = []
    started = time.monotonic()
    compiled = compile_bytecode()
    for name, module in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        section_start = time.monotonic()
        module.run(results, quick=args.quick)
        print(f"[bench] {name}: {time.monotonic() - section_start:.1f} s", file=sys.stderr)
    print_table(results)
    unmet = [r for r in results if r.met is False]
    print(f"\n{len(results)} figures, {len(unmet)} goals not met; {time.monotonic() - started:.0f} s")
    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "quick": args.quick,
        "sections": args.only or list(SECTIONS),
        "seconds": round(time.monotonic() - started, 1),
        "bytecode_compiled": compiled,
    }
    write_results(results, meta)
    print(f"wrote {RESULTS_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
