"""Ownership tags, fresh tokens and what a Create may adopt (pure functions)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pulumi_fsx_copy.ownership import (
    IDENTITY_TAG,
    RECORDED_TAG,
    RESOURCE_TAG,
    find_own,
    fresh_token,
    identity_digest,
    ownership_tags,
    resource_label,
    without_ownership,
)
from pulumi_fsx_copy.tags import tag_problems

INPUTS = {"source_backup_id": "backup-0123456789abcdef0", "region": "us-west-2", "copy_tags": False}
DIGEST = identity_digest("org/proj/stack/copy", INPUTS)


def backup(backup_id: str, lifecycle: str, *, recorded: bool, digest: str = DIGEST, minute: int = 0) -> dict[str, Any]:
    tags = ownership_tags(digest, "org/proj/stack/copy", recorded=recorded)
    return {
        "BackupId": backup_id,
        "Lifecycle": lifecycle,
        "CreationTime": datetime(2024, 1, 1, 0, minute, tzinfo=timezone.utc),
        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
    }


def test_digest_depends_on_identity_and_replacing_inputs_only() -> None:
    assert identity_digest("org/proj/stack/copy", dict(INPUTS)) == DIGEST
    assert identity_digest("other-org/proj/stack/copy", INPUTS) != DIGEST
    assert identity_digest("org/proj/stack/copy", {**INPUTS, "region": "eu-west-1"}) != DIGEST


def test_tokens_are_fresh_valid_and_short() -> None:
    tokens = {fresh_token(DIGEST) for _ in range(100)}
    assert len(tokens) == 100
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]{1,63}", token) for token in tokens)


@given(st.text(max_size=400))
def test_the_resource_label_is_always_a_valid_tag_value(identity: str) -> None:
    tags = ownership_tags(DIGEST, identity, recorded=False)
    assert tag_problems(tags) == []
    assert len(tags[RESOURCE_TAG]) <= 256


def test_the_resource_label_keeps_the_name() -> None:
    label = resource_label("org/urn:pulumi:prod::dr::acme:A$acme:Inner::inner/" + "x" * 300 + "/copy")
    assert "$" not in label and label.endswith("/copy") and len(label) == 256


def test_an_unrecorded_live_copy_is_adopted_available_first() -> None:
    found = find_own(
        [
            backup("backup-copying", "COPYING", recorded=False, minute=5),
            backup("backup-available", "AVAILABLE", recorded=False, minute=1),
        ],
        DIGEST,
    )
    assert found.adoptable is not None and found.adoptable["BackupId"] == "backup-available"


def test_recorded_foreign_and_gone_copies_are_never_adopted() -> None:
    found = find_own(
        [
            backup("backup-held", "AVAILABLE", recorded=True),
            backup("backup-other", "AVAILABLE", recorded=False, digest="f" * 40),
            backup("backup-deleted", "DELETED", recorded=False),
            {"BackupId": "backup-untagged", "Lifecycle": "AVAILABLE"},
        ],
        DIGEST,
    )
    assert found.adoptable is None and found.failed == []


def test_failed_copies_of_this_resource_are_listed_for_deletion() -> None:
    found = find_own(
        [backup("backup-failed", "FAILED", recorded=True), backup("backup-x", "FAILED", recorded=False, digest="0")],
        DIGEST,
    )
    assert [b["BackupId"] for b in found.failed] == ["backup-failed"]


def test_without_ownership() -> None:
    tags = {**ownership_tags(DIGEST, "x", recorded=True), "purpose": "dr"}
    assert without_ownership(tags) == {"purpose": "dr"}
    assert {IDENTITY_TAG, RECORDED_TAG} <= set(tags)
