"""The engine watcher takes the engine for gone only when its port refuses connections: a stopped engine
(SIGSTOP, ``docker pause``, a debugger) whose connects time out, an IPv6 engine address and a name that
does not resolve never end the waits nor the process."""

from __future__ import annotations

import contextlib
import os
import signal as signals
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from pulumi_fsx_copy.aws import ownership
from pulumi_fsx_copy.engine import serving
from pulumi_fsx_copy.engine.waiting import CancelSignal

CHECK_SECONDS = 0.05
CONNECT_SECONDS = 0.2
WATCH_SECONDS = 1.5
"""How long a watcher must leave a live engine alone: many check periods, a few seconds at most."""
GONE_SECONDS = 30.0
"""Bound on the watcher noticing a refusing port (it takes a few check periods when all goes well)."""

_LISTENER = """
import socket, sys, time
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(0)
print(server.getsockname()[1], flush=True)
while True:
    time.sleep(60)
"""


@pytest.fixture(autouse=True)
def fast_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serving, "ENGINE_CHECK_SECONDS", CHECK_SECONDS)
    monkeypatch.setattr(serving, "ENGINE_CONNECT_SECONDS", CONNECT_SECONDS)


class _Watcher:
    def __init__(self, address: str) -> None:
        self.address = address
        self.signal = CancelSignal()
        self.exits: list[int] = []
        self.thread = threading.Thread(
            target=serving.watch_engine, args=(address, self.signal, self.exits.append), daemon=True
        )
        self.thread.start()

    def assert_leaves_alone(self, what: str) -> None:
        time.sleep(WATCH_SECONDS)
        assert not self.signal.is_set() and self.exits == [], f"{what} was taken for a gone engine"
        assert self.thread.is_alive()

    def assert_sees_gone(self) -> None:
        self.thread.join(GONE_SECONDS)
        assert not self.thread.is_alive(), f"the watcher did not notice that {self.address} refuses connections"
        assert self.signal.is_set() and self.exits == [0]


@pytest.fixture
def stopped_engine() -> Iterator[tuple[subprocess.Popen[str], int]]:
    """A process that listens on 127.0.0.1 (backlog 0), stopped with SIGSTOP, its backlog full: the kernel
    drops further SYNs, so connects to it time out, as they do to a stopped engine once its backlog fills."""
    if not hasattr(signals, "SIGSTOP"):
        pytest.skip("needs SIGSTOP")
    listener = subprocess.Popen([sys.executable, "-c", _LISTENER], stdout=subprocess.PIPE, text=True)
    queued: list[socket.socket] = []
    try:
        assert listener.stdout is not None
        port = int(listener.stdout.readline())
        os.kill(listener.pid, signals.SIGSTOP)
        for _ in range(64):  # the kernel completes handshakes until the accept queue is full
            try:
                queued.append(socket.create_connection(("127.0.0.1", port), timeout=CONNECT_SECONDS))
            except TimeoutError:
                break
        else:
            pytest.skip("the stopped listener's backlog never filled: connects to it do not time out here")
        yield listener, port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(listener.pid, signals.SIGCONT)
        listener.kill()
        listener.wait(GONE_SECONDS)
        for connection in queued:
            connection.close()


def test_a_stopped_engine_whose_connects_time_out_is_not_taken_for_gone(
    stopped_engine: tuple[subprocess.Popen[str], int],
) -> None:
    listener, port = stopped_engine
    watcher = _Watcher(f"127.0.0.1:{port}")
    watcher.assert_leaves_alone("a stopped engine (connects time out)")
    os.kill(listener.pid, signals.SIGCONT)
    listener.kill()
    listener.wait(GONE_SECONDS)
    watcher.assert_sees_gone()


def _ipv6_loopback_server() -> socket.socket:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 in this Python")
    try:
        return socket.create_server(("::1", 0), family=socket.AF_INET6)
    except OSError as error:
        pytest.skip(f"no IPv6 loopback here: {error}")


def test_an_engine_on_a_bracketed_ipv6_address_is_watched() -> None:
    engine = _ipv6_loopback_server()
    watcher = _Watcher(f"[::1]:{engine.getsockname()[1]}")
    try:
        watcher.assert_leaves_alone("a live engine at [::1]")
    finally:
        engine.close()
    watcher.assert_sees_gone()


def test_an_engine_on_a_name_is_watched_on_each_of_its_addresses() -> None:
    """``localhost`` may resolve to ::1 before 127.0.0.1: a refusal on one address of a live engine is no
    sign that it is gone."""
    engine = socket.create_server(("127.0.0.1", 0))
    watcher = _Watcher(f"localhost:{engine.getsockname()[1]}")
    try:
        watcher.assert_leaves_alone("a live engine at localhost")
    finally:
        engine.close()
    watcher.assert_sees_gone()


def test_a_name_that_does_not_resolve_is_not_taken_for_a_gone_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A resolution failure (a DNS hiccup) says nothing about the engine process."""

    def unresolvable(*args: object, **kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unresolvable)
    _Watcher("engine.invalid:50051").assert_leaves_alone("an address that does not resolve")


@pytest.mark.parametrize(
    ("address", "host", "port"),
    [
        ("127.0.0.1:50051", "127.0.0.1", 50051),
        ("localhost:1", "localhost", 1),
        ("[::1]:65535", "::1", 65535),
        ("[fe80::1%eth0]:80", "fe80::1%eth0", 80),
    ],
)
def test_engine_addresses_are_parsed_as_engine_address_from_argv_accepts_them(
    address: str, host: str, port: int
) -> None:
    assert serving.engine_host_port(address) == (host, port)


@pytest.mark.parametrize("address", ["::1:80", "[::1]80", "[]:80", "host:", "host:0", "host:99999", "host", ":80"])
def test_an_address_that_is_not_host_port_is_not_watched(address: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError):
        serving.engine_host_port(address)
    signal = CancelSignal()
    exits: list[int] = []
    serving.watch_engine(address, signal, exits.append)  # returns at once
    assert not signal.is_set() and exits == []
    assert "not watching the Pulumi engine" in capsys.readouterr().err


def test_once_the_engine_is_gone_the_process_lets_its_held_leases_be_released_before_it_exits() -> None:
    """A cancelled Create releases its copy's lease (``free``) so that the next ``up`` adopts the copy at once:
    ownership's hook (``serving.when_engine_gone``) keeps the process up until no lease is held, within bounds."""
    engine = socket.create_server(("127.0.0.1", 0))
    port = engine.getsockname()[1]
    engine.close()  # a port nobody listens on: a gone engine
    lease = ownership.Lease({"BackupId": "backup-0123456789abcdef0"}, "holder", protocol=None)
    ownership.HELD_LEASES.add(lease)
    try:
        watcher = _Watcher(f"127.0.0.1:{port}")
        deadline = time.monotonic() + GONE_SECONDS
        while not watcher.signal.is_set() and time.monotonic() < deadline:
            time.sleep(CHECK_SECONDS)
        assert watcher.signal.is_set(), "the watcher did not notice that the engine is gone"
        time.sleep(WATCH_SECONDS)
        assert watcher.exits == [] and watcher.thread.is_alive(), "the process exited while a lease was held"
    finally:
        ownership.HELD_LEASES.discard(lease)
    watcher.assert_sees_gone()
