"""Out-of-band changes to a DR copy: refresh (Read) reports them, and the next `pulumi up` converges."""

from __future__ import annotations

import boto3
import pytest

from devkit.driver import ProviderError, ProviderProcess
from pulumi_fsx_copy import KmsKeyError
from pulumi_fsx_copy.rules.identity import without_ownership
from pulumi_fsx_copy.testing import RemoteEmulator
from tests.support.reliability import (
    DR_REGION,
    Ledger,
    assert_actionable,
    checked,
    fsx,
    inputs,
    live_copy_ids,
    tags_of,
)

pytestmark = pytest.mark.scenario(
    "6",
    "Refresh under drift",
    "copy deleted out of band (both token-reuse readings): refresh says gone, the next create makes a new live "
    "copy; managed tags edited/removed out of band: refresh shows them, diff wants an in-place update (no "
    "replacement), update restores them and leaves unmanaged tags; KMS key disabled or scheduled for deletion: "
    "refresh records kms_key_state, diff shows a change, up fails with KmsKeyError saying how to fix it, and "
    "converges once the key is enabled",
)


@pytest.mark.parametrize("reuse_token_after_delete", [True, False])
def test_deleted_out_of_band(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger, reuse_token_after_delete: bool
) -> None:
    """Deleted in the console: refresh reports it gone, the next up makes a new copy."""
    fsx_remote.configure(reuse_token_after_delete=reuse_token_after_delete)
    news = checked(engine, inputs(source))
    backup_id, outs = engine.create("dr-copy", news)
    fsx(DR_REGION).delete_backup(BackupId=backup_id)
    refreshed = engine.read("dr-copy", backup_id, outs, inputs=news)
    assert refreshed.id == ""
    new_id, new_outs = engine.create("dr-copy", news)
    ledger.created(DR_REGION, new_id)
    assert new_id != backup_id and new_outs["lifecycle"] == "AVAILABLE"
    ledger.assert_no_leak()


def test_tags_edited_out_of_band(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger
) -> None:
    """A managed tag changed, another removed, an unmanaged one added: refresh shows it, up restores it."""
    news = checked(engine, inputs(source, tags={"purpose": "dr", "tier": "gold"}))
    backup_id, outs = engine.create("dr-copy", news)
    ledger.created(DR_REGION, backup_id)
    client = fsx(DR_REGION)
    client.tag_resource(
        ResourceARN=outs["arn"], Tags=[{"Key": "purpose", "Value": "scratch"}, {"Key": "owner", "Value": "ops"}]
    )
    client.untag_resource(ResourceARN=outs["arn"], TagKeys=["tier"])
    refreshed = engine.read("dr-copy", backup_id, outs, inputs=news)
    assert refreshed.id == backup_id
    assert refreshed.outs["tags"] == {"purpose": "scratch"}
    assert without_ownership(refreshed.outs["tags_all"]) == {"purpose": "scratch", "owner": "ops"}
    diff = engine.diff("dr-copy", backup_id, refreshed.outs, news, old_inputs=news)
    assert (diff.changes, diff.replaces) == ("some", [])
    outs = engine.update("dr-copy", backup_id, refreshed.outs, news, old_inputs=news)
    assert outs["tags"] == {"purpose": "dr", "tier": "gold"}
    assert tags_of(DR_REGION, backup_id) == {"purpose": "dr", "tier": "gold", "owner": "ops"}
    assert engine.diff("dr-copy", backup_id, outs, news, old_inputs=news).changes == "none"
    ledger.assert_no_leak()


@pytest.mark.parametrize("how", ["disabled", "pending_deletion"])
def test_kms_key_made_unusable_out_of_band(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger, how: str
) -> None:
    """The copy's key disabled (or scheduled for deletion): the copy cannot be restored. Refresh records the
    key state, up says what to do (and fails) until the key is enabled again, then converges."""
    kms = boto3.client("kms", region_name=DR_REGION)
    key = kms.create_key()["KeyMetadata"]
    news = checked(engine, inputs(source, kms_key_id=key["KeyId"]))
    backup_id, outs = engine.create("dr-copy", news)
    ledger.created(DR_REGION, backup_id)
    assert outs["kms_key_state"] == "Enabled"
    assert engine.diff("dr-copy", backup_id, outs, news, old_inputs=news).changes == "none"

    if how == "disabled":
        kms.disable_key(KeyId=key["KeyId"])
        state, fix = "Disabled", "enable-key"
    else:
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        state, fix = "PendingDeletion", "cancel-key-deletion"
    refreshed = engine.read("dr-copy", backup_id, outs, inputs=news)
    assert refreshed.id == backup_id and refreshed.outs["kms_key_state"] == state
    diff = engine.diff("dr-copy", backup_id, refreshed.outs, news, old_inputs=news)
    assert (diff.changes, diff.replaces) == ("some", [])
    with pytest.raises(ProviderError) as caught:
        engine.update("dr-copy", backup_id, refreshed.outs, news, old_inputs=news)
    assert_actionable(caught.value, KmsKeyError, names=[backup_id, key["Arn"], state, fix, DR_REGION])

    if how == "pending_deletion":
        kms.cancel_key_deletion(KeyId=key["KeyId"])
    kms.enable_key(KeyId=key["KeyId"])
    outs = engine.update("dr-copy", backup_id, refreshed.outs, news, old_inputs=news)
    assert outs["kms_key_state"] == "Enabled"
    assert engine.diff("dr-copy", backup_id, outs, news, old_inputs=news).changes == "none"
    ledger.assert_no_leak()
    assert live_copy_ids(DR_REGION) == {backup_id}
