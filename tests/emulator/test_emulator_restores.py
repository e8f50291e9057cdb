"""Restores as botocore's FSx model documents them: CreateFileSystemFromBackup makes a file system CREATING,
then AVAILABLE (or FAILED with FailureDetails), DescribeFileSystems follows it, DeleteFileSystem makes it
DELETING, then gone; requests the model or FSx refuses are refused naming the member."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from pulumi_fsx_copy.testing import EmulatorError
from tests.support.emulator import DEST, Aws, error, raw_call, wait_for


def restorable(aws: Aws, file_system_type: str = "LUSTRE") -> str:
    """An AVAILABLE file system backup in DEST."""
    return aws.emulator.seed_backup(DEST, file_system_type=file_system_type)


def network(aws: Aws) -> dict[str, Any]:
    """SubnetIds and SecurityGroupIds of a VPC moto's EC2 has in DEST."""
    seeded = aws.emulator.seed_network(DEST)
    return {"SubnetIds": [seeded["SubnetId"]], "SecurityGroupIds": [seeded["SecurityGroupId"]]}


def described(aws: Aws, file_system_id: str) -> dict[str, Any]:
    file_system: dict[str, Any] = aws.client("fsx").describe_file_systems(FileSystemIds=[file_system_id])[
        "FileSystems"
    ][0]
    return file_system


def wait_file_system(aws: Aws, file_system_id: str, lifecycle: str) -> dict[str, Any]:
    return wait_for(lambda: described(aws, file_system_id), lambda fs: fs["Lifecycle"] == lifecycle)


