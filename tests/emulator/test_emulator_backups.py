"""DeleteBackup, DescribeBackups and CreateBackup as the emulator fixes them."""

from __future__ import annotations

import re
from typing import Any
from unittest.mock import ANY

import pytest
from botocore.exceptions import ClientError

from pulumi_fsx_copy.testing import EmulatorError
from tests.support.emulator import DEST, SOURCE, Aws, error, wait_for


def test_deleting_a_source_is_refused_while_copied_and_a_short_while_after(aws: Aws, source: str) -> None:
    aws.emulator.configure(copy_seconds=0.5, source_release_seconds=0.5)
    copy_id = aws.copy(source)["BackupId"]
    fsx = aws.client("fsx", SOURCE)

    def delete() -> str:
        try:
            return str(fsx.delete_backup(BackupId=source)["Lifecycle"])
        except ClientError as err:
            assert err.response["Error"]["Code"] == "BackupBeingCopied"
            assert err.response["BackupId"] == source
            return "refused"

    assert delete() == "refused"
    aws.wait_lifecycle(copy_id, "AVAILABLE")
    assert delete() == "refused"  # the copy is AVAILABLE, but the source is not released yet
    assert wait_for(delete, lambda result: result != "refused") == "DELETED"


def test_a_deleted_backup_is_no_longer_described(aws: Aws, source: str) -> None:
    fsx = aws.client("fsx", SOURCE)
    fsx.delete_backup(BackupId=source)

    with pytest.raises(ClientError) as info:
        fsx.describe_backups(BackupIds=[source])
    assert error(info)["Error"]["Code"] == "BackupNotFound"
    assert fsx.describe_backups()["Backups"] == []


def test_deleting_an_unknown_backup_is_not_found(aws: Aws) -> None:
    with pytest.raises(ClientError) as info:
        aws.client("fsx").delete_backup(BackupId="backup-0123456789abcdef0")

    assert error(info)["Error"]["Code"] == "BackupNotFound"


def test_deleting_a_copy_still_copying_is_refused_as_in_progress(aws: Aws, source: str) -> None:
    aws.emulator.configure(copy_seconds=60)
    copy_id = aws.copy(source)["BackupId"]

    with pytest.raises(ClientError) as info:
        aws.client("fsx").delete_backup(BackupId=copy_id)

    assert error(info)["Error"]["Code"] == "BackupInProgress"
    assert aws.describe(copy_id)["Lifecycle"] == "COPYING"


def test_deleting_a_copy_still_copying_can_be_allowed(aws: Aws, source: str) -> None:
    aws.emulator.configure(copy_seconds=60, delete_while_copying=True)
    copy_id = aws.copy(source)["BackupId"]

    assert aws.client("fsx").delete_backup(BackupId=copy_id)["Lifecycle"] == "DELETED"
    aws.client("fsx", SOURCE).delete_backup(BackupId=source)  # no copy reads the source any more


def test_describing_an_unknown_id_among_known_ones_is_not_found(aws: Aws, source: str) -> None:
    with pytest.raises(ClientError) as info:
        aws.client("fsx", SOURCE).describe_backups(BackupIds=[source, "backup-0123456789abcdef0"])

    assert error(info)["Error"]["Code"] == "BackupNotFound"


def test_describe_filters_select_backups(aws: Aws) -> None:
    lustre = aws.emulator.seed_backup(SOURCE)
    ontap = aws.emulator.seed_backup(SOURCE, file_system_type="ONTAP", resource_type="VOLUME")
    ontap_backup = aws.describe(ontap, SOURCE)
    lustre_backup = aws.describe(lustre, SOURCE)

    def ids(name: str, *values: str) -> list[str]:
        return aws.backup_ids(SOURCE, Filters=[{"Name": name, "Values": list(values)}])

    assert ids("backup-type", "USER_INITIATED") == [lustre, ontap]
    assert ids("backup-type", "AUTOMATIC", "AWS_BACKUP") == []
    assert ids("file-system-type", "LUSTRE") == [lustre]
    assert ids("file-system-type", "ONTAP", "OPENZFS") == [ontap]
    assert ids("file-system-id", lustre_backup["FileSystem"]["FileSystemId"]) == [lustre]
    assert ids("volume-id", ontap_backup["Volume"]["VolumeId"]) == [ontap]
    both = aws.backup_ids(
        SOURCE,
        Filters=[
            {"Name": "backup-type", "Values": ["USER_INITIATED"]},
            {"Name": "file-system-type", "Values": ["ONTAP"]},
        ],
    )
    assert both == [ontap]


