"""The pulumi-aws example (``aws.fsx.Backup`` → ``BackupCopy``) under ``pulumi.runtime.set_mocks``."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks

from examples.aws_source.__main__ import main as aws_source_program
from tests.support.program import run_with_mocks

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
    mocks = AwsMocks(preview)
    config = {"fileSystemId": "fs-0123456789abcdef0", "drRegion": "eu-west-1"}
    run_with_mocks(aws_source_program, mocks, project=PROJECT, config=config, preview=preview)
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
