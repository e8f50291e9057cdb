"""What the README shows users: their own program, tested with the plugin's fixtures and the real CLI."""

from __future__ import annotations

import boto3
import pytest

from examples.dr.__main__ import main as dr_program


@pytest.mark.fsx_source_regions("eu-west-1")
def test_a_users_stack_against_seeded_sources(pulumi_cli: str, fsx_stack, fsx_source_backups) -> None:  # type: ignore[no-untyped-def]
    stack = fsx_stack(
        dr_program,
        project="my-dr",
        config={
            "aws:region": "eu-west-1",
            "sourceBackupId": fsx_source_backups["eu-west-1"],
            "sourceRegion": "eu-west-1",
            "drRegions": '["eu-central-1"]',
        },
    )

    copy_id = stack.up().outputs["dr_backup_ids"].value["eu-central-1"]

    copy = boto3.client("fsx", region_name="eu-central-1").describe_backups(BackupIds=[copy_id])["Backups"][0]
    assert copy["SourceBackupId"] == fsx_source_backups["eu-west-1"]
    assert copy["Lifecycle"] == "AVAILABLE"
