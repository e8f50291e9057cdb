"""Which copy belongs to which record: the ownership protocol over its owner tag (create, read, update, delete).

The owner tag holds ``lease:HOLDER:STAMP`` (a Create works on the copy, renewed), ``free`` or ``claim:CLAIM`` (a
state records it). A copy is deleted only by the record whose claim it carries (:func:`deletion`); an unrecorded one
is taken only through :meth:`Ownership.acquire` (free, or a lease no live run holds: stale on AWS's clock,
:class:`AwsClock`), written, settled and read back; a missing or unreadable owner tag means hands off; tag reads
are acted on only when fresh (``settle`` x :data:`READ_AGE_FRACTION`). The protocol, its assumptions and why it
holds: ``docs/dev/ownership.md``; the tag keys and identities: ``identity.py``.
"""

from __future__ import annotations

import contextvars
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Literal

from ..engine.serving import when_engine_gone
from ..errors import AwsServiceError, BackupCopyError
from ..rules.facts import GONE, Lifecycle
from ..rules.identity import IDENTITY_TAG, LEGACY_RECORDED_TAG, OWNER_TAG, RESOURCE_TAG, Identity
from .backup import Backup

FREE = "free"
_NONCE_BYTES = 8
READ_AGE_FRACTION = 0.25
"""A tag read is acted on only when its answer came within this fraction of ``settle`` (``docs/dev/ownership.md``)."""
READ_ATTEMPTS = 3
"""Reads tried before a step gives up on a fresh enough answer (and keeps hands off)."""
MIN_SETTLE = 2.0
"""The shortest ``settle`` a time scale makes: a tag read's answer (every page) must come within a fraction of
it, and one on a busy machine (the tests' emulator, pages of one tag) takes a few hundred milliseconds."""
DATE_RESOLUTION = 1.0
"""HTTP ``Date`` headers are whole seconds, rounded down."""
_NEVER = datetime.min.replace(tzinfo=timezone.utc)
"""The creation time of a backup AWS gave none (sorted last)."""


# -- per call ------------------------------------------------------------------------------------


def fresh_token(identity: Identity) -> str:
    """A ClientRequestToken for one Create call: new each call, so no lifetime ever meets another's copy."""
    return f"pfc-{identity.who}-{secrets.token_hex(_NONCE_BYTES)}"


def new_claim() -> str:
    """A claim value: random per Create, recorded in the copy's owner tag and in the resource's outputs."""
    return secrets.token_hex(_NONCE_BYTES)


# -- the owner tag -------------------------------------------------------------------------------

OwnerKind = Literal["claim", "lease", "free", "legacy-recorded", "legacy-unrecorded", "none", "unreadable"]


@dataclass(frozen=True)
class Owner:
    """A copy's owner tag, parsed."""

    kind: OwnerKind
    value: str = ""
    """The claim, or the lease's holder."""
    stamp: float = 0.0
    """When the lease was written or renewed (AWS's clock as its holder knew it, epoch seconds)."""
    raw: str | None = None

    @property
    def recorded(self) -> bool:
        """Whether some state records the copy (or may: a legacy ``recorded=true``)."""
        return self.kind in ("claim", "legacy-recorded")

    @property
    def ambiguous(self) -> bool:
        """Whether the tag cannot say whose the copy is (removed or rewritten outside Pulumi): hands off."""
        return self.kind in ("none", "unreadable")


def owner_of(tags: Mapping[str, str]) -> Owner:
    """Parse the ownership of a copy from its tags."""
    raw = tags.get(OWNER_TAG)
    if raw is None:
        legacy = tags.get(LEGACY_RECORDED_TAG)
        if legacy is None:
            return Owner("none")
        return Owner("legacy-recorded" if legacy == "true" else "legacy-unrecorded", raw=legacy)
    if raw == FREE:
        return Owner("free", raw=raw)
    kind, _, rest = raw.partition(":")
    if kind == "claim" and rest:
        return Owner("claim", rest, raw=raw)
    if kind == "lease":
        holder, _, stamp = rest.partition(":")
        try:
            return Owner("lease", holder, float(stamp), raw=raw)
        except ValueError:
            pass
    return Owner("unreadable", raw=raw)


