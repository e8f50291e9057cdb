"""DeleteBackup, DescribeBackups and CreateBackup as the emulator fixes them."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from emulator_helpers import DEST, SOURCE, Aws, error


def test_deleting_a_source_that_a_copy_reads_is_refused_until_the_copy_ends(aws: Aws, source: str) -> None:
    aws.emulator.configure(copy_seconds=0.5)
    copy_id = aws.copy(source)["BackupId"]
    fsx = aws.client("fsx", SOURCE)

    with pytest.raises(ClientError) as info:
        fsx.delete_backup(BackupId=source)
    assert error(info)["Error"]["Code"] == "BackupBeingCopied"
    assert error(info)["BackupId"] == source

    aws.wait_lifecycle(copy_id, "AVAILABLE")
    deleted = fsx.delete_backup(BackupId=source)
    assert (deleted["BackupId"], deleted["Lifecycle"]) == (source, "DELETED")


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
    fsx = aws.client("fsx", SOURCE)
    ontap_backup = aws.describe(ontap, SOURCE)
    lustre_backup = aws.describe(lustre, SOURCE)

    def ids(name: str, *values: str) -> list[str]:
        backups = fsx.describe_backups(Filters=[{"Name": name, "Values": list(values)}])["Backups"]
        return [backup["BackupId"] for backup in backups]

    assert ids("backup-type", "USER_INITIATED") == [lustre, ontap]
    assert ids("backup-type", "AUTOMATIC", "AWS_BACKUP") == []
    assert ids("file-system-type", "LUSTRE") == [lustre]
    assert ids("file-system-type", "ONTAP", "OPENZFS") == [ontap]
    assert ids("file-system-id", lustre_backup["FileSystem"]["FileSystemId"]) == [lustre]
    assert ids("volume-id", ontap_backup["Volume"]["VolumeId"]) == [ontap]
    both = fsx.describe_backups(
        Filters=[
            {"Name": "backup-type", "Values": ["USER_INITIATED"]},
            {"Name": "file-system-type", "Values": ["ONTAP"]},
        ]
    )["Backups"]
    assert [backup["BackupId"] for backup in both] == [ontap]


def test_describe_backups_pages(aws: Aws) -> None:
    seeded = [aws.emulator.seed_backup(DEST) for _ in range(3)]
    fsx = aws.client("fsx")

    first = fsx.describe_backups(MaxResults=2)
    second = fsx.describe_backups(MaxResults=2, NextToken=first["NextToken"])

    assert [b["BackupId"] for b in first["Backups"] + second["Backups"]] == seeded
    assert "NextToken" not in second


def _file_system(aws: Aws) -> str:
    response = aws.client("fsx").create_file_system(
        FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
    )
    file_system_id: str = response["FileSystem"]["FileSystemId"]
    return file_system_id


def test_moto_create_backup_is_available_at_once_and_copyable(aws: Aws) -> None:
    backup = aws.client("fsx").create_backup(FileSystemId=_file_system(aws))["Backup"]

    assert backup["Lifecycle"] == "AVAILABLE"
    assert backup["Type"] == "USER_INITIATED"
    assert backup["FileSystem"]["FileSystemType"] == "LUSTRE"
    copy = aws.client("fsx", "eu-west-1").copy_backup(SourceBackupId=backup["BackupId"], SourceRegion=DEST)
    assert copy["Backup"]["SourceBackupId"] == backup["BackupId"]


def test_moto_create_backup_can_take_a_while(aws: Aws) -> None:
    aws.emulator.configure(create_backup_seconds=0.3)

    backup = aws.client("fsx").create_backup(FileSystemId=_file_system(aws))["Backup"]

    assert backup["Lifecycle"] == "CREATING"
    assert aws.wait_lifecycle(backup["BackupId"], "AVAILABLE")["ProgressPercent"] == 100


def test_create_backup_of_an_unknown_file_system_is_not_found(aws: Aws) -> None:
    with pytest.raises(ClientError) as info:
        aws.client("fsx").create_backup(FileSystemId="fs-0123456789abcdef0")

    assert error(info)["Error"]["Code"] == "FileSystemNotFound"
