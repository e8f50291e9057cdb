"""RetainedBackupCopies and MultiRegionRetainedBackupCopies as a Pulumi program sees them (set_mocks)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pulumi
import pytest

from pulumi_fsx_copy import (
    Destination,
    InvalidInputError,
    MultiRegionRetainedBackupCopies,
    RetainedBackupCopies,
    RetainedBackupCopiesArgs,
    SourceBackup,
    StaleBackupsError,
)
from tests.support.program import RecordingMocks, run_with_mocks

FS = "fs-0123456789abcdef0"


def sources(count: int, *, hours_old: float = 0.0) -> list[SourceBackup]:
    """``count`` source backups, newest first, the newest ``hours_old`` hours old."""
    now = datetime.now(timezone.utc) - timedelta(hours=hours_old)
    return [
        SourceBackup(f"backup-{i + 1:017x}", now - timedelta(hours=i), "AUTOMATIC", "us-east-1", FS)
        for i in range(count)
    ]


def retained(**inputs: Any) -> Callable[[], None]:
    def program() -> None:
        dr = RetainedBackupCopies("dr", **{"file_system_id": FS, "source_region": "us-east-1", "keep": 2, **inputs})
        pulumi.export("copies", dr.backup_ids)
        pulumi.export("newest", dr.newest_backup_id)
        pulumi.export("newest_source", dr.newest_source_backup_id)
        pulumi.export("newest_time", dr.newest_source_time)
        pulumi.export("rpo", dr.rpo_seconds)

    return program


def test_one_copy_per_retained_source_named_by_its_id_always_waiting() -> None:
    mocks = RecordingMocks()
    given = sources(3)
    exports = run_with_mocks(
        retained(sources=given, region="us-west-2", kms_key_id="alias/dr", tags={"purpose": "dr"}, copy_tags=True),
        mocks,
        project="p",
        config={},
    )

    copies = mocks.copies()
    assert sorted(copies) == sorted(f"dr-{b.backup_id}" for b in given[:2])
    for source in given[:2]:
        inputs = copies[f"dr-{source.backup_id}"]
        assert inputs["source_backup_id"] == source.backup_id
        assert (inputs["source_region"], inputs["region"], inputs["kms_key_id"]) == (
            "us-east-1",
            "us-west-2",
            "alias/dr",
        )
        assert inputs["wait_for_available"] is True and inputs["copy_tags"] is True
        assert inputs["tags"] == {"purpose": "dr"}
    assert sorted(exports["copies"]) == sorted(b.backup_id for b in given[:2])
    assert exports["newest"] == exports["copies"][given[0].backup_id]
    assert exports["newest_source"] == given[0].backup_id
    assert exports["newest_time"] == given[0].created
    assert 0 <= exports["rpo"] < 60


def test_the_args_form_registers_the_same_children() -> None:
    by_keywords, by_args = RecordingMocks(), RecordingMocks()
    given = sources(2)
    run_with_mocks(retained(sources=given), by_keywords, project="p", config={})

    def program() -> None:
        RetainedBackupCopies(
            "dr", RetainedBackupCopiesArgs(keep=2, file_system_id=FS, source_region="us-east-1", sources=given)
        )

    run_with_mocks(program, by_args, project="p", config={})
    assert by_keywords.copies().keys() == by_args.copies().keys()


def test_no_backup_yet_holds_no_copy_and_exports_no_rpo() -> None:
    mocks = RecordingMocks()
    exports = run_with_mocks(retained(sources=[]), mocks, project="p", config={})
    assert mocks.copies() == {}
    assert exports["copies"] == {} and exports["newest"] is None and exports["rpo"] is None


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "up"])
def test_max_age_fails_naming_the_file_system_and_the_newest_backup(preview: bool) -> None:
    given = sources(2, hours_old=30)
    with pytest.raises(
        StaleBackupsError, match=rf"{FS}.*{given[0].backup_id}.*{given[0].created}.*max_age \(24\.0 h\)"
    ):
        run_with_mocks(
            retained(sources=given, max_age=timedelta(hours=24)),
            RecordingMocks(),
            project="p",
            config={},
            preview=preview,
        )


def test_max_age_with_no_backup_at_all_fails() -> None:
    with pytest.raises(StaleBackupsError, match=f"{FS} has no AVAILABLE backup"):
        run_with_mocks(retained(sources=[], max_age=timedelta(hours=24)), RecordingMocks(), project="p", config={})


def test_a_recent_backup_passes_max_age() -> None:
    exports = run_with_mocks(
        retained(sources=sources(1), max_age=timedelta(hours=1)), RecordingMocks(), project="p", config={}
    )
    assert exports["rpo"] < 3600


@pytest.mark.parametrize(
    ("inputs", "names"),
    [
        ({"keep": 0}, "keep 0"),
        ({"keep": "3"}, "keep '3'"),
        ({"keep": 101}, "keep 101"),
        ({"max_age": 3600}, "max_age 3600 must be a positive datetime.timedelta"),
        ({"max_age": timedelta(0)}, "max_age"),
        ({"file_system_id": None}, "exactly one of file_system_id"),
        ({"volume_id": "fsvol-0123456789abcdef0"}, "exactly one of file_system_id"),
        ({"file_system_id": pulumi.Output.from_input(FS)}, "file_system_id must be a plain string"),
    ],
)
def test_bad_inputs_name_the_field(inputs: dict[str, Any], names: str) -> None:
    with pytest.raises(InvalidInputError, match=names):
        run_with_mocks(retained(sources=[], **inputs), RecordingMocks(), project="p", config={})


def test_args_and_keywords_together_or_unknown_keywords_are_refused() -> None:
    with pytest.raises(TypeError, match="either args"):
        RetainedBackupCopies("x", RetainedBackupCopiesArgs(keep=1, file_system_id=FS), keep=2)
    with pytest.raises(TypeError, match="unknown arguments \\['region_name'\\]"):
        RetainedBackupCopies("x", keep=1, file_system_id=FS, region_name="us-west-2")


def test_several_regions_share_one_look_up(monkeypatch: pytest.MonkeyPatch) -> None:
    given = sources(3)
    looked_up: list[dict[str, Any]] = []

    def fake_newest_backups(**arguments: Any) -> list[SourceBackup]:
        looked_up.append(arguments)
        return given[: arguments["count"]]

    monkeypatch.setattr("pulumi_fsx_copy.retention.newest_backups", fake_newest_backups)
    mocks = RecordingMocks()

    def program() -> None:
        dr = MultiRegionRetainedBackupCopies(
            "dr",
            file_system_id=FS,
            source_region="us-east-1",
            destinations={"us-west-2": Destination(kms_key_id="alias/dr", tags={"tier": "gold"}), "eu-west-1": None},
            keep=2,
            tags={"purpose": "dr"},
        )
        pulumi.export("copies", dr.backup_ids)
        pulumi.export("newest", dr.newest_backup_ids)
        pulumi.export("rpo", dr.rpo_seconds)

    exports = run_with_mocks(program, mocks, project="p", config={})

    assert len(looked_up) == 1 and looked_up[0]["count"] == 2
    copies = mocks.copies()
    assert sorted(copies) == sorted(f"dr-{r}-{b.backup_id}" for r in ("us-west-2", "eu-west-1") for b in given[:2])
    assert copies[f"dr-us-west-2-{given[0].backup_id}"]["tags"] == {"purpose": "dr", "tier": "gold"}
    assert copies[f"dr-eu-west-1-{given[0].backup_id}"]["region"] == "eu-west-1"
    assert sorted(exports["copies"]) == ["eu-west-1", "us-west-2"]
    assert exports["newest"]["us-west-2"] == exports["copies"]["us-west-2"][given[0].backup_id]
    assert exports["rpo"] is not None
