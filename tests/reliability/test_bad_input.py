"""Arbitrary property bags through BackupCopyProvider.check and through the provider process's gRPC Check:
never an exception, every failure names an input, and the process keeps answering."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from devkit.driver import ProviderError, ProviderProcess
from pulumi_fsx_copy import BackupCopyProvider
from pulumi_fsx_copy.rules.schema import INPUT_NAMES, INPUT_ORDER, OUTPUT_NAMES
from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from tests.support.reliability import DR_REGION, Cases, inputs, start_provider

pytestmark = pytest.mark.scenario(
    "5",
    "Bad input",
    "hypothesis-generated property bags (wrong types, None, unknowns, unicode, huge strings, nested junk, NaN) "
    "through BackupCopyProvider.check in-process and through gRPC Check of one provider process: no exception, "
    "no crash; every failure names an input the bag has (or the required source_backup_id / region) and says "
    "what is wrong in its own words; the process still answers a good bag afterwards",
)

IN_PROCESS_EXAMPLES = 300
GRPC_EXAMPLES = 150
BACKUP = "backup-0123456789abcdef0"

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.text(min_size=1000, max_size=5000)
    | st.just(UNKNOWN)
    | st.sampled_from(
        [
            "us-west-2",
            "us-wst-2",
            "cn-north-1",
            BACKUP,
            "alias/aws/fsx",
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "aws:reserved",
            "🙂",
            "x" * 200_000,
        ]
    )
)
_junk = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=10,
)
_names = st.sampled_from(sorted(INPUT_NAMES | {"__resource_identity", "resource_identity"})) | st.text(
    min_size=1, max_size=12
)
_bags = st.dictionaries(_names.filter(lambda name: name != "__provider"), _junk, max_size=12)


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _in_process(value: Any) -> Any:
    """Unknowns as a program's preview hands them to the provider in-process."""
    if isinstance(value, str) and value == UNKNOWN:
        return Unknown()
    if isinstance(value, dict):
        return {k: _in_process(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_in_process(v) for v in value]
    return value


def _input_of(prop: str, reason: str) -> str:
    """The input a failure is about: a failure of ``tags`` has no property (so the engine prints no tag value)
    and a reason starting ``tags:``."""
    return "tags" if prop == "" and reason.startswith("tags: ") else prop


def _assert_failures_name_inputs(bag: dict[str, Any], raw: list[tuple[str, str]]) -> None:
    failures = [(_input_of(prop, reason), reason) for prop, reason in raw]
    for prop, reason in failures:
        assert prop in INPUT_NAMES, f"failure names {prop!r}, not an input"
        assert prop in bag or prop in ("source_backup_id", "region"), f"failure names {prop!r}, absent from the bag"
        assert isinstance(reason, str) and reason.strip(), f"empty reason for {prop}"
        word = "tag" if prop == "tags" else prop
        assert word in reason, f"the reason for {prop} does not name it: {reason!r}"
        assert len(reason) < 2000, f"the reason for {prop} is {len(reason)} characters"
    assert len({prop for prop, _ in failures}) == len(failures), "one property failed twice"


@pytest.fixture
def provider(aws_test_env: None) -> BackupCopyProvider:
    provider = BackupCopyProvider()
    provider.configure(ConfigureRequest(Config({"aws:region": DR_REGION}, "project")))
    return provider


def test_check_in_process_never_raises(provider: BackupCopyProvider, cases: Cases) -> None:
    """BackupCopyProvider.check on arbitrary bags: returns, and each failure names an input."""

    @_settings(IN_PROCESS_EXAMPLES)
    @given(bag=_bags)
    def check(bag: dict[str, Any]) -> None:
        cases.add()
        result = provider.check({}, _in_process(bag))
        failures = [(f.property, f.reason) for f in result.failures]
        _assert_failures_name_inputs(bag, failures)
        assert isinstance(result.inputs, dict)

    check()


@pytest.fixture(scope="module")
def grpc_provider(fsx_server: EmulatorServer) -> Iterator[ProviderProcess]:
    process = start_provider(fsx_server.url)
    try:
        yield process
    finally:
        process.stop()


def test_grpc_check_never_crashes_the_process(grpc_provider: ProviderProcess, cases: Cases) -> None:
    """150 arbitrary bags (with the engine's __provider) through gRPC Check, preview and not: every call is
    answered, failures name inputs; then the same process checks a good bag clean."""
    provider_ref = inputs(BACKUP)["__provider"]

    @_settings(GRPC_EXAMPLES)
    @given(bag=_bags, preview=st.booleans())
    def check(bag: dict[str, Any], preview: bool) -> None:
        cases.add()
        outcome = grpc_provider.check("fuzzed", {}, {**bag, "__provider": provider_ref}, preview=preview)
        sent = bag if preview else {k: v for k, v in bag.items() if not (isinstance(v, str) and v == UNKNOWN)}
        _assert_failures_name_inputs(sent, outcome.failures)

    check()
    good = grpc_provider.check("good", {}, inputs(BACKUP))
    assert good.failures == [] and good.inputs["source_backup_id"] == BACKUP
    assert "Traceback" not in grpc_provider.stderr_text


def test_nan_and_infinite_timeouts_are_refused(provider: BackupCopyProvider) -> None:
    """wait_timeout_minutes NaN, inf, 0, negative: refused by check, naming the input (never a hang or crash)."""
    for value in (math.nan, math.inf, -math.inf, 0, -1, 10**9):
        result = provider.check({}, {"source_backup_id": BACKUP, "wait_timeout_minutes": value})
        assert [f.property for f in result.failures] == ["wait_timeout_minutes"], value


def _get_props() -> dict[str, Any]:
    """What BackupCopy.get registers: every input and output None, and the provider."""
    return {**dict.fromkeys((*INPUT_ORDER, *OUTPUT_NAMES)), "__provider": inputs(BACKUP)["__provider"]}


def test_get_through_the_provider_process(provider_factory: Any, fsx_remote: RemoteEmulator) -> None:
    """BackupCopy.get as the engine sends it (Read with no outputs, only the registered inputs): with no Region
    configured, a RegionError saying how to set one; a malformed ID, an InvalidInputError before any AWS call;
    a copy that is not there, a CopyNotFoundError naming the Region it looked in."""
    no_region = provider_factory(config={"dr:unrelated": "1"}, AWS_REGION="", AWS_DEFAULT_REGION="")
    with pytest.raises(ProviderError) as caught:
        no_region.read("adopted", BACKUP, {}, inputs=_get_props())
    assert "RegionError" in caught.value.last_line and "aws:region" in caught.value.last_line
    assert "AWS_REGION" in caught.value.last_line

    process = provider_factory()
    with pytest.raises(ProviderError) as caught:
        process.read("adopted", "fs-0123456789abcdef0", {}, inputs=_get_props())
    assert "InvalidInputError" in caught.value.last_line and "BackupCopy.get" in caught.value.last_line
    assert fsx_remote.calls() == 0

    with pytest.raises(ProviderError) as caught:
        process.read("adopted", BACKUP, {}, inputs=_get_props())
    assert "CopyNotFoundError" in caught.value.last_line and DR_REGION in caught.value.last_line
