"""Where the emulator refuses what AWS refuses: copy restrictions, tags, backup types, request bounds."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_fsx_copy.testing import EmulatorError
from tests.support.emulator import DEST, SOURCE, Aws, error

# ---- copy restrictions of the user guides ------------------------------------------------------


def test_a_backup_of_an_intelligent_tiering_file_system_cannot_be_copied(aws: Aws) -> None:
    source = aws.emulator.seed_backup(SOURCE, file_system_type="OPENZFS", storage_type="INTELLIGENT_TIERING")

    with pytest.raises(ClientError) as info:
        aws.copy(source)

    assert error(info)["Error"]["Code"] == "UnsupportedOperation"
    assert aws.describe(source, SOURCE)["FileSystem"]["StorageType"] == "INTELLIGENT_TIERING"


@pytest.mark.parametrize(("source_region", "dest_region"), [("af-south-1", DEST), (SOURCE, "eu-south-1")])
def test_cross_region_copies_from_or_to_an_opt_in_region_are_refused(
    aws: Aws, source_region: str, dest_region: str
) -> None:
    source = aws.emulator.seed_backup(source_region)
    fsx = aws.client("fsx", dest_region)

    with pytest.raises(ClientError) as info:
        fsx.copy_backup(SourceBackupId=source, SourceRegion=source_region)
    assert error(info)["Error"]["Code"] == "InvalidRegion"

    aws.emulator.configure(opt_in_regions=[])  # an account that opted in, if AWS ever allows it
    assert fsx.copy_backup(SourceBackupId=source, SourceRegion=source_region)["Backup"]["Lifecycle"] == "COPYING"


def test_in_region_copies_in_an_opt_in_region_are_allowed(aws: Aws) -> None:
    source = aws.emulator.seed_backup("af-south-1")

    copy = aws.client("fsx", "af-south-1").copy_backup(SourceBackupId=source)["Backup"]

    assert copy["SourceBackupRegion"] == "af-south-1"


def test_a_windows_multi_az_backup_cannot_be_copied_into_a_region_that_lacks_multi_az(aws: Aws) -> None:
    multi_az = aws.emulator.seed_backup(SOURCE, file_system_type="WINDOWS", deployment_type="MULTI_AZ_1")
    single_az = aws.emulator.seed_backup(SOURCE, file_system_type="WINDOWS", deployment_type="SINGLE_AZ_2")
    aws.emulator.configure(multi_az_unsupported_regions=[DEST])

    with pytest.raises(ClientError) as info:
        aws.copy(multi_az)
    assert error(info)["Error"]["Code"] == "IncompatibleRegionForMultiAZ"

    assert aws.copy(single_az)["FileSystem"]["WindowsConfiguration"]["DeploymentType"] == "SINGLE_AZ_2"
    assert aws.copy(multi_az, region="eu-west-1")["Lifecycle"] == "COPYING"


@pytest.mark.parametrize("action", ["disable_key", "schedule_key_deletion"])
def test_a_source_whose_key_is_disabled_or_pending_deletion_is_an_invalid_source_key(aws: Aws, action: str) -> None:
    kms = aws.client("kms", SOURCE)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    source = aws.emulator.seed_backup(SOURCE, kms_key_id=key_id)
    assert aws.describe(source, SOURCE)["KmsKeyId"].endswith(key_id)
    getattr(kms, action)(KeyId=key_id)

    with pytest.raises(ClientError) as info:
        aws.copy(source)

    assert error(info)["Error"]["Code"] == "InvalidSourceKmsKey"


# ---- tags -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        {"Key": "k" * 129, "Value": "s3cr3t"},
        {"Key": "k", "Value": "s3cr3t" * 43},
        {"Key": "bad;key", "Value": "s3cr3t"},
        {"Key": "k", "Value": "s3cr3t\n"},
    ],
    ids=["long-key", "long-value", "key-character", "value-character"],
)
@pytest.mark.parametrize("operation", ["tag_resource", "copy_backup"])
def test_tags_off_the_fsx_tag_pattern_or_too_long_are_refused(
    aws: Aws, source: str, tag: dict[str, str], operation: str
) -> None:
    fsx = aws.client("fsx")
    copy = aws.copy(source)

    with pytest.raises(ClientError) as info:
        if operation == "tag_resource":
            fsx.tag_resource(ResourceARN=copy["ResourceARN"], Tags=[tag])
        else:
            aws.copy(source, Tags=[tag])

    assert error(info)["Error"]["Code"] == "ValidationException"
    assert "s3cr3t" not in error(info)["Error"]["Message"]  # a tag value could be a secret
    assert aws.tags(copy["ResourceARN"]) == {}


def test_tags_of_the_widest_valid_shape_are_accepted(aws: Aws, source: str) -> None:
    tags = {"k" * 128: "v" * 256, "Ünïcødé key_.:/=+-@ 1": "välue 2"}

    copy = aws.copy(source, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])

    assert aws.tags(copy["ResourceARN"]) == tags


def test_a_key_given_twice_in_one_request_is_a_bad_request(aws: Aws, source: str) -> None:
    twice = [{"Key": "env", "Value": "a"}, {"Key": "env", "Value": "b"}]
    arn = aws.copy(source)["ResourceARN"]

    with pytest.raises(ClientError) as info:
        aws.client("fsx").tag_resource(ResourceARN=arn, Tags=twice)
    assert error(info)["Error"]["Code"] == "BadRequest"
    with pytest.raises(ClientError) as info:
        aws.copy(source, Tags=twice)
    assert error(info)["Error"]["Code"] == "BadRequest"


def test_tag_keys_are_case_sensitive(aws: Aws, source: str) -> None:
    arn = aws.copy(source, Tags=[{"Key": "Owner", "Value": "a"}])["ResourceARN"]
    fsx = aws.client("fsx")

    fsx.tag_resource(ResourceARN=arn, Tags=[{"Key": "owner", "Value": "b"}])
    fsx.untag_resource(ResourceARN=arn, TagKeys=["OWNER"])

    assert aws.tags(arn) == {"Owner": "a", "owner": "b"}


def test_aws_tags_can_be_seeded_but_not_removed_copied_or_counted(aws: Aws) -> None:
    source = aws.emulator.seed_backup(
        SOURCE, tags={"team": "storage"}, aws_tags={"aws:backup:source-resource": "fs-0123456789abcdef0"}
    )
    arn = aws.describe(source, SOURCE)["ResourceARN"]
    fsx = aws.client("fsx", SOURCE)

    with pytest.raises(ClientError) as info:
        fsx.untag_resource(ResourceARN=arn, TagKeys=["aws:backup:source-resource"])
    assert error(info)["Error"]["Code"] == "BadRequest"
    fsx.tag_resource(ResourceARN=arn, Tags=[{"Key": f"user-{i}", "Value": "x"} for i in range(49)])

    assert len(aws.tags(arn, SOURCE)) == 51  # 50 user tags and AWS's own, which does not count
    copy = aws.copy(source, CopyTags=True)
    assert "aws:backup:source-resource" not in aws.tags(copy["ResourceARN"])
    assert aws.tags(copy["ResourceARN"])["team"] == "storage"


def test_seeding_a_user_tag_with_the_aws_prefix_is_an_emulator_error(aws: Aws) -> None:
    with pytest.raises(EmulatorError):
        aws.emulator.seed_backup(SOURCE, tags={"aws:x": "y"})


def test_list_tags_for_resource_pages(aws: Aws, source: str) -> None:
    tags = {f"key-{i}": str(i) for i in range(3)}
    arn = aws.copy(source, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])["ResourceARN"]
    fsx = aws.client("fsx")

    first = fsx.list_tags_for_resource(ResourceARN=arn, MaxResults=2)
    assert len(first["Tags"]) == 1 and first["NextToken"]
    assert aws.tags(arn) == tags
    with pytest.raises(ClientError) as info:
        fsx.list_tags_for_resource(ResourceARN=arn, NextToken="bm90LWEtdG9rZW4=")
    assert error(info)["Error"]["Code"] == "BadRequest"


def test_copy_tags_and_request_tags_are_described_with_the_copy(aws: Aws) -> None:
    source = aws.emulator.seed_backup(SOURCE, tags={"team": "storage", "pulumi-fsx-copy:owner": "old"})
    mine = [{"Key": "pulumi-fsx-copy:owner", "Value": "urn-1"}]

    copy_id = aws.copy(source, CopyTags=True, Tags=mine)["BackupId"]

    listed = aws.client("fsx").describe_backups(BackupIds=[copy_id])["Backups"][0]["Tags"]
    assert {t["Key"]: t["Value"] for t in listed} == {"team": "storage", "pulumi-fsx-copy:owner": "urn-1"}


# ---- backup types -----------------------------------------------------------------------------


@pytest.mark.parametrize("backup_type", ["AUTOMATIC", "AWS_BACKUP"])
def test_automatic_and_aws_backup_sources_can_be_seeded_filtered_and_copied(aws: Aws, backup_type: str) -> None:
    source = aws.emulator.seed_backup(SOURCE, backup_type=backup_type)
    aws.emulator.seed_backup(SOURCE)

    assert aws.backup_ids(SOURCE, Filters=[{"Name": "backup-type", "Values": [backup_type]}]) == [source]
    copy = aws.copy(source)
    assert aws.describe(source, SOURCE)["Type"] == backup_type
    assert (
        copy["Type"] == "USER_INITIATED"
    )  # "When you create a user-initiated backup copy, it has the type USER_INITIATED"
    assert copy["SourceBackupId"] == source


def test_an_aws_backup_backup_cannot_be_tagged_through_fsx(aws: Aws) -> None:
    source = aws.emulator.seed_backup(SOURCE, backup_type="AWS_BACKUP")
    arn = aws.describe(source, SOURCE)["ResourceARN"]

    with pytest.raises(ClientError) as info:
        aws.client("fsx", SOURCE).tag_resource(ResourceARN=arn, Tags=[{"Key": "a", "Value": "b"}])

    assert error(info)["Error"]["Code"] == "ResourceDoesNotSupportTagging"


# ---- requests checked against the model ------------------------------------------------------


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"BackupIds": [f"backup-{i:017x}" for i in range(51)]},
        {"Filters": [{"Name": "backup-type", "Values": ["AUTOMATIC"]}] * 11},
        {"Filters": [{"Name": "backup-type", "Values": ["AUTOMATIC"] * 21}]},
        {"BackupIds": ["not-a-backup-id"]},
        {"BackupIds": ["backup-" + "0" * 130]},
        {"NextToken": "A" * 256},
    ],
    ids=["51-ids", "11-filters", "21-values", "malformed-id", "long-id", "long-token"],
)
def test_describe_requests_beyond_the_model_are_refused(aws: Aws, request_kwargs: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as info:
        aws.client("fsx").describe_backups(**request_kwargs)

    assert error(info)["Error"]["Code"] == "ValidationException"
    assert error(info)["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("call", ["copy_backup", "delete_backup"])
def test_a_malformed_backup_id_is_refused_not_found(aws: Aws, call: str) -> None:
    fsx = aws.client("fsx")
    arguments = {
        "copy_backup": {"SourceBackupId": "backup-XYZXYZXYZ"},
        "delete_backup": {"BackupId": "backup-XYZXYZXYZ"},
    }

    with pytest.raises(ClientError) as info:
        getattr(fsx, call)(**arguments[call])

    assert error(info)["Error"]["Code"] == "ValidationException"
    assert "backupId" in error(info)["Error"]["Message"] or "sourceBackupId" in error(info)["Error"]["Message"]


def test_a_client_request_token_over_63_characters_is_refused(aws: Aws, source: str) -> None:
    with pytest.raises(ClientError) as info:
        aws.copy(source, ClientRequestToken="t" * 64)

    assert error(info)["Error"]["Code"] == "ValidationException"


# ---- what used to crash -----------------------------------------------------------------------

FSX_LESS_REGION = "me-west-1"
"""A Region botocore knows (in the aws partition) where moto's FSx has no backend."""


