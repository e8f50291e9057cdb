"""Class 6 of issue 24, through the real CLI: the DR Region always holds a usable copy of a replaced resource.
The old copy's delete waits for its replacement to be AVAILABLE and refuses when it never becomes so; the
engine keeps the old copy pending deletion and deletes it at a later run, once a replacement is AVAILABLE."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pulumi import automation as auto

from devkit.cli import REGION, SOURCE_REGION, FsxStack, lifecycle, live_copies, one_copy, urn
from pulumi_fsx_copy.testing import RemoteEmulator


def _held_then_not_waited_for(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> tuple[Callable[[], None], str]:
    """A stack holding an AVAILABLE copy, and its program with ``wait_for_available=False``; the copy's ID."""
    source = fsx_remote.seed_backup(SOURCE_REGION)
    old = fsx_stack(one_copy(source)).up().outputs["id"].value
    return one_copy(source, wait_for_available=False), str(old)


def test_a_replacement_not_waited_for_deletes_the_old_copy_only_once_the_new_one_is_available(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    program, old = _held_then_not_waited_for(fsx_stack, fsx_remote)

    fsx_remote.configure(copy_seconds=12.0)  # longer than an `up` that does not wait for the copy
    result = fsx_stack(program).up(replace=[urn("test", "dr")])
    new = result.outputs["id"].value
    assert new != old and result.outputs["lifecycle"].value != "AVAILABLE"  # create did not wait...
    assert lifecycle(REGION, new) == "AVAILABLE"  # ...but the old copy's delete did, before it deleted
    assert [c["BackupId"] for c in live_copies(REGION)] == [new]


def test_a_failed_replacement_keeps_the_old_copy_through_refresh_until_a_replacement_is_available(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    program, old = _held_then_not_waited_for(fsx_stack, fsx_remote)

    fsx_remote.configure(copy_seconds=2.0)
    fsx_remote.fail_next_copies("The source file system's KMS grant was revoked")
    stack = fsx_stack(program)
    with pytest.raises(auto.CommandError, match=f"{old}.*was not deleted"):
        stack.up(replace=[urn("test", "dr")])
    assert lifecycle(REGION, old) == "AVAILABLE"

    stack.refresh()  # records the replacement FAILED: the next up replaces it
    assert lifecycle(REGION, old) == "AVAILABLE"
    fsx_remote.configure(copy_seconds=1.0)
    final = stack.up().outputs["id"].value
    assert final != old and lifecycle(REGION, final) == "AVAILABLE"
    assert [c["BackupId"] for c in live_copies(REGION)] == [final]