def refused(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    answer: dict[str, Any] = dict(error(info))
    return answer


@pytest.mark.parametrize("file_system_type", ["LUSTRE", "WINDOWS", "OPENZFS"])
def test_a_restore_is_creating_then_available_with_the_backups_settings(aws: Aws, file_system_type: str) -> None:
    aws.emulator.configure(restore_seconds=2.0)
    backup_id = restorable(aws, file_system_type)
    backup = aws.describe(backup_id)
    settings = network(aws)

    created = aws.client("fsx").create_file_system_from_backup(
        BackupId=backup_id, Tags=[{"Key": "purpose", "Value": "drill"}], **settings
    )["FileSystem"]

    assert created["Lifecycle"] == "CREATING"
    assert created["FileSystemType"] == file_system_type
    assert created["StorageCapacity"] == backup["FileSystem"]["StorageCapacity"]
    assert created["SubnetIds"] == settings["SubnetIds"]
    assert created["KmsKeyId"] == backup["KmsKeyId"]
    assert {"Key": "purpose", "Value": "drill"} in created["Tags"]
    file_system_id = created["FileSystemId"]
    assert described(aws, file_system_id)["Lifecycle"] == "CREATING"
    raw = raw_call(aws, "DescribeFileSystems", json.dumps({"FileSystemIds": [file_system_id]})).json()
    assert "SecurityGroupIds" not in raw["FileSystems"][0]  # the model: "This value isn't returned in later ..."
    available = wait_file_system(aws, file_system_id, "AVAILABLE")
    assert "FailureDetails" not in available
    assert aws.tags(available["ResourceARN"]) == {"purpose": "drill"}


def test_a_restore_a_control_fails_ends_failed_with_failure_details(aws: Aws) -> None:
    aws.emulator.fail_next_restores("The backup could not be read.")
    fsx = aws.client("fsx")
    failing = fsx.create_file_system_from_backup(BackupId=restorable(aws), **network(aws))["FileSystem"]
    fine = fsx.create_file_system_from_backup(BackupId=restorable(aws), **network(aws))["FileSystem"]

    assert failing["Lifecycle"] == "CREATING"
    failed = wait_file_system(aws, failing["FileSystemId"], "FAILED")
    assert failed["FailureDetails"] == {"Message": "The backup could not be read."}
    wait_file_system(aws, fine["FileSystemId"], "AVAILABLE")


def test_a_slow_restore_stays_creating_until_its_restore_time_and_can_be_ended_now(aws: Aws) -> None:
    aws.emulator.configure(restore_seconds=600)
    created = aws.client("fsx").create_file_system_from_backup(BackupId=restorable(aws), **network(aws))
    file_system_id = created["FileSystem"]["FileSystemId"]

    assert described(aws, file_system_id)["Lifecycle"] == "CREATING"
    answer = refused(aws.client("fsx").create_backup, FileSystemId=file_system_id)
    assert answer["Error"]["Code"] == "BadRequest" and "CREATING" in answer["Error"]["Message"]
    aws.emulator.fail_restore(DEST, file_system_id, "Restore timed out.")
    assert described(aws, file_system_id)["FailureDetails"] == {"Message": "Restore timed out."}
    answer = refused(aws.client("fsx").create_backup, FileSystemId=file_system_id)
    assert answer["Error"]["Code"] == "BadRequest" and "FAILED" in answer["Error"]["Message"]
    slow = aws.client("fsx").create_file_system_from_backup(BackupId=restorable(aws), **network(aws))
    slow_id = slow["FileSystem"]["FileSystemId"]
    assert described(aws, slow_id)["Lifecycle"] == "CREATING"
    aws.emulator.finish_restore(DEST, slow_id)
    assert described(aws, slow_id)["Lifecycle"] == "AVAILABLE"
    aws.client("fsx").create_backup(FileSystemId=slow_id)  # a restored file system backs up once AVAILABLE
    with pytest.raises(EmulatorError):
        aws.emulator.finish_restore(DEST, "fs-0123456789abcdef0")


def test_a_file_system_still_creating_cannot_be_deleted_a_failed_one_can_and_goes_deleting_then_away(
    aws: Aws,
) -> None:
    aws.emulator.configure(restore_seconds=600, delete_seconds=2.0)
    fsx = aws.client("fsx")
    backup_id = restorable(aws)
    file_system_id = fsx.create_file_system_from_backup(BackupId=backup_id, **network(aws))["FileSystem"][
        "FileSystemId"
    ]

    answer = refused(fsx.delete_file_system, FileSystemId=file_system_id)
    assert answer["Error"]["Code"] == "BadRequest" and "CREATING" in answer["Error"]["Message"]
    assert refused(fsx.delete_backup, BackupId=backup_id)["Error"]["Code"] == "BackupRestoring"

    aws.emulator.fail_restore(DEST, file_system_id, "broken")
    deleting = fsx.delete_file_system(FileSystemId=file_system_id, LustreConfiguration={"SkipFinalBackup": True})
    assert deleting["Lifecycle"] == "DELETING"
    assert described(aws, file_system_id)["Lifecycle"] == "DELETING"
    assert fsx.delete_file_system(FileSystemId=file_system_id)["Lifecycle"] == "DELETING"  # idempotent
    wait_for(lambda: _listed(aws), lambda ids: file_system_id not in ids)
    assert refused(fsx.describe_file_systems, FileSystemIds=[file_system_id])["Error"]["Code"] == "FileSystemNotFound"
    assert refused(fsx.delete_file_system, FileSystemId=file_system_id)["Error"]["Code"] == "FileSystemNotFound"


def _listed(aws: Aws) -> list[str]:
    pages = aws.client("fsx").get_paginator("describe_file_systems").paginate()
    return [fs["FileSystemId"] for page in pages for fs in page["FileSystems"]]


def test_describe_file_systems_lists_every_file_system_in_short_pages(aws: Aws) -> None:
    fsx = aws.client("fsx")
    made = [fsx.create_file_system_from_backup(BackupId=restorable(aws), **network(aws)) for _ in range(2)]
    restored = [m["FileSystem"]["FileSystemId"] for m in made]

    first = fsx.describe_file_systems(MaxResults=1)
    assert len(first["FileSystems"]) == 1 and "NextToken" in first
    listed = _listed(aws)
    assert set(restored) <= set(listed) and len(listed) == len(set(listed)) == 4  # and the backed-up ones
    assert refused(fsx.describe_file_systems, NextToken="bm90IGEgdG9rZW4=")["Error"]["Code"] == "BadRequest"


def test_the_same_token_gives_the_same_file_system_other_parameters_are_incompatible(aws: Aws) -> None:
    fsx = aws.client("fsx")
    backup_id = restorable(aws)
    settings = network(aws)
    first = fsx.create_file_system_from_backup(BackupId=backup_id, ClientRequestToken="drill-1", **settings)
    again = fsx.create_file_system_from_backup(BackupId=backup_id, ClientRequestToken="drill-1", **settings)

    assert again["FileSystem"]["FileSystemId"] == first["FileSystem"]["FileSystemId"]
    answer = refused(
        fsx.create_file_system_from_backup,
        BackupId=backup_id,
        ClientRequestToken="drill-1",
        Tags=[{"Key": "k", "Value": "v"}],
        **settings,
    )
    assert answer["Error"]["Code"] == "IncompatibleParameterError" and answer["Parameter"] == "Tags"


def test_restores_fsx_refuses_are_refused_naming_the_member(aws: Aws) -> None:
    fsx = aws.client("fsx")
    settings = network(aws)
    backup_id = restorable(aws)

    def code_and_message(**kwargs: Any) -> tuple[str, str]:
        answer = refused(fsx.create_file_system_from_backup, **{"BackupId": backup_id, **settings, **kwargs})
        return answer["Error"]["Code"], answer["Error"]["Message"]

    assert code_and_message(BackupId="backup-0123456789abcdef0")[0] == "BackupNotFound"
    ontap = aws.emulator.seed_backup(DEST, file_system_type="ONTAP")
    code, message = code_and_message(BackupId=ontap)
    assert code == "BadRequest" and "CreateVolumeFromBackup" in message
    creating = aws.emulator.seed_backup(DEST, lifecycle="CREATING")
    code, message = code_and_message(BackupId=creating)
    assert code == "BadRequest" and "AVAILABLE" in message
    code, message = code_and_message(SubnetIds=["subnet-0123456789abcdef0"])
    assert code == "InvalidNetworkSettings" and "SubnetIds" in message
    code, message = code_and_message(SecurityGroupIds=["sg-0123456789abcdef0"])
    assert code == "InvalidNetworkSettings" and "SecurityGroupIds" in message
    code, message = code_and_message(SubnetIds=settings["SubnetIds"] * 2)
    assert code == "BadRequest" and "SubnetIds" in message
    code, message = code_and_message(StorageCapacity=99999)
    assert code == "BadRequest" and "StorageCapacity" in message
    code, message = code_and_message(WindowsConfiguration={"ThroughputCapacity": 32})
    assert code == "BadRequest" and "WindowsConfiguration" in message
    code, message = code_and_message(KmsKeyId="alias/missing")
    assert code == "BadRequest" and "KmsKeyId" in message
    assert refused(fsx.describe_file_systems, FileSystemIds=["fs-0123456789abcdef0"])["Error"]["Code"] == (
        "FileSystemNotFound"
    )
    assert _listed(aws).count(aws.describe(backup_id)["FileSystem"]["FileSystemId"]) == 1  # nothing restored
    assert len(_listed(aws)) == 3


def test_a_windows_directory_password_is_never_described(aws: Aws) -> None:
    backup_id = restorable(aws, "WINDOWS")
    directory = {
        "DomainName": "corp.example.com",
        "UserName": "admin",
        "Password": "s3cret-Passw0rd",
        "DnsIps": ["10.0.0.10"],
    }
    created = aws.client("fsx").create_file_system_from_backup(
        BackupId=backup_id,
        WindowsConfiguration={"ThroughputCapacity": 32, "SelfManagedActiveDirectoryConfiguration": directory},
        **network(aws),
    )
    file_system_id = created["FileSystem"]["FileSystemId"]
    answer = raw_call(aws, "DescribeFileSystems", json.dumps({"FileSystemIds": [file_system_id]}))
    assert answer.status == 200 and "s3cret-Passw0rd" not in answer.body  # the raw answer, not botocore's parse
    windows = answer.json()["FileSystems"][0]["WindowsConfiguration"]
    assert windows["SelfManagedActiveDirectoryConfiguration"]["UserName"] == "admin"


def ontap_backup(aws: Aws) -> tuple[str, dict[str, Any]]:
    """An AVAILABLE ONTAP volume backup in DEST, and the backed-up volume as DescribeVolumes has it."""
    backup_id = aws.emulator.seed_backup(DEST, file_system_type="ONTAP")
    volume_id = aws.describe(backup_id)["Volume"]["VolumeId"]
    volume: dict[str, Any] = aws.client("fsx").describe_volumes(VolumeIds=[volume_id])["Volumes"][0]
    return backup_id, volume


def _volumes(aws: Aws) -> list[str]:
    pages = aws.client("fsx").get_paginator("describe_volumes").paginate()
    return [volume["VolumeId"] for page in pages for volume in page["Volumes"]]


def describe_volume(aws: Aws, volume_id: str) -> dict[str, Any]:
    volume: dict[str, Any] = aws.client("fsx").describe_volumes(VolumeIds=[volume_id])["Volumes"][0]
    return volume


def test_an_ontap_volume_restore_is_creating_then_created_on_the_svm_named(aws: Aws) -> None:
    aws.emulator.configure(restore_seconds=2.0)
    backup_id, source = ontap_backup(aws)
    svm_id = source["OntapConfiguration"]["StorageVirtualMachineId"]
    assert source["Lifecycle"] == "CREATED" and svm_id.startswith("svm-")

    created = aws.client("fsx").create_volume_from_backup(
        BackupId=backup_id,
        Name="drill_restore",
        OntapConfiguration={"StorageVirtualMachineId": svm_id, "JunctionPath": "/drill"},
        Tags=[{"Key": "purpose", "Value": "drill"}],
    )["Volume"]

    assert created["Lifecycle"] == "CREATING" and created["VolumeType"] == "ONTAP"
    assert created["FileSystemId"] == source["FileSystemId"] and created["Name"] == "drill_restore"
    assert created["OntapConfiguration"]["StorageVirtualMachineId"] == svm_id
    assert created["OntapConfiguration"]["JunctionPath"] == "/drill"
    done = wait_for(lambda: describe_volume(aws, created["VolumeId"]), lambda v: v["Lifecycle"] == "CREATED")
    assert "LifecycleTransitionReason" not in done
    assert aws.tags(done["ResourceARN"]) == {"purpose": "drill"}
    by_svm = (
        aws.client("fsx")
        .get_paginator("describe_volumes")
        .paginate(Filters=[{"Name": "storage-virtual-machine-id", "Values": [svm_id]}])
    )
    assert {v["VolumeId"] for page in by_svm for v in page["Volumes"]} == {source["VolumeId"], created["VolumeId"]}


def test_a_failed_volume_restore_says_why_and_a_volume_goes_deleting_then_away(aws: Aws) -> None:
    aws.emulator.configure(restore_seconds=600, delete_seconds=2.0)
    backup_id, source = ontap_backup(aws)
    fsx = aws.client("fsx")
    ontap = {"StorageVirtualMachineId": source["OntapConfiguration"]["StorageVirtualMachineId"]}
    volume_id = fsx.create_volume_from_backup(BackupId=backup_id, Name="drill", OntapConfiguration=ontap)["Volume"][
        "VolumeId"
    ]

    answer = refused(fsx.delete_volume, VolumeId=volume_id)
    assert answer["Error"]["Code"] == "BadRequest" and "CREATING" in answer["Error"]["Message"]
    aws.emulator.fail_restore(DEST, volume_id, "The volume could not be restored.")
    failed = describe_volume(aws, volume_id)
    assert failed["Lifecycle"] == "FAILED"
    assert failed["LifecycleTransitionReason"]["Message"] == "The volume could not be restored."

    deleting = fsx.delete_volume(VolumeId=volume_id, OntapConfiguration={"SkipFinalBackup": True})
    assert deleting["Lifecycle"] == "DELETING" and "OntapResponse" not in deleting
    assert describe_volume(aws, volume_id)["Lifecycle"] == "DELETING"
    assert volume_id not in _listed(aws)  # a volume DELETING is no file system
    assert fsx.delete_volume(VolumeId=volume_id)["Lifecycle"] == "DELETING"

    def gone() -> bool:
        try:
            describe_volume(aws, volume_id)
        except ClientError as err:
            return err.response["Error"]["Code"] == "VolumeNotFound"
        return False

    wait_for(gone, bool)
    assert refused(fsx.delete_volume, VolumeId=volume_id)["Error"]["Code"] == "VolumeNotFound"
    answer = refused(fsx.delete_file_system, FileSystemId=source["FileSystemId"])  # its seeded volume is left
    assert answer["Error"]["Code"] == "BadRequest" and source["VolumeId"] in answer["Error"]["Message"]
    fsx.delete_volume(VolumeId=source["VolumeId"], OntapConfiguration={"SkipFinalBackup": True})
    assert fsx.delete_file_system(FileSystemId=source["FileSystemId"])["Lifecycle"] == "DELETING"


def test_deleting_an_ontap_volume_takes_a_final_backup_unless_skipped(aws: Aws) -> None:
    _, source = ontap_backup(aws)
    answer = aws.client("fsx").delete_volume(
        VolumeId=source["VolumeId"], OntapConfiguration={"FinalBackupTags": [{"Key": "final", "Value": "yes"}]}
    )
    final_id = answer["OntapResponse"]["FinalBackupId"]
    final = aws.wait_lifecycle(final_id, "AVAILABLE")
    assert final["Volume"]["VolumeId"] == source["VolumeId"] and final["Type"] == "USER_INITIATED"
    assert aws.tags(final["ResourceARN"]) == {"final": "yes"}


def test_volume_restores_fsx_refuses_are_refused_naming_the_member(aws: Aws) -> None:
    fsx = aws.client("fsx")
    backup_id, source = ontap_backup(aws)
    svm_id = source["OntapConfiguration"]["StorageVirtualMachineId"]

    def code_and_message(**kwargs: Any) -> tuple[str, str]:
        request = {"BackupId": backup_id, "Name": "drill", "OntapConfiguration": {"StorageVirtualMachineId": svm_id}}
        answer = refused(fsx.create_volume_from_backup, **{**request, **kwargs})
        return answer["Error"]["Code"], answer["Error"]["Message"]

    assert code_and_message(BackupId="backup-0123456789abcdef0")[0] == "BackupNotFound"
    code, message = code_and_message(BackupId=restorable(aws))
    assert code == "BadRequest" and "CreateFileSystemFromBackup" in message
    code, message = code_and_message(OntapConfiguration={"StorageVirtualMachineId": "svm-0123456789abcdef0"})
    assert code == "StorageVirtualMachineNotFound" and "StorageVirtualMachineId" in message
    code, message = code_and_message(Name="9-not-ontap")
    assert code == "BadRequest" and "Name" in message
    code, message = code_and_message(Name=source["Name"])
    assert code == "BadRequest" and "Name" in message
    without = {"BackupId": backup_id, "Name": "drill"}
    assert refused(fsx.create_volume_from_backup, **without)["Error"]["Code"] == "MissingVolumeConfiguration"
    raw = raw_call(aws, "CreateVolumeFromBackup", json.dumps({**without, "OntapConfiguration": {}}))
    assert raw.status == 400 and raw.json()["__type"] == "ValidationException"
    assert "ontapConfiguration.storageVirtualMachineId" in raw.json()["Message"]
    assert refused(fsx.describe_volumes, VolumeIds=["fsvol-0123456789abcdef0"])["Error"]["Code"] == "VolumeNotFound"
    assert _volumes(aws) == [source["VolumeId"]]  # nothing restored


@pytest.mark.parametrize(
    ("operation", "limit"),
    [("CreateFileSystemFromBackup", "FILE_SYSTEM_COUNT"), ("CreateVolumeFromBackup", "VOLUMES_PER_FILE_SYSTEM")],
)
def test_an_injected_service_limit_names_the_restores_limit_and_makes_nothing(
    aws: Aws, operation: str, limit: str
) -> None:
    fsx = aws.client("fsx")
    backup_id, source = ontap_backup(aws)
    lustre_backup_id = restorable(aws)
    aws.emulator.fail_next(operation, "ServiceLimitExceeded")
    if operation == "CreateFileSystemFromBackup":
        answer = refused(fsx.create_file_system_from_backup, BackupId=lustre_backup_id, **network(aws))
    else:
        ontap = {"StorageVirtualMachineId": source["OntapConfiguration"]["StorageVirtualMachineId"]}
        answer = refused(fsx.create_volume_from_backup, BackupId=backup_id, Name="drill", OntapConfiguration=ontap)
    assert answer["Error"]["Code"] == "ServiceLimitExceeded" and answer["Limit"] == limit
    assert len(_listed(aws)) == 2 and _volumes(aws) == [source["VolumeId"]]


def test_a_restore_whose_answer_was_lost_is_answered_again_with_its_token(aws: Aws) -> None:
    fsx = aws.client("fsx")
    backup_id, source = ontap_backup(aws)
    ontap = {"StorageVirtualMachineId": source["OntapConfiguration"]["StorageVirtualMachineId"]}
    lustre_backup_id = restorable(aws)
    settings = network(aws)
    aws.emulator.break_next("CreateFileSystemFromBackup", "lose_response")
    aws.emulator.break_next("CreateVolumeFromBackup", "lose_response")

    with pytest.raises(BotoCoreError):
        fsx.create_file_system_from_backup(BackupId=lustre_backup_id, ClientRequestToken="drill-7", **settings)
    with pytest.raises(BotoCoreError):
        fsx.create_volume_from_backup(
            BackupId=backup_id, Name="drill", OntapConfiguration=ontap, ClientRequestToken="v7"
        )
    file_system = fsx.create_file_system_from_backup(
        BackupId=lustre_backup_id, ClientRequestToken="drill-7", **settings
    )
    volume = fsx.create_volume_from_backup(
        BackupId=backup_id, Name="drill", OntapConfiguration=ontap, ClientRequestToken="v7"
    )

    assert _listed(aws).count(file_system["FileSystem"]["FileSystemId"]) == 1 and len(_listed(aws)) == 3
    assert sorted(_volumes(aws)) == sorted([source["VolumeId"], volume["Volume"]["VolumeId"]])
