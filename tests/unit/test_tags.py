"""Tag validation (FSx rules) and tag change sets."""

from __future__ import annotations

import pytest
from pulumi.runtime.rpc import UNKNOWN

from pulumi_fsx_copy.rules.tags import TagChanges, short_repr, tag_changes, tag_problems


@pytest.mark.parametrize(
    "tags",
    [
        {},
        {"Name": "dr-copy", "team": ""},
        {"k" * 128: "v" * 256},
        {"Umgebung: Größe": "Ünïcödé 値 ٣", "a_b.c:d/e=f+g-h@i": "x y"},
        {f"k{i}": "v" for i in range(50)},
    ],
)
def test_valid_tags_have_no_problems(tags: dict[str, str]) -> None:
    assert tag_problems(tags) == []


def _one_problem(tags: object) -> str:
    problems = tag_problems(tags)
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize("tags", [["a", "b"], "Name=x", 3, None])
def test_tags_must_be_a_mapping(tags: object) -> None:
    assert "must be a mapping" in _one_problem(tags)


def test_more_than_50_tags() -> None:
    problem = _one_problem({f"k{i}": "v" for i in range(52)})
    assert "52 tags" in problem and "at most 50" in problem and "remove 2" in problem


@pytest.mark.parametrize(
    ("tags", "fragments"),
    [
        ({"": "v"}, ["tag key ''", "1 to 128"]),
        ({"k" * 129: "v"}, ["129 characters", "1 to 128"]),
        ({"aws:created": "v"}, ["'aws:created'", "reserved for AWS"]),
        ({"AWS:Created": "v"}, ["'AWS:Created'", "reserved for AWS"]),
        ({"cost!": "v"}, ["tag key 'cost!'", "characters outside"]),
        ({"k": "v" * 257}, ["tag 'k'", "257 characters", "at most 256"]),
        ({"k": "🙂"}, ["tag 'k'", "characters outside"]),
        ({"k": "a#b"}, ["tag 'k'", "characters outside"]),
        ({3: "v"}, ["tag key 3", "not a string"]),
        ({"k": 30.0}, ["tag 'k'", "has a number as its value, not a string", '"30", not 30']),  # 30 on the wire
        ({"k": True}, ["tag 'k'", "has a boolean as its value"]),
        ({"k": None}, ["tag 'k'", "has null (None) as its value", "not a string"]),
        (["k"], ["not a list"]),
    ],
)
def test_each_problem_names_the_offender_and_the_rule(tags: object, fragments: list[str]) -> None:
    problems = " | ".join(tag_problems(tags))
    for fragment in fragments:
        assert fragment in problems


SECRET = "s3cr3t-Tag-Value-do-not-leak"


@pytest.mark.parametrize(
    "tags",
    [
        {"db-password": SECRET + "#"},  # characters outside FSx's set
        {"db-password": SECRET * 20},  # too long
        {"aws:reserved": SECRET},  # bad key, good value
        {"": SECRET},  # empty key
        {"db-password": [SECRET]},  # not a string
        {f"k{i}": SECRET for i in range(51)},  # too many
        [SECRET],  # not a mapping
        SECRET,
    ],
)
def test_no_problem_shows_a_tag_value(tags: object) -> None:
    """Tag values may be secrets (a dynamic provider receives them in plain text): messages name keys only."""
    problems = tag_problems(tags)
    assert problems
    for problem in problems:
        assert SECRET not in problem and "s3cr3t" not in problem


def test_aws_prefix_only_when_it_is_the_prefix() -> None:
    assert tag_problems({"awsome": "v", "team:aws:x": "v", "aws": "v"}) == []


def test_every_bad_tag_is_reported() -> None:
    assert len(tag_problems({"aws:a": "v", "b": "!", "c": "ok"})) == 2


def test_unknown_values_are_skipped_in_preview() -> None:
    assert tag_problems(UNKNOWN) == []
    assert tag_problems({"Name": UNKNOWN, "env": "prod"}) == []


def test_huge_values_are_truncated_in_messages() -> None:
    (problem,) = tag_problems({"k": "!" * 100_000})
    assert len(problem) < 300


def test_short_repr_bounds_and_survives_broken_repr() -> None:
    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("boom")

    assert short_repr(Broken()).startswith("<Broken instance")
    assert len(short_repr("x" * 10_000)) <= 80
    assert short_repr("us-west-2") == "'us-west-2'"
    assert len(short_repr([[[[[[[[["deep"]]]]]]]]])) <= 80
    assert len(short_repr({str(i): "v" * 50 for i in range(1000)})) <= 80


def test_tag_changes() -> None:
    old = {"keep": "1", "change": "a", "drop-b": "x", "drop-a": "y"}
    new = {"keep": "1", "change": "b", "add": "z"}
    assert tag_changes(old, new) == TagChanges(to_set={"change": "b", "add": "z"}, to_remove=["drop-a", "drop-b"])


def test_tag_changes_none_when_equal() -> None:
    assert tag_changes({"a": "1"}, {"a": "1"}) == TagChanges()
    assert tag_changes({}, {}) == TagChanges(to_set={}, to_remove=[])


def test_tag_changes_empty_value_is_a_value() -> None:
    assert tag_changes({"a": "1"}, {"a": ""}) == TagChanges(to_set={"a": ""}, to_remove=[])
