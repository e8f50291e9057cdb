"""Run a Pulumi program offline, its ``BackupCopy`` resources carried out by the real provider process.

There is no Pulumi CLI in tests, so :class:`LocalStack` plays a minimal engine for one stack.  It runs
the program with :func:`pulumi.runtime.set_mocks` and a monitor that does, for every
``pulumi-python:dynamic/fsx:BackupCopy`` the program registers, what the engine does through a
:class:`~pulumi_fsx_copy.testing.engine.ProviderProcess` (``python -m pulumi.dynamic`` over gRPC):

* Configure once, with the stack's config (e.g. ``aws:region``);
* Check (prior inputs, new inputs); failures raise :class:`StackError` naming the resource;
* new resource: Create; existing one: Diff (prior outputs, checked inputs), then nothing, Update, or a
  replacement: Create the new copy at once, Delete the old one after the program (create before delete,
  unless the provider asks for delete before replace);
* ``BackupCopy.get`` (a resource with ``opts.id``): Read;
* after the program, resources the state holds but the program no longer declares are deleted.

A preview runs Check and Diff only and reports what would change; outputs that only Create or Update
would know are unknown (:data:`UNKNOWN` in :attr:`StackResult.outputs`).  :meth:`LocalStack.refresh`
Reads every copy; :meth:`LocalStack.destroy` deletes every copy, last registered first.

Only ``BackupCopy`` is carried out for real.  Any other resource (``aws:fsx/backup:Backup``, a component,
...) gets deterministic fake outputs: its inputs echoed, ID ``<name>-id``; invokes return ``{}``.

The state (per resource: URN, ID, inputs, outputs) lives in memory and, given ``state_path``, in a JSON
file read at the start and written at the end of every operation but a preview, so a stack can span calls
and processes.  Each operation runs the program in a thread of its own, with fresh Pulumi runtime
settings (a new ``contextvars`` context and event loop), so operations can follow each other in one
process.  The provider process lives for one operation, as the engine's plugins live for one command.

To test a DR stack offline against the emulator::

    from pulumi_fsx_copy.testing import EmulatorServer
    from pulumi_fsx_copy.testing.stack import LocalStack

    with EmulatorServer(copy_seconds=1) as server:
        source = server.emulator.seed_backup("us-east-1", tags={"app": "x"})
        stack = LocalStack(
            my_program,  # declares BackupCopy resources, calls pulumi.export
            project="dr",
            stack="test",
            config={"aws:region": "us-east-1", "sourceBackupId": source},
            env={"AWS_ENDPOINT_URL": server.url, "AWS_ACCESS_KEY_ID": "testing",
                 "AWS_SECRET_ACCESS_KEY": "testing", "PULUMI_FSX_COPY_TIME_SCALE": "0.05"},
        )
        print(stack.up().outputs)
        stack.destroy()
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, Literal

from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import SETTINGS, get_root_resource
from pulumi.runtime.stack import massage, run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from .engine import (
    DEFAULT_TYPE,
    CheckOutcome,
    DiffOutcome,
    EngineError,
    ProviderError,
    ProviderProcess,
    ReadOutcome,
    Secret,
)

__all__ = [
    "BACKUP_COPY_TYPE",
    "UNKNOWN",
    "Change",
    "ChangeKind",
    "LocalStack",
    "ResourceState",
    "StackError",
    "StackResult",
]

BACKUP_COPY_TYPE: Final = DEFAULT_TYPE
"""The one resource type :class:`LocalStack` carries out through the provider process."""

STATE_VERSION: Final = 1
_STACK_TYPE = "pulumi:pulumi:Stack"
_PROVIDER_KEY = "__provider"

ChangeKind = Literal["create", "update", "replace", "delete", "same", "read", "refresh-updated", "refresh-deleted"]
Operation = Literal["preview", "up", "refresh", "destroy"]


class _UnknownValue:
    """A value a preview cannot know yet (``output<T>`` in ``pulumi preview``)."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Final = _UnknownValue()
"""Stands in :attr:`StackResult.outputs` for a value only ``up`` will know."""


