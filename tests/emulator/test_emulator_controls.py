"""Fault injection, failed copies, call counters, lifecycles and resets, in both modes."""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

import boto3
import pytest
from botocore.exceptions import ClientError

from pulumi_fsx_copy.testing import EmulatorError
from tests.support.emulator import DEST, SOURCE, Aws, error


def test_the_next_calls_of_an_operation_fail_with_the_injected_code(aws: Aws, source: str) -> None:
    aws.emulator.fail_next("CopyBackup", "ThrottlingException", count=2, message="Rate exceeded")
    fsx = aws.client("fsx")

    for _ in range(2):
        with pytest.raises(ClientError) as info:
            fsx.copy_backup(SourceBackupId=source, SourceRegion=SOURCE)
        assert error(info)["Error"] == {"Code": "ThrottlingException", "Message": "Rate exceeded"}
        assert error(info)["ResponseMetadata"]["HTTPStatusCode"] == 400

    fsx.copy_backup(SourceBackupId=source, SourceRegion=SOURCE)
    fsx.describe_backups()  # other operations were never affected


@pytest.mark.parametrize(
    ("operation", "code", "status", "field"),
    [
        ("CopyBackup", "ServiceLimitExceeded", 400, ("Limit", "TOTAL_IN_PROGRESS_COPY_BACKUPS")),
        ("CopyBackup", "InternalServerError", 500, None),
        ("CopyBackup", "IncompatibleParameterError", 400, ("Parameter", "ClientRequestToken")),
        ("DescribeBackups", "BadRequest", 400, None),
        ("ListTagsForResource", "InternalServerError", 500, None),
    ],
)
def test_injected_errors_have_the_status_and_fields_of_their_shape(
    aws: Aws, source: str, operation: str, code: str, status: int, field: tuple[str, str] | None
) -> None:
    fsx = aws.client("fsx", SOURCE)
    arn = aws.describe(source, SOURCE)["ResourceARN"]
    aws.emulator.fail_next(operation, code)
    call: Callable[[], object] = {
        "CopyBackup": lambda: fsx.copy_backup(SourceBackupId=source),
        "DescribeBackups": lambda: fsx.describe_backups(),
        "ListTagsForResource": lambda: fsx.list_tags_for_resource(ResourceARN=arn),
    }[operation]

    with pytest.raises(ClientError) as info:
        call()

    assert error(info)["Error"]["Code"] == code
    assert error(info)["ResponseMetadata"]["HTTPStatusCode"] == status
    if field is not None:
        assert error(info)[field[0]] == field[1]


@pytest.mark.parametrize(
    ("operation", "code"), [("CopyBackup", "SourceBackupUnavailable"), ("DeleteBackup", "BackupBeingCopied")]
)
def test_an_injected_error_with_a_backup_id_names_the_backup_of_the_request(
    aws: Aws, source: str, operation: str, code: str
) -> None:
    aws.emulator.fail_next(operation, code)
    fsx = aws.client("fsx", SOURCE)

    with pytest.raises(ClientError) as info:
        if operation == "CopyBackup":
            fsx.copy_backup(SourceBackupId=source)
        else:
            fsx.delete_backup(BackupId=source)

    assert error(info)["BackupId"] == source


def test_a_fault_can_be_limited_to_one_region(aws: Aws, source: str) -> None:
    aws.emulator.fail_next("DescribeBackups", "InternalServerError", region=DEST)

    aws.client("fsx", SOURCE).describe_backups()
    with pytest.raises(ClientError) as info:
        aws.client("fsx", DEST).describe_backups()

    assert error(info)["Error"]["Code"] == "InternalServerError"


def test_a_copy_in_progress_can_be_made_to_fail(aws: Aws, source: str) -> None:
    aws.emulator.configure(copy_seconds=60)
    copy_id = aws.copy(source)["BackupId"]

    aws.emulator.fail_copy(copy_id, "The destination ran out of capacity")

    failed = aws.describe(copy_id)
    assert failed["Lifecycle"] == "FAILED"
    assert failed["FailureDetails"] == {"Message": "The destination ran out of capacity"}
    aws.client("fsx", SOURCE).delete_backup(BackupId=source)  # a failed copy no longer reads its source


def test_the_next_copies_can_be_made_to_fail_when_done(aws: Aws, source: str) -> None:
    aws.emulator.configure(copy_seconds=1.5)  # all three still copying when described, on a busy machine too
    aws.emulator.fail_next_copies("KMS grant revoked", count=2)

    copies = [aws.copy(source)["BackupId"] for _ in range(3)]

    assert [aws.describe(copy_id)["Lifecycle"] for copy_id in copies] == ["COPYING"] * 3
    ended = [aws.wait_lifecycle(copies[0], "FAILED"), aws.wait_lifecycle(copies[1], "FAILED")]
    assert [backup["FailureDetails"]["Message"] for backup in ended] == ["KMS grant revoked"] * 2
    assert "FailureDetails" not in aws.wait_lifecycle(copies[2], "AVAILABLE")


def test_failing_an_unknown_copy_is_an_emulator_error(aws: Aws) -> None:
    with pytest.raises(EmulatorError):
        aws.emulator.fail_copy("backup-0123456789abcdef0", "nope")


