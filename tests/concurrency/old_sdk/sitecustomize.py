"""Loaded by a provider process of the concurrency tests (its PYTHONPATH starts here): an SDK that serves
differently from the one ``pulumi_fsx_copy.engine.serving`` knows.

``grpc.server`` returns the real server behind a wrapper that is no ``grpc.Server`` and keeps no ``_state``,
as a future SDK or grpc might, so ``serving.install`` finds nothing to adapt. Nothing else changes.
"""

from __future__ import annotations

from typing import Any

import grpc

_real_server = grpc.server


class _OpaqueServer:
    def __init__(self, server: Any) -> None:
        self._server = server

    def __getattr__(self, name: str) -> Any:
        if name == "_state":
            raise AttributeError(name)
        return getattr(self._server, name)


def _server(*args: Any, **kwargs: Any) -> _OpaqueServer:
    return _OpaqueServer(_real_server(*args, **kwargs))


grpc.server = _server
