"""The example DR stack's whole lifecycle through the real ``pulumi`` CLI: ``python -m examples.demo`` (``make demo``).

Starts the FSx emulator (moto behind a local HTTP server), seeds a source backup in us-east-1 and a KMS key
with two aliases in each DR Region, then runs the ``examples/dr`` program as an Automation API inline
program with the ``pulumi`` CLI on PATH, on a local file backend with a passphrase secrets provider in a
temporary folder.  What you see is Pulumi's own output: preview (the vault copy's source is a DR copy's
ID, unknown until it exists), up (each copy's progress in its row), a tag change, a tag removed out of band
then refresh and up to converge, the KMS key renamed to another alias of the same key (no replacement),
destroy.  Then the ``examples/retention`` stack (the DR Region holds copies of a file system's 3 newest backups):
two new backups appear between two ``up``s, and the second ``up`` makes their copies before it deletes the two
oldest.  Then the ``examples/drill`` stack: the newest retained copy restored (timed), kept for its window, deleted
on the run after it.  After every step the demo checks the emulator with boto3 and exits 1 if anything is off.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3
from pulumi import automation as auto

from examples.dr.__main__ import main as dr_program
from examples.drill.__main__ import main as drill_program
from examples.retention.__main__ import main as retention_program
from pulumi_fsx_copy.rules.drill_settings import TEST_CLOCK_ENV
from pulumi_fsx_copy.stack_key import STACK_KEY_NAME
from pulumi_fsx_copy.testing import EmulatorServer
from pulumi_fsx_copy.testing.automation import FAKE_CREDENTIALS, EventLog, changed_inputs, emulator_stack

PROJECT = "pulumi-fsx-copy-example"
SOURCE_REGION = "us-east-1"
DR_REGIONS = ["us-west-2", "eu-west-1"]
VAULT_REGION = "eu-central-1"
SOURCE_TAGS = {"app": "genomics", "owner": "research"}
KEY_ALIAS, SAME_KEY_ALIAS = "alias/dr-demo", "alias/dr-demo-same-key"
COPY_SECONDS = 4.0
NAMES = [*(f"dr-{region}" for region in DR_REGIONS), "clone", "vault"]


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

    def client(self, service: str, region: str) -> Any:
        return boto3.client(
            service,  # type: ignore[call-overload]
            region_name=region,
            endpoint_url=self._endpoint,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def backup(self, region: str, backup_id: str) -> dict[str, Any] | None:
        """The backup as DescribeBackups shows it, or None when it is gone (or DELETED)."""
        client = self.client("fsx", region)
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
        self.client("fsx", region).untag_resource(ResourceARN=arn, TagKeys=[key])

    def key_with_two_aliases(self, region: str) -> str:
        """A KMS key in ``region`` named by both demo aliases; its ARN."""
        kms = self.client("kms", region)
        arn = str(kms.create_key(Description="pulumi-fsx-copy demo")["KeyMetadata"]["Arn"])
        for alias in (KEY_ALIAS, SAME_KEY_ALIAS):
            kms.create_alias(AliasName=alias, TargetKeyId=arn)
        return arn


def banner(title: str) -> None:
    print(f"\n{'=' * 100}\n=== {title}\n{'=' * 100}", flush=True)


def region_of(name: str) -> str:
    return {"clone": SOURCE_REGION, "vault": VAULT_REGION}.get(name) or name.removeprefix("dr-")


def copy_ids(outputs: Mapping[str, auto.OutputValue]) -> dict[str, str]:
    """Resource name -> copy ID, from the stack outputs."""
    dr = dict(outputs["dr_backup_ids"].value)
    expect(sorted(dr) == sorted(DR_REGIONS), f"dr_backup_ids has Regions {sorted(dr)}, not {sorted(DR_REGIONS)}")
    ids = {f"dr-{region}": str(backup_id) for region, backup_id in dr.items()}
    ids.update(clone=str(outputs["clone_backup_id"].value), vault=str(outputs["vault_backup_id"].value))
    return ids


def run_demo(server: EmulatorServer, state_dir: Path) -> None:
    """The lifecycle; raises DemoFailure when a step misbehaves (auto.CommandError when the CLI fails)."""
    aws = Aws(server.url)
    source = server.emulator.seed_backup(SOURCE_REGION, tags=SOURCE_TAGS)
    keys = {region: aws.key_with_two_aliases(region) for region in DR_REGIONS}
    print(f"Seeded source backup {source} in {SOURCE_REGION} with tags {SOURCE_TAGS}")
    print(f"KMS keys named {KEY_ALIAS} and {SAME_KEY_ALIAS}: {keys}")
    stack = emulator_stack(
        dr_program,
        project=PROJECT,
        stack="demo",
        emulator_url=server.url,
        state_dir=state_dir,
        config={
            "aws:region": SOURCE_REGION,
            "sourceBackupId": source,
            "sourceRegion": SOURCE_REGION,
            "drRegions": '["' + '", "'.join(DR_REGIONS) + '"]',
            "vaultRegion": VAULT_REGION,
            "kmsKeyId": KEY_ALIAS,
            "tags": '{"purpose": "dr"}',
        },
        time_scale=0.05,
    )

    banner("1. pulumi preview (a new stack: the vault copy's source is a DR copy's ID, unknown yet)")
    server.emulator.reset_calls()
    log = EventLog()
    preview = stack.preview(on_output=print, on_event=log.record)
    expected = {name: ["create"] for name in [f"{PROJECT}-demo", STACK_KEY_NAME, *NAMES]}
    expect(log.ops() == expected, f"preview should create the stack, its key and {NAMES}: {log.ops()}")
    expect(preview.change_summary.get(auto.OpType.CREATE) == len(NAMES) + 2, f"preview: {preview.change_summary}")
    expect(server.emulator.calls() == 0, f"preview made {server.emulator.calls()} AWS calls; it should make none")
    print("  Checked: preview made 0 AWS calls.")

    banner(f"2. pulumi up (copies take {COPY_SECONDS:g} s in the emulator; progress shows in each row)")
    log = EventLog()
    up = stack.up(on_output=print, on_event=log.record)
    expect(up.summary.resource_changes == {"create": len(NAMES) + 2}, f"up: {up.summary.resource_changes}")
    ids = copy_ids(up.outputs)
    for name, backup_id in ids.items():
        backup = aws.existing(region_of(name), backup_id)
        expect(backup["Lifecycle"] == "AVAILABLE", f"copy {backup_id} is {backup['Lifecycle']}, not AVAILABLE")
        tags = aws.tags(region_of(name), backup_id)
        expect(tags.items() >= {**SOURCE_TAGS, "purpose": "dr"}.items(), f"copy {backup_id} is missing tags")
        expect(bool(log.status_messages(_urn(stack, name))), f"no progress was shown for {name}")
    for region in DR_REGIONS:
        key = aws.existing(region, ids[f"dr-{region}"]).get("KmsKeyId")
        expect(key == keys[region], f"the copy in {region} is encrypted with {key}, not {keys[region]}")
    vault_source = aws.existing(VAULT_REGION, ids["vault"]).get("SourceBackupId")
    expect(vault_source == ids[f"dr-{DR_REGIONS[0]}"], f"the vault copy's source is {vault_source}")
    print(
        f"  Checked with boto3: {len(ids)} copies AVAILABLE, source tags copied, DR copies under {KEY_ALIAS}, "
        "progress shown for each."
    )

    banner('3. pulumi up after `pulumi config set tags \'{"purpose": "dr", "env": "prod"}\'`')
    stack.set_config("tags", auto.ConfigValue('{"purpose": "dr", "env": "prod"}'))
    log = EventLog()
    up = stack.up(on_output=print, on_event=log.record)
    expect(log.ops() == {name: ["update"] for name in NAMES}, f"a tag change should update in place: {log.ops()}")
    diffs = {tuple(changed_inputs(step)) for step in log.steps() if step.op == auto.OpType.UPDATE}
    expect(diffs == {("tags",)}, f"only tags should change: {diffs}")
    expect(copy_ids(up.outputs) == ids, "an in-place update keeps the copies' IDs")
    for name, backup_id in ids.items():
        expect(aws.tags(region_of(name), backup_id).get("env") == "prod", f"{backup_id} did not get env=prod")
    print("  Checked with boto3: every copy now has env=prod, same IDs.")

    drifted = f"dr-{DR_REGIONS[0]}"
    aws.untag(region_of(drifted), ids[drifted], "env")
    banner(f"4. pulumi refresh, after `aws fsx untag-resource --tag-keys env` on {ids[drifted]} (out of band)")
    log = EventLog()
    refresh = stack.refresh(on_output=print, on_event=log.record)
    expect(refresh.summary.resource_changes.get("update") == 1, f"refresh: {refresh.summary.resource_changes}")

    banner("5. pulumi up (converge: the tag is put back)")
    log = EventLog()
    up = stack.up(on_output=print, on_event=log.record)
    expect(log.ops() == {drifted: ["update"]}, f"up should put the tag back on {drifted} only: {log.ops()}")
    expect(aws.tags(region_of(drifted), ids[drifted]).get("env") == "prod", "env=prod was not put back")
    print(f"  Checked with boto3: env=prod is back on {ids[drifted]}.")

    banner(f"6. pulumi up after `pulumi config set kmsKeyId {SAME_KEY_ALIAS}` (another name of the same key)")
    stack.set_config("kmsKeyId", auto.ConfigValue(SAME_KEY_ALIAS))
    log = EventLog()
    up = stack.up(on_output=print, on_event=log.record)
    replaced = [name for name, ops in log.ops().items() if set(ops) & {"replace", "create-replacement"}]
    expect(not replaced, f"the same key by another name must not replace a copy: {log.ops()}")
    expect(copy_ids(up.outputs) == ids, "the copies keep their IDs")
    print("  Checked: no copy replaced, same IDs.")

    banner("7. pulumi destroy")
    log = EventLog()
    destroy = stack.destroy(on_output=print, on_event=log.record)
    expect(destroy.summary.resource_changes == {"delete": len(NAMES) + 2}, f"destroy: {destroy.summary}")
    left = [backup_id for name, backup_id in ids.items() if aws.backup(region_of(name), backup_id) is not None]
    expect(not left, f"destroy left copies behind: {left}")
    expect(aws.backup(SOURCE_REGION, source) is not None, "destroy must not touch the source backup")
    print("  Checked with boto3: no copy left, the source backup untouched.")
    stack.workspace.remove_stack("demo")
    run_retention(server, state_dir, aws)


def run_retention(server: EmulatorServer, state_dir: Path, aws: Aws) -> None:
    """Step 8: the retention stack keeps copies of the 3 newest backups as new ones appear.

    Its look-up (``newest_backups``) runs in the program's process, which for an inline program is this one: so
    this process, not only the CLI, is pointed at the emulator.
    """
    os.environ.update({**FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": server.url})
    fsx = aws.client("fsx", SOURCE_REGION)
    first = server.emulator.seed_backup(SOURCE_REGION, deployment_type="PERSISTENT_2")
    file_system_id = str(fsx.describe_backups(BackupIds=[first])["Backups"][0]["FileSystem"]["FileSystemId"])
    backups = [first, *(_new_backup(fsx, file_system_id) for _ in range(2))]
    stack = emulator_stack(
        retention_program,
        project=PROJECT,
        stack="retention",
        emulator_url=server.url,
        state_dir=state_dir,
        config={"aws:region": SOURCE_REGION, "fileSystemId": file_system_id, "drRegions": f'["{DR_REGIONS[0]}"]'},
        time_scale=0.05,
    )
    banner(f"8. Retention: the DR Region holds copies of the 3 newest backups of {file_system_id}")
    before = dict(stack.up(on_output=print).outputs["dr_copies"].value[DR_REGIONS[0]])
    expect(sorted(before) == sorted(backups), f"the first up should copy {backups}: {before}")
    newer = [_new_backup(fsx, file_system_id) for _ in range(2)]
    print(f"  Two new backups of {file_system_id}: {newer}; pulumi up:")
    log = EventLog()
    after = dict(stack.up(on_output=print, on_event=log.record).outputs["dr_copies"].value[DR_REGIONS[0]])
    expect(sorted(after) == sorted([backups[2], *newer]), f"the 3 newest should be held: {after}")
    done = [i for i, e in enumerate(log.events) if e.res_outputs_event and e.res_outputs_event.metadata.op == "create"]
    deleted = [
        i for i, e in enumerate(log.events) if e.resource_pre_event and e.resource_pre_event.metadata.op == "delete"
    ]
    expect(len(done) == 2 and len(deleted) == 2 and max(done) < min(deleted), "copies must be made before deletes")
    for source in backups[:2]:
        expect(aws.backup(DR_REGIONS[0], before[source]) is None, f"the copy of {source} should be deleted")
    print(f"  Checked with boto3: copies of {newer} made (AVAILABLE) before those of {backups[:2]} were deleted.")
    stack.destroy(on_output=print)
    stack.workspace.remove_stack("retention")
    run_drill(server, state_dir, aws, file_system_id)


def run_drill(server: EmulatorServer, state_dir: Path, aws: Aws, file_system_id: str) -> None:
    """Step 9: a weekly restore drill of the newest retained copy, on a clock the demo moves (the emulator's
    test clock: a week passes between two runs in seconds)."""
    region = DR_REGIONS[0]
    network = server.emulator.seed_network(region)
    server.emulator.configure(restore_seconds=3.0)
    config = {
        "aws:region": SOURCE_REGION,
        "fileSystemId": file_system_id,
        "drRegion": region,
        "subnetIds": json.dumps([network["SubnetId"]]),
        "securityGroupIds": json.dumps([network["SecurityGroupId"]]),
        "keepFor": "1d",
    }

    def drill_stack(days: float) -> auto.Stack:
        return emulator_stack(
            drill_program,
            project=PROJECT,
            stack="drill",
            emulator_url=server.url,
            state_dir=state_dir,
            config=config,
            env={TEST_CLOCK_ENV: str(days * 86400)},
            time_scale=0.05,
        )

    banner(f"9. Restore drill: the newest copy in {region} restored weekly, timed, kept a day, then deleted")
    first = drill_stack(0).up(on_output=print).outputs
    restored = first["restored_file_system_id"].value
    described = aws.client("fsx", region).describe_file_systems(FileSystemIds=[restored])["FileSystems"][0]
    expect(described["Lifecycle"] == "AVAILABLE", f"the drill's file system should be AVAILABLE: {described}")
    print(f"  Checked with boto3: {restored} AVAILABLE; restore_seconds = {first['restore_seconds'].value}.")
    print("  Two days later (the demo moves the drill's clock), pulumi up: the window is over, no drill is due:")
    later = drill_stack(2).up(on_output=print).outputs
    listed = aws.client("fsx", region).describe_file_systems()["FileSystems"]
    left = [f["Lifecycle"] for f in listed if f["FileSystemId"] == restored and f["Lifecycle"] != "DELETING"]
    expect(not left, f"{restored} should be deleted after its window: {left}")
    expect(later["last_drill_at"].value == first["last_drill_at"].value, "no second drill before a week")
    print(f"  Checked with boto3: {restored} deleted; the drill of {first['last_drill_at'].value} is the last.")
    stack = drill_stack(2)
    stack.destroy(on_output=print)
    stack.workspace.remove_stack("drill")


def _new_backup(fsx: Any, file_system_id: str) -> str:
    """A new backup of the file system, once AVAILABLE."""
    backup_id = str(fsx.create_backup(FileSystemId=file_system_id)["Backup"]["BackupId"])
    while fsx.describe_backups(BackupIds=[backup_id])["Backups"][0]["Lifecycle"] != "AVAILABLE":
        time.sleep(0.1)
    return backup_id


def _urn(stack: auto.Stack, name: str) -> str:
    return f"urn:pulumi:{stack.name}::{PROJECT}::pulumi-python:dynamic/fsx:BackupCopy::{name}"


def main() -> int:
    """Run the demo; 0 when every step behaved, 1 otherwise."""
    started = time.monotonic()
    try:
        with EmulatorServer(copy_seconds=COPY_SECONDS) as server, tempfile.TemporaryDirectory() as tmp:
            print(f"FSx emulator at {server.url}")
            run_demo(server, Path(tmp))
    except (DemoFailure, auto.CommandError) as err:
        print(f"\nDEMO FAILED: {err}", file=sys.stderr)
        return 1
    print(f"\nDemo OK: the DR stack went through its whole lifecycle in {time.monotonic() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
