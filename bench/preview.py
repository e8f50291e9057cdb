"""Figure 3: the cost of a preview -- Check and Diff for a stack of 100 unchanged copies, over gRPC; and what one
warm Check and Diff of BackupCopy costs beside the same calls answered by the no-op provider."""

from __future__ import annotations

import http.server
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .common import DR_REGION, Result, copy_inputs, emulator_server, provider_env

RESOURCES = 100
LATENCY_CALLS = 300


class _CountingKms(http.server.BaseHTTPRequestHandler):
    count = 0

    def do_POST(self) -> None:
        type(self).count += 1
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def run(results: list[Result], *, quick: bool) -> None:
    from devkit.driver import ProviderProcess
    from pulumi_fsx_copy.testing import managed_key_arn  # noqa: F401  (the emulator makes it on demand)

    kms_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingKms)
    threading.Thread(target=kms_server.serve_forever, daemon=True).start()
    kms_url = f"http://127.0.0.1:{kms_server.server_address[1]}"
    try:
        with emulator_server() as server:
            emulator = server.emulator
            env = {**provider_env(server.url), "AWS_ENDPOINT_URL_KMS": kms_url}
            key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
            key_arn = f"arn:aws:kms:{DR_REGION}:123456789012:key/{key_id}"
            managed = f"arn:aws:kms:{DR_REGION}:123456789012:key/0000abcd-12ab-34cd-56ef-1234567890ab"
            stack = []
            for i in range(RESOURCES):
                kms = [None, key_arn, key_id, None][i % 4]
                news = copy_inputs("backup-0123456789abcdef0", f"r{i}", kms_key_id=kms, tags={"n": str(i)})
                olds = {k: v for k, v in news.items() if k != "__provider"}
                olds.update(
                    backup_id=f"backup-{i:017x}",
                    arn=f"arn:aws:fsx:{DR_REGION}:123456789012:backup/backup-{i:017x}",
                    lifecycle="AVAILABLE",
                    progress_percent=100,
                    tags_all={"n": str(i)},
                    kms_key_id=key_arn if kms else managed,
                    kms_key_id_requested=key_arn if kms else None,
                    copy_tags=False,
                    wait_for_available=True,
                    owner_id="123456789012",
                    creation_time="2024-01-01T00:00:00Z",
                )
                stack.append((f"r{i}", news, olds))
            with ProviderProcess(env=env, project="bench", stack="stack") as process:
                process.configure({"aws:region": DR_REGION})
                emulator.reset_calls()
                _CountingKms.count = 0

                def preview(item: tuple[str, dict[str, Any], dict[str, Any]]) -> str:
                    name, news, olds = item
                    checked = process.check(name, olds, news, preview=True)
                    return process.diff(
                        name, olds["backup_id"], olds, checked.inputs, old_inputs=news, preview=True
                    ).changes

                start = time.monotonic()
                changes = [preview(item) for item in stack]
                sequential = time.monotonic() - start
                start = time.monotonic()
                with ThreadPoolExecutor(4) as pool:
                    list(pool.map(preview, stack))
                parallel = time.monotonic() - start
                fsx_calls = emulator.calls()
                kms_calls = _CountingKms.count
    finally:
        kms_server.shutdown()
    section = "3 preview"
    results.append(
        Result(
            section,
            "FSx calls for Check+Diff of 100 copies",
            fsx_calls,
            "calls",
            "0",
            fsx_calls == 0,
            note="run twice (sequential and 4 at a time)",
        )
    )
    results.append(
        Result(
            section,
            "KMS calls for Check+Diff of 100 copies",
            kms_calls,
            "calls",
            "0",
            kms_calls == 0,
            note="keys by ARN, by ID of that ARN, by none; offline comparison decides all",
        )
    )
    results.append(
        Result(
            section,
            "diffs showing a change (none expected)",
            changes.count("some"),
            "resources",
            "0",
            changes.count("some") == 0,
        )
    )
    results.append(Result(section, "wall time, 100 x (Check+Diff), one at a time", sequential, "s"))
    results.append(Result(section, "wall time, 100 x (Check+Diff), 4 at a time", parallel, "s"))
    _call_latencies(results, section, calls=50 if quick else LATENCY_CALLS)


def _call_latencies(results: list[Result], section: str, *, calls: int) -> None:
    """Median latency of a warm Check and Diff of one unchanged copy over gRPC (the driver's own marshalling
    included), BackupCopyProvider against the no-op provider of the CLI benchmark given the same properties:
    the difference is what the provider's own logic adds to each call of a preview."""
    from bench.noop import NoopProvider
    from devkit.driver import ProviderProcess, provider_input
    from pulumi_fsx_copy import BackupCopyProvider

    medians: dict[str, tuple[float, float]] = {}
    with emulator_server() as server:
        for label, provider in (("BackupCopy", BackupCopyProvider()), ("no-op", NoopProvider())):
            news = copy_inputs("backup-0123456789abcdef0", "r", __provider=provider_input(provider))
            olds = {k: v for k, v in news.items() if k != "__provider"}
            olds.update(backup_id="backup-00000000000000001", lifecycle="AVAILABLE", progress_percent=100, tags_all={})
            with ProviderProcess(env=provider_env(server.url), project="bench", stack="stack") as process:
                process.configure({"aws:region": DR_REGION})
                process.check("r", olds, news, preview=True)  # untimed: the first call imports and configures
                checks, diffs = [], []
                for _ in range(calls):
                    started = time.perf_counter()
                    checked = process.check("r", olds, news, preview=True).inputs
                    checks.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    process.diff("r", olds["backup_id"], olds, checked, old_inputs=news, preview=True)
                    diffs.append(time.perf_counter() - started)
            medians[label] = (statistics.median(checks), statistics.median(diffs))
    for index, call in enumerate(("Check", "Diff")):
        ours, noop = medians["BackupCopy"][index] * 1000, medians["no-op"][index] * 1000
        results.append(
            Result(
                section,
                f"one warm {call} over gRPC: BackupCopy minus the no-op provider",
                ours - noop,
                "ms",
                note=f"median of {calls}: {ours:.3f} ms against {noop:.3f} ms",
            )
        )
