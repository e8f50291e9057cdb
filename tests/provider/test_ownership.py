"""Which copy belongs to which resource, in-process against the emulator: forced replacement, identities,
transient storms after CopyBackup, FAILED copies, KMS outages in diff and refresh, many lifetimes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto.core.exceptions import JsonRESTError
from moto.kms.models import KmsBackend
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_fsx_copy import (
    BackupCopyProvider,
    IdempotencyConflictError,
    KmsKeyError,
    ThrottledError,
)
from pulumi_fsx_copy.aws.gateway import MAX_TRANSIENT_RETRIES
from pulumi_fsx_copy.rules.identity import IDENTITY_TAG, OWNER_TAG, RESOURCE_TAG
from pulumi_fsx_copy.testing import InProcessEmulator
from tests.support.provider import DR_REGION, copies_in, on_copy_started

Props = Callable[..., dict[str, Any]]
SECRET_VALUE = "s3cr3t-tag-value"


def tags_of(backup_id: str) -> dict[str, str]:
    backup = boto3.client("fsx", region_name=DR_REGION).describe_backups(BackupIds=[backup_id])["Backups"][0]
    return {t["Key"]: t["Value"] for t in backup.get("Tags") or []}


# -- 1. forced replacement ----------------------------------------------------------------------------


def test_forced_replacement_then_delete_of_the_old_keeps_the_new(provider: BackupCopyProvider, props: Props) -> None:
    """The engine's `up --replace`: Check without olds, Create with the same inputs, Delete of the old ID."""
    old = provider.create(props())
    assert tags_of(old.id)[OWNER_TAG] == f"claim:{(old.outs or {})['__claim']}"
    new = provider.create(provider.check({}, props()).inputs)
    assert new.id != old.id
    provider.delete(old.id, old.outs or {})
    [kept] = copies_in(DR_REGION)
    assert kept["BackupId"] == new.id and kept["Lifecycle"] == "AVAILABLE"


def test_replacement_with_a_user_token_fails_and_never_deletes_the_copy_it_holds(
    provider: BackupCopyProvider, props: Props
) -> None:
    """A user's client_request_token makes AWS hand back the same copy, which the old record holds: the
    replacement's Create fails naming the token, and the old record's copy stays, owned by it alone."""
    old = provider.create(props(client_request_token="my-token"))
    with pytest.raises(IdempotencyConflictError, match="my-token") as caught:
        provider.create(props(client_request_token="my-token"))
    assert "a state already records" in str(caught.value)
    assert [c["BackupId"] for c in copies_in(DR_REGION)] == [old.id]
    assert tags_of(old.id)[OWNER_TAG] == f"claim:{(old.outs or {})['__claim']}"


def test_delete_leaves_a_copy_whose_claim_is_not_the_recorded_one(provider: BackupCopyProvider, props: Props) -> None:
    """A state entry that lists a copy it does not own (its claim differs) never deletes it, in any process."""
    held = provider.create(props())
    stale_entry = {**(held.outs or {}), "__claim": "0123456789abcdef"}
    BackupCopyProvider().delete(held.id, stale_entry)  # a new process: no memory of the create
    assert [c["BackupId"] for c in copies_in(DR_REGION)] == [held.id]
    provider.delete(held.id, held.outs or {})
    assert copies_in(DR_REGION) == []


# -- 2. identities ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # Same project and stack in two organizations (one AWS account).
        ("org-a/dr/prod/copy", "org-b/dr/prod/copy"),
        # A child component of the same name under parents of different types.
        (
            "organization/urn:pulumi:prod::dr::acme:A$acme:Inner::inner/copy",
            "organization/urn:pulumi:prod::dr::acme:B$acme:Inner::inner/copy",
        ),
    ],
)
def test_two_identities_get_two_copies(provider: BackupCopyProvider, props: Props, one: str, other: str) -> None:
    a = provider.create(props(__resource_identity=one))
    b = provider.create(props(__resource_identity=other))
    assert a.id != b.id
    assert {c["BackupId"] for c in copies_in(DR_REGION)} == {a.id, b.id}
    assert tags_of(a.id)[RESOURCE_TAG] != tags_of(b.id)[RESOURCE_TAG]
    assert tags_of(a.id)[IDENTITY_TAG] != tags_of(b.id)[IDENTITY_TAG]


# -- 3. transient storms after CopyBackup ---------------------------------------------------------------


@pytest.mark.parametrize("operation", ["DescribeBackups", "TagResource"])
def test_transient_storm_after_copy_started_keeps_the_copy_and_rerun_adopts_it(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator, operation: str
) -> None:
    storm = MAX_TRANSIENT_RETRIES + 1  # every retry of one call answered "throttled"
    on_copy_started(provider, lambda: fsx_emulator.fail_next(operation, "ThrottlingException", count=storm))
    with pytest.raises(ThrottledError) as caught:
        provider.create(props(tags={"purpose": SECRET_VALUE}))
    [kept] = copies_in(DR_REGION)
    message = str(caught.value)
    assert kept["BackupId"] in message and "the next `pulumi up` that creates this resource adopts it" in message
    assert "deleted" not in message and SECRET_VALUE not in message
    fsx_emulator.reset_calls()
    resumed = provider.create(props(tags={"purpose": SECRET_VALUE}))
    assert resumed.id == kept["BackupId"]
    assert (resumed.outs or {})["lifecycle"] == "AVAILABLE"
    assert fsx_emulator.calls("CopyBackup") == 0
    assert [c["BackupId"] for c in copies_in(DR_REGION)] == [resumed.id]
    assert tags_of(resumed.id)[OWNER_TAG] == f"claim:{(resumed.outs or {})['__claim']}"