def test_describe_backups_answers_short_pages_with_a_next_token(aws: Aws) -> None:
    seeded = [aws.emulator.seed_backup(DEST) for _ in range(3)]
    fsx = aws.client("fsx")

    first = fsx.describe_backups(MaxResults=2)
    assert len(first["Backups"]) == 1  # fewer than asked for, and more to come
    assert aws.backup_ids(DEST) == seeded
    assert aws.backup_ids(DEST, PaginationConfig={"PageSize": 2}) == seeded


def test_describe_backups_pages_hold_at_most_fifty(aws: Aws) -> None:
    aws.emulator.configure(page_size=1000)
    seeded = [aws.emulator.seed_backup(DEST) for _ in range(52)]
    fsx = aws.client("fsx")

    first = fsx.describe_backups()
    second = fsx.describe_backups(NextToken=first["NextToken"], MaxResults=1000)

    assert len(first["Backups"]) == 50
    assert [b["BackupId"] for b in first["Backups"] + second["Backups"]] == seeded
    assert "NextToken" not in second


def test_a_bad_next_token_is_a_bad_request(aws: Aws, source: str) -> None:
    with pytest.raises(ClientError) as info:
        aws.client("fsx", SOURCE).describe_backups(NextToken="bm90LWEtdG9rZW4=")

    assert error(info)["Error"]["Code"] == "BadRequest"


def test_create_backup_starts_pending_and_a_copy_must_wait_until_it_is_available(aws: Aws) -> None:
    aws.emulator.configure(create_backup_seconds=1.5)
    fsx, copier = aws.client("fsx"), aws.client("fsx", "eu-west-1")
    backup = fsx.create_backup(FileSystemId=aws.file_system())["Backup"]

    assert backup["Lifecycle"] == "PENDING"  # Lustre: PENDING, CREATING, TRANSFERRING, AVAILABLE
    assert backup["Type"] == "USER_INITIATED"
    with pytest.raises(ClientError) as info:
        copier.copy_backup(SourceBackupId=backup["BackupId"], SourceRegion=DEST)
    assert error(info)["Error"]["Code"] == "SourceBackupUnavailable"
    seen: set[str] = set()

    def lifecycles() -> set[str]:
        seen.add(fsx.describe_backups(BackupIds=[backup["BackupId"]])["Backups"][0]["Lifecycle"])
        return seen

    wait_for(lifecycles, lambda found: "AVAILABLE" in found)
    assert {"CREATING", "TRANSFERRING"} <= seen
    copy = copier.copy_backup(SourceBackupId=backup["BackupId"], SourceRegion=DEST)
    assert copy["Backup"]["SourceBackupId"] == backup["BackupId"]


def test_create_backup_of_other_types_starts_creating(aws: Aws) -> None:
    file_system = aws.file_system(file_system_type="WINDOWS")

    backup = aws.client("fsx").create_backup(FileSystemId=file_system)["Backup"]

    assert backup["Lifecycle"] == "CREATING"
    assert aws.wait_lifecycle(backup["BackupId"], "AVAILABLE")["ProgressPercent"] == 100


def test_create_backup_with_the_same_token_gives_the_same_backup(aws: Aws) -> None:
    file_system = aws.file_system()
    fsx = aws.client("fsx")

    first = fsx.create_backup(FileSystemId=file_system, ClientRequestToken="backup-1")["Backup"]
    again = fsx.create_backup(FileSystemId=file_system, ClientRequestToken="backup-1")["Backup"]
    assert again["BackupId"] == first["BackupId"]
    with pytest.raises(ClientError) as info:
        fsx.create_backup(FileSystemId=file_system, ClientRequestToken="backup-1", Tags=[{"Key": "a", "Value": "b"}])
    assert error(info)["Error"]["Code"] == "IncompatibleParameterError"
    assert aws.backup_ids(DEST) == [first["BackupId"]]


