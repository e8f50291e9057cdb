"""CopyBackup: what a copy looks like, how it progresses, and every way it is refused."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.emulator import DEST, SOURCE, Aws, error, wait_for


def test_a_copy_is_a_new_backup_in_the_destination_region(aws: Aws, source: str) -> None:
    original = aws.describe(source, SOURCE)

    copy = aws.copy(source)

    assert re.fullmatch(r"backup-[0-9a-f]{17}", copy["BackupId"])
    assert copy["BackupId"] != source
    assert copy["ResourceARN"] == f"arn:aws:fsx:{DEST}:123456789012:backup/{copy['BackupId']}"
    assert copy["Lifecycle"] == "COPYING"
    assert copy["Type"] == "USER_INITIATED"
    assert copy["ResourceType"] == "FILE_SYSTEM"
    assert copy["FileSystem"] == original["FileSystem"]
    assert copy["SourceBackupId"] == source
    assert copy["SourceBackupRegion"] == SOURCE
    assert copy["OwnerId"] == "123456789012"
    assert copy["SizeInBytes"] == original["SizeInBytes"]
    assert 0 <= copy["ProgressPercent"] < 100
    assert "CreationTime" in copy
    assert "Tags" not in copy
    assert "Volume" not in copy


def test_without_a_kms_key_the_copy_gets_the_fsx_managed_key_of_the_destination(aws: Aws, source: str) -> None:
    copy = aws.copy(source)
    again = aws.copy(source)

    managed = aws.client("kms").describe_key(KeyId="alias/aws/fsx")["KeyMetadata"]
    assert copy["KmsKeyId"] == managed["Arn"] == again["KmsKeyId"]
    assert managed["Arn"].startswith(f"arn:aws:kms:{DEST}:123456789012:key/")


def test_the_copy_progresses_then_becomes_available(aws: Aws, source: str) -> None:
    aws.emulator.configure(copy_seconds=0.6)
    copy_id = aws.copy(source)["BackupId"]
    seen: list[tuple[str, int]] = []

    def observe() -> dict[str, Any]:
        backup = aws.describe(copy_id)
        seen.append((backup["Lifecycle"], backup["ProgressPercent"]))
        return backup

    wait_for(observe, lambda b: b["Lifecycle"] == "AVAILABLE")

    assert seen[-1] == ("AVAILABLE", 100)
    assert all(lifecycle == "COPYING" for lifecycle, _ in seen[:-1])
    progress = [percent for _, percent in seen]
    assert progress == sorted(progress)


def test_without_source_region_the_copy_is_in_region(aws: Aws) -> None:
    backup = aws.emulator.seed_backup(DEST)

    copy = aws.client("fsx", DEST).copy_backup(SourceBackupId=backup)["Backup"]

    assert copy["SourceBackupRegion"] == DEST
    assert copy["ResourceARN"].startswith(f"arn:aws:fsx:{DEST}:")


def test_a_volume_backup_copies_its_volume_metadata(aws: Aws) -> None:
    source = aws.emulator.seed_backup(SOURCE, file_system_type="ONTAP", resource_type="VOLUME")
    original = aws.describe(source, SOURCE)

    copy = aws.copy(source)

    assert copy["ResourceType"] == "VOLUME"
    assert copy["Volume"]["VolumeId"].startswith("fsvol-")
    assert copy["Volume"] == original["Volume"]
    assert copy["FileSystem"]["FileSystemType"] == "ONTAP"


@pytest.mark.parametrize("form", ["key id", "key arn", "alias name", "alias arn"])
def test_the_kms_key_is_resolved_in_the_destination_and_recorded_as_its_arn(aws: Aws, source: str, form: str) -> None:
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/dr-backups", TargetKeyId=key["KeyId"])
    reference = {
        "key id": key["KeyId"],
        "key arn": key["Arn"],
        "alias name": "alias/dr-backups",
        "alias arn": f"arn:aws:kms:{DEST}:123456789012:alias/dr-backups",
    }[form]

    copy = aws.copy(source, KmsKeyId=reference)

    assert copy["KmsKeyId"] == key["Arn"]


def test_an_unknown_disabled_or_foreign_kms_key_is_invalid(aws: Aws, source: str) -> None:
    disabled = aws.client("kms").create_key()["KeyMetadata"]
    aws.client("kms").disable_key(KeyId=disabled["KeyId"])
    in_source_region = aws.client("kms", SOURCE).create_key()["KeyMetadata"]

    unknown = ("alias/nothing-here", "0c7e6c51-3d8f-4a8d-9c3b-0c0a6e6f7a11")
    for reference in (*unknown, disabled["Arn"], in_source_region["Arn"]):
        with pytest.raises(ClientError) as info:
            aws.copy(source, KmsKeyId=reference)
        assert error(info)["Error"]["Code"] == "InvalidDestinationKmsKey", reference


def test_an_unknown_source_backup_is_not_found(aws: Aws) -> None:
    with pytest.raises(ClientError) as info:
        aws.copy("backup-0123456789abcdef0")

    assert error(info)["Error"]["Code"] == "BackupNotFound"


@pytest.mark.parametrize("lifecycle", ["CREATING", "COPYING", "FAILED"])
def test_a_source_that_is_not_available_is_refused_with_its_id(aws: Aws, lifecycle: str) -> None:
    source = aws.emulator.seed_backup(SOURCE, lifecycle=lifecycle)

    with pytest.raises(ClientError) as info:
        aws.copy(source)

    assert error(info)["Error"]["Code"] == "SourceBackupUnavailable"
    assert error(info)["BackupId"] == source


@pytest.mark.parametrize("source_region", ["xx-nowhere-1", "cn-north-1", "us-gov-west-1"])
def test_an_unknown_or_other_partition_source_region_is_invalid(aws: Aws, source: str, source_region: str) -> None:
    with pytest.raises(ClientError) as info:
        aws.client("fsx").copy_backup(SourceBackupId=source, SourceRegion=source_region)

    assert error(info)["Error"]["Code"] == "InvalidRegion"


def test_a_sixth_copy_in_progress_into_a_region_exceeds_the_limit(aws: Aws, source: str) -> None:
    aws.emulator.configure(copy_seconds=60)
    copies = [aws.copy(source)["BackupId"] for _ in range(5)]

    with pytest.raises(ClientError) as info:
        aws.copy(source)
    assert error(info)["Error"]["Code"] == "ServiceLimitExceeded"
    assert error(info)["Limit"] == "TOTAL_IN_PROGRESS_COPY_BACKUPS"

    aws.copy(source, region="eu-west-1")  # another destination Region has its own limit
    aws.emulator.set_lifecycle(DEST, copies[0], "AVAILABLE")
    aws.copy(source)  # a finished copy frees its slot
    assert aws.emulator.max_in_progress(DEST) == 5
    assert aws.emulator.max_in_progress("eu-west-1") == 1


def test_twelve_concurrent_clients_never_get_more_than_five_copies_going(aws: Aws, source: str) -> None:
    aws.emulator.configure(copy_seconds=60)
    clients = [aws.client("fsx") for _ in range(12)]
    outcomes: list[str] = []
    start = threading.Barrier(len(clients))

    def copy(client: Any) -> None:
        start.wait()
        try:
            client.copy_backup(SourceBackupId=source, SourceRegion=SOURCE)
            outcomes.append("copied")
        except ClientError as err:
            outcomes.append(err.response["Error"]["Code"])

    threads = [threading.Thread(target=copy, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["ServiceLimitExceeded"] * 7 + ["copied"] * 5
    assert aws.emulator.max_in_progress(DEST) == 5


def test_the_same_token_and_parameters_give_the_same_copy(aws: Aws, source: str) -> None:
    first = aws.copy(source, ClientRequestToken="dr-copy-1", Tags=[{"Key": "a", "Value": "1"}])
    second = aws.copy(source, ClientRequestToken="dr-copy-1", Tags=[{"Key": "a", "Value": "1"}])

    assert second["BackupId"] == first["BackupId"]
    backups = aws.client("fsx").describe_backups()["Backups"]
    assert [b["BackupId"] for b in backups] == [first["BackupId"]]


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        ({"Tags": [{"Key": "a", "Value": "2"}]}, "Tags"),
        ({"CopyTags": True}, "CopyTags"),
        ({"KmsKeyId": "alias/aws/fsx"}, "KmsKeyId"),
    ],
)
def test_the_same_token_with_other_parameters_is_incompatible(
    aws: Aws, source: str, change: dict[str, Any], parameter: str
) -> None:
    aws.copy(source, ClientRequestToken="dr-copy-1", Tags=[{"Key": "a", "Value": "1"}])
    retry = {"ClientRequestToken": "dr-copy-1", "Tags": [{"Key": "a", "Value": "1"}], **change}

    with pytest.raises(ClientError) as info:
        aws.copy(source, **retry)

    assert error(info)["Error"]["Code"] == "IncompatibleParameterError"
    assert error(info)["Parameter"] == parameter


def test_a_token_reused_after_its_copy_was_deleted_returns_the_deleted_copy(aws: Aws, source: str) -> None:
    first = aws.copy(source, ClientRequestToken="dr-copy-1")
    aws.wait_lifecycle(first["BackupId"], "AVAILABLE")
    aws.client("fsx").delete_backup(BackupId=first["BackupId"])

    again = aws.copy(source, ClientRequestToken="dr-copy-1")

    assert again["BackupId"] == first["BackupId"]
    assert again["Lifecycle"] == "DELETED"
    assert aws.client("fsx").describe_backups()["Backups"] == []


def test_a_token_can_be_forgotten_on_delete(aws: Aws, source: str) -> None:
    aws.emulator.configure(reuse_token_after_delete=False)
    first = aws.copy(source, ClientRequestToken="dr-copy-1")
    aws.wait_lifecycle(first["BackupId"], "AVAILABLE")
    aws.client("fsx").delete_backup(BackupId=first["BackupId"])

    again = aws.copy(source, ClientRequestToken="dr-copy-1")

    assert again["BackupId"] != first["BackupId"]
    assert again["Lifecycle"] == "COPYING"


def test_copy_tags_merges_source_tags_with_tags_which_win(aws: Aws) -> None:
    source = aws.emulator.seed_backup(SOURCE, tags={"team": "storage", "env": "prod"})

    copy = aws.copy(source, CopyTags=True, Tags=[{"Key": "env", "Value": "dr"}, {"Key": "purpose", "Value": "dr"}])

    assert aws.tags(copy["ResourceARN"]) == {"team": "storage", "env": "dr", "purpose": "dr"}
    assert {t["Key"]: t["Value"] for t in copy["Tags"]} == {"team": "storage", "env": "dr", "purpose": "dr"}


def test_without_copy_tags_only_tags_are_set(aws: Aws, source: str) -> None:
    copy = aws.copy(source, Tags=[{"Key": "purpose", "Value": "dr"}])

    assert aws.tags(copy["ResourceARN"]) == {"purpose": "dr"}


def test_more_than_fifty_tags_in_all_is_a_bad_request(aws: Aws) -> None:
    source = aws.emulator.seed_backup(SOURCE, tags={f"source-{i}": "x" for i in range(30)})
    extra = [{"Key": f"mine-{i}", "Value": "y"} for i in range(21)]

    with pytest.raises(ClientError) as info:
        aws.copy(source, CopyTags=True, Tags=extra)
    assert error(info)["Error"]["Code"] == "BadRequest"

    copy = aws.copy(source, CopyTags=True, Tags=extra[:20])
    assert len(aws.tags(copy["ResourceARN"])) == 50


def test_a_user_tag_key_starting_with_aws_is_a_bad_request(aws: Aws, source: str) -> None:
    with pytest.raises(ClientError) as info:
        aws.copy(source, Tags=[{"Key": "aws:backup", "Value": "x"}])

    assert error(info)["Error"]["Code"] == "BadRequest"
