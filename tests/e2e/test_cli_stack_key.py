"""Copies owned per stack, not per name, through the real CLI: the stack key in the state (``stack_key``) keeps
same-named stacks on two backends apart, follows a state moved between backends, and, with the stack lock,
lets the next `up` after a provider crash resume the copy at once."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from pathlib import Path

from pulumi import automation as auto

from devkit.cli import (
    REGION,
    SOURCE_REGION,
    command,
    descendants,
    fsx,
    lifecycle,
    live_copies,
    one_copy,
    tags_of,
    up_in_background,
)
from pulumi_fsx_copy.aws.ownership import lease_value
from pulumi_fsx_copy.rules.identity import IDENTITY_TAG, OWNER_TAG, RESOURCE_TAG
from pulumi_fsx_copy.stack_key import STACK_KEY_NAME
from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from pulumi_fsx_copy.testing.automation import emulator_stack
from tests.support.waits import eventually


def _same_named_stack(folder: Path, source: str, server: EmulatorServer, **options: object) -> auto.Stack:
    """Stack ``e2e/prod`` with BackupCopy ``dr`` on the ``file://`` backend in ``folder``: every DIY backend's
    organization is ``organization``, so two of them hold stacks of identical names."""
    return emulator_stack(
        one_copy(source),
        project="e2e",
        stack="prod",
        emulator_url=server.url,
        state_dir=folder,
        config={"aws:region": REGION},
        **options,  # type: ignore[arg-type]
    )


def _removed(*stacks: auto.Stack) -> None:
    for stack in stacks:
        try:
            stack.destroy()
        finally:
            stack.workspace.remove_stack(stack.name, force=True)


def test_same_named_stacks_on_two_backends_never_take_each_others_copy(
    pulumi_cli: str, fsx_server: EmulatorServer, fsx_remote: RemoteEmulator, tmp_path: Path
) -> None:
    """Classes 1 and 3 of issue 24: while backend A's copy is in progress, its lease reads as stale to any
    other run (stamped two hours ago, as a machine whose clock is behind writes it, or as an old read shows
    it). A same-named stack on backend B never counts that copy as a candidate: it makes its own, A claims
    its own, and destroying one stack leaves the other's copy. A new stack's preview runs with its key
    unknown."""
    fsx_remote.configure(copy_seconds=6.0)
    source = fsx_remote.seed_backup(SOURCE_REGION)
    first = _same_named_stack(tmp_path / "backend-a", source, fsx_server)
    second = _same_named_stack(tmp_path / "backend-b", source, fsx_server)
    try:
        second.preview()  # a new stack: its key (and so every copy's identity) is unknown until its first up
        results: dict[str, str] = {}
        running = threading.Thread(target=lambda: results.update(first=first.up().outputs["id"].value))
        running.start()
        eventually(lambda: bool(live_copies(REGION)), "the first up started its copy", timeout=120, interval=0.05)
        (copy,) = live_copies(REGION)
        holder = tags_of(REGION, copy["BackupId"])[OWNER_TAG].split(":")[1]
        fsx(REGION).tag_resource(
            ResourceARN=copy["ResourceARN"], Tags=[{"Key": OWNER_TAG, "Value": lease_value(holder, time.time() - 7200)}]
        )
        results["second"] = second.up().outputs["id"].value
        running.join(timeout=300)

        assert results["first"] == copy["BackupId"] != results["second"]
        assert sorted(c["BackupId"] for c in live_copies(REGION)) == sorted(results.values())
        a, b = (tags_of(REGION, results[name]) for name in ("first", "second"))
        assert a[IDENTITY_TAG] != b[IDENTITY_TAG] and a[OWNER_TAG] != b[OWNER_TAG]
        assert a[RESOURCE_TAG].startswith("//v3///") and a[RESOURCE_TAG] != b[RESOURCE_TAG]
        first.destroy()
        assert lifecycle(REGION, results["second"]) == "AVAILABLE", "destroying one backend's stack deleted the other's"
        assert [c["BackupId"] for c in live_copies(REGION)] == [results["second"]]
    finally:
        _removed(first, second)


def test_a_state_moved_to_another_backend_is_the_same_owner(
    pulumi_cli: str, fsx_server: EmulatorServer, fsx_remote: RemoteEmulator, tmp_path: Path
) -> None:
    """`pulumi stack export` / `import` into another backend carries the stack key: the moved stack still
    owns its copy (no change, its destroy deletes it), and destroy deletes the key after the copy."""
    source = fsx_remote.seed_backup(SOURCE_REGION)
    old = _same_named_stack(tmp_path / "old", source, fsx_server)
    moved = _same_named_stack(tmp_path / "new", source, fsx_server)
    try:
        held = old.up().outputs["id"].value
        moved.import_stack(old.export_stack())
        assert set(moved.preview().change_summary) == {"same"}
        assert moved.up().outputs["id"].value == held
        resources = moved.export_stack().deployment["resources"]
        (key,) = [r["urn"] for r in resources if r["urn"].endswith(f"::{STACK_KEY_NAME}")]
        (copy,) = [r for r in resources if r["urn"].endswith("::dr")]
        assert key in copy["dependencies"]  # so `destroy` deletes the copy before the key
        moved.destroy()
        assert not live_copies(REGION)
        assert not [r for r in moved.export_stack().deployment.get("resources") or [] if STACK_KEY_NAME in r["urn"]]
    finally:
        old.workspace.remove_stack(old.name, force=True)
        _removed(moved)


def _provider_processes() -> list[int]:
    """The Python processes the `pulumi` CLIs this test runs have started (the dynamic provider)."""
    clis = [pid for pid in descendants(os.getpid()) if command(pid) == "pulumi"]
    return [pid for cli in clis for pid in descendants(cli) if command(pid).startswith("python")]


def test_a_provider_killed_mid_copy_is_resumed_by_the_next_up_within_two_minutes(
    pulumi_cli: str, fsx_server: EmulatorServer, fsx_remote: RemoteEmulator, tmp_path: Path
) -> None:
    """SIGKILL of the provider process while its create waits on COPYING leaves a fresh lease no run will
    renew. The next `up` holds the stack's lock, so no other run of this stack is live, and the copy's
    identity holds the stack's key, so no other stack's run holds it: it takes the lease over at once
    (not after the 15-minute stale time; real delays, time scale 1) and resumes that copy, the only one."""
    fsx_remote.configure(copy_seconds=45.0)
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = _same_named_stack(tmp_path / "state", source, fsx_server, time_scale=1.0)
    running, failed = up_in_background(stack)
    try:
        eventually(lambda: bool(live_copies(REGION)), "the copy started", timeout=120, interval=0.05)
        (started,) = live_copies(REGION)
        providers = _provider_processes()
        assert providers, "no provider process found"
    finally:
        for pid in _provider_processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    running.join(timeout=300)
    assert failed, "the `up` whose provider was killed did not fail"
    assert tags_of(REGION, started["BackupId"])[OWNER_TAG].startswith("lease:")

    began = time.monotonic()
    resumed = stack.up().outputs["id"].value
    took = time.monotonic() - began
    try:
        assert resumed == started["BackupId"]
        assert [c["BackupId"] for c in live_copies(REGION)] == [resumed]
        assert lifecycle(REGION, resumed) == "AVAILABLE"
        assert took < 120, f"the next up took {took:.0f} s to resume the copy"
    finally:
        _removed(stack)