def test_a_retried_delete_with_its_token_answers_deleted(aws: Aws, source: str) -> None:
    fsx = aws.client("fsx", SOURCE)

    first = fsx.delete_backup(BackupId=source, ClientRequestToken="delete-1")
    again = fsx.delete_backup(BackupId=source, ClientRequestToken="delete-1")

    assert first == {**first, "BackupId": source, "Lifecycle": "DELETED"}
    assert (again["BackupId"], again["Lifecycle"]) == (source, "DELETED")
    with pytest.raises(ClientError) as info:
        fsx.delete_backup(BackupId=source, ClientRequestToken="delete-2")
    assert error(info)["Error"]["Code"] == "BackupNotFound"


def test_deleting_a_backup_being_restored_is_refused(aws: Aws, source: str) -> None:
    restored = aws.emulator.set_restoring(SOURCE, source)
    fsx = aws.client("fsx", SOURCE)

    with pytest.raises(ClientError) as info:
        fsx.delete_backup(BackupId=source)
    assert error(info)["Error"]["Code"] == "BackupRestoring"
    assert restored is not None and re.fullmatch(r"fs-[0-9a-f]{17}", restored)
    assert error(info)["FileSystemId"] == restored  # the member of the model's BackupRestoring shape

    aws.emulator.set_restoring(SOURCE, source, restoring=False)
    assert fsx.delete_backup(BackupId=source)["Lifecycle"] == "DELETED"


@pytest.mark.parametrize(("name", "code"), [("file-system-id", "FileSystemNotFound"), ("volume-id", "VolumeNotFound")])
def test_filtering_by_an_unknown_id_is_not_found(aws: Aws, source: str, name: str, code: str) -> None:
    unknown = "fs-0123456789abcdef0" if name == "file-system-id" else "fsvol-0123456789abcdef0"

    with pytest.raises(ClientError) as info:
        aws.client("fsx", SOURCE).describe_backups(Filters=[{"Name": name, "Values": [unknown]}])

    assert error(info)["Error"]["Code"] == code


def test_create_backup_of_an_unknown_file_system_is_not_found(aws: Aws) -> None:
    with pytest.raises(ClientError) as info:
        aws.client("fsx").create_backup(FileSystemId="fs-0123456789abcdef0")

    assert error(info)["Error"]["Code"] == "FileSystemNotFound"


def test_the_file_system_being_restored_can_be_named(aws: Aws, source: str) -> None:
    aws.emulator.set_restoring(SOURCE, source, file_system_id="fs-0123456789abcdef0")

    with pytest.raises(ClientError) as info:
        aws.client("fsx", SOURCE).delete_backup(BackupId=source)

    assert error(info)["FileSystemId"] == "fs-0123456789abcdef0"


# ---- one backup at a time, and only of what FSx backs up ---------------------------------------


def test_a_second_backup_of_a_file_system_while_the_first_is_under_way_is_refused(aws: Aws) -> None:
    aws.emulator.configure(create_backup_seconds=60)
    file_system = aws.file_system()
    fsx = aws.client("fsx")
    first = fsx.create_backup(FileSystemId=file_system, ClientRequestToken="first")["Backup"]

    with pytest.raises(ClientError) as info:
        fsx.create_backup(FileSystemId=file_system)
    assert error(info)["Error"]["Code"] == "BackupInProgress"
    assert fsx.create_backup(FileSystemId=file_system, ClientRequestToken="first")["Backup"] == {
        **first,
        "ProgressPercent": ANY,
        "Lifecycle": ANY,
    }  # a retry of the first is not a second backup
    fsx.create_backup(FileSystemId=aws.file_system())  # another file system is not held up

    aws.emulator.set_lifecycle(DEST, first["BackupId"], "AVAILABLE")
    assert fsx.create_backup(FileSystemId=file_system)["Backup"]["Lifecycle"] == "PENDING"


def test_a_backup_of_a_volume_while_one_is_creating_is_refused(aws: Aws) -> None:
    # An ONTAP volume's backup is never PENDING (the model's BackupLifecycle: Lustre only).
    seeded = aws.emulator.seed_backup(DEST, file_system_type="ONTAP", resource_type="VOLUME", lifecycle="CREATING")
    volume_id = aws.describe(seeded)["Volume"]["VolumeId"]

    with pytest.raises(ClientError) as info:
        aws.client("fsx").create_backup(VolumeId=volume_id)
    assert error(info)["Error"]["Code"] == "BackupInProgress"

    aws.emulator.set_lifecycle(DEST, seeded, "AVAILABLE")
    assert aws.client("fsx").create_backup(VolumeId=volume_id)["Backup"]["ResourceType"] == "VOLUME"


