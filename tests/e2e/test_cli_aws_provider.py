"""Issue 26: a BackupCopy at home in a pulumi-aws program, through the real CLI against the emulator server.

pulumi-aws's ``Provider`` is registered with the engine by a stand-in of its plugin (``tests/support/aws_standin``:
its binary cannot be downloaded here) put first on PATH; the program uses the real ``pulumi_aws`` package.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from devkit.cli import REGION, SOURCE_REGION, MakeStack, fsx, live_copies, tags_of, with_aws_plugin
from pulumi_fsx_copy import BackupCopy, RetainedBackupCopies
from pulumi_fsx_copy.testing import RemoteEmulator
from pulumi_fsx_copy.testing.automation import EventLog

ROLE = "arn:aws:iam::123456789012:role/dr-deployer"
"""A role in the emulator's default account (moto serves an assumed role's calls from the role's account)."""
OTHER_REGION = "eu-west-1"


def copy_program(source: str, opts: Callable[[], pulumi.ResourceOptions | None] = lambda: None, **inputs: Any):  # type: ignore[no-untyped-def]
    """One BackupCopy ``dr`` of ``source`` (us-east-1), no ``region`` declared; exports its outputs."""

    def program() -> None:
        copy = BackupCopy("dr", source_backup_id=source, source_region=SOURCE_REGION, opts=opts(), **inputs)
        for name in ("id", "region", "tags", "tags_all"):
            pulumi.export(name, getattr(copy, name))

    return program


def state_text(stack: auto.Stack) -> str:
    """Every file of the stack's file backend, as text (what a reader of the bucket sees)."""
    root = Path(stack.workspace.work_dir)
    return "\n".join(p.read_text(errors="replace") for p in root.rglob("*") if p.is_file() and p.suffix == ".json")


def copy_in_backend_files(stack: auto.Stack, name: str = "dr") -> dict[str, Any]:
    """The copy's resource as the backend's checkpoint file holds it (secrets encrypted)."""
    root = Path(stack.workspace.work_dir)
    checkpoint = next(p for p in root.rglob(f"{stack.name}.json") if ".pulumi/stacks" in p.as_posix())
    resources = json.loads(checkpoint.read_text())["checkpoint"]["latest"]["resources"]
    found: dict[str, Any] = next(r for r in resources if r["urn"].endswith(f"BackupCopy::{name}"))
    return found


