"""The engine watcher reads every address ``engine_address_from_argv`` accepts: an IPv6 engine address
(``[::1]:port``) and a name are watched, not taken for a gone engine."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from pulumi_fsx_copy import serving
from pulumi_fsx_copy.waiting import CancelSignal

CHECK_SECONDS = 0.05
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
