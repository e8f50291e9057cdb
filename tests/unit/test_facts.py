"""FSx's facts are written once (facts.py) and what users read is derived from them: the README's IAM list
names exactly the actions of the operations the provider calls, and the error table covers those operations."""

from __future__ import annotations

import re
from pathlib import Path

from pulumi_fsx_copy.errors import CALLED_OPERATIONS
from pulumi_fsx_copy.rules import facts

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_the_readme_iam_list_is_the_operations_the_provider_calls() -> None:
    bullet = re.search(r"^\* \*\*IAM\*\*:(.*?)(?=^\S|^\* )", README, re.S | re.M)
    assert bullet is not None
    listed = set(re.findall(r"`((?:fsx|kms):[A-Za-z*]+)`", bullet.group(1)))
    assert set(facts.iam_actions()) <= listed
    assert listed - set(facts.iam_actions()) <= set(facts.COPY_KEY_ACTIONS)


def test_the_error_table_knows_every_operation_called() -> None:
    assert {service: set(ops) for service, ops in CALLED_OPERATIONS.items()} == {
        service: set(ops) for service, ops in facts.OPERATIONS.items()
    }


def test_the_tag_characters_are_fsx_pattern() -> None:
    assert all(facts.tag_character_allowed(ch) for ch in "aZ09 _.:/=+-@éß漢")
    assert not any(facts.tag_character_allowed(ch) for ch in "#$%&*!?,;<>\"'\\|~`^()[]{}")
