"""The Region listing before CopyBackup: DescribeBackups calls with 0 / 2,000 / 20,000 unrelated backups in the
destination, clean and with 5% of listing calls throttled; the create must succeed in every case.

Create lists the destination's copies (``backup-type`` = ``USER_INITIATED``, which every copy has) so that a
re-run adopts the copy an unfinished run left. Unrelated backups are measured two ways: AUTOMATIC (a DR
Region's own daily backups, which the filter skips) and USER_INITIATED (backups or copies of other stacks,
the worst case: they match the filter). Pages hold 50 backups (AWS's most); in-process emulator. Each create is
the first of a new run's provider (a run lists a Region once, ``region_listing`` counts whole runs).
"""

from __future__ import annotations

import random
from typing import Any

from .common import DR_REGION, SOURCE_REGION, Result, set_fake_aws_env

SIZES = (0, 2_000, 20_000)
THROTTLED = 0.05
PAGE = 50


def _series(backup_type: str, sizes: tuple[int, ...]) -> list[tuple[int, float, int, int, bool]]:
    """(size, throttled share, DescribeBackups calls before CopyBackup, throttled answers, create succeeded)
    for one create per size and throttle rate, the Region growing from one size to the next."""
    import moto
    from botocore.exceptions import ClientError
    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config

    from pulumi_fsx_copy import BackupCopyProvider
    from pulumi_fsx_copy.testing import InProcessEmulator

    rows: list[tuple[int, float, int, int, bool]] = []
    with moto.mock_aws(), InProcessEmulator() as emulator:
        emulator.configure(copy_seconds=0, page_size=PAGE)
        source = emulator.seed_backup(SOURCE_REGION)
        rng = random.Random(15)
        rate = [0.0]
        throttles = [0]
        before_copy: list[int] = []

        def throttle(model: Any, **_: Any) -> None:
            if model.name == "DescribeBackups" and rng.random() < rate[0]:
                throttles[0] += 1
                raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, model.name)

        def new_run() -> BackupCopyProvider:
            """A provider as a new run's process makes it: it lists the Region once per run (issue 24)."""
            provider = BackupCopyProvider()
            provider.configure(ConfigureRequest(Config({"aws:region": DR_REGION}, "bench")))
            provider._clients.fsx(DR_REGION).meta.events.register("before-call", throttle)
            copy_backup = provider._gateway.copy_backup

            def counted(*args: Any, **kwargs: Any) -> Any:
                before_copy.append(emulator.calls("DescribeBackups", DR_REGION) + throttles[0])
                return copy_backup(*args, **kwargs)

            provider._gateway.copy_backup = counted  # type: ignore[method-assign]
            return provider

        seeded = 0
        for size in sizes:
            for _ in range(size - seeded):
                emulator.seed_backup(DR_REGION, backup_type=backup_type)
            seeded = size
            for share in (0.0, THROTTLED):
                rate[0], throttles[0] = share, 0
                before_copy.clear()
                emulator.reset_calls()
                news = {
                    "source_backup_id": source,
                    "source_region": SOURCE_REGION,
                    "resource_identity": f"bench/listing/{backup_type}/{size}/{share}",
                }
                provider = new_run()
                try:
                    provider.create(provider.check({}, news).inputs)
                    ok = True
                except Exception:
                    ok = False
                rows.append((size, share, before_copy[0] if before_copy else -1, throttles[0], ok))
    return rows


def run(results: list[Result], *, quick: bool = False) -> None:
    set_fake_aws_env()
    sizes = SIZES[:2] if quick else SIZES
    for backup_type in ("AUTOMATIC", "USER_INITIATED"):
        for size, share, calls, throttles, ok in _series(backup_type, sizes):
            pages = (size if backup_type == "USER_INITIATED" else 0) // PAGE + 1
            label = f"{size:,} {backup_type} backups" + (f", {share:.0%} throttled" if share else "")
            results.append(
                Result(
                    "listing",
                    f"DescribeBackups before CopyBackup, {label}",
                    calls,
                    "calls",
                    goal=f"create succeeds; {pages} page(s)" + (" + one retry per throttle" if share else ""),
                    met=ok and calls <= pages + throttles,
                    note=f"{throttles} throttled answers, each page retried alone" if share else "",
                )
            )
