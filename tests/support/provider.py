"""Helpers of the in-process provider tests (tests/provider)."""

from __future__ import annotations

from collections.abc import Callable

from devkit.aws import DR_REGION, SOURCE_REGION
from devkit.views import live_copies
from pulumi_fsx_copy import BackupCopyProvider

__all__ = ["DR_REGION", "SOURCE_REGION", "copies_in", "on_copy_started"]

copies_in = live_copies
"""Every copy (a backup with a source) in a Region that is not DELETED."""


def on_copy_started(provider: BackupCopyProvider, action: Callable[[], None]) -> None:
    """Run ``action`` right after the provider's CopyBackup call returns (a botocore event hook)."""
    client = provider._clients.fsx(DR_REGION)
    client.meta.events.register("after-call.fsx.CopyBackup", lambda **_: action())
