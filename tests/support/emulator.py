"""Helpers of the emulator tests (tests/emulator): the ``Aws`` handle the ``aws`` fixture gives, polling, errors."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from devkit.aws import DR_REGION, SOURCE_REGION
from pulumi_fsx_copy.testing import Emulator
from pulumi_fsx_copy.testing.listing import all_tags

SOURCE = SOURCE_REGION
DEST = DR_REGION
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
T = TypeVar("T")
PERSISTENT_LUSTRE: dict[str, Any] = {"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 125}
"""A Lustre configuration FSx can back up (the default deployment type, SCRATCH_1, it cannot)."""


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
        return all_tags(self.client("fsx", region), arn)

    def file_system(self, region: str = DEST, file_system_type: str = "LUSTRE", **kwargs: Any) -> str:
        """CreateFileSystem in ``region`` (Lustre: persistent, unless ``LustreConfiguration`` says else); its ID."""
        if file_system_type == "LUSTRE":
            kwargs.setdefault("LustreConfiguration", PERSISTENT_LUSTRE)
        response = self.client("fsx", region).create_file_system(
            FileSystemType=file_system_type,
            StorageCapacity=1200 if file_system_type == "LUSTRE" else 32,
            SubnetIds=["subnet-0123456789abcdef0"],
            **kwargs,
        )
        file_system_id: str = response["FileSystem"]["FileSystemId"]
        return file_system_id

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


@dataclass
class RawAnswer:
    """What came back on the wire for a raw request."""

    status: int
    content_type: str
    body: str

    def json(self) -> dict[str, Any]:
        """The body as JSON (fails the test if it is not JSON, e.g. an HTML error page)."""
        try:
            parsed: dict[str, Any] = json.loads(self.body)
        except ValueError:
            pytest.fail(f"not a JSON answer ({self.status}, {self.content_type}): {self.body[:200]!r}")
        return parsed


_TARGET_PREFIX = {"fsx": "AWSSimbaAPIService_v20180301", "kms": "TrentService"}


def raw_call(aws: Aws, operation: str, body: str, region: str = DEST, service: str = "fsx") -> RawAnswer:
    """POST ``body`` as it is (no botocore validation or serialization) to ``service``'s ``operation``,
    signed with SigV4 as AWS requires: in-process moto intercepts ``requests``; in server mode it goes to
    the server (``AWS_ENDPOINT_URL``)."""
    endpoint = os.environ["AWS_ENDPOINT_URL"] if aws.mode == "server" else f"https://{service}.{region}.amazonaws.com"
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"{_TARGET_PREFIX[service]}.{operation}"}
    request = AWSRequest(method="POST", url=endpoint.rstrip("/") + "/", data=body.encode(), headers=headers)
    credentials = boto3.Session().get_credentials()
    assert credentials is not None
    SigV4Auth(credentials.get_frozen_credentials(), service, region).add_auth(request)
    response = requests.post(request.url, data=body.encode(), headers=dict(request.headers.items()), timeout=60)
    return RawAnswer(response.status_code, response.headers.get("Content-Type", ""), response.text)
