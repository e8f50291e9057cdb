"""The KMS bits the emulator adds to moto's KMS: the FSx-managed key as AWS has it, and key Regions.

* ``alias/aws/fsx`` resolves to the FSx-managed key of the account and Region in every KMS operation,
  creating it if FSx has not used it yet (AWS creates an AWS managed key on first use of its alias).
* An AWS managed key cannot be disabled or scheduled for deletion: its key policy does not allow
  ``kms:DisableKey`` or ``kms:ScheduleKeyDeletion`` to the account, so AWS answers ``AccessDeniedException``.
* A key or alias ARN names a key of its own Region and account: from another one the key is not found
  (``NotFoundException``); an ARN that is not a KMS key or alias ARN is ``InvalidArnException``.

:data:`KMS_BACKEND_METHODS` and :data:`KMS_RESPONSE_METHODS` are set on moto's ``KmsBackend`` and
``KmsResponse`` by :func:`~.patch.install` (and taken away again when it is undone).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any, Final

from botocore.session import get_session
from moto.core.common_types import TYPE_RESPONSE
from moto.core.exceptions import JsonRESTError
from moto.core.responses import BaseResponse
from moto.kms.models import KmsBackend
from moto.kms.responses import KmsResponse

from .backups import MANAGED_KEY_ALIAS, managed_key
from .operations import served, unknown_operation

_MOTO_GET_KEY_ID_FROM_ALIAS: Final = KmsBackend.get_key_id_from_alias
_MOTO_DISABLE_KEY: Final = KmsBackend.disable_key
_MOTO_SCHEDULE_KEY_DELETION: Final = KmsBackend.schedule_key_deletion

_KMS_ARN: Final = re.compile(r"arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)/(\S+)")
"""A KMS key or alias ARN: Region, account, kind and the key ID or alias name (without ``alias/``)."""


class KmsError(JsonRESTError):
    """A KMS error as moto serializes it (``__type`` and ``message``), HTTP 400."""

    code = 400

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(error_type, message)


def get_key_id_from_alias(self: KmsBackend, alias_name: str) -> str | None:
    """moto's alias lookup, where ``alias/aws/fsx`` is the FSx-managed key (made on first use)."""
    if alias_name == MANAGED_KEY_ALIAS:
        return str(managed_key(self).id)
    result: str | None = _MOTO_GET_KEY_ID_FROM_ALIAS(self, alias_name)
    return result


def _refuse_aws_managed(backend: KmsBackend, key_id: str, action: str) -> None:
    key = backend.keys.get(backend.get_key_id(key_id))
    if key is not None and key.key_manager == "AWS":
        raise KmsError(
            "AccessDeniedException",
            f"User: arn:aws:iam::{backend.account_id}:root is not authorized to perform: {action} on resource: "
            f"{key.arn} because no resource-based policy allows the {action} action",
        )


def disable_key(self: KmsBackend, key_id: str) -> None:
    """DisableKey, refused for an AWS managed key."""
    _refuse_aws_managed(self, key_id, "kms:DisableKey")
    _MOTO_DISABLE_KEY(self, key_id)


def schedule_key_deletion(self: KmsBackend, key_id: str, pending_window_in_days: int) -> float:
    """ScheduleKeyDeletion, refused for an AWS managed key."""
    _refuse_aws_managed(self, key_id, "kms:ScheduleKeyDeletion")
    result: float = _MOTO_SCHEDULE_KEY_DELETION(self, key_id, pending_window_in_days)
    return result


@cache
def _key_members(operation: str) -> tuple[str, ...]:
    """The members of a KMS operation's input that name a key (shape ``KeyIdType``)."""
    data = get_session().get_service_data("kms")
    definition = data["operations"].get(operation)
    if definition is None or "input" not in definition:
        return ()
    members = data["shapes"][definition["input"]["shape"]].get("members", {})
    return tuple(name for name, member in members.items() if member.get("shape") == "KeyIdType")


def check_key_arns(operation: str, params: dict[str, Any], region: str, account_id: str) -> None:
    """``InvalidArnException`` for a malformed ARN, ``NotFoundException`` for one of another Region or account."""
    for member in _key_members(operation):
        value = params.get(member)
        if not isinstance(value, str) or not value.startswith("arn:"):
            continue
        match = _KMS_ARN.fullmatch(value)
        if match is None:
            raise KmsError("InvalidArnException", f"ARN {value} is not a valid KMS key or alias ARN.")
        arn_region, arn_account, kind, _ = match.groups()
        if (arn_region, arn_account) != (region, account_id):
            if kind == "alias":
                raise KmsError("NotFoundException", f"Alias {value} is not found.")
            raise KmsError("NotFoundException", f"Key '{value}' does not exist")


def call_action(self: KmsResponse) -> TYPE_RESPONSE:
    """Every KMS action: refused if the emulator does not serve it (:func:`~.operations.unknown_operation`),
    key ARNs checked against the Region and account of the request, then moto."""
    operation = self._get_action()
    if not served("kms", operation):
        status, headers, body = unknown_operation("kms", operation)
        headers, body = self._enrich_response({**self.response_headers, **headers}, body)
        return status, headers, body
    try:
        params = json.loads(self.body or "{}")
    except ValueError:
        params = None
    if isinstance(params, dict):
        try:
            check_key_arns(operation, params, self.region, self.current_account)
        except KmsError as err:
            error_headers: dict[str, Any] = {**dict(err.get_headers() or []), "status": err.code}
            status, headers, body = self._transform_response(self.response_headers, (err.description, error_headers))
            headers, body = self._enrich_response(headers, body)
            return status, headers, body
    return BaseResponse.call_action(self)


KMS_BACKEND_METHODS: Final = {
    "get_key_id_from_alias": get_key_id_from_alias,
    "disable_key": disable_key,
    "schedule_key_deletion": schedule_key_deletion,
}
"""What :func:`~.patch.install` sets on moto's ``KmsBackend``."""

KMS_RESPONSE_METHODS: Final = {"call_action": call_action}
"""What :func:`~.patch.install` sets on moto's ``KmsResponse``."""
