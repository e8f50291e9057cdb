"""The engine's path: the real ``python -m pulumi.dynamic`` provider process, driven over gRPC as the
Pulumi engine drives it, against the emulator server."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.runtime.rpc import UNKNOWN

from devkit import aws
from devkit import inputs as bags
from devkit.aws import DR_REGION, SOURCE_REGION, fsx, provider_env
from devkit.driver import ProviderError, ProviderProcess, Secret, provider_input
from devkit.inputs import NAME
from pulumi_fsx_copy import BackupCopyProvider
from pulumi_fsx_copy.rules.identity import without_ownership
from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from pulumi_fsx_copy.testing.listing import all_backups, all_tags

pytestmark = pytest.mark.fsx_source_regions(SOURCE_REGION, tags={"team": "storage"})

FAKE_SECRETS = {"AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKE1234", "AWS_SECRET_ACCESS_KEY": "s3cr3t/KEY+do-not-leak"}


@pytest.fixture
def engine(fsx_server: EmulatorServer, fsx_remote: RemoteEmulator) -> Iterator[ProviderProcess]:
    """A provider process pointed at the emulator server, configured with the stack's config."""
    with ProviderProcess(env=provider_env(fsx_server.url, time_scale="0.02"), project="dr", stack="prod") as process:
        process.configure({"aws:region": DR_REGION, "dr:apiToken": "hunter2"}, secret_keys=["dr:apiToken"])
        yield process


def inputs(source_backup: Any, **overrides: Any) -> dict[str, Any]:
    """The property bag BackupCopy registers (``__provider`` included, no ``region``: the stack's), as the
    engine sends it."""
    return bags.inputs(source_backup, **{"region": None, "copy_tags": True, "tags": {"purpose": "dr"}, **overrides})


