"""newest_backups() / primary_backups() and copies_in_region(), against the in-process emulator."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest

from pulumi_fsx_copy import (
    AccessDeniedError,
    BackupCopyError,
    InvalidInputError,
    RegionError,
    SourceBackupNotFoundError,
    ThrottledError,
    UnsupportedCopyError,
    newest_backups,
)
from pulumi_fsx_copy.aws.gateway import MAX_TRANSIENT_RETRIES
from pulumi_fsx_copy.lookup import copies_in_region, primary_backups
from pulumi_fsx_copy.testing import InProcessEmulator

REGION = "us-east-1"


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_FSX_COPY_TIME_SCALE", "0.01")


def fsx() -> Any:
    return boto3.client("fsx", region_name=REGION)


def backups_of_one_file_system(emulator: InProcessEmulator, count: int, **seed: Any) -> tuple[str, list[str]]:
    """A file system with ``count`` AVAILABLE backups, oldest first."""
    first = emulator.seed_backup(REGION, deployment_type="PERSISTENT_2", **seed)
    file_system_id = fsx().describe_backups(BackupIds=[first])["Backups"][0]["FileSystem"]["FileSystemId"]
    made = [first]
    for _ in range(count - 1):
        backup_id = fsx().create_backup(FileSystemId=file_system_id)["Backup"]["BackupId"]
        while fsx().describe_backups(BackupIds=[backup_id])["Backups"][0]["Lifecycle"] != "AVAILABLE":
            time.sleep(0.05)
        made.append(backup_id)
    return file_system_id, made


def test_the_newest_available_backups_newest_first_over_every_page(fsx_emulator: InProcessEmulator) -> None:
    file_system_id, made = backups_of_one_file_system(fsx_emulator, 4)
    fsx_emulator.seed_backup(REGION)  # another file system's backup
    fsx_emulator.reset_calls()

    found = newest_backups(file_system_id=file_system_id, region=REGION, count=3)

    assert [b.backup_id for b in found] == list(reversed(made))[:3]
    assert all(b.file_system_id == file_system_id and b.region == REGION for b in found)
    assert found[0].creation_time >= found[1].creation_time >= found[2].creation_time
    assert found[0].created.endswith("Z") and found[0].age_seconds() >= 0
    assert fsx_emulator.calls("DescribeBackups") >= 4, "the emulator answers one backup a page: every page is read"


def test_backups_not_available_and_copies_are_left_out(fsx_emulator: InProcessEmulator) -> None:
    file_system_id, made = backups_of_one_file_system(fsx_emulator, 2)
    fsx_emulator.set_lifecycle(REGION, made[1], "CREATING")
    fsx().copy_backup(SourceBackupId=made[0], SourceRegion=REGION)  # an in-Region copy carries the file system ID

    found = newest_backups(file_system_id=file_system_id, region=REGION, count=5)

    assert [b.backup_id for b in found] == [made[0]]


def test_volume_backups_and_backup_types(fsx_emulator: InProcessEmulator) -> None:
    backup_id = fsx_emulator.seed_backup(REGION, file_system_type="ONTAP", resource_type="VOLUME")
    volume_id = fsx().describe_backups(BackupIds=[backup_id])["Backups"][0]["Volume"]["VolumeId"]

    assert [b.backup_id for b in newest_backups(volume_id=volume_id, region=REGION)] == [backup_id]
    assert newest_backups(volume_id=volume_id, region=REGION, backup_types=["AUTOMATIC"]) == []
    assert newest_backups(volume_id=volume_id, region=REGION)[0].volume_id == volume_id


def test_a_backup_of_an_intelligent_tiering_file_system_is_refused_by_name(fsx_emulator: InProcessEmulator) -> None:
    backup_id = fsx_emulator.seed_backup(REGION, file_system_type="OPENZFS", storage_type="INTELLIGENT_TIERING")
    file_system_id = fsx().describe_backups(BackupIds=[backup_id])["Backups"][0]["FileSystem"]["FileSystemId"]

    with pytest.raises(UnsupportedCopyError, match=f"{backup_id}.*Intelligent-Tiering"):
        newest_backups(file_system_id=file_system_id, region=REGION)


def test_an_unknown_file_system_is_named(fsx_emulator: InProcessEmulator) -> None:
    with pytest.raises(SourceBackupNotFoundError, match=r"file_system_id fs-0123456789abcdef0 .*'us-east-1'"):
        newest_backups(file_system_id="fs-0123456789abcdef0", region=REGION)


def test_a_throttled_page_is_retried_and_access_denied_is_mapped(fsx_emulator: InProcessEmulator) -> None:
    file_system_id, made = backups_of_one_file_system(fsx_emulator, 1)
    fsx_emulator.fail_next("DescribeBackups", "ThrottlingException", count=2)
    assert [b.backup_id for b in newest_backups(file_system_id=file_system_id, region=REGION)] == made

    fsx_emulator.fail_next("DescribeBackups", "AccessDeniedException", message="not allowed")
    with pytest.raises(AccessDeniedError, match="DescribeBackups"):
        newest_backups(file_system_id=file_system_id, region=REGION)


def test_the_look_up_retries_as_the_provider_does(fsx_emulator: InProcessEmulator) -> None:
    """The gateway's one retry policy: a page throttled MAX_TRANSIENT_RETRIES times in a row is still read."""
    file_system_id, made = backups_of_one_file_system(fsx_emulator, 1)
    fsx_emulator.fail_next("DescribeBackups", "ThrottlingException", count=MAX_TRANSIENT_RETRIES)
    assert [b.backup_id for b in newest_backups(file_system_id=file_system_id, region=REGION)] == made

    fsx_emulator.fail_next("DescribeBackups", "ThrottlingException", count=MAX_TRANSIENT_RETRIES + 1)
    with pytest.raises(ThrottledError, match=f"after {MAX_TRANSIENT_RETRIES} retries.*DescribeBackups"):
        newest_backups(file_system_id=file_system_id, region=REGION)


