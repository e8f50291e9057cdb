"""BackupCopy and MultiRegionBackupCopy as a Pulumi program sees them, with pulumi.runtime.set_mocks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc

from pulumi_fsx_copy.stack_key import STACK_KEY_NAME
from tests.support.program import BACKUP_COPY_TYPE as TYPE
from tests.support.program import MOCK_STACK_KEY, STACK_KEY_TYPE, RecordingMocks, run_with_mocks


def _by_name(mocks: RecordingMocks, name: str) -> pulumi.runtime.MockResourceArgs:
    return next(r for r in mocks.registered if r.name == name)


@pulumi.runtime.test
def test_keyword_and_args_forms_register_the_same_inputs(mocks: RecordingMocks) -> Any:
    from pulumi_fsx_copy import BackupCopy, BackupCopyArgs

    inputs = {
        "source_backup_id": "backup-0123456789abcdef0",
        "source_region": "us-east-1",
        "region": "us-west-2",
        "tags": {"purpose": "dr"},
        "copy_tags": True,
    }
    by_keywords = BackupCopy("a", **inputs)
    by_args = BackupCopy("b", BackupCopyArgs(**inputs))

    def check(_: Any) -> None:
        a, b = _by_name(mocks, "a"), _by_name(mocks, "b")
        assert a.typ == b.typ == TYPE
        for key, value in inputs.items():
            assert a.inputs[key] == b.inputs[key] == value
        key = MOCK_STACK_KEY  # the stack's key, from its StackKey resource
        assert json.loads(a.inputs["__resource_identity"]) == ["v3", "organization", "dr", "prod", "", TYPE, "a", key]
        assert json.loads(b.inputs["__resource_identity"]) == ["v3", "organization", "dr", "prod", "", TYPE, "b", key]
        assert "__provider" in a.inputs

    return pulumi.Output.all(by_keywords.backup_id, by_args.backup_id).apply(check)


def test_args_and_keywords_together_are_refused(mocks: RecordingMocks) -> None:
    from pulumi_fsx_copy import BackupCopy, BackupCopyArgs

    with pytest.raises(TypeError, match="either args"):
        BackupCopy("c", BackupCopyArgs(source_backup_id="backup-0123456789abcdef0"), region="us-west-2")


@pulumi.runtime.test
def test_outputs_are_typed_attributes(mocks: RecordingMocks) -> Any:
    from pulumi_fsx_copy import BackupCopy

    copy = BackupCopy("d", source_backup_id="backup-0123456789abcdef0")

    def check(values: list[Any]) -> None:
        backup_id, lifecycle, resource_id = values
        assert backup_id == resource_id and backup_id.startswith("backup-")
        assert lifecycle == "AVAILABLE"

    return pulumi.Output.all(copy.backup_id, copy.lifecycle, copy.id).apply(check)


class _SizedCopyMocks(RecordingMocks):
    """Answers a BackupCopy with the numbers and maps a finished copy has (numbers reach the program as floats)."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        backup_id, outputs = super().new_resource(args)
        return backup_id, {**outputs, "progress_percent": 100, "size_in_bytes": 2**40, "tags_all": {"a": "b"}}


@pulumi.runtime.test
def test_outputs_have_the_types_they_are_declared_with(mocks: RecordingMocks) -> Any:
    from pulumi_fsx_copy import BackupCopy

    pulumi.runtime.set_mocks(_SizedCopyMocks(), project="dr", stack="prod", preview=False)
    copy = BackupCopy("sized", source_backup_id="backup-0123456789abcdef0")

    def check(values: list[Any]) -> None:
        percent, size, tags_all = values
        assert (percent, size) == (100, 2**40) and type(percent) is int and type(size) is int
        assert tags_all == {"a": "b"}

    return pulumi.Output.all(copy.progress_percent, copy.size_in_bytes, copy.tags_all).apply(check)


@pulumi.runtime.test
def test_get_adopts_by_id(mocks: RecordingMocks) -> Any:
    from pulumi_fsx_copy import BackupCopy

    adopted = BackupCopy.get("adopted", "backup-0fedcba9876543210")

    def check(backup_id: str) -> None:
        assert backup_id == "backup-0fedcba9876543210"
        assert _by_name(mocks, "adopted").resource_id == "backup-0fedcba9876543210"

    return adopted.backup_id.apply(check)


