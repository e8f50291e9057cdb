"""The ownership protocol over a copy's tags (ownership.py), with a tag store in memory: identities, who may
delete, leases taken over only when no live run holds them, races between runs, claims read back."""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_fsx_copy.aws.backup import Backup
from pulumi_fsx_copy.aws.ownership import (
    FREE,
    READ_ATTEMPTS,
    LeaseLost,
    LeasePolicy,
    Ownership,
    TagRead,
    claim_value,
    deletion,
    fresh_token,
    lease_value,
    owner_of,
    ownership_tags,
    unrecorded,
)
from pulumi_fsx_copy.errors import ThrottledError
from pulumi_fsx_copy.rules.identity import (
    LEGACY_RECORDED_TAG,
    OWNER_TAG,
    RESOURCE_TAG,
    RETAINED_TYPE,
    Identity,
    recognised_by_tag,
    resource_identity,
    resource_label,
)
from pulumi_fsx_copy.rules.tags import tag_problems

INPUTS = {"source_backup_id": "backup-0123456789abcdef0", "region": "us-west-2", "copy_tags": False}
TYPE = "pulumi-python:dynamic/fsx:BackupCopy"
ME = Identity.of(resource_identity("org", "dr", "prod", None, TYPE, "copy"), INPUTS)
POLICY = LeasePolicy(renew=0.05, stale=0.3, skew=0.1, settle=0.05)


# -- identity --------------------------------------------------------------------------------------


def test_names_holding_slashes_never_spell_another_resource() -> None:
    """`b/c` under component `a` and `c` under component `a/b` (issue 15, 2a)."""
    parent = "urn:pulumi:prod::dr::acme:Site::"
    one = resource_identity("org", "dr", "prod", parent + "a", TYPE, "b/c")
    other = resource_identity("org", "dr", "prod", parent + "a/b", TYPE, "c")
    assert one != other
    assert Identity.of(one, INPUTS).who != Identity.of(other, INPUTS).who


def test_identity_separates_the_resource_from_its_inputs() -> None:
    same = Identity.of(resource_identity("org", "dr", "prod", None, TYPE, "copy"), dict(INPUTS))
    assert same == ME
    moved = Identity.of(resource_identity("org", "dr", "prod", None, TYPE, "copy"), {**INPUTS, "region": "eu-west-1"})
    assert moved.who == ME.who and moved.what != ME.what
    other_org = Identity.of(resource_identity("org-b", "dr", "prod", None, TYPE, "copy"), INPUTS)
    assert other_org.who != ME.who


def test_same_names_with_another_stack_key_are_another_owner() -> None:
    """Two same-named stacks on two backends: only their keys differ, and so do their copies' identities."""
    names = ("organization", "dr", "prod", None, TYPE, "copy")
    mine = Identity.of(resource_identity(*names, stack_key="a1" * 16), INPUTS)
    theirs = Identity.of(resource_identity(*names, stack_key="b2" * 16), INPUTS)
    before_keys = Identity.of(resource_identity(*names), INPUTS)
    assert len({mine.who, theirs.who, before_keys.who}) == 3
    assert mine.per_stack and theirs.per_stack and not before_keys.per_stack
    assert not mine.of_resource(_backup("backup-0123456789abcdef1", "COPYING", None, identity=theirs).tags)
    assert resource_label(resource_identity(*names, stack_key="a1" * 16)).endswith("///copy///" + "a1" * 16 + "//")


def test_a_record_written_before_keys_is_replaced_by_its_stacks_keyed_copy_only() -> None:
    """`up --replace` of a record from before keys: its new copy carries the key; the old record's delete waits
    for it as its replacement. A copy for other names never counts."""
    names = ("organization", "dr", "prod", None, TYPE, "copy")
    old = Identity.of(resource_identity(*names), INPUTS)
    new = Identity.of(resource_identity(*names, stack_key="a1" * 16), INPUTS)
    other = Identity.of(resource_identity(*names[:-1], "other", stack_key="a1" * 16), INPUTS)
    assert old.replaced_by(_backup("backup-0123456789abcdef1", "COPYING", None, identity=new).tags)
    assert not old.replaced_by(_backup("backup-0123456789abcdef2", "COPYING", None, identity=other).tags)
    assert not new.replaced_by(_backup("backup-0123456789abcdef3", "COPYING", None, identity=old).tags)


