"""The lifecycle at the provider's boundary, in-process against the emulator: every hidden input and output goes to
the engine under its ``__`` key; a record written with the plain names (by an earlier version) is read as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_fsx_copy import BackupCopyProvider
from pulumi_fsx_copy.rules.schema import HIDDEN_KEYS
from tests.support.provider import DR_REGION, copies_in

Props = Callable[..., dict[str, Any]]
TIMEOUTS = {"create": 30.0, "delete": 20.0}


def plain_names(bag: dict[str, Any]) -> dict[str, Any]:
    """``bag`` as an earlier version wrote it: its hidden keys under their plain names."""
    plain = {key: name for name, key in HIDDEN_KEYS.items()}
    return {plain.get(k, k): v for k, v in bag.items()}


def test_every_hidden_field_reaches_the_engine_under_its_key(provider: BackupCopyProvider, props: Props) -> None:
    news = props(__custom_timeouts=TIMEOUTS, kms_key_id="alias/aws/fsx")
    outs = provider.create(news).outs or {}

    assert news["__resource_identity"] == "project/stack/dr-copy" and news["__custom_timeouts"] == TIMEOUTS
    assert outs["__claim"] and outs["__kms_key_id_requested"] == "alias/aws/fsx"
    assert outs["__resource_identity"] == "project/stack/dr-copy" and outs["__custom_timeouts"] == TIMEOUTS
    assert not set(HIDDEN_KEYS) & (news.keys() | outs.keys())


def test_a_record_with_the_plain_names_diffs_updates_reads_and_deletes_as_before(
    provider: BackupCopyProvider, props: Props
) -> None:
    news = props(__custom_timeouts=TIMEOUTS, kms_key_id="alias/aws/fsx")
    made = provider.create(news)
    outs, legacy = made.outs or {}, plain_names(made.outs or {})
    assert legacy["claim"] == outs["__claim"] and "__claim" not in legacy

    # The value moved from `claim` to `__claim` (and every other hidden one) is no change.
    assert provider.diff(made.id, legacy, news).changes is False
    assert provider.check(plain_names(news), news).inputs == news

    read = provider.read(made.id, legacy).outs or {}
    assert read["__claim"] == outs["__claim"] and read["__kms_key_id_requested"] == "alias/aws/fsx"
    assert not set(HIDDEN_KEYS) & read.keys()

    updated = provider.update(made.id, legacy, props(__custom_timeouts=TIMEOUTS, tags={"purpose": "dr-2"})).outs
    assert updated is not None and updated["__claim"] == outs["__claim"] and updated["tags"] == {"purpose": "dr-2"}
    assert not set(HIDDEN_KEYS) & updated.keys()

    provider.delete(made.id, plain_names(updated))  # the claim read from the plain name: the copy is this record's
    assert copies_in(DR_REGION) == []
