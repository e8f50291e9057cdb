"""A copy belongs to exactly one resource, and a broken one is replaced: through the real CLI."""

from __future__ import annotations

import pulumi
from pulumi import automation as auto

from devkit.cli import REGION, SOURCE_REGION, FsxStack, lifecycle, live_copies, one_copy
from pulumi_fsx_copy import BackupCopy
from pulumi_fsx_copy.testing import RemoteEmulator
from pulumi_fsx_copy.testing.automation import EventLog


class _Site(pulumi.ComponentResource):
    def __init__(self, type_: str, name: str, source: str) -> None:
        super().__init__(type_, name)
        holder = pulumi.ComponentResource("e2e:index:Holder", "inner", opts=pulumi.ResourceOptions(parent=self))
        self.copy = BackupCopy(
            "dr", source_backup_id=source, source_region=SOURCE_REGION, opts=pulumi.ResourceOptions(parent=holder)
        )


def test_same_names_under_different_parent_chains_get_their_own_copies(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    """Two components of different types, each holding a child component of the same name that holds a
    BackupCopy of the same name: the engine keeps the four apart, so must the copies."""
    source = fsx_remote.seed_backup(SOURCE_REGION)

    def program(types: tuple[str, ...]) -> None:
        for type_ in types:
            pulumi.export(type_, _Site(type_, "site", source).copy.id)

    stack = fsx_stack(lambda: program(("e2e:index:Primary", "e2e:index:Secondary")))
    outputs = stack.up().outputs
    primary, secondary = outputs["e2e:index:Primary"].value, outputs["e2e:index:Secondary"].value
    assert primary != secondary
    assert sorted(c["BackupId"] for c in live_copies(REGION)) == sorted([primary, secondary])

    fsx_stack(lambda: program(("e2e:index:Primary",))).up()
    assert lifecycle(REGION, primary) == "AVAILABLE", "removing the other site deleted this site's copy"
    assert lifecycle(REGION, secondary) == "GONE"


def test_a_copy_that_fails_after_up_is_recorded_by_refresh_and_replaced_by_up(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    fsx_remote.configure(copy_seconds=30.0)
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(one_copy(source, wait_for_available=False))
    failed = stack.up().outputs["id"].value
    fsx_remote.fail_copy(failed, "The source backup's KMS key was disabled")

    stack.refresh()
    recorded = next(r for r in stack.export_stack().deployment["resources"] if r["urn"].endswith("::dr"))
    assert recorded["outputs"]["lifecycle"] == "FAILED"

    fsx_remote.configure(copy_seconds=0.2)
    log = EventLog()
    new = stack.up(on_event=log.record).outputs["id"].value

    assert log.ops() == {"dr": ["create-replacement", "replace", "delete-replaced"]}
    assert new != failed
    assert lifecycle(REGION, failed) == "GONE"
    assert [c["BackupId"] for c in live_copies(REGION)] == [new]
    assert stack.preview().change_summary == {auto.OpType.SAME: 3}