def test_a_source_region_fsx_does_not_serve_is_invalid(aws: Aws, source: str) -> None:
    with pytest.raises(ClientError) as info:
        aws.client("fsx").copy_backup(SourceBackupId=source, SourceRegion=FSX_LESS_REGION)

    assert error(info)["Error"]["Code"] == "InvalidRegion"


def test_seeding_in_a_region_fsx_does_not_serve_is_an_emulator_error(aws: Aws) -> None:
    with pytest.raises(EmulatorError, match=FSX_LESS_REGION):
        aws.emulator.seed_backup(FSX_LESS_REGION)


def test_a_failing_control_answers_json(aws: Aws) -> None:
    with pytest.raises(EmulatorError, match="no backup"):
        aws.emulator.set_lifecycle(SOURCE, "backup-0123456789abcdef0", "AVAILABLE")


def test_the_server_answers_an_unexpected_control_failure_in_json(fsx_remote: Any) -> None:
    request = urllib.request.Request(
        fsx_remote.base_url + "/_fsx_copy/seed_backup",
        data=json.dumps({"region": SOURCE, "tags": ["not", "a", "mapping"]}).encode(),
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=30)

    assert info.value.code == 500
    assert "error" in json.loads(info.value.read())


def test_a_backup_describes_only_members_of_the_fsx_model_and_ids_of_17_hex_digits(aws: Aws, source: str) -> None:
    backup = aws.describe(source, SOURCE)
    assert "SecurityGroupIds" not in backup["FileSystem"]
    file_system_id = backup["FileSystem"]["FileSystemId"]
    assert len(file_system_id) == len("fs-") + 17
    created = aws.client("fsx").create_file_system(
        FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
    )["FileSystem"]
    assert len(created["FileSystemId"]) == len("fs-") + 17
    assert created["ResourceARN"].endswith(created["FileSystemId"])
