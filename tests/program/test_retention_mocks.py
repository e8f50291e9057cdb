"""RetainedBackupCopies and MultiRegionRetainedBackupCopies as a Pulumi program sees them (set_mocks), and the
plan of their children from the primary's backups and the DR Region's copies (plan_children)."""

from __future__ import annotations

import re
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
    SourceBackupNotFoundError,
    StaleBackupsError,
)
from pulumi_fsx_copy.lookup import PrimaryBackups, RegionCopy
from pulumi_fsx_copy.resource import _TYPE
from pulumi_fsx_copy.retention import child_name_of, fresh_child_name, plan_children
from pulumi_fsx_copy.rules.identity import OWNER_TAG, RESOURCE_TAG, resource_identity, resource_label
from tests.support.program import RecordingMocks, run_with_mocks

FS = "fs-0123456789abcdef0"
COMPONENT_URN = "urn:pulumi:unit::p::pulumi-fsx-copy:index:RetainedBackupCopies::dr"
"""The URN of ``dr`` in project ``p``, stack ``unit`` (run_with_mocks's)."""


def source_of(name: str) -> str:
    """The source backup ID a child's name carries (``dr-<source>-<source time>-<8 hex>``)."""
    match = re.fullmatch(r"dr-(?:[a-z]{2}-[a-z]+-\d-)?(backup-[0-9a-f]{17})-\d{8}T\d{12}Z-[0-9a-f]{8}", name)
    assert match is not None, name
    return match.group(1)


def sources(count: int, *, hours_old: float = 0.0) -> list[SourceBackup]:
    """``count`` source backups, newest first, the newest ``hours_old`` hours old."""
    now = datetime.now(timezone.utc) - timedelta(hours=hours_old)
    return [
        SourceBackup(f"backup-{i + 1:017x}", now - timedelta(hours=i), "AUTOMATIC", "us-east-1", FS)
        for i in range(count)
    ]


def retained(**inputs: Any) -> Callable[[], None]:
    def program() -> None:
        dr = RetainedBackupCopies(
            "dr",
            **{
                "file_system_id": FS,
                "source_region": "us-east-1",
                "region": "us-west-2",
                "keep": 2,
                "dr_copies": [],
                **inputs,
            },
        )
        pulumi.export("copies", dr.backup_ids)
        pulumi.export("newest", dr.newest_backup_id)
        pulumi.export("newest_source", dr.newest_source_backup_id)
        pulumi.export("newest_time", dr.newest_source_time)
        pulumi.export("rpo", dr.rpo_seconds)

    return program


def test_one_copy_per_retained_source_named_by_its_id_and_time_always_waiting() -> None:
    mocks = RecordingMocks()
    given = sources(3)
    exports = run_with_mocks(
        retained(sources=given, region="us-west-2", kms_key_id="alias/dr", tags={"purpose": "dr"}, copy_tags=True),
        mocks,
        project="p",
        config={},
    )

    copies = {source_of(name): inputs for name, inputs in mocks.copies().items()}
    assert sorted(copies) == sorted(b.backup_id for b in given[:2])
    for source in given[:2]:
        inputs = copies[source.backup_id]
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
            "dr",
            RetainedBackupCopiesArgs(
                keep=2, file_system_id=FS, source_region="us-east-1", region="us-west-2", sources=given, dr_copies=[]
            ),
        )

    run_with_mocks(program, by_args, project="p", config={})
    assert sorted(map(source_of, by_keywords.copies())) == sorted(map(source_of, by_args.copies()))


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


def test_region_must_be_known_when_the_program_runs() -> None:
    def program() -> None:
        RetainedBackupCopies(
            "dr", file_system_id=FS, keep=1, sources=[], dr_copies=[], region=pulumi.Output.from_input("us-west-2")
        )

    with pytest.raises(InvalidInputError, match="region must be a plain string"):
        run_with_mocks(program, RecordingMocks(), project="p", config={})