def test_a_copy_in_progress_does_not_hold_up_a_backup_of_its_file_system(aws: Aws) -> None:
    aws.emulator.configure(copy_seconds=60)
    file_system = aws.file_system(SOURCE)
    fsx = aws.client("fsx", SOURCE)
    backup = fsx.create_backup(FileSystemId=file_system)["Backup"]["BackupId"]
    aws.emulator.set_lifecycle(SOURCE, backup, "AVAILABLE")
    aws.client("fsx", SOURCE).copy_backup(SourceBackupId=backup)  # in-Region copy: same file system ID

    assert fsx.create_backup(FileSystemId=file_system)["Backup"]["Lifecycle"] == "PENDING"


@pytest.mark.parametrize(
    "lustre",
    [
        None,
        {"DeploymentType": "SCRATCH_1"},
        {"DeploymentType": "SCRATCH_2"},
        {"DeploymentType": "PERSISTENT_1", "PerUnitStorageThroughput": 50, "ImportPath": "s3://bucket/prefix"},
        {"DeploymentType": "PERSISTENT_1", "PerUnitStorageThroughput": 50, "ExportPath": "s3://bucket/prefix"},
    ],
    ids=["default-scratch-1", "scratch-1", "scratch-2", "import-path", "export-path"],
)
def test_lustre_scratch_or_linked_file_systems_cannot_be_backed_up(aws: Aws, lustre: dict[str, Any] | None) -> None:
    kwargs = {"LustreConfiguration": lustre} if lustre is not None else {"LustreConfiguration": {}}
    file_system = aws.file_system(**kwargs)

    with pytest.raises(ClientError) as info:
        aws.client("fsx").create_backup(FileSystemId=file_system)

    assert error(info)["Error"]["Code"] == "UnsupportedOperation"
    assert aws.backup_ids(DEST) == []


@pytest.mark.parametrize("deployment", ["PERSISTENT_1", "PERSISTENT_2"])
def test_persistent_unlinked_lustre_file_systems_can_be_backed_up(aws: Aws, deployment: str) -> None:
    file_system = aws.file_system(LustreConfiguration={"DeploymentType": deployment, "PerUnitStorageThroughput": 125})

    assert aws.client("fsx").create_backup(FileSystemId=file_system)["Backup"]["Lifecycle"] == "PENDING"


def test_seeding_a_backup_of_a_scratch_lustre_file_system_is_an_emulator_error(aws: Aws) -> None:
    with pytest.raises(EmulatorError, match="scratch"):
        aws.emulator.seed_backup(SOURCE, deployment_type="SCRATCH_2")


# ---- DeleteBackup of a backup not finished: one rule ---------------------------------------------


@pytest.mark.parametrize("lifecycle", ["PENDING", "CREATING", "TRANSFERRING", "COPYING"])
def test_deleting_a_backup_not_finished_is_refused_as_in_progress(aws: Aws, lifecycle: str) -> None:
    backup = aws.emulator.seed_backup(DEST, lifecycle=lifecycle)

    with pytest.raises(ClientError) as info:
        aws.client("fsx").delete_backup(BackupId=backup)
    assert error(info)["Error"]["Code"] == "BackupInProgress"

    aws.emulator.configure(delete_while_copying=True)
    assert aws.client("fsx").delete_backup(BackupId=backup)["Lifecycle"] == "DELETED"


def test_deleting_a_backup_still_being_created_is_refused_like_a_copy_still_copying(aws: Aws) -> None:
    aws.emulator.configure(create_backup_seconds=60)
    backup = aws.client("fsx").create_backup(FileSystemId=aws.file_system())["Backup"]["BackupId"]

    with pytest.raises(ClientError) as info:
        aws.client("fsx").delete_backup(BackupId=backup)

    assert error(info)["Error"]["Code"] == "BackupInProgress"
    assert aws.describe(backup)["Lifecycle"] == "PENDING"


