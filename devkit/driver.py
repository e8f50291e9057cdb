"""A gRPC driver of the real ``python -m pulumi.dynamic`` provider process, for tests and benchmarks.

The lifecycle is tested through the real ``pulumi`` CLI (tests/e2e); this driver places what only a driver
can: a kill in the middle of one RPC, thousands of bags in a property test, exact call counts.
:class:`ProviderProcess` spawns the dynamic provider plugin as the engine's ``pulumi-resource-pulumi-python``
launcher does (``python -u -m pulumi.dynamic``, port read from
stdout, ``PULUMI_PROJECT`` set) and fills gRPC requests the way the engine's
``sdk/go/common/resource/plugin/provider_plugin.go`` does:

* Property bags are marshalled with the SDK's own ``rpc.serialize_properties``.  Unknowns (``rpc.UNKNOWN``
  or ``pulumi.output.Unknown``) are sent only where the engine keeps them (``preview`` Check/Diff) and are
  dropped elsewhere, as ``MarshalProperties`` does when ``KeepUnknowns`` is false.
* :class:`Secret` values are sent as secrets only if the provider accepted secrets (Handshake or
  Configure response).  The dynamic provider answers ``acceptSecrets=False``, so, like the engine, the
  harness sends the plain value and afterwards re-marks outputs whose input was secret
  (``annotateSecrets``).  Configure always carries secrets (``acceptSecrets=True`` in the request).
* Responses are decoded with ``rpc.deserialize_properties``; secrets come back as :class:`Secret`,
  unknowns as ``rpc.UNKNOWN``.  Numbers travel as protobuf doubles, so ``1`` comes back as ``1.0``.
* A gRPC error becomes :class:`ProviderError`; its ``last_line`` is what the engine shows the user.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Literal, TypeVar

import grpc
from google.protobuf import empty_pb2, struct_pb2
from google.rpc import status_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

__all__ = [
    "DEFAULT_TYPE",
    "CheckOutcome",
    "DiffOutcome",
    "EngineError",
    "ProviderError",
    "ProviderProcess",
    "ReadOutcome",
    "Secret",
    "provider_input",
    "provider_property",
]

T = TypeVar("T")
_R = TypeVar("_R")

DEFAULT_TYPE = "pulumi-python:dynamic/fsx:BackupCopy"
"""Type token of ``BackupCopy`` (``dynamic.Resource`` subclass with ``module="fsx"``)."""

_PACKAGE = "pulumi-python"
_PROVIDER_KEY = "__provider"
_REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Secret(Generic[T]):
    """A value that travels as a Pulumi secret (in requests) or arrived as one (in responses)."""

    value: T


@dataclass(frozen=True)
class CheckOutcome:
    """Result of Check: the provider's checked inputs and its ``(property, reason)`` failures."""

    inputs: dict[str, Any]
    failures: list[tuple[str, str]]


@dataclass(frozen=True)
class DiffOutcome:
    """Result of Diff."""

    changes: Literal["none", "some", "unknown"]
    replaces: list[str]
    delete_before_replace: bool


@dataclass(frozen=True)
class ReadOutcome:
    """Result of Read: ``id`` is ``""`` when the resource is gone; ``inputs`` is None unless returned."""

    id: str
    outs: dict[str, Any]
    inputs: dict[str, Any] | None


@dataclass(frozen=True)
class InitFailed:
    """The ``ErrorResourceInitFailed`` detail of a failed call, as the engine reads it: the resource it records."""

    id: str
    outputs: dict[str, Any]
    reasons: list[str]


class ProviderError(Exception):
    """A gRPC call to the provider failed; ``details`` is the provider's text (a traceback); ``init_failed``
    the resource the engine would record from it (None: the engine records nothing)."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str, init_failed: InitFailed | None = None) -> None:
        self.method = method
        self.code = code
        self.details = details
        self.init_failed = init_failed
        lines = [line for line in details.splitlines() if line.strip()]
        self.last_line = lines[-1].strip() if lines else ""
        super().__init__(f"{method} failed ({code.name}): {self.last_line}")


def _init_failed(error: grpc.RpcError) -> InitFailed | None:
    """The ``ErrorResourceInitFailed`` detail of ``error``, read as grpc-go and the engine do: only from a status
    whose code is the call's (``internal/status.NewWithProto``), first such detail (``parseError``)."""
    for key, value in error.trailing_metadata() or ():
        if key != "grpc-status-details-bin":
            continue
        status = status_pb2.Status.FromString(value)
        if status.code != error.code().value[0]:
            return None
        for detail in status.details:
            failed = provider_pb2.ErrorResourceInitFailed()
            if detail.Unpack(failed):
                outputs = _from_wire(rpc.deserialize_properties(failed.properties))
                return InitFailed(failed.id, outputs, list(failed.reasons))
    return None


