"""The emulator behind a server: :class:`RemoteEmulator` (controls over HTTP), :class:`EmulatorServer`."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from .control import Emulator
from .exceptions import EmulatorError

CONTROL_PREFIX: Final = "/_fsx_copy/"
"""Path prefix of the server's control endpoints: ``POST /_fsx_copy/<control>`` with the keyword
arguments as a JSON object answers ``{"result": ...}`` (or 4xx/5xx ``{"error": ...}``); the server calls
:data:`~.control.CONTROLS`."""


_PACKAGE_ROOT: Final = str(Path(__file__).resolve().parents[2])


def _jsonable(value: object) -> object:
    """A control argument JSON has no type for as JSON carries it: a mapping as an object, else a list."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return list(value)
    raise TypeError(f"a control argument of type {type(value).__name__} cannot be sent to a server")


class RemoteEmulator(Emulator):
    """The :class:`~.control.Emulator` controls of a server at ``base_url`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _post(self, path: str, payload: Mapping[str, Any]) -> Any:
        request = urllib.request.Request(
            self.base_url + path,
            data=json.dumps(payload, default=_jsonable).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as err:
            detail = err.read().decode(errors="replace")
            with contextlib.suppress(ValueError, KeyError, TypeError):
                detail = json.loads(detail)["error"]
            raise EmulatorError(f"{path}: {detail}") from None
        return json.loads(body or b"{}").get("result") if path.startswith(CONTROL_PREFIX) else None

    def _invoke(self, control: str, **arguments: Any) -> Any:
        return self._post(CONTROL_PREFIX + control, arguments)

    def reset(self) -> None:
        """All of moto's state (``/moto-api/reset``), then the emulator's settings, faults and counts."""
        self._post("/moto-api/reset", {})
        super().reset()


class EmulatorServer:
    """``python -m pulumi_fsx_copy.testing.server`` as a subprocess on 127.0.0.1, on a free port.

    Started on construction; ``url`` is its base URL (for ``AWS_ENDPOINT_URL``), ``emulator`` its
    controls.  Use as a context manager, or call :meth:`stop`.
    """

    def __init__(self, *, copy_seconds: float = 0.2, startup_timeout: float = 60.0) -> None:
        command = [sys.executable, "-m", "pulumi_fsx_copy.testing.server", "--host", "127.0.0.1"]
        env = dict(os.environ)
        # The directory holding the pulumi_fsx_copy package, whether it is installed or not.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [*command, "--port", "0", "--copy-seconds", str(copy_seconds)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
        )
        first_line: list[str] = []
        assert self.process.stdout is not None
        stdout = self.process.stdout
        reader = threading.Thread(target=lambda: first_line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(startup_timeout)
        url = first_line[0].strip() if first_line else ""
        if not url.startswith("http://"):
            self.stop()
            raise RuntimeError(f"the emulator server did not start (exit code {self.process.returncode})")
        stdout.close()
        self.url = url
        self.emulator = RemoteEmulator(url)

    def stop(self) -> None:
        """Terminate the server and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None and not self.process.stdout.closed:
            self.process.stdout.close()

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
