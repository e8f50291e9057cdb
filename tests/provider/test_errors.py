"""Every AWS error the provider can meet becomes a named BackupCopyError a user can act on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.session
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

import pulumi_fsx_copy
from pulumi_fsx_copy import (
    BackupCopyError,
    BackupCopyProvider,
    CopyNotFoundError,
    CredentialsError,
    EndpointUnreachableError,
    InvalidInputError,
    RegionError,
)
from pulumi_fsx_copy.errors import ERROR_TABLE
from pulumi_fsx_copy.testing import InProcessEmulator
from tests.support.provider import DR_REGION, SOURCE_REGION, copies_in

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
    error = caught.value
    assert (error.code, error.operation, error.region) == (code, "CopyBackup", DR_REGION)
    assert (error.source_backup_id, error.source_region) == (props()["source_backup_id"], SOURCE_REGION)
    message = str(error)
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
    assert (caught.value.code, caught.value.operation) == (code, "DeleteBackup")
    assert (caught.value.backup_id, caught.value.region) == (outs["backup_id"], DR_REGION)
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
    assert (caught.value.code, caught.value.operation) == (code, operation)
    assert (caught.value.backup_id, caught.value.region) == (olds["backup_id"], DR_REGION)
    assert olds["backup_id"] in str(caught.value)


def test_missing_credentials(provider: BackupCopyProvider, props: Props, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = props()
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    fresh = BackupCopyProvider()
    with pytest.raises(CredentialsError, match="no AWS credentials were found") as caught:
        fresh.create(checked)
    # Create's first call lists the destination Region (a copy a crashed run started is adopted).
    assert (caught.value.code, caught.value.operation) == ("NoCredentialsError", "DescribeBackups")


def test_unreachable_endpoint(props: Props, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = props()
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    provider = BackupCopyProvider()
    provider.configure(ConfigureRequest(Config({"aws:region": DR_REGION}, "project")))
    with pytest.raises(EndpointUnreachableError, match=r"could not be reached.*after 8 retries") as caught:
        provider.create(checked)
    assert (caught.value.code, caught.value.operation, caught.value.region) == (
        "EndpointConnectionError",
        "DescribeBackups",
        DR_REGION,
    )


def _configured(**config: str) -> BackupCopyProvider:
    provider = BackupCopyProvider()
    provider.configure(ConfigureRequest(Config(config, "project")))
    return provider


@pytest.mark.parametrize("how", ["aws:profile", "AWS_PROFILE"])
def test_an_unknown_profile_is_a_credentials_error_on_every_operation(
    provider: BackupCopyProvider, props: Props, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Create included: the profile is found wanting when the first client is made, whichever call makes it."""
    checked = props()
    outs = provider.create(props()).outs or {}
    if how == "AWS_PROFILE":
        monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
        broken = _configured(**{"aws:region": DR_REGION})
    else:
        broken = _configured(**{"aws:region": DR_REGION, "aws:profile": "no-such-profile"})
    operations: dict[str, Callable[[], object]] = {
        "create": lambda: broken.create(checked),
        "read": lambda: broken.read(outs["backup_id"], outs),
        "get": lambda: broken.read(outs["backup_id"], {}),
        "update": lambda: broken.update(outs["backup_id"], outs, props(tags={"purpose": "other"})),
        "delete": lambda: broken.delete(outs["backup_id"], outs),
    }
    for name, operation in operations.items():
        with pytest.raises(CredentialsError) as caught:
            operation()
        assert caught.value.code == "ProfileNotFound", name
        assert "no-such-profile" in str(caught.value) and how in str(caught.value), name


def test_get_with_no_region_configured_is_a_region_error(
    fsx_emulator: InProcessEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    provider = _configured()
    with pytest.raises(RegionError) as caught:
        provider.read("backup-0123456789abcdef0", {})
    assert "aws:region" in str(caught.value) and "AWS_REGION" in str(caught.value)
    assert fsx_emulator.calls() == 0


@pytest.mark.parametrize("backup_id", ["backup-XYZ", "fs-0123456789abcdef0", "", "backup-" + "0" * 200])
def test_get_with_a_malformed_id_fails_before_any_aws_call(
    provider: BackupCopyProvider, fsx_emulator: InProcessEmulator, backup_id: str
) -> None:
    with pytest.raises(InvalidInputError, match=r"BackupCopy\.get") as caught:
        provider.read(backup_id, {})
    assert caught.value.region == DR_REGION
    assert fsx_emulator.calls() == 0


def test_get_of_a_missing_copy_says_where_it_looked(provider: BackupCopyProvider) -> None:
    with pytest.raises(CopyNotFoundError) as caught:
        provider.read("backup-0000000000000dead", {})
    error = caught.value
    assert (error.code, error.region, error.backup_id) == ("BackupNotFound", DR_REGION, "backup-0000000000000dead")
    assert DR_REGION in str(error) and "aws:region" in str(error)


def test_refresh_of_a_deleted_copy_still_drops_it(provider: BackupCopyProvider, props: Props) -> None:
    outs = provider.create(props()).outs or {}
    provider.delete(outs["backup_id"], outs)
    assert provider.read(outs["backup_id"], outs).id == ""


SECRET = "s3cr3t-Tag-Value-do-not-leak"


@pytest.mark.parametrize(
    "code",
    [
        "BadRequest",
        "ResourceNotFound",
        "NotServiceResourceError",
        "ResourceDoesNotSupportTagging",
        "InternalServerError",
        "AccessDeniedException",
        "SomethingNew",
    ],
)
@pytest.mark.parametrize("step", ["create", "update"])
def test_no_tag_value_in_a_tagging_error(
    provider: BackupCopyProvider, props: Props, fsx_emulator: InProcessEmulator, code: str, step: str
) -> None:
    """AWS's message may repeat a tag value (which may be a secret): the error never does."""
    retried = (_rule("TagResource", code) or ERROR_TABLE[(None, "BadRequest")]).retryable
    count = 1000 if retried else 1
    message = f"Tag value {SECRET} of key db-password is invalid"
    if step == "create":
        fsx_emulator.fail_next("TagResource", code, count=count, message=message)
        with pytest.raises(BackupCopyError) as caught:
            provider.create(props(tags={"db-password": SECRET}))  # the claim (TagResource) fails
    else:
        olds = provider.create(props()).outs or {}
        fsx_emulator.fail_next("TagResource", code, count=count, message=message)
        with pytest.raises(BackupCopyError) as caught:
            provider.update(olds["backup_id"], olds, props(tags={"db-password": SECRET}))
    assert caught.value.code == code and caught.value.operation == "TagResource"
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value.args)


@pytest.mark.parametrize(
    "tags",
    [
        {"db-password": SECRET + "#"},
        {"db-password": SECRET * 10},
        {"aws:db-password": SECRET},
        {"db-password": [SECRET]},
        {f"k{i}": SECRET for i in range(51)},
        [SECRET],
    ],
)
def test_no_tag_value_in_a_check_failure(provider: BackupCopyProvider, source_backup: str, tags: object) -> None:
    result = provider.check({}, {"source_backup_id": source_backup, "tags": tags})
    assert [(f.property, f.reason.split(":")[0]) for f in result.failures] == [("", "tags")]
    assert SECRET not in result.failures[0].reason
