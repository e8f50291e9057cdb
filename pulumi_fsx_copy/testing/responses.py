"""The HTTP/JSON layer the emulator adds to moto's ``FSxResponse`` (:data:`RESPONSE_METHODS`, set by ``install``).

``call_action`` wraps every FSx action: it counts the call, fails it when a fault is due, refuses a request off
botocore's model (:func:`~.checks.validate`) and answers :class:`~.exceptions.FsxError` as AWS's JSON 1.1 errors do
(``__type``, ``Message``, the shape's members, the documented HTTP status). Why not moto's serializer:
``docs/dev/emulator.md``.
"""

from __future__ import annotations

import json
import logging
from email.utils import formatdate
from typing import Any, Final

from botocore.exceptions import ConnectionClosedError, ReadTimeoutError
from botocore.model import NoShapeFoundError, StructureShape
from moto.core.common_types import TYPE_RESPONSE
from moto.core.responses import BaseResponse
from moto.fsx.responses import FSxResponse

from .backups import fsx_backend
from .checks import service_data, service_model, validate
from .counters import COUNTERS
from .exceptions import FsxError
from .faults import FAULTS, Fault, NetworkFault
from .models import MODEL
from .operations import served, unknown_operation

_LOG: Final = logging.getLogger(__name__)

NETWORK_FAULT_KEY: Final = "pulumi_fsx_copy.network_fault"
"""WSGI environ key through which an FSx action asks the server to break its connection."""

_CONTENT_TYPE: Final = "application/x-amz-json-1.1"
_STATUS_OF_COMMON_CODES: Final = {
    "InternalFailure": 500,
    "ServiceUnavailable": 503,
    "ServiceUnavailableException": 503,
    "TooManyRequestsException": 429,
}
"""HTTP status of error codes the FSx model has no shape for (ThrottlingException & co. are 400)."""
_LIMIT_OF_OPERATION: Final = {
    "CopyBackup": "TOTAL_IN_PROGRESS_COPY_BACKUPS",
    "CreateBackup": "TOTAL_USER_INITIATED_BACKUPS",
    "CreateFileSystemFromBackup": "FILE_SYSTEM_COUNT",
    "CreateVolumeFromBackup": "VOLUMES_PER_FILE_SYSTEM",
    "TagResource": "TOTAL_USER_TAGS",
}


def error_shape(code: str) -> StructureShape | None:
    """The FSx model's shape of error ``code``, if it has one."""
    try:
        shape = service_model().shape_for(code)
    except NoShapeFoundError:
        return None
    if isinstance(shape, StructureShape) and shape.metadata.get("exception"):
        return shape
    return None


def http_status(code: str) -> int:
    """The HTTP status AWS answers error ``code`` with: 500 for server faults, 400 for client errors."""
    shape = error_shape(code)
    if shape is None:
        return _STATUS_OF_COMMON_CODES.get(code, 400)
    definition = service_data()["shapes"][shape.name]
    status = definition.get("error", {}).get("httpStatusCode")
    if isinstance(status, int):
        return status
    return 500 if definition.get("fault") else 400


def error_response(error: FsxError) -> TYPE_RESPONSE:
    """``error`` as AWS JSON 1.1 puts it on the wire."""
    shape = error_shape(error.code)
    body: dict[str, Any] = {"__type": error.code, "Message": error.message}
    for name, value in error.fields.items():
        if shape is not None and name in shape.members:
            body[name] = value
    status = http_status(error.code)
    headers = {"Content-Type": _CONTENT_TYPE, "X-Amzn-Errortype": error.code, "status": str(status)}
    return status, headers, json.dumps(body)


def injected_error(fault: Fault, operation: str, params: dict[str, Any]) -> FsxError:
    """The error an injected ``fault`` raises, with the members its shape has filled from the request."""
    shape = error_shape(fault.code)
    members = shape.members if shape is not None else {}
    candidates = {
        "Limit": _LIMIT_OF_OPERATION.get(operation, "TOTAL_USER_INITIATED_BACKUPS"),
        "BackupId": params.get("BackupId")
        or params.get("SourceBackupId")
        or next(iter(params.get("BackupIds") or []), None),
        "Parameter": "ClientRequestToken",
        "ResourceARN": params.get("ResourceARN"),
        "FileSystemId": params.get("FileSystemId"),
    }
    extra = {name: str(value) for name, value in candidates.items() if name in members and value is not None}
    message = fault.message or f"Injected {fault.code} for {operation}."
    return FsxError(fault.code, message, **extra)