class EngineError(Exception):
    """The provider answered something the engine itself rejects (e.g. Create returned an empty id)."""


def provider_property(provider: ResourceProvider) -> str:
    """Serialize ``provider`` for ``__provider`` exactly as ``pulumi.dynamic.Resource`` does."""
    serialized: str = _serialize(True, serialize_provider, provider)[0]
    return serialized


def provider_input(provider: ResourceProvider) -> str | Secret[str]:
    """``__provider`` as ``Resource`` registers it: secret unless the provider opts out and captured none."""
    serialized, contains_secrets = _serialize(True, serialize_provider, provider)
    if getattr(provider, "serialize_as_secret_always", True) or contains_secrets:
        return Secret(serialized)
    return str(serialized)


class _Dropped:
    """Marks a value the engine would leave out of a request."""


_DROPPED = _Dropped()


def _is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


def _to_wire(value: Any, *, keep_unknowns: bool, keep_secrets: bool) -> Any:
    """Engine ``MarshalPropertyValue`` on harness values, producing input for ``serialize_properties``."""
    if isinstance(value, Secret):
        inner = _to_wire(value.value, keep_unknowns=keep_unknowns, keep_secrets=keep_secrets)
        if inner is _DROPPED or not keep_secrets:
            return inner
        return rpc.wrap_rpc_secret(inner)
    if _is_unknown(value):
        return rpc.UNKNOWN if keep_unknowns else _DROPPED
    if isinstance(value, Mapping):
        items = ((k, _to_wire(v, keep_unknowns=keep_unknowns, keep_secrets=keep_secrets)) for k, v in value.items())
        return {k: v for k, v in items if v is not _DROPPED}
    if isinstance(value, (list, tuple)):
        elems = [_to_wire(v, keep_unknowns=keep_unknowns, keep_secrets=keep_secrets) for v in value]
        return [v for v in elems if v is not _DROPPED]
    return value


def _from_wire(value: Any) -> Any:
    """SDK-deserialized value -> harness value (:class:`Secret`, ``rpc.UNKNOWN``)."""
    if rpc.is_rpc_secret(value):
        return Secret(_from_wire(rpc.unwrap_rpc_secret(value)))
    if isinstance(value, Unknown):
        return rpc.UNKNOWN
    if isinstance(value, dict):
        return {k: _from_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_wire(v) for v in value]
    return value