def lease_value(holder: str, now: float) -> str:
    """The owner tag of a lease held by ``holder``, stamped ``now`` on AWS's clock (:class:`AwsClock`; to the
    millisecond, so every renewal differs)."""
    return f"lease:{holder}:{now:.3f}"


def claim_value(claim: str) -> str:
    return f"claim:{claim}"


def ownership_tags(identity: Identity, owner: str) -> dict[str, str]:
    """The ownership tags of a copy made for ``identity``, with ``owner`` as its owner tag's value."""
    return {IDENTITY_TAG: identity.tag, RESOURCE_TAG: identity.label, OWNER_TAG: owner}


# -- decisions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeasePolicy:
    """How long leases live, in seconds (scaled with the provider's other delays)."""

    renew: float = 300.0
    """Below ``stale / 2``: a claim written within ``renew`` of a fresh lease needs no settling (see ``claim``)."""
    stale: float = 900.0
    skew: float = 10.0
    """What a stamp may lag AWS's clock by: the age of the answer it was taken from (at most
    ``settle * READ_AGE_FRACTION``), beyond the Date header's :data:`DATE_RESOLUTION`."""
    settle: float = 10.0

    def scaled(self, factor: float) -> LeasePolicy:
        """Every delay times ``factor`` (the tests' time scale); ``settle`` no shorter than :data:`MIN_SETTLE`."""
        settle = max(self.settle * factor, min(self.settle, MIN_SETTLE))
        return replace(
            self, renew=self.renew * factor, stale=self.stale * factor, skew=self.skew * factor, settle=settle
        )

    @property
    def fresh_read(self) -> float:
        """The longest a tag read's answer may take for a take-over, a claim or a delete to act on it."""
        return self.settle * READ_AGE_FRACTION

    def stale_on(self, owner: Owner, aws_now: float) -> bool:
        """Whether a lease's stamp is older than ``stale`` at ``aws_now`` (AWS's clock, never a machine's)."""
        return self.seconds_to_stale(owner, aws_now) <= 0

    def seconds_to_stale(self, owner: Owner, aws_now: float) -> float:
        """How long, on AWS's clock, until the lease ``owner`` is stale (0 or less: it is)."""
        return owner.stamp + self.stale + self.skew + DATE_RESOLUTION - aws_now


@dataclass(frozen=True)
class Deletion:
    """Whether delete may delete a recorded copy, and if not, why (for the warning)."""

    allowed: bool
    reason: str = ""


def deletion(tags: Mapping[str, str], recorded_claim: str | None, *, recognised_by: str | None = None) -> Deletion:
    """May the record whose claim is ``recorded_claim`` (None: a state written before claims) delete the copy
    whose tags are ``tags``? Only when the copy carries that very claim, and, for a resource whose program
    recognises its copies by their :data:`RESOURCE_TAG` (``recognised_by``: that tag's value; a child of
    :data:`RETAINED_TYPE`), still carries that tag: a program that lost sight of the copy because the tag was
    removed drops its resource, and a delete cannot tell that from a declaration or ``pulumi destroy``."""
    owner = owner_of(tags)
    if recorded_claim is None:
        if owner.kind in ("none", "legacy-recorded", "legacy-unrecorded"):
            return Deletion(True)
        return Deletion(False, f"its owner tag says {owner.raw!r}, and this state (written before claims) holds none")
    if owner.kind == "claim" and owner.value == recorded_claim:
        if recognised_by is not None and tags.get(RESOURCE_TAG) != recognised_by:
            return Deletion(
                False,
                f"its {RESOURCE_TAG} tag was removed or changed outside Pulumi, and RetainedBackupCopies recognises "
                "its copies by that tag, so this delete may come from the tag's loss rather than from the program",
            )
        return Deletion(True)
    if owner.kind == "claim":
        return Deletion(False, "another record holds it (its claim is not the one this state recorded)")
    if owner.kind == "none":
        return Deletion(
            False, f"its {OWNER_TAG} tag was removed outside Pulumi, so it cannot be shown to be this stack's"
        )
    return Deletion(False, f"its owner tag says {owner.raw!r}, not the claim this state recorded")


