"""The engine harness against the real ``python -m pulumi.dynamic`` server, with a toy provider."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import pytest
from pulumi.runtime import rpc
from toy_provider import ToyProvider

from devkit.driver import (
    EngineError,
    ProviderError,
    ProviderProcess,
    Secret,
    provider_input,
    provider_property,
)

MakeProcess = Callable[..., ProviderProcess]


def test_provider_is_pickled_by_reference() -> None:
    serialized = provider_property(ToyProvider())
    assert len(serialized) < 1000
    assert b"toy_provider" in base64.b64decode(serialized)
    assert provider_input(ToyProvider()) == Secret(serialized)


def test_urn(proc: ProviderProcess) -> None:
    assert proc.urn("b1") == "urn:pulumi:stack::project::pulumi-python:dynamic/fsx:BackupCopy::b1"


def test_lifecycle_round_trip(proc: ProviderProcess, provider: Any, tmp_path: Path) -> None:
    news = {"__provider": provider, "name": "b1", "size": 2, "deleted_file": str(tmp_path / "deleted")}
    checked = proc.check("b1", {}, news)
    assert checked.failures == []
    assert checked.inputs["name"] == "b1"
    assert checked.inputs["__provider"] == provider  # re-marked secret, as the engine does

    resource_id, outs = proc.create("b1", checked.inputs, timeout=60)
    assert resource_id == "id-b1"
    assert outs["size"] == 2.0  # numbers travel as doubles
    assert outs["__provider"] == provider

    read = proc.read("b1", resource_id, outs, inputs=checked.inputs)
    assert (read.id, read.outs["refreshed"]) == (resource_id, True)
    assert read.inputs is not None and read.inputs["name"] == "b1"

    same = proc.diff("b1", resource_id, outs, checked.inputs, old_inputs=checked.inputs)
    assert (same.changes, same.replaces, same.delete_before_replace) == ("some", [], False)
    renamed = proc.diff("b1", resource_id, outs, {**checked.inputs, "name": "b2"})
    assert (renamed.changes, renamed.replaces, renamed.delete_before_replace) == ("some", ["name"], True)

    updated = proc.update("b1", resource_id, outs, {**checked.inputs, "size": 3}, old_inputs=checked.inputs)
    assert (updated["size"], updated["previous_size"]) == (3.0, 2.0)

    proc.delete("b1", resource_id, updated, old_inputs=checked.inputs)
    assert (tmp_path / "deleted").read_text() == resource_id
    assert "creating b1" in proc.stdout_text


def test_check_failures(proc: ProviderProcess, provider: Any) -> None:
    checked = proc.check("bad", {}, {"__provider": provider, "name": "bad", "size": 0})
    assert checked.failures == [("size", "size must be positive")]


def test_read_of_a_gone_resource(proc: ProviderProcess, provider: Any) -> None:
    read = proc.read("gone", "id-gone", {"__provider": provider, "name": "gone", "gone": True})
    assert read.id == ""


def test_unknowns_in_preview(proc: ProviderProcess, provider: Any) -> None:
    news = {"__provider": provider, "name": "u", "size": rpc.UNKNOWN}
    checked = proc.check("u", {}, news, preview=True)
    assert checked.inputs["seen_unknowns"] == ["size"]  # the provider saw pulumi.output.Unknown
    assert checked.inputs["size"] == rpc.UNKNOWN

    olds = {"__provider": provider, "name": "u", "size": 1}
    diff = proc.diff("u", "id-u", olds, news, preview=True)
    assert (diff.changes, diff.replaces) == ("unknown", ["size"])

    # Outside preview the engine drops unknowns instead of sending them.
    assert "size" not in proc.check("u", {}, news).inputs


def test_secrets_stay_secret(proc: ProviderProcess, provider: Any) -> None:
    props = {"__provider": provider, "name": "s", "password": Secret("hunter2"), "nested": {"k": Secret(1)}}
    checked = proc.check("s", {}, props)
    assert checked.inputs["password"] == Secret("hunter2")
    _, outs = proc.create("s", checked.inputs)
    assert outs["password"] == Secret("hunter2")
    assert outs["nested"] == {"k": Secret(1.0)}
    assert outs["name"] == "s"


def test_configure_reaches_the_provider(make_process: MakeProcess, provider: Any) -> None:
    proc = make_process(project="proj")
    proc.configure({"aws:region": "eu-west-1", "proj:token": "t0ps3cret"}, secret_keys=["proj:token"])
    _, outs = proc.create("c", {"__provider": provider, "name": "c"})
    assert (outs["region"], outs["token"]) == ("eu-west-1", "t0ps3cret")


def test_provider_exception_becomes_provider_error(proc: ProviderProcess, provider: Any) -> None:
    with pytest.raises(ProviderError) as caught:
        proc.create("boom", {"__provider": provider, "name": "boom", "fail": True})
    error = caught.value
    assert (error.method, error.code) == ("Create", grpc.StatusCode.UNKNOWN)
    assert error.details.startswith("Traceback")
    assert error.last_line == "toy_provider.ToyError: cannot create boom"


def test_empty_id_from_create_is_an_engine_error(proc: ProviderProcess, provider: Any) -> None:
    with pytest.raises(EngineError, match=r"empty resource\.ID"):
        proc.create("e", {"__provider": provider, "name": "e", "empty_id": True})


def test_call_deadline(make_process: MakeProcess, provider: Any) -> None:
    proc = make_process(call_timeout=0.5)
    with pytest.raises(ProviderError) as caught:
        proc.create("slow", {"__provider": provider, "name": "slow", "sleep": 2})
    assert caught.value.code is grpc.StatusCode.DEADLINE_EXCEEDED


def test_kill_during_create(make_process: MakeProcess, provider: Any, tmp_path: Path) -> None:
    proc = make_process()
    started = tmp_path / "started"
    props = {"__provider": provider, "name": "k", "sleep": 60, "started_file": str(started)}
    errors: list[BaseException] = []

    def create() -> None:
        try:
            proc.create("k", props)
        except BaseException as error:
            errors.append(error)

    worker = threading.Thread(target=create)
    worker.start()
    deadline = time.monotonic() + 20
    while not started.exists():
        assert time.monotonic() < deadline, proc.stderr_text
        time.sleep(0.05)
    killed_at = time.monotonic()
    proc.kill()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert time.monotonic() - killed_at < 5
    assert len(errors) == 1 and isinstance(errors[0], ProviderError)
    assert errors[0].code is grpc.StatusCode.UNAVAILABLE
    assert "create started k" in proc.stderr_text  # captured stderr outlives the process

    fresh = make_process()
    assert fresh.create("k", {"__provider": provider, "name": "k"})[0] == "id-k"


def test_stop_is_idempotent_and_final(provider: Any) -> None:
    proc = ProviderProcess()
    proc.start()
    assert proc.pid > 0
    proc.stop()
    proc.stop()
    with pytest.raises(RuntimeError):
        proc.check("x", {}, {"__provider": provider})


def test_start_failure_reports_and_cleans_up() -> None:
    proc = ProviderProcess(python="/bin/false")
    with pytest.raises(RuntimeError, match="did not report a port"):
        proc.start()
    proc.stop()
