"""ProgressReporter in-process, against the fake engine: what is sent, when, and what happens without one."""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from pulumi.runtime.proto import provider_pb2

from pulumi_fsx_copy.engine.progress import (
    ENGINE_ADDRESS_ENV,
    ProgressReporter,
    current_urn,
    engine_address_from_argv,
    format_message,
    waiting_message,
)
from pulumi_fsx_copy.errors import CopyLimitExceededError, SourceBackupUnavailableError
from tests.support.fake_engine import FakeEngine, unused_address

URN = "urn:pulumi:prod::dr::pulumi-python:dynamic/fsx:BackupCopy::dr-copy"
COPY = "backup-0123456789abcdef0"
REGION = "us-west-2"


@pytest.fixture
def fake_engine() -> Iterator[FakeEngine]:
    with FakeEngine() as engine:
        yield engine


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["127.0.0.1:50051"], "127.0.0.1:50051"),
        (["--logtostderr", "-v=9", "--tracing", "127.0.0.1:9411", "127.0.0.1:50051"], "127.0.0.1:50051"),
        (["localhost:50051"], "localhost:50051"),
        (["[::1]:50051"], "[::1]:50051"),
        (["--tracing", "127.0.0.1:9411"], None),
        (["tests/progress"], None),
        ([], None),
    ],
)
def test_engine_address_from_the_plugin_command_line(args: list[str], expected: str | None) -> None:
    assert engine_address_from_argv(args) == expected


def test_command_line_is_read_only_in_the_dynamic_provider_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENGINE_ADDRESS_ENV, raising=False)
    monkeypatch.setattr(sys, "argv", ["pytest", "127.0.0.1:50051"])
    assert ProgressReporter.from_environment().engine_address is None


def test_environment_names_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENGINE_ADDRESS_ENV, "127.0.0.1:50051")
    assert ProgressReporter.from_environment().engine_address == "127.0.0.1:50051"
    monkeypatch.setenv(ENGINE_ADDRESS_ENV, "not an address")
    assert ProgressReporter.from_environment().engine_address is None


def test_message_format() -> None:
    assert format_message(COPY, "COPYING", 42, REGION) == f"copy {COPY} into {REGION}: 42% (COPYING)"
    assert format_message(COPY, "PENDING", None, REGION) == f"copy {COPY} into {REGION}: PENDING"


def test_status_messages_once_per_ten_percent(fake_engine: FakeEngine) -> None:
    stream = io.StringIO()
    reporter = ProgressReporter(fake_engine.address, stream=stream)
    reporter.report(URN, COPY, "PENDING", None, REGION)
    for percent in range(100):
        reporter.report(URN, COPY, "COPYING", percent, REGION)
    reporter.report(URN, COPY, "AVAILABLE", 100, REGION)

    logs = fake_engine.logs
    assert all(r.ephemeral and r.severity == "info" and r.urn == URN for r in logs)
    assert [r.message for r in logs] == [
        format_message(COPY, "PENDING", None, REGION),
        *(format_message(COPY, "COPYING", p, REGION) for p in range(0, 100, 10)),
        format_message(COPY, "AVAILABLE", 100, REGION),
    ]
    assert stream.getvalue() == ""
    assert reporter.connected


def test_a_waiting_create_says_what_it_waits_for_once_per_reason(fake_engine: FakeEngine) -> None:
    reporter = ProgressReporter(fake_engine.address)
    slot = CopyLimitExceededError("quota", region=REGION, operation="CopyBackup")
    source = SourceBackupUnavailableError("not yet", source_backup_id=COPY, source_region="us-east-1")
    for error in (source, source, slot, slot):
        reporter.waiting(URN, error)
    reporter.waiting(None, slot)

    assert [(r.urn, r.message) for r in fake_engine.logs] == [
        (URN, waiting_message(source)),
        (URN, waiting_message(slot)),
        ("", waiting_message(slot)),
    ]
    assert all(r.ephemeral for r in fake_engine.logs)
    assert waiting_message(slot).startswith(f"waiting for a copy slot in {REGION}: FSx allows 5 copies")
    assert waiting_message(source).startswith(f"waiting for source backup {COPY} in us-east-1 to become AVAILABLE")


def test_a_lifecycle_change_is_reported_within_a_step(fake_engine: FakeEngine) -> None:
    reporter = ProgressReporter(fake_engine.address)
    reporter.report(URN, COPY, "COPYING", 41, REGION)
    reporter.report(URN, COPY, "COPYING", 42, REGION)
    reporter.report(URN, COPY, "FAILED", 42, REGION)
    assert [r.message for r in fake_engine.logs] == [
        format_message(COPY, "COPYING", 41, REGION),
        format_message(COPY, "FAILED", 42, REGION),
    ]