def test_calls_are_counted_per_operation_and_region_including_failures(aws: Aws, source: str) -> None:
    aws.emulator.reset_calls()
    aws.emulator.fail_next("CopyBackup", "ThrottlingException")
    with pytest.raises(ClientError):
        aws.copy(source)
    aws.copy(source)
    aws.client("fsx", DEST).describe_backups()
    aws.client("fsx", SOURCE).describe_backups()
    with pytest.raises(ClientError):
        aws.client("fsx", SOURCE).delete_backup(BackupId="backup-0123456789abcdef0")

    assert aws.emulator.calls("CopyBackup") == 2
    assert aws.emulator.calls("DescribeBackups") == 2
    assert aws.emulator.calls("DescribeBackups", region=SOURCE) == 1
    assert aws.emulator.calls("DeleteBackup", SOURCE) == 1
    assert aws.emulator.calls(region=DEST) == 3
    assert aws.emulator.calls() == 5

    aws.emulator.reset_calls()
    assert aws.emulator.calls() == 0


def test_a_source_can_be_made_unavailable_and_available_again(aws: Aws, source: str) -> None:
    aws.emulator.set_lifecycle(SOURCE, source, "CREATING")
    with pytest.raises(ClientError) as info:
        aws.copy(source)
    assert error(info)["Error"]["Code"] == "SourceBackupUnavailable"
    assert aws.describe(source, SOURCE)["Lifecycle"] == "CREATING"

    aws.emulator.set_lifecycle(SOURCE, source, "AVAILABLE")
    assert aws.copy(source)["SourceBackupId"] == source


def test_bad_control_arguments_are_emulator_errors(aws: Aws, source: str) -> None:
    with pytest.raises(EmulatorError):
        aws.emulator.set_lifecycle(SOURCE, source, "SLEEPING")
    with pytest.raises(EmulatorError):
        aws.emulator.set_lifecycle(DEST, source, "AVAILABLE")  # it is in SOURCE
    with pytest.raises(EmulatorError):
        aws.emulator.seed_backup(SOURCE, resource_type="VOLUME")  # LUSTRE has no volumes
    with pytest.raises(EmulatorError):
        aws.emulator.configure(copy_seconds=-1)


def test_reset_clears_faults_settings_and_counters(aws: Aws, source: str) -> None:
    aws.emulator.fail_next("DescribeBackups", "InternalServerError", count=5)
    aws.emulator.fail_next_copies("boom")
    aws.emulator.configure(delete_while_copying=True, copy_seconds=60)
    aws.client("fsx", SOURCE).delete_backup(BackupId=source)

    aws.emulator.reset()

    assert aws.emulator.calls() == 0
    source = aws.emulator.seed_backup(SOURCE)  # in server mode reset also emptied moto
    aws.client("fsx").describe_backups()
    aws.emulator.configure(copy_seconds=60)
    copy_id = aws.copy(source)["BackupId"]
    with pytest.raises(ClientError) as info:
        aws.client("fsx").delete_backup(BackupId=copy_id)
    assert error(info)["Error"]["Code"] == "BackupInProgress"
    aws.emulator.set_lifecycle(DEST, copy_id, "AVAILABLE")
    assert "FailureDetails" not in aws.describe(copy_id)


def test_the_caller_of_each_fsx_call_is_recorded_as_sts_names_it(aws: Aws, source: str) -> None:
    role = "arn:aws:iam::123456789012:role/dr-deployer"
    keys = aws.client("sts").assume_role(RoleArn=role, RoleSessionName="ci")["Credentials"]
    as_role = boto3.client(
        "fsx",
        region_name=DEST,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    )
    aws.emulator.reset_calls()

    as_role.describe_backups()
    as_role.describe_backups()
    aws.client("fsx").describe_backups()

    assert aws.emulator.callers("DescribeBackups") == {
        "arn:aws:sts::123456789012:assumed-role/dr-deployer/ci": 2,
        "arn:aws:sts::123456789012:user/moto": 1,
    }
    assert aws.emulator.callers("CopyBackup") == {}


def test_every_answer_carries_aws_clock_in_its_date_header_which_a_test_can_skew(aws: Aws, source: str) -> None:
    """Clients judge AWS's time by the Date header (botocore's ResponseMetadata.HTTPHeaders.date), errors too;
    ``skew_clock`` sets AWS's clock apart from this machine's, ``reset`` sets it right."""
    fsx = aws.client("fsx")

    def aws_clock_ahead(headers: dict[str, str]) -> float:
        return parsedate_to_datetime(headers["date"]).timestamp() - time.time()

    assert abs(aws_clock_ahead(fsx.describe_backups()["ResponseMetadata"]["HTTPHeaders"])) < 5
    aws.emulator.skew_clock(-3600)
    assert abs(aws_clock_ahead(fsx.describe_backups()["ResponseMetadata"]["HTTPHeaders"]) + 3600) < 5
    with pytest.raises(ClientError) as info:
        fsx.describe_backups(BackupIds=["backup-0123456789abcdef0"])
    assert abs(aws_clock_ahead(error(info)["ResponseMetadata"]["HTTPHeaders"]) + 3600) < 5
    aws.emulator.reset()
    assert abs(aws_clock_ahead(fsx.describe_backups()["ResponseMetadata"]["HTTPHeaders"])) < 5