def _params(self: FSxResponse) -> dict[str, Any]:
    try:
        params = json.loads(self.body or "{}")
    except ValueError:
        return {}
    return params if isinstance(params, dict) else {}


def _checked_params(self: FSxResponse, operation: str) -> dict[str, Any]:
    """The request's JSON object, refused as AWS refuses it if it is not JSON or breaks the model."""
    try:
        params: Any = json.loads(self.body or "{}")
    except ValueError:
        raise FsxError("SerializationException", "The request body is not valid JSON.") from None
    validate(operation, params)
    result: dict[str, Any] = params
    return result


def _error_answer(self: FSxResponse, error: FsxError) -> TYPE_RESPONSE:
    status, headers, body = error_response(error)
    headers = {**self.response_headers, **headers}
    headers, body = self._enrich_response(headers, body)
    return status, headers, body


def call_action(self: FSxResponse) -> TYPE_RESPONSE:
    """Every FSx action: refuse one the emulator does not serve (:func:`~.operations.unknown_operation`),
    count it (:data:`~.counters.COUNTERS`), fail it if a fault is due (:data:`~.faults.FAULTS`), refuse
    what AWS refuses before acting (:func:`_checked_params`), else let moto dispatch it.  Any exception
    escaping that is answered as AWS answers its own failures: ``InternalServerError`` (500) in JSON.

    A network fault (:meth:`~.faults.Faults.break_next`) is handed to the server through the WSGI
    environ (:data:`NETWORK_FAULT_KEY`), which drops or delays the connection; in-process it becomes the
    botocore exception a client would see.
    """
    operation = self._get_action()
    if not served("fsx", operation):
        status, headers, body = unknown_operation("fsx", operation)
        headers, body = self._enrich_response({**self.response_headers, **headers}, body)
        return status, headers, body
    network = FAULTS.take_network_fault(operation, self.region)
    COUNTERS.record_call(operation, self.region)
    if network is not None and network.kind == "drop":
        return _drop_or_raise(self, network)
    COUNTERS.record_caller(operation, self.region, caller_arn(self))
    try:
        fault = FAULTS.take_fault(operation, self.region)
        if fault is not None and fault.crash:
            raise RuntimeError(f"injected crash of {operation}")
        if fault is not None:
            raise injected_error(fault, operation, _params(self))
        _checked_params(self, operation)
        fsx_backend(self.current_account, self.region)
        response = BaseResponse.call_action(self)
    except FsxError as error:
        response = _error_answer(self, error)
    except Exception:  # a bug (of the emulator or moto): AWS's answer to its own failures, never HTML
        _LOG.exception("FSx %s failed inside the emulator", operation)
        response = _error_answer(self, FsxError("InternalServerError", "An internal error occurred; retry later."))
    status, headers, body = response
    # FSx answers JSON 1.1, errors or not, dated by AWS's clock (``FAULTS.skew_clock`` may set it apart).
    date = formatdate(FAULTS.aws_time(), usegmt=True)
    headers = {name: value for name, value in headers.items() if name.lower() != "date"}
    response = status, {**headers, "Content-Type": _CONTENT_TYPE, "Date": date}, body
    if network is not None:
        return _drop_or_raise(self, network, response)
    return response


def _drop_or_raise(self: FSxResponse, fault: NetworkFault, response: TYPE_RESPONSE | None = None) -> TYPE_RESPONSE:
    """Server mode: mark the environ so the server breaks the connection; in-process: raise as botocore would."""
    environ = getattr(self.normalized_request, "environ", None)
    if self.is_werkzeug_request and isinstance(environ, dict):
        environ[NETWORK_FAULT_KEY] = fault
        return response or (500, {"Content-Type": _CONTENT_TYPE}, "{}")
    endpoint = self.uri
    if fault.kind == "delay":
        raise ReadTimeoutError(endpoint_url=endpoint)
    raise ConnectionClosedError(endpoint_url=endpoint)


def copy_backup(self: FSxResponse) -> str:
    params = _params(self)
    copy = MODEL.copy_backup(
        self.fsx_backend,
        source_backup_id=str(params.get("SourceBackupId")),
        source_region=params.get("SourceRegion"),
        kms_key_id=params.get("KmsKeyId"),
        copy_tags=bool(params.get("CopyTags", False)),
        tags=params.get("Tags"),
        client_request_token=params.get("ClientRequestToken"),
    )
    return json.dumps({"Backup": MODEL.describe(copy)})


def create_backup(self: FSxResponse) -> str:
    params = _params(self)
    backup = MODEL.create_backup(
        self.fsx_backend,
        file_system_id=params.get("FileSystemId"),
        volume_id=params.get("VolumeId"),
        tags=params.get("Tags"),
        client_request_token=params.get("ClientRequestToken"),
    )
    return json.dumps({"Backup": MODEL.describe(backup)})


