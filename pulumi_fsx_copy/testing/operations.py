"""The FSx and KMS operations the emulator serves, declared once, and its answer to any other one.

Any other operation is refused before anything happens as AWS's JSON protocol refuses one a service does not
know: ``UnknownOperationException``, HTTP 400 (not retried), naming it as not emulated. Serving one more
operation is one more name here (and its handler). Why not moto's answer: ``docs/dev/emulator.md``.
"""

from __future__ import annotations

import json
from typing import Final

from moto.core.common_types import TYPE_RESPONSE

SERVED_OPERATIONS: Final[dict[str, frozenset[str]]] = {
    "fsx": frozenset(
        {
            "CopyBackup",
            "CreateBackup",
            "CreateFileSystem",
            "CreateFileSystemFromBackup",
            "CreateVolumeFromBackup",
            "DeleteBackup",
            "DeleteFileSystem",
            "DeleteVolume",
            "DescribeBackups",
            "DescribeFileSystems",
            "DescribeVolumes",
            "ListTagsForResource",
            "TagResource",
            "UntagResource",
        }
    ),
    "kms": frozenset(
        {
            "CancelKeyDeletion",
            "CreateAlias",
            "CreateGrant",
            "CreateKey",
            "Decrypt",
            "DeleteAlias",
            "DescribeKey",
            "DisableKey",
            "DisableKeyRotation",
            "EnableKey",
            "EnableKeyRotation",
            "Encrypt",
            "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext",
            "GenerateMac",
            "GenerateRandom",
            "GetKeyPolicy",
            "GetKeyRotationStatus",
            "GetPublicKey",
            "ListAliases",
            "ListGrants",
            "ListKeyPolicies",
            "ListKeyRotations",
            "ListKeys",
            "ListResourceTags",
            "ListRetirableGrants",
            "PutKeyPolicy",
            "ReEncrypt",
            "ReplicateKey",
            "RetireGrant",
            "RevokeGrant",
            "RotateKeyOnDemand",
            "ScheduleKeyDeletion",
            "Sign",
            "TagResource",
            "UntagResource",
            "UpdateAlias",
            "UpdateKeyDescription",
            "Verify",
            "VerifyMac",
        }
    ),
}
"""By botocore's service name: the operations the emulator answers (FSx: its own and moto's file systems;
KMS: moto's, with the emulator's rules on top).  Any other operation is :func:`unknown_operation`."""

UNKNOWN_OPERATION: Final = "UnknownOperationException"
"""The error code AWS's JSON protocol answers an operation the service does not know with."""

_CONTENT_TYPE: Final = "application/x-amz-json-1.1"
_DISPLAY_NAME: Final = {"fsx": "FSx", "kms": "KMS"}


def served(service: str, operation: str) -> bool:
    """Whether the emulator answers ``operation`` of ``service`` (``fsx`` or ``kms``)."""
    return operation in SERVED_OPERATIONS[service]


def unknown_operation(service: str, operation: str) -> TYPE_RESPONSE:
    """The answer to an operation the emulator does not serve: ``UnknownOperationException``, 400."""
    message = (
        f"{_DISPLAY_NAME[service]} operation {operation} is not emulated by pulumi_fsx_copy.testing; "
        "docs/emulator.md lists the operations it serves."
    )
    headers = {"Content-Type": _CONTENT_TYPE, "X-Amzn-Errortype": UNKNOWN_OPERATION, "status": "400"}
    return 400, headers, json.dumps({"__type": UNKNOWN_OPERATION, "message": message})
