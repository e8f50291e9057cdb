"""The KMS side of copies: which keys FSx takes, the FSx-managed key as AWS has it, keys in their own Region."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from pulumi_fsx_copy.testing import EmulatorError
from tests.support.emulator import DEST, SOURCE, Aws, error


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
