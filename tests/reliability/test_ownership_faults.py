"""Ownership faults only a driver of the provider process can place (issue 15: 3, 6, 7, 8): Cancel inside the
steps before the claim, a tag value in AWS's CopyBackup message, throttled listing pages, a token whose
tags AWS refuses."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import empty_pb2

from devkit.driver import ProviderError
from pulumi_fsx_copy.rules.identity import OWNER_TAG
from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from tests.support.reliability import DR_REGION, copies, fsx, inputs, start_provider
from tests.support.waits import eventually

pytestmark = pytest.mark.scenario(
    "8",
    "Ownership faults",
    "Cancel inside the KMS look-up before the claim (CopyCancelledError, the copy left free, the next run adopts "
    "it with no CopyBackup); a tag value in AWS's CopyBackup message (withheld); every 5th listing call throttled "
    "with 20 pages (each page retried alone, the create succeeds); a token with more tags than AWS allows (fails "
    "before any copy)",
)

SECRET = "s3cr3t-In-Aws-Message"


def _owner(backup_id: str) -> str:
    backup = fsx(DR_REGION).describe_backups(BackupIds=[backup_id])["Backups"][0]
    return {t["Key"]: t["Value"] for t in backup.get("Tags", [])}[OWNER_TAG]


def _wait_for(path: Path) -> None:
    eventually(path.exists, f"reached {path.name}", timeout=120, interval=0.05)


def test_cancel_during_the_kms_look_up_hands_the_copy_to_the_engine_and_the_next_run_resumes_it(
    fsx_server: EmulatorServer, fsx_remote: RemoteEmulator, tmp_path: Path
) -> None:
    """Issue 15, 3 and issue 24: Cancel while the outputs' KMS look-up is retried: a CopyCancelledError (not a
    raw WaitCancelled) whose status hands the claimed copy to the engine (ErrorResourceInitFailed); the next
    run's Update (what the engine runs for a resource with init errors) resumes the same copy."""
    source = fsx_remote.seed_backup("us-east-1")
    gate = tmp_path / "kms-gate"
    process = start_provider(fsx_server.url, PFC_TEST_KMS_GATE=str(gate))
    try:
        checked = process.check("dr-copy", {}, inputs(source)).inputs
        with ThreadPoolExecutor(1) as pool:
            create = pool.submit(process.create, "dr-copy", checked)
            _wait_for(Path(str(gate) + ".reached"))
            process._call("Cancel", empty_pb2.Empty())
            gate.touch()
            with pytest.raises(ProviderError) as caught:
                create.result(timeout=120)
        assert "CopyCancelledError" in str(caught.value) and "WaitCancelled" not in str(caught.value)
    finally:
        process.stop()
    [copy] = copies(DR_REGION)
    recorded = caught.value.init_failed
    assert recorded is not None and recorded.id == copy["BackupId"]
    assert _owner(copy["BackupId"]) == f"claim:{recorded.outputs['__claim']}"

    fsx_remote.reset_calls()
    again = start_provider(fsx_server.url)
    try:
        news = again.check("dr-copy", recorded.outputs, inputs(source)).inputs
        outs = again.update("dr-copy", recorded.id, recorded.outputs, news)
    finally:
        again.stop()
    assert fsx_remote.calls("CopyBackup") == 0 and outs["lifecycle"] == "AVAILABLE"
    assert _owner(recorded.id) == f"claim:{outs['__claim']}" and outs["__claim"] == recorded.outputs["__claim"]


def test_a_tag_value_in_aws_copy_backup_message_is_withheld(
    fsx_server: EmulatorServer, fsx_remote: RemoteEmulator
) -> None:
    """Issue 15, 6: CopyBackup sends the declared tags; AWS's message may repeat one, and the error never does."""
    source = fsx_remote.seed_backup("us-east-1")
    process = start_provider(fsx_server.url)
    try:
        checked = process.check("dr-copy", {}, inputs(source, tags={"credential": SECRET})).inputs
        fsx_remote.fail_next("CopyBackup", "BadRequest", message=f"Tag value {SECRET} of key credential is invalid")
        with pytest.raises(ProviderError) as caught:
            process.create("dr-copy", checked)
    finally:
        process.stop()
    assert "InvalidInputError" in str(caught.value) and "[copying" in str(caught.value)
    assert SECRET not in str(caught.value)
    assert copies(DR_REGION) == []


def test_a_throttled_page_is_retried_on_its_own(fsx_server: EmulatorServer, fsx_remote: RemoteEmulator) -> None:
    """Issue 15, 7: with 200 other copies in the destination (20 pages) and every 5th DescribeBackups throttled,
    the create lists every page and makes its copy (a restart of the whole listing on a throttle never would)."""
    fsx_remote.configure(page_size=10)
    source = fsx_remote.seed_backup("us-east-1")
    for _ in range(200):
        fsx_remote.seed_backup(DR_REGION)
    process = start_provider(fsx_server.url, PFC_TEST_THROTTLE_EVERY="5")
    try:
        backup_id, outs = process.create("dr-copy", process.check("dr-copy", {}, inputs(source)).inputs)
    finally:
        process.stop()
    assert outs["lifecycle"] == "AVAILABLE" and [c["BackupId"] for c in copies(DR_REGION)] == [backup_id]


def test_a_token_with_more_tags_than_aws_allows_fails_before_any_copy(
    fsx_server: EmulatorServer, fsx_remote: RemoteEmulator
) -> None:
    """Issue 15, 8: client_request_token, copy_tags and 47 declared tags: the declared tags go with CopyBackup,
    so AWS refuses the request itself; no whole copy is made only for its claim to fail on every re-run."""
    source = fsx_remote.seed_backup("us-east-1", tags={"team": "storage", "env": "prod"})
    declared: dict[str, Any] = {f"k{i}": f"value-{i}" for i in range(47)}
    process = start_provider(fsx_server.url)
    try:
        bag = inputs(source, tags=declared, copy_tags=True, client_request_token="dr-token")
        checked = process.check("dr-copy", {}, bag)
        assert checked.failures == []
        with pytest.raises(ProviderError) as caught:
            process.create("dr-copy", checked.inputs)
    finally:
        process.stop()
    message = str(caught.value)
    assert "TaggingError" in message and "No copy was made" in message and "copy_tags" in message, message
    assert copies(DR_REGION) == []
