"""Issue 20 in the provider, in-process: endpoint settings checked by every operation, the KMS key state known
or ``Unknown`` with a warning, errors naming their service, tag counts at create, where refresh's and
destroy's settings come from, and how long destroy waits on a busy copy. The real-CLI tests of the same
points are ``tests/e2e/test_cli_promises.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pulumi
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_fsx_copy import (
    BackupCopyProvider,
    BackupInUseError,
    CredentialsError,
    EndpointConfigError,
    TaggingError,
)
from pulumi_fsx_copy.testing import InProcessEmulator
from tests.support.provider import DR_REGION, SOURCE_REGION, copies_in

Props = Callable[..., dict[str, Any]]


def _fresh() -> BackupCopyProvider:
    """A provider process's provider: its clients are made, with the endpoint settings in force, on first use."""
    provider = BackupCopyProvider()
    provider.configure(ConfigureRequest(Config({"aws:region": DR_REGION}, "project")))
    return provider


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL_FSX", "AWS_ENDPOINT_URL"])
def test_every_operation_refuses_an_endpoint_setting_that_is_not_a_url(
    provider: BackupCopyProvider, props: Props, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    checked = props()
    outs = provider.create(checked).outs
    monkeypatch.setenv(variable, "localhost:4566")
    operations: dict[str, Callable[[], object]] = {
        "check": lambda: provider.check({}, dict(checked)),
        "diff": lambda: provider.diff(outs["backup_id"], outs, checked),
        "create": lambda: provider.create(checked),
        "read": lambda: provider.read(outs["backup_id"], outs),
        "update": lambda: provider.update(outs["backup_id"], outs, checked),
        "delete": lambda: provider.delete(outs["backup_id"], outs),
    }
    for name, operation in operations.items():
        with pytest.raises(EndpointConfigError, match=variable) as caught:
            operation()
        assert caught.value.code == "InvalidEndpoint", name
    monkeypatch.delenv(variable)
    assert len(copies_in(DR_REGION)) == 1


def test_a_kms_that_cannot_be_asked_records_unknown_and_warns_naming_the_copy(
    provider: BackupCopyProvider, props: Props, monkeypatch: pytest.MonkeyPatch
) -> None:
    warned: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *_, **__: warned.append(message))
    key = boto3.client("kms", region_name=DR_REGION).create_key()["KeyMetadata"]["Arn"]
    checked = props(kms_key_id=key)
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:9")

    outs = provider.create(checked).outs

    assert outs["kms_key_state"] == "Unknown"
    assert len(warned) == 1 and outs["backup_id"] in warned[0] and "KMS endpoint http://127.0.0.1:9" in warned[0]
    assert "Unknown" in warned[0] and "`pulumi refresh` asks KMS again" in warned[0]
    diff = provider.diff(outs["backup_id"], outs, checked)
    assert not diff.changes, "an unknown key state is asked again by refresh, not turned into an update"

    monkeypatch.delenv("AWS_ENDPOINT_URL_KMS")
    assert _fresh().read(outs["backup_id"], outs).outs["kms_key_state"] == "Enabled"


def test_a_key_known_unusable_is_kept_when_kms_cannot_be_asked(
    provider: BackupCopyProvider, props: Props, monkeypatch: pytest.MonkeyPatch
) -> None:
    warned: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *_, **__: warned.append(message))
    outs = provider.create(props()).outs
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:9")

    read = _fresh().read(outs["backup_id"], {**outs, "kms_key_state": "PendingDeletion"}).outs

    assert read["kms_key_state"] == "PendingDeletion"
    assert len(warned) == 1 and "PendingDeletion, is kept" in warned[0]


def test_more_tags_than_fsx_allows_with_copied_ones_is_a_tagging_error(
    provider: BackupCopyProvider, fsx_emulator: InProcessEmulator, props: Props
) -> None:
    source = fsx_emulator.seed_backup(SOURCE_REGION, tags={f"source-{i}": "x" for i in range(40)})
    checked = props(source_backup_id=source, tags={f"declared-{i}": "y" for i in range(10)})

    with pytest.raises(TaggingError) as caught:
        provider.create(checked)

    message = str(caught.value)
    assert "53 tags" in message and "copy_tags=False" in message and "at most 7" in message, message
    assert (caught.value.code, caught.value.operation, caught.value.service) == ("BadRequest", "CopyBackup", "fsx")
    assert copies_in(DR_REGION) == []


def test_refresh_and_destroy_errors_say_where_the_profile_came_from(
    fsx_emulator: InProcessEmulator, props: Props, provider: BackupCopyProvider
) -> None:
    outs = provider.create(props()).outs
    stale = BackupCopyProvider()  # as `pulumi refresh` and `pulumi destroy` configure it: from the state
    stale.configure(ConfigureRequest(Config({"aws:region": DR_REGION, "aws:profile": "nosuch"}, "project")))

    for operation in (lambda: stale.read(outs["backup_id"], outs), lambda: stale.delete(outs["backup_id"], outs)):
        with pytest.raises(CredentialsError) as caught:
            operation()
        message = str(caught.value)
        assert "aws:profile 'nosuch'" in message and "recorded in the state" in message
        assert "`pulumi refresh --run-program`" in message and "`pulumi destroy --run-program`" in message

    stale.check({}, {k: v for k, v in outs.items() if k in props()})  # `pulumi up`: the config is current
    with pytest.raises(CredentialsError) as caught:
        stale.read(outs["backup_id"], outs)
    assert "--run-program" not in str(caught.value)


def test_destroy_of_a_busy_copy_says_how_long_it_waited_and_what_sets_it(
    provider: BackupCopyProvider, fsx_emulator: InProcessEmulator, props: Props
) -> None:
    # The create has all the time it needs (a busy machine makes the copy slow); the destroy is given 0.02 minutes.
    outs = {**provider.create(props()).outs, "wait_timeout_minutes": 0.02}
    file_system = fsx_emulator.set_restoring(DR_REGION, outs["backup_id"])

    with pytest.raises(BackupInUseError) as caught:
        provider.delete(outs["backup_id"], outs)

    message = str(caught.value)
    assert str(file_system) in message and "waited 0.02 minutes" in message and "wait_timeout_minutes" in message
    assert [c["BackupId"] for c in copies_in(DR_REGION)] == [outs["backup_id"]]
