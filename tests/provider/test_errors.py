"""Every AWS error the provider can meet becomes a named BackupCopyError a user can act on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.session
import pytest
from provider_support import DR_REGION, SOURCE_REGION, copies_in
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

import pulumi_fsx_copy
from pulumi_fsx_copy import (
    BackupCopyError,
    BackupCopyProvider,
    CredentialsError,
    EndpointUnreachableError,
)
from pulumi_fsx_copy.errors import ERROR_TABLE
from pulumi_fsx_copy.testing import InProcessEmulator

Props = Callable[..., dict[str, Any]]


def _codes(operation: str) -> list[str]:
    model = botocore.session.get_session().get_service_model("fsx").operation_model(operation)
    return [shape.name for shape in model.error_shapes]


def _rule(operation: str, code: str) -> Any:
    return ERROR_TABLE.get((operation, code)) or ERROR_TABLE.get((None, code))


@pytest.mark.parametrize(
    ("operation", "code"),
    [
        (op, code)
        for op in ("CopyBackup", "DeleteBackup", "DescribeBackups", "TagResource", "UntagResource")
        for code in _codes(op)
    ],
)
def test_every_error_code_of_the_api_is_in_the_table(operation: str, code: str) -> None:
    rule = _rule(operation, code)
    assert rule is not None, f"{operation} {code} is not mapped"
    assert rule.error is not BackupCopyError
    assert rule.error.__name__ in pulumi_fsx_copy.__all__


@pytest.mark.parametrize("code", _codes("CopyBackup"))
def test_copy_errors_raise_their_class_and_leak_nothing(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator, code: str
) -> None:
    rule = _rule("CopyBackup", code)
    # Retryable codes are retried until the deadline: keep failing past a short one.
    fsx_emulator.fail_next("CopyBackup", code, count=1000 if rule.retryable else 1, message="as AWS says")
    with pytest.raises(rule.error) as caught:
        provider.create(props(wait_timeout_minutes=0.005))
    message = str(caught.value)
    for named in (props()["source_backup_id"], SOURCE_REGION, DR_REGION):
        assert named in message
    assert "{" not in message and "?" not in message
    assert copies_in(DR_REGION) == []


@pytest.mark.parametrize("code", [c for c in _codes("DeleteBackup") if c != "BackupNotFound"])
def test_delete_errors_raise_their_class(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator, code: str
) -> None:
    outs = provider.create(props()).outs or {}
    rule = _rule("DeleteBackup", code)
    fsx_emulator.fail_next("DeleteBackup", code, count=1000 if rule.retryable else 1)
    with pytest.raises(rule.error) as caught:
        provider.delete(outs["backup_id"], {**outs, "wait_timeout_minutes": 0.005})
    assert outs["backup_id"] in str(caught.value) and DR_REGION in str(caught.value)


@pytest.mark.parametrize("operation", ["TagResource", "UntagResource"])
@pytest.mark.parametrize("code", ["BadRequest", "ResourceNotFound", "NotServiceResourceError"])
def test_tag_errors_raise_their_class(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator, operation: str, code: str
) -> None:
    olds = provider.create(props(tags={"a": "1", "b": "2"})).outs or {}
    fsx_emulator.fail_next(operation, code)
    with pytest.raises(_rule(operation, code).error) as caught:
        provider.update(olds["backup_id"], olds, props(tags={"a": "changed"}))
    assert olds["backup_id"] in str(caught.value)


def test_missing_credentials(provider: BackupCopyProvider, props: Props, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = props()
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    fresh = BackupCopyProvider()
    with pytest.raises(CredentialsError, match="no AWS credentials were found"):
        fresh.create(checked)


def test_unreachable_endpoint(props: Props, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = props()
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    provider = BackupCopyProvider()
    provider.configure(ConfigureRequest(Config({"aws:region": DR_REGION}, "project")))
    with pytest.raises(EndpointUnreachableError, match=r"could not be reached.*after 8 retries"):
        provider.create(checked)
