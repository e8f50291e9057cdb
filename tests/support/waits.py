"""Waiting in a test for something another thread or process makes happen."""

from __future__ import annotations

import time
from collections.abc import Callable


def eventually(condition: Callable[[], bool], what: str, *, timeout: float = 60.0, interval: float = 0.1) -> None:
    """Return once ``condition()`` holds; fail the test (naming ``what``) if it has not after ``timeout`` s.

    ``timeout`` bounds a hang, it is not a timing: a test waits as long as the thing takes, up to it."""
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, f"never saw: {what}"
        time.sleep(interval)
