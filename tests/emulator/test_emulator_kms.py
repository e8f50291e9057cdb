"""The KMS side of copies: which keys FSx takes, the FSx-managed key as AWS has it, keys in their own Region."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pulumi_fsx_copy.testing import EmulatorError
from tests.support.emulator import DEST, NO_RETRIES, SOURCE, Aws, error


@pytest.mark.parametrize(
    ("spec", "usage"),
    [("RSA_2048", "ENCRYPT_DECRYPT"), ("HMAC_256", "GENERATE_VERIFY_MAC"), ("ECC_NIST_P256", "SIGN_VERIFY")],
    ids=["rsa", "hmac", "ecc"],
)
def test_only_symmetric_encryption_keys_encrypt_a_copy(aws: Aws, source: str, spec: str, usage: str) -> None:
    kms = aws.client("kms")
    key = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]

    with pytest.raises(ClientError) as info:
        aws.copy(source, KmsKeyId=key["Arn"])
    assert error(info)["Error"]["Code"] == "InvalidDestinationKmsKey"
    assert aws.client("fsx").describe_backups()["Backups"] == []
    with pytest.raises(EmulatorError):
        aws.emulator.seed_backup(DEST, kms_key_id=key["KeyId"])

    symmetric = kms.create_key(KeySpec="SYMMETRIC_DEFAULT", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    assert aws.copy(source, KmsKeyId=symmetric["KeyId"])["KmsKeyId"] == symmetric["Arn"]


@pytest.mark.parametrize("reference", ["alias/aws/fsx", "arn:aws:kms:eu-west-1:123456789012:alias/aws/fsx"])
def test_the_fsx_alias_resolves_to_the_managed_key_before_fsx_used_the_region(aws: Aws, reference: str) -> None:
    kms = aws.client("kms", "eu-west-1")

    managed = kms.describe_key(KeyId=reference)["KeyMetadata"]

    assert managed["KeyManager"] == "AWS"
    assert (managed["KeySpec"], managed["KeyState"]) == ("SYMMETRIC_DEFAULT", "Enabled")
    assert kms.describe_key(KeyId=managed["KeyId"])["KeyMetadata"]["Arn"] == managed["Arn"]
    source = aws.emulator.seed_backup(SOURCE)
    assert aws.copy(source, region="eu-west-1")["KmsKeyId"] == managed["Arn"]  # the same key, not a second one


@pytest.mark.parametrize("action", ["disable_key", "schedule_key_deletion"])
@pytest.mark.parametrize("form", ["KeyId", "Arn"])
def test_the_fsx_managed_key_cannot_be_disabled_or_deleted(aws: Aws, source: str, action: str, form: str) -> None:
    kms = aws.client("kms")
    managed = kms.describe_key(KeyId="alias/aws/fsx")["KeyMetadata"]

    with pytest.raises(ClientError) as info:
        getattr(kms, action)(KeyId=managed[form])

    assert error(info)["Error"]["Code"] == "AccessDeniedException"
    assert kms.describe_key(KeyId="alias/aws/fsx")["KeyMetadata"]["KeyState"] == "Enabled"
    assert aws.copy(source)["KmsKeyId"] == managed["Arn"]


@pytest.mark.parametrize("action", ["disable_key", "schedule_key_deletion"])
def test_a_customer_key_can_still_be_disabled_or_deleted(aws: Aws, action: str) -> None:
    kms = aws.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]

    getattr(kms, action)(KeyId=key_id)

    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] in ("Disabled", "PendingDeletion")


def test_a_key_arn_of_another_region_is_not_found(aws: Aws) -> None:
    here = aws.client("kms", DEST)
    key = here.create_key()["KeyMetadata"]
    elsewhere = key["Arn"].replace(f":{DEST}:", ":eu-west-1:")  # the same key ID, in another Region

    with pytest.raises(ClientError) as info:
        here.describe_key(KeyId=elsewhere)
    assert error(info)["Error"]["Code"] == "NotFoundException"
    with pytest.raises(ClientError) as info:
        aws.client("kms", "eu-west-1").describe_key(KeyId=key["Arn"])
    assert error(info)["Error"]["Code"] == "NotFoundException"
    assert here.describe_key(KeyId=key["Arn"])["KeyMetadata"]["KeyId"] == key["KeyId"]


def test_an_alias_arn_of_another_region_is_not_found(aws: Aws) -> None:
    kms = aws.client("kms", DEST)
    kms.describe_key(KeyId="alias/aws/fsx")

    with pytest.raises(ClientError) as info:
        kms.describe_key(KeyId="arn:aws:kms:eu-west-1:123456789012:alias/aws/fsx")

    assert error(info)["Error"]["Code"] == "NotFoundException"


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:kms:us-west-2:123456789012:key",
        "arn:aws:kms:us-west-2:key/0c7e6c51-3d8f-4a8d-9c3b-0c0a6e6f7a11",
        "arn:aws:s3:::my-bucket",
        "arn:aws:kms:us-west-2:1234:key/0c7e6c51-3d8f-4a8d-9c3b-0c0a6e6f7a11",
    ],
    ids=["no-key-id", "no-account", "other-service", "short-account"],
)
@pytest.mark.parametrize("action", ["describe_key", "disable_key"])
def test_a_malformed_arn_is_an_invalid_arn(aws: Aws, arn: str, action: str) -> None:
    with pytest.raises(ClientError) as info:
        getattr(aws.client("kms", DEST), action)(KeyId=arn)

    assert error(info)["Error"]["Code"] == "InvalidArnException"
    assert error(info)["ResponseMetadata"]["HTTPStatusCode"] == 400


# ---- aliases, as the KMS model states them ---------------------------------------------------------


def _code(call: Any, **kwargs: Any) -> str:
    """The error code of ``call(**kwargs)``, which must fail."""
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    code: str = error(info)["Error"]["Code"]
    return code


def _aliases(kms: Any, **kwargs: Any) -> dict[str, dict[str, Any]]:
    pages = kms.get_paginator("list_aliases").paginate(**kwargs)
    return {alias["AliasName"]: alias for page in pages for alias in page["Aliases"]}


def test_list_aliases_lists_the_fsx_alias_without_a_key_until_fsx_uses_it(aws: Aws) -> None:
    # ListAliases: "The response might also include aliases that have no TargetKeyId field. These are
    # predefined aliases that Amazon Web Services has created but has not yet associated with a KMS key."
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/dr", TargetKeyId=key["KeyId"])

    before = _aliases(kms)
    assert "TargetKeyId" not in before["alias/aws/fsx"]
    assert before["alias/aws/fsx"]["AliasArn"] == f"arn:aws:kms:{DEST}:123456789012:alias/aws/fsx"
    assert before["alias/dr"]["TargetKeyId"] == key["KeyId"]
    assert {"CreationDate", "LastUpdatedDate"} <= before["alias/dr"].keys()  # AliasListEntry

    managed = kms.describe_key(KeyId="alias/aws/fsx")["KeyMetadata"]  # as FSx's first use does
    assert _aliases(kms)["alias/aws/fsx"]["TargetKeyId"] == managed["KeyId"]
    assert list(_aliases(kms, KeyId=managed["Arn"])) == ["alias/aws/fsx"]
    assert list(_aliases(kms, KeyId=key["KeyId"])) == ["alias/dr"]


def test_list_aliases_pages_as_the_model_says(aws: Aws) -> None:
    # ListAliases: Limit "must be between 1 and 100, inclusive"; "KMS does not return more than the specified
    # number of items, but it might return fewer"; Truncated / NextMarker; KeyId is a key ID or key ARN.
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    for name in ("alias/a", "alias/b", "alias/c"):
        kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])

    first = kms.list_aliases(KeyId=key["KeyId"], Limit=2)
    assert (len(first["Aliases"]), first["Truncated"]) == (1, True)  # short: the emulator's page_size
    rest = kms.list_aliases(KeyId=key["KeyId"], Marker=first["NextMarker"], Limit=100)
    assert [a["AliasName"] for a in rest["Aliases"]] == ["alias/b"]
    assert list(_aliases(kms, KeyId=key["KeyId"])) == ["alias/a", "alias/b", "alias/c"]
    assert _code(kms.list_aliases, Limit=101) == "ValidationException"
    assert _code(kms.list_aliases, Marker="not a marker!") == "InvalidMarkerException"
    assert _code(kms.list_aliases, KeyId="alias/a") == "NotFoundException"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("dr", "InvalidAliasNameException"),
        ("alias/", "InvalidAliasNameException"),
        ("alias/dr:copy", "InvalidAliasNameException"),
        ("alias/dr copy", "ValidationException"),
        ("alias/dr.copy", "ValidationException"),
    ],
)
def test_an_alias_name_off_the_model_is_invalid(aws: Aws, name: str, code: str) -> None:
    # CreateAlias's AliasName: "must begin with alias/ followed by a name ... It can contain only alphanumeric
    # characters, forward slashes (/), underscores (_), and dashes (-)"; off the model's pattern
    # (^[a-zA-Z0-9:/_-]+$) the request is refused before the operation, as every member off its pattern is.
    kms = aws.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]

    assert _code(kms.create_alias, AliasName=name, TargetKeyId=key_id) == code
    assert list(_aliases(kms, KeyId=key_id)) == []
    kms.create_alias(AliasName="alias/dr/copy_1-a", TargetKeyId=key_id)


def test_a_kms_request_off_the_model_is_refused_before_the_operation(aws: Aws) -> None:
    # AWS's JSON services read, then validate a request before acting: a member missing or of the wrong JSON
    # type is a 400 (ValidationException, SerializationException), never a failure inside the service.
    kms = boto3.client("kms", region_name=DEST, config=NO_RETRIES.merge(Config(parameter_validation=False)))
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]

    assert _code(kms.list_key_rotations) == "ValidationException"  # KeyId is required
    assert _code(kms.create_alias, AliasName="alias/dr") == "ValidationException"
    assert _code(kms.update_key_description, KeyId=key_id, Description=7) == "SerializationException"
    assert _code(kms.list_aliases, Limit="5") == "SerializationException"
    assert list(_aliases(aws.client("kms"), KeyId=key_id)) == []


def test_no_alias_under_alias_aws_can_be_made_repointed_or_deleted(aws: Aws) -> None:
    # CreateAlias's AliasName: "The alias name cannot begin with alias/aws/. The alias/aws/ prefix is reserved
    # for Amazon Web Services managed keys."
    kms = aws.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    managed = kms.describe_key(KeyId="alias/aws/fsx")["KeyMetadata"]

    assert _code(kms.create_alias, AliasName="alias/aws/mine", TargetKeyId=key_id) == "NotAuthorizedException"
    assert _code(kms.update_alias, AliasName="alias/aws/fsx", TargetKeyId=key_id) == "NotAuthorizedException"
    assert _code(kms.delete_alias, AliasName="alias/aws/fsx") == "NotAuthorizedException"
    assert kms.describe_key(KeyId="alias/aws/fsx")["KeyMetadata"]["Arn"] == managed["Arn"]
    assert _aliases(kms)["alias/aws/fsx"]["TargetKeyId"] == managed["KeyId"]
    assert "alias/aws/mine" not in _aliases(kms)
    kms.create_alias(AliasName="alias/mine", TargetKeyId=key_id)  # a customer's own alias comes and goes
    kms.delete_alias(AliasName="alias/mine")
    assert "alias/mine" not in _aliases(kms)


def test_an_alias_points_only_at_a_customer_key_not_pending_deletion(aws: Aws, source: str) -> None:
    # CreateAlias: "You can associate the alias with any customer managed key"; UpdateAlias's TargetKeyId: "You
    # don't have permission to associate an alias with an Amazon Web Services managed key"; both: "The KMS key
    # that you use for this operation must be in a compatible key state" (KMSInvalidStateException).
    kms = aws.client("kms")
    managed = kms.describe_key(KeyId="alias/aws/fsx")["KeyMetadata"]
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    doomed = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    kms.create_alias(AliasName="alias/dr", TargetKeyId=key_id)

    for call, name in ((kms.create_alias, "alias/other"), (kms.update_alias, "alias/dr")):
        assert _code(call, AliasName=name, TargetKeyId=managed["Arn"]) == "AccessDeniedException"
        assert _code(call, AliasName=name, TargetKeyId=doomed) == "KMSInvalidStateException"
    assert "alias/other" not in _aliases(kms)
    assert _aliases(kms)["alias/dr"]["TargetKeyId"] == key_id
    assert aws.copy(source, KmsKeyId="alias/dr")["KmsKeyId"].endswith(key_id)


def test_update_alias_keeps_the_key_type_and_usage(aws: Aws) -> None:
    # UpdateAlias: "The current and new KMS key must be the same type (both symmetric or both asymmetric or both
    # HMAC), and they must have the same key usage."
    kms = aws.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/dr", TargetKeyId=key_id)
    rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]

    for other in (rsa, hmac):
        assert _code(kms.update_alias, AliasName="alias/dr", TargetKeyId=other) == "ValidationException"
    assert _aliases(kms)["alias/dr"]["TargetKeyId"] == key_id
    second = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.update_alias(AliasName="alias/dr", TargetKeyId=second)
    assert _aliases(kms)["alias/dr"]["TargetKeyId"] == second


# ---- keys: what the account may do to them, and in which states ------------------------------------

CHANGES: dict[str, dict[str, Any]] = {
    "enable_key": {},
    "cancel_key_deletion": {},
    "tag_resource": {"Tags": [{"TagKey": "team", "TagValue": "storage"}]},
    "untag_resource": {"TagKeys": ["team"]},
    "update_key_description": {"Description": "mine now"},
    "put_key_policy": {"PolicyName": "default", "Policy": "{}"},
    "enable_key_rotation": {},
    "disable_key_rotation": {},
}
"""Changes of a key, besides DisableKey and ScheduleKeyDeletion, with the members each needs beside KeyId."""


@pytest.mark.parametrize("action", sorted(CHANGES))
def test_the_account_can_change_nothing_of_the_fsx_managed_key(aws: Aws, source: str, action: str) -> None:
    # An AWS managed key's key policy grants the account kms:Describe*, kms:Get*, kms:List* and kms:RevokeGrant
    # only; TagResource's model text: "you cannot tag an Amazon Web Services managed key".
    kms = aws.client("kms")
    managed = kms.describe_key(KeyId="alias/aws/fsx")["KeyMetadata"]

    assert _code(getattr(kms, action), KeyId=managed["Arn"], **CHANGES[action]) == "AccessDeniedException"
    assert kms.describe_key(KeyId="alias/aws/fsx")["KeyMetadata"] == managed
    assert aws.copy(source)["KmsKeyId"] == managed["Arn"]


def test_key_states_and_the_deletion_window_are_kept_as_kms_has_them(aws: Aws) -> None:
    # ScheduleKeyDeletion's PendingWindowInDays: "it must be between 7 and 30, inclusive"; EnableKey, DisableKey,
    # ScheduleKeyDeletion, CancelKeyDeletion: "The KMS key ... must be in a compatible key state".
    kms = aws.client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]

    for days in (6, 31):
        assert _code(kms.schedule_key_deletion, KeyId=key_id, PendingWindowInDays=days) == "ValidationException"
    assert _code(kms.cancel_key_deletion, KeyId=key_id) == "KMSInvalidStateException"  # not pending deletion
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    for action in (kms.enable_key, kms.disable_key, kms.schedule_key_deletion):
        assert _code(action, KeyId=key_id) == "KMSInvalidStateException"
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    kms.cancel_key_deletion(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
