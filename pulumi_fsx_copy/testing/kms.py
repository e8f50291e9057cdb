"""The KMS bits the emulator adds to moto's KMS: the FSx-managed key as AWS has it, key Regions, key and alias rules.

``alias/aws/fsx`` resolves to the account's FSx-managed key (made on first use), which the account cannot change;
key states, key and alias ARNs of their own Region and account, and aliases follow KMS's model. Each behaviour and
its test: ``docs/emulator.md``. :data:`KMS_BACKEND_METHODS` and :data:`KMS_RESPONSE_METHODS` are set on moto's
``KmsBackend`` and ``KmsResponse`` by :func:`~.patch.install`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from functools import cache
from typing import Any, Final

from botocore.session import get_session
from moto.core.common_types import TYPE_RESPONSE
from moto.core.responses import BaseResponse
from moto.kms.models import Alias, Key, KmsBackend
from moto.kms.responses import KmsResponse
from moto.kms.utils import RESERVED_ALIASES
from moto.utilities.utils import get_partition

from .backups import MANAGED_KEY_ALIAS, managed_key
from .checks import validate
from .exceptions import FsxError, KmsError
from .models import MODEL
from .operations import served, unknown_operation

_MOTO_GET_KEY_ID_FROM_ALIAS: Final = KmsBackend.get_key_id_from_alias
_MOTO_CREATE_ALIAS: Final = KmsBackend.create_alias
_MOTO_UPDATE_ALIAS: Final = KmsBackend.update_alias
_MOTO_SET_ALIAS: Final = KmsResponse._set_alias
_MOTO_DELETE_ALIAS: Final = KmsResponse.delete_alias

AWS_MANAGED_REFUSES: Final = frozenset(
    {
        "CancelKeyDeletion",
        "DisableKey",
        "DisableKeyRotation",
        "EnableKey",
        "EnableKeyRotation",
        "PutKeyPolicy",
        "ScheduleKeyDeletion",
        "TagResource",
        "UntagResource",
        "UpdateKeyDescription",
    }
)
"""What the account may not do to an AWS managed key (``AccessDeniedException``): its key policy grants the
account kms:Describe*, kms:Get*, kms:List* and kms:RevokeGrant only (TagResource's model text: "you cannot tag
an Amazon Web Services managed key")."""
KEY_STATES_OF: Final = {
    "EnableKey": ("Enabled", "Disabled"),
    "DisableKey": ("Enabled", "Disabled"),
    "ScheduleKeyDeletion": ("Enabled", "Disabled"),
    "CancelKeyDeletion": ("PendingDeletion",),
}
"""The key states each operation accepts ("The KMS key that you use for this operation must be in a compatible
key state", KMS guide, Key states of KMS keys); any other is ``KMSInvalidStateException``."""
DELETION_WINDOW_DAYS: Final = (7, 30)
"""ScheduleKeyDeletion's PendingWindowInDays: "If you include a value, it must be between 7 and 30, inclusive"
(the model's own bounds are 1-365)."""
RESERVED_ALIAS_PREFIX: Final = "alias/aws/"
"""CreateAlias's AliasName: "The alias name cannot begin with alias/aws/. The alias/aws/ prefix is reserved
for Amazon Web Services managed keys"; no alias under it can be made, repointed or deleted."""
_ALIAS_NAME: Final = re.compile(r"alias/[a-zA-Z0-9/_-]+")
"""CreateAlias's AliasName: "must begin with alias/ followed by a name ... It can contain only alphanumeric
characters, forward slashes (/), underscores (_), and dashes (-)" (the model's pattern also allows ``:``)."""
_LIST_LIMIT: Final = (1, 100, 50)
"""ListAliases's Limit: "it must be between 1 and 100, inclusive. If you do not include a value, it defaults
to 50" (the model's own bound is 1000)."""

_KMS_ARN: Final = re.compile(r"arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)/(\S+)")
"""A KMS key or alias ARN: Region, account, kind and the key ID or alias name (without ``alias/``)."""


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


def create_alias(self: KmsBackend, target_key_id: str, alias_name: str) -> Alias:
    """moto's alias creation, dated (ListAliases's ``CreationDate`` and ``LastUpdatedDate``)."""
    alias: Alias = _MOTO_CREATE_ALIAS(self, target_key_id, alias_name)
    now = time.time()
    vars(alias).update(creation_date=now, last_updated_date=now)  # moto's Alias has no dates of its own
    return alias


def update_alias(self: KmsBackend, target_key_id: str, alias_name: str) -> Alias:
    """moto's alias update, dated (``LastUpdatedDate``)."""
    alias: Alias = _MOTO_UPDATE_ALIAS(self, target_key_id, alias_name)
    vars(alias).update(last_updated_date=time.time())
    return alias


def _check_alias_name(alias_name: Any, operation: str) -> str:
    """The alias name, if CreateAlias could have made it and it is not AWS's; else the KMS error."""
    if not isinstance(alias_name, str) or _ALIAS_NAME.fullmatch(alias_name) is None:
        if operation == "CreateAlias":
            raise KmsError(
                "InvalidAliasNameException",
                "AliasName must be alias/ followed by a name of alphanumeric characters, '/', '_' and '-'.",
            )
        raise KmsError("NotFoundException", f"Alias {alias_name} is not found.")
    if alias_name.startswith(RESERVED_ALIAS_PREFIX):
        raise KmsError(
            "NotAuthorizedException",
            f"{alias_name}: the alias/aws/ prefix is reserved for AWS managed keys; {operation} cannot touch it.",
        )
    return alias_name


def _target_key(self: KmsResponse, target_key_id: Any, operation: str) -> Key | None:
    """The key an alias is to point at, if it exists (moto reports one that does not): a customer managed key
    (AWS managed: ``AccessDeniedException``, its key policy grants the account nothing) not pending deletion
    (``KMSInvalidStateException``)."""
    if not isinstance(target_key_id, str):
        return None
    key: Key | None = self.kms_backend.keys.get(self.kms_backend.get_key_id(target_key_id))
    if key is None:
        return None
    _refuse_aws_managed(self.kms_backend, key.id, f"kms:{operation}")
    if key.key_state == "PendingDeletion":
        raise KmsError("KMSInvalidStateException", f"{key.arn} is pending deletion.")
    return key


def _key_kind(key: Key) -> tuple[str, str]:
    """What UpdateAlias keeps: "both symmetric or both asymmetric or both HMAC", "the same key usage"."""
    if key.key_spec == "SYMMETRIC_DEFAULT":
        kind = "symmetric"
    elif key.key_spec.startswith("HMAC_"):
        kind = "HMAC"
    else:
        kind = "asymmetric"
    return kind, str(key.key_usage)


def set_alias(self: KmsResponse, update: bool = False) -> str:
    """CreateAlias and UpdateAlias, with the KMS model's rules on names and targets, then moto's."""
    operation = "UpdateAlias" if update else "CreateAlias"
    alias_name = _check_alias_name(self._get_param("AliasName"), operation)
    key = _target_key(self, self._get_param("TargetKeyId"), operation)
    current_id = self.kms_backend.get_key_id_from_alias(alias_name) if update else None
    current = self.kms_backend.keys.get(current_id or "")
    if key is not None and current is not None and _key_kind(key) != _key_kind(current):
        raise KmsError(
            "ValidationException",
            f"UpdateAlias keeps {alias_name} on a key of the same type and usage ({', '.join(_key_kind(current))}); "
            "delete the alias and create it again to point it at another kind of key.",
        )
    result: str = _MOTO_SET_ALIAS(self, update)
    return result


def delete_alias(self: KmsResponse) -> str:
    """DeleteAlias, refused for an AWS alias (``alias/aws/``), then moto's."""
    _check_alias_name(self._get_param("AliasName"), "DeleteAlias")
    result: str = _MOTO_DELETE_ALIAS(self)
    return result


def list_aliases(self: KmsResponse) -> str:
    """ListAliases as the KMS model has it: every alias of the account and Region, the predefined AWS ones
    (``alias/aws/fsx`` included) without ``TargetKeyId`` until a key stands behind them, ``CreationDate`` and
    ``LastUpdatedDate``; ``KeyId`` a key ID or key ARN; at most ``Limit`` (1-100, default 50) and the
    emulator's ``page_size`` a page, in name order, with ``Truncated`` and ``NextMarker``."""
    backend = self.kms_backend
    key_id = self._get_param("KeyId")
    limit = self._get_param("Limit")
    marker = self._get_param("Marker")
    low, high, default = _LIST_LIMIT
    if limit is not None and not (isinstance(limit, int) and low <= limit <= high):
        raise KmsError("ValidationException", f"Limit must be between {low} and {high}, inclusive.")
    if key_id is not None:
        if not isinstance(key_id, str) or key_id.startswith("alias/") or ":alias/" in key_id:
            raise KmsError("NotFoundException", "ListAliases takes a key ID or key ARN as KeyId, not an alias.")
        key_id = backend.get_key_id(key_id)
        if key_id not in backend.keys:
            raise KmsError("NotFoundException", f"Key '{self._get_param('KeyId')}' does not exist")
    entries: dict[str, dict[str, Any]] = {}
    for alias in backend.list_aliases(key_id=key_id):
        entry: dict[str, Any] = {
            "AliasName": alias.alias_name,
            "AliasArn": alias.alias_arn,
            "TargetKeyId": alias.target_key_id,
        }
        for member, attribute in (("CreationDate", "creation_date"), ("LastUpdatedDate", "last_updated_date")):
            if vars(alias).get(attribute) is not None:
                entry[member] = vars(alias)[attribute]
        entries[alias.alias_name] = entry
    if key_id is None:
        prefix = f"arn:{get_partition(self.region)}:kms:{self.region}:{self.current_account}:"
        for name in (*RESERVED_ALIASES, MANAGED_KEY_ALIAS):
            entries.setdefault(name, {"AliasName": name, "AliasArn": prefix + name})
    names = sorted(entries)
    if marker is not None:
        try:
            after = base64.b64decode(str(marker), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise KmsError("InvalidMarkerException", "The Marker was not issued by ListAliases.") from None
        names = [name for name in names if name > after]
    size = min(limit or default, MODEL.settings.page_size)
    page = names[:size]
    result: dict[str, Any] = {"Aliases": [entries[name] for name in page], "Truncated": len(names) > size}
    if len(names) > size:
        result["NextMarker"] = base64.b64encode(page[-1].encode()).decode()
    return json.dumps(result)


@cache
def _key_members(operation: str) -> tuple[str, ...]:
    """The members of a KMS operation's input that name a key (shape ``KeyIdType``)."""
    data = get_session().get_service_data("kms")
    definition = data["operations"].get(operation)
    if definition is None or "input" not in definition:
        return ()
    members = data["shapes"][definition["input"]["shape"]].get("members", {})
    return tuple(name for name, member in members.items() if member.get("shape") == "KeyIdType")


def check_key_rules(backend: KmsBackend, operation: str, params: dict[str, Any]) -> None:
    """:data:`AWS_MANAGED_REFUSES`, :data:`KEY_STATES_OF` and :data:`DELETION_WINDOW_DAYS` for the key the
    request's ``KeyId`` names (a key moto does not find is left to moto's own answer)."""
    if operation == "ScheduleKeyDeletion":
        window = params.get("PendingWindowInDays")
        low, high = DELETION_WINDOW_DAYS
        if window is not None and not (isinstance(window, int) and low <= window <= high):
            raise KmsError("ValidationException", f"PendingWindowInDays must be between {low} and {high}, inclusive.")
    reference = params.get("KeyId")
    if not isinstance(reference, str) or (operation not in AWS_MANAGED_REFUSES and operation not in KEY_STATES_OF):
        return
    try:
        key: Key | None = backend.keys.get(backend.any_id_to_key_id(reference))
    except (AttributeError, KeyError, TypeError):
        return
    if key is None:
        return
    if operation in AWS_MANAGED_REFUSES:
        _refuse_aws_managed(backend, key.id, f"kms:{operation}")
    allowed = KEY_STATES_OF.get(operation)
    if allowed is not None and key.key_state not in allowed:
        raise KmsError("KMSInvalidStateException", f"{key.arn} is {key.key_state}: {operation} cannot act on it.")


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
    or if its body breaks the KMS model (:func:`~.checks.validate`: ``SerializationException``,
    ``ValidationException``), key ARNs checked against the Region and account of the request, key rules, then
    moto."""
    operation = self._get_action()
    if not served("kms", operation):
        status, headers, body = unknown_operation("kms", operation)
        headers, body = self._enrich_response({**self.response_headers, **headers}, body)
        return status, headers, body
    try:
        try:
            params = json.loads(self.body or "{}")
        except ValueError:
            raise KmsError("SerializationException", "The request body is not valid JSON.") from None
        try:
            validate(operation, params, "kms")
        except FsxError as err:
            raise KmsError(err.code, err.message) from None
        check_key_arns(operation, params, self.region, self.current_account)
        check_key_rules(self.kms_backend, operation, params)
    except KmsError as err:
        error_headers: dict[str, Any] = {**dict(err.get_headers() or []), "status": err.code}
        status, headers, body = self._transform_response(self.response_headers, (err.description, error_headers))
        headers, body = self._enrich_response(headers, body)
        return status, headers, body
    return BaseResponse.call_action(self)


KMS_BACKEND_METHODS: Final = {
    "get_key_id_from_alias": get_key_id_from_alias,
    "create_alias": create_alias,
    "update_alias": update_alias,
}
"""What :func:`~.patch.install` sets on moto's ``KmsBackend``."""

KMS_RESPONSE_METHODS: Final = {
    "call_action": call_action,
    "_set_alias": set_alias,
    "delete_alias": delete_alias,
    "list_aliases": list_aliases,
}
"""What :func:`~.patch.install` sets on moto's ``KmsResponse``."""
