"""The provider's lifecycle methods, in-process, against the emulator."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from pulumi_fsx_copy import (
    BackupCopyProvider,
    CopyFailedError,
    CopyTimeoutError,
    IdempotencyConflictError,
    KmsKeyError,
    SourceBackupNotFoundError,
)
from pulumi_fsx_copy.rules.identity import OWNER_TAG, RESOURCE_TAG, resource_identity, without_ownership
from pulumi_fsx_copy.testing import InProcessEmulator
from tests.support.provider import DR_REGION, SOURCE_REGION, copies_in, on_copy_started

Props = Callable[..., dict[str, Any]]


def test_create_copies_across_regions_and_reports_outputs(
    provider: BackupCopyProvider, props: Props, source_backup: str
) -> None:
    result = provider.create(props())
    outs = result.outs or {}
    assert result.id == outs["backup_id"]
    assert re.fullmatch(r"backup-[0-9a-f]{17}", result.id)
    assert outs["lifecycle"] == "AVAILABLE"
    assert outs["progress_percent"] == 100
    assert outs["arn"].startswith(f"arn:aws:fsx:{DR_REGION}:")
    assert outs["source_backup_id"] == source_backup
    assert (outs["source_region"], outs["region"]) == (SOURCE_REGION, DR_REGION)
    assert outs["kms_key_id"].startswith(f"arn:aws:kms:{DR_REGION}:")
    assert outs["tags"] == {"purpose": "dr"}
    # tags_all: the copied and declared tags, and the provider's ownership tags (the copy is claimed).
    assert without_ownership(outs["tags_all"]) == {"team": "storage", "env": "prod", "purpose": "dr"}
    assert outs["tags_all"][OWNER_TAG] == f"claim:{outs['__claim']}"
    assert outs["tags_all"][RESOURCE_TAG] == "project/stack/dr-copy"
    assert outs["file_system_type"] == "LUSTRE" and outs["file_system_id"].startswith("fs-")
    assert outs["resource_type"] == "FILE_SYSTEM"
    assert outs["type"] == "USER_INITIATED", "as aws.fsx.Backup's type output"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", outs["creation_time"])
    described = boto3.client("fsx", region_name=DR_REGION).describe_backups(BackupIds=[result.id])["Backups"][0]
    assert described["SourceBackupId"] == source_backup and described["Lifecycle"] == "AVAILABLE"


def test_same_region_clone(provider: BackupCopyProvider, props: Props) -> None:
    result = provider.create(props(source_region=SOURCE_REGION, region=SOURCE_REGION))
    assert (result.outs or {})["arn"].startswith(f"arn:aws:fsx:{SOURCE_REGION}:")
    assert len(copies_in(SOURCE_REGION)) == 1


def test_check_defaults_regions_to_the_stack_region(provider: BackupCopyProvider, source_backup: str) -> None:
    result = provider.check({}, {"source_backup_id": source_backup})
    assert result.failures == []
    assert result.inputs["region"] == DR_REGION
    assert result.inputs["source_region"] == DR_REGION


def test_forced_replacement_makes_a_new_copy_and_keeps_it(provider: BackupCopyProvider, props: Props) -> None:
    """`up --replace`, replace_on_changes, replacement_trigger: the engine calls Create with unchanged inputs,
    then deletes the old copy. The new Create must not hand back the old copy, or that delete destroys it."""
    old = provider.create(props())
    new = provider.create(props())
    assert new.id != old.id
    assert (new.outs or {})["lifecycle"] == "AVAILABLE"
    provider.delete(old.id, old.outs or {})
    assert [c["BackupId"] for c in copies_in(DR_REGION)] == [new.id]


def test_recreate_after_destroy_makes_a_new_live_copy(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator
) -> None:
    fsx_emulator.configure(reuse_token_after_delete=True)
    first = provider.create(props())
    provider.delete(first.id, first.outs or {})
    second = provider.create(props())
    assert second.id != first.id
    assert (second.outs or {})["lifecycle"] == "AVAILABLE"
    assert [c["BackupId"] for c in copies_in(DR_REGION)] == [second.id]


def test_identity_keeps_two_resources_apart(provider: BackupCopyProvider, props: Props) -> None:
    a = provider.create(props(__resource_identity="project/stack/a"))
    b = provider.create(props(__resource_identity="project/stack/b"))
    assert a.id != b.id


def test_no_wait_returns_while_copying(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator
) -> None:
    fsx_emulator.configure(copy_seconds=30)
    result = provider.create(props(wait_for_available=False))
    assert (result.outs or {})["lifecycle"] == "COPYING"


def test_failed_copy_is_deleted_and_reported(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator
) -> None:
    fsx_emulator.fail_next_copies("The source file system's KMS grant was revoked")
    with pytest.raises(CopyFailedError, match="KMS grant was revoked") as caught:
        provider.create(props())
    assert "was deleted" in str(caught.value)
    assert copies_in(DR_REGION) == []


def test_timeout_names_the_copy_and_rerun_resumes_it(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator
) -> None:
    fsx_emulator.configure(copy_seconds=3)
    with pytest.raises(CopyTimeoutError) as caught:
        provider.create(props(wait_timeout_minutes=0.01))
    [copy] = copies_in(DR_REGION)
    assert copy["BackupId"] in str(caught.value)
    # In-process no engine call can record it: the copy stays unrecorded, for the next create to adopt.
    assert "the next `pulumi up` that creates this resource adopts it and waits for it again" in str(caught.value)
    resumed = provider.create(props())
    assert resumed.id == copy["BackupId"]
    assert (resumed.outs or {})["lifecycle"] == "AVAILABLE"
    assert len(copies_in(DR_REGION)) == 1


def test_waits_for_a_free_copy_slot(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator
) -> None:
    fsx_emulator.fail_next("CopyBackup", "ServiceLimitExceeded", count=2)
    result = provider.create(props())
    assert (result.outs or {})["lifecycle"] == "AVAILABLE"
    assert fsx_emulator.calls("CopyBackup") == 3


@pytest.mark.parametrize("code", ["BackupNotFound", "FileSystemNotFound"])
def test_copy_reported_missing_during_the_wait_is_confirmed_present(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator, code: str
) -> None:
    """Right after CopyBackup, DescribeBackups may not see the copy yet: the wait looks again, goes on."""
    on_copy_started(provider, lambda: fsx_emulator.fail_next("DescribeBackups", code))
    result = provider.create(props())
    assert (result.outs or {})["lifecycle"] == "AVAILABLE"
    assert [c["BackupId"] for c in copies_in(DR_REGION)] == [result.id]


@pytest.mark.parametrize("code", ["ThrottlingException", "InternalServerError"])
def test_retries_transient_errors(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator, code: str
) -> None:
    fsx_emulator.fail_next("CopyBackup", code, count=2)
    fsx_emulator.fail_next("DescribeBackups", code, count=2)
    result = provider.create(props())
    assert (result.outs or {})["lifecycle"] == "AVAILABLE"
    assert len(copies_in(DR_REGION)) == 1


def test_waits_for_the_source_to_become_available(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator, source_backup: str
) -> None:
    checked = props()
    fsx_emulator.set_lifecycle(SOURCE_REGION, source_backup, "CREATING")
    stop = threading.Event()

    def available_after_a_refused_copy() -> None:
        # However slow the provider is to start, its first CopyBackup meets the CREATING source (the call is
        # counted a few milliseconds before it is answered, hence the pause); only then is the source AVAILABLE.
        while not stop.wait(0.05):
            if fsx_emulator.calls("CopyBackup") >= 1:
                stop.wait(0.3)
                fsx_emulator.set_lifecycle(SOURCE_REGION, source_backup, "AVAILABLE")
                return

    thread = threading.Thread(target=available_after_a_refused_copy, daemon=True)
    thread.start()
    try:
        result = provider.create(checked)
    finally:
        stop.set()
        thread.join()
    assert (result.outs or {})["lifecycle"] == "AVAILABLE"
    assert fsx_emulator.calls("CopyBackup") >= 2


def test_unknown_source_backup(provider: BackupCopyProvider, props: Props) -> None:
    with pytest.raises(SourceBackupNotFoundError, match=r"backup-0000000000000dead was not found in .*us-east-1") as e:
        provider.create(props(source_backup_id="backup-0000000000000dead"))
    assert copies_in(DR_REGION) == []
    # Raised before any copy exists: it never speaks of a copy kept, going on or adopted.
    assert not re.search(r"kept|goes on|adopts|records it", str(e.value)), str(e.value)


def test_unknown_kms_key(provider: BackupCopyProvider, props: Props) -> None:
    with pytest.raises(KmsKeyError, match=r"alias/nope.*us-west-2"):
        provider.create(props(kms_key_id="alias/nope"))


def test_customer_key_by_alias_is_recorded_as_its_arn(provider: BackupCopyProvider, props: Props) -> None:
    kms = boto3.client("kms", region_name=DR_REGION)
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/dr", TargetKeyId=key["KeyId"])
    outs = provider.create(props(kms_key_id="alias/dr")).outs or {}
    assert outs["kms_key_id"] == key["Arn"]
    # The same key by ID, ARN or alias is no change; another key replaces the copy.
    for same in (key["KeyId"], key["Arn"], "alias/dr"):
        assert provider.diff(outs["backup_id"], outs, props(kms_key_id=same)).replaces == []
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    assert provider.diff(outs["backup_id"], outs, props(kms_key_id=other)).replaces == ["kms_key_id"]


def test_user_token_that_names_a_deleted_copy(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator
) -> None:
    fsx_emulator.configure(reuse_token_after_delete=True)
    first = provider.create(props(client_request_token="my-token"))
    provider.delete(first.id, first.outs or {})
    with pytest.raises(IdempotencyConflictError, match="my-token"):
        provider.create(props(client_request_token="my-token"))


def test_read_reports_fresh_state_and_drift(provider: BackupCopyProvider, props: Props) -> None:
    outs = provider.create(props(tags={"purpose": "dr", "owner": "sre"})).outs or {}
    fsx = boto3.client("fsx", region_name=DR_REGION)
    fsx.untag_resource(ResourceARN=outs["arn"], TagKeys=["owner"])
    fsx.tag_resource(ResourceARN=outs["arn"], Tags=[{"Key": "purpose", "Value": "edited"}])
    read = provider.read(outs["backup_id"], outs)
    assert read.id == outs["backup_id"]
    assert (read.outs or {})["tags"] == {"purpose": "edited"}
    assert "owner" not in (read.outs or {})["tags_all"]
    assert provider.diff(read.id or "", read.outs or {}, props(tags={"purpose": "dr", "owner": "sre"})).changes


def test_read_of_a_deleted_copy_reports_it_gone(provider: BackupCopyProvider, props: Props) -> None:
    outs = provider.create(props()).outs or {}
    boto3.client("fsx", region_name=DR_REGION).delete_backup(BackupId=outs["backup_id"])
    assert provider.read(outs["backup_id"], outs).id == ""


def test_get_adopts_a_copy_in_the_stack_region(provider: BackupCopyProvider, props: Props, source_backup: str) -> None:
    backup_id = provider.create(props()).id
    read = provider.read(backup_id, {})
    outs = read.outs or {}
    assert read.id == backup_id
    assert (outs["source_backup_id"], outs["source_region"], outs["region"]) == (
        source_backup,
        SOURCE_REGION,
        DR_REGION,
    )


def test_update_changes_only_managed_tags(provider: BackupCopyProvider, props: Props) -> None:
    olds = provider.create(props(tags={"purpose": "dr", "owner": "sre"})).outs or {}
    news = props(tags={"purpose": "dr-2", "tier": "gold"})
    outs = provider.update(olds["backup_id"], olds, news).outs or {}
    assert outs["tags"] == {"purpose": "dr-2", "tier": "gold"}
    # The copied source tags stay; the removed managed tag is gone.
    assert without_ownership(outs["tags_all"]) == {"team": "storage", "env": "prod", "purpose": "dr-2", "tier": "gold"}
    assert outs["tags_all"][OWNER_TAG] == f"claim:{outs['__claim']}"


def test_a_record_keeps_the_identity_it_was_made_with_through_updates(
    provider: BackupCopyProvider, props: Props
) -> None:
    """A record written before stack keys (``v2``) meets a program that now sends a keyed identity: its copy
    carries the old one, so the record keeps it (its delete finds its orphans), until it is replaced."""
    before = resource_identity("organization", "dr", "prod", None, "t", "copy")
    now = resource_identity("organization", "dr", "prod", None, "t", "copy", stack_key="a1" * 16)
    olds = provider.create(props(__resource_identity=before, tags={"purpose": "dr"})).outs or {}
    outs = provider.update(olds["backup_id"], olds, props(__resource_identity=now, tags={"purpose": "dr-2"})).outs or {}
    assert outs["__resource_identity"] == before and outs["tags"] == {"purpose": "dr-2"}


def test_delete_is_idempotent(provider: BackupCopyProvider, props: Props) -> None:
    outs = provider.create(props()).outs or {}
    provider.delete(outs["backup_id"], outs)
    provider.delete(outs["backup_id"], outs)
    assert copies_in(DR_REGION) == []


def test_delete_waits_while_the_copy_is_still_copying(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator
) -> None:
    fsx_emulator.configure(copy_seconds=1, delete_while_copying=False)
    outs = provider.create(props(wait_for_available=False)).outs or {}
    provider.delete(outs["backup_id"], outs)
    assert copies_in(DR_REGION) == []
    assert fsx_emulator.calls("DeleteBackup") >= 2
