"""The example DR stack's whole lifecycle, offline: ``python -m examples.demo`` (``make demo``).

Starts the FSx emulator (moto behind a local HTTP server), seeds a source backup in us-east-1, then runs
the ``examples/dr`` program through :class:`~pulumi_fsx_copy.testing.stack.LocalStack`, its
``BackupCopy`` resources carried out by the real provider process (``python -m pulumi.dynamic`` over
gRPC): preview, up, a tag change (preview shows an in-place update, then up), a tag removed out of band
(refresh shows the drift, up puts it back), destroy.  After every step it checks the result against the
emulator with boto3; it exits 1 if anything is off.  The server and provider processes are always stopped.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3

from examples.dr.__main__ import main as dr_program
from pulumi_fsx_copy.testing import EmulatorServer
from pulumi_fsx_copy.testing.stack import UNKNOWN, LocalStack, StackError, StackResult

PROJECT = "pulumi-fsx-copy-example"
SOURCE_REGION = "us-east-1"
DR_REGIONS = ["us-west-2", "eu-west-1"]
SOURCE_TAGS = {"app": "genomics", "owner": "research"}
COPY_SECONDS = 3.0
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class DemoFailure(Exception):
    """A step did not do what it should."""


def expect(condition: bool, message: str) -> None:
    """Fail the demo with ``message`` unless ``condition``."""
    if not condition:
        raise DemoFailure(message)


class Aws:
    """boto3 against the emulator: what really exists, independent of the stack's state."""

    def __init__(self, endpoint: str) -> None:
        self._endpoint = endpoint

    def fsx(self, region: str) -> Any:
        return boto3.client(
            "fsx",
            region_name=region,
            endpoint_url=self._endpoint,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def backup(self, region: str, backup_id: str) -> dict[str, Any] | None:
        """The backup as DescribeBackups shows it, or None when it is gone (or DELETED)."""
        client = self.fsx(region)
        try:
            backups = client.describe_backups(BackupIds=[backup_id])["Backups"]
        except client.exceptions.BackupNotFound:
            return None
        if not backups or backups[0].get("Lifecycle") == "DELETED":
            return None
        return dict(backups[0])

    def existing(self, region: str, backup_id: str) -> dict[str, Any]:
        """The backup; DemoFailure when it is gone."""
        backup = self.backup(region, backup_id)
        if backup is None:
            raise DemoFailure(f"{backup_id} does not exist in {region}")
        return backup

    def tags(self, region: str, backup_id: str) -> dict[str, str]:
        return {t["Key"]: t["Value"] for t in self.existing(region, backup_id).get("Tags", [])}

    def untag(self, region: str, backup_id: str, key: str) -> None:
        arn = self.existing(region, backup_id)["ResourceARN"]
        self.fsx(region).untag_resource(ResourceARN=arn, TagKeys=[key])


def show(title: str, result: StackResult) -> None:
    """Print what a step changed, its summary and the stack outputs, as ``pulumi`` would."""
    print(f"\n=== {title}")
    for change in result.changes:
        if change.kind == "same":
            continue
        print(f"  {change}")
        if change.kind != "create":
            for line in change.details():
                print(f"        {line}")
    print(f"  Resources: {result.summary()}")
    if result.outputs:
        outputs = json.dumps(result.outputs, indent=2, sort_keys=True, default=repr)
        print("  Outputs:\n" + "\n".join(f"    {line}" for line in outputs.splitlines()))


def kinds(result: StackResult) -> dict[str, str]:
    """Resource name -> change kind."""
    return {change.name: change.kind for change in result.changes}


def copy_ids(outputs: Mapping[str, Any]) -> dict[str, str]:
    """Region -> copy ID, from the stack outputs (the clone under its Region's key ``clone``)."""
    ids = dict(outputs.get("dr_backup_ids") or {})
    expect(sorted(ids) == sorted(DR_REGIONS), f"dr_backup_ids has Regions {sorted(ids)}, not {sorted(DR_REGIONS)}")
    expect(bool(outputs.get("clone_backup_id")), "clone_backup_id is missing from the outputs")
    return {**ids, "clone": outputs["clone_backup_id"]}


def region_of(key: str) -> str:
    return SOURCE_REGION if key == "clone" else key


def run_demo(server: EmulatorServer, state_path: Path) -> None:
    """The lifecycle; raises DemoFailure (or StackError) when a step misbehaves."""
    aws = Aws(server.url)
    source = server.emulator.seed_backup(SOURCE_REGION, tags=SOURCE_TAGS)
    print(f"Seeded source backup {source} in {SOURCE_REGION} with tags {SOURCE_TAGS}")
    stack = LocalStack(
        dr_program,
        project=PROJECT,
        stack="demo",
        config={
            "aws:region": SOURCE_REGION,
            "sourceBackupId": source,
            "sourceRegion": SOURCE_REGION,
            "drRegions": DR_REGIONS,
            "tags": {"purpose": "dr"},
        },
        state_path=state_path,
        env={"AWS_ENDPOINT_URL": server.url, "PULUMI_FSX_COPY_TIME_SCALE": "0.05", **CREDENTIALS},
    )
    names = [f"dr-{region}" for region in DR_REGIONS] + ["clone"]

    result = stack.preview()
    show("1. pulumi preview (new stack)", result)
    expect(kinds(result) == dict.fromkeys(names, "create"), f"preview should create {names}: {kinds(result)}")
    expect(result.outputs.get("clone_backup_id") is UNKNOWN, "a preview cannot know the clone's ID yet")

    result = stack.up()
    show(f"2. pulumi up (copies take {COPY_SECONDS:g} s in the emulator)", result)
    expect(kinds(result) == dict.fromkeys(names, "create"), f"up should create {names}: {kinds(result)}")
    ids = copy_ids(result.outputs)
    for key, backup_id in ids.items():
        backup = aws.existing(region_of(key), backup_id)
        expect(backup["Lifecycle"] == "AVAILABLE", f"copy {backup_id} is {backup['Lifecycle']}, not AVAILABLE")
        tags = aws.tags(region_of(key), backup_id)
        expect(tags.items() >= {**SOURCE_TAGS, "purpose": "dr"}.items(), f"copy {backup_id} has tags {tags}")
    print(f"  Checked with boto3: {len(ids)} copies AVAILABLE in their Regions, source tags copied.")

    stack.config["tags"] = {"purpose": "dr", "env": "prod"}
    result = stack.preview()
    show("3. pulumi preview after `pulumi config set --path tags.env prod`", result)
    expect(kinds(result) == dict.fromkeys(names, "update"), f"a tag change should update in place: {kinds(result)}")
    expect(all(list(c.diffs) == ["tags"] for c in result.changes), "only tags should change")
    expect(copy_ids(result.outputs) == ids, "an in-place update keeps the copies' IDs")

    result = stack.up()
    show("4. pulumi up", result)
    expect(kinds(result) == dict.fromkeys(names, "update"), f"up should update in place: {kinds(result)}")
    expect(copy_ids(result.outputs) == ids, "an in-place update keeps the copies' IDs")
    for key, backup_id in ids.items():
        expect(aws.tags(region_of(key), backup_id).get("env") == "prod", f"{backup_id} did not get env=prod")
    print("  Checked with boto3: every copy now has env=prod, same IDs.")

    drifted = DR_REGIONS[0]
    aws.untag(drifted, ids[drifted], "env")
    print(f"\n--- Out of band: `aws fsx untag-resource --tag-keys env` on {ids[drifted]} in {drifted}")

    result = stack.refresh()
    show("5. pulumi refresh", result)
    expect(kinds(result)[f"dr-{drifted}"] == "refresh-updated", f"refresh should see the drift: {kinds(result)}")
    expect("tags" in result.change(f"dr-{drifted}").diffs, "the drift is in tags")
    expect([k for k, v in kinds(result).items() if v != "same"] == [f"dr-{drifted}"], "only one copy drifted")

    result = stack.up()
    show("6. pulumi up (converge)", result)
    expect(kinds(result)[f"dr-{drifted}"] == "update", f"up should put the tag back: {kinds(result)}")
    expect(aws.tags(drifted, ids[drifted]).get("env") == "prod", "env=prod was not put back")
    expect(copy_ids(result.outputs) == ids, "converging keeps the copies' IDs")
    print(f"  Checked with boto3: env=prod is back on {ids[drifted]}.")

    result = stack.destroy()
    show("7. pulumi destroy", result)
    expect(kinds(result) == dict.fromkeys(names, "delete"), f"destroy should delete {names}: {kinds(result)}")
    left = [backup_id for key, backup_id in ids.items() if aws.backup(region_of(key), backup_id) is not None]
    expect(not left, f"destroy left copies behind: {left}")
    expect(aws.backup(SOURCE_REGION, source) is not None, "destroy must not touch the source backup")
    expect(not stack.resources, f"the state still holds {[r.urn for r in stack.resources]}")
    print("  Checked with boto3: no copy left, the source backup untouched, the state empty.")


def main() -> int:
    """Run the demo; 0 when every step behaved, 1 otherwise."""
    started = time.monotonic()
    try:
        with EmulatorServer(copy_seconds=COPY_SECONDS) as server, tempfile.TemporaryDirectory() as tmp:
            print(f"FSx emulator at {server.url}")
            run_demo(server, Path(tmp) / "state.json")
    except (DemoFailure, StackError) as err:
        print(f"\nDEMO FAILED: {err}", file=sys.stderr)
        return 1
    print(f"\nDemo OK: the DR stack went through its whole lifecycle in {time.monotonic() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