# -- 4. FAILED copies --------------------------------------------------------------------------------


def test_copy_that_fails_after_create_returned_is_replaced(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator
) -> None:
    fsx_emulator.fail_next_copies("The source file system's KMS grant was revoked")
    old = provider.create(props(wait_for_available=False))
    assert (old.outs or {})["lifecycle"] == "COPYING"
    deadline = time.monotonic() + 10
    while copies_in(DR_REGION)[0]["Lifecycle"] != "FAILED" and time.monotonic() < deadline:
        time.sleep(0.05)
    refreshed = provider.read(old.id, old.outs or {})
    assert (refreshed.outs or {})["lifecycle"] == "FAILED"
    diff = provider.diff(old.id, refreshed.outs or {}, props(wait_for_available=False))
    assert diff.changes and diff.replaces == ["lifecycle"]
    # The engine replaces it, create before delete.
    new = provider.create(props(wait_for_available=True))
    provider.delete(old.id, refreshed.outs or {})
    [kept] = copies_in(DR_REGION)
    assert kept["BackupId"] == new.id != old.id and kept["Lifecycle"] == "AVAILABLE"


# -- 5. KMS outages ------------------------------------------------------------------------------------


@pytest.fixture
def kms_key() -> dict[str, Any]:
    kms = boto3.client("kms", region_name=DR_REGION)
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/dr", TargetKeyId=key["KeyId"])
    return dict(key)


@pytest.fixture
def kms_outage(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Make every KMS DescribeKey fail with the given error code from now on."""

    def start(code: str) -> None:
        def fail(*_: Any, **__: Any) -> Any:
            raise JsonRESTError(code, f"injected {code}")

        monkeypatch.setattr(KmsBackend, "describe_key", fail)

    yield start


@pytest.mark.parametrize("code", ["ThrottlingException", "AccessDeniedException", "KMSInternalException"])
def test_kms_outage_in_diff_is_an_error_not_a_replacement(
    provider: BackupCopyProvider,
    props: Props,
    kms_key: dict[str, Any],
    kms_outage: Callable[[str], None],
    code: str,
) -> None:
    outs = provider.create(props(kms_key_id=kms_key["Arn"])).outs or {}
    kms_outage(code)
    with pytest.raises(KmsKeyError) as caught:
        provider.diff(outs["backup_id"], outs, props(kms_key_id="alias/dr"))
    message = str(caught.value)
    assert "alias/dr" in message and code in message and outs["backup_id"] in message
    # Offline-decidable changes still diff without KMS.
    assert provider.diff(outs["backup_id"], outs, props(kms_key_id=kms_key["KeyId"])).replaces == []
    assert [c["BackupId"] for c in copies_in(DR_REGION)] == [outs["backup_id"]]


def test_failed_kms_lookup_in_refresh_keeps_a_known_unusable_key_state(
    provider: BackupCopyProvider, props: Props, kms_key: dict[str, Any], kms_outage: Callable[[str], None]
) -> None:
    outs = provider.create(props(kms_key_id=kms_key["Arn"])).outs or {}
    boto3.client("kms", region_name=DR_REGION).disable_key(KeyId=kms_key["KeyId"])
    refreshed = provider.read(outs["backup_id"], outs).outs or {}
    assert refreshed["kms_key_state"] == "Disabled"
    kms_outage("ThrottlingException")
    again = provider.read(outs["backup_id"], refreshed).outs or {}
    assert again["kms_key_state"] == "Disabled"
    assert provider.diff(outs["backup_id"], again, props(kms_key_id=kms_key["Arn"])).changes


# -- 6. many lifetimes ---------------------------------------------------------------------------------

LIFETIMES = 1000


@pytest.mark.parametrize("reuse_token_after_delete", [True, False])
def test_a_thousand_create_destroy_lifetimes(
    fsx_emulator: InProcessEmulator,
    monkeypatch: pytest.MonkeyPatch,
    props: Props,
    reuse_token_after_delete: bool,
) -> None:
    """Each destroy/up lifetime of one resource makes its copy with one CopyBackup (~6 emulator calls each)."""
    monkeypatch.setenv("PULUMI_FSX_COPY_TIME_SCALE", "0.001")  # leases stale after 0.9 s: no load hiccup reaches that
    fsx_emulator.configure(copy_seconds=0, reuse_token_after_delete=reuse_token_after_delete)
    provider = BackupCopyProvider()
    provider.configure(ConfigureRequest(Config({"aws:region": DR_REGION}, "project")))
    inputs = props()
    seen: set[str] = set()
    for _ in range(LIFETIMES):
        fsx_emulator.reset_calls()
        created = provider.create(inputs)
        assert fsx_emulator.calls("CopyBackup") <= 2
        assert created.id not in seen and (created.outs or {})["lifecycle"] == "AVAILABLE"
        seen.add(created.id)
        provider.delete(created.id, created.outs or {})
    assert copies_in(DR_REGION) == []
