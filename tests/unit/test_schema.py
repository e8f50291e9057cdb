"""schema.py is the one source of truth: FSx's own ID rules, the resource class, validation and the README agree."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import botocore.session
import pytest

from pulumi_fsx_copy import BackupCopy, BackupCopyArgs
from pulumi_fsx_copy.rules.schema import (
    HIDDEN_INPUTS,
    HIDDEN_KEYS,
    HIDDEN_OUTPUTS,
    INPUT_DEFAULTS,
    INPUT_ORDER,
    INPUTS,
    OUTPUT_NAMES,
    RECORDED_INPUTS,
    REPLACING_INPUTS,
    UPDATING_INPUTS,
)
from pulumi_fsx_copy.rules.validation import (
    BACKUP_ID_MAX_LENGTH,
    BACKUP_ID_PATTERN,
    backup_id_problem,
    check_properties,
)

README = Path(__file__).resolve().parents[2] / "README.md"


def test_backup_id_rules_are_fsx_own() -> None:
    shape = botocore.session.get_session().get_service_model("fsx").shape_for("BackupId")
    assert shape.metadata["pattern"] == BACKUP_ID_PATTERN
    assert shape.metadata["max"] == BACKUP_ID_MAX_LENGTH


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("backup-0123456789abcdef0", True),
        ("backup-01234567", True),
        ("backup-" + "a" * (BACKUP_ID_MAX_LENGTH - 7), True),
        ("backup-" + "a" * (BACKUP_ID_MAX_LENGTH - 6), False),  # 129 characters
        ("backup-0123456", False),  # fewer than 8 hex digits
        ("backup-0123456789ABCDEF0", False),  # FSx IDs are lower-case
        ("backup-0123456789abcdef0\n", False),
        (" backup-0123456789abcdef0", False),
        ("fs-0123456789abcdef0", False),
        (123, False),
    ],
)
def test_backup_ids_are_checked_offline_against_fsx_rules(value: object, ok: bool) -> None:
    assert (backup_id_problem(value) is None) is ok
    _, failures = check_properties({"source_backup_id": value}, default_region="us-west-2")
    assert ("source_backup_id" in [f.property for f in failures]) is not ok


def test_a_too_long_id_is_told_by_its_length_not_echoed() -> None:
    problem = backup_id_problem("backup-" + "f" * 500) or ""
    assert "507 characters" in problem and "at most 128" in problem and "f" * 100 not in problem


def test_the_resource_class_follows_the_schema() -> None:
    args = [p for p in inspect.signature(BackupCopyArgs.__init__).parameters if p not in ("__self__", "self")]
    assert tuple(args) == INPUT_ORDER
    attributes = {name for name in dir(BackupCopy) if isinstance(inspect.getattr_static(BackupCopy, name), property)}
    assert set(INPUT_ORDER) | set(OUTPUT_NAMES) <= attributes
    assert not (set(HIDDEN_INPUTS) | set(HIDDEN_OUTPUTS)) & attributes


def test_every_input_has_one_kind_of_change() -> None:
    visible = [field for field in INPUTS if not field.hidden]
    assert sorted((*REPLACING_INPUTS, *UPDATING_INPUTS, *RECORDED_INPUTS)) == sorted(f.name for f in visible)
    assert INPUT_DEFAULTS["wait_for_available"] is True and INPUT_DEFAULTS["copy_tags"] is False


def _readme_section(title: str) -> str:
    text = README.read_text()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_the_readme_lists_every_input_with_what_a_change_does() -> None:
    section = _readme_section("Inputs")
    for field in INPUTS:
        row = re.search(rf"^\| `{field.name}` \|.*$", section, re.MULTILINE)
        if field.hidden:
            assert f"| `{field.key}` |" in section, f"README does not list the hidden input {field.key}"
            continue
        assert row is not None, f"README's Inputs table has no row for {field.name}"
        replaces = row.group().split("|")[-2].strip().startswith("replace")
        assert replaces is (field.on_change == "replace"), row.group()


def test_the_readme_lists_every_output() -> None:
    section = _readme_section("Outputs")
    for name in (*OUTPUT_NAMES, *(HIDDEN_KEYS[name] for name in HIDDEN_OUTPUTS)):
        assert f"| `{name}` |" in section, f"README's Outputs do not list {name}"
