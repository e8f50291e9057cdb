"""Every error AWS can answer, at every step, through the real provider process: recovered or mapped, and
afterwards every copy in the destination is one the state knows (nothing leaked, no FAILED copy left)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devkit.driver import ProviderError, ProviderProcess
from pulumi_fsx_copy import EndpointUnreachableError
from pulumi_fsx_copy.aws.gateway import MAX_TRANSIENT_RETRIES
from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from tests.support.reliability import (
    DR_REGION,
    NETWORK_KINDS,
    SOURCE_REGION,
    Cases,
    Ledger,
    api_codes,
    assert_actionable,
    checked,
    error_class,
    inputs,
    live_copy_ids,
    rule,
    start_provider,
    tags_of,
)

pytestmark = [
    pytest.mark.fsx_source_regions(SOURCE_REGION, tags={"team": "storage"}),
    pytest.mark.scenario(
        "1",
        "Fault matrix",
        "every error code botocore lists for CopyBackup, DescribeBackups (create's listing of the Region), "
        "TagResource (create's claim of the copy, its last step), DeleteBackup and UntagResource, plus "
        "ThrottlingException, dropped connections, lost answers, read timeouts and a closed port: retryable ones "
        "recover; the others fail with their mapped "
        "BackupCopyError naming the backup and Regions; after each case the destination holds exactly the copies "
        "the state knows (an orphan only when the error names it, and a re-run adopts it), no FAILED copy",
    ),
]

READ_TIMEOUT = "1"
DELAY_SECONDS = 1.5
EXTRA_CODES = ("ThrottlingException",)
COPY_SECONDS = 0.3


@pytest.fixture(scope="module")
def matrix_provider(fsx_server: EmulatorServer) -> Iterator[ProviderProcess]:
    """One provider process for the matrix; its clients time out reading after 2 s (for ``delay``)."""
    process = start_provider(fsx_server.url, PFC_TEST_READ_TIMEOUT=READ_TIMEOUT, PULUMI_FSX_COPY_TIME_SCALE="0.005")
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def engine(matrix_provider: ProviderProcess, fsx_remote: RemoteEmulator) -> ProviderProcess:
    fsx_remote.configure(copy_seconds=COPY_SECONDS)
    return matrix_provider


def _cases(operation: str) -> list[tuple[str, str]]:
    """(kind, code) pairs: every API error code, the extra codes, and the network faults."""
    errors = [("error", code) for code in [*api_codes(operation), *EXTRA_CODES]]
    return [*errors, *(("network", kind) for kind in NETWORK_KINDS)]


def _inject(emulator: RemoteEmulator, operation: str, kind: str, code: str, *, count: int) -> None:
    if kind == "error":
        emulator.fail_next(operation, code, count=count, message=f"injected {code}", region=None)
    else:
        emulator.break_next(operation, code, count=count, seconds=DELAY_SECONDS)


def _retryable(operation: str, kind: str, code: str) -> bool:
    return kind == "network" or rule(operation, code).retryable


def _create(engine: ProviderProcess, news: dict[str, Any], ledger: Ledger) -> tuple[str, dict[str, Any]]:
    backup_id, outs = engine.create("dr-copy", news)
    ledger.created(DR_REGION, backup_id)
    return backup_id, outs


def _rerun_adopts(
    engine: ProviderProcess, news: dict[str, Any], ledger: Ledger, orphans: set[str], error: ProviderError
) -> str:
    """The user's re-run of `pulumi up` after a failed create, as the engine makes it: an Update of the copy the
    failed create recorded (``ErrorResourceInitFailed``), else a new Create, which adopts the orphan; nothing
    else is left."""
    recorded = error.init_failed
    if recorded is not None:
        outs = engine.update("dr-copy", recorded.id, recorded.outputs, news)
        backup_id = str(outs["backup_id"])
        ledger.created(DR_REGION, backup_id)
    else:
        backup_id, outs = _create(engine, news, ledger)
    assert outs["lifecycle"] == "AVAILABLE"
    if orphans:
        assert orphans == {backup_id}, "the re-run made another copy instead of resuming the one left"
    ledger.assert_no_leak()
    assert live_copy_ids(DR_REGION) == {backup_id}
    return backup_id


def _fails_or_recovers(
    engine: ProviderProcess,
    remote: RemoteEmulator,
    ledger: Ledger,
    news: dict[str, Any],
    operation: str,
    kind: str,
    code: str,
    names: list[str],
    cases: Cases,
) -> None:
    """Create with the fault injected; check recovery or the mapped error, then the destination."""
    retryable = _retryable(operation, kind, code)
    _inject(remote, operation, kind, code, count=2 if retryable else 1)
    try:
        backup_id, outs = _create(engine, news, ledger)
    except ProviderError as error:
        assert not retryable, f"{kind} {code} during {operation} was not recovered: {error.last_line}"
        assert_actionable(error, _expected(operation, code, news), names=names)
        orphans = ledger.assert_no_leak(named_in=error.last_line)
        remote.reset_calls()
        _rerun_adopts(engine, news, ledger, orphans, error)
        left = "copy left named, re-run adopted it" if orphans else "nothing left"
        cases.note(f"{error_class(error)}: {left}")
        return
    assert retryable, f"{kind} {code} during {operation} was ignored"
    cases.note("recovered")
    assert outs["lifecycle"] == "AVAILABLE"
    ledger.assert_no_leak()
    assert live_copy_ids(DR_REGION) == {backup_id}


def _expected(operation: str, code: str, news: dict[str, Any]) -> type[Exception]:
    if operation == "DescribeBackups" and code in ("BackupNotFound", "FileSystemNotFound", "VolumeNotFound"):
        # A copy the provider just started is reported missing: not an error the user can act on.
        raise AssertionError(f"a spurious {code} during the wait must be confirmed, not reported")
    return rule(operation, code).error


@pytest.mark.parametrize(("kind", "code"), _cases("CopyBackup"))
def test_copy_backup_faults(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger, cases: Cases, kind: str, code: str
) -> None:
    """A fault answering CopyBackup: recovered (retryable, network) or mapped; no copy leaked, none doubled."""
    news = checked(engine, inputs(source))
    _fails_or_recovers(
        engine, fsx_remote, ledger, news, "CopyBackup", kind, code, [source, SOURCE_REGION, DR_REGION], cases
    )


@pytest.mark.parametrize(("kind", "code"), _cases("DescribeBackups"))
def test_wait_describe_faults(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger, cases: Cases, kind: str, code: str
) -> None:
    """A fault answering DescribeBackups (create's listing of the Region, the first such call): recovered or
    mapped; nothing leaked."""
    news = checked(engine, inputs(source, tags=None))
    if code in ("BackupNotFound", "FileSystemNotFound", "VolumeNotFound"):
        # A listing names no backup: one went away while it was listed; listed again, the create goes on.
        fsx_remote.fail_next("DescribeBackups", code, count=1)
        backup_id, outs = _create(engine, news, ledger)
        assert outs["lifecycle"] == "AVAILABLE"
        ledger.assert_no_leak()
        assert live_copy_ids(DR_REGION) == {backup_id}
        cases.note("recovered (listed again)")
        return
    _fails_or_recovers(engine, fsx_remote, ledger, news, "DescribeBackups", kind, code, [DR_REGION], cases)


@pytest.mark.parametrize(("kind", "code"), _cases("TagResource"))
def test_tag_right_after_copy_started_faults(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger, cases: Cases, kind: str, code: str
) -> None:
    """A fault answering TagResource (create's last step, which claims the copy): recovered or mapped; the
    copy is kept and named for the re-run, which adopts it and tags it."""
    news = checked(engine, inputs(source, tags={"purpose": "dr", "tier": "gold"}))
    _fails_or_recovers(engine, fsx_remote, ledger, news, "TagResource", kind, code, [DR_REGION], cases)
    (backup_id,) = live_copy_ids(DR_REGION)
    assert tags_of(DR_REGION, backup_id) == {"purpose": "dr", "tier": "gold"}


@pytest.mark.parametrize(("kind", "code"), _cases("DeleteBackup"))
def test_delete_faults(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger, cases: Cases, kind: str, code: str
) -> None:
    """A fault answering DeleteBackup: busy/transient ones recovered; the others mapped, the copy kept and
    still known; a spurious BackupNotFound never leaves a copy behind a successful destroy."""
    news = checked(engine, inputs(source))
    backup_id, outs = _create(engine, news, ledger)
    retryable = _retryable("DeleteBackup", kind, code) or code == "BackupNotFound"
    _inject(fsx_remote, "DeleteBackup", kind, code, count=2 if retryable else 1)
    try:
        engine.delete("dr-copy", backup_id, outs, old_inputs=news)
    except ProviderError as error:
        assert not retryable, f"{kind} {code} during DeleteBackup was not recovered: {error.last_line}"
        assert_actionable(error, rule("DeleteBackup", code).error, names=[backup_id, DR_REGION])
        ledger.assert_no_leak()  # the delete failed: the state still holds the copy, and it exists
        engine.delete("dr-copy", backup_id, outs, old_inputs=news)
        cases.note(f"{error_class(error)}: copy kept in the state, next destroy deleted it")
    else:
        assert retryable, f"{kind} {code} during DeleteBackup was ignored"
        cases.note("recovered")
    ledger.deleted(DR_REGION, backup_id)
    ledger.assert_no_leak()
    assert live_copy_ids(DR_REGION) == set()


@pytest.mark.parametrize(("kind", "code"), _cases("UntagResource"))
def test_untag_faults(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger, cases: Cases, kind: str, code: str
) -> None:
    """A fault answering UntagResource during an update: recovered or mapped; the copy is kept either way,
    and the next update converges on the declared tags."""
    olds = checked(engine, inputs(source, tags={"purpose": "dr", "tier": "gold"}))
    backup_id, outs = _create(engine, olds, ledger)
    news = checked(engine, inputs(source, tags={"purpose": "dr"}))
    _inject(fsx_remote, "UntagResource", kind, code, count=2 if _retryable("UntagResource", kind, code) else 1)
    try:
        outs = engine.update("dr-copy", backup_id, outs, news, old_inputs=olds)
    except ProviderError as error:
        assert not _retryable("UntagResource", kind, code), error.last_line
        assert_actionable(error, rule("UntagResource", code).error, names=[backup_id, DR_REGION])
        ledger.assert_no_leak()
        outs = engine.update("dr-copy", backup_id, outs, news, old_inputs=olds)
        cases.note(f"{error_class(error)}: next update converged")
    else:
        cases.note("recovered")
    assert outs["tags"] == {"purpose": "dr"}
    assert tags_of(DR_REGION, backup_id) == {"purpose": "dr"}
    ledger.assert_no_leak()


@pytest.mark.parametrize("operation", ["CopyBackup", "DescribeBackups", "TagResource"])
@pytest.mark.parametrize("fault", ["ThrottlingException", "InternalServerError", "drop", "lose_response"])
def test_persistent_transient_faults(
    engine: ProviderProcess,
    fsx_remote: RemoteEmulator,
    source: str,
    ledger: Ledger,
    cases: Cases,
    operation: str,
    fault: str,
) -> None:
    """A transient fault that outlasts the provider's retries: it gives up with its mapped class, leaves no
    copy it does not name, and the user's re-run (once AWS answers again) adopts what it left."""
    # Copies end long before the provider gives up: whatever the tagging left is AVAILABLE (a fixed outcome
    # per case, so the report does not churn).
    fsx_remote.configure(copy_seconds=0.05)
    news = checked(engine, inputs(source))
    kind = "error" if fault[0].isupper() else "network"
    # Exactly as many faults as the provider makes attempts: the re-run meets a healthy AWS.
    _inject(fsx_remote, operation, kind, fault, count=MAX_TRANSIENT_RETRIES + 1)
    if operation == "TagResource" and fault == "lose_response":
        # The claim (create's last TagResource) landed each time, only its answers were lost: the provider
        # describes the copy, sees the claim, and the create succeeds with the one copy.
        backup_id, outs = _create(engine, news, ledger)
        assert outs["lifecycle"] == "AVAILABLE" and live_copy_ids(DR_REGION) == {backup_id}
        ledger.assert_no_leak()
        cases.note("claim landed, answers lost: the create checked and succeeded")
        return
    with pytest.raises(ProviderError) as caught:
        _create(engine, news, ledger)
    expected = EndpointUnreachableError if kind == "network" else rule(operation, fault).error
    assert error_class(caught.value) == expected.__name__, caught.value.last_line
    assert f"after {MAX_TRANSIENT_RETRIES} retries" in caught.value.last_line
    assert DR_REGION in caught.value.last_line and "re-run" in caught.value.last_line.lower()
    if operation == "CopyBackup" and fault == "lose_response":
        # Every CopyBackup reached AWS and no answer came back: one copy exists (same token each time) whose ID
        # the provider never learned; its ownership tags (unrecorded) are what let the re-run find it.
        orphans = live_copy_ids(DR_REGION)
        assert len(orphans) == 1
    else:
        orphans = ledger.assert_no_leak(named_in=caught.value.last_line)
    _rerun_adopts(engine, news, ledger, orphans, caught.value)
    left = "copy left, re-run adopted it" if orphans else "nothing left"
    cases.note(f"{error_class(caught.value)} after {MAX_TRANSIENT_RETRIES} retries: {left}")


def test_closed_port(provider_factory: Any, fsx_remote: RemoteEmulator, source: str, ledger: Ledger) -> None:
    """An endpoint nobody listens on: EndpointUnreachableError after the retries, naming the Region and what
    to check; nothing was created."""
    engine = provider_factory(AWS_ENDPOINT_URL="http://127.0.0.1:9")
    news = checked(engine, inputs(source))
    with pytest.raises(ProviderError) as caught:
        engine.create("dr-copy", news)
    assert_actionable(caught.value, EndpointUnreachableError, names=[DR_REGION, "AWS_ENDPOINT_URL"])
    ledger.assert_no_leak()


def test_busy_delete_recovers_while_the_copy_is_in_progress(
    engine: ProviderProcess, fsx_remote: RemoteEmulator, source: str, ledger: Ledger
) -> None:
    """Destroy right after a create that did not wait: DeleteBackup answers BackupInProgress until the copy
    is done, the provider waits it out, and the copy is gone."""
    fsx_remote.configure(copy_seconds=1.0)
    news = checked(engine, inputs(source, wait_for_available=False))
    backup_id, outs = _create(engine, news, ledger)
    assert outs["lifecycle"] == "COPYING"
    engine.delete("dr-copy", backup_id, outs, old_inputs=news)
    ledger.deleted(DR_REGION, backup_id)
    ledger.assert_no_leak()
    assert fsx_remote.calls("DeleteBackup") >= 2, "the copy was not busy: the test did not test a busy delete"
