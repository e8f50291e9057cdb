"""The provider process answers the engine while copies wait, and runs as many copies as AWS allows.

Each test drives the real ``python -m pulumi.dynamic`` process over gRPC, as the engine does, with many
calls in flight at once (the engine's ``--parallel``). They fail if an SDK or grpc upgrade makes
``pulumi_fsx_copy.engine.serving`` stop applying: the SDK's own server serves 4 calls at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from devkit.driver import ProviderError, ProviderProcess
from pulumi_fsx_copy.testing import RemoteEmulator
from tests.support.concurrency import (
    DR_REGIONS,
    LONG_COPY_SECONDS,
    OLD_SDK_DIR,
    cancel,
    eventually,
    in_progress,
    inputs,
    live_copies,
    outcome,
)

Start = Callable[..., ProviderProcess]


def test_check_diff_read_and_update_are_answered_while_eight_copies_wait(
    start: Start, fsx_remote: RemoteEmulator, source: str, calls: ThreadPoolExecutor
) -> None:
    process = start()
    existing_inputs = process.check("existing", {}, inputs(source, "existing")).inputs
    existing_id, existing = process.create("existing", existing_inputs)

    fsx_remote.configure(copy_seconds=LONG_COPY_SECONDS)
    creates = []
    for i in range(8):
        region = DR_REGIONS[i % 2]
        checked = process.check(f"copy{i}", {}, inputs(source, f"copy{i}", region)).inputs
        creates.append(calls.submit(process.create, f"copy{i}", checked))
    for region in DR_REGIONS:
        eventually(lambda region=region: in_progress(region) == 4, f"4 copies in progress in {region}")

    other = process.check("other", {}, inputs(source, "other"))
    assert other.failures == []
    assert process.diff("existing", existing_id, existing, existing_inputs).changes == "none"
    assert process.read("existing", existing_id, existing).id == existing_id
    retagged = {**existing_inputs, "tags": {"purpose": "dr", "tier": "gold"}}
    assert process.update("existing", existing_id, existing, retagged)["tags"] == {"purpose": "dr", "tier": "gold"}
    assert not any(create.done() for create in creates), "a copy ended: the calls above proved nothing"
    assert "could not adapt" not in process.stderr_text

    cancel(process)
    for create in creates:
        assert isinstance(outcome(create), ProviderError)


def test_five_copies_in_progress_per_region_never_six(
    start: Start, fsx_remote: RemoteEmulator, source: str, calls: ThreadPoolExecutor
) -> None:
    process = start()
    fsx_remote.configure(copy_seconds=LONG_COPY_SECONDS)
    region = DR_REGIONS[0]
    checked = [process.check(f"copy{i}", {}, inputs(source, f"copy{i}", region)).inputs for i in range(7)]
    creates = [calls.submit(process.create, f"copy{i}", props) for i, props in enumerate(checked)]
    eventually(lambda: in_progress(region) == 5, "5 copies in progress")
    # The two creates beyond AWS's limit asked CopyBackup, which refused them: they wait for a slot.
    eventually(lambda: fsx_remote.calls("CopyBackup", region) >= 7, "the creates beyond the limit refused")

    assert fsx_remote.max_in_progress(region) == 5
    assert not any(create.done() for create in creates)
    cancel(process)
    errors = [outcome(create) for create in creates]
    assert all(isinstance(error, ProviderError) for error in errors)
    assert len(live_copies(region)) == 5


def test_without_the_adaptation_the_provider_still_works_at_the_sdks_concurrency(
    start: Start, fsx_remote: RemoteEmulator, source: str, calls: ThreadPoolExecutor
) -> None:
    """An SDK whose server cannot be adapted: a warning on stderr, and copies are still made."""
    process = start((OLD_SDK_DIR,))
    checked = [process.check(f"copy{i}", {}, inputs(source, f"copy{i}")).inputs for i in range(6)]
    made = [outcome(calls.submit(process.create, f"copy{i}", props)) for i, props in enumerate(checked)]

    assert all(isinstance(result, tuple) and result[1]["lifecycle"] == "AVAILABLE" for result in made)
    warnings = [line for line in process.stderr_text.splitlines() if "could not adapt" in line]
    assert len(warnings) == 1, process.stderr_text
    assert "4 engine calls at a time" in warnings[0] and "Ctrl-C" in warnings[0]


def test_without_the_adaptation_an_error_keeps_the_sdks_traceback_with_the_message_last(
    start: Start, source: str
) -> None:
    """An SDK whose server cannot be adapted: a BackupCopyError is shown as that SDK shows it (a traceback
    or grpc's "Exception calling application: <message>"), its message on the last line, and stderr says so."""
    process = start((OLD_SDK_DIR,))
    checked = process.check("bad", {}, inputs("backup-00000000000000bad", "bad")).inputs
    with pytest.raises(ProviderError) as caught:
        process.create("bad", checked)

    assert not caught.value.details.startswith("pulumi_fsx_copy.errors."), "not adapted, yet diagnosed"
    assert "source backup backup-00000000000000bad was not found" in caught.value.last_line
    assert caught.value.details.startswith(("Traceback (most recent call last):", "Exception calling application: "))
    assert "traceback" in next(line for line in process.stderr_text.splitlines() if "could not adapt" in line)
