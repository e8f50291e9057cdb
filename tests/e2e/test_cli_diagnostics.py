"""Issue 26: what the user reads through the real CLI when a copy fails or waits."""

from __future__ import annotations

import pytest
from pulumi import automation as auto

from pulumi_fsx_copy.testing import RemoteEmulator
from pulumi_fsx_copy.testing.automation import EventLog
from tests.support.cli import REGION, SOURCE_REGION, FsxStack, live_copies, one_copy


def test_an_aws_failure_is_one_diagnostic_naming_its_class_without_a_traceback(
    fsx_stack: FsxStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    fsx_remote.fail_next("CopyBackup", "UnsupportedOperation", message="Copies of this backup are not supported.")
    log = EventLog()

    with pytest.raises(auto.CommandError) as failure:
        fsx_stack(one_copy(source)).up(on_event=log.record)

    shown = str(failure.value)
    assert "Traceback" not in shown and 'File "' not in shown, shown
    assert "pulumi_fsx_copy.errors.UnsupportedCopyError: " in shown
    assert "Copies of this backup are not supported." in shown and source in shown
    shown_events = [
        e.diagnostic_event for e in log.events if e.diagnostic_event and e.diagnostic_event.severity != "debug"
    ]
    assert all("Traceback" not in event.message for event in shown_events), [e.message for e in shown_events]
    on_row = [e.message for e in shown_events if e.urn and e.urn.endswith("::dr") and e.severity == "error"]
    assert len(on_row) == 1 and on_row[0].startswith("pulumi_fsx_copy.errors.UnsupportedCopyError: "), on_row
    assert live_copies(REGION) == []