def test_each_copy_has_its_own_steps(fake_engine: FakeEngine) -> None:
    reporter = ProgressReporter(fake_engine.address)
    other_urn, other_copy = URN.replace("dr-copy", "other"), "backup-0fedcba9876543210"
    for percent in (5, 15):
        reporter.report(URN, COPY, "COPYING", percent, REGION)
        reporter.report(other_urn, other_copy, "COPYING", percent, REGION)
    assert [(r.urn, r.message) for r in fake_engine.logs] == [
        (URN, format_message(COPY, "COPYING", 5, REGION)),
        (other_urn, format_message(other_copy, "COPYING", 5, REGION)),
        (URN, format_message(COPY, "COPYING", 15, REGION)),
        (other_urn, format_message(other_copy, "COPYING", 15, REGION)),
    ]


def test_threads_sharing_a_reporter_report_each_step_once(fake_engine: FakeEngine) -> None:
    reporter = ProgressReporter(fake_engine.address)

    def poll() -> None:
        for percent in range(100):
            reporter.report(URN, COPY, "COPYING", percent, REGION)

    threads = [threading.Thread(target=poll) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    messages = [r.message for r in fake_engine.logs]
    assert len(messages) == len(set(messages))
    assert format_message(COPY, "COPYING", 0, REGION) in messages


def test_a_missing_urn_still_reaches_the_engine_as_a_stack_status(fake_engine: FakeEngine) -> None:
    ProgressReporter(fake_engine.address).report(None, COPY, "COPYING", 7, REGION)
    assert [(r.urn, r.ephemeral) for r in fake_engine.logs] == [("", True)]


def test_without_an_engine_progress_goes_to_the_stream() -> None:
    stream = io.StringIO()
    reporter = ProgressReporter(None, stream=stream)
    reporter.report(URN, COPY, "COPYING", 42, REGION)
    reporter.report(None, COPY, "AVAILABLE", 100, REGION)
    assert stream.getvalue().splitlines() == [
        f"pulumi_fsx_copy: dr-copy: {format_message(COPY, 'COPYING', 42, REGION)}",
        f"pulumi_fsx_copy: {format_message(COPY, 'AVAILABLE', 100, REGION)}",
    ]
    assert not reporter.connected


def test_silent_reporter_reports_nowhere(capsys: pytest.CaptureFixture[str]) -> None:
    ProgressReporter.silent().report(URN, COPY, "COPYING", 42, REGION)
    assert capsys.readouterr() == ("", "")


def test_an_unreachable_engine_falls_back_to_the_stream_then_is_given_up() -> None:
    stream = io.StringIO()
    reporter = ProgressReporter(unused_address(), stream=stream, timeout=5.0)
    for percent in (0, 10, 20, 30):
        reporter.report(URN, COPY, "COPYING", percent, REGION)
    lines = stream.getvalue().splitlines()
    for percent in (0, 10, 20, 30):
        assert f"pulumi_fsx_copy: dr-copy: {format_message(COPY, 'COPYING', percent, REGION)}" in lines
    assert sum("did not take status messages (UNAVAILABLE)" in line for line in lines) == 1
    assert not reporter.connected


def test_a_slow_engine_is_not_waited_for() -> None:
    stream = io.StringIO()
    with FakeEngine(log_delay=2.0) as engine:
        ProgressReporter(engine.address, stream=stream, timeout=0.1).report(URN, COPY, "COPYING", 42, REGION)
    # The call timed out (DEADLINE_EXCEEDED), so the message went to the stream instead.
    assert format_message(COPY, "COPYING", 42, REGION) in stream.getvalue()


class _BrokenStream(io.StringIO):
    def write(self, text: str) -> int:
        raise RuntimeError("stream is broken")


def test_reporting_never_raises() -> None:
    reporter = ProgressReporter(None, stream=_BrokenStream())
    reporter.report(URN, COPY, "COPYING", 42, REGION)
    reporter.report(URN, COPY, "COPYING", "not a number", REGION)
    reporter.report(URN, COPY, None, object(), REGION)


def _serve(request: Any) -> str | None:
    """Plays the dynamic provider server: the engine's request is a local named ``request``."""
    return _provider_create()


def _provider_create() -> str | None:
    return current_urn()


def test_current_urn_is_the_urn_of_the_request_being_served() -> None:
    assert _serve(provider_pb2.CreateRequest(urn=URN)) == URN
    assert _serve(SimpleNamespace(urn=URN)) == URN


def test_current_urn_is_none_outside_a_request() -> None:
    assert _provider_create() is None
    assert _serve({"urn": URN}) is None
