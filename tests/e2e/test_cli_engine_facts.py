"""What only the real engine shows: secrets in state and events, progress rows, a crash in the middle."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pulumi

from devkit.cli import (
    REGION,
    SOURCE_REGION,
    FsxStack,
    command,
    copies_program,
    descendants,
    lifecycle,
    live_copies,
    one_copy,
    urn,
)
from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from pulumi_fsx_copy.testing.automation import EventLog
from tests.support.waits import eventually

SECRET_VALUE = "s3cr3t-cost-centre-4711"
SECRET_SIG, SECRET_SIG_VALUE = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"


def test_a_secret_tag_value_is_never_in_plain_text(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator, tmp_path: Path
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)

    def program() -> None:  # an Output must be made while the program runs
        one_copy(source, tags=pulumi.Output.secret({"cost-centre": SECRET_VALUE}))()

    stack = fsx_stack(program)
    log = EventLog()
    output: list[str] = []

    up = stack.up(on_event=log.record, on_output=output.append)
    stack.refresh(on_event=log.record, on_output=output.append)

    stored = {path: path.read_text(errors="replace") for path in (tmp_path / "state").rglob("*") if path.is_file()}
    events = json.dumps([vars(e) for e in log.events], default=lambda o: getattr(o, "__dict__", str(o)))
    assert [path for path, text in stored.items() if SECRET_VALUE in text] == []
    assert SECRET_VALUE not in events
    assert SECRET_VALUE not in "\n".join(output)
    resources = stack.export_stack().deployment["resources"]  # exported with secrets shown, but still marked
    outputs = next(r for r in resources if r["urn"] == urn("test", "dr"))["outputs"]
    assert outputs["tags"][SECRET_SIG] == outputs["tags_all"][SECRET_SIG] == SECRET_SIG_VALUE
    copy = up.outputs["id"].value
    assert lifecycle(REGION, copy) == "AVAILABLE"


def test_progress_reaches_the_copy_row_while_it_runs(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    fsx_remote.configure(copy_seconds=4.0)
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(one_copy(source))
    log = EventLog()

    copy = stack.up(on_event=log.record).outputs["id"].value

    messages = log.status_messages(urn("test", "dr"))
    assert messages[0] == f"copy {copy} into {REGION}: 0% (COPYING)"
    assert messages[-1] == f"copy {copy} into {REGION}: 100% (AVAILABLE)"
    percents = [int(m.split(": ")[1].split("%")[0]) for m in messages]
    assert percents == sorted(percents) and len(percents) >= 3
    assert log.status_messages() == messages, "progress of one copy must only reach that copy's row"


def _up_in_its_own_process(tmp_path: Path, server: EmulatorServer, sources: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.up_runner", str(tmp_path / "state"), server.url, *sources],
        cwd=Path(__file__).resolve().parents[2],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )


def _until(condition: Callable[[], bool], what: str) -> None:
    eventually(condition, what, timeout=120, interval=0.2)


def test_a_killed_up_resumes_the_same_copy(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator, fsx_server: EmulatorServer, tmp_path: Path
) -> None:
    """SIGKILL `pulumi up` and the program driving it, mid-copy: the orphaned provider process notices its
    engine is gone and exits without claiming the copy. Then what the CLI tells a user: `pulumi cancel` for
    the lock, `pulumi refresh --clear-pending-creates` for the pending create, `pulumi up`."""
    fsx_remote.configure(copy_seconds=30.0)
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(copies_program([source]))
    killed = _up_in_its_own_process(tmp_path, fsx_server, [source])
    try:
        _until(lambda: bool(live_copies(REGION)), "the copy started")
        started = live_copies(REGION)
        assert [c["Lifecycle"] for c in started] == ["COPYING"]
        # The engine starts the provider in a process group of its own: the kill below does not reach it.
        providers = [pid for pid in descendants(killed.pid) if command(pid) == "python" and pid != killed.pid]
        assert providers, "the provider process of the killed `pulumi up` was not found"
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()

    try:
        # The provider that served the create watches its engine: it ends its wait, unclaimed, and exits. (The
        # engine may start another provider process that never served a call; the SDK's server outlives a
        # killed engine, so the test ends it.)
        _until(lambda: not all(Path(f"/proc/{pid}").exists() for pid in providers), "the orphaned provider exit")
    finally:
        for pid in providers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    stack.cancel()
    stack.refresh(clear_pending_creates=True)
    fsx_remote.set_lifecycle(REGION, started[0]["BackupId"], "AVAILABLE")
    ids = stack.up().outputs["ids"].value

    assert [c["BackupId"] for c in live_copies(REGION)] == [started[0]["BackupId"]] == ids
    assert "pending_operations" not in stack.export_stack().deployment


def test_the_first_ctrl_c_ends_up_and_the_next_up_resumes_the_copies(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator, fsx_server: EmulatorServer, tmp_path: Path
) -> None:
    """SIGINT (a first Ctrl-C) to `pulumi up` while 3 copies run: the engine sends Cancel, the waiting
    creates fail naming their copies, `up` ends with no pending operation; the copies go on in AWS and the
    next `up` adopts them (no new copy)."""
    fsx_remote.configure(copy_seconds=600.0)
    sources = [fsx_remote.seed_backup(SOURCE_REGION) for _ in range(3)]
    stack = fsx_stack(copies_program(sources))
    running = _up_in_its_own_process(tmp_path, fsx_server, sources)
    try:
        _until(lambda: [c["Lifecycle"] for c in live_copies(REGION)] == ["COPYING"] * 3, "3 copies running")
        (cli,) = [pid for pid in descendants(running.pid) if command(pid) == "pulumi"]
        os.kill(cli, signal.SIGINT)
        assert running.wait(timeout=120) != 0, "the interrupted `pulumi up` should fail"
    finally:
        if running.poll() is None:
            os.killpg(running.pid, signal.SIGKILL)

    started = live_copies(REGION)
    assert [c["Lifecycle"] for c in started] == ["COPYING"] * 3, "a cancel must never delete a copy"
    assert "pending_operations" not in stack.export_stack().deployment
    for copy in started:
        fsx_remote.set_lifecycle(REGION, copy["BackupId"], "AVAILABLE")
    ids = stack.up().outputs["ids"].value
    assert sorted(ids) == sorted(c["BackupId"] for c in started) == sorted(c["BackupId"] for c in live_copies(REGION))


def test_an_unchanged_copy_costs_no_state_write(fsx_stack: FsxStack, fsx_remote: RemoteEmulator) -> None:
    """A no-change `pulumi up` writes no checkpoint for an unchanged copy: the engine skips a `same` step's write
    only when the provider's checked inputs equal those it recorded (else it writes the whole state once per
    resource: 100 uploads to Pulumi Cloud for a stack of 100 copies), so Check must give the same inputs for
    the same program, defaults and resolved Regions included."""
    sources = [fsx_remote.seed_backup(SOURCE_REGION) for _ in range(2)]

    def program() -> None:
        from pulumi_fsx_copy import BackupCopy

        BackupCopy("plain", source_backup_id=sources[0], source_region=SOURCE_REGION)  # region from aws:region
        BackupCopy(
            "dressed",
            source_backup_id=sources[1],
            source_region=SOURCE_REGION,
            region=REGION,
            kms_key_id="alias/aws/fsx",
            copy_tags=True,
            tags={"purpose": "dr"},
            wait_timeout_minutes=60,
        )

    stack = fsx_stack(program)
    stack.up()
    again = stack.up(log_verbosity=9, log_to_std_err=True)
    log = again.stderr
    assert again.summary.resource_changes == {"same": 4}  # the stack, its key, the copy, the default provider
    # The engine's own verdict on each `same` step (pkg/v3 backend/snapshot.go, sameSnapshotMutation.mustWrite).
    verdicts = [line for line in log.splitlines() if "SnapshotManager: mustWrite() " in line]
    assert len(verdicts) >= 3, "the engine no longer logs its verdict on a `same` step this way"
    assert [line for line in verdicts if "mustWrite() true" in line] == []
