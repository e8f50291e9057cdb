"""What only the real engine shows: secrets in state and events, progress rows, a crash in the middle."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pulumi
from e2e_support import REGION, SOURCE_REGION, MakeStack, lifecycle, live_copies, one_copy, urn

from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from pulumi_fsx_copy.testing.automation import EventLog

SECRET_VALUE = "s3cr3t-cost-centre-4711"
SECRET_SIG, SECRET_SIG_VALUE = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"


def test_a_secret_tag_value_is_never_in_plain_text(
    make_stack: MakeStack, fsx_remote: RemoteEmulator, tmp_path: Path
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)

    def program() -> None:  # an Output must be made while the program runs
        one_copy(source, tags=pulumi.Output.secret({"cost-centre": SECRET_VALUE}))()

    stack = make_stack(program)
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


def test_progress_reaches_the_copy_row_while_it_runs(make_stack: MakeStack, fsx_remote: RemoteEmulator) -> None:
    fsx_remote.configure(copy_seconds=4.0)
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = make_stack(one_copy(source))
    log = EventLog()

    copy = stack.up(on_event=log.record).outputs["id"].value

    messages = log.status_messages(urn("test", "dr"))
    assert messages[0] == f"copy {copy} into {REGION}: 0% (COPYING)"
    assert messages[-1] == f"copy {copy} into {REGION}: 100% (AVAILABLE)"
    percents = [int(m.split(": ")[1].split("%")[0]) for m in messages]
    assert percents == sorted(percents) and len(percents) >= 3
    assert log.status_messages() == messages, "progress of one copy must only reach that copy's row"


def test_a_killed_up_resumes_the_same_copy(
    make_stack: MakeStack, fsx_remote: RemoteEmulator, fsx_server: EmulatorServer, tmp_path: Path
) -> None:
    """SIGKILL `pulumi up`, its provider and the program driving it, mid-copy; then what the CLI tells a user:
    `pulumi cancel` for the lock, `pulumi refresh --clear-pending-creates` for the pending create, `pulumi up`."""
    fsx_remote.configure(copy_seconds=30.0)
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = make_stack(one_copy(source))
    script = Path(__file__).with_name("killed_up.py")
    killed = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "state"), fsx_server.url, source],
        cwd=Path(__file__).parent,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not live_copies(REGION) and killed.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        started = live_copies(REGION)
        assert [c["Lifecycle"] for c in started] == ["COPYING"]
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()

    stack.cancel()
    stack.refresh(clear_pending_creates=True)
    fsx_remote.configure(copy_seconds=1.0)
    copy = stack.up().outputs["id"].value

    assert [c["BackupId"] for c in live_copies(REGION)] == [started[0]["BackupId"]] == [copy]
    assert lifecycle(REGION, copy) == "AVAILABLE"
    assert "pending_operations" not in stack.export_stack().deployment
