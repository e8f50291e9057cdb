"""Listing: NextToken as AWS's model has it (short, opaque, resuming by position) and DescribeBackups filters."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_fsx_copy.testing.checks import service_data
from tests.support.emulator import DEST, SOURCE, Aws, error

TOKEN_SHAPE = service_data()["shapes"]["NextToken"]


def _assert_model_token(token: str) -> None:
    assert len(token) <= TOKEN_SHAPE["max"]
    assert re.fullmatch(TOKEN_SHAPE["pattern"], token)


# ---- NextToken ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key_character", ["k", "ü", "キ"], ids=["ascii", "latin", "cjk"])
def test_list_tags_tokens_fit_the_model_whatever_the_keys(aws: Aws, source: str, key_character: str) -> None:
    tags = {key_character * 128: "a", key_character * 127 + "x": "b", "short": "c"}
    arn = aws.copy(source, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])["ResourceARN"]
    fsx = aws.client("fsx")

    tokens: list[str] = []
    listed: dict[str, str] = {}
    for page in fsx.get_paginator("list_tags_for_resource").paginate(ResourceARN=arn):
        listed.update({tag["Key"]: tag["Value"] for tag in page["Tags"]})
        if page.get("NextToken"):
            tokens.append(page["NextToken"])

    assert listed == tags
    assert len(tokens) == len(tags) - 1  # pages of one tag
    for token in tokens:
        _assert_model_token(token)


def test_describe_backups_tokens_fit_the_model(aws: Aws) -> None:
    for _ in range(3):
        aws.emulator.seed_backup(DEST)
    fsx = aws.client("fsx")
    filters = [{"Name": "file-system-type", "Values": ["LUSTRE", "ONTAP", "WINDOWS", "OPENZFS"]}] * 10

    page = fsx.describe_backups(Filters=filters)

    _assert_model_token(page["NextToken"])


def test_a_backup_deleted_between_pages_neither_fails_the_listing_nor_skips_a_survivor(aws: Aws) -> None:
    seeded = [aws.emulator.seed_backup(DEST) for _ in range(5)]
    fsx = aws.client("fsx")
    first = fsx.describe_backups()
    assert [b["BackupId"] for b in first["Backups"]] == seeded[:1]

    fsx.delete_backup(BackupId=seeded[0])  # the item the token ended on
    fsx.delete_backup(BackupId=seeded[1])  # and the first item of the next page
    added = aws.emulator.seed_backup(DEST)  # made between pages: listed after the others
    rest: list[str] = []
    token = first["NextToken"]
    while token:
        page = fsx.describe_backups(NextToken=token)
        rest += [b["BackupId"] for b in page["Backups"]]
        if page.get("NextToken"):
            fsx.delete_backup(BackupId=page["Backups"][0]["BackupId"])  # keep deleting what was listed
        token = page.get("NextToken")

    assert rest == [*seeded[2:], added]


def test_the_paginator_lists_every_survivor_while_backups_go_between_pages(aws: Aws) -> None:
    """The provider's slot listing (botocore's paginator) while another client deletes backups."""
    seeded = [aws.emulator.seed_backup(DEST) for _ in range(6)]
    fsx, other = aws.client("fsx"), aws.client("fsx")
    deleted: list[str] = []

    def delete_the_next_one(parsed: dict[str, Any], **_: Any) -> None:
        listed = [b["BackupId"] for b in parsed.get("Backups", [])]
        if parsed.get("NextToken") and listed and listed[-1] in seeded[:-1]:
            victim = seeded[seeded.index(listed[-1]) + 1]
            if victim not in deleted and len(deleted) < 2:
                other.delete_backup(BackupId=victim)
                deleted.append(victim)

    fsx.meta.events.register("after-call.fsx.DescribeBackups", delete_the_next_one)
    listed = [b["BackupId"] for page in fsx.get_paginator("describe_backups").paginate() for b in page["Backups"]]

    assert len(deleted) == 2
    assert listed == [backup_id for backup_id in seeded if backup_id not in deleted]


def test_a_tag_removed_between_pages_neither_fails_the_listing_nor_skips_a_survivor(aws: Aws, source: str) -> None:
    tags = {f"key-{i}": str(i) for i in range(6)}
    arn = aws.copy(source, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])["ResourceARN"]
    fsx = aws.client("fsx")
    first = fsx.list_tags_for_resource(ResourceARN=arn)
    seen = {tag["Key"] for tag in first["Tags"]}
    second = fsx.list_tags_for_resource(ResourceARN=arn, NextToken=first["NextToken"])
    seen |= {tag["Key"] for tag in second["Tags"]}

    removed = [tag["Key"] for tag in second["Tags"]]  # the item the token ends on
    fsx.untag_resource(ResourceARN=arn, TagKeys=removed)
    token = second.get("NextToken")
    while token:
        page = fsx.list_tags_for_resource(ResourceARN=arn, NextToken=token)
        seen |= {tag["Key"] for tag in page["Tags"]}
        token = page.get("NextToken")

    assert seen == set(tags)


@pytest.mark.parametrize("other", ["region", "filters", "backup-ids"])
def test_a_token_is_good_only_for_the_request_it_was_issued_for(aws: Aws, other: str) -> None:
    seeded = [aws.emulator.seed_backup(DEST) for _ in range(2)]
    aws.emulator.seed_backup(SOURCE)
    aws.emulator.seed_backup(SOURCE)
    token = aws.client("fsx").describe_backups()["NextToken"]
    retry: dict[str, Any] = {
        "region": {},
        "filters": {"Filters": [{"Name": "backup-type", "Values": ["USER_INITIATED"]}]},
        "backup-ids": {"BackupIds": seeded},
    }[other]

    with pytest.raises(ClientError) as info:
        aws.client("fsx", SOURCE if other == "region" else DEST).describe_backups(NextToken=token, **retry)

    assert error(info)["Error"]["Code"] == "BadRequest"


def test_named_backups_page_too(aws: Aws) -> None:
    seeded = [aws.emulator.seed_backup(DEST) for _ in range(3)]

    assert aws.backup_ids(DEST, BackupIds=seeded) == seeded


# ---- Filters -----------------------------------------------------------------------------------


def _filter(name: str, *values: str) -> list[dict[str, Any]]:
    return [{"Name": name, "Values": list(values)}]


def test_copies_are_found_by_their_source_file_system_and_as_user_initiated_while_copying(aws: Aws) -> None:
    aws.emulator.configure(copy_seconds=60)
    automatic = aws.emulator.seed_backup(SOURCE, backup_type="AUTOMATIC")
    file_system_id = aws.describe(automatic, SOURCE)["FileSystem"]["FileSystemId"]
    copies = [aws.copy(automatic)["BackupId"] for _ in range(2)]
    aws.emulator.seed_backup(DEST)  # another file system's backup, in the copies' Region

    by_file_system = aws.backup_ids(DEST, Filters=_filter("file-system-id", file_system_id))
    by_type = aws.backup_ids(DEST, Filters=_filter("backup-type", "USER_INITIATED"))
    both = aws.backup_ids(
        DEST, Filters=[*_filter("file-system-id", file_system_id), *_filter("backup-type", "USER_INITIATED")]
    )

    assert by_file_system == copies
    assert set(copies) < set(by_type)
    assert both == copies
    assert {aws.describe(copy_id)["Lifecycle"] for copy_id in copies} == {"COPYING"}
    assert aws.backup_ids(DEST, Filters=_filter("backup-type", "AUTOMATIC")) == []
    assert aws.backup_ids(SOURCE, Filters=_filter("backup-type", "AUTOMATIC")) == [automatic]


def test_a_backup_still_pending_is_found_by_its_file_system_and_type(aws: Aws) -> None:
    aws.emulator.configure(create_backup_seconds=60)
    file_system = aws.file_system()
    backup = aws.client("fsx").create_backup(FileSystemId=file_system)["Backup"]
    assert backup["Lifecycle"] == "PENDING"

    filters = [*_filter("file-system-id", file_system), *_filter("backup-type", "USER_INITIATED")]
    assert aws.backup_ids(DEST, Filters=filters) == [backup["BackupId"]]


def test_filter_values_are_alternatives_and_filters_all_apply(aws: Aws) -> None:
    lustre = aws.emulator.seed_backup(DEST)
    windows = aws.emulator.seed_backup(DEST, file_system_type="WINDOWS", backup_type="AUTOMATIC")
    ontap = aws.emulator.seed_backup(DEST, file_system_type="ONTAP", resource_type="VOLUME")

    assert aws.backup_ids(DEST, Filters=_filter("file-system-type", "LUSTRE", "WINDOWS")) == [lustre, windows]
    assert aws.backup_ids(
        DEST, Filters=[*_filter("file-system-type", "LUSTRE", "WINDOWS"), *_filter("backup-type", "AUTOMATIC")]
    ) == [windows]
    assert aws.backup_ids(DEST, Filters=_filter("file-system-type", "lustre")) == []  # values are exact
    assert aws.backup_ids(DEST, Filters=_filter("file-system-type")) == []  # no value matches nothing
    volume_id = aws.describe(ontap)["Volume"]["VolumeId"]
    assert aws.backup_ids(DEST, Filters=_filter("volume-id", volume_id)) == [ontap]


@pytest.mark.parametrize("name", ["data-repository-type", "file-cache-id", "file-cache-type"])
def test_filters_of_other_resources_match_no_backup(aws: Aws, name: str) -> None:
    aws.emulator.seed_backup(DEST)

    assert aws.backup_ids(DEST, Filters=_filter(name, "S3")) == []


def test_backup_ids_override_filters(aws: Aws) -> None:
    lustre = aws.emulator.seed_backup(DEST)

    listed = aws.backup_ids(DEST, BackupIds=[lustre], Filters=_filter("backup-type", "AUTOMATIC"))

    assert listed == [lustre]


@pytest.mark.parametrize(
    "filters",
    [_filter("file-system-owner", "x"), _filter("backup-type", "USER INITIATED"), _filter("backup-type", "a" * 129)],
    ids=["unknown-name", "value-off-pattern", "value-too-long"],
)
def test_filters_off_the_model_are_refused(aws: Aws, filters: list[dict[str, Any]]) -> None:
    aws.emulator.seed_backup(DEST)

    with pytest.raises(ClientError) as info:
        aws.client("fsx").describe_backups(Filters=filters)

    assert error(info)["Error"]["Code"] == "ValidationException"
