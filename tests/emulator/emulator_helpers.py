"""Helpers of the emulator tests: the ``Aws`` handle the ``aws`` fixture gives, polling, errors."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import boto3
import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from pulumi_fsx_copy.testing import Emulator

SOURCE = "us-east-1"
DEST = "us-west-2"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
T = TypeVar("T")


@dataclass
class Aws:
    """An emulator (in-process or remote) and boto3 clients that reach it."""

    emulator: Emulator
    mode: str

    def client(self, service: str, region: str = DEST) -> Any:
        """A boto3 client that does not retry (so each call is one call the emulator sees)."""
        client: BaseClient = boto3.client(service, region_name=region, config=NO_RETRIES)
        return client

    def copy(self, source_id: str, region: str = DEST, **kwargs: Any) -> dict[str, Any]:
        """CopyBackup of ``source_id`` (in SOURCE) into ``region``; the copy's description."""
        response = self.client("fsx", region).copy_backup(SourceBackupId=source_id, SourceRegion=SOURCE, **kwargs)
        backup: dict[str, Any] = response["Backup"]
        return backup

    def describe(self, backup_id: str, region: str = DEST) -> dict[str, Any]:
        backup: dict[str, Any] = self.client("fsx", region).describe_backups(BackupIds=[backup_id])["Backups"][0]
        return backup

    def wait_lifecycle(self, backup_id: str, lifecycle: str, region: str = DEST) -> dict[str, Any]:
        """Poll until the backup is in ``lifecycle`` (10 s at most); its description."""
        return wait_for(lambda: self.describe(backup_id, region), lambda b: b["Lifecycle"] == lifecycle)

    def tags(self, arn: str, region: str = DEST) -> dict[str, str]:
        """All of a resource's tags, following NextToken (the emulator's pages are short)."""
        fsx = self.client("fsx", region)
        tags: list[dict[str, str]] = []
        kwargs: dict[str, Any] = {}
        while True:
            page = fsx.list_tags_for_resource(ResourceARN=arn, **kwargs)
            tags += page["Tags"]
            if not page.get("NextToken"):
                return {tag["Key"]: tag["Value"] for tag in tags}
            kwargs["NextToken"] = page["NextToken"]

    def backup_ids(self, region: str = DEST, **kwargs: Any) -> list[str]:
        """The IDs DescribeBackups(``kwargs``) lists in ``region``, all pages."""
        pages = self.client("fsx", region).get_paginator("describe_backups").paginate(**kwargs)
        return [backup["BackupId"] for page in pages for backup in page["Backups"]]


def wait_for(get: Callable[[], T], done: Callable[[T], bool], timeout: float = 10.0) -> T:
    """``get()`` until ``done`` of it, failing the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = get()
        if done(value):
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"still not done after {timeout} s: {value!r}")
        time.sleep(0.05)


def error(info: pytest.ExceptionInfo[ClientError]) -> Mapping[str, Any]:
    """The parsed error response of a ClientError."""
    response: Mapping[str, Any] = info.value.response
    return response
