"""Fixtures of the concurrency tests: provider processes, and threads for concurrent calls (the source
backup is the root conftest's ``source``, from the plugin's ``fsx_source_backups``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from devkit.aws import provider_env
from devkit.driver import ProviderProcess
from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from tests.support.concurrency import DR_REGIONS, HANG_SECONDS, PROJECT, STACK


@pytest.fixture
def start(
    fsx_server: EmulatorServer, fsx_remote: RemoteEmulator, calls: ThreadPoolExecutor
) -> Iterator[Callable[..., ProviderProcess]]:
    """Start configured provider processes against the emulator server; all are stopped at the end, before
    the threads of ``calls`` are joined (stopping a process ends the calls still waiting on it)."""
    started: list[ProviderProcess] = []

    def _start(pythonpath: tuple[str, ...] = ()) -> ProviderProcess:
        process = ProviderProcess(
            env=provider_env(fsx_server.url, time_scale="0.01"),
            project=PROJECT,
            stack=STACK,
            pythonpath=pythonpath,
            call_timeout=HANG_SECONDS * 2,
        )
        started.append(process)
        process.start()
        process.configure({"aws:region": DR_REGIONS[0]})
        return process

    yield _start
    for process in started:
        process.stop()


@pytest.fixture
def calls() -> Iterator[ThreadPoolExecutor]:
    """Threads that make the engine's concurrent calls."""
    with ThreadPoolExecutor(max_workers=32) as pool:
        yield pool