def unrecorded(backups: Iterable[Backup], identity: Identity, *, any_inputs: bool) -> list[Backup]:
    """The copies of this resource (with these inputs, unless ``any_inputs``) that no state records and no
    run holds, by their tags: the orphans a destroy removes, and the candidates a Create may adopt."""
    match = identity.of_resource if any_inputs else identity.made_for
    found = [b for b in backups if match(b.tags) and not owner_of(b.tags).recorded and not owner_of(b.tags).ambiguous]
    found.sort(key=lambda b: (b.lifecycle == Lifecycle.AVAILABLE, b.creation_time or _NEVER), reverse=True)
    return found


def ambiguous(backups: Iterable[Backup], identity: Identity) -> list[Backup]:
    """The live copies made for this resource whose owner tag is missing or unreadable: never adopted nor
    swept, since nothing tells whether a state records them."""
    return [b for b in backups if identity.of_resource(b.tags) and is_live(b) and owner_of(b.tags).ambiguous]


def is_live(backup: Backup) -> bool:
    return backup.lifecycle not in GONE


# -- the protocol's steps ------------------------------------------------------------------------


@dataclass(frozen=True)
class TagRead:
    """A copy's tags as one ListTagsForResource answered them."""

    tags: dict[str, str]
    aws_time: float
    """AWS's clock when it answered (the answer's ``Date``, epoch seconds)."""
    took: float = 0.0
    """Seconds from asking to the answer (retries included), on this process's monotonic clock."""
    received: float = field(default_factory=time.monotonic)
    """When the answer came (this process's monotonic clock)."""


class AwsClock:
    """AWS's clock, as the ``Date`` of its answers tells it, carried forward on this process's monotonic clock.

    A ``Date`` is stamped before its answer arrives and rounded down, so each answer gives a lower bound of AWS's
    time; the clock keeps the highest. Lease ages are judged on it, and lease stamps come from it: no machine's
    wall clock enters the protocol."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset: float | None = None

    def observe(self, aws_time: float, received: float) -> None:
        """An answer stamped ``aws_time`` (epoch seconds) arrived at ``received`` (``time.monotonic()``)."""
        with self._lock:
            offset = aws_time - received
            if self._offset is None or offset > self._offset:
                self._offset = offset

    def now(self) -> float:
        """AWS's time now (epoch seconds, a lower bound); AwsServiceError before any answer was seen."""
        with self._lock:
            offset = self._offset
        if offset is None:
            raise AwsServiceError("no AWS answer has told this run AWS's time yet, so no lease can be stamped.")
        return time.monotonic() + offset


TagReader = Callable[[Backup], TagRead]
"""Reads a copy's tags now (ListTagsForResource); AWS failures raise a BackupCopyError."""
TagWriter = Callable[[Backup, str, float], None]
"""Writes a copy's owner tag (TagResource, one attempt within the given seconds)."""


class LeaseLost(Exception):
    """The copy's lease is no longer this run's: another run took it over (this one was stopped too long)."""


class Lease:
    """This Create's hold on one copy; renewed in the background while held."""

    def __init__(self, backup: Backup, holder: str, protocol: Ownership) -> None:
        self.backup = backup
        self.holder = holder
        self._protocol = protocol
        self._stop = threading.Event()
        self.lost = False
        self.written_at = time.monotonic()
        """When this run last wrote the lease (this process's monotonic clock)."""

    def start_renewing(self) -> None:
        self._protocol.held.add(self)
        # In the operation's context: its calls are made with the resource's AWS settings (clients.RESOURCE_SETTINGS).
        renew = contextvars.copy_context().run
        threading.Thread(target=renew, args=(self._renew_loop,), daemon=True, name=f"lease-{self.holder}").start()

    def stop_renewing(self) -> None:
        self._stop.set()

    def check(self) -> None:
        if self.lost:
            raise LeaseLost()

    def _renew_loop(self) -> None:
        policy = self._protocol.policy
        wait = policy.renew
        while not self._stop.wait(wait):
            try:
                renewed = self._protocol.renew(self)
            except LeaseLost:
                self.lost = True
                return
            except BackupCopyError:
                renewed = False  # one failed renewal is not fatal: the next one tries again, well within `stale`
            wait = policy.renew if renewed else policy.settle


class HeldLeases:
    """Every lease this process holds, so that the engine watcher can let them be released before exiting."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._leases: set[Lease] = set()

    def add(self, lease: Lease) -> None:
        with self._cond:
            self._leases.add(lease)

    def discard(self, lease: Lease) -> None:
        with self._cond:
            self._leases.discard(lease)
            self._cond.notify_all()

    def holds(self, holder: str) -> bool:
        """Whether this process holds a lease whose holder is ``holder``."""
        with self._cond:
            return any(lease.holder == holder for lease in self._leases)

    def wait_released(self, seconds: float) -> bool:
        """Wait until no lease is held (they are released as their waits end); False after ``seconds``."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._leases, timeout=seconds)