class StackError(Exception):
    """An operation failed: the program raised, or the provider failed or rejected a resource."""


@dataclass(frozen=True)
class ResourceState:
    """One resource of the stack's state.  Values are in Pulumi's wire form (secrets wrapped)."""

    urn: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    external: bool = False
    """Read with ``get``, not managed: never deleted, only forgotten."""
    pending_delete: bool = False
    """A replaced copy an interrupted ``up`` did not delete yet; the next ``up`` or ``destroy`` does."""

    @property
    def type(self) -> str:
        """The resource's type token."""
        return _urn_type(self.urn)

    @property
    def name(self) -> str:
        """The resource's logical name."""
        return _name(self.urn)

    def to_json(self) -> dict[str, Any]:
        """This entry as a JSON object."""
        return {
            "urn": self.urn,
            "id": self.id,
            "inputs": self.inputs,
            "outputs": self.outputs,
            "external": self.external,
            "pending_delete": self.pending_delete,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResourceState:
        """The entry :meth:`to_json` wrote."""
        return cls(
            urn=str(data["urn"]),
            id=str(data["id"]),
            inputs=dict(data["inputs"]),
            outputs=dict(data["outputs"]),
            external=bool(data.get("external", False)),
            pending_delete=bool(data.get("pending_delete", False)),
        )


_SYMBOLS: dict[str, str] = {
    "create": "+",
    "update": "~",
    "replace": "+-",
    "delete": "-",
    "same": " ",
    "read": ">",
    "refresh-updated": "~",
    "refresh-deleted": "-",
}


@dataclass(frozen=True)
class Change:
    """What an operation did (or, in a preview, would do) to one resource."""

    urn: str
    kind: ChangeKind
    diffs: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    """Changed properties, each ``(old, new)``: inputs for create/update/replace (old outputs when only
    drift makes the change), outputs for a refresh."""
    replaces: tuple[str, ...] = ()
    """The properties that force a replacement (kind ``replace``)."""

    @property
    def type(self) -> str:
        """The resource's type token."""
        return _urn_type(self.urn)

    @property
    def name(self) -> str:
        """The resource's logical name."""
        return _name(self.urn)

    def __str__(self) -> str:
        line = f"{_SYMBOLS[self.kind]:<2} {self.type}  {self.name}  {self.kind}"
        if self.diffs and self.kind not in ("create", "read"):
            line += "  [diff: " + ", ".join(f"~{key}" for key in self.diffs) + "]"
        return line

    def details(self) -> list[str]:
        """One line per changed property (``+`` added, ``-`` removed, ``~ old => new``), secrets hidden."""
        lines = []
        for key, (old, new) in self.diffs.items():
            mark = " (forces replacement)" if key in self.replaces else ""
            if old is None:
                lines.append(f"+ {key}: {_display(new)}{mark}")
            elif new is None:
                lines.append(f"- {key}: {_display(old)}{mark}")
            else:
                lines.append(f"~ {key}: {_display(old)} => {_display(new)}{mark}")
        return lines


@dataclass(frozen=True)
class StackResult:
    """The outcome of one operation: the stack outputs and what changed."""

    operation: Operation
    outputs: dict[str, Any]
    """The program's ``pulumi.export``s, resolved (secrets unwrapped, :data:`UNKNOWN` where unknown)."""
    changes: list[Change]

    def change(self, name: str) -> Change:
        """The change of the resource named ``name``; KeyError when the operation did not touch it."""
        for change in self.changes:
            if change.name == name:
                return change
        raise KeyError(f"no change for resource {name!r} in {[c.name for c in self.changes]}")

    def summary(self) -> str:
        """Counts per kind, as ``pulumi`` prints them: ``+ 2 to create, ~ 1 to update, 3 unchanged``."""
        counts: dict[str, int] = {}
        for change in self.changes:
            counts[change.kind] = counts.get(change.kind, 0) + 1
        future = self.operation == "preview"
        parts = []
        for kinds, symbol, verb in (
            (("create",), "+", "create"),
            (("update", "refresh-updated"), "~", "update"),
            (("replace",), "+-", "replace"),
            (("delete", "refresh-deleted"), "-", "delete"),
            (("read",), ">", "read"),
        ):
            count = sum(counts.get(kind, 0) for kind in kinds)
            if count:
                past = verb if verb == "read" else f"{verb.rstrip('e')}ed"
                parts.append(f"{symbol}{'' if len(symbol) > 1 else ' '}{count} {f'to {verb}' if future else past}")
        if counts.get("same"):
            parts.append(f"{counts['same']} unchanged")
        return ", ".join(parts) or "no resources"


class LocalStack:
    """One stack of a Pulumi program, run offline; ``BackupCopy`` resources are carried out for real.

    :param program: the Pulumi program: a function that declares resources and calls ``pulumi.export``
        (run it with the stack's config; see the module docstring for what is real and what is faked).
        An attribute: assign another function to model an edit of the program.
    :param project: the project name (``pulumi.get_project()``; unqualified config keys belong to it).
    :param stack: the stack name (``pulumi.get_stack()``).
    :param config: the stack's config, like ``Pulumi.<stack>.yaml``: ``{"aws:region": "us-east-1",
        "tags": {"team": "dr"}}``; keys without a namespace are the project's.  Non-string values are
        JSON-encoded, so ``Config.get_object`` sees them as the CLI would.  An attribute (a dict) to edit.
    :param secret_keys: config keys (as in ``config``) that are secrets.
    :param state_path: a JSON file to keep the state in between calls and processes (optional).
    :param env: added to this process's environment for the provider process, e.g.
        ``AWS_ENDPOINT_URL`` (the emulator), fake credentials, ``PULUMI_FSX_COPY_TIME_SCALE``.
    """

    def __init__(
        self,
        program: Callable[[], None],
        *,
        project: str,
        stack: str,
        config: Mapping[str, Any] | None = None,
        secret_keys: Iterable[str] = (),
        state_path: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.program = program
        self.project = project
        self.stack = stack
        self.config: dict[str, Any] = dict(config or {})
        self.secret_keys = set(secret_keys)
        self.state_path = state_path
        self.env = dict(env or {})
        self._resources: list[ResourceState] = []
        self._outputs: dict[str, Any] = {}
        self._load()

    # -- public operations -------------------------------------------------------------------------

    @property
    def resources(self) -> list[ResourceState]:
        """The resources in the state, in registration order."""
        self._load()
        return list(self._resources)

    @property
    def outputs(self) -> dict[str, Any]:
        """The stack outputs of the last successful ``up``."""
        self._load()
        return dict(self._outputs)

    def preview(self) -> StackResult:
        """Run the program with Check and Diff only; report what ``up`` would change.  State is untouched."""
        return self._run_program(preview=True)

    def up(self) -> StackResult:
        """Run the program, create/update/replace its resources, delete the ones it no longer declares."""
        return self._run_program(preview=False)

    def refresh(self) -> StackResult:
        """Read every ``BackupCopy`` in the state and record what AWS says (gone: removed from the state)."""
        self._load()
        changes: list[Change] = []
        refreshed: list[ResourceState | None] = list(self._resources)
        with _Provider(self) as provider:
            try:
                for index, entry in enumerate(self._resources):
                    if entry.type != BACKUP_COPY_TYPE:
                        changes.append(Change(entry.urn, "same"))
                        continue
                    outcome = provider.read(entry.urn, entry.id, entry.outputs, entry.inputs)
                    if not outcome.id:
                        refreshed[index] = None
                        changes.append(Change(entry.urn, "refresh-deleted"))
                        continue
                    inputs = entry.inputs if outcome.inputs is None else outcome.inputs
                    refreshed[index] = replace(entry, id=outcome.id, inputs=inputs, outputs=outcome.outs)
                    diffs = _diffs(entry.outputs, outcome.outs)
                    changes.append(Change(entry.urn, "refresh-updated" if diffs else "same", diffs))
            finally:
                self._resources = [e for e in refreshed if e is not None]
                self._save()
        return StackResult("refresh", dict(self._outputs), changes)

    def destroy(self) -> StackResult:
        """Delete every managed resource, last registered first; forget the ones read with ``get``."""
        self._load()
        changes: list[Change] = []
        with _Provider(self) as provider:
            try:
                while self._resources:
                    entry = self._resources[-1]
                    if entry.type == BACKUP_COPY_TYPE and not entry.external:
                        provider.delete(entry)
                    self._resources.pop()
                    if not entry.external:
                        changes.append(Change(entry.urn, "delete"))
                self._outputs = {}
            finally:
                self._save()
        return StackResult("destroy", {}, changes)

    # -- the program -------------------------------------------------------------------------------

    def _run_program(self, *, preview: bool) -> StackResult:
        self._load()
        with _Provider(self) as provider:
            deployment = _Deployment(self._resources, provider, preview=preview)
            try:
                outputs = self._execute(deployment, preview=preview)
                if not preview:
                    self._outputs = outputs
                deployment.delete_leftovers()
            finally:
                if not preview:
                    self._resources = deployment.new_state()
                    self._save()
        return StackResult("preview" if preview else "up", outputs, deployment.changes)

    def _execute(self, deployment: _Deployment, *, preview: bool) -> dict[str, Any]:
        """Run the program in a thread of its own (fresh runtime settings and event loop); its exports."""
        result: dict[str, Any] = {}
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                monitor = _Monitor(deployment)
                set_mocks(deployment, project=self.project, stack=self.stack, preview=preview, monitor=monitor)
                # set_mocks leaves these to process-wide defaults, which an earlier run may have left dirty.
                SETTINGS.outputs = set()
                SETTINGS.lock = threading.Lock()
                set_all_config(self._program_config(), sorted(self._qualified(k) for k in self.secret_keys))
                result.update(loop.run_until_complete(self._run_and_export()))
            except BaseException as exc:  # handed to the calling thread
                failure.append(exc)
            finally:
                pending = asyncio.all_tasks(loop)
                for task in pending:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_default_executor())
                loop.close()
                asyncio.set_event_loop(None)

        thread = threading.Thread(target=run, name=f"pulumi-program-{self.stack}")
        thread.start()
        thread.join()
        if deployment.errors:
            raise StackError("\n".join(str(error) for error in deployment.errors)) from deployment.errors[0]
        if failure:
            raise StackError(f"the program of stack '{self.stack}' failed: {failure[0]!r}") from failure[0]
        return result

    async def _run_and_export(self) -> dict[str, Any]:
        """Run the program, wait for all its work, and resolve its exports as the engine receives them."""
        await run_pulumi_func(self.program)
        root = get_root_resource()
        exports = getattr(root, "outputs", None) or {}
        struct = await rpc.serialize_properties(massage(exports, []), {})
        resolved: dict[str, Any] = _plain(rpc.deserialize_properties(struct, keep_unknowns=True))
        return resolved

    # -- config and state --------------------------------------------------------------------------

    def _qualified(self, key: str) -> str:
        return key if ":" in key else f"{self.project}:{key}"

    def _program_config(self) -> dict[str, str]:
        """Config as the language host hands it to the program: full keys, strings (JSON for the rest)."""
        return {self._qualified(k): v if isinstance(v, str) else json.dumps(v) for k, v in self.config.items()}

    def _provider_config(self) -> tuple[dict[str, Any], list[str]]:
        config = {self._qualified(k): v for k, v in self.config.items()}
        return config, [self._qualified(k) for k in self.secret_keys]

    def _load(self) -> None:
        if self.state_path is None or not self.state_path.exists():
            return
        data = json.loads(self.state_path.read_text())
        if data.get("version") != STATE_VERSION:
            raise StackError(f"{self.state_path}: unknown state version {data.get('version')!r}")
        self._resources = [ResourceState.from_json(r) for r in data["resources"]]
        self._outputs = dict(data.get("outputs") or {})

    def _save(self) -> None:
        if self.state_path is None:
            return
        data = {
            "version": STATE_VERSION,
            "project": self.project,
            "stack": self.stack,
            "outputs": self._outputs,
            "resources": [r.to_json() for r in self._resources],
        }
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.state_path.with_name(self.state_path.name + ".tmp")
        temp.write_text(json.dumps(data, indent=2, sort_keys=True))
        temp.replace(self.state_path)


class _Provider:
    """The provider process of one operation: started and configured on first use, always stopped.

    Its methods take and return wire-form values; a provider failure becomes a :class:`StackError`.
    """

    def __init__(self, stack: LocalStack) -> None:
        self._stack = stack
        self._lock = threading.Lock()
        self._process: ProviderProcess | None = None

    def __enter__(self) -> _Provider:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.stop()

    @contextmanager
    def _calling(self, urn: str, method: str) -> Iterator[ProviderProcess]:
        """The started, configured process; a failure of ``method`` raised as a StackError naming ``urn``."""
        with self._lock:
            if self._process is None:
                stack = self._stack
                self._process = ProviderProcess(env=stack.env, project=stack.project, stack=stack.stack)
                self._process.start()
                config, secret_keys = stack._provider_config()
                self._process.configure(config, secret_keys=secret_keys)
            process = self._process
        try:
            yield process
        except (ProviderError, EngineError) as err:
            detail = err.last_line if isinstance(err, ProviderError) else str(err)
            raise StackError(f"{_urn_type(urn)} '{_name(urn)}': {method} failed: {detail}") from err

    def check(self, urn: str, olds: dict[str, Any], news: dict[str, Any], *, preview: bool) -> CheckOutcome:
        with self._calling(urn, "Check") as process:
            outcome = process.check(_name(urn), _harness(olds), _harness(news), preview=preview)
        return CheckOutcome(_wire(outcome.inputs), outcome.failures)

    def diff(self, old: ResourceState, news: dict[str, Any], *, preview: bool) -> DiffOutcome:
        with self._calling(old.urn, "Diff") as process:
            return process.diff(
                old.name,
                old.id,
                _harness(old.outputs),
                _harness(news),
                old_inputs=_harness(old.inputs),
                preview=preview,
            )

    def create(self, urn: str, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        with self._calling(urn, "Create") as process:
            id_, outs = process.create(_name(urn), _harness(news))
        return id_, _wire(outs)

    def read(self, urn: str, id_: str, outputs: dict[str, Any], inputs: dict[str, Any]) -> ReadOutcome:
        with self._calling(urn, "Read") as process:
            outcome = process.read(_name(urn), id_, _harness(outputs), inputs=_harness(inputs))
        new_inputs = _wire(outcome.inputs) if outcome.inputs is not None else None
        return ReadOutcome(outcome.id, _wire(outcome.outs), new_inputs)

    def update(self, old: ResourceState, news: dict[str, Any]) -> dict[str, Any]:
        with self._calling(old.urn, "Update") as process:
            outs = process.update(
                old.name, old.id, _harness(old.outputs), _harness(news), old_inputs=_harness(old.inputs)
            )
        return dict(_wire(outs))

    def delete(self, entry: ResourceState) -> None:
        with self._calling(entry.urn, "Delete") as process:
            process.delete(entry.name, entry.id, _harness(entry.outputs), old_inputs=_harness(entry.inputs))


class _ResourceArgs(MockResourceArgs):
    """:class:`MockResourceArgs` plus what an engine knows: the URN, and whether the program reads."""

    def __init__(self, *, urn: str, read: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urn = urn
        self.read = read


class _Monitor(MockMonitor):
    """The SDK's mock monitor, handing the URN (which depends on the parent) to the mocks."""

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == _STACK_TYPE:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        id_, state = self._new_resource(urn, request, request.object, request.importId or None, read=False)
        obj = _sync_await(rpc.serialize_properties(state, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=obj)

    def ReadResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        _, state = self._new_resource(urn, request, request.properties, request.id, read=True)
        props = _sync_await(rpc.serialize_properties(state, {}))
        return resource_pb2.ReadResourceResponse(urn=urn, properties=props)

    def _new_resource(
        self, urn: str, request: Any, props: Any, resource_id: str | None, *, read: bool
    ) -> tuple[str, dict[str, Any]]:
        _ensure_event_loop()  # type: ignore[no-untyped-call]
        args = _ResourceArgs(
            urn=urn,
            read=read,
            typ=request.type,
            name=request.name,
            inputs=rpc.deserialize_properties(props, keep_unknowns=True),
            provider=request.provider,
            resource_id=resource_id,
            custom=getattr(request, "custom", True),
        )
        id_, state = self.mocks.new_resource(args)
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_ or "", state)
        return id_ or "", state


class _Deployment(Mocks):
    """The engine's work for one run of the program; ``new_resource`` is called once per resource."""

    def __init__(self, state: list[ResourceState], provider: _Provider, *, preview: bool) -> None:
        self._old = list(state)
        self._by_urn = {e.urn: e for e in state if not e.pending_delete}
        self._provider = provider
        self._preview = preview
        self._lock = threading.Lock()
        self._new: dict[str, ResourceState] = {}
        self._replaced: list[ResourceState] = []
        self._deleted: set[int] = set()
        self.changes: list[Change] = []
        self.errors: list[StackError] = []

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        """Invokes are not carried out: they return ``{}``."""
        return {}, None

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        """Carry out one registration (or ``get``); its ID and outputs, as the engine would answer."""
        assert isinstance(args, _ResourceArgs)
        inputs = _wire(args.inputs)
        try:
            if args.typ != BACKUP_COPY_TYPE:
                return self._fake(args.urn, inputs, args.resource_id, read=args.read)
            if args.read:
                return self._read_copy(args.urn, str(args.resource_id), inputs)
            if args.resource_id:
                raise StackError(f"{args.urn}: dynamic providers cannot import; use BackupCopy.get()")
            return self._register_copy(args.urn, inputs)
        except StackError as err:
            with self._lock:
                self.errors.append(err)
            raise

    def _record(self, entry: ResourceState, change: Change) -> None:
        with self._lock:
            self._new[entry.urn] = entry
            self.changes.append(change)

    def _fake(
        self, urn: str, inputs: dict[str, Any], resource_id: str | None, *, read: bool
    ) -> tuple[str, dict[str, Any]]:
        old = self._by_urn.get(urn)
        id_ = resource_id or (old.id if old else f"{_name(urn)}-id")
        diffs = _diffs(old.inputs if old else {}, inputs)
        kind: ChangeKind = "read" if read else "create" if old is None else "update" if diffs else "same"
        self._record(ResourceState(urn, id_, inputs, inputs, external=read), Change(urn, kind, diffs))
        return id_, inputs

    def _read_copy(self, urn: str, id_: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        outcome = self._provider.read(urn, id_, {}, inputs)
        if not outcome.id:
            raise StackError(f"{_urn_type(urn)} '{_name(urn)}': Read failed: resource '{id_}' does not exist")
        inputs = inputs if outcome.inputs is None else outcome.inputs
        self._record(ResourceState(urn, outcome.id, inputs, outcome.outs, external=True), Change(urn, "read"))
        return outcome.id, outcome.outs

    def _register_copy(self, urn: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        preview = self._preview
        old = self._by_urn.get(urn)
        checked = self._provider.check(urn, old.inputs if old else {}, inputs, preview=preview)
        if checked.failures:
            reasons = "".join(f"\n  - {prop}: {reason}" for prop, reason in checked.failures)
            raise StackError(f"{_urn_type(urn)} '{_name(urn)}' has invalid inputs:{reasons}")
        news = checked.inputs
        if old is None:
            return self._create(urn, news, Change(urn, "create", _diffs({}, news)))
        diff = self._provider.diff(old, news, preview=preview)
        # Inputs unchanged but a change anyway: drift a refresh recorded; show it against the outputs.
        diffs = _diffs(old.inputs, news) or _diffs({k: old.outputs.get(k) for k in news}, news)
        if diff.changes == "none" or (diff.changes == "unknown" and not diffs):
            self._record(replace(old, inputs=news), Change(urn, "same"))
            return old.id, old.outputs
        if diff.replaces:
            if diff.delete_before_replace and not preview:
                self._delete(old)
            elif not diff.delete_before_replace:
                with self._lock:
                    self._replaced.append(old)
            return self._create(urn, news, Change(urn, "replace", diffs, tuple(diff.replaces)))
        change = Change(urn, "update", diffs)
        if preview:
            self._record(replace(old, inputs=news, outputs=news), change)
            return old.id, news
        outs = self._provider.update(old, news)
        self._record(replace(old, inputs=news, outputs=outs), change)
        return old.id, outs

    def _create(self, urn: str, news: dict[str, Any], change: Change) -> tuple[str, dict[str, Any]]:
        if self._preview:
            self._record(ResourceState(urn, "", news, news), change)
            return "", news
        id_, outs = self._provider.create(urn, news)
        self._record(ResourceState(urn, id_, news, outs), change)
        return id_, outs

    def _delete(self, entry: ResourceState) -> None:
        self._provider.delete(entry)
        self._deleted.add(id(entry))

    def _leftovers(self) -> Iterator[ResourceState]:
        """Old entries to delete after the program, last registered first: replaced, pending, undeclared."""
        replaced = {id(e) for e in self._replaced}
        for entry in reversed(self._old):
            if id(entry) in self._deleted:
                continue
            if id(entry) in replaced or entry.pending_delete or entry.urn not in self._new:
                yield entry

    def delete_leftovers(self) -> None:
        """Delete what the program no longer declares and the copies it replaced (preview: report)."""
        for entry in list(self._leftovers()):
            declared = entry.urn in self._new
            if not declared and not entry.external:
                self.changes.append(Change(entry.urn, "delete"))
            if self._preview:
                continue
            if entry.type == BACKUP_COPY_TYPE and not entry.external:
                self._delete(entry)
            else:
                self._deleted.add(id(entry))

    def new_state(self) -> list[ResourceState]:
        """The state after this run: what the program registered, then old entries not yet deleted."""
        replaced = {id(e) for e in self._replaced}
        leftovers = [
            replace(e, pending_delete=e.pending_delete or id(e) in replaced or e.urn in self._new)
            for e in self._old
            if id(e) not in self._deleted and (id(e) in replaced or e.pending_delete or e.urn not in self._new)
        ]
        return [*self._new.values(), *leftovers]


# -- values --------------------------------------------------------------------------------------


def _urn_type(urn: str) -> str:
    return urn.split("::")[2].split("$")[-1]


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _wire(value: Any) -> Any:
    """Harness or SDK value -> wire form for the state: secrets wrapped, unknowns ``rpc.UNKNOWN``."""
    if isinstance(value, Secret):
        return rpc.wrap_rpc_secret(_wire(value.value))
    if isinstance(value, Unknown):
        return rpc.UNKNOWN
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_wire(v) for v in value]
    return value


def _harness(value: Any) -> Any:
    """Wire form -> what :class:`ProviderProcess` sends (:class:`Secret`)."""
    if rpc.is_rpc_secret(value):
        return Secret(_harness(rpc.unwrap_rpc_secret(value)))
    if isinstance(value, dict):
        return {k: _harness(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_harness(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """Deserialized stack outputs -> plain values: secrets unwrapped, unknowns :data:`UNKNOWN`."""
    if isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN):
        return UNKNOWN
    if rpc.is_rpc_secret(value):
        return _plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _diffs(olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Top-level properties that differ (``__provider`` left out), each ``(old, new)``."""
    keys = sorted((set(olds) | set(news)) - {_PROVIDER_KEY})
    return {k: (olds.get(k), news.get(k)) for k in keys if olds.get(k) != news.get(k)}


def _display(value: Any) -> str:
    if rpc.is_rpc_secret(value):
        return "[secret]"
    if isinstance(value, str) and value == rpc.UNKNOWN:
        return "output<unknown>"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_display(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_display(v) for v in value) + "]"
    return json.dumps(value) if isinstance(value, str) else repr(value)
