"""Against real AWS, opt-in: PULUMI_FSX_COPY_AWS_TESTS=1 plus a source backup to copy.

    PULUMI_FSX_COPY_AWS_TESTS=1 PULUMI_FSX_COPY_AWS_SOURCE_BACKUP=backup-... \\
    PULUMI_FSX_COPY_AWS_SOURCE_REGION=us-east-1 PULUMI_FSX_COPY_AWS_REGION=us-west-2 make test

It makes one real copy (billed as FSx backup storage while it exists) and deletes it.
"""

from __future__ import annotations

import os
import uuid

import boto3
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_fsx_copy import BackupCopyProvider

pytestmark = pytest.mark.aws

_ENABLED = os.environ.get("PULUMI_FSX_COPY_AWS_TESTS") == "1"
_SOURCE = os.environ.get("PULUMI_FSX_COPY_AWS_SOURCE_BACKUP", "")


@pytest.mark.skipif(not _ENABLED, reason="real AWS tests are opt-in: set PULUMI_FSX_COPY_AWS_TESTS=1")
@pytest.mark.skipif(_ENABLED and not _SOURCE, reason="set PULUMI_FSX_COPY_AWS_SOURCE_BACKUP to a backup to copy")
def test_copy_tag_and_delete_on_real_aws() -> None:
    source_region = os.environ.get("PULUMI_FSX_COPY_AWS_SOURCE_REGION", "us-east-1")
    region = os.environ.get("PULUMI_FSX_COPY_AWS_REGION", "us-west-2")
    provider = BackupCopyProvider()
    provider.configure(ConfigureRequest(Config({"aws:region": region}, "pulumi-fsx-copy-tests")))
    checked = provider.check(
        {},
        {
            "source_backup_id": _SOURCE,
            "source_region": source_region,
            "tags": {"pulumi-fsx-copy-test": uuid.uuid4().hex},
            "__resource_identity": f"pulumi-fsx-copy-tests/{uuid.uuid4().hex}",
            "wait_timeout_minutes": 240,
        },
    )
    assert checked.failures == []
    created = provider.create(checked.inputs)
    try:
        outs = created.outs or {}
        assert outs["lifecycle"] == "AVAILABLE" and outs["source_backup_id"] == _SOURCE
        assert provider.read(created.id, outs).id == created.id
    finally:
        provider.delete(created.id, created.outs or checked.inputs)
    backups = boto3.client("fsx", region_name=region).describe_backups(
        Filters=[{"Name": "backup-type", "Values": ["USER_INITIATED"]}]
    )["Backups"]
    assert created.id not in [b["BackupId"] for b in backups if b["Lifecycle"] != "DELETED"]
