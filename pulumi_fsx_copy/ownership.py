"""Which copy belongs to which record: the ownership protocol, used by create, read, update and delete.

The engine's state is the ground truth: a copy is recorded from the moment CopyBackup answers (a failed Create
hands it over as a resource that failed to initialise, ``serving.record_init_failure``). Tags say the rest, and
each copy the provider makes carries all three: :data:`IDENTITY_TAG` (``WHO-WHAT``: digests of the resource's
identity, which holds the stack's random key, and of its replacing inputs), :data:`RESOURCE_TAG` (the identity in
words) and :data:`OWNER_TAG`, one value written whole at a time: ``lease:HOLDER:STAMP`` (a Create works on it,
renewed every ``renew``), ``free`` (released), ``claim:CLAIM`` (a state records it; ``CLAIM`` is in its outputs).

* A copy is deleted only by the record whose claim it carries (:func:`deletion`), after its replacement is
  AVAILABLE; a sweep (orphans, FAILED copies) takes the copy first and reads it again before each retry.
* An unrecorded copy is taken (adopted or swept) only through :meth:`Ownership.acquire`: free, or a lease no live
  run holds (stale on AWS's clock, or, under the stack lock with a keyed identity, held by no Create of this
  process); it writes its lease, waits ``settle`` and reads it back. A claimed copy is never taken.
* Missing or unreadable owner tag: hands off (never adopted nor swept; the caller warns naming it).
* Tag reads acted on are bounded in age: one whose answer took over ``settle`` x :data:`READ_AGE_FRACTION` (1/4)
  is read again, then given up (hands off). 1/4 because a take-over's read (<= settle/4) and write (deadline
  settle/2) then land within 3/4 of ``settle`` of what was read, before any rival's read-back.
* Lease stamps are written and judged on AWS's clock (:class:`AwsClock`, the answers' ``Date``), never a machine's.

Assumptions: a TagResource is visible to ListTagsForResource within ``settle``; a stack's state is used from one
backend at a time. Kept for what was written before this protocol: ``v2`` identities without a key (until the
record is replaced; :meth:`Identity.replaced_by`), owner kinds ``legacy-recorded``/``legacy-unrecorded`` (the
``recorded`` tag), states without a ``claim`` output (delete only a copy with no or a legacy owner tag); lease
stamps of older versions are judged as AWS-clock stamps. The reasoning and the undecidable cases:
``docs/dev/ownership.md``.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Literal

from .errors import AwsServiceError, BackupCopyError
from .facts import GONE, MAX_TAG_VALUE_LENGTH, Lifecycle, tag_character_allowed

PROVIDER_TAG_PREFIX = "pulumi-fsx-copy:"
"""Tag keys the provider owns; refused in the ``tags`` input."""
IDENTITY_TAG = PROVIDER_TAG_PREFIX + "identity"
RESOURCE_TAG = PROVIDER_TAG_PREFIX + "resource"
OWNER_TAG = PROVIDER_TAG_PREFIX + "owner"
LEGACY_RECORDED_TAG = PROVIDER_TAG_PREFIX + "recorded"
"""The owner tag of copies made before claims existed (``true`` / ``false``); read, never written."""
RETAINED_TYPE = "pulumi-fsx-copy:index:RetainedBackupCopies"
"""The component that recognises its children's copies by their :data:`RESOURCE_TAG` (``retention.py``)."""
OWNERSHIP_TAG_KEYS = (IDENTITY_TAG, RESOURCE_TAG, OWNER_TAG)
"""The tags every copy the provider makes carries: they count against FSx's 50 tags."""

