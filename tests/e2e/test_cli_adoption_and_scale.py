"""Reading existing copies (``get``, ``import_``), several Regions, and many copies, through the real CLI."""

from __future__ import annotations

import pulumi
import pytest
from pulumi import automation as auto

from devkit.cli import REGION, SOURCE_REGION, FsxStack, fsx, lifecycle, live_copies
from pulumi_fsx_copy import BackupCopy, Destination, MultiRegionBackupCopy
from pulumi_fsx_copy.testing import RemoteEmulator


def test_get_reads_a_copy_and_destroy_leaves_it(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION, tags={"app": "genomics"})
    copy = fsx(REGION).copy_backup(SourceBackupId=source, SourceRegion=SOURCE_REGION, CopyTags=True)["Backup"]
    fsx_remote.set_lifecycle(REGION, copy["BackupId"], "AVAILABLE")

    def program() -> None:
        existing = BackupCopy.get("existing", copy["BackupId"])
        pulumi.export("source", existing.source_backup_id)
        pulumi.export("kms_key_id", existing.kms_key_id)
        pulumi.export("tags_all", existing.tags_all)
        pulumi.export("lifecycle", existing.lifecycle)

    stack = fsx_stack(program)
    outputs = {key: value.value for key, value in stack.up().outputs.items()}

    assert outputs["source"] == source
    assert outputs["kms_key_id"] == copy["KmsKeyId"]
    assert outputs["tags_all"]["app"] == "genomics"
    assert outputs["lifecycle"] == "AVAILABLE"
    stack.destroy()
    assert lifecycle(REGION, copy["BackupId"]) == "AVAILABLE", "destroying a stack that only read a copy deleted it"


def test_import_is_refused_with_the_way_to_adopt(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    """The engine's import step reads with neither inputs nor state, so a dynamic provider cannot find
    itself (pulumi/pulumi#16175): BackupCopy refuses ``import_`` up front and names ``BackupCopy.get``."""
    source = fsx_remote.seed_backup(SOURCE_REGION)
    copy = fsx(REGION).copy_backup(SourceBackupId=source, SourceRegion=SOURCE_REGION)["Backup"]["BackupId"]

    def program() -> None:
        BackupCopy(
            "adopted",
            source_backup_id=source,
            source_region=SOURCE_REGION,
            opts=pulumi.ResourceOptions(import_=copy),
        )

    with pytest.raises(auto.CommandError) as failure:
        fsx_stack(program).up()

    assert "import_" in str(failure.value) and "BackupCopy.get" in str(failure.value)
    assert "Traceback" not in str(failure.value)
    assert lifecycle(REGION, copy) != "GONE"


def test_multi_region_copy_makes_one_copy_per_region(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)

    def program() -> None:
        dr = MultiRegionBackupCopy(
            "dr",
            source_backup_id=source,
            source_region=SOURCE_REGION,
            destinations={"us-west-2": Destination(tags={"tier": "gold"}), "eu-west-1": None},
            tags={"purpose": "dr"},
        )
        pulumi.export("backup_ids", dr.backup_ids)

    stack = fsx_stack(program)
    ids = stack.up().outputs["backup_ids"].value

    assert sorted(ids) == ["eu-west-1", "us-west-2"]
    assert lifecycle("us-west-2", ids["us-west-2"]) == lifecycle("eu-west-1", ids["eu-west-1"]) == "AVAILABLE"
    stack.destroy()
    assert live_copies("us-west-2") == live_copies("eu-west-1") == []


def test_twelve_copies_into_one_region_never_more_than_five_at_once(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    fsx_remote.configure(copy_seconds=2.0)
    sources = [fsx_remote.seed_backup(SOURCE_REGION) for _ in range(12)]

    def program() -> None:
        copies = [
            BackupCopy(f"dr-{i}", source_backup_id=source, source_region=SOURCE_REGION, region=REGION)
            for i, source in enumerate(sources)
        ]
        pulumi.export("ids", [copy.id for copy in copies])

    ids = fsx_stack(program).up().outputs["ids"].value

    assert len(set(ids)) == 12
    assert {lifecycle(REGION, backup_id) for backup_id in ids} == {"AVAILABLE"}
    assert fsx_remote.max_in_progress(REGION) == 5
