"""The program tests' shared fixture: Pulumi's mocks, recording what the program registers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pulumi
import pytest

from tests.support.program import RecordingMocks


@pytest.fixture
def mocks() -> Iterator[RecordingMocks]:
    """Mocks on an event loop of this test's own (other tests may have closed the thread's loop)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    recording = RecordingMocks()
    pulumi.runtime.set_mocks(recording, project="dr", stack="prod", preview=False)
    yield recording
    asyncio.set_event_loop(None)
    loop.close()
