"""One listing of the destination Region per run, through the real CLI (issue 24, "One listing per Region per run").

The Region holds other stacks' copies (USER_INITIATED backups, pages of 50), so each listing costs several
DescribeBackups; with ``wait_for_available=False`` a create describes its copy once and never polls, which makes
the count exact: a run's DescribeBackups in the Region are one listing plus one per copy.
"""

from __future__ import annotations

import pulumi

from devkit.cli import REGION, SOURCE_REGION, FsxStack, fsx, lifecycle
from pulumi_fsx_copy import BackupCopy
from pulumi_fsx_copy.testing import RemoteEmulator
from pulumi_fsx_copy.testing.backups import PAGE_LIMIT

COPIES = 5
"""FSx's limit of copies in progress: no create waits for a copy slot (a wait lists the Region for its counts)."""
OTHERS = 140


def _listing_pages(emulator: RemoteEmulator) -> int:
    """DescribeBackups calls of one listing of the Region's copies, as the provider lists it."""
    emulator.reset_calls()
    paginator = fsx(REGION).get_paginator("describe_backups")
    for _ in paginator.paginate(Filters=[{"Name": "backup-type", "Values": ["USER_INITIATED"]}]):
        pass
    return emulator.calls("DescribeBackups", REGION)


def test_an_up_and_a_refresh_of_several_copies_list_the_region_once(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    fsx_remote.configure(page_size=PAGE_LIMIT)
    for _ in range(OTHERS):
        fsx_remote.seed_backup(REGION, backup_type="USER_INITIATED")
    sources = [fsx_remote.seed_backup(SOURCE_REGION) for _ in range(COPIES)]

    def program() -> None:
        copies = [
            BackupCopy(f"dr-{i}", source_backup_id=source, source_region=SOURCE_REGION, wait_for_available=False)
            for i, source in enumerate(sources)
        ]
        pulumi.export("ids", [copy.id for copy in copies])

    stack = fsx_stack(program)
    before = _listing_pages(fsx_remote)
    assert before > 2, "the Region should take several pages to list"
    # The first page of the first listing answers late: every create arrives while it is in flight, and must
    # share it rather than start its own.
    fsx_remote.reset_calls()
    fsx_remote.break_next("DescribeBackups", "delay", seconds=3.0, region=REGION)
    ids = stack.up().outputs["ids"].value
    up_calls = fsx_remote.calls("DescribeBackups", REGION)

    assert len(set(ids)) == COPIES
    assert up_calls == before + COPIES, f"up: {up_calls} DescribeBackups, not one listing ({before}) + 1 per copy"

    after = _listing_pages(fsx_remote)
    fsx_remote.reset_calls()
    stack.refresh()
    refresh_calls = fsx_remote.calls("DescribeBackups", REGION)

    assert refresh_calls == after + COPIES, f"refresh: {refresh_calls}, not one listing ({after}) + 1 per copy"
    assert {lifecycle(REGION, backup_id) for backup_id in ids} <= {"COPYING", "AVAILABLE"}
