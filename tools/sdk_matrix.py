"""`make sdk-matrix`: the tests that depend on the Pulumi SDK's internals, on the oldest and on the newest SDK
that setup.py allows, each in a virtualenv of its own (build/sdk-matrix/), timed.

The oldest is the range's lower bound exactly; the newest is what pip resolves within the range today.
Usage: python tools/sdk_matrix.py [oldest|newest]...  (default: both). Exits non-zero when a run fails.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MATRIX = ROOT / "build" / "sdk-matrix"
TESTS = (
    "tests/concurrency",
    "tests/progress",
    "tests/program",
    "tests/e2e/test_cli_lifecycle.py::test_up_then_tags_in_place_then_destroy",
    "tests/e2e/test_cli_diagnostics.py",
)
"""What depends on SDK internals (pulumi_fsx_copy/engine/sdk_internals.py), and one lifecycle through the real CLI."""


def sdk_range() -> str:
    """setup.py's ``PULUMI_SDK`` requirement (``pulumi>=A,<B``)."""
    for node in ast.parse((ROOT / "setup.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PULUMI_SDK" for t in node.targets):
            value = ast.literal_eval(node.value)
            if isinstance(value, str):
                return value
    raise SystemExit("setup.py defines no PULUMI_SDK = 'pulumi>=A,<B'")


def requirement(which: str, spec: str) -> str:
    """The pip requirement of the ``oldest`` (the lower bound, exactly) or ``newest`` SDK of ``spec``."""
    if which == "newest":
        return spec
    lower = [part for part in spec.removeprefix("pulumi").split(",") if part.strip().startswith(">=")]
    if len(lower) != 1:
        raise SystemExit(f"PULUMI_SDK {spec!r} has no single lower bound (>=)")
    return f"pulumi=={lower[0].strip()[2:]}"


def run(which: str, spec: str) -> tuple[str, float, int]:
    """Make (or reuse) the virtualenv of ``which`` SDK, install the package and that SDK, run :data:`TESTS`."""
    venv = MATRIX / which
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-e", f"{ROOT}[dev]", requirement(which, spec)], check=True, cwd=ROOT)
    version = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('pulumi'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"sdk-matrix: {which} SDK: pulumi {version} ({venv})", flush=True)
    started = time.monotonic()
    code = subprocess.run([str(python), "-m", "pytest", "-q", *TESTS], cwd=ROOT, env=dict(os.environ)).returncode
    return version, time.monotonic() - started, code


def main(argv: list[str]) -> int:
    spec = sdk_range()
    chosen = argv or ["oldest", "newest"]
    started = time.monotonic()
    results = [(which, *run(which, spec)) for which in chosen]
    for which, version, seconds, code in results:
        print(f"sdk-matrix: {which} pulumi {version}: {'passed' if code == 0 else 'FAILED'} in {seconds:.0f} s")
    print(f"sdk-matrix: {spec}: {time.monotonic() - started:.0f} s in all (virtualenvs included)")
    return max(code for *_, code in results)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
