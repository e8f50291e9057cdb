"""The DR example stack through LocalStack: the real provider process against the emulator server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import boto3
import pulumi
import pytest
from stack_support import SOURCE_REGION, SOURCE_TAGS, live_backup, live_tags

from pulumi_fsx_copy import BackupCopy
from pulumi_fsx_copy.testing.listing import all_backups
from pulumi_fsx_copy.testing.stack import UNKNOWN, LocalStack, StackError, StackResult

MakeStack = Callable[..., LocalStack]
DR_REGIONS = ["us-west-2", "eu-west-1"]


def kinds(result: StackResult) -> dict[str, str]:
    return {change.name: change.kind for change in result.changes}


def test_up_makes_one_available_copy_per_dr_region_and_a_clone(make_stack: MakeStack) -> None:
    stack = make_stack(drRegions=DR_REGIONS, tags={"purpose": "dr", "team": "storage"})

    result = stack.up()

    assert kinds(result) == {"dr-us-west-2": "create", "dr-eu-west-1": "create", "clone": "create"}
    assert result.summary() == "+ 3 created"
    ids = result.outputs["dr_backup_ids"]
    assert sorted(ids) == sorted(DR_REGIONS)
    for region, backup_id in [*ids.items(), (SOURCE_REGION, result.outputs["clone_backup_id"])]:
        backup = live_backup(region, backup_id)
        assert backup is not None, f"output {backup_id} is not a backup in {region}"
        assert backup["Lifecycle"] == "AVAILABLE"
        # copy_tags=True: the source's tags, plus the tags the stack manages.
        assert live_tags(region, backup_id).items() >= {**SOURCE_TAGS, "purpose": "dr", "team": "storage"}.items()
    assert live_tags(SOURCE_REGION, result.outputs["clone_backup_id"])["role"] == "clone"


def test_preview_of_a_new_stack_reports_creates_and_makes_nothing(make_stack: MakeStack) -> None:
    stack = make_stack()

    result = stack.preview()

    assert kinds(result) == {"dr-us-west-2": "create", "clone": "create"}
    assert result.summary() == "+ 2 to create"
    assert result.outputs["clone_backup_id"] is UNKNOWN
    assert stack.resources == []
    assert all_backups(boto3.client("fsx", region_name="us-west-2")) == []


def test_up_again_changes_nothing(make_stack: MakeStack) -> None:
    stack = make_stack()
    first = stack.up()

    preview = stack.preview()
    again = stack.up()

    assert preview.summary() == "2 unchanged"
    assert set(kinds(again).values()) == {"same"}
    assert again.outputs == first.outputs


def test_tag_change_updates_the_copies_in_place(make_stack: MakeStack) -> None:
    stack = make_stack()
    before = stack.up().outputs
    copy_id = before["dr_backup_ids"]["us-west-2"]

    stack.config["tags"] = {"purpose": "dr", "env": "prod"}
    preview = stack.preview()
    result = stack.up()

    assert kinds(preview) == {"dr-us-west-2": "update", "clone": "update"}
    change = preview.change("dr-us-west-2")
    assert dict(change.diffs) == {"tags": ({"purpose": "dr"}, {"purpose": "dr", "env": "prod"})}
    assert change.replaces == ()
    assert kinds(result) == {"dr-us-west-2": "update", "clone": "update"}
    assert result.outputs == before, "an in-place update keeps the copies"
    assert live_tags("us-west-2", copy_id).items() >= {"purpose": "dr", "env": "prod", **SOURCE_TAGS}.items()


def test_kms_key_change_replaces_the_copy_and_deletes_the_old_one(make_stack: MakeStack) -> None:
    kms = boto3.client("kms", region_name="us-west-2")
    key_arn = kms.create_key(Description="DR backups")["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/dr-backups", TargetKeyId=key_arn)
    stack = make_stack()
    old_id = stack.up().outputs["dr_backup_ids"]["us-west-2"]

    stack.config["kmsKeyId"] = "alias/dr-backups"
    preview = stack.preview()
    result = stack.up()

    assert kinds(preview) == {"dr-us-west-2": "replace", "clone": "same"}
    assert preview.change("dr-us-west-2").replaces == ("kms_key_id",)
    assert kinds(result) == {"dr-us-west-2": "replace", "clone": "same"}
    new_id = result.outputs["dr_backup_ids"]["us-west-2"]
    assert new_id != old_id
    new_copy = live_backup("us-west-2", new_id)
    assert new_copy is not None and new_copy["KmsKeyId"] == key_arn
    assert live_backup("us-west-2", old_id) is None, "the replaced copy must be deleted"
    assert [r.id for r in stack.resources if r.name == "dr-us-west-2"] == [new_id]


def test_resource_removed_from_the_program_is_deleted(make_stack: MakeStack) -> None:
    stack = make_stack()
    outputs = stack.up().outputs

    def without_clone() -> None:
        copy = BackupCopy(
            "dr-us-west-2",
            source_backup_id=stack.config["sourceBackupId"],
            source_region=SOURCE_REGION,
            region="us-west-2",
            copy_tags=True,
            tags={"purpose": "dr"},
        )
        pulumi.export("dr_backup_ids", {"us-west-2": copy.id})

    stack.program = without_clone
    result = stack.up()

    assert kinds(result) == {"dr-us-west-2": "same", "clone": "delete"}
    assert live_backup(SOURCE_REGION, outputs["clone_backup_id"]) is None
    assert live_backup("us-west-2", outputs["dr_backup_ids"]["us-west-2"]) is not None
    assert result.outputs == {"dr_backup_ids": outputs["dr_backup_ids"]}


def test_refresh_records_drift_and_up_converges(make_stack: MakeStack) -> None:
    stack = make_stack()
    copy_id = stack.up().outputs["dr_backup_ids"]["us-west-2"]
    backup = live_backup("us-west-2", copy_id)
    assert backup is not None
    boto3.client("fsx", region_name="us-west-2").untag_resource(ResourceARN=backup["ResourceARN"], TagKeys=["purpose"])

    refresh = stack.refresh()
    up = stack.up()

    assert kinds(refresh) == {"dr-us-west-2": "refresh-updated", "clone": "same"}
    assert refresh.change("dr-us-west-2").diffs["tags"] == ({"purpose": "dr"}, {})
    assert kinds(up) == {"dr-us-west-2": "update", "clone": "same"}
    assert live_tags("us-west-2", copy_id)["purpose"] == "dr"


def test_copy_deleted_out_of_band_is_dropped_by_refresh_and_made_again(make_stack: MakeStack) -> None:
    stack = make_stack()
    copy_id = stack.up().outputs["dr_backup_ids"]["us-west-2"]
    boto3.client("fsx", region_name="us-west-2").delete_backup(BackupId=copy_id)

    refresh = stack.refresh()
    up = stack.up()

    assert kinds(refresh) == {"dr-us-west-2": "refresh-deleted", "clone": "same"}
    assert kinds(up) == {"dr-us-west-2": "create", "clone": "same"}
    new_id = up.outputs["dr_backup_ids"]["us-west-2"]
    assert new_id != copy_id and live_backup("us-west-2", new_id) is not None


def test_destroy_deletes_every_copy(make_stack: MakeStack, source_backup: str) -> None:
    stack = make_stack(drRegions=DR_REGIONS)
    stack.up()

    result = stack.destroy()

    assert kinds(result) == {"dr-us-west-2": "delete", "dr-eu-west-1": "delete", "clone": "delete"}
    assert result.summary() == "- 3 deleted"
    for region in [*DR_REGIONS, SOURCE_REGION]:
        backups = all_backups(boto3.client("fsx", region_name=region))
        left = [b["BackupId"] for b in backups if b["BackupId"] != source_backup and b["Lifecycle"] != "DELETED"]
        assert left == [], f"destroy left {left} in {region}"
    assert live_backup(SOURCE_REGION, source_backup) is not None
    assert stack.resources == [] and stack.outputs == {}


def test_state_file_carries_the_stack_to_another_runner(make_stack: MakeStack, tmp_path: Path) -> None:
    outputs = make_stack().up().outputs

    later = make_stack()
    result = later.up()

    assert set(kinds(result).values()) == {"same"}
    assert result.outputs == outputs
    assert (tmp_path / "state.json").exists()
    later.destroy()
    assert make_stack().resources == []


def test_invalid_config_fails_with_the_check_failures_and_the_fixed_stack_then_deploys(
    make_stack: MakeStack, source_backup: str
) -> None:
    stack = make_stack(sourceBackupId="backup-nope", drRegions=["us-westt-2"])

    with pytest.raises(StackError) as raised:
        stack.up()
    stack.config.update(sourceBackupId=source_backup, drRegions=["us-west-2"])
    fixed = stack.up()

    message = str(raised.value)
    assert "dr-us-westt-2" in message and "did you mean 'us-west-2'?" in message
    assert "source_backup_id 'backup-nope' is not an FSx backup ID" in message
    assert kinds(fixed) == {"dr-us-west-2": "create", "clone": "create"}
    assert [b["BackupId"] for b in all_backups(boto3.client("fsx", region_name="us-west-2"))] == [
        fixed.outputs["dr_backup_ids"]["us-west-2"]
    ]


def test_get_adopts_an_existing_copy_without_managing_it(make_stack: MakeStack) -> None:
    managed = make_stack()
    copy_id = managed.up().outputs["dr_backup_ids"]["us-west-2"]

    def adopt() -> None:
        adopted = BackupCopy.get("adopted", copy_id)
        pulumi.export("tags_all", adopted.tags_all)

    reader = LocalStack(
        adopt,
        project="reader",
        stack="test",
        config={"aws:region": "us-west-2"},
        env=managed.env,
    )
    result = reader.up()
    reader.destroy()

    assert kinds(result) == {"adopted": "read"}
    assert result.outputs["tags_all"].items() >= {"purpose": "dr", **SOURCE_TAGS}.items()
    assert live_backup("us-west-2", copy_id) is not None, "destroying a reader must not delete what it read"