FREE = "free"
_PER_STACK = "v3"
_WHO_CHARS = 32
_WHAT_CHARS = 16
_NONCE_BYTES = 8
READ_AGE_FRACTION = 0.25
"""A tag read is acted on only when its answer came within this fraction of ``settle`` (see the header)."""
READ_ATTEMPTS = 3
"""Reads tried before a step gives up on a fresh enough answer (and keeps hands off)."""
MIN_SETTLE = 2.0
"""The shortest ``settle`` a time scale makes: a tag read's answer (every page) must come within a fraction of
it, and one on a busy machine (the tests' emulator, pages of one tag) takes a few hundred milliseconds."""
DATE_RESOLUTION = 1.0
"""HTTP ``Date`` headers are whole seconds, rounded down."""


# -- identity ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Who a copy is for (``who``: the resource) and what was asked (``what``: its replacing inputs)."""

    who: str
    what: str
    label: str
    per_stack: bool = False
    """Whether it holds the stack's key: only runs of this stack (one at a time, by the stack lock) use it."""

    @classmethod
    def of(cls, identity: str, replacing_inputs: Mapping[str, Any]) -> Identity:
        material = json.dumps(dict(replacing_inputs), sort_keys=True, default=str)
        return cls(
            who=_digest(identity)[:_WHO_CHARS],
            what=_digest(material)[:_WHAT_CHARS],
            label=resource_label(identity),
            per_stack=identity.startswith(f'["{_PER_STACK}",'),
        )

    @property
    def tag(self) -> str:
        """The value of :data:`IDENTITY_TAG`."""
        return f"{self.who}-{self.what}"

    def made_for(self, backup: Mapping[str, Any]) -> bool:
        """Whether ``backup`` was made for this resource with these inputs."""
        return tag_map(backup).get(IDENTITY_TAG) == self.tag

    def of_resource(self, backup: Mapping[str, Any]) -> bool:
        """Whether ``backup`` was made for this resource, whatever its inputs were."""
        return tag_map(backup).get(IDENTITY_TAG, "").split("-")[0] == self.who

    def replaced_by(self, backup: Mapping[str, Any]) -> bool:
        """Whether ``backup`` may be a replacement of this resource's copy: made for it, or (a record written
        before stack keys) for the same names with the stack's key."""
        if self.of_resource(backup):
            return True
        label = tag_map(backup).get(RESOURCE_TAG, "")
        return not self.per_stack and label.startswith(_KEYED_LABEL) and _names_of(label) == _names_of(self.label)


def resource_identity(
    organization: str,
    project: str,
    stack: str,
    parent_urn: str | None,
    type_: str,
    name: str,
    stack_key: str | None = None,
) -> str:
    """The ``resource_identity`` input: a JSON list, so no two resources can spell the same (names may hold
    ``/``). With the stack's key (``stack_key``, from its state), ``v3``: no other stack has it; it comes last,
    so every other item keeps its place and the key its place in a tag that keeps a long label's end. Without,
    ``v2``: the identity of records written before keys, kept until they are replaced."""
    names = [organization, project, stack, parent_urn or "", type_, name]
    if stack_key is None:
        return json.dumps(["v2", *names], separators=(",", ":"))
    return json.dumps([_PER_STACK, *names, stack_key], separators=(",", ":"))


def recognised_by_tag(identity: str) -> str | None:
    """The :data:`RESOURCE_TAG` value the program of the resource whose ``resource_identity`` is ``identity``
    recognises its copy by (a child of :data:`RETAINED_TYPE`), or None."""
    try:
        parent_urn = str(json.loads(identity)[4])
    except (ValueError, TypeError, IndexError, KeyError):
        return None
    parts = parent_urn.split("::")
    parent_type = parts[2].split("$")[-1] if len(parts) > 3 else ""
    return resource_label(identity) if parent_type == RETAINED_TYPE else None


def resource_label(identity: str) -> str:
    """The value of :data:`RESOURCE_TAG`: ``identity`` within FSx's tag value rules (characters outside
    ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]`` become ``/``; the end is kept when it is longer than 256)."""
    allowed = (ch if tag_character_allowed(ch) else "/" for ch in identity)
    return "".join(allowed)[-MAX_TAG_VALUE_LENGTH:]