def up(engine: ProviderProcess, news: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    checked = engine.check(NAME, {}, news)
    assert checked.failures == []
    backup_id, outs = engine.create(NAME, checked.inputs)
    return backup_id, outs, checked.inputs


def test_preview_of_a_new_copy_from_an_unknown_source(engine: ProviderProcess) -> None:
    checked = engine.check(NAME, {}, inputs(UNKNOWN), preview=True)
    assert checked.failures == []
    assert checked.inputs["source_backup_id"] == UNKNOWN
    assert checked.inputs["region"] == DR_REGION


def test_check_failures_name_the_field(engine: ProviderProcess) -> None:
    checked = engine.check(NAME, {}, inputs("snap-123", source_region="cn-north-1"))
    fields = {field: reason for field, reason in checked.failures}
    assert "snap-123" in fields["source_backup_id"]
    assert "aws-cn" in fields["source_region"] and DR_REGION in fields["source_region"]


def test_lifecycle_up_tag_change_refresh_destroy(engine: ProviderProcess, source: str) -> None:
    backup_id, outs, checked = up(engine, inputs(source))
    assert outs["lifecycle"] == "AVAILABLE" and outs["region"] == DR_REGION
    assert without_ownership(outs["tags_all"]) == {"team": "storage", "purpose": "dr"}
    assert fsx(DR_REGION).describe_backups(BackupIds=[backup_id])["Backups"][0]["Lifecycle"] == "AVAILABLE"

    # No change: the same inputs diff to nothing.
    assert engine.diff(NAME, backup_id, outs, checked, old_inputs=checked).changes == "none"

    # Preview of a tag change with an unknown value, then the real update in place.
    unknown_tags = engine.check(NAME, checked, inputs(source, tags=UNKNOWN), preview=True).inputs
    preview = engine.diff(NAME, backup_id, outs, unknown_tags, old_inputs=checked, preview=True)
    assert (preview.changes, preview.replaces) == ("some", [])
    news = engine.check(NAME, checked, inputs(source, tags={"purpose": "dr", "tier": "gold"})).inputs
    diff = engine.diff(NAME, backup_id, outs, news, old_inputs=checked)
    assert (diff.changes, diff.replaces) == ("some", [])
    outs = engine.update(NAME, backup_id, outs, news, old_inputs=checked)
    assert outs["tags"] == {"purpose": "dr", "tier": "gold"}
    live = without_ownership(all_tags(fsx(DR_REGION), outs["arn"]))
    assert live == {"team": "storage", "purpose": "dr", "tier": "gold"}

    # Refresh after an out-of-band tag edit shows the drift; the next diff wants to put it back.
    fsx(DR_REGION).tag_resource(ResourceARN=outs["arn"], Tags=[{"Key": "tier", "Value": "bronze"}])
    refreshed = engine.read(NAME, backup_id, outs, inputs=news)
    assert refreshed.id == backup_id and refreshed.outs["tags"]["tier"] == "bronze"
    assert engine.diff(NAME, backup_id, refreshed.outs, news, old_inputs=news).changes == "some"

    # Destroy.
    engine.delete(NAME, backup_id, refreshed.outs, old_inputs=news)
    assert engine.read(NAME, backup_id, refreshed.outs, inputs=news).id == ""


def test_kms_key_change_replaces_and_id_to_arn_does_not(engine: ProviderProcess, source: str) -> None:
    kms = aws.kms(DR_REGION)
    key = kms.create_key()["KeyMetadata"]
    backup_id, outs, checked = up(engine, inputs(source, kms_key_id=key["Arn"]))
    assert outs["kms_key_id"] == key["Arn"]
    same = engine.check(NAME, checked, inputs(source, kms_key_id=key["KeyId"])).inputs
    assert engine.diff(NAME, backup_id, outs, same, old_inputs=checked).replaces == []
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    changed = engine.check(NAME, checked, inputs(source, kms_key_id=other)).inputs
    diff = engine.diff(NAME, backup_id, outs, changed, old_inputs=checked)
    assert (diff.changes, diff.replaces) == ("some", ["kms_key_id"])
    # The engine's replace: create the new copy, then delete the old one.
    new_id, new_outs = engine.create(NAME, changed)
    assert new_id != backup_id and new_outs["kms_key_id"].endswith(other)
    engine.delete(NAME, backup_id, outs)
    assert [b["BackupId"] for b in all_backups(fsx(DR_REGION)) if b.get("SourceBackupId")] == [new_id]


def test_refresh_after_out_of_band_deletion(engine: ProviderProcess, source: str) -> None:
    backup_id, outs, checked = up(engine, inputs(source))
    fsx(DR_REGION).delete_backup(BackupId=backup_id)
    assert engine.read(NAME, backup_id, outs, inputs=checked).id == ""


def test_get_adopts_an_existing_copy(engine: ProviderProcess, source: str) -> None:
    backup_id, _, _ = up(engine, inputs(source))
    # BackupCopy.get registers no inputs but the provider; the engine reads by ID.
    adopted = engine.read("adopted", backup_id, {"__provider": provider_input(BackupCopyProvider())})
    assert adopted.id == backup_id
    assert adopted.outs["source_backup_id"] == source
    assert adopted.outs["region"] == DR_REGION


def test_errors_reach_the_user_as_named_classes(engine: ProviderProcess) -> None:
    checked = engine.check(NAME, {}, inputs("backup-00000000000000bad")).inputs
    with pytest.raises(ProviderError) as caught:
        engine.create(NAME, checked)
    assert caught.value.last_line.startswith("pulumi_fsx_copy.errors.SourceBackupNotFoundError:")
    assert "backup-00000000000000bad" in caught.value.last_line and SOURCE_REGION in caught.value.last_line
    assert caught.value.details == caught.value.last_line, "a BackupCopyError is its message, without a traceback"


def test_an_unexpected_exception_still_shows_its_traceback(engine: ProviderProcess, source: str) -> None:
    checked = engine.check(NAME, {}, inputs(source)).inputs
    with pytest.raises(ProviderError) as caught:  # a bag Check never returns: the provider fails as a bug would
        engine.create(NAME, {**checked, "tags": 5})
    assert caught.value.details.startswith("Traceback (most recent call last):")
    assert caught.value.last_line.startswith("TypeError: ")


def test_serialized_provider_is_small_and_holds_no_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FAKE_SECRETS.items():
        monkeypatch.setenv(name, value)
    provider = BackupCopyProvider()
    serialized = provider_input(provider)
    assert not isinstance(serialized, Secret)
    assert len(serialized) < 200
    raw = base64.b64decode(serialized)
    assert b"pulumi_fsx_copy.provider" in raw and b"BackupCopyProvider" in raw
    for secret in [*FAKE_SECRETS.values(), "hunter2", "testing"]:
        assert secret.encode() not in raw
