"""KMS key reference parsing and offline comparison."""

from __future__ import annotations

import pytest

from pulumi_fsx_copy.rules.kms import KeyReference, parse_key_reference, same_key_offline

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY_ID = "0987dcba-09fe-87dc-65ba-ab0987654321"
MRK_ID = "mrk-1234abcd12ab34cd56ef1234567890ab"
KEY_ARN = f"arn:aws:kms:us-west-2:111122223333:key/{KEY_ID}"
OTHER_KEY_ARN = f"arn:aws:kms:us-west-2:111122223333:key/{OTHER_KEY_ID}"
ALIAS = "alias/backups"
ALIAS_ARN = "arn:aws:kms:us-west-2:111122223333:alias/backups"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (KEY_ID, KeyReference(kind="key_id", key_id=KEY_ID)),
        (MRK_ID, KeyReference(kind="key_id", key_id=MRK_ID)),
        (
            KEY_ARN,
            KeyReference(kind="key_arn", key_id=KEY_ID, region="us-west-2", account="111122223333", partition="aws"),
        ),
        (
            f"arn:aws-cn:kms:cn-north-1:111122223333:key/{MRK_ID}",
            KeyReference(
                kind="key_arn", key_id=MRK_ID, region="cn-north-1", account="111122223333", partition="aws-cn"
            ),
        ),
        (ALIAS, KeyReference(kind="alias_name", alias_name=ALIAS)),
        ("alias/aws/fsx", KeyReference(kind="alias_name", alias_name="alias/aws/fsx")),
        ("alias/team:dr/key_1-x", KeyReference(kind="alias_name", alias_name="alias/team:dr/key_1-x")),
        (
            "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/aws/fsx",
            KeyReference(
                kind="alias_arn",
                alias_name="alias/aws/fsx",
                region="us-gov-west-1",
                account="111122223333",
                partition="aws-us-gov",
            ),
        ),
    ],
)
def test_parse_valid_references(text: str, expected: KeyReference) -> None:
    assert parse_key_reference(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "my-key",
        "alias/",
        "alias/has space",
        "alias/bad!",
        "1234ABCD-12AB-34CD-56EF-1234567890AB",  # KMS key IDs are lowercase
        "1234abcd-12ab-34cd-56ef-1234567890a",
        "mrk-1234",
        f"{KEY_ID}\n",
        f"arn:aws:kms:us-west-2:1111:key/{KEY_ID}",  # account is 12 digits
        f"arn:aws:s3:us-west-2:111122223333:key/{KEY_ID}",
        "arn:aws:kms:us-west-2:111122223333:key/alias/backups",
        f"arn:aws:kms:us-west-2:111122223333:{KEY_ID}",
        "alias/" + "a" * 251,
    ],
)
def test_parse_rejects_non_references(text: str) -> None:
    assert parse_key_reference(text) is None


def test_alias_names_up_to_the_kms_limit_parse() -> None:
    assert parse_key_reference("alias/" + "a" * 250) is not None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # certainly the same key
        (KEY_ARN, KEY_ARN, True),
        (KEY_ID, KEY_ARN, True),
        (KEY_ARN, KEY_ID, True),
        (ALIAS, ALIAS_ARN, True),
        (ALIAS_ARN, ALIAS, True),
        ("not a key", "not a key", True),
        # certainly different keys
        (KEY_ID, OTHER_KEY_ID, False),
        (KEY_ARN, OTHER_KEY_ARN, False),
        (KEY_ID, OTHER_KEY_ARN, False),
        (KEY_ARN, KEY_ARN.replace("us-west-2", "us-east-1"), False),
        (KEY_ARN, KEY_ARN.replace("111122223333", "444455556666"), False),
        # only KMS can tell
        (ALIAS, KEY_ID, None),
        (KEY_ARN, ALIAS, None),
        (ALIAS_ARN, KEY_ARN, None),
        (ALIAS, "alias/other", None),
        (ALIAS_ARN, ALIAS_ARN.replace("us-west-2", "us-east-1"), None),
        (KEY_ARN, "garbage", None),
    ],
)
def test_same_key_offline(a: str, b: str, expected: bool | None) -> None:
    assert same_key_offline(a, b) is expected