def test_several_regions_share_one_look_up_and_read_their_own_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    given = sources(3)
    looked_up: list[dict[str, Any]] = []
    read: list[str] = []

    def fake_primary_backups(**arguments: Any) -> PrimaryBackups:
        looked_up.append(arguments)
        newest = given[: arguments["count"]]
        return PrimaryBackups(newest, {b.backup_id: b.creation_time for b in newest}, False)

    def fake_copies_in_region(**arguments: Any) -> list[RegionCopy]:
        read.append(arguments["region"])
        return []

    monkeypatch.setattr("pulumi_fsx_copy.retention.primary_backups", fake_primary_backups)
    monkeypatch.setattr("pulumi_fsx_copy.retention.copies_in_region", fake_copies_in_region)
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
    assert sorted(read) == ["eu-west-1", "us-west-2"]
    copies = mocks.copies()
    by_region = {
        region: {source_of(n): i for n, i in copies.items() if n.startswith(f"dr-{region}-")}
        for region in ("us-west-2", "eu-west-1")
    }
    assert all(sorted(held) == sorted(b.backup_id for b in given[:2]) for held in by_region.values())
    assert by_region["us-west-2"][given[0].backup_id]["tags"] == {"purpose": "dr", "tier": "gold"}
    assert by_region["eu-west-1"][given[0].backup_id]["region"] == "eu-west-1"
    assert sorted(exports["copies"]) == ["eu-west-1", "us-west-2"]
    assert exports["newest"]["us-west-2"] == exports["copies"]["us-west-2"][given[0].backup_id]
    assert exports["rpo"] is not None


# ---- plan_children: which copies the program declares --------------------------------------------------------


def label(name: str, *, stack: str = "unit", component_urn: str = COMPONENT_URN, key: str | None = "5eed" * 8) -> str:
    """The resource tag of child ``name``'s copies (with the stack's key, as copies are made now)."""
    return resource_label(resource_identity("organization", "p", stack, component_urn, _TYPE, name, key))


def held(source: SourceBackup, lifecycle: str = "AVAILABLE", *, name: str | None = None, **tags: str) -> RegionCopy:
    """A copy of ``source`` in the DR Region that this component's child made (its provider tags), or as told."""
    child = name or fresh_child_name("dr", source)
    return RegionCopy(
        backup_id=f"backup-{abs(hash(child)) % 16**17:017x}",
        source_backup_id=source.backup_id,
        lifecycle=lifecycle,
        creation_time=datetime.now(timezone.utc),  # copies are made later than their sources
        tags={RESOURCE_TAG: label(child), OWNER_TAG: "claim:x", **tags},
    )


def primary(newest: list[SourceBackup], *, gone: bool = False) -> PrimaryBackups:
    return PrimaryBackups(newest, {b.backup_id: b.creation_time for b in newest}, gone)


def planned(keep: int, newest: list[SourceBackup], copies: list[RegionCopy], *, gone: bool = False) -> list[str]:
    """The source of each child the plan declares, sorted."""
    plan = plan_children("dr", keep, primary(newest, gone=gone), copies, "p", "unit")
    return sorted(child.source_backup_id for child in plan.children)


def test_a_child_name_round_trips_through_the_resource_tag() -> None:
    source = sources(1)[0]
    name = fresh_child_name("dr", source)

    parsed = child_name_of(label(name), "dr", "p", "unit")

    assert parsed is not None and parsed.name == name and parsed.source_backup_id == source.backup_id
    assert parsed.source_time == source.creation_time
    assert child_name_of(label(f"dr-{source.backup_id}"), "dr", "p", "unit") is not None  # names before stamps
    before_keys = child_name_of(label(name, key=None), "dr", "p", "unit")  # copies made before stack keys
    assert before_keys is not None and before_keys.name == name
    other_stack = label(name, stack="other", component_urn=COMPONENT_URN.replace(":unit::", ":other::"))
    assert child_name_of(other_stack, "dr", "p", "unit") is None
    assert child_name_of(label(name), "other", "p", "unit") is None


