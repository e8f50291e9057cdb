"""An FSx or KMS operation the emulator does not serve is a clear, non-retryable "not emulated", never an outage.

Source: AWS's JSON protocol answers an operation a service does not know with ``UnknownOperationException``
(HTTP 400); botocore retries only 5xx, throttling and transient codes (``botocore/retries``).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.session import get_session
from moto.fsx.responses import FSxResponse
from moto.kms.responses import KmsResponse

from pulumi_fsx_copy.errors import BackupCopyError, ErrorContext, is_retryable, map_error
from pulumi_fsx_copy.testing.operations import SERVED_OPERATIONS
from pulumi_fsx_copy.testing.responses import RESPONSE_METHODS
from tests.support.emulator import DEST, Aws, raw_call

RETRYING = Config(retries={"mode": "standard", "total_max_attempts": 5}, parameter_validation=False)
"""A client that would retry a transient answer 4 times, and sends requests without their required members."""


def _unserved(service: str) -> list[str]:
    return sorted(set(get_session().get_service_model(service).operation_names) - SERVED_OPERATIONS[service])


@pytest.mark.parametrize("service", ["fsx", "kms"])
def test_every_operation_the_emulator_does_not_serve_is_a_non_retryable_unknown_operation(
    aws: Aws, service: str
) -> None:
    client: Any = boto3.client(service, region_name=DEST, config=RETRYING)
    unserved = _unserved(service)
    assert unserved  # both models have operations the emulator does not serve (FSx: DescribeVolumes, ...)

    for operation in unserved:
        with pytest.raises(ClientError) as info:
            getattr(client, xform_name(operation))()
        response = info.value.response
        assert response["Error"]["Code"] == "UnknownOperationException", operation
        assert f"operation {operation} is not emulated" in response["Error"]["Message"]
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert response["ResponseMetadata"]["RetryAttempts"] == 0, operation  # botocore did not retry it
        mapped = map_error(info.value, ErrorContext(operation, DEST, service=service))
        assert type(mapped) is BackupCopyError  # the provider's generic class, not one of its own
        assert not is_retryable(info.value, operation)


@pytest.mark.parametrize("service", ["fsx", "kms"])
def test_an_operation_no_model_has_is_an_unknown_operation_in_json(aws: Aws, service: str) -> None:
    answer = raw_call(aws, "StartTheCopyMachine", "{}", service=service)

    assert answer.status == 400
    assert answer.json()["__type"] == "UnknownOperationException"


def test_served_operations_still_answer(aws: Aws) -> None:
    assert aws.client("fsx").describe_backups()["Backups"] == []
    assert aws.client("fsx").describe_file_systems()["FileSystems"] == []
    assert aws.client("kms").list_keys()["Keys"] == []


@pytest.mark.parametrize("service", ["fsx", "kms"])
def test_every_served_operation_is_in_the_model_and_has_a_handler(service: str) -> None:
    model = set(get_session().get_service_model(service).operation_names)
    handlers = FSxResponse if service == "fsx" else KmsResponse
    for operation in SERVED_OPERATIONS[service]:
        assert operation in model, operation
        method = xform_name(operation)
        assert method in RESPONSE_METHODS or hasattr(handlers, method), operation


def test_every_operation_the_emulator_handles_is_declared_served() -> None:
    operations = {xform_name(name): name for name in get_session().get_service_model("fsx").operation_names}
    handled = {operations[method] for method in RESPONSE_METHODS if method in operations}
    assert handled <= SERVED_OPERATIONS["fsx"]  # a handler without its line in SERVED_OPERATIONS is never reached
