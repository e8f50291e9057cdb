"""BackupCopy's lifecycle through the real CLI: preview, up, update, refresh, replacement, destroy."""

from __future__ import annotations

import pulumi
import pytest
from pulumi import automation as auto

from devkit.cli import (
    REGION,
    SOURCE_REGION,
    STACK_PROJECT,
    FsxStack,
    fsx,
    kms,
    lifecycle,
    live_copies,
    one_copy,
    tags_of,
    urn,
)
from examples.dr.__main__ import main as dr_program
from pulumi_fsx_copy.stack_key import STACK_KEY_NAME
from pulumi_fsx_copy.testing import RemoteEmulator
from pulumi_fsx_copy.testing.automation import EventLog, changed_inputs

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # how the engine shows an unknown value in step events


def test_preview_with_unknown_inputs_makes_no_aws_call(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(dr_program, config={"sourceBackupId": source, "vaultRegion": "eu-west-1"})
    fsx_remote.reset_calls()
    log = EventLog()

    preview = stack.preview(on_event=log.record)

    created = (f"{STACK_PROJECT}-test", STACK_KEY_NAME, "dr-us-west-2", "clone", "vault")
    assert log.ops() == {name: ["create"] for name in created}
    vault = next(step for step in log.steps() if step.urn.endswith("::vault"))
    assert vault.new is not None and vault.new.inputs["source_backup_id"] == UNKNOWN
    assert preview.change_summary == {auto.OpType.CREATE: 5}
    assert fsx_remote.calls() == 0
    assert live_copies(REGION) == []


def test_up_then_tags_in_place_then_destroy(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION, tags={"app": "genomics"})
    stack = fsx_stack(dr_program, config={"sourceBackupId": source, "vaultRegion": "eu-west-1"})

    outputs = stack.up().outputs
    dr, clone, vault = (
        outputs["dr_backup_ids"].value[REGION],
        outputs["clone_backup_id"].value,
        outputs["vault_backup_id"].value,
    )
    assert lifecycle(REGION, dr) == lifecycle(SOURCE_REGION, clone) == lifecycle("eu-west-1", vault) == "AVAILABLE"
    assert tags_of(REGION, dr).items() >= {"app": "genomics", "purpose": "dr"}.items()

    stack.set_config("tags", auto.ConfigValue('{"purpose": "dr", "tier": "gold"}'))
    log = EventLog()
    outputs = stack.up(on_event=log.record).outputs
    assert log.ops() == {"dr-us-west-2": ["update"], "clone": ["update"], "vault": ["update"]}
    assert {tuple(changed_inputs(step)) for step in log.steps() if step.op == auto.OpType.UPDATE} == {("tags",)}
    assert outputs["dr_backup_ids"].value[REGION] == dr
    assert tags_of(REGION, dr)["tier"] == "gold"

    stack.destroy()
    assert [lifecycle(REGION, dr), lifecycle(SOURCE_REGION, clone), lifecycle("eu-west-1", vault)] == ["GONE"] * 3
    assert lifecycle(SOURCE_REGION, source) == "AVAILABLE"


def test_the_same_key_by_another_name_changes_nothing(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    key = kms(REGION).create_key()["KeyMetadata"]["Arn"]
    kms(REGION).create_alias(AliasName="alias/dr", TargetKeyId=key)
    stack = fsx_stack(one_copy(source, kms_key_id=key))
    copy = stack.up().outputs["id"].value

    stack = fsx_stack(one_copy(source, kms_key_id="alias/dr"))
    log = EventLog()
    up = stack.up(on_event=log.record)

    assert log.ops() == {}
    assert up.outputs["id"].value == copy
    assert [c["BackupId"] for c in live_copies(REGION)] == [copy]


def test_another_key_replaces_the_copy_new_one_available_before_the_old_is_deleted(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    old_key, new_key = (kms(REGION).create_key()["KeyMetadata"]["Arn"] for _ in range(2))
    old = fsx_stack(one_copy(source, kms_key_id=old_key)).up().outputs["id"].value

    log = EventLog()
    up = fsx_stack(one_copy(source, kms_key_id=new_key)).up(on_event=log.record)

    new = up.outputs["id"].value
    assert new != old
    assert log.ops() == {"dr": ["create-replacement", "replace", "delete-replaced"]}
    created = next(
        i
        for i, e in enumerate(log.events)
        if e.res_outputs_event is not None and e.res_outputs_event.metadata.op == auto.OpType.CREATE_REPLACEMENT
    )
    outputs_of_new = log.events[created].res_outputs_event.metadata.new  # type: ignore[union-attr]
    assert outputs_of_new is not None and outputs_of_new.outputs["lifecycle"] == "AVAILABLE"
    deleting = next(
        i
        for i, e in enumerate(log.events)
        if e.resource_pre_event is not None and e.resource_pre_event.metadata.op == auto.OpType.DELETE_REPLACED
    )
    assert created < deleting, "the old copy was deleted before the new one was AVAILABLE"
    assert lifecycle(REGION, old) == "GONE"
    assert [(c["BackupId"], c["KmsKeyId"]) for c in live_copies(REGION)] == [(new, new_key)]


def test_up_replace_makes_a_new_copy_and_keeps_it(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(one_copy(source))
    old = stack.up().outputs["id"].value

    up = stack.up(replace=[urn("test", "dr")])

    new = up.outputs["id"].value
    assert new != old
    assert lifecycle(REGION, new) == "AVAILABLE"
    assert lifecycle(REGION, old) == "GONE"
    assert [c["BackupId"] for c in live_copies(REGION)] == [new]
    assert stack.refresh().summary.resource_changes == {"same": 3}  # the stack, its key, the copy


def test_a_replacement_trigger_makes_a_new_copy_and_keeps_it(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    old = fsx_stack(one_copy(source, opts=lambda: pulumi.ResourceOptions(replacement_trigger="drill-1")))
    old_copy = old.up().outputs["id"].value

    log = EventLog()
    stack = fsx_stack(one_copy(source, opts=lambda: pulumi.ResourceOptions(replacement_trigger="drill-2")))
    new_copy = stack.up(on_event=log.record).outputs["id"].value

    assert log.ops() == {"dr": ["create-replacement", "replace", "delete-replaced"]}
    assert new_copy != old_copy
    assert lifecycle(REGION, old_copy) == "GONE"
    assert [c["BackupId"] for c in live_copies(REGION)] == [new_copy]


def test_replace_on_changes_cannot_see_which_input_changed(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    """The SDK's dynamic provider server sends the engine no changed keys, so ``replace_on_changes`` never
    matches: a tag change stays an in-place update (the README says to use ``replacement_trigger``)."""
    source = fsx_remote.seed_backup(SOURCE_REGION)
    replace_on_tags = lambda: pulumi.ResourceOptions(replace_on_changes=["tags"])  # noqa: E731
    copy = fsx_stack(one_copy(source, tags={"v": "1"}, opts=replace_on_tags)).up().outputs["id"].value

    log = EventLog()
    up = fsx_stack(one_copy(source, tags={"v": "2"}, opts=replace_on_tags)).up(on_event=log.record)

    assert log.ops() == {"dr": ["update"]}
    assert up.outputs["id"].value == copy
    assert tags_of(REGION, copy)["v"] == "2"


def test_refresh_sees_drift_and_up_converges(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(one_copy(source, tags={"purpose": "dr"}))
    copy = stack.up().outputs["id"].value
    arn = live_copies(REGION)[0]["ResourceARN"]
    fsx(REGION).untag_resource(ResourceARN=arn, TagKeys=["purpose"])
    assert stack.refresh().summary.resource_changes == {"update": 1, "same": 2}
    log = EventLog()
    stack.up(on_event=log.record)
    assert log.ops() == {"dr": ["update"]}
    assert tags_of(REGION, copy)["purpose"] == "dr"

    fsx(REGION).delete_backup(BackupId=copy)
    assert stack.refresh().summary.resource_changes == {"delete": 1, "same": 2}
    log = EventLog()
    new = stack.up(on_event=log.record).outputs["id"].value
    assert log.ops() == {"dr": ["create"]}
    assert new != copy
    assert [c["BackupId"] for c in live_copies(REGION)] == [new]


def test_a_bad_input_fails_up_with_the_field_and_the_fix_then_the_fixed_program_deploys(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(one_copy(source, wait_timeout_minutes=-5))

    with pytest.raises(auto.CommandError) as failure:
        stack.up()

    assert "wait_timeout_minutes" in str(failure.value)
    assert "Traceback" not in str(failure.value)
    assert fsx_remote.calls("CopyBackup") == 0
    stack = fsx_stack(one_copy(source, wait_timeout_minutes=30))
    copy = stack.up().outputs["id"].value
    assert lifecycle(REGION, copy) == "AVAILABLE"
    assert stack.preview().change_summary == {auto.OpType.SAME: 3}, "an up with nothing changed must change nothing"