def test_create_backup_backs_up_ontap_volumes_and_the_other_types_file_systems(aws: Aws) -> None:
    # The model, CreateBackup: a backup "of an existing Amazon FSx for Windows File Server file system, Amazon
    # FSx for Lustre file system, Amazon FSx for NetApp ONTAP volume, or Amazon FSx for OpenZFS file system";
    # CreateBackupRequest.VolumeId: "The ID of the FSx for ONTAP volume to back up".
    fsx = aws.client("fsx")
    refused = {
        "an OpenZFS volume": {"VolumeId": aws.emulator.seed_volume(DEST, file_system_type="OPENZFS")},
        "an ONTAP file system": {"FileSystemId": aws.file_system(file_system_type="ONTAP")},
    }
    for what, target in refused.items():
        with pytest.raises(ClientError) as info:
            fsx.create_backup(**target)
        assert error(info)["Error"]["Code"] == "UnsupportedOperation", what
    assert fsx.describe_backups()["Backups"] == []  # nothing made

    ontap = fsx.create_backup(VolumeId=aws.emulator.seed_volume(DEST))["Backup"]
    zfs = fsx.create_backup(FileSystemId=aws.file_system(file_system_type="OPENZFS"))["Backup"]
    assert (ontap["ResourceType"], ontap["FileSystem"]["FileSystemType"]) == ("VOLUME", "ONTAP")
    assert (zfs["ResourceType"], zfs["FileSystem"]["FileSystemType"]) == ("FILE_SYSTEM", "OPENZFS")


def test_seeding_a_backup_aws_cannot_have_is_an_emulator_error(aws: Aws) -> None:
    for file_system_type, resource_type in [("OPENZFS", "VOLUME"), ("ONTAP", "FILE_SYSTEM"), ("WINDOWS", "VOLUME")]:
        with pytest.raises(EmulatorError, match="FSx backs up"):
            aws.emulator.seed_backup(DEST, file_system_type=file_system_type, resource_type=resource_type)
    assert aws.describe(aws.emulator.seed_backup(DEST, file_system_type="ONTAP"))["ResourceType"] == "VOLUME"
    assert len(aws.backup_ids(DEST)) == 1  # the ONTAP volume backup only
    with pytest.raises(EmulatorError):
        aws.emulator.seed_volume(DEST, file_system_type="LUSTRE")


# ---- Lustre's PENDING and TRANSFERRING ------------------------------------------------------------


def test_a_lustre_backup_still_transferring_holds_up_the_next_backup_of_its_file_system(aws: Aws) -> None:
    # The model's BackupLifecycle: TRANSFERRING - "Amazon FSx is backing up the file system" (Lustre only).
    fsx = aws.client("fsx")
    file_system = aws.file_system()
    first = fsx.create_backup(FileSystemId=file_system)["Backup"]["BackupId"]
    aws.emulator.set_lifecycle(DEST, first, "TRANSFERRING")

    with pytest.raises(ClientError) as info:
        fsx.create_backup(FileSystemId=file_system)
    assert error(info)["Error"]["Code"] == "BackupInProgress"
    assert aws.backup_ids(DEST) == [first]

    aws.emulator.configure(backup_while_transferring=True)
    assert fsx.create_backup(FileSystemId=file_system)["Backup"]["Lifecycle"] == "PENDING"


@pytest.mark.parametrize("lifecycle", ["PENDING", "TRANSFERRING"])
def test_only_user_initiated_lustre_backups_are_ever_pending_or_transferring(aws: Aws, lifecycle: str) -> None:
    # The model's BackupLifecycle: PENDING and TRANSFERRING are "For user-initiated backups on Lustre file
    # systems only".
    for options in ({"file_system_type": "WINDOWS"}, {"file_system_type": "OPENZFS"}, {"backup_type": "AUTOMATIC"}):
        with pytest.raises(EmulatorError, match="Lustre"):
            aws.emulator.seed_backup(DEST, lifecycle=lifecycle, **options)
        backup = aws.emulator.seed_backup(DEST, lifecycle="CREATING", **options)
        with pytest.raises(EmulatorError, match="Lustre"):
            aws.emulator.set_lifecycle(DEST, backup, lifecycle)
    source = aws.emulator.seed_backup(SOURCE)
    with pytest.raises(EmulatorError, match="Lustre"):
        aws.emulator.set_lifecycle(DEST, aws.copy(source)["BackupId"], lifecycle)  # a copy is COPYING

    assert aws.describe(aws.emulator.seed_backup(DEST, lifecycle=lifecycle))["Lifecycle"] == lifecycle
