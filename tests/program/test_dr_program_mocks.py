"""The DR example program alone, under plain ``pulumi.runtime.set_mocks`` (no provider, no emulator)."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks

from examples.dr.__main__ import main as dr_program
from pulumi_fsx_copy.stack_key import STACK_KEY_NAME
from tests.support.program import PROJECT, run_with_mocks

BACKUP_COPY_TYPE = "pulumi-python:dynamic/fsx:BackupCopy"
SOURCE = "backup-0123456789abcdef0"


class RecordingMocks(Mocks):
    """Every resource gets ID ``backup-<name>``; registrations are kept by name."""

    def __init__(self) -> None:
        self.resources: dict[str, MockResourceArgs] = {}

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources[args.name] = args
        return f"backup-{args.name}", dict(args.inputs)

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def run_program(config: dict[str, Any]) -> tuple[RecordingMocks, dict[str, Any]]:
    """Run the program under mocks with ``config`` (project keys); its resources and resolved exports."""
    mocks = RecordingMocks()
    return mocks, run_with_mocks(dr_program, mocks, project=PROJECT, config=config)


def test_one_backup_copy_per_dr_region_plus_a_clone() -> None:
    mocks, exports = run_program(
        {
            "sourceBackupId": SOURCE,
            "sourceRegion": "eu-central-1",
            "drRegions": ["us-west-2", "ap-southeast-2"],
            "tags": {"purpose": "dr", "team": "storage"},
            "kmsKeyId": "alias/dr-backups",
        }
    )

    assert sorted(mocks.resources) == ["clone", "dr-ap-southeast-2", "dr-us-west-2", STACK_KEY_NAME]
    assert {args.typ for name, args in mocks.resources.items() if name != STACK_KEY_NAME} == {BACKUP_COPY_TYPE}
    dr = mocks.resources["dr-ap-southeast-2"].inputs
    assert dr["source_backup_id"] == SOURCE
    assert (dr["source_region"], dr["region"]) == ("eu-central-1", "ap-southeast-2")
    assert dr["copy_tags"] is True
    assert dr["tags"] == {"purpose": "dr", "team": "storage"}
    assert dr["kms_key_id"] == "alias/dr-backups"
    clone = mocks.resources["clone"].inputs
    assert (clone["source_region"], clone["region"]) == ("eu-central-1", "eu-central-1")
    assert "kms_key_id" not in clone
    assert clone["tags"] == {"purpose": "dr", "team": "storage", "role": "clone"}
    assert exports == {
        "dr_backup_ids": {"us-west-2": "backup-dr-us-west-2", "ap-southeast-2": "backup-dr-ap-southeast-2"},
        "clone_backup_id": "backup-clone",
    }


def test_defaults_copy_from_us_east_1_to_us_west_2_tagged_purpose_dr() -> None:
    mocks, exports = run_program({"sourceBackupId": SOURCE})

    dr = mocks.resources["dr-us-west-2"].inputs
    assert (dr["source_region"], dr["region"], dr["tags"]) == ("us-east-1", "us-west-2", {"purpose": "dr"})
    assert exports == {"dr_backup_ids": {"us-west-2": "backup-dr-us-west-2"}, "clone_backup_id": "backup-clone"}


def test_source_backup_id_is_required() -> None:
    with pytest.raises(pulumi.ConfigMissingError, match="sourceBackupId"):
        run_program({})
