"""A copy's ownership bound to the state that records it, through the real CLI (where the engine's own call
order matters): a replacement with a user's token, names that hold `/`, two backends with the same names, a
failed replacement's copy, and an adopted copy's leftover secret tag."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest
from pulumi import automation as auto

from devkit.cli import REGION, SOURCE_REGION, FsxStack, lifecycle, live_copies, one_copy, tags_of, urn
from pulumi_fsx_copy import BackupCopy
from pulumi_fsx_copy.rules.identity import OWNER_TAG
from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from pulumi_fsx_copy.testing.automation import emulator_stack

SECRET = "s3cr3t-Leftover-Value"


def _with_failing_sibling(program: Callable[[], None]) -> Callable[[], None]:
    """``program`` plus a resource whose creation fails (another resource failing in the same run)."""

    def both() -> None:
        program()
        pulumi.dynamic.Resource(_Failing(), "fails", {"n": 1})

    return both


class _Failing(pulumi.dynamic.ResourceProvider):
    def create(self, props: dict[str, object]) -> pulumi.dynamic.CreateResult:
        raise RuntimeError("this resource always fails to create")


def test_a_replacement_with_a_user_token_never_deletes_the_copy_the_stack_holds(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    """Issue 15, 1: `up --replace` with a client_request_token gets the held copy back from AWS; the run fails
    (another resource too); the next plain `up`, a new provider process, must not delete that copy."""
    source = fsx_remote.seed_backup(SOURCE_REGION)
    program = one_copy(source, client_request_token="dr-token-1")
    stack = fsx_stack(program)
    held = stack.up().outputs["id"].value

    replacing = fsx_stack(_with_failing_sibling(program))
    with pytest.raises(auto.CommandError) as caught:
        replacing.up(replace=[urn("test", "dr")])
    assert "dr-token-1" in str(caught.value) and "IdempotencyConflictError" in str(caught.value)

    fsx_stack(program).up()
    assert lifecycle(REGION, held) == "AVAILABLE"
    assert [c["BackupId"] for c in live_copies(REGION)] == [held]
    resources = fsx_stack(program).export_stack().deployment["resources"]
    assert [r["id"] for r in resources if r["urn"].endswith("::dr")] == [held]


class _Site(pulumi.ComponentResource):
    def __init__(self, name: str, child: str, source: str) -> None:
        super().__init__("e2e:index:Site", name)
        self.copy = BackupCopy(
            child, source_backup_id=source, source_region=SOURCE_REGION, opts=pulumi.ResourceOptions(parent=self)
        )


def test_names_that_hold_a_slash_never_share_a_copy(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    """Issue 15, 2a: `b/c` under component `a` and `c` under component `a/b` are two resources, two copies."""
    source = fsx_remote.seed_backup(SOURCE_REGION)

    def program() -> None:
        pulumi.export("one", _Site("a", "b/c", source).copy.id)
        pulumi.export("other", _Site("a/b", "c", source).copy.id)

    outputs = fsx_stack(program).up().outputs
    one, other = outputs["one"].value, outputs["other"].value
    assert one != other
    assert sorted(c["BackupId"] for c in live_copies(REGION)) == sorted([one, other])


def test_two_backends_with_the_same_names_running_at_once_each_get_their_own_copy(
    pulumi_cli: str, fsx_server: EmulatorServer, fsx_remote: RemoteEmulator, tmp_path: Path
) -> None:
    """Issue 15, 2b: every DIY backend's organization is `organization`; two `file://` backends, same project,
    stack and resource names. The second `up` starts while the first one's copy is in progress."""
    fsx_remote.configure(copy_seconds=4.0)
    source = fsx_remote.seed_backup(SOURCE_REGION)

    def stack_in(folder: str) -> auto.Stack:
        return emulator_stack(
            one_copy(source),
            project="e2e",
            stack="prod",
            emulator_url=fsx_server.url,
            state_dir=tmp_path / folder,
            config={"aws:region": REGION},
        )

    first, second = stack_in("backend-a"), stack_in("backend-b")
    results: dict[str, str] = {}

    def up(name: str, stack: auto.Stack) -> None:
        results[name] = stack.up().outputs["id"].value

    running = threading.Thread(target=up, args=("first", first))
    running.start()
    deadline = time.monotonic() + 120
    while not live_copies(REGION) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_copies(REGION), "the first up started no copy"
    up("second", second)
    running.join(timeout=300)
    try:
        assert results["first"] != results["second"]
        assert sorted(c["BackupId"] for c in live_copies(REGION)) == sorted(results.values())
        first.destroy()
        assert lifecycle(REGION, results["second"]) == "AVAILABLE", "destroying one backend's stack deleted the other's"
    finally:
        for stack in (first, second):
            stack.destroy()
            stack.workspace.remove_stack(stack.name, force=True)


def test_a_failed_replacement_leaves_no_copy_after_destroy(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    """Issue 15, 4 and issue 24: `up --replace` whose new copy times out: the state records the new copy (with
    init errors) beside the held one, refresh keeps both, and `destroy` deletes both."""
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(one_copy(source))
    held = stack.up().outputs["id"].value

    fsx_remote.configure(copy_seconds=8.0)
    stack = fsx_stack(one_copy(source, wait_timeout_minutes=0.05))
    with pytest.raises(auto.CommandError, match="CopyTimeoutError"):
        stack.up(replace=[urn("test", "dr")])
    [new] = [c["BackupId"] for c in live_copies(REGION) if c["BackupId"] != held]
    recorded = {r.get("id") for r in stack.export_stack().deployment["resources"]}
    assert {held, new} <= recorded

    stack.refresh()
    assert {held, new} <= {r.get("id") for r in stack.export_stack().deployment["resources"]}
    give_up = time.monotonic() + 60
    while lifecycle(REGION, new) != "AVAILABLE" and time.monotonic() < give_up:  # FSx deletes no copy in progress
        time.sleep(0.5)
    stack.destroy()
    assert live_copies(REGION) == []


def test_an_adopted_copy_loses_an_earlier_runs_secret_tag_and_tags_all_stays_secret(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator, tmp_path: Path
) -> None:
    """Issue 15, 5: a run declared a secret tag and did not finish; the next run declares plain tags and
    adopts the copy: the secret tag is removed, and no state file holds its value in plain text."""
    source = fsx_remote.seed_backup(SOURCE_REGION)
    fsx_remote.configure(copy_seconds=6.0)

    def with_a_secret_tag() -> None:
        copy = BackupCopy(
            "dr",
            source_backup_id=source,
            source_region=SOURCE_REGION,
            region=REGION,
            tags={"credential": pulumi.Output.secret(SECRET)},
            wait_timeout_minutes=0.02,
        )
        pulumi.export("id", copy.id)

    stack = fsx_stack(with_a_secret_tag)
    with pytest.raises(auto.CommandError, match="CopyTimeoutError"):
        stack.up()
    [left] = live_copies(REGION)
    assert tags_of(REGION, left["BackupId"])["credential"] == SECRET

    fsx_remote.configure(copy_seconds=0.2)
    adopted = fsx_stack(one_copy(source, tags={"purpose": "dr"})).up().outputs["id"].value
    assert adopted == left["BackupId"]
    tags = tags_of(REGION, adopted)
    assert "credential" not in tags and tags["purpose"] == "dr" and tags[OWNER_TAG].startswith("claim:")
    on_disk = [p for p in (tmp_path / "state").rglob("*") if p.is_file() and ".pulumi/plugins" not in str(p)]
    assert on_disk and not [p for p in on_disk if SECRET.encode() in p.read_bytes()]