def test_tokens_are_fresh_valid_and_short() -> None:
    tokens = {fresh_token(ME) for _ in range(100)}
    assert len(tokens) == 100
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]{1,63}", token) for token in tokens)


@given(st.text(max_size=400))
def test_ownership_tags_are_always_valid_tags(name: str) -> None:
    identity = Identity.of(resource_identity("org", "dr", "prod", None, TYPE, name), INPUTS)
    for owner in (FREE, lease_value("ab" * 8, 0.0), claim_value("cd" * 8)):
        tags = ownership_tags(identity, owner)
        assert tag_problems(tags) == []
        assert len(tags[RESOURCE_TAG]) <= 256


# -- who may delete --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tags", "recorded", "allowed"),
    [
        ({OWNER_TAG: claim_value("c1")}, "c1", True),
        ({OWNER_TAG: claim_value("c2")}, "c1", False),  # another record's copy
        ({OWNER_TAG: lease_value("h", time.time())}, "c1", False),  # a run works on it
        ({OWNER_TAG: FREE}, "c1", False),
        ({}, "c1", False),  # the owner tag was removed outside Pulumi
        ({LEGACY_RECORDED_TAG: "true"}, None, True),  # a state and a copy from before claims
        ({}, None, True),
        ({OWNER_TAG: claim_value("c1")}, None, False),  # an old state entry never deletes a claimed copy
    ],
)
def test_a_copy_is_deleted_only_by_the_record_whose_claim_it_carries(
    tags: dict[str, str], recorded: str | None, allowed: bool
) -> None:
    verdict = deletion(tags, recorded)
    assert verdict.allowed is allowed
    assert allowed or verdict.reason


def test_a_retained_copy_without_its_resource_tag_is_never_deleted_by_its_record() -> None:
    """RetainedBackupCopies recognises its copies by their resource tag; a copy without it drops out of the
    program, and that delete must not remove it (the tag's loss is not a declaration)."""
    parent = "urn:pulumi:prod::dr::pulumi-fsx-copy:index:RetainedBackupCopies::dr"
    identity = resource_identity("org", "dr", "prod", parent, TYPE, "dr-backup-0123456789abcdef0")
    label = recognised_by_tag(identity)
    assert label == Identity.of(identity, INPUTS).label
    claimed = {OWNER_TAG: claim_value("c1")}
    assert deletion({**claimed, RESOURCE_TAG: label}, "c1", recognised_by=label).allowed
    for tags in (claimed, {**claimed, RESOURCE_TAG: label + "x"}):
        verdict = deletion(tags, "c1", recognised_by=label)
        assert not verdict.allowed and RESOURCE_TAG in verdict.reason
    nested = "urn:pulumi:prod::dr::pulumi-fsx-copy:index:MultiRegionRetainedBackupCopies$" + RETAINED_TYPE + "::dr-r"
    assert recognised_by_tag(resource_identity("org", "dr", "prod", nested, TYPE, "c")) is not None
    assert recognised_by_tag(resource_identity("org", "dr", "prod", None, TYPE, "copy")) is None  # a plain copy
    assert recognised_by_tag("not json") is None


def _backup(backup_id: str, lifecycle: str, owner: str | None, identity: Identity = ME, minute: int = 0) -> Backup:
    tags = ownership_tags(identity, owner or FREE)
    if owner is None:
        del tags[OWNER_TAG]
    return Backup.from_aws(
        {
            "BackupId": backup_id,
            "ResourceARN": f"arn:aws:fsx:us-west-2:123456789012:backup/{backup_id}",
            "Lifecycle": lifecycle,
            "CreationTime": datetime(2024, 1, 1, 0, minute, tzinfo=timezone.utc),
            "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
        }
    )


