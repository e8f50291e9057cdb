"""DeleteFileSystem and CopyTagsToBackups as botocore's FSx model documents them: the file system's AUTOMATIC
backups go with it, the final backup is taken (Windows by default, Lustre when asked) and named in the answer,
and a backup made without tags of a file system with CopyTagsToBackups carries the file system's tags."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.emulator import SOURCE, Aws, error, wait_for

WINDOWS = {"ThroughputCapacity": 32, "DeploymentType": "SINGLE_AZ_2"}


def file_system_of(aws: Aws, backup_id: str) -> str:
    return str(aws.describe(backup_id, SOURCE)["FileSystem"]["FileSystemId"])


def backups_of(aws: Aws, file_system_id: str) -> list[dict[str, Any]]:
    pages = aws.client("fsx", SOURCE).get_paginator("describe_backups").paginate()
    return [b for page in pages for b in page["Backups"] if b["FileSystem"]["FileSystemId"] == file_system_id]


@pytest.mark.parametrize(
    ("file_system_type", "request_config", "final"),
    [
        ("WINDOWS", {}, True),
        ("WINDOWS", {"WindowsConfiguration": {"SkipFinalBackup": True}}, False),
        ("LUSTRE", {}, False),
        ("LUSTRE", {"LustreConfiguration": {"SkipFinalBackup": False}}, True),
    ],
    ids=["windows-default", "windows-skip", "lustre-default", "lustre-final"],
)
def test_deleting_a_file_system_deletes_its_automatic_backups_and_takes_the_documented_final_backup(
    aws: Aws, file_system_type: str, request_config: dict[str, Any], final: bool
) -> None:
    automatic = aws.emulator.seed_backup(
        SOURCE, file_system_type=file_system_type, backup_type="AUTOMATIC", deployment_type=None
    )
    file_system_id = file_system_of(aws, automatic)
    fsx = aws.client("fsx", SOURCE)
    user = fsx.create_backup(FileSystemId=file_system_id)["Backup"]["BackupId"]
    aws.wait_lifecycle(user, "AVAILABLE", SOURCE)

    answer = fsx.delete_file_system(FileSystemId=file_system_id, **request_config)

    assert answer["FileSystemId"] == file_system_id and answer["Lifecycle"] == "DELETING"
    member = f"{file_system_type.capitalize()}Response"
    left = {b["BackupId"]: b for b in backups_of(aws, file_system_id)}
    assert automatic not in left
    with pytest.raises(ClientError) as info:
        fsx.describe_backups(BackupIds=[automatic])
    assert error(info)["Error"]["Code"] == "BackupNotFound"
    if final:
        final_id = answer[member]["FinalBackupId"]
        assert set(left) == {user, final_id}
        described = aws.wait_lifecycle(final_id, "AVAILABLE", SOURCE)
        assert described["Type"] == "USER_INITIATED"
        assert described["FileSystem"]["FileSystemId"] == file_system_id
    else:
        assert member not in answer or not answer[member].get("FinalBackupId")
        assert set(left) == {user}
    with pytest.raises(ClientError) as info:
        fsx.describe_backups(Filters=[{"Name": "file-system-id", "Values": [file_system_id]}])
    assert error(info)["Error"]["Code"] == "FileSystemNotFound"
    wait_for(lambda: gone(fsx, file_system_id), bool)  # DELETING for delete_seconds, then gone
    with pytest.raises(ClientError) as info:
        fsx.delete_file_system(FileSystemId=file_system_id)
    assert error(info)["Error"]["Code"] == "FileSystemNotFound"


def gone(fsx: Any, file_system_id: str) -> bool:
    """Whether DescribeFileSystems answers FileSystemNotFound for the file system (no longer DELETING)."""
    try:
        fsx.describe_file_systems(FileSystemIds=[file_system_id])
    except ClientError as err:
        return err.response["Error"]["Code"] == "FileSystemNotFound"
    return False


def test_the_final_backup_carries_final_backup_tags_else_the_file_system_tags_when_copied(aws: Aws) -> None:
    fsx = aws.client("fsx", SOURCE)
    tags = [{"Key": "team", "Value": "storage"}]
    copying = aws.file_system(SOURCE, "WINDOWS", WindowsConfiguration={**WINDOWS, "CopyTagsToBackups": True}, Tags=tags)
    plain = aws.file_system(SOURCE, "WINDOWS", WindowsConfiguration=WINDOWS, Tags=tags)
    given = aws.file_system(SOURCE, "WINDOWS", WindowsConfiguration={**WINDOWS, "CopyTagsToBackups": True}, Tags=tags)

    finals = {
        "copying": fsx.delete_file_system(FileSystemId=copying)["WindowsResponse"]["FinalBackupId"],
        "plain": fsx.delete_file_system(FileSystemId=plain)["WindowsResponse"]["FinalBackupId"],
        "given": fsx.delete_file_system(
            FileSystemId=given, WindowsConfiguration={"FinalBackupTags": [{"Key": "final", "Value": "yes"}]}
        )["WindowsResponse"]["FinalBackupId"],
    }

    arns = {name: aws.describe(backup_id, SOURCE)["ResourceARN"] for name, backup_id in finals.items()}
    assert aws.tags(arns["copying"], SOURCE) == {"team": "storage"}
    assert aws.tags(arns["plain"], SOURCE) == {}
    assert aws.tags(arns["given"], SOURCE) == {"final": "yes"}


def test_a_backup_made_without_tags_carries_the_file_system_tags_when_copy_tags_to_backups(aws: Aws) -> None:
    fsx = aws.client("fsx", SOURCE)
    tags = [{"Key": "team", "Value": "storage"}, {"Key": "tier", "Value": "gold"}]
    copying = aws.file_system(SOURCE, "WINDOWS", WindowsConfiguration={**WINDOWS, "CopyTagsToBackups": True}, Tags=tags)
    plain = aws.file_system(SOURCE, "WINDOWS", WindowsConfiguration=WINDOWS, Tags=tags)

    untagged = fsx.create_backup(FileSystemId=copying)["Backup"]
    aws.wait_lifecycle(untagged["BackupId"], "AVAILABLE", SOURCE)
    tagged = fsx.create_backup(FileSystemId=copying, Tags=[{"Key": "only", "Value": "this"}])["Backup"]
    of_plain = fsx.create_backup(FileSystemId=plain)["Backup"]

    assert aws.tags(untagged["ResourceARN"], SOURCE) == {"team": "storage", "tier": "gold"}
    assert aws.tags(tagged["ResourceARN"], SOURCE) == {"only": "this"}
    assert aws.tags(of_plain["ResourceARN"], SOURCE) == {}