def delete_file_system(self: FSxResponse) -> str:
    params = _params(self)
    names = ("WindowsConfiguration", "LustreConfiguration", "OpenZFSConfiguration")
    answer = MODEL.delete_file_system(
        self.fsx_backend, str(params.get("FileSystemId")), {name: params.get(name) for name in names}
    )
    return json.dumps(answer)


def create_file_system_from_backup(self: FSxResponse) -> str:
    return json.dumps({"FileSystem": MODEL.create_file_system_from_backup(self.fsx_backend, _params(self))})


def describe_file_systems(self: FSxResponse) -> str:
    params = _params(self)
    file_systems, next_token = MODEL.describe_file_systems(
        self.fsx_backend,
        file_system_ids=params.get("FileSystemIds"),
        max_results=params.get("MaxResults"),
        next_token=params.get("NextToken"),
    )
    return json.dumps(_with_token({"FileSystems": file_systems}, next_token))


def create_volume_from_backup(self: FSxResponse) -> str:
    return json.dumps({"Volume": MODEL.create_volume_from_backup(self.fsx_backend, _params(self))})


def describe_volumes(self: FSxResponse) -> str:
    params = _params(self)
    volumes, next_token = MODEL.describe_volumes(
        self.fsx_backend,
        volume_ids=params.get("VolumeIds"),
        filters=params.get("Filters"),
        max_results=params.get("MaxResults"),
        next_token=params.get("NextToken"),
    )
    return json.dumps(_with_token({"Volumes": volumes}, next_token))


def delete_volume(self: FSxResponse) -> str:
    return json.dumps(MODEL.delete_volume(self.fsx_backend, _params(self)))


def delete_backup(self: FSxResponse) -> str:
    params = _params(self)
    result = MODEL.delete_backup(
        self.fsx_backend, str(params.get("BackupId")), client_request_token=params.get("ClientRequestToken")
    )
    return json.dumps(result)


def describe_backups(self: FSxResponse) -> str:
    params = _params(self)
    backups, next_token = MODEL.describe_backups(
        self.fsx_backend,
        backup_ids=params.get("BackupIds"),
        filters=params.get("Filters"),
        max_results=params.get("MaxResults"),
        next_token=params.get("NextToken"),
    )
    return json.dumps(_with_token({"Backups": backups}, next_token))


def tag_resource(self: FSxResponse) -> str:
    params = _params(self)
    MODEL.tag_resource(self.fsx_backend, str(params.get("ResourceARN")), params.get("Tags") or [])
    return "{}"


def untag_resource(self: FSxResponse) -> str:
    params = _params(self)
    MODEL.untag_resource(self.fsx_backend, str(params.get("ResourceARN")), params.get("TagKeys") or [])
    return "{}"


def list_tags_for_resource(self: FSxResponse) -> str:
    params = _params(self)
    tags, next_token = MODEL.list_tags(
        self.fsx_backend,
        str(params.get("ResourceARN")),
        max_results=params.get("MaxResults"),
        next_token=params.get("NextToken"),
    )
    return json.dumps(_with_token({"Tags": tags}, next_token))


def _with_token(result: dict[str, Any], next_token: str | None) -> dict[str, Any]:
    if next_token:
        result["NextToken"] = next_token
    return result


RESPONSE_METHODS: Final = {
    "call_action": call_action,
    "copy_backup": copy_backup,
    "create_backup": create_backup,
    "delete_backup": delete_backup,
    "delete_file_system": delete_file_system,
    "create_file_system_from_backup": create_file_system_from_backup,
    "describe_file_systems": describe_file_systems,
    "create_volume_from_backup": create_volume_from_backup,
    "describe_volumes": describe_volumes,
    "delete_volume": delete_volume,
    "describe_backups": describe_backups,
    "tag_resource": tag_resource,
    "untag_resource": untag_resource,
    "list_tags_for_resource": list_tags_for_resource,
}
"""What :func:`pulumi_fsx_copy.testing.install` sets on moto's ``FSxResponse``."""


def caller_arn(self: FSxResponse) -> str:
    """Who made the request, as STS GetCallerIdentity would say (an assumed role's session ARN, else moto's
    user), from the request's access key: what :meth:`~.counters.CallCounters.callers` records."""
    from moto.sts.models import sts_backends
    from moto.utilities.utils import get_partition

    backend = sts_backends[self.current_account][get_partition(self.region)]
    return str(backend.get_caller_identity(self.get_access_key(), self.region)[1])