def test_only_unrecorded_copies_of_this_resource_are_candidates_available_first() -> None:
    other = Identity.of(resource_identity("org", "dr", "prod", None, TYPE, "other"), INPUTS)
    moved = Identity.of(resource_identity("org", "dr", "prod", None, TYPE, "copy"), {**INPUTS, "copy_tags": True})
    backups = [
        _backup("backup-copying", "COPYING", FREE, minute=5),
        _backup("backup-available", "AVAILABLE", lease_value("x", time.time()), minute=1),
        _backup("backup-claimed", "AVAILABLE", claim_value("c")),
        _backup("backup-other", "AVAILABLE", FREE, identity=other),
        _backup("backup-moved", "AVAILABLE", FREE, identity=moved),
    ]
    assert [b.backup_id for b in unrecorded(backups, ME, any_inputs=False)] == ["backup-available", "backup-copying"]
    assert {b.backup_id for b in unrecorded(backups, ME, any_inputs=True)} == {
        "backup-available",
        "backup-copying",
        "backup-moved",
    }


# -- leases ----------------------------------------------------------------------------------------


class TagStore:
    """One copy's tags in AWS; writes land after ``latency`` seconds (as a slow TagResource would)."""

    def __init__(self, owner: str | None, latency: float = 0.0) -> None:
        self.tags: dict[str, str] = {} if owner is None else {OWNER_TAG: owner}
        self.latency = latency
        self.fail_writes = 0
        self.answer_seconds: list[float] = []
        """How long the next reads' answers take (then 0)."""
        self.aws_ahead = 0.0
        self.lock = threading.Lock()

    def read(self, _backup: Backup) -> TagRead:
        """The tags as AWS holds them, by an answer that took ``answer_seconds`` and came when AWS's clock
        read ``time.time() + aws_ahead`` (AWS's clock ahead of this machine's by ``aws_ahead``)."""
        with self.lock:
            tags = dict(self.tags)
            took = self.answer_seconds.pop(0) if self.answer_seconds else 0.0
        return TagRead(tags, time.time() + self.aws_ahead, took=took)

    def write(self, _backup: Backup, value: str, _seconds: float) -> None:
        if self.fail_writes:
            self.fail_writes -= 1
            raise ThrottledError("throttled", code="ThrottlingException", operation="TagResource")
        time.sleep(self.latency)
        with self.lock:
            self.tags[OWNER_TAG] = value


def protocol(store: TagStore, policy: LeasePolicy = POLICY) -> Ownership:
    def sleep(seconds: float) -> bool:
        time.sleep(seconds)
        return True

    return Ownership(store.read, store.write, policy, sleep)


BACKUP = _backup("backup-0123456789abcdef0", "COPYING", None)


def test_a_free_copy_is_taken_over_and_renewed_until_released() -> None:
    store = TagStore(FREE)
    ownership = protocol(store)
    lease = ownership.acquire(BACKUP)
    assert lease is not None
    first = store.tags[OWNER_TAG]
    assert owner_of(store.tags).value == lease.holder
    time.sleep(POLICY.renew * 4)
    assert owner_of(store.tags).value == lease.holder
    ownership.release(lease)
    assert store.tags[OWNER_TAG] == FREE
    assert first.startswith(f"lease:{lease.holder}:")


def test_a_lease_that_is_renewed_is_never_taken_over() -> None:
    """Two `up`s with the same names (two backends): the second sees the first renew and goes its own way."""
    store = TagStore(FREE)
    live = protocol(store)
    held = live.acquire(BACKUP)
    assert held is not None
    assert protocol(store).acquire(BACKUP) is None
    assert owner_of(store.tags).value == held.holder
    live.release(held)


def test_a_lease_unchanged_for_the_stale_time_is_taken_over() -> None:
    """A run that died without releasing (its process killed): the next run waits `stale`, then adopts."""
    store = TagStore(lease_value("dead", time.time()))
    lease = protocol(store).acquire(BACKUP)
    assert lease is not None and owner_of(store.tags).value == lease.holder
    lease.stop_renewing()


