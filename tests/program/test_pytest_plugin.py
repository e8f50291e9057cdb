"""The pytest plugin (loaded by its entry point): seeded sources in the emulator server."""

from __future__ import annotations

import boto3
import pytest


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
