"""Classes 1-4 of issue 24 through provider processes, two at once, the emulator's controls placing each race:
a slow tag read, an owner tag removed out of band, a machine clock behind AWS's, a sweep taken before it
deletes. Both processes use one identity: what two same-named stacks had before stack keys (``v2``), and what
a stack and a copy of its state have."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from devkit.driver import ProviderProcess
from devkit.views import lifecycle, tags_of
from pulumi_fsx_copy.aws.copies import CopyRequest
from pulumi_fsx_copy.aws.ownership import FREE, ownership_tags
from pulumi_fsx_copy.provider import from_engine
from pulumi_fsx_copy.rules.identity import OWNER_TAG
from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from tests.support.reliability import DR_REGION, SOURCE_REGION, checked, copies, fsx, inputs, start_provider
from tests.support.waits import eventually

pytestmark = pytest.mark.scenario(
    "9",
    "Ownership races (issue 24, classes 1-4)",
    "two provider processes, one identity: a ListTagsForResource answer slower than settle/4 never drives a "
    "take-over of a claim another run confirmed; a copy whose owner tag was removed is neither adopted nor swept "
    "(the warning names it); a live copy of a process whose clock is 2 hours behind is not swept (leases on AWS's "
    "clock); a sweep takes the orphan (lease, settle, read back) before DeleteBackup and reads it before a retry",
)

NAME = "dr-copy"


@pytest.fixture(autouse=True)
def _whole_pages(fsx_remote: RemoteEmulator) -> None:
    """Pages as AWS gives them (a copy's tags in one ListTagsForResource page): the held-back answer of the
    slow read holds the owner tag, and a tag read is one call, as it is in AWS."""
    fsx_remote.configure(page_size=50)


def _owner(backup_id: str) -> str | None:
    return tags_of(DR_REGION, backup_id).get(OWNER_TAG)


def _unrecorded_copy(checked_inputs: dict[str, Any], owner: str) -> str:
    """A copy of the resource whose checked inputs are ``checked_inputs`` that no state records, owner tag
    ``owner``, AVAILABLE (as a run that released it leaves it)."""
    request = CopyRequest.from_inputs(from_engine(checked_inputs))
    made = fsx(DR_REGION).copy_backup(
        SourceBackupId=request.source_backup_id,
        SourceRegion=request.source_region,
        Tags=[{"Key": k, "Value": v} for k, v in ownership_tags(request.identity, owner).items()],
    )["Backup"]
    backup_id = str(made["BackupId"])
    eventually(lambda: lifecycle(DR_REGION, backup_id) == "AVAILABLE", f"{backup_id} AVAILABLE", timeout=60)
    return backup_id


def _two(url: str, **env_of_first: str) -> tuple[ProviderProcess, ProviderProcess]:
    first = start_provider(url, **env_of_first)
    try:
        return first, start_provider(url)
    except BaseException:
        first.stop()
        raise


def test_a_slow_tag_read_never_takes_over_a_claim_another_run_confirmed(
    fsx_server: EmulatorServer, fsx_remote: RemoteEmulator
) -> None:
    """Run B reads a free copy's owner tag, and the answer is held back 8 s (well inside botocore's read
    timeout, far beyond settle); meanwhile run A takes the copy over and claims it. B's answer says "free": B
    discards it (it took longer than settle/4), reads again, sees A's claim, and makes a copy of its own."""
    source = fsx_remote.seed_backup(SOURCE_REGION)
    a, b = _two(fsx_server.url)
    try:
        news = checked(a, inputs(source))
        free = _unrecorded_copy(news, FREE)
        fsx_remote.reset_calls()
        fsx_remote.break_next("ListTagsForResource", "delay", seconds=8.0, region=DR_REGION)
        with ThreadPoolExecutor(1) as pool:
            late = pool.submit(b.create, NAME, news)
            eventually(lambda: fsx_remote.calls("ListTagsForResource", DR_REGION) >= 1, "B read the tag", timeout=60)
            a_id, a_outs = a.create(NAME, news)
            b_id, b_outs = late.result(timeout=300)
    finally:
        a.stop()
        b.stop()
    assert a_id == free and b_id != free
    assert _owner(free) == f"claim:{from_engine(a_outs)['claim']}", (
        "a slow read let another run write over a confirmed claim"
    )
    assert _owner(b_id) == f"claim:{from_engine(b_outs)['claim']}"