def test_a_lease_stale_by_its_own_stamp_is_taken_over_at_once() -> None:
    store = TagStore(lease_value("dead", time.time() - 3600))
    started = time.monotonic()
    lease = protocol(store, LeasePolicy(renew=60, stale=120, skew=60, settle=0.01)).acquire(BACKUP)
    assert lease is not None and time.monotonic() - started < 30
    lease.stop_renewing()


def test_under_the_stack_lock_a_lease_no_live_create_holds_is_taken_over_at_once() -> None:
    """A per-stack identity's lease that this process does not hold belongs to a run of this stack that ended
    (the stack lock lets one run at a time): a crashed provider's copy is resumed without the stale wait."""
    store = TagStore(lease_value("crashed", time.time()))
    started = time.monotonic()
    lease = protocol(store, LeasePolicy(renew=60, stale=900, skew=300, settle=0.01)).acquire(BACKUP, stack_locked=True)
    assert lease is not None and owner_of(store.tags).value == lease.holder
    assert time.monotonic() - started < 5
    lease.stop_renewing()


def test_under_the_stack_lock_a_lease_held_in_this_process_is_still_never_taken_over() -> None:
    store = TagStore(FREE)
    live = protocol(store)
    held = live.acquire(BACKUP)
    assert held is not None
    assert protocol(store).acquire(BACKUP, stack_locked=True) is None
    assert owner_of(store.tags).value == held.holder
    live.release(held)


def test_a_claimed_copy_is_never_taken_over() -> None:
    store = TagStore(claim_value("someone"))
    assert protocol(store).acquire(BACKUP) is None
    assert store.tags[OWNER_TAG] == claim_value("someone")


def test_of_runs_taking_over_at_once_exactly_one_wins() -> None:
    for _ in range(5):
        store = TagStore(FREE, latency=0.01)
        results: list[Any] = []

        def run(store: TagStore = store, results: list[Any] = results) -> None:
            results.append(protocol(store).acquire(BACKUP))

        runs = [threading.Thread(target=run) for _ in range(4)]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
        winners = [lease for lease in results if lease is not None]
        assert len(winners) == 1
        assert owner_of(store.tags).value == winners[0].holder
        winners[0].stop_renewing()


def test_a_run_whose_lease_was_taken_over_stops_renewing_and_claims_nothing() -> None:
    store = TagStore(FREE)
    ownership = protocol(store)
    lease = ownership.acquire(BACKUP)
    assert lease is not None
    usurper = lease_value("usurper", time.time())
    store.tags[OWNER_TAG] = usurper  # another run judged this one gone
    time.sleep(POLICY.renew * 4)
    with pytest.raises(LeaseLost):
        lease.check()
    assert ownership.claim(lease, "mine") is False
    assert store.tags[OWNER_TAG] == usurper


def test_the_claim_is_read_back_and_a_failed_claim_says_why() -> None:
    store = TagStore(FREE)
    ownership = protocol(store)
    lease = ownership.acquire(BACKUP)
    assert lease is not None
    store.fail_writes = 1
    with pytest.raises(ThrottledError):
        ownership.claim(lease, "mine")  # the write failed and the tag still holds the lease: AWS's error
    assert owner_of(store.tags).kind == "lease"
    lease = ownership.acquire(BACKUP) or pytest.fail("the run's own released lease")
    ownership.release(lease)
    lease = ownership.acquire(BACKUP)
    assert lease is not None
    assert ownership.claim(lease, "mine") is True
    assert store.tags[OWNER_TAG] == claim_value("mine")
    ownership.release(lease)  # after a claim, releasing changes nothing
    assert store.tags[OWNER_TAG] == claim_value("mine")


