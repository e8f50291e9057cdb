"""ERROR_TABLE against botocore's own service models, and how map_error builds errors (fields, not text)."""

from __future__ import annotations

import pickle
from functools import cache
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError, NoCredentialsError, ProfileNotFound

import pulumi_fsx_copy
from pulumi_fsx_copy.errors import (
    CALLED_OPERATIONS,
    ERROR_TABLE,
    GENERIC_CODES,
    BackupCopyError,
    CredentialsError,
    ErrorContext,
    KmsKeyError,
    SourceBackupNotFoundError,
    TaggingError,
    map_error,
)


@cache
def _errors_of(service: str, operation: str) -> frozenset[str]:
    model = botocore.session.get_session().get_service_model(service)
    return frozenset(shape.name for shape in model.operation_model(operation).error_shapes)


def _called() -> list[tuple[str, str]]:
    return [(service, op) for service, ops in CALLED_OPERATIONS.items() for op in ops]


def _returnable() -> frozenset[str]:
    return frozenset(code for service, op in _called() for code in _errors_of(service, op))


@pytest.mark.parametrize(("service", "operation"), _called())
def test_every_error_an_operation_can_return_is_mapped(service: str, operation: str) -> None:
    for code in _errors_of(service, operation):
        rule = ERROR_TABLE.get((operation, code)) or ERROR_TABLE.get((None, code))
        assert rule is not None, f"{service} {operation} may return {code}, which ERROR_TABLE does not map"
        assert rule.error is not BackupCopyError and rule.error.__name__ in pulumi_fsx_copy.__all__


def test_the_table_names_no_code_the_operations_cannot_return() -> None:
    operations = {op for _, op in _called()}
    for operation, code in ERROR_TABLE:
        if operation is None:
            assert code in GENERIC_CODES or code in _returnable(), f"no operation we call returns {code}"
        else:
            service = next(s for s, o in _called() if o == operation)
            assert operation in operations
            assert code in _errors_of(service, operation) or code in GENERIC_CODES, (
                f"{operation} cannot return {code} (botocore's {service} model)"
            )


def test_generic_codes_are_not_in_the_models() -> None:
    """GENERIC_CODES are only for codes the models leave out; a modelled code must be mapped per operation."""
    assert not (GENERIC_CODES & _returnable())
    assert all((None, code) in ERROR_TABLE for code in GENERIC_CODES)


def _client_error(code: str, message: str = "as AWS says", operation: str = "CopyBackup", **extra: Any) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, **extra}, operation)


COPYING = ErrorContext(
    operation="CopyBackup", region="us-west-2", source_region="us-east-1", source_backup_id="backup-0123456789abcdef0"
)


def test_mapped_errors_carry_structured_fields() -> None:
    error = map_error(_client_error("BackupNotFound"), COPYING)
    assert isinstance(error, SourceBackupNotFoundError)
    assert error.fields == {
        "code": "BackupNotFound",
        "operation": "CopyBackup",
        "region": "us-west-2",
        "backup_id": None,
        "source_backup_id": "backup-0123456789abcdef0",
        "source_region": "us-east-1",
        "service": "fsx",
    }


def test_describe_errors_name_the_backup_not_a_source() -> None:
    context = ErrorContext(operation="DescribeKey", region="eu-west-1", backup_id="backup-0fedcba987654321a")
    error = map_error(_client_error("NotFoundException", operation="DescribeKey"), context)
    assert isinstance(error, KmsKeyError)
    assert (error.code, error.operation, error.region, error.backup_id) == (
        "NotFoundException",
        "DescribeKey",
        "eu-west-1",
        "backup-0fedcba987654321a",
    )
    assert error.source_backup_id is None and error.source_region is None


def test_unmapped_codes_keep_their_fields() -> None:
    error = map_error(_client_error("SomethingNew"), COPYING)
    assert type(error) is BackupCopyError
    assert (error.code, error.operation, error.source_backup_id) == (
        "SomethingNew",
        "CopyBackup",
        "backup-0123456789abcdef0",
    )


def test_botocore_local_errors_are_mapped_with_their_class_name() -> None:
    error = map_error(NoCredentialsError(), COPYING)
    assert isinstance(error, CredentialsError) and error.code == "NoCredentialsError"
    profile = map_error(ProfileNotFound(profile="nope"), ErrorContext(operation="DescribeBackups", region="us-west-2"))
    assert isinstance(profile, CredentialsError) and "nope" in str(profile) and "AWS_PROFILE" in str(profile)


@pytest.mark.parametrize(
    "bug", [TypeError("unsupported operand"), KeyError("Backup"), ValueError("bad"), RuntimeError()]
)
def test_programming_errors_propagate_as_themselves(bug: Exception) -> None:
    with pytest.raises(type(bug)) as caught:
        map_error(bug, COPYING)
    assert caught.value is bug


def test_a_backup_copy_error_is_returned_unchanged() -> None:
    error = TaggingError("refused", operation="TagResource")
    assert map_error(error, COPYING) is error


SECRET = "s3cr3t-Tag-Value-from-a-secret"


@pytest.mark.parametrize(
    ("operation", "code"),
    [("TagResource", "BadRequest"), ("UntagResource", "BadRequest"), ("TagResource", "SomethingNew")],
)
def test_an_aws_message_repeating_a_tag_value_is_withheld(operation: str, code: str) -> None:
    context = ErrorContext(
        operation=operation, region="us-west-2", backup_id="backup-0123456789abcdef0", secrets=("ok", SECRET)
    )
    error = map_error(_client_error(code, f"Tag value {SECRET} is invalid", operation=operation), context)
    assert SECRET not in str(error) and "withheld" in str(error)
    assert error.backup_id == "backup-0123456789abcdef0"
    kept = map_error(_client_error(code, "Too many tags", operation=operation), context)
    assert "Too many tags" in str(kept)


def test_with_message_keeps_class_and_fields() -> None:
    error = map_error(_client_error("BackupNotFound"), COPYING)
    longer = error.with_message(f"{error} The copy was deleted.")
    assert type(longer) is type(error) and longer.fields == error.fields and str(longer).endswith("deleted.")


def test_errors_pickle_with_their_fields() -> None:
    error = map_error(_client_error("BackupNotFound"), COPYING)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and copy.fields == error.fields and str(copy) == str(error)


def test_every_error_class_is_exported_and_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    classes = {cls.__name__ for cls in (*(rule.error for rule in ERROR_TABLE.values()), *_subclasses(BackupCopyError))}
    for name in classes:
        assert name in pulumi_fsx_copy.__all__, f"{name} is not exported"
        assert f"`{name}`" in readme, f"README's Errors table does not list {name}"


def _subclasses(cls: type[BackupCopyError]) -> list[type[BackupCopyError]]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]