def _contains_secrets(value: Any) -> bool:
    if isinstance(value, Secret):
        return True
    if isinstance(value, Mapping):
        return any(_contains_secrets(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_contains_secrets(v) for v in value)
    return False


def _annotate_secrets(outs: dict[str, Any], ins: Mapping[str, Any]) -> None:
    """The engine's ``annotateSecrets``: outputs whose same-named input held a secret become secret."""
    for key, in_value in ins.items():
        if key not in outs:
            continue
        out_value = outs[key]
        if isinstance(out_value, dict) and isinstance(in_value, Mapping):
            _annotate_secrets(out_value, in_value)
        elif not isinstance(out_value, Secret) and _contains_secrets(in_value):
            outs[key] = Secret(out_value)


def _remove_secrets(value: Any) -> Any:
    if isinstance(value, Secret):
        return _remove_secrets(value.value)
    if isinstance(value, Mapping):
        return {k: _remove_secrets(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_remove_secrets(v) for v in value]
    return value


def _run(coro: Coroutine[Any, Any, _R]) -> _R:
    """Run ``coro`` on a fresh event loop, in a worker thread if this thread already runs one."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


class ProviderProcess:
    """One ``python -m pulumi.dynamic`` provider process and the engine's side of its gRPC protocol.

    ``env`` is added on top of ``os.environ`` (the engine passes its own environment too).  ``pythonpath``
    entries go before the repository root on ``PYTHONPATH``; the provider unpickles providers by reference,
    so the modules defining them must be importable there.  ``call_timeout`` bounds every RPC (seconds).
    Before the first resource call the harness sends Configure with empty config if :meth:`configure`
    was not called, since the engine always configures a provider before using it.  ``engine_address``
    (e.g. the FakeEngine of tests/progress) is passed as the engine passes
    its own: as the plugin's last command-line argument (and in the Handshake request).
    """

    def __init__(
        self,
        *,
        env: Mapping[str, str] | None = None,
        python: str = sys.executable,
        project: str = "project",
        stack: str = "stack",
        cwd: str | None = None,
        pythonpath: Sequence[str] = (),
        type_token: str = DEFAULT_TYPE,
        call_timeout: float = 600.0,
        start_timeout: float = 60.0,
        engine_address: str | None = None,
    ) -> None:
        self.project = project
        self.engine_address = engine_address
        self.stack = stack
        self.type_token = type_token
        self.call_timeout = call_timeout
        self._python = python
        self._cwd = cwd
        self._start_timeout = start_timeout
        self._env = self._build_env(env or {}, pythonpath)
        self._proc: subprocess.Popen[bytes] | None = None
        self._channel: Any = None
        self._stub: Any = None
        self._in_flight = 0
        self._in_flight_changed = threading.Condition()
        self._stderr_path: Path | None = None
        self._stderr_final: str | None = None
        self._stdout_lines: list[str] = []
        self._accept_secrets = False
        self._handshaken = False
        self._configured = False

    def _build_env(self, extra: Mapping[str, str], pythonpath: Sequence[str]) -> dict[str, str]:
        env = {**os.environ, **extra}
        paths = [*pythonpath, str(_REPO_ROOT)]
        if env.get("PYTHONPATH"):
            paths.append(env["PYTHONPATH"])
        env["PYTHONPATH"] = os.pathsep.join(paths)
        # The engine sets PULUMI_PROJECT; the dynamic provider's Config uses it as the default namespace.
        env["PULUMI_PROJECT"] = self.project
        return env

    # -- process lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> ProviderProcess:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        """Process id of the provider."""
        if self._proc is None:
            raise RuntimeError("provider process not started")
        return self._proc.pid

    @property
    def stderr_text(self) -> str:
        """Everything the provider wrote to stderr so far (still available after it died or stopped)."""
        if self._stderr_final is not None:
            return self._stderr_final
        if self._stderr_path is None:
            return ""
        return self._stderr_path.read_text(errors="replace")

    @property
    def stdout_text(self) -> str:
        """What the provider printed to stdout after its port line."""
        return "".join(self._stdout_lines)

    def start(self) -> None:
        """Spawn the provider, read its port, connect and wait until it answers; kill it on failure."""
        if self._proc is not None:
            raise RuntimeError("provider process already started")
        fd, stderr_name = tempfile.mkstemp(prefix="pulumi-dynamic-", suffix=".stderr")
        self._stderr_path = Path(stderr_name)
        with os.fdopen(fd, "wb") as stderr_file:
            self._proc = subprocess.Popen(
                [self._python, "-u", "-m", "pulumi.dynamic", *([self.engine_address] if self.engine_address else [])],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr_file,
                env=self._env,
                cwd=self._cwd,
            )
        try:
            self._connect()
        except BaseException:
            self.kill()
            raise

    def _connect(self) -> None:
        port_queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._drain_stdout, args=(port_queue,), daemon=True).start()
        try:
            port_line = port_queue.get(timeout=self._start_timeout).strip()
        except queue.Empty:
            port_line = ""
        if not port_line.isdigit():
            self.kill()
            raise RuntimeError(f"provider did not report a port ({port_line!r}); stderr:\n{self.stderr_text}")
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port_line}")
        grpc.channel_ready_future(self._channel).result(timeout=self._start_timeout)
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        self._handshake()
        self._call("GetPluginInfo", empty_pb2.Empty())

    def _drain_stdout(self, port_queue: queue.Queue[str]) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        stdout = self._proc.stdout
        port_queue.put(stdout.readline().decode(errors="replace"))
        for line in stdout:
            self._stdout_lines.append(line.decode(errors="replace"))

    def _handshake(self) -> None:
        """Handshake as the engine does; UNIMPLEMENTED (the dynamic provider) means use Configure's answer."""
        request = provider_pb2.ProviderHandshakeRequest(
            engine_address=self.engine_address or "127.0.0.1:0",
            configure_with_urn=True,
            supports_views=True,
            supports_refresh_before_update=True,
        )
        try:
            response = self._call("Handshake", request)
        except ProviderError as error:
            if error.code is not grpc.StatusCode.UNIMPLEMENTED:
                raise
            return
        self._handshaken = True
        self._accept_secrets = bool(response.acceptSecrets)

    def stop(self) -> None:
        """Close the channel and interrupt the provider (SIGINT, then SIGKILL after 5 s); idempotent."""
        self._close_channel()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGINT)
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._finish()

    def kill(self) -> None:
        """SIGKILL the provider, like a crash; in-flight calls fail with UNAVAILABLE."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        with self._in_flight_changed:
            # Let the calls in flight see the dead process (UNAVAILABLE, as the engine sees it) before the
            # channel is closed under them (which they would report as CANCELLED).
            self._in_flight_changed.wait_for(lambda: self._in_flight == 0, timeout=10)
        self._close_channel()
        self._finish()

    def _close_channel(self) -> None:
        self._stub = None
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def _finish(self) -> None:
        if self._stderr_path is not None and self._stderr_final is None:
            self._stderr_final = self._stderr_path.read_text(errors="replace")
            self._stderr_path.unlink(missing_ok=True)

    # -- requests ----------------------------------------------------------------------------------

    def urn(self, name: str) -> str:
        """URN of resource ``name`` of this harness's type."""
        return f"urn:pulumi:{self.stack}::{self.project}::{self.type_token}::{name}"

    def _call(self, method: str, request: Any) -> Any:
        if self._stub is None:
            raise RuntimeError("provider process not started or already stopped")
        with self._in_flight_changed:
            self._in_flight += 1
        try:
            return getattr(self._stub, method)(request, timeout=self.call_timeout)
        except grpc.RpcError as error:
            raise ProviderError(method, error.code(), error.details() or "", _init_failed(error)) from None
        finally:
            with self._in_flight_changed:
                self._in_flight -= 1
                self._in_flight_changed.notify_all()

    def _marshal(self, props: Mapping[str, Any], *, keep_unknowns: bool, keep_secrets: bool) -> struct_pb2.Struct:
        bag = _to_wire(props, keep_unknowns=keep_unknowns, keep_secrets=keep_secrets)
        return _run(rpc.serialize_properties(bag, {}))

    def _send(self, props: Mapping[str, Any], *, keep_unknowns: bool = False) -> struct_pb2.Struct:
        return self._marshal(props, keep_unknowns=keep_unknowns, keep_secrets=self._accept_secrets)

    def _receive(
        self, struct: struct_pb2.Struct, *, keep_unknowns: bool = False, ins: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        props: dict[str, Any] = _from_wire(rpc.deserialize_properties(struct, keep_unknowns=keep_unknowns))
        if ins is not None and not self._accept_secrets:
            _annotate_secrets(props, ins)
        return props

    def _ensure_configured(self) -> None:
        if not self._configured:
            self.configure({})

    def configure(self, config: Mapping[str, Any], *, secret_keys: Iterable[str] = ()) -> None:
        """Configure the provider with stack config (full keys such as ``aws:region``).

        Values listed in ``secret_keys`` (or given as :class:`Secret`) are sent as secrets in ``args``;
        ``variables`` carries the older ``pulumi-python:config:<key>`` spelling with plain strings.
        """
        secret = set(secret_keys)
        args = {k: Secret(v) if k in secret and not isinstance(v, Secret) else v for k, v in config.items()}
        variables = {}
        for key, value in args.items():
            plain = _remove_secrets(value)
            variables[f"{_PACKAGE}:config:{key}"] = plain if isinstance(plain, str) else json.dumps(plain)
        request = provider_pb2.ConfigureRequest(
            variables=variables,
            args=self._marshal(args, keep_unknowns=True, keep_secrets=True),
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
            urn=f"urn:pulumi:{self.stack}::{self.project}::pulumi:providers:{_PACKAGE}::default",
            name="default",
            type=f"pulumi:providers:{_PACKAGE}",
            id=str(uuid.uuid4()),
        )
        response = self._call("Configure", request)
        if not self._handshaken:
            self._accept_secrets = bool(response.acceptSecrets)
        self._configured = True

    def check(
        self, urn_name: str, olds: Mapping[str, Any], news: Mapping[str, Any], *, preview: bool = False
    ) -> CheckOutcome:
        """Check ``news`` against prior inputs ``olds`` (``{}`` when new); unknowns kept in preview."""
        self._ensure_configured()
        request = provider_pb2.CheckRequest(
            urn=self.urn(urn_name),
            name=urn_name,
            type=self.type_token,
            olds=self._send(olds, keep_unknowns=preview),
            news=self._send(news, keep_unknowns=preview),
            randomSeed=os.urandom(32),
        )
        response = self._call("Check", request)
        return CheckOutcome(
            inputs=self._receive(response.inputs, keep_unknowns=preview, ins=news),
            failures=[(f.property, f.reason) for f in response.failures],
        )

    def diff(
        self,
        urn_name: str,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
        preview: bool = False,
    ) -> DiffOutcome:
        """Diff old outputs ``olds`` against new checked inputs ``news``; unknowns kept in preview."""
        self._ensure_configured()
        request = provider_pb2.DiffRequest(
            urn=self.urn(urn_name),
            name=urn_name,
            type=self.type_token,
            id=id,
            olds=self._send(olds, keep_unknowns=preview),
            news=self._send(news, keep_unknowns=preview),
            old_inputs=self._send(old_inputs, keep_unknowns=preview) if old_inputs is not None else None,
        )
        response = self._call("Diff", request)
        changes: dict[int, Literal["none", "some", "unknown"]] = {
            provider_pb2.DiffResponse.DIFF_NONE: "none",
            provider_pb2.DiffResponse.DIFF_SOME: "some",
            provider_pb2.DiffResponse.DIFF_UNKNOWN: "unknown",
        }
        return DiffOutcome(
            changes=changes[response.changes],
            replaces=list(response.replaces),
            delete_before_replace=bool(response.deleteBeforeReplace),
        )

    def create(self, urn_name: str, props: Mapping[str, Any], *, timeout: float = 0) -> tuple[str, dict[str, Any]]:
        """Create from checked inputs; returns ``(id, outputs)``.  ``timeout`` is the custom timeout (s)."""
        self._ensure_configured()
        request = provider_pb2.CreateRequest(
            urn=self.urn(urn_name),
            name=urn_name,
            type=self.type_token,
            properties=self._send(props),
            timeout=timeout,
            preview=False,
        )
        response = self._call("Create", request)
        if not response.id:
            raise EngineError(f"plugin for package '{_PACKAGE}' returned empty resource.ID from create")
        return response.id, self._receive(response.properties, ins=props)

    def read(
        self, urn_name: str, id: str, props: Mapping[str, Any], *, inputs: Mapping[str, Any] | None = None
    ) -> ReadOutcome:
        """Read (refresh) from prior outputs ``props`` and inputs ``inputs``; ``id`` ``""`` means gone."""
        self._ensure_configured()
        request = provider_pb2.ReadRequest(
            urn=self.urn(urn_name),
            name=urn_name,
            type=self.type_token,
            id=id,
            properties=self._send(props),
            inputs=self._send(inputs) if inputs is not None else None,
        )
        response = self._call("Read", request)
        new_inputs = self._receive(response.inputs, ins=inputs or {}) if response.HasField("inputs") else None
        outs = self._receive(response.properties, ins=props)
        return ReadOutcome(id=response.id, outs=outs, inputs=new_inputs)

    def update(
        self,
        urn_name: str,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
        timeout: float = 0,
    ) -> dict[str, Any]:
        """Update from old outputs ``olds`` to new checked inputs ``news``; returns the new outputs."""
        self._ensure_configured()
        request = provider_pb2.UpdateRequest(
            urn=self.urn(urn_name),
            name=urn_name,
            type=self.type_token,
            id=id,
            olds=self._send(olds),
            news=self._send(news),
            old_inputs=self._send(old_inputs) if old_inputs is not None else None,
            timeout=timeout,
            preview=False,
        )
        response = self._call("Update", request)
        return self._receive(response.properties, ins=news)

    def delete(
        self,
        urn_name: str,
        id: str,
        props: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
        timeout: float = 0,
    ) -> None:
        """Delete the resource whose last outputs are ``props``."""
        self._ensure_configured()
        request = provider_pb2.DeleteRequest(
            urn=self.urn(urn_name),
            name=urn_name,
            type=self.type_token,
            id=id,
            properties=self._send(props),
            old_inputs=self._send(old_inputs) if old_inputs is not None else None,
            timeout=timeout,
        )
        self._call("Delete", request)