@pytest.mark.parametrize(
    ("arguments", "error", "names"),
    [
        ({}, InvalidInputError, "exactly one of file_system_id"),
        ({"file_system_id": "fs-0123456789abcdef0", "volume_id": "fsvol-0123456789abcdef0"}, InvalidInputError, "both"),
        ({"file_system_id": "backup-0123456789abcdef0"}, InvalidInputError, "file_system_id 'backup-"),
        ({"volume_id": "vol-1"}, InvalidInputError, "volume_id 'vol-1'"),
        ({"file_system_id": "fs-0123456789abcdef0", "count": 0}, InvalidInputError, "count 0"),
        ({"file_system_id": "fs-0123456789abcdef0", "count": True}, InvalidInputError, "count True"),
        ({"file_system_id": "fs-0123456789abcdef0", "backup_types": ["DAILY"]}, InvalidInputError, "backup_types"),
        ({"file_system_id": "fs-0123456789abcdef0", "backup_types": "AUTOMATIC"}, InvalidInputError, "backup_types"),
        ({"file_system_id": "fs-0123456789abcdef0", "region": "us-east-9"}, RegionError, "region 'us-east-9'"),
    ],
)
def test_bad_inputs_name_the_field_before_any_call(
    fsx_emulator: InProcessEmulator, arguments: dict[str, Any], error: type[Exception], names: str
) -> None:
    fsx_emulator.reset_calls()
    with pytest.raises(error, match=names):
        newest_backups(**{"region": REGION, **arguments})
    assert fsx_emulator.calls() == 0


def test_no_region_anywhere_is_a_region_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RegionError, match="aws:region"):
        newest_backups(file_system_id="fs-0123456789abcdef0")


def test_a_deleted_file_system_is_told_apart_and_its_surviving_backups_found(fsx_emulator: InProcessEmulator) -> None:
    file_system_id, made = backups_of_one_file_system(fsx_emulator, 2, backup_type="AUTOMATIC")
    final = fsx().delete_file_system(FileSystemId=file_system_id, LustreConfiguration={"SkipFinalBackup": False})
    final_id = final["LustreResponse"]["FinalBackupId"]
    while fsx().describe_backups(BackupIds=[final_id])["Backups"][0]["Lifecycle"] != "AVAILABLE":
        time.sleep(0.05)

    found = primary_backups(file_system_id=file_system_id, region=REGION, count=3)

    assert found.gone
    assert [b.backup_id for b in found.newest] == [final_id, made[1]]  # the AUTOMATIC one went with it
    assert set(found.created) == {final_id, made[1]}
    assert not primary_backups(file_system_id=backups_of_one_file_system(fsx_emulator, 1)[0], region=REGION).gone


@pytest.mark.parametrize("code", ["ThrottlingException", "AccessDeniedException", "InternalServerError"])
def test_any_other_failure_of_the_primary_look_up_raises(fsx_emulator: InProcessEmulator, code: str) -> None:
    file_system_id, _ = backups_of_one_file_system(fsx_emulator, 1)
    fsx_emulator.fail_next("DescribeBackups", code, count=10)

    with pytest.raises(BackupCopyError) as info:
        primary_backups(file_system_id=file_system_id, region=REGION)
    assert "DescribeBackups" in str(info.value) and REGION in str(info.value)


def test_the_copies_in_a_region_are_every_copy_of_the_file_system_from_the_source_region(
    fsx_emulator: InProcessEmulator,
) -> None:
    file_system_id, made = backups_of_one_file_system(fsx_emulator, 2)
    other = fsx_emulator.seed_backup(REGION)
    dr = boto3.client("fsx", region_name="us-west-2")
    tagged = dr.copy_backup(SourceBackupId=made[0], SourceRegion=REGION, Tags=[{"Key": "k", "Value": "v"}])["Backup"]
    plain = dr.copy_backup(SourceBackupId=made[1], SourceRegion=REGION)["Backup"]
    dr.copy_backup(SourceBackupId=other, SourceRegion=REGION)

    found = copies_in_region(file_system_id=file_system_id, volume_id=None, source_region=REGION, region="us-west-2")

    assert {c.backup_id: c.source_backup_id for c in found} == {
        tagged["BackupId"]: made[0],
        plain["BackupId"]: made[1],
    }
    assert {c.backup_id: c.tags for c in found}[tagged["BackupId"]] == {"k": "v"}
    assert (
        copies_in_region(file_system_id=file_system_id, volume_id=None, source_region="eu-west-1", region="us-west-2")
        == []
    )
