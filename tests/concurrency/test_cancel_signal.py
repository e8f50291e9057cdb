"""In-process: the cancel signal ends the provider's sleeps and slot waits, and ``serving`` adapts a gRPC
server built as the SDK builds its own, or changes nothing and says so."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2_grpc

from pulumi_fsx_copy.aws.backup import Backup
from pulumi_fsx_copy.aws.slots import CopySlots
from pulumi_fsx_copy.engine import serving
from pulumi_fsx_copy.engine.waiting import Backoff, CancelSignal, Deadline, PollPolicy, WaitCancelled

HANG_SECONDS = 60.0


def _raised_when_cancelled(wait: Callable[[], object], signal: CancelSignal) -> BaseException | None:
    """Run ``wait`` in a thread, cancel while it waits, and return what it raised (None: it returned)."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            wait()
        except BaseException as error:
            raised.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(0.2)  # let it start waiting (if it has not, it must still see the signal)
    signal.set()
    thread.join(HANG_SECONDS)
    assert not thread.is_alive(), "the wait did not end on cancel"
    return raised[0] if raised else None


def test_a_deadline_sleep_ends_when_the_engine_cancels() -> None:
    signal = CancelSignal()
    error = _raised_when_cancelled(lambda: Deadline(3600, cancel=signal).sleep(3600), signal)
    assert isinstance(error, WaitCancelled) and "goes on there" in str(error)
    with pytest.raises(WaitCancelled):
        Deadline(3600, cancel=signal).sleep(0)


def test_a_slot_wait_ends_when_the_engine_cancels() -> None:
    signal = CancelSignal()
    slots = CopySlots(PollPolicy(), Backoff(), cancel=signal)

    def lister() -> list[Backup]:
        answer = {"BackupId": "backup-1", "SourceBackupId": "backup-0", "Lifecycle": "COPYING", "ProgressPercent": 1}
        return [Backup.from_aws(answer)]

    error = _raised_when_cancelled(
        lambda: slots.wait_for_slot("us-west-2", 0, lister, Deadline(3600, cancel=signal)), signal
    )
    assert isinstance(error, WaitCancelled)


class _Provider(provider_pb2_grpc.ResourceProviderServicer):  # type: ignore[misc]
    """Answers Cancel as the SDK's servicer does, and records that it ran."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()

    def Cancel(self, request: empty_pb2.Empty, context: grpc.ServicerContext) -> empty_pb2.Empty:
        self.cancelled.set()
        return empty_pb2.Empty()


def test_apply_widens_the_pool_and_hears_cancel_on_a_server_built_like_the_sdks() -> None:
    signal = CancelSignal()
    servicer = _Provider()
    pool = ThreadPoolExecutor(max_workers=4)
    server = grpc.server(pool)  # held in a local of the main thread's frame, as in the SDK's main()
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        applied = pool.submit(serving.apply, signal).result(timeout=HANG_SECONDS)
        assert applied == serving.Serving(workers=serving.MAX_WORKERS, cancel_heard=True, diagnosed=True)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            provider_pb2_grpc.ResourceProviderStub(channel).Cancel(empty_pb2.Empty(), timeout=HANG_SECONDS)
        assert signal.is_set()
        assert servicer.cancelled.is_set(), "the SDK's own Cancel handler was not run"
    finally:
        server.stop(0)


def test_apply_changes_nothing_and_says_so_on_a_thread_no_server_runs() -> None:
    signal = CancelSignal()
    applied = serving.apply(signal)
    assert applied.workers is None and not applied.cancel_heard
    assert len(applied.problems) == 1 and "4 engine calls at a time" in applied.problems[0]


def test_install_is_a_no_op_outside_the_dynamic_provider_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert serving.install(CancelSignal()).workers is None
    assert capsys.readouterr().err == ""


def test_a_provider_whose_engine_is_gone_ends_its_waits_and_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A killed `pulumi up` leaves its provider process behind: once the engine's port refuses connections,
    every wait ends as on Cancel (no copy is claimed by an orphan) and the process exits."""
    monkeypatch.setattr(serving, "ENGINE_CHECK_SECONDS", 0.05)
    engine = socket.create_server(("127.0.0.1", 0))
    address = f"127.0.0.1:{engine.getsockname()[1]}"
    signal = CancelSignal()
    exits: list[int] = []
    watcher = threading.Thread(target=serving.watch_engine, args=(address, signal, exits.append))
    watcher.start()
    time.sleep(0.5)
    assert not signal.is_set() and exits == [], "a live engine must not be taken for gone"
    engine.close()
    watcher.join(10)
    assert signal.is_set() and exits == [0]
