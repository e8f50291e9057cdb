"""Fixtures of the concurrency tests: a source backup, provider processes, and threads for concurrent calls."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from concurrency_support import DR_REGIONS, HANG_SECONDS, PROJECT, SOURCE_REGION, STACK
from provider_driver import ProviderProcess

from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator


@pytest.fixture
def source(fsx_remote: RemoteEmulator) -> str:
    return fsx_remote.seed_backup(SOURCE_REGION)


@pytest.fixture
def start(
    fsx_server: EmulatorServer, fsx_remote: RemoteEmulator, calls: ThreadPoolExecutor
) -> Iterator[Callable[..., ProviderProcess]]:
    """Start configured provider processes against the emulator server; all are stopped at the end, before
    the threads of ``calls`` are joined (stopping a process ends the calls still waiting on it)."""
    started: list[ProviderProcess] = []

    def _start(pythonpath: tuple[str, ...] = ()) -> ProviderProcess:
        env = {"AWS_ENDPOINT_URL": fsx_server.url, "PULUMI_FSX_COPY_TIME_SCALE": "0.01"}
        process = ProviderProcess(
            env=env, project=PROJECT, stack=STACK, pythonpath=pythonpath, call_timeout=HANG_SECONDS * 2
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
