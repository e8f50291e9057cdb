"""Classes 2 and 4 of issue 24, in-process against the emulator (botocore event hooks place each race):
a copy whose owner tag is missing or unreadable is never adopted nor swept, and a sweep takes an orphan
(lease, settle, read back) before it deletes it, and reads it again before each retry."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import boto3
import pulumi
import pytest

from pulumi_fsx_copy import BackupCopyProvider, CopyTimeoutError
from pulumi_fsx_copy.aws.ownership import FREE, lease_value
from pulumi_fsx_copy.rules.identity import OWNER_TAG
from pulumi_fsx_copy.testing import InProcessEmulator
from tests.support.provider import DR_REGION, copies_in

Props = Callable[..., dict[str, Any]]


def _fsx() -> Any:
    return boto3.client("fsx", region_name=DR_REGION)


def _owner(backup_id: str) -> str | None:
    backup = _fsx().describe_backups(BackupIds=[backup_id])["Backups"][0]
    return {t["Key"]: t["Value"] for t in backup.get("Tags") or []}.get(OWNER_TAG)


def _set_owner(backup_id: str, value: str | None) -> None:
    arn = _fsx().describe_backups(BackupIds=[backup_id])["Backups"][0]["ResourceARN"]
    if value is None:
        _fsx().untag_resource(ResourceARN=arn, TagKeys=[OWNER_TAG])
    else:
        _fsx().tag_resource(ResourceARN=arn, Tags=[{"Key": OWNER_TAG, "Value": value}])


def _left_behind(provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator) -> str:
    """A copy of this resource that a create which timed out left unrecorded and released (in-process, no
    engine can be told: the fallback of the old protocol)."""
    fsx_emulator.configure(copy_seconds=2)
    with pytest.raises(CopyTimeoutError):
        provider.create(props(wait_timeout_minutes=0.005))
    [copy] = copies_in(DR_REGION)
    assert _owner(copy["BackupId"]) == FREE
    fsx_emulator.configure(copy_seconds=0.1)
    return str(copy["BackupId"])


@pytest.fixture
def warned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    messages: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *_, **__: messages.append(message))
    return messages


@pytest.mark.parametrize("owner", [None, "garbage-value"], ids=["removed", "unreadable"])
def test_a_copy_whose_owner_tag_is_missing_or_unreadable_is_neither_adopted_nor_swept(
    provider: BackupCopyProvider,
    props: Props,
    fsx_emulator: InProcessEmulator,
    warned: list[str],
    owner: str | None,
) -> None:
    ambiguous = _left_behind(provider, props, fsx_emulator)
    _set_owner(ambiguous, owner)

    made = provider.create(props())  # the same resource, the same inputs
    assert made.id != ambiguous
    assert any(ambiguous in w and "neither adopted nor deleted" in w for w in warned), warned

    provider.delete(made.id, made.outs or {})  # its destroy sweeps this resource's orphans
    assert [c["BackupId"] for c in copies_in(DR_REGION)] == [ambiguous]
    assert _owner(ambiguous) == owner


def test_an_orphan_another_run_takes_while_the_sweep_takes_it_is_left_alone(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator
) -> None:
    """The orphan reads `free` in the destroy's listing; the sweep writes its lease, and another run writes its
    own right after: the sweep's read-back (after settling) sees the other run's lease and deletes nothing."""
    orphan = _left_behind(provider, props, fsx_emulator)
    held = provider.create(props(client_request_token="held-copy"))
    other = lease_value("another-run", time.time())

    def another_run_writes_last(**_: Any) -> None:
        if _owner(orphan) != other:
            _set_owner(orphan, other)

    provider._clients.fsx(DR_REGION).meta.events.register("after-call.fsx.TagResource", another_run_writes_last)
    provider.delete(held.id, held.outs or {})

    assert [c["BackupId"] for c in copies_in(DR_REGION)] == [orphan]
    assert _owner(orphan) == other


def test_a_swept_orphan_taken_by_another_run_before_a_retry_is_not_deleted(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator
) -> None:
    """The sweep took the orphan; its DeleteBackup is answered "throttled", and before the retry another run
    writes its lease: the owner tag is read again before the retry, and the deletion stops."""
    orphan = _left_behind(provider, props, fsx_emulator)
    held = provider.create(props(client_request_token="held-copy"))
    other = lease_value("another-run", time.time())
    deletes: list[int] = []

    def on_delete(http_response: Any = None, **_: Any) -> None:
        deletes.append(http_response.status_code if http_response is not None else 0)
        if len(deletes) == 1:  # the held copy's went through: the orphan's first attempt is throttled
            fsx_emulator.fail_next("DeleteBackup", "ThrottlingException", count=1)
        elif deletes[-1] >= 400:
            _set_owner(orphan, other)

    provider._clients.fsx(DR_REGION).meta.events.register("after-call.fsx.DeleteBackup", on_delete)
    provider.delete(held.id, held.outs or {})

    assert len(deletes) == 2, deletes  # the held copy's, then the orphan's throttled one: no retry
    assert [c["BackupId"] for c in copies_in(DR_REGION)] == [orphan]
    assert _owner(orphan) == other
