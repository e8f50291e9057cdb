"""The emulator as a server: all of moto (FSx with the emulator installed, KMS, STS, ...) over HTTP.

``python -m pulumi_fsx_copy.testing.server [--host 127.0.0.1] [--port 0] [--copy-seconds S]``
prints its base URL as the first line on stdout and serves until SIGTERM or SIGINT.  Clients
reach it through ``AWS_ENDPOINT_URL``; moto takes the Region of a request from its SigV4
credential scope.  The emulator's controls are under ``/_fsx_copy/`` (see :class:`.RemoteEmulator`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from .control import CONTROLS
from .faults import NetworkFault
from .models import MODEL
from .patch import install
from .remote import CONTROL_PREFIX
from .responses import NETWORK_FAULT_KEY
from .settings import Settings

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def with_controls(app: WsgiApp) -> WsgiApp:
    """``app`` with the emulator's control endpoints (``POST /_fsx_copy/<method>``) in front of it."""
    install()

    def control_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path: str = environ.get("PATH_INFO", "")
        if not path.startswith(CONTROL_PREFIX):
            return _with_network_faults(app, environ, start_response)
        request = Request(environ)
        method = path[len(CONTROL_PREFIX) :]
        if request.method != "POST" or method not in CONTROLS:
            response = Response(json.dumps({"error": f"no control {request.method} {path}"}), 404)
        else:
            try:
                kwargs = json.loads(request.get_data() or b"{}")
                result = CONTROLS[method](**kwargs)
                response = Response(json.dumps({"result": result}), 200)
            except (TypeError, ValueError) as err:
                response = Response(json.dumps({"error": str(err)}), 400)
            except Exception as err:  # a bug of the emulator: say so in JSON, as the client expects
                response = Response(json.dumps({"error": f"{type(err).__name__}: {err}"}), 500)
        response.content_type = "application/json"
        return response(environ, start_response)

    return control_app


def _with_network_faults(app: WsgiApp, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Run ``app``; if the FSx action asked for a network fault (see ``responses.call_action``), act it out."""
    held: list[tuple[Any, ...]] = []

    def hold(*args: Any) -> Callable[[bytes], None]:
        held.append(args)
        return lambda data: None

    body = b"".join(app(environ, hold))
    fault = environ.get(NETWORK_FAULT_KEY)
    if isinstance(fault, NetworkFault):
        if fault.kind == "delay":
            time.sleep(fault.seconds)
        else:
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            # werkzeug treats a ConnectionError as a connection the client dropped: no answer, no log.
            raise ConnectionResetError(f"injected network fault: {fault.kind} of {fault.operation}")
    for args in held:
        start_response(*args)
    return [body]


class _RequestHandler(MotoRequestHandler):
    """moto's request handler without a log line per request, and without a second Date header."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        """As http.server's, without a Date header of this machine's clock: the answers carry their own, AWS's
        clock's (``responses.call_action``); one Date, as AWS sends."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", self.version_string())


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(prog="python -m pulumi_fsx_copy.testing.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default 0: any free port)")
    parser.add_argument(
        "--copy-seconds", type=float, default=Settings.copy_seconds, help="how long a backup copy takes"
    )
    args = parser.parse_args(argv)

    install()
    MODEL.set_defaults(Settings(copy_seconds=args.copy_seconds))
    app = with_controls(DomainDispatcherApplication(create_backend_app))
    server = make_server(args.host, args.port, app, threaded=True, request_handler=_RequestHandler)
    host, port = server.server_address[:2]
    print(f"http://{host!s}:{port}", flush=True)
    # The reader may close its end after the first line: send anything printed later to stderr.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
