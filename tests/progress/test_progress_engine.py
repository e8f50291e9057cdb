"""The engine's path: the real ``python -m pulumi.dynamic`` provider started with a (fake) engine's
address, as the engine starts it, reporting a copy's progress while create waits."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pulumi_fsx_copy import BackupCopyProvider
from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from pulumi_fsx_copy.testing.engine import ProviderProcess, provider_input
from pulumi_fsx_copy.testing.fake_engine import FakeEngine, LogRecord, unused_address

SOURCE_REGION = "us-east-1"
DR_REGION = "us-west-2"
NAME = "dr-copy"
COPY_SECONDS = 3.0
STATUS = re.compile(r"^copy (backup-[0-9a-f]+) into (\S+): (?:(\d+)% )?\(?([A-Z]+)\)?$")


@pytest.fixture
def fake_engine() -> Iterator[FakeEngine]:
    with FakeEngine() as engine:
        yield engine


@pytest.fixture
def source_backup(fsx_remote: RemoteEmulator) -> str:
    fsx_remote.configure(copy_seconds=COPY_SECONDS)  # reset to the server's default by the next fsx_remote
    return fsx_remote.seed_backup(SOURCE_REGION)


@pytest.fixture
def start_provider(fsx_server: EmulatorServer) -> Iterator[Callable[[str | None], ProviderProcess]]:
    """Start a configured provider process, with the given engine address on its command line."""
    started: list[ProviderProcess] = []

    def start(engine_address: str | None) -> ProviderProcess:
        env = {
            "AWS_ENDPOINT_URL": fsx_server.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "PULUMI_FSX_COPY_TIME_SCALE": "0.02",
        }
        process = ProviderProcess(env=env, project="dr", stack="prod", engine_address=engine_address)
        started.append(process)
        process.start()
        process.configure({"aws:region": DR_REGION})
        return process

    yield start
    for process in started:
        process.stop()


def create(engine: ProviderProcess, source_backup: str, name: str = NAME) -> tuple[str, dict[str, Any]]:
    news = {
        "source_backup_id": source_backup,
        "source_region": SOURCE_REGION,
        "resource_identity": f"dr/prod/{name}",
        "__provider": provider_input(BackupCopyProvider()),
    }
    checked = engine.check(name, {}, news)
    assert checked.failures == []
    return engine.create(name, checked.inputs)


def progress(records: list[LogRecord]) -> list[tuple[int | None, str]]:
    """``(percent, lifecycle)`` of each status message."""
    parsed = []
    for record in records:
        match = STATUS.match(record.message)
        assert match, record.message
        percent = match.group(3)
        parsed.append((int(percent) if percent is not None else None, match.group(4)))
    return parsed


def assert_rising_to_available(records: list[LogRecord], backup_id: str) -> None:
    assert len(records) >= 2, records
    assert all(r.ephemeral and r.severity == "info" for r in records)
    assert all(f"copy {backup_id} into {DR_REGION}:" in r.message for r in records)
    steps = progress(records)
    percents = [p if p is not None else -1 for p, _ in steps]
    assert percents == sorted(percents) and percents[0] < 100
    assert steps[-1] == (100, "AVAILABLE")


def test_create_shows_rising_progress_on_the_resource(
    start_provider: Callable[[str | None], ProviderProcess], fake_engine: FakeEngine, source_backup: str
) -> None:
    engine = start_provider(fake_engine.address)
    backup_id, outs = create(engine, source_backup)
    assert outs["lifecycle"] == "AVAILABLE"

    urn = engine.urn(NAME)
    assert [r.urn for r in fake_engine.logs] == [urn] * len(fake_engine.logs)
    assert_rising_to_available(fake_engine.status_messages(urn), backup_id)
    assert "pulumi_fsx_copy:" not in engine.stderr_text  # the engine took every message


def test_parallel_creates_report_on_their_own_resources(
    start_provider: Callable[[str | None], ProviderProcess], fake_engine: FakeEngine, source_backup: str
) -> None:
    engine = start_provider(fake_engine.address)
    results: dict[str, str] = {}

    def run(name: str) -> None:
        results[name] = create(engine, source_backup, name)[0]

    threads = [threading.Thread(target=run, args=(name,)) for name in ("copy-a", "copy-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(results) == {"copy-a", "copy-b"} and results["copy-a"] != results["copy-b"]
    for name, backup_id in results.items():
        assert_rising_to_available(fake_engine.status_messages(engine.urn(name)), backup_id)
    assert {r.urn for r in fake_engine.logs} == {engine.urn("copy-a"), engine.urn("copy-b")}


def test_an_unreachable_engine_does_not_fail_the_create(
    start_provider: Callable[[str | None], ProviderProcess], source_backup: str
) -> None:
    engine = start_provider(unused_address())
    backup_id, outs = create(engine, source_backup)
    assert outs["lifecycle"] == "AVAILABLE"
    # Progress went to the provider's stderr, which the engine shows as diagnostics of dynamic providers.
    assert f"pulumi_fsx_copy: {NAME}: copy {backup_id} into {DR_REGION}: 100% (AVAILABLE)" in engine.stderr_text


def test_without_an_engine_address_the_create_succeeds_and_progress_goes_to_stderr(
    start_provider: Callable[[str | None], ProviderProcess], source_backup: str
) -> None:
    engine = start_provider(None)
    backup_id, outs = create(engine, source_backup)
    assert outs["lifecycle"] == "AVAILABLE"
    assert f"pulumi_fsx_copy: {NAME}: copy {backup_id} into {DR_REGION}: 100% (AVAILABLE)" in engine.stderr_text


def test_an_engine_that_went_away_does_not_fail_the_create(
    start_provider: Callable[[str | None], ProviderProcess], source_backup: str
) -> None:
    with FakeEngine() as gone:
        engine = start_provider(gone.address)
    backup_id, outs = create(engine, source_backup)
    assert outs["lifecycle"] == "AVAILABLE"
    assert f"copy {backup_id} into {DR_REGION}: 100% (AVAILABLE)" in engine.stderr_text