def test_the_primary_gone_keeps_every_copy() -> None:
    given = sources(3)
    copies = [held(b) for b in given]

    assert planned(3, [], copies, gone=True) == sorted(b.backup_id for b in given)
    assert planned(1, [], copies, gone=True) == [given[0].backup_id]  # one newer AVAILABLE copy retires the others


def test_sources_deleted_in_the_primary_retire_nothing() -> None:
    given = sources(3)
    assert planned(3, given[:1], [held(b) for b in given]) == sorted(b.backup_id for b in given)


def test_a_copy_leaves_only_when_keep_newer_copies_are_available_or_made_in_this_run() -> None:
    given = sources(4)  # newest first
    copies = [held(b) for b in given[1:]]

    assert planned(3, given[:3], copies) == sorted(b.backup_id for b in given[:3])  # the oldest leaves
    in_progress = [held(given[1], "COPYING"), *(held(b) for b in given[2:])]
    assert planned(3, given[:3], in_progress) == sorted(b.backup_id for b in given)  # one newer is not AVAILABLE


def test_a_wanted_copy_lost_out_of_band_gets_a_fresh_child_which_counts_as_made_in_this_run() -> None:
    given = sources(3)
    failed = held(given[0], "FAILED")
    plan = plan_children("dr", 2, primary(given[:2]), [failed, *(held(b) for b in given[1:])], "p", "unit")

    names = {child.name: child for child in plan.children}
    newest = [child for child in plan.children if child.source_backup_id == given[0].backup_id]
    assert (
        len(newest) == 1
        and newest[0].fresh
        and newest[0].name != child_name_of(failed.tags[RESOURCE_TAG], "dr", "p", "unit").name
    )  # type: ignore[union-attr]
    assert sorted({c.source_backup_id for c in names.values()}) == sorted(b.backup_id for b in given[:2])


def test_copies_not_made_by_this_component_are_neither_counted_nor_declared() -> None:
    given = sources(2)
    others = [
        held(given[1], name=f"other-{given[1].backup_id}"),  # another component's
        RegionCopy("backup-0aaaaaaaaaaaaaaaa", given[1].backup_id, "AVAILABLE", datetime.now(timezone.utc), {}),
    ]
    plan = plan_children("dr", 1, primary(given[:1]), others, "p", "unit")

    assert [child.source_backup_id for child in plan.children] == [given[0].backup_id]


def test_an_owner_tag_removed_changes_nothing() -> None:
    given = sources(2)
    copies = [held(b) for b in given]
    stripped = [
        RegionCopy(c.backup_id, c.source_backup_id, c.lifecycle, c.creation_time, {RESOURCE_TAG: c.tags[RESOURCE_TAG]})
        for c in copies
    ]

    assert planned(2, given, stripped) == planned(2, given, copies) == sorted(b.backup_id for b in given)


def test_only_copies_seen_available_or_made_in_this_run_are_exported() -> None:
    given = sources(3)
    seen = held(given[1])
    other = held(given[0])
    elsewhere = RegionCopy(
        "backup-0ffffffffffffffff", other.source_backup_id, "AVAILABLE", other.creation_time, other.tags
    )
    exports = run_with_mocks(
        retained(sources=given, keep=3, dr_copies=[seen, elsewhere]), RecordingMocks(), project="p", config={}
    )

    # given[0]'s child records a copy the DR Region did not show; given[2]'s is made in this run.
    assert exports["copies"] == {
        given[1].backup_id: seen.backup_id,
        given[2].backup_id: exports["copies"][given[2].backup_id],
    }
    assert exports["newest"] == seen.backup_id
    assert 3600 <= exports["rpo"] < 3600 + 60


def test_a_file_system_unknown_with_no_copy_anywhere_is_named() -> None:
    with pytest.raises(SourceBackupNotFoundError, match=rf"file system {FS} names nothing FSx knows in 'us-east-1'"):
        run_with_mocks(retained(primary=PrimaryBackups([], {}, True)), RecordingMocks(), project="p", config={})
