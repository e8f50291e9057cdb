"""The provider on the stricter emulator: a source created moments before, and listings of short pages."""

from __future__ import annotations

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_fsx_copy import BackupCopyProvider
from pulumi_fsx_copy.engine.waiting import Deadline
from tests.support.emulator import DEST, SOURCE, Aws


@pytest.fixture
def provider(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> BackupCopyProvider:
    monkeypatch.setenv("PULUMI_FSX_COPY_TIME_SCALE", "0.02")
    aws.emulator.configure(copy_seconds=0.3)
    provider = BackupCopyProvider()
    provider.configure(ConfigureRequest(Config({"aws:region": DEST}, "project")))
    return provider


def test_a_backup_created_moments_before_is_copied_once_available(aws: Aws, provider: BackupCopyProvider) -> None:
    """The ``aws.fsx.Backup`` -> ``BackupCopy`` flow: CreateBackup answers PENDING, CopyBackup must wait."""
    fsx = aws.client("fsx", SOURCE)
    file_system = aws.file_system(SOURCE)
    aws.emulator.configure(create_backup_seconds=0.6)
    backup = fsx.create_backup(FileSystemId=file_system)["Backup"]
    assert backup["Lifecycle"] == "PENDING"
    news = {"source_backup_id": backup["BackupId"], "source_region": SOURCE, "region": DEST, "tags": {"a": "b"}}
    checked = provider.check({}, news)
    assert checked.failures == []

    result = provider.create(checked.inputs)

    assert (result.outs or {})["lifecycle"] == "AVAILABLE"
    assert aws.describe(result.id)["SourceBackupId"] == backup["BackupId"]


def test_the_copy_slot_listing_follows_short_pages(aws: Aws, provider: BackupCopyProvider) -> None:
    aws.emulator.configure(copy_seconds=60)
    source = aws.emulator.seed_backup(SOURCE)
    copies = [aws.copy(source)["BackupId"] for _ in range(3)]
    assert aws.emulator.current_settings()["page_size"] == 1

    listed = provider._gateway.list_copies(DEST, Deadline(60))

    assert [backup.backup_id for backup in listed] == copies
    assert {backup.lifecycle for backup in listed} == {"COPYING"}
