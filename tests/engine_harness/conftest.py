"""Fixtures for the engine harness tests: the toy provider importable here and in the provider process."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from toy_provider import ToyProvider  # noqa: E402

from devkit.driver import ProviderProcess, Secret, provider_input  # noqa: E402


@pytest.fixture
def make_process() -> Iterator[Callable[..., ProviderProcess]]:
    """Factory of started provider processes that can import ``toy_provider``; all stopped afterwards."""
    started: list[ProviderProcess] = []

    def make(**kwargs: Any) -> ProviderProcess:
        process = ProviderProcess(pythonpath=[str(HERE)], **kwargs)
        started.append(process)
        process.start()
        return process

    yield make
    for process in started:
        process.stop()


@pytest.fixture(scope="module")
def proc() -> Iterator[ProviderProcess]:
    """A provider process shared by a module's tests."""
    with ProviderProcess(pythonpath=[str(HERE)]) as process:
        yield process


@pytest.fixture(scope="module")
def provider() -> str | Secret[str]:
    """``__provider`` as ``dynamic.Resource`` registers it (a secret)."""
    return provider_input(ToyProvider())
