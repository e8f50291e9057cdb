"""What the end-to-end tests share: programs, and boto3 views of what exists in the emulator."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import boto3
import pulumi
from pulumi import automation as auto

from pulumi_fsx_copy import BackupCopy

SOURCE_REGION = "us-east-1"
REGION = "us-west-2"
BACKUP_COPY_TYPE = "pulumi-python:dynamic/fsx:BackupCopy"

MakeStack = Callable[..., auto.Stack]
"""The ``make_stack`` fixture: a stack of an inline program against the emulator server."""


def fsx(region: str) -> Any:
    """An FSx client of the emulator (the ``fsx_remote`` fixture points ``AWS_ENDPOINT_URL`` at it)."""
    return boto3.client("fsx", region_name=region)


def kms(region: str) -> Any:
    return boto3.client("kms", region_name=region)


def live_copies(region: str) -> list[dict[str, Any]]:
    """Every copy (a backup with a source) in ``region`` that is not DELETED."""
    pages = fsx(region).get_paginator("describe_backups").paginate()
    backups = [backup for page in pages for backup in page["Backups"]]
    return [b for b in backups if b.get("SourceBackupId") and b.get("Lifecycle") != "DELETED"]


def lifecycle(region: str, backup_id: str) -> str:
    """The copy's Lifecycle, ``GONE`` when DescribeBackups no longer finds it."""
    client = fsx(region)
    try:
        backups = client.describe_backups(BackupIds=[backup_id])["Backups"]
    except client.exceptions.BackupNotFound:
        return "GONE"
    return str(backups[0]["Lifecycle"]) if backups else "GONE"


def tags_of(region: str, backup_id: str) -> dict[str, str]:
    backup = fsx(region).describe_backups(BackupIds=[backup_id])["Backups"][0]
    return {t["Key"]: t["Value"] for t in backup.get("Tags", [])}


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


def urn(stack: str, name: str, project: str = "e2e", type_: str = BACKUP_COPY_TYPE) -> str:
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
    try:
        return (Path("/proc") / str(pid) / "comm").read_text().strip()
    except OSError:
        return ""
