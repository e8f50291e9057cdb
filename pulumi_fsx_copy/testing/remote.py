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
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from .models import EmulatorError

CONTROL_PREFIX: Final = "/_fsx_copy/"
"""Path prefix of the server's control endpoints: ``POST /_fsx_copy/<method>`` with the keyword
arguments as a JSON object answers ``{"result": ...}`` (or 400 ``{"error": ...}``)."""


_PACKAGE_ROOT: Final = str(Path(__file__).resolve().parents[2])


class RemoteEmulator:
    """The :class:`~.control.Emulator` controls of a server at ``base_url`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _post(self, path: str, payload: Mapping[str, Any]) -> Any:
        request = urllib.request.Request(
            self.base_url + path,
            data=json.dumps(payload).encode(),
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

    def _call(self, method: str, **kwargs: Any) -> Any:
        return self._post(CONTROL_PREFIX + method, kwargs)

    def configure(
        self,
        *,
        copy_seconds: float | None = None,
        create_backup_seconds: float | None = None,
        reuse_token_after_delete: bool | None = None,
        delete_while_copying: bool | None = None,
    ) -> None:
        """Change settings; None leaves a setting as it is."""
        self._call(
            "configure",
            copy_seconds=copy_seconds,
            create_backup_seconds=create_backup_seconds,
            reuse_token_after_delete=reuse_token_after_delete,
            delete_while_copying=delete_while_copying,
        )

    def fail_next(
        self,
        operation: str,
        code: str,
        *,
        count: int = 1,
        message: str | None = None,
        region: str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``operation`` fail with ``code``."""
        self._call("fail_next", operation=operation, code=code, count=count, message=message, region=region)

    def break_next(
        self,
        operation: str,
        kind: str,
        *,
        count: int = 1,
        seconds: float = 0.0,
        region: str | None = None,
    ) -> None:
        """Break the connection of the next ``count`` calls of ``operation`` (the server drops or delays it)."""
        self._call("break_next", operation=operation, kind=kind, count=count, seconds=seconds, region=region)

    def fail_copy(self, backup_id: str, message: str) -> None:
        """End a copy now as FAILED with ``message``."""
        self._call("fail_copy", backup_id=backup_id, message=message)

    def fail_next_copies(self, message: str, *, count: int = 1) -> None:
        """Make the next ``count`` copies end FAILED with ``message``."""
        self._call("fail_next_copies", message=message, count=count)

    def set_lifecycle(self, region: str, backup_id: str, lifecycle: str, account_id: str | None = None) -> None:
        """Pin a backup's ``Lifecycle``."""
        self._call("set_lifecycle", region=region, backup_id=backup_id, lifecycle=lifecycle, account_id=account_id)

    def calls(self, operation: str | None = None, region: str | None = None) -> int:
        """FSx calls counted since the last reset."""
        return int(self._call("calls", operation=operation, region=region))

    def reset_calls(self) -> None:
        """Zero the call counters."""
        self._call("reset_calls")

    def max_in_progress(self, region: str, account_id: str | None = None) -> int:
        """The most copies ever in progress at once into ``region``."""
        return int(self._call("max_in_progress", region=region, account_id=account_id))

    def seed_backup(
        self,
        region: str,
        *,
        file_system_type: str = "LUSTRE",
        tags: Mapping[str, str] | None = None,
        lifecycle: str = "AVAILABLE",
        resource_type: str = "FILE_SYSTEM",
        account_id: str | None = None,
    ) -> str:
        """Make a file system (or volume) and a backup of it; its ID."""
        return str(
            self._call(
                "seed_backup",
                region=region,
                file_system_type=file_system_type,
                tags=dict(tags) if tags is not None else None,
                lifecycle=lifecycle,
                resource_type=resource_type,
                account_id=account_id,
            )
        )

    def reset(self) -> None:
        """All of moto's state (``/moto-api/reset``), then the emulator's settings, faults and counts."""
        self._post("/moto-api/reset", {})
        self._call("reset")


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
