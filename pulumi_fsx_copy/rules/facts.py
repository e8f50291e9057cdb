"""What Amazon FSx and KMS say of themselves, written once: limits, reserved tag prefixes, the tag character
set, a backup's lifecycle, and the operations the provider calls with the IAM actions they need.

Sources: botocore's FSx service model (``Tag``, ``TagKey``, ``TagValue``, ``BackupLifecycle``) and the FSx
user guides ("Copying backups": five copies in progress per destination Region).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from enum import Enum
from typing import Final

MAX_TAGS: Final = 50
"""Tags on one backup, copied ones included (``aws:`` tags aside)."""
MAX_TAG_KEY_LENGTH: Final = 128
MAX_TAG_VALUE_LENGTH: Final = 256
AWS_TAG_PREFIX: Final = "aws:"
"""Tag keys reserved for AWS."""
TAG_EXTRA_CHARACTERS: Final = frozenset("_.:/=+-@")
"""Besides letters, separators (spaces) and digits, what FSx's tag pattern ``^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$``
allows."""
TAG_CHARACTERS_IN_WORDS: Final = "letters, digits, spaces and _ . : / = + - @"
MAX_COPIES_IN_PROGRESS: Final = 5
"""Copies in progress into one destination Region per account (a quota AWS may raise)."""


def tag_character_allowed(character: str) -> bool:
    """Whether FSx's tag pattern allows ``character`` in a key or value."""
    return character in TAG_EXTRA_CHARACTERS or unicodedata.category(character)[0] in "LZN"


class Lifecycle(str, Enum):
    """A backup's ``Lifecycle`` (FSx ``BackupLifecycle``)."""

    AVAILABLE = "AVAILABLE"
    CREATING = "CREATING"
    TRANSFERRING = "TRANSFERRING"
    DELETED = "DELETED"
    FAILED = "FAILED"
    PENDING = "PENDING"
    COPYING = "COPYING"

    def __str__(self) -> str:
        return self.value


ENDED: Final = frozenset({Lifecycle.AVAILABLE, Lifecycle.FAILED, Lifecycle.DELETED})
"""Lifecycles a copy does not leave (a wait ends)."""
GONE: Final = frozenset({Lifecycle.DELETED, Lifecycle.FAILED})
"""Lifecycles of a copy that holds no data to keep."""
IN_PROGRESS: Final = frozenset({Lifecycle.COPYING, Lifecycle.PENDING})
"""Lifecycles of a copy that holds one of its destination Region's copy slots."""

OPERATIONS: Final[Mapping[str, Mapping[str, str]]] = {
    "fsx": {
        "CopyBackup": "fsx:CopyBackup",
        "DeleteBackup": "fsx:DeleteBackup",
        "DescribeBackups": "fsx:DescribeBackups",
        "ListTagsForResource": "fsx:ListTagsForResource",
        "TagResource": "fsx:TagResource",
        "UntagResource": "fsx:UntagResource",
        # RestoreDrill (drill.py)
        "CreateFileSystemFromBackup": "fsx:CreateFileSystemFromBackup",
        "CreateVolumeFromBackup": "fsx:CreateVolumeFromBackup",
        "DescribeFileSystems": "fsx:DescribeFileSystems",
        "DescribeVolumes": "fsx:DescribeVolumes",
        "DeleteFileSystem": "fsx:DeleteFileSystem",
        "DeleteVolume": "fsx:DeleteVolume",
    },
    "kms": {"DescribeKey": "kms:DescribeKey"},
}
"""The AWS operations the provider calls, by service (botocore's service names), with the IAM action each needs."""

COPY_KEY_ACTIONS: Final = ("kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKey*")
"""What FSx needs, as the caller, on the source and destination keys of an encrypted copy (beyond DescribeKey)."""


def iam_actions(service: str | None = None) -> tuple[str, ...]:
    """The IAM actions of the operations the provider calls (of one service, or all)."""
    services = [service] if service else list(OPERATIONS)
    return tuple(action for name in services for action in OPERATIONS[name].values())
