"""Run a Pulumi program through the real Pulumi CLI against the FSx emulator (Automation API).

:func:`emulator_stack` returns a plain :class:`pulumi.automation.Stack` for an *inline* program (a Python
function, so no language plugin is needed), on a local file backend with a passphrase secrets provider,
whose ``BackupCopy`` resources talk to the emulator server at ``emulator_url``.  Everything runs through
the ``pulumi`` CLI you have: the one on ``PATH``, or the one in ``pulumi_root/bin``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from . import FAKE_AWS_ENV

FAKE_CREDENTIALS = {name: FAKE_AWS_ENV[name] for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
"""Credentials the emulator accepts (from :data:`~pulumi_fsx_copy.testing.FAKE_AWS_ENV`)."""

TEST_PASSPHRASE = "pulumi-fsx-copy-test-only"
"""The passphrase of the test stacks' secrets provider: their state stays encrypted at rest."""


def emulator_env(
    emulator_url: str, state_dir: Path, *, pulumi_root: Path | None = None, time_scale: float = 0.02
) -> dict[str, str]:
    """The environment the CLI (and the provider process it starts) needs to run against the emulator.

    No download, no update check, no Pulumi Cloud; state and Pulumi's own files under ``state_dir``;
    the provider process runs this interpreter (``PULUMI_PYTHON_CMD``), which can import this package.
    """
    env = {
        **FAKE_AWS_ENV,
        "AWS_ENDPOINT_URL": emulator_url,
        "PULUMI_BACKEND_URL": state_dir.resolve().as_uri(),
        "PULUMI_HOME": str(state_dir / ".pulumi"),
        "PULUMI_CONFIG_PASSPHRASE": TEST_PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "true",
        "PULUMI_PYTHON_CMD": sys.executable,
        "PULUMI_FSX_COPY_TIME_SCALE": str(time_scale),
    }
    if pulumi_root is not None:
        # The engine looks for `pulumi-resource-pulumi-python` on PATH first, then beside `pulumi`.
        env["PATH"] = os.pathsep.join((str(pulumi_root / "bin"), os.environ.get("PATH", "")))
    return env


def emulator_stack(
    program: Callable[[], None],
    *,
    project: str,
    emulator_url: str,
    state_dir: Path,
    stack: str = "test",
    config: Mapping[str, str] | None = None,
    secret_config: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    pulumi_root: Path | None = None,
    time_scale: float = 0.02,
) -> auto.Stack:
    """A new (or the existing) stack ``stack`` of ``program``, configured with ``config`` (and
    ``secret_config``, stored encrypted), running against the emulator server at ``emulator_url``.

    ``pulumi_root`` is a Pulumi installation (its ``bin`` holds ``pulumi``); default: ``pulumi`` on PATH.
    ``time_scale`` shrinks the provider's poll delays to the emulator's short copies.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    env_vars = {**emulator_env(emulator_url, state_dir, pulumi_root=pulumi_root, time_scale=time_scale), **(env or {})}
    command = auto.PulumiCommand(str(pulumi_root), skip_version_check=True) if pulumi_root else None
    options = auto.LocalWorkspaceOptions(
        work_dir=str(state_dir),
        pulumi_home=env_vars["PULUMI_HOME"],
        env_vars=env_vars,
        pulumi_command=command,
        project_settings=auto.ProjectSettings(
            name=project, runtime="python", backend=auto.ProjectBackend(env_vars["PULUMI_BACKEND_URL"])
        ),
        secrets_provider="passphrase",
    )
    created = auto.create_or_select_stack(stack_name=stack, project_name=project, program=program, opts=options)
    values: dict[str, Any] = {key: auto.ConfigValue(value) for key, value in (config or {}).items()}
    values.update({key: auto.ConfigValue(value, secret=True) for key, value in (secret_config or {}).items()})
    if values:
        created.set_all_config(values)
    return created


class EventLog:
    """The engine events of one operation: pass :meth:`record` as ``on_event`` to ``preview``/``up``/...."""

    def __init__(self) -> None:
        self.events: list[auto.EngineEvent] = []

    def record(self, event: auto.EngineEvent) -> None:
        """Keep ``event`` (called by the Automation API on its own thread, in order)."""
        self.events.append(event)

    def steps(self) -> list[auto.StepEventMetadata]:
        """The steps the engine started on the program's resources (not on provider resources), in order."""
        steps = [e.resource_pre_event.metadata for e in self.events if e.resource_pre_event is not None]
        return [step for step in steps if not step.type.startswith("pulumi:providers:")]

    def ops(self, *, include_same: bool = False) -> dict[str, list[str]]:
        """Resource name -> the operations the engine ran on it, in order (``same`` left out by default)."""
        ops: dict[str, list[str]] = {}
        for step in self.steps():
            if include_same or step.op != auto.OpType.SAME:
                ops.setdefault(step.urn.rsplit("::", 1)[-1], []).append(str(step.op.value))
        return ops

    def status_messages(self, urn: str | None = None) -> list[str]:
        """The ephemeral status messages (a copy's progress) shown in a resource's row, for ``urn`` if given."""
        return [
            d.message.strip()
            for d in (e.diagnostic_event for e in self.events)
            if d is not None and d.ephemeral and (urn is None or d.urn == urn)
        ]


def changed_inputs(step: auto.StepEventMetadata) -> list[str]:
    """The inputs a step changes, from its old and new state (a dynamic provider's diff names no keys)."""
    old = dict(step.old.inputs or {}) if step.old is not None else {}
    new = dict(step.new.inputs or {}) if step.new is not None else {}
    return sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
