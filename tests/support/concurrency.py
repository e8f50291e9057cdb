"""Helpers of the concurrency tests: inputs, waiting on the emulator, sending Cancel."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2

from devkit import inputs as _inputs
from devkit.aws import SOURCE_REGION
from devkit.driver import ProviderError, ProviderProcess
from devkit.views import in_progress, live_copies

from .waits import eventually

__all__ = [
    "DR_REGIONS",
    "HANG_SECONDS",
    "LONG_COPY_SECONDS",
    "OLD_SDK_DIR",
    "PROJECT",
    "SOURCE_REGION",
    "STACK",
    "cancel",
    "eventually",
    "in_progress",
    "inputs",
    "live_copies",
    "outcome",
]

DR_REGIONS = ("us-west-2", "eu-west-1")
PROJECT = "concurrency"
STACK = "test"
OLD_SDK_DIR = str(Path(__file__).resolve().parents[1] / "concurrency" / "old_sdk")
"""First on a provider process's PYTHONPATH: its sitecustomize makes the SDK serve as older SDKs did."""
# Long enough that no copy ends during a test: every test ends its waits with Cancel.
LONG_COPY_SECONDS = 600.0
# A bound on a hang, not a timing: a call the provider does not answer fails the test instead of blocking it.
HANG_SECONDS = 60.0


def inputs(source: str, name: str, region: str = DR_REGIONS[0], **overrides: Any) -> dict[str, Any]:
    """The property bag ``BackupCopy`` registers (tag ``purpose=dr``), as the engine sends it to Check."""
    return _inputs.inputs(
        source, name, project=PROJECT, stack=STACK, **{"region": region, "tags": {"purpose": "dr"}, **overrides}
    )


def cancel(process: ProviderProcess) -> None:
    """Send Cancel as the engine does on the first Ctrl-C (and before it shuts a provider down)."""
    process._call("Cancel", empty_pb2.Empty())


def outcome(future: Future[Any]) -> Any:
    """A create's result, or its ProviderError; fails the test if the provider never answers."""
    try:
        return future.result(timeout=HANG_SECONDS)
    except ProviderError as error:
        return error
