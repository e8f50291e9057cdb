"""The KMS keys of copies, asked of KMS through the gateway: the key ARN a reference names, whether two references
name one key, a copy's key state (and whether the copy can be restored with it). Offline parsing is ``kms``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from ..engine.progress import current_urn
from ..engine.waiting import Deadline
from ..errors import BackupCopyError, EndpointConfigError, ErrorContext, KmsKeyError
from ..rules.kms import parse_key_reference
from .gateway import AwsGateway

MANAGED_KEY_ALIAS = "alias/aws/fsx"
"""The FSx-managed key: what a copy is encrypted with when no ``kms_key_id`` is given."""
# The KMS KeyState in which a copy can be restored; any other state found by refresh is reported.
KMS_KEY_USABLE = "Enabled"
KMS_KEY_UNKNOWN = "Unknown"
"""``kms_key_state`` when KMS could not be asked (unreachable, throttled past retries, not permitted): never
a KMS ``KeyState``. A warning names the copy and the cause; the next refresh asks again."""
_NOT_KNOWN_UNUSABLE = (None, KMS_KEY_USABLE, KMS_KEY_UNKNOWN)
# A KMS DescribeKey (retried while throttled or unreachable) may take this long: diff runs in preview.
KMS_LOOKUP_SECONDS = 60.0


def known_unusable(state: object) -> bool:
    """Whether a recorded ``kms_key_state`` is one in which the copy cannot be restored."""
    return state not in _NOT_KNOWN_UNUSABLE


class KmsKeys:
    """KMS look-ups of the keys of copies (DescribeKey), through the gateway."""

    def __init__(self, gateway: AwsGateway) -> None:
        self.gateway = gateway

    def arn(self, region: str, reference: str, deadline: Deadline, context: ErrorContext) -> str:
        """The key ARN ``reference`` names: itself when it is one, else KMS DescribeKey's answer in ``region``.
        Raises BackupCopyError when KMS does not answer, KeyError when its answer has no ARN."""
        parsed = parse_key_reference(reference)
        if parsed is not None and parsed.kind == "key_arn":
            return reference
        return str(self.gateway.describe_key(region, reference, deadline, context)["Arn"])

    def same(self, region: str, backup_id: str, a: str, b: str) -> bool:
        """Whether two key references name one key, resolved through KMS in ``region``.

        When KMS cannot tell, KmsKeyError: replacing a DR copy on a guess would delete it for nothing.
        """
        return self._arn_or_refuse(region, backup_id, a, other=b) == self._arn_or_refuse(region, backup_id, b, other=a)

    def _arn_or_refuse(self, region: str, backup_id: str, reference: str, *, other: str) -> str:
        context = ErrorContext(operation="DescribeKey", region=region, backup_id=backup_id, kms_key_id=reference)
        try:
            return self.arn(region, reference, Deadline(KMS_LOOKUP_SECONDS), context)
        except EndpointConfigError:
            raise
        except (BackupCopyError, KeyError, TypeError) as err:
            raise KmsKeyError(
                f"cannot tell whether kms_key_id {reference} and {other} name the same KMS key: KMS DescribeKey "
                f"of {reference} in '{region}' failed ({err}). Copy {backup_id} was neither replaced nor "
                "changed. Re-run when KMS answers (the caller needs kms:DescribeKey), or set kms_key_id to the "
                "key ARN the copy uses to keep it.",
                code=err.code if isinstance(err, BackupCopyError) else None,
                **{k: v for k, v in context.fields(None).items() if k != "code"},
            ) from None

    def state(self, region: str, backup_id: str, key_arn: object, known: Mapping[str, Any] | None = None) -> str | None:
        """The ``KeyState`` of the key that encrypts a copy (``Enabled``, ``Disabled``, ``PendingDeletion``,
        ...). When KMS cannot tell (unreachable, no permission, throttled past retries): the state the outputs
        ``known`` recorded for this key if it was one in which the copy cannot be restored (never forgotten on one
        failed look-up), else ``Unknown``; either way a warning names the copy, the key and the cause."""
        if not isinstance(key_arn, str) or not key_arn:
            return None
        recorded = known or {}
        previous = recorded.get("kms_key_state") if recorded.get("kms_key_id") == key_arn else None
        context = ErrorContext(operation="DescribeKey", region=region, backup_id=backup_id, kms_key_id=key_arn)
        try:
            metadata = self.gateway.describe_key(region, key_arn, Deadline(KMS_LOOKUP_SECONDS), context)
        except EndpointConfigError:
            raise
        except BackupCopyError as err:  # KMS cannot tell; a bug in our code propagates
            return _unknown_key_state(region, backup_id, key_arn, previous, err)
        state = metadata.get("KeyState")
        if not state:
            return _unknown_key_state(region, backup_id, key_arn, previous, "KMS returned no KeyState")
        return str(state)


def _unknown_key_state(region: str, backup_id: str, key_arn: str, previous: object, cause: object) -> str:
    urn = current_urn()
    name = f" (resource '{urn.rsplit('::', 1)[-1]}')" if urn else ""
    if known_unusable(previous):
        kept = f"the state recorded before, {previous}, is kept: `pulumi up` fails until the key is usable"
        state = str(previous)
    else:
        kept = (
            f"kms_key_state is recorded as '{KMS_KEY_UNKNOWN}', so whether the copy can be restored is not "
            "known; `pulumi refresh` asks KMS again"
        )
        state = KMS_KEY_UNKNOWN
    pulumi.log.warn(
        f"could not read the KMS key state of copy {backup_id}{name} in '{region}': {cause} The key is "
        f"{key_arn}; {kept}."
    )
    return state


def require_usable_key(region: str, backup_id: str, key_arn: object, state: str | None) -> None:
    """Raise KmsKeyError when the copy's key is known to be unusable: the copy cannot be restored."""
    if not known_unusable(state):
        return
    fix = f"enable it (`aws kms enable-key --key-id {key_arn} --region {region}`)"
    if state == "PendingDeletion":
        fix = f"cancel its deletion (`aws kms cancel-key-deletion --key-id {key_arn} --region {region}`), then " + fix
    raise KmsKeyError(
        f"the KMS key {key_arn} that encrypts copy {backup_id} in '{region}' is {state}: the copy cannot be "
        f"restored while it is. To keep this DR copy usable, {fix} and re-run `pulumi up`; or set "
        "kms_key_id to another key to make a new copy.",
        operation="DescribeKey",
        region=region,
        backup_id=backup_id,
    )
