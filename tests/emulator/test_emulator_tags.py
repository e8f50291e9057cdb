"""TagResource, UntagResource and ListTagsForResource on copies."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.emulator import DEST, Aws, error

UNKNOWN_ARN = f"arn:aws:fsx:{DEST}:123456789012:backup/backup-0123456789abcdef0"


def test_tags_of_a_copy_can_be_added_replaced_listed_and_removed(aws: Aws, source: str) -> None:
    arn = aws.copy(source, Tags=[{"Key": "purpose", "Value": "dr"}])["ResourceARN"]
    fsx = aws.client("fsx")

    fsx.tag_resource(ResourceARN=arn, Tags=[{"Key": "purpose", "Value": "restore"}, {"Key": "owner", "Value": "me"}])
    assert aws.tags(arn) == {"purpose": "restore", "owner": "me"}

    fsx.untag_resource(ResourceARN=arn, TagKeys=["purpose", "not-there"])
    assert aws.tags(arn) == {"owner": "me"}


@pytest.mark.parametrize("call", ["tag_resource", "untag_resource", "list_tags_for_resource"])
def test_tagging_an_unknown_arn_is_resource_not_found(aws: Aws, call: str) -> None:
    arguments: dict[str, dict[str, Any]] = {
        "tag_resource": {"Tags": [{"Key": "a", "Value": "b"}]},
        "untag_resource": {"TagKeys": ["a"]},
        "list_tags_for_resource": {},
    }

    with pytest.raises(ClientError) as info:
        getattr(aws.client("fsx"), call)(ResourceARN=UNKNOWN_ARN, **arguments[call])

    assert error(info)["Error"]["Code"] == "ResourceNotFound"
    assert error(info)["ResourceARN"] == UNKNOWN_ARN


def test_a_deleted_copy_cannot_be_tagged(aws: Aws, source: str) -> None:
    copy = aws.copy(source)
    aws.wait_lifecycle(copy["BackupId"], "AVAILABLE")
    aws.client("fsx").delete_backup(BackupId=copy["BackupId"])

    with pytest.raises(ClientError) as info:
        aws.client("fsx").tag_resource(ResourceARN=copy["ResourceARN"], Tags=[{"Key": "a", "Value": "b"}])

    assert error(info)["Error"]["Code"] == "ResourceNotFound"


def test_more_than_fifty_tags_on_a_resource_is_a_bad_request(aws: Aws, source: str) -> None:
    arn = aws.copy(source, Tags=[{"Key": f"old-{i}", "Value": "x"} for i in range(40)])["ResourceARN"]
    fsx = aws.client("fsx")

    with pytest.raises(ClientError) as info:
        fsx.tag_resource(ResourceARN=arn, Tags=[{"Key": f"new-{i}", "Value": "y"} for i in range(11)])
    assert error(info)["Error"]["Code"] == "BadRequest"
    assert len(aws.tags(arn)) == 40

    fsx.tag_resource(ResourceARN=arn, Tags=[{"Key": f"new-{i}", "Value": "y"} for i in range(10)])
    assert len(aws.tags(arn)) == 50