@pulumi.runtime.test
def test_multi_region_copy_makes_one_child_per_region(mocks: RecordingMocks) -> Any:
    from pulumi_fsx_copy import Destination, MultiRegionBackupCopy

    fanout = MultiRegionBackupCopy(
        "dr",
        source_backup_id="backup-0123456789abcdef0",
        source_region="us-east-1",
        destinations={"us-west-2": Destination(kms_key_id="alias/dr", tags={"tier": "gold"}), "eu-west-1": None},
        tags={"purpose": "dr", "tier": "silver"},
    )

    def check(values: list[Any]) -> None:
        backup_ids, fanout_urn = values
        assert set(backup_ids) == {"us-west-2", "eu-west-1"}
        west = _by_name(mocks, "dr-us-west-2")
        eu = _by_name(mocks, "dr-eu-west-1")
        assert west.inputs["kms_key_id"] == "alias/dr" and "kms_key_id" not in eu.inputs
        assert west.inputs["tags"] == {"purpose": "dr", "tier": "gold"}
        assert eu.inputs["tags"] == {"purpose": "dr", "tier": "silver"}
        # Children are parented, so their identities (and ownership tags) differ from a top-level twin.
        _, organization, _, _, parent, _, name, _ = json.loads(west.inputs["__resource_identity"])
        assert (organization, name) == ("organization", "dr-us-west-2")
        # The component's own URN (its project and stack are whatever the SDK's mocks give it: 3.253's are stale).
        assert parent == fanout_urn and parent.endswith("$pulumi-fsx-copy:index:MultiRegionBackupCopy::dr")
        assert backup_ids["us-west-2"] != backup_ids["eu-west-1"]

    return pulumi.Output.all(fanout.backup_ids, fanout.urn).apply(check)


@pytest.mark.parametrize("destinations", ["us-west-2", [], ["us-west-2", "us-west-2"]])
def test_multi_region_copy_refuses_bad_destinations(mocks: RecordingMocks, destinations: Any) -> None:
    from pulumi_fsx_copy import MultiRegionBackupCopy

    with pytest.raises((TypeError, ValueError), match="destinations"):
        MultiRegionBackupCopy(
            "x", source_backup_id="backup-0123456789abcdef0", source_region="us-east-1", destinations=destinations
        )


def test_get_refuses_a_malformed_id_before_registering(mocks: RecordingMocks) -> None:
    from pulumi_fsx_copy import BackupCopy, InvalidInputError

    with pytest.raises(InvalidInputError, match="not an FSx backup ID"):
        BackupCopy.get("adopted", "fs-0123456789abcdef0")
    assert mocks.registered == []


def _secret(value: Any) -> dict[str, Any]:
    """A value as the engine receives a secret input."""
    return {rpc._special_sig_key: rpc._special_secret_sig, "value": value}


@pytest.fixture
def registrations(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[dict[str, Any], pulumi.ResourceOptions]]:
    """What each BackupCopy hands to pulumi.dynamic.Resource: its props and options, by name."""
    seen: dict[str, tuple[dict[str, Any], pulumi.ResourceOptions]] = {}
    register = pulumi.dynamic.Resource.__init__

    def spy(self: Any, provider: Any, name: str, props: Any, opts: Any = None) -> None:
        seen[name] = (props, opts)
        register(self, provider, name, props, opts)

    monkeypatch.setattr(pulumi.dynamic.Resource, "__init__", spy)
    return seen


@pytest.mark.parametrize("secret_in", ["tags", "destination"])
@pulumi.runtime.test
def test_multi_region_copy_takes_tags_as_one_secret_output(
    mocks: RecordingMocks, registrations: dict[str, tuple[dict[str, Any], pulumi.ResourceOptions]], secret_in: str
) -> Any:
    from pulumi_fsx_copy import Destination, MultiRegionBackupCopy

    secret = pulumi.Output.secret({"db-password": "s3cr3t", "tier": "silver"})
    fanout = MultiRegionBackupCopy(
        "dr",
        source_backup_id="backup-0123456789abcdef0",
        source_region="us-east-1",
        destinations={
            "us-west-2": Destination(tags=secret if secret_in == "destination" else {"tier": "gold"}),
            "eu-west-1": None,
        },
        tags=secret if secret_in == "tags" else {"purpose": "dr"},
    )
    west_props, west_opts = registrations["dr-us-west-2"]
    eu_props, eu_opts = registrations["dr-eu-west-1"]
    secret_tags = [west_props["tags"]] if secret_in == "destination" else [west_props["tags"], eu_props["tags"]]
    for opts in (west_opts, eu_opts) if secret_in == "tags" else (west_opts,):
        assert "tags_all" in (opts.additional_secret_outputs or [])

    def check(values: list[Any]) -> None:
        *secrecy, _ = values
        assert all(secrecy), "the merged tags lost the secret"
        west = _by_name(mocks, "dr-us-west-2").inputs["tags"]
        eu = _by_name(mocks, "dr-eu-west-1").inputs["tags"]
        if secret_in == "tags":
            assert west == _secret({"db-password": "s3cr3t", "tier": "gold"})
            assert eu == _secret({"db-password": "s3cr3t", "tier": "silver"})
        else:
            assert west == _secret({"purpose": "dr", "db-password": "s3cr3t", "tier": "silver"})
            assert eu == {"purpose": "dr"}

    secrecy = [pulumi.Output.from_input(tags.is_secret()) for tags in secret_tags]
    return pulumi.Output.all(*secrecy, fanout.backup_ids).apply(check)


