"""The pytest plugin users load for their own DR stacks: seeded sources, then LocalStack against them."""

from __future__ import annotations

import boto3
import pytest

from examples.dr.__main__ import main as dr_program
from pulumi_fsx_copy.testing import EmulatorServer
from pulumi_fsx_copy.testing.stack import LocalStack


@pytest.mark.fsx_source_regions("us-east-1", "eu-west-1", tags={"app": "genomics"}, file_system_type="OPENZFS")
def test_marker_seeds_one_available_backup_per_region(fsx_source_backups: dict[str, str]) -> None:
    assert set(fsx_source_backups) == {"us-east-1", "eu-west-1"}
    for region, backup_id in fsx_source_backups.items():
        backup = boto3.client("fsx", region_name=region).describe_backups(BackupIds=[backup_id])["Backups"][0]
        assert backup["Lifecycle"] == "AVAILABLE"
        assert backup["FileSystem"]["FileSystemType"] == "OPENZFS"
        assert {t["Key"]: t["Value"] for t in backup["Tags"]} == {"app": "genomics"}


def test_default_is_one_backup_in_us_east_1(fsx_source_backups: dict[str, str]) -> None:
    assert list(fsx_source_backups) == ["us-east-1"]


@pytest.mark.fsx_source_regions("eu-west-1")
def test_a_users_stack_against_seeded_sources(fsx_server: EmulatorServer, fsx_source_backups: dict[str, str]) -> None:
    stack = LocalStack(
        dr_program,
        project="my-dr",
        stack="test",
        config={
            "sourceBackupId": fsx_source_backups["eu-west-1"],
            "sourceRegion": "eu-west-1",
            "drRegions": ["eu-central-1"],
            "aws:region": "eu-west-1",
        },
        env={
            "AWS_ENDPOINT_URL": fsx_server.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "PULUMI_FSX_COPY_TIME_SCALE": "0.02",
        },
    )
    try:
        outputs = stack.up().outputs
        copy_id = outputs["dr_backup_ids"]["eu-central-1"]
        copy = boto3.client("fsx", region_name="eu-central-1").describe_backups(BackupIds=[copy_id])["Backups"][0]
        assert copy["SourceBackupId"] == fsx_source_backups["eu-west-1"]
    finally:
        stack.destroy()