def test_a_claim_on_a_lease_not_written_lately_settles_and_loses_to_a_take_over_landing_meanwhile() -> None:
    """A run whose lease went unwritten for `stale / 2` (stopped, renewals failing) may have been judged gone:
    its claim settles before it is read back, and a take-over that lands meanwhile wins."""
    store = TagStore(FREE)
    ownership = protocol(store)
    lease = ownership.acquire(BACKUP)
    assert lease is not None
    lease.stop_renewing()
    lease.written_at -= POLICY.stale
    settle = ownership._sleep_through

    def taken_over_while_settling(seconds: float) -> None:
        # The take-over lands inside the claim's settling wait, whatever the machine's load (a timer could fire
        # after the wait on a busy machine); a claim read back before settling would not see it and say True.
        store.write(BACKUP, lease_value("taker", time.time()), seconds)
        settle(seconds)

    ownership._sleep_through = taken_over_while_settling  # type: ignore[method-assign]
    assert ownership.claim(lease, "mine") is False
    assert owner_of(store.tags).value == "taker"


def test_a_claim_on_a_lease_written_lately_is_confirmed_by_reading_it_back() -> None:
    store = TagStore(FREE)
    ownership = protocol(store)
    lease = ownership.acquire(BACKUP)
    assert lease is not None
    assert ownership.claim(lease, "mine") is True
    assert store.tags[OWNER_TAG] == claim_value("mine")


# -- reads bounded in age, ages on AWS's clock (issue 24, classes 1 and 3) -------------------------------


def test_a_slow_read_is_never_acted_on_and_a_fresh_one_is() -> None:
    """A free copy read by an answer slower than `settle * READ_AGE_FRACTION`: read again; taken once a read
    answers in time; left alone (hands off) when none of READ_ATTEMPTS does."""
    slow = POLICY.fresh_read * 2
    store = TagStore(FREE)
    store.answer_seconds = [slow] * READ_ATTEMPTS
    assert protocol(store).acquire(BACKUP) is None
    assert store.tags[OWNER_TAG] == FREE  # nothing written on a read of unknown age

    store.answer_seconds = [slow]
    lease = protocol(store).acquire(BACKUP)
    assert lease is not None and owner_of(store.tags).value == lease.holder
    store.answer_seconds = [slow] * READ_ATTEMPTS
    with pytest.raises(LeaseLost):
        protocol(store).confirm(lease)  # a delete's retry needs a fresh read showing its lease
    lease.stop_renewing()


def test_lease_ages_are_judged_and_stamped_on_aws_clock() -> None:
    """AWS's clock an hour ahead of this machine's: a lease AWS's clock says is an hour old is stale though
    this machine's clock says it was written now, and the lease this run writes is stamped on AWS's clock."""
    policy = LeasePolicy(renew=60, stale=120, skew=1, settle=0.01)
    store = TagStore(lease_value("dead", time.time()))
    store.aws_ahead = 3600.0
    lease = protocol(store, policy).acquire(BACKUP)
    assert lease is not None
    assert owner_of(store.tags).stamp > time.time() + 3500
    lease.stop_renewing()

    behind = TagStore(lease_value("live", time.time()))
    behind.aws_ahead = -3600.0  # this machine's clock an hour ahead of AWS's: the lease is not stale by AWS
    ownership = Ownership(behind.read, behind.write, policy, lambda _seconds: False)
    assert ownership.acquire(BACKUP) is None
    assert owner_of(behind.tags).value == "live"


def test_a_renewal_without_a_fresh_read_writes_nothing_and_tries_again_soon() -> None:
    """A renewal whose reads all answer too slowly skips its write (the lease may have been taken since the
    read); the lease is not lost for it, and a later renewal writes it again."""
    store = TagStore(FREE)
    lease = protocol(store).acquire(BACKUP)
    assert lease is not None
    written = store.tags[OWNER_TAG]
    store.answer_seconds = [POLICY.fresh_read * 2] * READ_ATTEMPTS
    while store.answer_seconds:
        time.sleep(POLICY.renew / 4)
    time.sleep(POLICY.renew * 3)
    assert not lease.lost and owner_of(store.tags).value == lease.holder
    assert store.tags[OWNER_TAG] != written  # renewed again once reads answered in time
    lease.stop_renewing()