@pytest.fixture
def acme_mocks() -> Iterator[RecordingMocks]:
    """Mocks of a stack dr/prod in the Pulumi organization "acme"."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    recording = RecordingMocks()
    pulumi.runtime.set_mocks(recording, project="dr", stack="prod", preview=False, organization="acme")
    yield recording
    asyncio.set_event_loop(None)
    loop.close()


@pulumi.runtime.test
def test_identity_names_the_organization(acme_mocks: RecordingMocks) -> Any:
    """The same project and stack in two organizations (one AWS account) must not share copies."""
    from pulumi_fsx_copy import BackupCopy

    copy = BackupCopy("a", source_backup_id="backup-0123456789abcdef0")

    def check(_: Any) -> None:
        assert json.loads(_by_name(acme_mocks, "a").inputs["__resource_identity"])[1:4] == ["acme", "dr", "prod"]

    return copy.backup_id.apply(check)


@pulumi.runtime.test
def test_identity_holds_the_whole_parent_chain(mocks: RecordingMocks) -> Any:
    """Two components of different types, each with a child component "inner" holding a BackupCopy "copy"."""
    from pulumi_fsx_copy import BackupCopy

    copies = []
    for typ, name in (("acme:index:A", "a"), ("acme:index:B", "b")):
        outer = pulumi.ComponentResource(typ, name)
        inner = pulumi.ComponentResource("acme:index:Inner", "inner", None, pulumi.ResourceOptions(parent=outer))
        copies.append(
            BackupCopy("copy", source_backup_id="backup-0123456789abcdef0", opts=pulumi.ResourceOptions(parent=inner))
        )

    def check(_: Any) -> None:
        identities = [r.inputs["__resource_identity"] for r in mocks.registered if r.name == "copy"]
        assert len(identities) == 2 and identities[0] != identities[1]
        assert all(json.loads(identity)[4].endswith("acme:index:Inner::inner") for identity in identities)

    return pulumi.Output.all(*(copy.backup_id for copy in copies)).apply(check)


@pulumi.runtime.test
def test_one_stack_key_per_run_is_in_every_identity(mocks: RecordingMocks) -> Any:
    """Same-named stacks on two backends tell their copies apart by the key only their own state holds."""
    from pulumi_fsx_copy import BackupCopy, MultiRegionBackupCopy

    top = BackupCopy("a", source_backup_id="backup-0123456789abcdef0")
    fanout = MultiRegionBackupCopy(
        "f", source_backup_id="backup-0123456789abcdef0", source_region="us-east-1", destinations=["us-west-2"]
    )

    def check(_: Any) -> None:
        keys = [r for r in mocks.registered if r.typ == STACK_KEY_TYPE]
        assert len(keys) == 1
        identities = [json.loads(r.inputs["__resource_identity"]) for r in mocks.registered if r.typ == TYPE]
        assert len(identities) == 2 and all(i[0] == "v3" and i[-1] == MOCK_STACK_KEY for i in identities)

    return pulumi.Output.all(top.backup_id, fanout.backup_ids).apply(check)


def test_two_programs_in_one_process_each_declare_their_own_key() -> None:
    """Two Automation API programs in one process are two stacks: nothing of one run's key reaches the other."""
    from pulumi_fsx_copy import BackupCopy

    def program() -> None:
        BackupCopy("a", source_backup_id="backup-0123456789abcdef0", region="us-west-2")

    first, second = RecordingMocks(), RecordingMocks()
    run_with_mocks(program, first, project="dr", config={})
    run_with_mocks(program, second, project="dr", config={})
    for run in (first, second):
        assert [r.name for r in run.registered if r.typ == STACK_KEY_TYPE] == [STACK_KEY_NAME]