LEASE_RELEASE_SECONDS = 20.0
"""Once the engine is gone, how long the process lets cancelled Creates release their leases before it exits."""
HELD_LEASES = HeldLeases()
# Each cancelled Create releases its copy's lease (``free``) so that the next `pulumi up` adopts it at once rather
# than wait for the lease to go stale: let them, within bounds, before the process ends.
when_engine_gone(lambda: HELD_LEASES.wait_released(LEASE_RELEASE_SECONDS))


class Ownership:
    """The protocol's steps over one copy's owner tag (reads and writes go through the AWS gateway)."""

    def __init__(
        self,
        read_tags: TagReader,
        write_owner: TagWriter,
        policy: LeasePolicy,
        sleep: Callable[[float], bool],
        held: HeldLeases = HELD_LEASES,
        clock: AwsClock | None = None,
    ) -> None:
        self.read_tags = read_tags
        self.write_owner = write_owner
        self.policy = policy
        self._sleep = sleep
        self.held = held
        self.clock = clock or AwsClock()

    def new_lease(self) -> tuple[str, str]:
        """A holder for a new copy, and the owner tag value it starts with (sent with CopyBackup)."""
        holder = secrets.token_hex(_NONCE_BYTES)
        return holder, lease_value(holder, self.clock.now())

    def hold(self, backup: Backup, holder: str) -> Lease:
        """A lease this Create already holds (it made the copy with its lease tag), now renewed."""
        lease = Lease(backup, holder, self)
        lease.start_renewing()
        return lease

    def acquire(self, backup: Backup, *, stack_locked: bool = False) -> Lease | None:
        """Take over the lease of an unrecorded copy when no live run holds it; None when one does, when the
        copy got recorded meanwhile, or when no read answered fresh enough (hands off). A lease is waited on
        until it is stale on AWS's clock; with ``stack_locked`` (the copy's identity holds the stack's key, and
        this run holds the stack's lock) a lease this process does not hold is a run that ended: taken at once."""
        read = self._fresh(backup)
        if read is None:
            return None
        owner = owner_of(read.tags)
        crashed = stack_locked and owner.kind == "lease" and not self.held.holds(owner.value)
        while owner.kind == "lease" and not crashed and not self.policy.stale_on(owner, read.aws_time):
            wait = min(self.policy.renew / 2, self.policy.seconds_to_stale(owner, read.aws_time))
            if not self._sleep(wait):
                return None
            now = self._fresh(backup)
            if now is None:
                return None
            if now.tags.get(OWNER_TAG) != owner.raw:
                if owner_of(now.tags).kind == "lease":
                    return None  # renewed (or taken by another run): a live run works on it
                read, owner = now, owner_of(now.tags)
                break
            read = now
        if owner.recorded or owner.ambiguous:
            return None
        holder = secrets.token_hex(_NONCE_BYTES)
        try:
            taken = self._write_and_confirm(backup, lease_value(holder, self.clock.now()), owner.raw)
        except _NoFreshRead:
            return None  # our lease may have landed: unrenewed, it goes stale and the copy is taken again later
        return self.hold(backup, holder) if taken else None

    def renew(self, lease: Lease) -> bool:
        """Renew ``lease`` if it is still this run's; LeaseLost when another run holds the copy now. Without a
        fresh enough read nothing is written: False (the loop tries again after ``settle``)."""
        read = self._fresh(lease.backup)
        if read is None:
            return False
        owner = owner_of(read.tags)
        if owner.kind != "lease" or owner.value != lease.holder:
            raise LeaseLost()
        self.write_owner(lease.backup, lease_value(lease.holder, self.clock.now()), self.policy.renew)
        lease.written_at = time.monotonic()
        return True

    def confirm(self, lease: Lease) -> None:
        """Read the copy's owner tag now: LeaseLost unless a fresh enough read shows it is still ``lease``."""
        read = self._fresh(lease.backup)
        owner = owner_of(read.tags) if read is not None else Owner("unreadable")
        if owner.kind != "lease" or owner.value != lease.holder:
            raise LeaseLost()

    def release(self, lease: Lease) -> None:
        """Give the copy back (``free``) if a fresh read shows it is still this run's, so the next run adopts it
        at once."""
        lease.stop_renewing()
        try:
            read = self._fresh(lease.backup)
            owner = owner_of(read.tags) if read is not None else Owner("unreadable")
            if owner.kind == "lease" and owner.value == lease.holder:
                self.write_owner(lease.backup, FREE, self.policy.settle / 2)
        except BackupCopyError:
            pass  # unreleased, the lease goes stale and the next run takes it over
        finally:
            self.held.discard(lease)

    def forget(self, lease: Lease) -> None:
        """This run is done with ``lease`` (claimed): stop renewing it; nothing is written."""
        lease.stop_renewing()
        self.held.discard(lease)

    def claim(self, lease: Lease, claim: str) -> bool:
        """The last step of a successful Create: turn this run's lease into the claim a state records.

        True once the claim is read back; False when another run holds the copy (nothing claimed). Raises the
        gateway's error when neither the write nor the read-back could be confirmed (AwsServiceError when no
        read answered fresh enough).
        """
        lease.stop_renewing()
        try:
            read = self._fresh(lease.backup)
            if read is None:
                raise _NoFreshRead()
            owner = owner_of(read.tags)
            if owner.kind != "lease" or owner.value != lease.holder:
                return False
            # No run takes over a lease stamped less than `stale` ago (on AWS's clock) unless it holds the stack's
            # lock. A lease this run wrote less than `stale / 2` ago, whose claim is written within `renew`
            # (< `stale / 2`), cannot have been taken over in between: its claim needs no settling, only to be
            # seen. An older one (renewals failed, the process was stopped) settles as a take-over does.
            fresh = time.monotonic() - lease.written_at < self.policy.stale / 2
            return self._write_and_confirm(
                lease.backup, claim_value(claim), owner.raw, self.policy.renew, settle_first=not fresh
            )
        except _NoFreshRead:
            raise AwsServiceError(
                f"ListTagsForResource did not answer within {self.policy.fresh_read:g} s in {READ_ATTEMPTS} "
                "tries, so the claim could not be confirmed.",
                operation="ListTagsForResource",
                backup_id=lease.backup.backup_id,
            ) from None

    def _write_and_confirm(
        self,
        backup: Backup,
        value: str,
        before: str | None,
        seconds: float | None = None,
        *,
        settle_first: bool = True,
    ) -> bool:
        """Write the owner tag (within ``seconds``, default ``settle / 2``), let it settle, read it back: True
        when it reads ``value``, False when another run's value is there. When the write failed and the tag
        still reads ``before``, the write's error; _NoFreshRead when no read-back answered fresh enough. Without
        ``settle_first`` it is read back at once, and settles only when the write is not visible yet."""
        failure: BackupCopyError | None = None
        try:
            self.write_owner(backup, value, self.policy.settle / 2 if seconds is None else seconds)
        except BackupCopyError as err:  # the write may have landed all the same: the read-back decides
            failure = err
        if not settle_first and failure is None:
            now = self._owner_tag(backup)
            if now == value:
                return True
            if now != before:
                return False
        self._sleep_through(self.policy.settle)
        now = self._owner_tag(backup)
        if now == value:
            return True
        if failure is not None and now == before:
            raise failure
        return False

    def _owner_tag(self, backup: Backup) -> str | None:
        read = self._fresh(backup)
        if read is None:
            raise _NoFreshRead()
        return read.tags.get(OWNER_TAG)

    def _fresh(self, backup: Backup) -> TagRead | None:
        """The copy's tags by an answer that took at most ``policy.fresh_read`` seconds (an older one may predate
        another run's write that landed since); None when none of :data:`READ_ATTEMPTS` did."""
        for _ in range(READ_ATTEMPTS):
            read = self.read_tags(backup)
            self.clock.observe(read.aws_time, read.received)
            if read.took <= self.policy.fresh_read:
                return read
        return None

    def _sleep_through(self, seconds: float) -> None:
        """Sleep even when cancelled: a write must settle before it is read back."""
        time.sleep(max(0.0, seconds))


class _NoFreshRead(Exception):
    """No tag read answered fresh enough to act on."""
