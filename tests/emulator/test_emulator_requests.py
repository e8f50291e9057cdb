"""Requests botocore would never send, sent raw: AWS's 400s (and its JSON 500), never an HTML page or a crash."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.model import ListShape, Shape, StructureShape

from pulumi_fsx_copy.testing.checks import service_model
from tests.support.emulator import DEST, SOURCE, Aws, error, raw_call

EMULATED = (
    "CopyBackup",
    "CreateBackup",
    "DeleteBackup",
    "DescribeBackups",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
)
ARN = f"arn:aws:fsx:{DEST}:123456789012:backup/backup-0123456789abcdef0"


def _assert_aws_error(answer: Any, status: int, code: str) -> dict[str, Any]:
    body: dict[str, Any] = answer.json()
    assert (answer.status, body["__type"]) == (status, code), answer
    assert answer.content_type.startswith("application/x-amz-json-1.1")
    return body


# ---- row 9: required members -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "body", "member"),
    [
        ("CopyBackup", {"SourceRegion": SOURCE}, "sourceBackupId"),
        ("DeleteBackup", {}, "backupId"),
        ("TagResource", {"ResourceARN": ARN}, "tags"),
        ("TagResource", {"ResourceARN": ARN, "Tags": [{"Value": "s3cr3t"}]}, "tags.1.member.key"),
        ("TagResource", {"ResourceARN": ARN, "Tags": [{"Key": "k"}]}, "tags.1.member.value"),
        ("UntagResource", {"ResourceARN": ARN}, "tagKeys"),
        ("ListTagsForResource", {}, "resourceARN"),
        ("CopyBackup", {"SourceBackupId": "backup-0123456789abcdef0", "Tags": [None]}, "tags.1.member"),
    ],
)
def test_a_missing_required_member_is_a_validation_exception(
    aws: Aws, operation: str, body: dict[str, Any], member: str
) -> None:
    answer = raw_call(aws, operation, json.dumps(body))

    message = _assert_aws_error(answer, 400, "ValidationException")["Message"]
    assert f"'{member}'" in message and "must not be null" in message
    assert "s3cr3t" not in answer.body


def test_a_copy_without_a_source_makes_nothing(aws: Aws) -> None:
    raw_call(aws, "CopyBackup", "{}")

    assert aws.client("fsx").describe_backups()["Backups"] == []


# ---- row 10: JSON types ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("CopyBackup", {"SourceBackupId": "backup-0123456789abcdef0", "CopyTags": "false"}),
        ("DescribeBackups", {"MaxResults": "5"}),
        ("DescribeBackups", {"BackupIds": "backup-0123456789abcdef0"}),
        ("DescribeBackups", {"Filters": {"Name": "backup-type", "Values": ["AUTOMATIC"]}}),
        ("TagResource", {"ResourceARN": ARN, "Tags": [{"Key": "k", "Value": 42}]}),
        ("UntagResource", {"ResourceARN": ARN, "TagKeys": [True]}),
        ("DeleteBackup", {"BackupId": ["backup-0123456789abcdef0"]}),
    ],
    ids=[
        "bool-as-string",
        "int-as-string",
        "list-as-string",
        "list-as-object",
        "string-as-int",
        "string-as-bool",
        "string-as-list",
    ],
)
def test_a_member_of_the_wrong_json_type_is_a_serialization_exception(
    aws: Aws, source: str, operation: str, body: dict[str, Any]
) -> None:
    tagged = aws.copy(source, Tags=[{"Key": "k", "Value": "kept"}])

    answer = raw_call(aws, operation, json.dumps(body).replace(ARN, tagged["ResourceARN"]))

    _assert_aws_error(answer, 400, "SerializationException")
    assert aws.backup_ids(DEST) == [tagged["BackupId"]]  # nothing copied, deleted or described per character
    assert aws.tags(tagged["ResourceARN"]) == {"k": "kept"}


def test_copy_tags_given_as_a_string_copies_nothing(aws: Aws, source: str) -> None:
    body = {"SourceBackupId": source, "SourceRegion": SOURCE, "CopyTags": "false"}

    answer = raw_call(aws, "CopyBackup", json.dumps(body))

    _assert_aws_error(answer, 400, "SerializationException")
    assert aws.client("fsx").describe_backups()["Backups"] == []


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"a string"', "{"], ids=["text", "array", "string", "cut"])
def test_a_body_that_is_not_a_json_object_is_a_serialization_exception(aws: Aws, body: str) -> None:
    _assert_aws_error(raw_call(aws, "DescribeBackups", body), 400, "SerializationException")


def test_null_members_count_as_not_given(aws: Aws, source: str) -> None:
    answer = raw_call(aws, "DescribeBackups", json.dumps({"BackupIds": None, "MaxResults": None}), region=SOURCE)

    assert answer.status == 200
    assert [b["BackupId"] for b in answer.json()["Backups"]] == [source]


def _wrong_value(shape: Shape) -> Any:
    """A JSON value of a type ``shape`` is never read from."""
    if shape.type_name in ("string", "blob"):
        return 7
    if shape.type_name in ("structure", "map", "list"):
        return "x"
    return "7"  # integer, long, boolean, timestamp, double


def _valid_value(shape: Shape) -> Any:
    if isinstance(shape, StructureShape):
        return {name: _valid_value(shape.members[name]) for name in shape.required_members}
    if isinstance(shape, ListShape):
        return []
    if shape.type_name == "boolean":
        return True
    if shape.type_name in ("integer", "long"):
        return shape.metadata.get("min", 1)
    if shape.type_name == "timestamp":
        return 0
    return "x"


@pytest.mark.parametrize("operation", EMULATED)
def test_every_member_of_every_emulated_operation_is_checked_for_type_and_presence(aws: Aws, operation: str) -> None:
    shape = service_model().operation_model(operation).input_shape
    assert isinstance(shape, StructureShape)
    valid = {name: _valid_value(shape.members[name]) for name in shape.required_members}

    for name, member in shape.members.items():
        answer = raw_call(aws, operation, json.dumps({**valid, name: _wrong_value(member)}))
        _assert_aws_error(answer, 400, "SerializationException")
    for name in shape.required_members:
        answer = raw_call(aws, operation, json.dumps({k: v for k, v in valid.items() if k != name}))
        _assert_aws_error(answer, 400, "ValidationException")


# ---- row 11: anything escaping a handler ---------------------------------------------------------


@pytest.mark.parametrize("operation", ["DescribeBackups", "CopyBackup", "DescribeFileSystems"])
def test_an_exception_inside_the_emulator_is_a_json_internal_server_error(aws: Aws, operation: str) -> None:
    aws.emulator.crash_next(operation)
    body = {"CopyBackup": {"SourceBackupId": "backup-0123456789abcdef0"}}.get(operation, {})

    answer = raw_call(aws, operation, json.dumps(body))

    _assert_aws_error(answer, 500, "InternalServerError")
    assert raw_call(aws, "DescribeBackups", "{}").status == 200  # the next call is served as usual


def test_botocore_sees_an_internal_server_error_it_can_retry(aws: Aws) -> None:
    aws.emulator.crash_next("DescribeBackups")

    with pytest.raises(ClientError) as info:
        aws.client("fsx").describe_backups()

    assert error(info)["Error"]["Code"] == "InternalServerError"
    assert error(info)["ResponseMetadata"]["HTTPStatusCode"] == 500
