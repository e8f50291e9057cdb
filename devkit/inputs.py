"""The property bag ``BackupCopy`` registers, as the engine sends it to Check: the one builder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_fsx_copy import BackupCopyProvider

from .aws import DR_REGION, SOURCE_REGION
from .driver import ProviderProcess, provider_input

PROJECT = "dr"
STACK = "prod"
NAME = "dr-copy"


def inputs(
    source_backup: Any, name: str = NAME, *, project: str = PROJECT, stack: str = STACK, **overrides: Any
) -> dict[str, Any]:
    """The inputs of BackupCopy ``name`` of stack ``project/stack`` (``__provider`` included) copying
    ``source_backup`` from us-east-1 into us-west-2; ``overrides`` set other inputs, ``None`` leaves one out."""
    news: dict[str, Any] = {
        "source_backup_id": source_backup,
        "source_region": SOURCE_REGION,
        "region": DR_REGION,
        "__resource_identity": f"{project}/{stack}/{name}",
        "__provider": provider_input(BackupCopyProvider()),
        **overrides,
    }
    return {k: v for k, v in news.items() if v is not None}


def checked(process: ProviderProcess, news: Mapping[str, Any], name: str = NAME) -> dict[str, Any]:
    """Check ``news`` and return the checked inputs; fails the test on any check failure."""
    outcome = process.check(name, {}, news)
    assert outcome.failures == [], outcome.failures
    return outcome.inputs
