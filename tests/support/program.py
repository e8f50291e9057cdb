"""Helpers of the program tests (tests/program): a program run under ``set_mocks``, the example's project."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
from pulumi.runtime import Mocks, set_mocks
from pulumi.runtime.config import set_all_config

PROJECT = "pulumi-fsx-copy-example"
BACKUP_COPY_TYPE = "pulumi-python:dynamic/fsx:BackupCopy"
STACK_KEY_TYPE = "pulumi-python:dynamic/fsx:StackKey"
MOCK_STACK_KEY = "5eed" * 8
"""The key the mocks' StackKey is created with (its real Create draws a random one)."""


class RecordingMocks(Mocks):
    """Answers every resource with its inputs (a BackupCopy also with a fake backup ID and ``AVAILABLE``), and
    remembers what was registered, in order."""

    def __init__(self) -> None:
        self.registered: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.registered.append(args)
        if args.typ == STACK_KEY_TYPE:
            return f"stack-key-{MOCK_STACK_KEY}", {"key": MOCK_STACK_KEY}
        if args.typ != BACKUP_COPY_TYPE:
            return f"{args.name}-id", dict(args.inputs)
        backup_id = args.resource_id or f"backup-{abs(hash(args.name)) % 16**17:017x}"
        return backup_id, {**args.inputs, "backup_id": backup_id, "lifecycle": "AVAILABLE"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None

    def copies(self) -> dict[str, dict[str, Any]]:
        """The BackupCopy resources registered, by name, with their inputs."""
        return {r.name: dict(r.inputs) for r in self.registered if r.typ == BACKUP_COPY_TYPE}


def run_with_mocks(
    program: Callable[[], None], mocks: Mocks, *, project: str, config: Mapping[str, Any], preview: bool = False
) -> dict[str, Any]:
    """Run ``program`` under ``mocks`` with ``config`` (project keys); its resolved exports.

    In a thread of its own, so the SDK's settings of this run do not leak into other tests.
    """
    exports: dict[str, Any] = {}
    errors: list[BaseException] = []

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def run_program() -> pulumi.Output[Any]:
        program()
        outputs = pulumi.runtime.get_root_resource().outputs  # type: ignore[union-attr]
        return pulumi.Output.from_input(outputs).apply(exports.update)

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        try:
            set_mocks(mocks, project=project, stack="unit", preview=preview)
            set_all_config({f"{project}:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in config.items()})
            run_program()
        except BaseException as err:  # handed to the test
            errors.append(err)
        finally:
            asyncio.get_event_loop().close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return exports