def test_a_copy_whose_owner_tag_was_removed_is_neither_adopted_nor_swept_by_another_run(
    fsx_server: EmulatorServer, fsx_remote: RemoteEmulator
) -> None:
    """Run A's recorded copy loses its owner tag (Tag Editor, a tag policy). Run B, same identity, neither
    adopts it (it makes its own, and warns naming it) nor deletes it when its destroy sweeps the resource's
    unrecorded copies (warns again)."""
    source = fsx_remote.seed_backup(SOURCE_REGION)
    a, b = _two(fsx_server.url)
    try:
        news = checked(a, inputs(source))
        a_id, _ = a.create(NAME, news)
        arn = fsx(DR_REGION).describe_backups(BackupIds=[a_id])["Backups"][0]["ResourceARN"]
        fsx(DR_REGION).untag_resource(ResourceARN=arn, TagKeys=[OWNER_TAG])

        b_id, b_outs = b.create(NAME, news)
        assert b_id != a_id
        b.delete(NAME, b_id, b_outs)
    finally:
        a.stop()
        b.stop()
    assert {c["BackupId"] for c in copies(DR_REGION)} == {a_id}
    assert lifecycle(DR_REGION, a_id) == "AVAILABLE" and _owner(a_id) is None
    warnings = [line for line in b.stderr_text.splitlines() if a_id in line and "neither adopted nor deleted" in line]
    assert len(warnings) >= 2, b.stderr_text  # at the create, and at the destroy's sweep


@pytest.mark.parametrize("skew", ["machine-behind", "aws-ahead"])
def test_a_live_copy_of_a_machine_whose_clock_is_behind_is_not_swept_by_another_run(
    fsx_server: EmulatorServer, fsx_remote: RemoteEmulator, skew: str
) -> None:
    """Run A's machine clock reads 2 hours behind true time (or AWS's clock is 2 hours ahead of both
    machines); while A's copy is COPYING under its lease, run B destroys its own copy of the resource and
    sweeps the resource's unrecorded copies. A's lease is stamped and judged on AWS's clock, so it is live: B
    leaves the copy, and A claims it."""
    fsx_remote.configure(copy_seconds=12.0)  # A's copy is COPYING under its lease while B's destroy runs
    source = fsx_remote.seed_backup(SOURCE_REGION)
    if skew == "aws-ahead":
        fsx_remote.skew_clock(7200)
    a, b = _two(fsx_server.url, **({"PFC_TEST_CLOCK_BEHIND": "7200"} if skew == "machine-behind" else {}))
    try:
        news = checked(b, inputs(source))
        b_id, b_outs = b.create(NAME, news)
        with ThreadPoolExecutor(1) as pool:
            running = pool.submit(a.create, NAME, news)
            eventually(lambda: len(copies(DR_REGION)) == 2, "A started its copy", timeout=60)
            (a_copy,) = [c["BackupId"] for c in copies(DR_REGION) if c["BackupId"] != b_id]
            assert str(_owner(a_copy)).startswith("lease:")
            b.delete(NAME, b_id, b_outs)
            assert lifecycle(DR_REGION, a_copy) != "DELETED", "another run's sweep deleted a live copy"
            a_id, a_outs = running.result(timeout=300)
    finally:
        a.stop()
        b.stop()
    assert a_id == a_copy and lifecycle(DR_REGION, a_id) == "AVAILABLE"
    assert _owner(a_id) == f"claim:{from_engine(a_outs)['claim']}"


def test_a_sweep_takes_the_orphan_before_deleting_and_reads_it_again_before_a_retry(
    fsx_server: EmulatorServer, fsx_remote: RemoteEmulator
) -> None:
    """A destroy's sweep of a free orphan writes its lease, settles and reads it back before DeleteBackup (the
    orphan's owner tag reads the sweep's lease when DeleteBackup is first called); DeleteBackup answers "busy"
    (BackupBeingCopied) and is retried, and meanwhile another state claims the orphan: the sweep reads the
    owner tag before a retry and stops, the orphan kept."""
    source = fsx_remote.seed_backup(SOURCE_REGION)
    process = start_provider(fsx_server.url)
    try:
        news = checked(process, inputs(source))
        recorded_id, recorded_outs = process.create(NAME, news)
        fsx(DR_REGION).delete_backup(BackupId=recorded_id)  # gone outside Pulumi: the destroy only sweeps
        orphan = _unrecorded_copy(news, FREE)
        fsx_remote.reset_calls()
        fsx_remote.fail_next("DeleteBackup", "BackupBeingCopied", count=100_000, region=DR_REGION)
        with ThreadPoolExecutor(1) as pool:
            sweeping = pool.submit(process.delete, NAME, recorded_id, recorded_outs)
            eventually(lambda: fsx_remote.calls("DeleteBackup", DR_REGION) >= 1, "the sweep called DeleteBackup")
            taken = _owner(orphan)
            arn = fsx(DR_REGION).describe_backups(BackupIds=[orphan])["Backups"][0]["ResourceARN"]
            fsx(DR_REGION).tag_resource(ResourceARN=arn, Tags=[{"Key": OWNER_TAG, "Value": "claim:another-state"}])
            sweeping.result(timeout=300)
            retries = fsx_remote.calls("DeleteBackup", DR_REGION)
    finally:
        process.stop()
    assert str(taken).startswith("lease:"), f"DeleteBackup was called on an orphan not taken first: {taken}"
    assert {c["BackupId"] for c in copies(DR_REGION)} == {orphan}
    assert _owner(orphan) == "claim:another-state"
    assert retries >= 1