_KEYED_LABEL = f"//{_PER_STACK}///"
_LABEL_VERSION = re.compile(rf"^//(?:v2|{_PER_STACK})///")
_LABEL_KEY = re.compile(r"///[0-9a-f]+//$")


def _names_of(label: str) -> str:
    """A resource label without its version and stack key: the names alone."""
    names = _LABEL_VERSION.sub("", label, count=1)
    return _LABEL_KEY.sub("//", names, count=1) if label.startswith(_KEYED_LABEL) else names


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


def without_ownership(tags: Mapping[str, str]) -> dict[str, str]:
    """``tags`` without the provider's own keys."""
    return {k: v for k, v in tags.items() if not k.startswith(PROVIDER_TAG_PREFIX)}


def tag_map(backup: Mapping[str, Any]) -> dict[str, str]:
    """A backup's tags (DescribeBackups' ``Tags`` list) as a dict."""
    return {str(t.get("Key")): str(t.get("Value", "")) for t in backup.get("Tags") or []}


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


def unrecorded(backups: Iterable[Mapping[str, Any]], identity: Identity, *, any_inputs: bool) -> list[dict[str, Any]]:
    """The copies of this resource (with these inputs, unless ``any_inputs``) that no state records and no
    run holds, by their tags: the orphans a destroy removes, and the candidates a Create may adopt."""
    match = identity.of_resource if any_inputs else identity.made_for
    found = [
        dict(b)
        for b in backups
        if match(b) and not owner_of(tag_map(b)).recorded and not owner_of(tag_map(b)).ambiguous
    ]
    found.sort(key=lambda b: (b.get("Lifecycle") == Lifecycle.AVAILABLE, _created(b)), reverse=True)
    return found


def ambiguous(backups: Iterable[Mapping[str, Any]], identity: Identity) -> list[dict[str, Any]]:
    """The live copies made for this resource whose owner tag is missing or unreadable: never adopted nor
    swept, since nothing tells whether a state records them."""
    return [dict(b) for b in backups if identity.of_resource(b) and is_live(b) and owner_of(tag_map(b)).ambiguous]


def is_live(backup: Mapping[str, Any]) -> bool:
    return backup.get("Lifecycle") not in GONE


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


TagReader = Callable[[Mapping[str, Any]], TagRead]
"""Reads a copy's tags now (ListTagsForResource); AWS failures raise a BackupCopyError."""
TagWriter = Callable[[Mapping[str, Any], str, float], None]
"""Writes a copy's owner tag (TagResource, one attempt within the given seconds)."""


class LeaseLost(Exception):
    """The copy's lease is no longer this run's: another run took it over (this one was stopped too long)."""


class Lease:
    """This Create's hold on one copy; renewed in the background while held."""

    def __init__(self, backup: Mapping[str, Any], holder: str, protocol: Ownership) -> None:
        self.backup = dict(backup)
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


HELD_LEASES = HeldLeases()


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

    def hold(self, backup: Mapping[str, Any], holder: str) -> Lease:
        """A lease this Create already holds (it made the copy with its lease tag), now renewed."""
        lease = Lease(backup, holder, self)
        lease.start_renewing()
        return lease

    def acquire(self, backup: Mapping[str, Any], *, stack_locked: bool = False) -> Lease | None:
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
                backup_id=str(lease.backup.get("BackupId")),
            ) from None

    def _write_and_confirm(
        self,
        backup: Mapping[str, Any],
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

    def _owner_tag(self, backup: Mapping[str, Any]) -> str | None:
        read = self._fresh(backup)
        if read is None:
            raise _NoFreshRead()
        return read.tags.get(OWNER_TAG)

    def _fresh(self, backup: Mapping[str, Any]) -> TagRead | None:
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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _created(backup: Mapping[str, Any]) -> datetime:
    created = backup.get("CreationTime")
    if isinstance(created, datetime):
        return created if created.tzinfo else created.replace(tzinfo=timezone.utc)
    return datetime.min.replace(tzinfo=timezone.utc)
