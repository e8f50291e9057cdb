"""The gateway: one retry policy (checkers apart from the sleeping), pages() retrying each page on its own, every
wait the deadline's (Cancel heard), and backups answered as typed Backups, against the in-process emulator."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from pulumi_fsx_copy.aws.backup import Backup
from pulumi_fsx_copy.aws.clients import AwsClients
from pulumi_fsx_copy.aws.gateway import MAX_TRANSIENT_RETRIES, RETRY_CHECKER, AwsGateway, RetryContext
from pulumi_fsx_copy.engine.waiting import Backoff, CancelSignal, Deadline, PollPolicy, WaitCancelled
from pulumi_fsx_copy.errors import AccessDeniedError, ErrorContext, ThrottledError, map_error
from pulumi_fsx_copy.rules.awsconfig import AwsSettings
from pulumi_fsx_copy.testing import InProcessEmulator

REGION = "us-east-1"
CONTEXT = ErrorContext(operation="DescribeBackups", region=REGION)


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_FSX_COPY_TIME_SCALE", "0.01")


def throttle_each_page(gateway: AwsGateway, times: int) -> Counter[str]:
    """Answer the first ``times`` attempts at each DescribeBackups page "throttled"; the attempts per page."""
    attempts: Counter[str] = Counter()

    def throttle(params: dict[str, Any], **_: Any) -> None:
        page = str(params.get("NextToken"))
        attempts[page] += 1
        if attempts[page] <= times:
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "DescribeBackups")

    gateway.clients.fsx(REGION).meta.events.register("before-parameter-build.fsx.DescribeBackups", throttle)
    return attempts


def test_each_page_is_retried_on_its_own_under_the_one_policy(fsx_emulator: InProcessEmulator) -> None:
    seeded = [fsx_emulator.seed_backup(REGION) for _ in range(3)]
    gateway = AwsGateway.for_settings(AwsSettings())
    attempts = throttle_each_page(gateway, MAX_TRANSIENT_RETRIES)

    listed = gateway.list_backups(CONTEXT, Deadline(60), REGION, {})

    assert [b.backup_id for b in listed] == seeded
    assert len(attempts) == 3, "the emulator answers one backup a page"
    assert set(attempts.values()) == {MAX_TRANSIENT_RETRIES + 1}


def test_a_page_throttled_past_the_budget_fails_naming_the_retries(fsx_emulator: InProcessEmulator) -> None:
    fsx_emulator.seed_backup(REGION)
    gateway = AwsGateway.for_settings(AwsSettings())
    throttle_each_page(gateway, MAX_TRANSIENT_RETRIES + 1)

    with pytest.raises(ThrottledError, match=f"after {MAX_TRANSIENT_RETRIES} retries"):
        gateway.list_backups(CONTEXT, Deadline(60), REGION, {})


def test_a_retry_wait_ends_when_cancelled(fsx_emulator: InProcessEmulator) -> None:
    gateway = AwsGateway(AwsClients(AwsSettings()), PollPolicy(), Backoff(initial=600, cap=600))
    throttle_each_page(gateway, MAX_TRANSIENT_RETRIES)
    cancel = CancelSignal()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()

    with pytest.raises(WaitCancelled):
        gateway.list_backups(CONTEXT, Deadline(3600, cancel), REGION, {})
    assert time.monotonic() - started < 60, "the 10-minute wait was not cut short"


def _failure(exc: BaseException, operation: str = "DescribeBackups", transient: int = 0) -> RetryContext:
    context = RetryContext(operation, transient=transient)
    context.failed(exc, map_error(exc, ErrorContext(operation=operation, region=REGION)))
    return context


def _client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "DescribeBackups")


def test_the_checkers_retry_what_may_succeed_later_within_the_transient_budget() -> None:
    assert RETRY_CHECKER.is_retryable(_failure(_client_error("ThrottlingException")))
    assert RETRY_CHECKER.is_retryable(_failure(EndpointConnectionError(endpoint_url="https://fsx.example")))
    assert RETRY_CHECKER.is_retryable(
        _failure(_client_error("ThrottlingException"), transient=MAX_TRANSIENT_RETRIES - 1)
    )
    assert not RETRY_CHECKER.is_retryable(
        _failure(_client_error("ThrottlingException"), transient=MAX_TRANSIENT_RETRIES)
    )
    assert not RETRY_CHECKER.is_retryable(_failure(_client_error("AccessDeniedException")))
    assert not RETRY_CHECKER.is_retryable(_failure(AccessDeniedError("denied", operation="DescribeBackups")))


def test_a_transient_failure_after_another_kind_starts_the_budget_again() -> None:
    context = _failure(_client_error("ThrottlingException"), transient=MAX_TRANSIENT_RETRIES - 1)
    busy = _client_error("BackupInProgress")
    context.failed(busy, map_error(busy, ErrorContext(operation="DeleteBackup", region=REGION)))
    assert context.transient == 0


def test_backups_come_typed_with_their_times_parsed(fsx_emulator: InProcessEmulator) -> None:
    backup_id = fsx_emulator.seed_backup(REGION, file_system_type="ONTAP", resource_type="VOLUME")
    gateway = AwsGateway.for_settings(AwsSettings())

    backup = gateway.describe_backup(REGION, backup_id, Deadline(60))

    assert isinstance(backup, Backup) and backup.backup_id == backup_id
    assert backup.creation_time is not None and backup.creation_time.tzinfo is not None
    assert backup.volume_id and backup.file_system_id and backup.file_system_type == "ONTAP"
    assert backup.resource_arn and backup.resource_arn.endswith(backup_id)


def test_a_backup_is_read_from_what_aws_answers() -> None:
    naive = datetime(2026, 1, 31, 2, 0)
    answer = {
        "BackupId": "backup-0123456789abcdef0",
        "Lifecycle": "FAILED",
        "CreationTime": naive,
        "FailureDetails": {"Message": "grant revoked"},
        "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b"}],
        "FileSystem": {"FileSystemId": "fs-0123456789abcdef0", "StorageType": "SSD"},
    }

    backup = Backup.from_aws(answer)

    assert backup.creation_time == naive.replace(tzinfo=timezone.utc)
    assert backup.failure_message == "grant revoked" and backup.lifecycle == "FAILED"
    assert backup.tags == {"a": "1", "b": ""}
    assert backup.file_system_id == backup.described_file_system_id == "fs-0123456789abcdef0"
    assert backup.progress_percent is None and backup.source_backup_id is None
    assert Backup.from_aws({"BackupId": "b", "CreationTime": 0}).creation_time == datetime(
        1970, 1, 1, tzinfo=timezone.utc
    )
