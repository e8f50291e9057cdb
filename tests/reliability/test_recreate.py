"""Destroy, then up again with identical inputs and resource name: a new, live copy, never the deleted one
a remembered ClientRequestToken points at; under both emulator readings of token reuse after delete. And a
forced replacement, which looks to the provider like a new resource with a copy already in AWS."""

from __future__ import annotations

import pytest

from devkit.driver import ProviderError, ProviderProcess
from pulumi_fsx_copy import CopyFailedError
from pulumi_fsx_copy.testing import RemoteEmulator
from tests.support.reliability import (
    DR_REGION,
    Ledger,
    assert_actionable,
    checked,
    inputs,
    live_copy_ids,
)

pytestmark = pytest.mark.scenario(
    "3",
    "Re-create after destroy, forced replacement",
    "create, delete, create again with identical inputs and name, three times over, with "
    "reuse_token_after_delete true and false: each create returns a new backup ID, AVAILABLE in AWS, the only "
    "copy; a copy that FAILED is deleted and the re-run makes a new one; a forced replacement (create with the "
    "same inputs, then delete of the old ID) leaves exactly the new resource's copy; with a user's token AWS hands "
    "back the held copy, so the replacement fails (IdempotencyConflictError) and the held copy stays",
)

CYCLES = 3


@pytest.mark.parametrize("reuse_token_after_delete", [True, False])
def test_create_after_destroy_makes_a_new_live_copy(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger, reuse_token_after_delete: bool
) -> None:
    """Each up after a destroy gets a new copy that is AVAILABLE, never the deleted one."""
    fsx_remote.configure(reuse_token_after_delete=reuse_token_after_delete)
    news = checked(engine, inputs(source))
    seen: list[str] = []
    for _ in range(CYCLES):
        backup_id, outs = engine.create("dr-copy", news)
        ledger.created(DR_REGION, backup_id)
        assert backup_id not in seen, "a remembered token handed back a deleted copy"
        assert outs["lifecycle"] == "AVAILABLE"
        ledger.assert_no_leak()
        assert live_copy_ids(DR_REGION) == {backup_id}
        seen.append(backup_id)
        engine.delete("dr-copy", backup_id, outs, old_inputs=news)
        ledger.deleted(DR_REGION, backup_id)
        ledger.assert_no_leak()
        assert live_copy_ids(DR_REGION) == set()


@pytest.mark.parametrize("reuse_token_after_delete", [True, False])
def test_failed_copy_is_cleaned_up_and_the_rerun_makes_a_new_one(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger, reuse_token_after_delete: bool
) -> None:
    """A copy that ends FAILED: CopyFailedError with AWS's reason, the failed copy deleted; the re-run (same
    inputs) makes a new, AVAILABLE copy."""
    fsx_remote.configure(reuse_token_after_delete=reuse_token_after_delete)
    fsx_remote.fail_next_copies("the source KMS grant was revoked")
    news = checked(engine, inputs(source))
    with pytest.raises(ProviderError) as caught:
        engine.create("dr-copy", news)
    assert_actionable(caught.value, CopyFailedError, names=["the source KMS grant was revoked", DR_REGION, source])
    ledger.assert_no_leak()
    assert live_copy_ids(DR_REGION) == set()
    backup_id, outs = engine.create("dr-copy", news)
    ledger.created(DR_REGION, backup_id)
    assert outs["lifecycle"] == "AVAILABLE"
    ledger.assert_no_leak()


def test_forced_replacement_keeps_the_new_copy(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger
) -> None:
    """`up --replace` as the engine drives it: Check without old inputs, Create with the same inputs, then
    Delete of the old ID. The new resource's copy survives, the old one is deleted."""
    news = checked(engine, inputs(source))
    old_id, old_outs = engine.create("dr-copy", news)
    ledger.created(DR_REGION, old_id)
    new_id, new_outs = engine.create("dr-copy", checked(engine, inputs(source)))
    assert new_outs["lifecycle"] == "AVAILABLE" and new_id != old_id
    engine.delete("dr-copy", old_id, old_outs, old_inputs=news)
    ledger.deleted(DR_REGION, old_id)
    ledger.created(DR_REGION, new_id)
    ledger.assert_no_leak()
    assert live_copy_ids(DR_REGION) == {new_id}


def test_forced_replacement_with_a_user_token_fails_and_keeps_the_held_copy(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger
) -> None:
    """With a user's client_request_token AWS hands back the held copy: the replacement's Create fails
    (IdempotencyConflictError), and the engine, seeing the failure, deletes nothing."""
    news = checked(engine, inputs(source, client_request_token="my-token"))
    old_id, _ = engine.create("dr-copy", news)
    ledger.created(DR_REGION, old_id)
    with pytest.raises(ProviderError, match="IdempotencyConflictError"):
        engine.create("dr-copy", checked(engine, inputs(source, client_request_token="my-token")))
    ledger.assert_no_leak()
    assert live_copy_ids(DR_REGION) == {old_id}
