"""Stacks run by the real ``pulumi`` CLI (tests/e2e): their programs and URNs, and the processes they start.

The stacks come from the plugin's ``fsx_stack`` fixture (project ``STACK_PROJECT``, ``aws:region``
us-west-2); the views of the emulator (``live_copies``, ``lifecycle``, ``tags_of``) are
:mod:`devkit.views`' and the clients :mod:`devkit.aws`', re-exported here for the e2e tests.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pulumi
from pulumi import automation as auto

from pulumi_fsx_copy import BackupCopy
from pulumi_fsx_copy.pytest_fixtures import STACK_PROJECT

from .aws import DR_REGION, SOURCE_REGION, fsx, kms
from .driver import DEFAULT_TYPE
from .views import lifecycle, live_copies, tags_of

__all__ = [
    "BACKUP_COPY_TYPE",
    "REGION",
    "SOURCE_REGION",
    "STACK_PROJECT",
    "FsxStack",
    "MakeStack",
    "command",
    "copies_program",
    "descendants",
    "fsx",
    "kms",
    "lifecycle",
    "live_copies",
    "one_copy",
    "tags_of",
    "urn",
    "with_aws_plugin",
]

REGION = DR_REGION
BACKUP_COPY_TYPE = DEFAULT_TYPE

AWS_STANDIN = Path(__file__).resolve().parents[1] / "tests" / "support" / "aws_standin"
"""A stand-in of pulumi-aws's plugin binary (registers aws Providers only): its binary cannot be downloaded here."""

FsxStack = Callable[..., auto.Stack]
"""The plugin's ``fsx_stack`` fixture: a stack of an inline program against the emulator server."""
MakeStack = FsxStack
"""The former name of :data:`FsxStack` (the e2e folder's own ``make_stack`` fixture)."""


def one_copy(
    source_backup_id: str,
    *,
    name: str = "dr",
    tags: Mapping[str, str] | pulumi.Output[Mapping[str, str]] | None = None,
    kms_key_id: str | None = None,
    opts: Callable[[], pulumi.ResourceOptions | None] = lambda: None,
    **inputs: Any,
) -> Callable[[], None]:
    """A program with one BackupCopy of ``source_backup_id`` from us-east-1 into us-west-2; exports its
    ``backup_id`` (as ``id``), ``lifecycle`` and ``kms_key_id``."""

    def program() -> None:
        copy = BackupCopy(
            name,
            source_backup_id=source_backup_id,
            source_region=SOURCE_REGION,
            region=REGION,
            kms_key_id=kms_key_id,
            tags=tags,
            opts=opts(),
            **inputs,
        )
        pulumi.export("id", copy.id)
        pulumi.export("lifecycle", copy.lifecycle)
        pulumi.export("kms_key_id", copy.kms_key_id)

    return program


def urn(stack: str, name: str, project: str = STACK_PROJECT, type_: str = BACKUP_COPY_TYPE) -> str:
    """The URN of resource ``name`` (a BackupCopy unless ``type_`` says else) of a stack ``fsx_stack`` made."""
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def copies_program(sources: list[str]) -> Callable[[], None]:
    """One BackupCopy per source (``dr``, ``dr-1``, ...) into us-west-2; exports their IDs as ``ids``."""

    def program() -> None:
        ids = []
        for i, source in enumerate(sources):
            name = "dr" if i == 0 else f"dr-{i}"
            copy = BackupCopy(name, source_backup_id=source, source_region=SOURCE_REGION, region=REGION)
            ids.append(copy.id)
        pulumi.export("ids", ids)

    return program


def descendants(pid: int) -> list[int]:
    """The processes started by ``pid``, and theirs (from /proc)."""
    children = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry.name))
        except OSError:
            continue
    return [d for child in children for d in (child, *descendants(child))]


def command(pid: int) -> str:
    """The process's command name ("" when it is gone)."""
    try:
        return (Path("/proc") / str(pid) / "comm").read_text().strip()
    except OSError:
        return ""


def with_aws_plugin() -> dict[str, str]:
    """The CLI's environment with the stand-in of pulumi-aws's plugin first on PATH."""
    return {"PATH": os.pathsep.join((str(AWS_STANDIN), os.environ.get("PATH", "")))}


def up_in_background(stack: auto.Stack) -> tuple[threading.Thread, list[auto.CommandError]]:
    """``stack.up()`` started on a thread of its own; the list gets its error if it fails."""
    failed: list[auto.CommandError] = []

    def up() -> None:
        try:
            stack.up()
        except auto.CommandError as err:
            failed.append(err)

    running = threading.Thread(target=up)
    running.start()
    return running, failed
