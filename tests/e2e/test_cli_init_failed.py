"""A copy is in the state from the moment CopyBackup answers, through the real CLI: a create that fails once
its copy exists hands the copy to the engine as a resource that failed to initialise (``ErrorResourceInitFailed``),
and the engine's own order then resumes it (`up`), keeps it (`refresh`) and deletes it (`destroy`)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from pulumi import automation as auto

from devkit.cli import REGION, SOURCE_REGION, FsxStack, lifecycle, live_copies, one_copy, tags_of
from pulumi_fsx_copy.rules.identity import OWNER_TAG
from pulumi_fsx_copy.testing import RemoteEmulator

TIMES_OUT = 0.05
"""wait_timeout_minutes (3 s) shorter than the emulated copy."""
COPY_SECONDS = 8.0
"""How long the emulated copy takes: longer than ``TIMES_OUT``."""
OUTLASTS_A_REFRESH = 30.0
"""A copy still in progress after the failed `up` and a `refresh` (each several seconds of CLI work, more
on a loaded machine), done within the next `up`'s wait (1 minute)."""


def _recorded(stack: auto.Stack) -> dict[str, Any]:
    """The state's one BackupCopy resource."""
    [resource] = [r for r in stack.export_stack().deployment["resources"] if r["type"].endswith("BackupCopy")]
    return dict(resource)


def _timed_out_up(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator, copy_seconds: float = COPY_SECONDS
) -> tuple[auto.Stack, str, str]:
    """A first `up` whose create times out once its copy (taking ``copy_seconds``) exists; the stack, the copy
    and the source."""
    source = fsx_remote.seed_backup(SOURCE_REGION)
    fsx_remote.configure(copy_seconds=copy_seconds)
    stack = fsx_stack(one_copy(source, wait_timeout_minutes=TIMES_OUT))
    with pytest.raises(auto.CommandError, match="CopyTimeoutError") as failed:
        stack.up()
    [copy] = live_copies(REGION)
    backup_id = str(copy["BackupId"])
    assert "recorded by no state" not in str(failed.value) and "records it as not ready" in str(failed.value)
    return stack, backup_id, source


def test_a_timed_out_create_is_recorded_with_init_errors_and_the_next_up_resumes_it(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    stack, backup_id, source = _timed_out_up(fsx_stack, fsx_remote)
    record = _recorded(stack)
    assert record["id"] == backup_id and record.get("initErrors"), record
    outputs = record["outputs"]
    assert outputs["lifecycle"] in ("PENDING", "COPYING")
    assert tags_of(REGION, backup_id)[OWNER_TAG] == f"claim:{outputs['__claim']}"
    assert outputs["region"] == REGION and outputs["source_region"] == SOURCE_REGION and "__provider" in outputs

    result = fsx_stack(one_copy(source, wait_timeout_minutes=1)).up()
    assert result.outputs["id"].value == backup_id and result.outputs["lifecycle"].value == "AVAILABLE"
    assert [c["BackupId"] for c in live_copies(REGION)] == [backup_id]
    assert not _recorded(stack).get("initErrors")


def test_refresh_keeps_a_copy_that_is_not_ready_recorded_as_such_and_the_next_up_resumes_it(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    stack, backup_id, source = _timed_out_up(fsx_stack, fsx_remote, copy_seconds=OUTLASTS_A_REFRESH)
    stack.refresh()
    record = _recorded(stack)
    assert record["id"] == backup_id and record.get("initErrors"), record
    assert lifecycle(REGION, backup_id) != "AVAILABLE"

    same = fsx_stack(one_copy(source, wait_timeout_minutes=1))
    result = same.up()
    assert result.outputs["id"].value == backup_id and lifecycle(REGION, backup_id) == "AVAILABLE"
    assert [c["BackupId"] for c in live_copies(REGION)] == [backup_id]


def test_destroy_deletes_the_copy_of_a_create_that_timed_out(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    """No state recorded the copy before (a first create): only the init-failed record lets destroy reach it."""
    stack, backup_id, _ = _timed_out_up(fsx_stack, fsx_remote)
    give_up = time.monotonic() + 60
    while lifecycle(REGION, backup_id) != "AVAILABLE" and time.monotonic() < give_up:  # FSx refuses to delete a
        time.sleep(0.5)  # copy in progress: the destroy would wait for it (wait_timeout_minutes, here 3 s)
    stack.destroy()
    assert live_copies(REGION) == []
