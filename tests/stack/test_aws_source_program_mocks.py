"""The pulumi-aws example (``aws.fsx.Backup`` → ``BackupCopy``) under ``pulumi.runtime.set_mocks``."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pulumi
import pytest
from pulumi.output import Unknown
from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.config import set_all_config

from examples.aws_source.__main__ import main as aws_source_program

PROJECT = "aws-source-example"


class AwsMocks(Mocks):
    """pulumi-aws resources get no ID during preview (unknown, as the engine gives them), a fixed one at up."""

    def __init__(self, preview: bool) -> None:
        self.preview = preview
        self.resources: dict[str, MockResourceArgs] = {}

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.resources[args.name] = args
        if args.typ == "aws:fsx/backup:Backup":
            return (None if self.preview else "backup-0aaaaaaaaaaaaaaaa"), dict(args.inputs)
        return f"{args.name}-id", {**args.inputs, "backup_id": f"{args.name}-id"}

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def run(preview: bool) -> AwsMocks:
    """Run the program in a thread of its own (the SDK's settings stay out of other tests)."""
    mocks = AwsMocks(preview)
    errors: list[BaseException] = []

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> None:
        aws_source_program()

    def target() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        try:
            set_mocks(mocks, project=PROJECT, stack="unit", preview=preview)
            set_all_config({f"{PROJECT}:fileSystemId": "fs-0123456789abcdef0", f"{PROJECT}:drRegion": "eu-west-1"})
            program()
        except BaseException as err:  # handed to the test
            errors.append(err)
        finally:
            asyncio.get_event_loop().close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return mocks


@pytest.mark.parametrize("preview", [True, False])
def test_the_backup_flows_into_the_copy(preview: bool) -> None:
    mocks = run(preview)
    backup = mocks.resources["nightly"]
    copy = mocks.resources["nightly-dr"]
    assert backup.typ == "aws:fsx/backup:Backup" and backup.inputs["fileSystemId"] == "fs-0123456789abcdef0"
    assert copy.typ == "pulumi-python:dynamic/fsx:BackupCopy"
    assert copy.inputs["region"] == "eu-west-1" and copy.inputs["source_region"] == "us-east-1"
    # At preview the backup's ID is unknown, and BackupCopy receives the unknown, not a guess.
    source_backup_id = copy.inputs["source_backup_id"]
    if preview:
        assert isinstance(source_backup_id, Unknown)
    else:
        assert source_backup_id == "backup-0aaaaaaaaaaaaaaaa"