def test_an_explicit_aws_provider_in_another_region_makes_the_copy_there(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    import pulumi_aws as aws

    source = fsx_remote.seed_backup(SOURCE_REGION)

    def program() -> None:
        west = aws.Provider("euw", region=OTHER_REGION)
        one = BackupCopy(
            "dr", source_backup_id=source, source_region=SOURCE_REGION, opts=pulumi.ResourceOptions(provider=west)
        )
        two = BackupCopy(
            "dr-2",
            source_backup_id=source,
            source_region=SOURCE_REGION,
            opts=pulumi.ResourceOptions(providers={"aws": west}),
        )
        pulumi.export("ids", [one.id, two.id])
        pulumi.export("regions", [one.region, two.region])

    stack = fsx_stack(program, env=with_aws_plugin())  # aws:region is us-west-2
    outputs = stack.up().outputs

    assert outputs["regions"].value == [OTHER_REGION, OTHER_REGION]
    assert sorted(c["BackupId"] for c in live_copies(OTHER_REGION)) == sorted(outputs["ids"].value)
    assert live_copies(REGION) == []
    recorded = copy_in_backend_files(stack)["inputs"]["__aws_provider"]
    assert recorded["name"] == "euw" and recorded["settings"]["region"] == OTHER_REGION
    assert not {"accessKey", "secretKey", "token"} & set(recorded["settings"])


def test_an_explicit_provider_with_static_keys_fails_preview_naming_the_setting(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    import pulumi_aws as aws

    source = fsx_remote.seed_backup(SOURCE_REGION)
    secret = "never-in-the-state-0123456789"

    def opts() -> pulumi.ResourceOptions:
        keyed = aws.Provider("keyed", region=REGION, access_key="AKIAEXAMPLE0000000001", secret_key=secret)
        return pulumi.ResourceOptions(provider=keyed)

    stack = fsx_stack(copy_program(source, opts), env=with_aws_plugin())
    fsx_remote.reset_calls()
    with pytest.raises(auto.CommandError) as failed:
        stack.preview()
    with pytest.raises(auto.CommandError):
        stack.up()

    assert "accessKey/secretKey/token (static credentials) cannot be honoured" in str(failed.value)
    assert "aws Provider 'keyed'" in str(failed.value)
    assert secret not in str(failed.value) and secret not in state_text(stack)
    assert fsx_remote.calls() == 0 and live_copies(REGION) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("aws:assumeRoles", json.dumps([{"roleArn": ROLE, "sessionName": "ci"}])),  # pulumi-aws v7
        ("aws:assumeRole", json.dumps({"roleArn": ROLE, "sessionName": "ci"})),  # pulumi-aws v6
    ],
)
def test_assume_roles_make_every_fsx_call_as_the_role(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator, key: str, value: str
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(copy_program(source), config={key: value})
    fsx_remote.reset_calls()

    stack.up()
    stack.destroy()

    callers = fsx_remote.callers()
    assert set(callers) == {"arn:aws:sts::123456789012:assumed-role/dr-deployer/ci"}
    assert fsx_remote.calls("CopyBackup") == 1 and fsx_remote.calls("DeleteBackup") == 1
    # The role's temporary credentials (moto's start with ASIA) never reach the state.
    assert "ASIA" not in state_text(stack) and "SessionToken" not in state_text(stack)


@pytest.mark.parametrize("given_by", ["stack config", "component's Provider"])
def test_assume_roles_govern_the_retention_look_ups_too(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator, given_by: str
) -> None:
    """RetainedBackupCopies reads both Regions when the program runs: as the role, like its copies, and into the
    Region of the component's Provider when it declares none."""
    import pulumi_aws as aws

    first = fsx_remote.seed_backup(SOURCE_REGION, deployment_type="PERSISTENT_2")
    described = fsx(SOURCE_REGION).describe_backups(BackupIds=[first])["Backups"][0]
    file_system_id = str(described["FileSystem"]["FileSystemId"])
    by_provider = given_by == "component's Provider"
    session = "program" if by_provider else "ci"

    def program() -> None:
        role = aws.ProviderAssumeRoleArgs(role_arn=ROLE, session_name=session)
        opts = pulumi.ResourceOptions(provider=aws.Provider("west", region=OTHER_REGION, assume_roles=[role]))
        dr = RetainedBackupCopies(
            "dr",
            file_system_id=file_system_id,
            source_region=SOURCE_REGION,
            keep=1,
            **({"opts": opts} if by_provider else {"region": REGION}),
        )
        pulumi.export("copies", dr.backup_ids)

    config = {} if by_provider else {"aws:assumeRoles": json.dumps([{"roleArn": ROLE, "sessionName": session}])}
    stack = fsx_stack(program, config=config, env=with_aws_plugin())
    fsx_remote.reset_calls()

    copies = stack.up().outputs["copies"].value

    dr_region = OTHER_REGION if by_provider else REGION
    assert set(fsx_remote.callers()) == {f"arn:aws:sts::123456789012:assumed-role/dr-deployer/{session}"}
    assert fsx_remote.callers("DescribeBackups", SOURCE_REGION) and fsx_remote.callers("DescribeBackups", dr_region)
    assert list(copies) == [first]
    assert [c["BackupId"] for c in live_copies(dr_region)] == [copies[first]]


def test_an_explicit_providers_assume_roles_govern_its_copies(fsx_stack: MakeStack, fsx_remote: RemoteEmulator) -> None:
    import pulumi_aws as aws

    source = fsx_remote.seed_backup(SOURCE_REGION)

    def opts() -> pulumi.ResourceOptions:
        role = aws.ProviderAssumeRoleArgs(role_arn=ROLE, session_name="program")
        return pulumi.ResourceOptions(provider=aws.Provider("as-role", region=REGION, assume_roles=[role]))

    stack = fsx_stack(copy_program(source, opts), env=with_aws_plugin())
    fsx_remote.reset_calls()
    stack.up()

    assert set(fsx_remote.callers()) == {"arn:aws:sts::123456789012:assumed-role/dr-deployer/program"}


def test_static_keys_of_the_stack_config_are_used_and_never_stored_by_the_copy(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    secret = "stack-config-secret-0123456789"
    stack = fsx_stack(
        copy_program(source),
        config={"aws:accessKey": "AKIASTACKCONFIG00001"},
        secret_config={"aws:secretKey": secret},
    )
    fsx_remote.reset_calls()

    stack.up()

    assert fsx_remote.calls("CopyBackup") == 1
    assert secret not in state_text(stack)  # the backend's files: the stack config's secret stays encrypted
    copy = next(r for r in stack.export_stack().deployment["resources"] if r["urn"].endswith("::dr"))
    assert secret not in json.dumps(copy) and "AKIASTACKCONFIG00001" not in json.dumps(copy)


def test_aws_endpoints_are_honoured(fsx_stack: MakeStack, fsx_server: Any, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    endpoints = json.dumps([{service: fsx_server.url for service in ("fsx", "kms", "sts")}])
    down = "http://127.0.0.1:9"  # nothing listens: only aws:endpoints can reach the emulator
    stack = fsx_stack(copy_program(source), config={"aws:endpoints": endpoints}, env={"AWS_ENDPOINT_URL": down})

    copy = stack.up().outputs["id"].value

    assert [c["BackupId"] for c in live_copies(REGION)] == [copy]


def test_allowed_account_ids_excluding_the_account_fails_preview(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(copy_program(source), config={"aws:allowedAccountIds": '["111111111111"]'})
    fsx_remote.reset_calls()

    with pytest.raises(auto.CommandError) as failed:
        stack.preview()

    message = str(failed.value)
    assert "account 123456789012, which allowedAccountIds (the stack's aws:* config) (111111111111)" in message
    assert "Traceback" not in message
    assert fsx_remote.calls() == 0 and live_copies(REGION) == []


def test_an_explicit_providers_forbidden_account_ids_fail_preview(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    import pulumi_aws as aws

    source = fsx_remote.seed_backup(SOURCE_REGION)

    def opts() -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(provider=aws.Provider("guarded", forbidden_account_ids=["123456789012"]))

    stack = fsx_stack(copy_program(source, opts), env=with_aws_plugin())
    fsx_remote.reset_calls()
    with pytest.raises(auto.CommandError) as failed:
        stack.preview()

    assert "account 123456789012, which forbiddenAccountIds (the aws Provider 'guarded') lists" in str(failed.value)
    assert fsx_remote.calls() == 0 and live_copies(REGION) == []


def test_default_tags_are_on_the_copy_in_tags_all_never_in_tags(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    default_tags = json.dumps({"tags": {"cost-center": "dr-42", "purpose": "default"}})
    stack = fsx_stack(copy_program(source, tags={"purpose": "dr"}), config={"aws:defaultTags": default_tags})

    outputs = stack.up().outputs

    assert outputs["tags"].value == {"purpose": "dr"}
    assert outputs["tags_all"].value.items() >= {"cost-center": "dr-42", "purpose": "dr"}.items()
    copy = next(c for c in live_copies(REGION) if c["BackupId"] == outputs["id"].value)
    assert {t["Key"]: t["Value"] for t in copy["Tags"]}.items() >= {"cost-center": "dr-42", "purpose": "dr"}.items()
    # The copy's record holds a digest of each default tag (a value may be a secret) and tags_all encrypted.
    assert "dr-42" not in json.dumps(copy_in_backend_files(stack))

    # A change of aws:defaultTags updates the copy in place: changed, added and removed default tags.
    stack.set_config("aws:defaultTags", auto.ConfigValue(json.dumps({"tags": {"cost-center": "dr-43", "tier": "1"}})))
    log = EventLog()
    outputs = stack.up(on_event=log.record).outputs
    assert log.ops() == {"dr": ["update"]}
    tags = tags_of(REGION, outputs["id"].value)
    assert tags.items() >= {"cost-center": "dr-43", "tier": "1", "purpose": "dr"}.items()
    assert outputs["tags"].value == {"purpose": "dr"}


def test_custom_timeouts_create_bounds_the_wait(fsx_stack: MakeStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    fsx_remote.configure(copy_seconds=25.0)
    timeouts = pulumi.CustomTimeouts(create="5s", delete="10m")
    stack = fsx_stack(copy_program(source, lambda: pulumi.ResourceOptions(custom_timeouts=timeouts)))

    started = time.monotonic()
    with pytest.raises(auto.CommandError) as failed:
        stack.up()

    assert time.monotonic() - started < 25
    assert "CopyTimeoutError" in str(failed.value)
    assert "custom_timeouts create=5s" in str(failed.value)


def test_changing_aws_region_never_replaces_a_copy(fsx_stack: MakeStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(copy_program(source))
    copy = stack.up().outputs["id"].value

    stack.set_config("aws:region", auto.ConfigValue(OTHER_REGION))
    log = EventLog()
    outputs = stack.up(on_event=log.record).outputs

    assert log.ops() == {}
    assert outputs["id"].value == copy and outputs["region"].value == REGION
    assert [c["BackupId"] for c in live_copies(REGION)] == [copy] and live_copies(OTHER_REGION) == []

    # Only a declared Region moves it, and the preview says why.
    stack = fsx_stack(copy_program(source, region=OTHER_REGION))
    log = EventLog()
    stack.preview(on_event=log.record)
    assert "replace" in log.ops()["dr"]
    said = [d.message for d in (e.diagnostic_event for e in log.events) if d is not None]
    assert any(f"because region '{REGION}' -> '{OTHER_REGION}'" in m for m in said), said
