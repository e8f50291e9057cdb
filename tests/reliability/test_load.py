"""Many creates at once through ONE provider process (the dynamic provider serves 4 at a time): all succeed
although FSx allows 5 copies in progress per destination Region, and the emulator saw that limit kept."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest

from devkit.driver import ProviderProcess
from pulumi_fsx_copy.testing import RemoteEmulator
from pulumi_fsx_copy.testing.backups import COPY_LIMIT
from tests.support.reliability import DR_REGION, SOURCE_REGION, Cases, Ledger, checked, inputs, live_copy_ids

# Run alone (`make check`, `make test`): 18 creates at once make the emulator server's answers slow on a busy
# machine, and the provider rightly acts on no tag read older than its bound (a loaded xdist run broke it).
pytestmark = [
    pytest.mark.serial,
    pytest.mark.scenario(
        "4",
        "Load",
        "12 creates at once through one provider process (12 threads, 4 gRPC workers) into one Region with 3 slots "
        "taken out of band; 18 into 3 Regions at once from one source (all slots taken at first); 12 with "
        "wait_for_available false (2 slots taken): every create succeeds with its own copy, the emulator's "
        "high-water mark of copies in progress is exactly the limit of 5 (reached, never exceeded), some "
        "CopyBackup calls were refused and retried",
    ),
]

CREATES = 12


def _occupy(source: str, region: str, count: int) -> None:
    """Start ``count`` copies out of band (another stack, the console): they take slots of the limit."""
    fsx = boto3.client("fsx", region_name=region)
    for n in range(count):
        fsx.copy_backup(SourceBackupId=source, SourceRegion=SOURCE_REGION, ClientRequestToken=f"elsewhere-{n}")


def _create_all(engine: ProviderProcess, bags: list[dict[str, Any]], cases: Cases) -> list[tuple[str, dict[str, Any]]]:
    names = [bag["__resource_identity"].rsplit("/", 1)[-1] for bag in bags]
    with ThreadPoolExecutor(max_workers=len(bags)) as pool:
        futures = [pool.submit(engine.create, name, bag) for name, bag in zip(names, bags, strict=True)]
        results = [future.result() for future in futures]
    cases.add(len(bags))
    return results


def _assert_limit_reached_never_exceeded(remote: RemoteEmulator, region: str, submitted: int) -> None:
    assert remote.max_in_progress(region) == COPY_LIMIT, "the limit was exceeded, or never reached (no load)"
    refused = remote.calls("CopyBackup", region) - submitted
    assert refused > 0, "no CopyBackup was refused: the test did not meet the limit"


def test_twelve_creates_into_one_region(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger, cases: Cases
) -> None:
    """12 concurrent creates, waiting for AVAILABLE, while 3 copies of another stack are in progress."""
    fsx_remote.configure(copy_seconds=2.0)
    _occupy(source, DR_REGION, 3)
    others = live_copy_ids(DR_REGION)
    fsx_remote.configure(copy_seconds=0.5)
    bags = [checked(engine, inputs(source, name=f"copy-{n}")) for n in range(CREATES)]
    results = _create_all(engine, bags, cases)
    ids = {backup_id for backup_id, _ in results}
    assert len(ids) == CREATES
    assert all(outs["lifecycle"] == "AVAILABLE" for _, outs in results)
    for backup_id in ids | others:
        ledger.created(DR_REGION, backup_id)
    ledger.assert_no_leak()
    _assert_limit_reached_never_exceeded(fsx_remote, DR_REGION, CREATES + 3)


def test_three_regions_at_once_from_one_source(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger, cases: Cases
) -> None:
    """6 creates into each of 3 Regions at once (interleaved), every slot of each Region taken out of band
    for the first second: all succeed."""
    regions = [DR_REGION, "eu-west-1", "ap-southeast-2"]
    fsx_remote.configure(copy_seconds=1.0)
    others = {}
    for region in regions:
        _occupy(source, region, COPY_LIMIT)
        others[region] = live_copy_ids(region)
    fsx_remote.configure(copy_seconds=0.4)
    bags = [
        checked(engine, inputs(source, name=f"{region}-{n}", region=region)) for n in range(6) for region in regions
    ]
    results = _create_all(engine, bags, cases)
    assert len({backup_id for backup_id, _ in results}) == len(bags)
    for bag, (backup_id, outs) in zip(bags, results, strict=True):
        assert outs["region"] == bag["region"] and outs["lifecycle"] == "AVAILABLE"
        ledger.created(bag["region"], backup_id)
    for region in regions:
        for backup_id in others[region]:
            ledger.created(region, backup_id)
        _assert_limit_reached_never_exceeded(fsx_remote, region, 6 + COPY_LIMIT)
    ledger.assert_no_leak(regions)


def test_twelve_submissions_without_waiting(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger, cases: Cases
) -> None:
    """wait_for_available false: 12 creates return as soon as their copy started, waiting for a free slot
    (2 slots taken out of band)."""
    fsx_remote.configure(copy_seconds=1.5)
    _occupy(source, DR_REGION, 2)
    others = live_copy_ids(DR_REGION)
    bags = [checked(engine, inputs(source, name=f"nowait-{n}", wait_for_available=False)) for n in range(CREATES)]
    results = _create_all(engine, bags, cases)
    assert len({backup_id for backup_id, _ in results}) == CREATES
    assert all(outs["lifecycle"] in ("COPYING", "AVAILABLE") for _, outs in results)
    for backup_id in {backup_id for backup_id, _ in results} | others:
        ledger.created(DR_REGION, backup_id)
    ledger.assert_no_leak()
    _assert_limit_reached_never_exceeded(fsx_remote, DR_REGION, CREATES + 2)
