"""A copy's life in AWS, as the ownership protocol allows it: start or adopt, wait, claim; delete what is owned.

The provider translates between the engine and these steps; :mod:`pulumi_fsx_copy.aws.ownership` decides whose a
copy is; :mod:`pulumi_fsx_copy.aws.gateway` makes the calls. Nothing here deletes a copy except one AWS reports
FAILED that no state records, one this record's claim owns, or an unrecorded one of this resource when it is
destroyed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from typing import Any

import pulumi

from ..engine.progress import ProgressReporter, current_urn
from ..engine.waiting import Deadline, WaitCancelled
from ..errors import (
    BackupCopyError,
    BackupInUseError,
    CopyCancelledError,
    CopyDeletedError,
    CopyFailedError,
    CopyNotFoundError,
    CopyTimeoutError,
    ErrorContext,
    IdempotencyConflictError,
    InvalidInputError,
    OwnershipConflictError,
    TaggingError,
)
from ..rules.facts import AWS_TAG_PREFIX, ENDED, GONE, IN_PROGRESS, MAX_TAGS, Lifecycle
from ..rules.identity import IDENTITY_TAG, LEGACY_RECORDED_TAG, OWNER_TAG, PROVIDER_TAG_PREFIX, Identity
from ..rules.schema import DEFAULT_WAIT_TIMEOUT_MINUTES, INPUT_DEFAULTS, REPLACING_INPUTS
from ..rules.tags import TagChanges
from .backup import Backup
from .gateway import UNCANCELLABLE, AwsGateway
from .keys import MANAGED_KEY_ALIAS, KmsKeys
from .listings import RegionListings
from .ownership import (
    FREE,
    Lease,
    LeaseLost,
    LeasePolicy,
    Ownership,
    ambiguous,
    deletion,
    fresh_token,
    is_live,
    new_claim,
    owner_of,
    ownership_tags,
    unrecorded,
)

CALL_TIMEOUT_SECONDS = 300.0
"""Steps that do not wait on copies give AWS this long to answer."""


@dataclass(frozen=True)
class CopyRequest:
    """What one Create asks for (the checked inputs, typed)."""

    source_backup_id: str
    source_region: str
    region: str
    kms_key_id: str | None
    copy_tags: bool
    tags: dict[str, str]
    client_request_token: str | None
    wait_for_available: bool
    wait_timeout_minutes: float
    identity: Identity

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, Any]) -> CopyRequest:
        """The request of ``check``'s output (Regions resolved), with the schema's defaults where none is given."""

        def given(name: str) -> Any:
            value = inputs.get(name)
            return INPUT_DEFAULTS.get(name) if value is None or value == "" else value

        region = str(given("region"))
        fields: dict[str, Any] = {
            "source_backup_id": str(given("source_backup_id")),
            "source_region": str(given("source_region") or region),
            "region": region,
            "kms_key_id": given("kms_key_id"),
            "copy_tags": bool(given("copy_tags")),
            "tags": dict(given("tags")),
            "client_request_token": given("client_request_token"),
            "wait_for_available": bool(given("wait_for_available")),
            "wait_timeout_minutes": float(given("wait_timeout_minutes")),
        }
        identity = Identity.of(str(inputs.get("resource_identity") or ""), {k: fields[k] for k in REPLACING_INPUTS})
        return cls(**fields, identity=identity)

    def context(self, operation: str, backup_id: str = "?", **extra: str) -> ErrorContext:
        return ErrorContext(
            operation=operation,
            region=self.region,
            source_region=self.source_region,
            source_backup_id=self.source_backup_id,
            backup_id=backup_id,
            kms_key_id=self.kms_key_id or "(the FSx-managed default key)",
            extra=extra,
            secrets=tuple(self.tags.values()),
        )

    @property
    def route(self) -> str:
        return f"{self.source_backup_id} ('{self.source_region}' -> '{self.region}')"


@dataclass(frozen=True)
class Created:
    """What a Create made: the copy as last described before its claim, the claim, its key's ``KeyState``."""

    backup: Backup
    claim: str
    kms_key_state: str | None


class Copies:
    """Create, read and delete copies through the gateway, as the ownership protocol allows."""

    def __init__(self, gateway: AwsGateway, policy: LeasePolicy, progress: ProgressReporter) -> None:
        self.gateway = gateway
        self.policy = policy
        self.progress = progress
        self.listings = RegionListings(gateway.list_copies, gateway.scope)
        self.keys = KmsKeys(gateway)

    def _ownership(self, request: CopyRequest, deadline: Deadline) -> Ownership:
        return self._ownership_in(request.region, tuple(request.tags.values()), deadline)

    def _ownership_in(self, region: str, secrets: tuple[str, ...], deadline: Deadline) -> Ownership:
        gateway = self.gateway

        def write_owner(backup: Backup, value: str, seconds: float) -> None:
            gateway.tag(region, backup, {OWNER_TAG: value}, Deadline(seconds, UNCANCELLABLE), secrets)

        return Ownership(
            read_tags=lambda backup: gateway.read_tags(region, backup, Deadline(CALL_TIMEOUT_SECONDS, UNCANCELLABLE)),
            write_owner=write_owner,
            policy=self.policy,
            sleep=deadline.sleep,
            clock=gateway.clock,
        )

    # -- create ------------------------------------------------------------------------------------

    def create(self, request: CopyRequest, deadline: Deadline, recordable: Callable[[], bool]) -> Created:
        """Start a copy (or adopt this resource's unrecorded one), wait for it, and claim it as the last step.

        A failure once the copy exists (timeout, Cancel, an AWS error) claims the copy when ``recordable()``
        (the engine can record it) and raises :class:`Unfinished`; otherwise the copy stays unrecorded and
        released, for the next Create of this resource to adopt. A copy that is gone or taken over is neither.
        Every error says what became of the copy.
        """
        ownership = self._ownership(request, deadline)
        try:
            deadline.cancel.check()  # a Create that arrives after Cancel starts no copy
            lease = self._start_or_adopt(request, ownership, deadline)
        except WaitCancelled:
            raise cancelled(request, None) from None
        except BackupCopyError as err:
            if err.backup_id is None or err.operation == "CopyBackup":
                raise
            raise err.with_message(
                f"{err} Copy {err.backup_id} in '{request.region}' was left as it was: no state records it, and "
                "the next `pulumi up` looks at it again."
            ) from None
        backup_id = lease.backup.backup_id
        claim = new_claim()
        claimed = False
        try:
            try:
                backup, key_state = self._finish(request, lease, deadline)
            except (CopyDeletedError, CopyFailedError, OwnershipConflictError):
                raise  # gone (deleted as FAILED, or outside Pulumi), or another run's now: nothing to record
            except BackupCopyError as err:
                if recordable() and not lease.lost and self._claim_quietly(ownership, lease, claim):
                    claimed = True
                    raise Unfinished(err, lease.backup, claim) from None
                raise kept(err, backup_id, request.region, recorded=False) from None
            deadline.cancel.check()  # an engine gone or cancelling will not record the copy: leave it unclaimed
            claimed = self._claim(request, ownership, lease, claim)
            return Created(backup, claim, key_state)
        except WaitCancelled:
            raise kept(cancelled(request, backup_id), backup_id, request.region, recorded=False) from None
        finally:
            if claimed:
                ownership.forget(lease)
            else:
                ownership.release(lease)

    def _finish(self, request: CopyRequest, lease: Lease, deadline: Deadline) -> tuple[Backup, str | None]:
        """Wait for the leased copy (unless not asked to), then read its key's state; every step that can fail or
        be cancelled comes before the claim. Raises BackupCopyError (a cancel as CopyCancelledError)."""
        backup_id = lease.backup.backup_id
        try:
            if request.wait_for_available:
                backup = self._wait_until_available(request, lease, deadline)
            else:
                backup = self.gateway.describe_backup(request.region, backup_id, deadline)
                lease.backup = backup
            lease.check()
            return backup, self.keys.state(request.region, backup_id, backup.kms_key_id)
        except LeaseLost:
            raise self._taken_over(request, backup_id) from None
        except WaitCancelled:
            raise cancelled(request, backup_id) from None

    @staticmethod
    def _claim_quietly(ownership: Ownership, lease: Lease, claim: str) -> bool:
        """Claim the copy of a failed Create, so that the engine records it; False when not confirmed."""
        try:
            return ownership.claim(lease, claim)
        except BackupCopyError:
            return False

    def resume(self, request: CopyRequest, backup_id: str, claim: str | None) -> Backup:
        """Wait (up to ``wait_timeout_minutes``) for a recorded copy that is not AVAILABLE yet (a Create that failed
        after it existed).

        Its owner tag must carry the recorded ``claim``; OwnershipConflictError otherwise. Returns it once
        AVAILABLE; raises :class:`Unfinished` (the copy as last described) on a timeout, a cancel, FAILED or
        an AWS error, so that the engine keeps it recorded as not ready.
        """
        deadline = Deadline(request.wait_timeout_minutes * 60)
        backup = self.gateway.describe_backup(request.region, backup_id, deadline)
        if deletion(backup.tags, claim).allowed is False or claim is None:
            raise OwnershipConflictError(
                f"copy {backup_id} in '{request.region}' does not carry the claim this stack recorded for it, so "
                "this run does not wait for it. Nothing was changed.",
                **request.context("DescribeBackups", backup_id).fields(None),
            )
        holder = _Described(backup)
        try:
            return self._wait(request, holder, deadline, delete_failed=False)
        except WaitCancelled:
            raise Unfinished(cancelled(request, backup_id), holder.backup, claim) from None
        except (CopyDeletedError, CopyNotFoundError):
            raise
        except BackupCopyError as err:
            raise Unfinished(err, holder.backup, claim) from None

    def _start_or_adopt(self, request: CopyRequest, ownership: Ownership, deadline: Deadline) -> Lease:
        """This Create's lease on the copy it works on."""
        if request.client_request_token:
            return self._start_with_token(request, ownership, deadline)
        copies = self.listings.copies(request.region, deadline, who=request.identity.who)
        _warn_ambiguous(request.region, copies, request.identity, keep=None)
        for failed in unrecorded(copies, request.identity, any_inputs=False):
            if failed.lifecycle == Lifecycle.FAILED and self._released(failed):
                self._sweep(ownership, request.region, failed, deadline)
        candidates = [b for b in unrecorded(copies, request.identity, any_inputs=False) if is_live(b)]
        for candidate in candidates:
            if not self._matches(request, candidate, deadline):
                continue
            try:
                lease = ownership.acquire(candidate, stack_locked=request.identity.per_stack)
            except CopyNotFoundError:
                continue  # gone since the run's listing nominated it
            if lease is not None:
                try:
                    lease.backup = self.gateway.describe_backup(request.region, candidate.backup_id, deadline)
                    self._restore_tags(request, lease.backup, deadline)
                except BaseException:
                    ownership.release(lease)
                    raise
                return lease
        holder, owner = ownership.new_lease()
        token = fresh_token(request.identity)
        try:
            backup = self._copy_backup(
                request, token, {**request.tags, **ownership_tags(request.identity, owner)}, deadline
            )
        finally:
            self.listings.made(request.region, request.identity.who)
        return ownership.hold(backup, holder)

    def _start_with_token(self, request: CopyRequest, ownership: Ownership, deadline: Deadline) -> Lease:
        """With the user's client_request_token, AWS decides which copy: the one the token made, if any.

        The declared tags go with CopyBackup (so a tag set AWS refuses fails before any copy), with an owner tag
        that is the same on every call (``free``), so a re-run's request matches the first one's.
        """
        token = str(request.client_request_token)
        tags = {**request.tags, **ownership_tags(request.identity, FREE)}
        try:
            backup = self._copy_backup(request, token, tags, deadline)
        finally:
            self.listings.made(request.region, request.identity.who)
        backup_id = backup.backup_id
        problem = self._token_problem(request, backup, deadline)
        # acquire reads the tags as they are now
        lease = None if problem else ownership.acquire(backup, stack_locked=request.identity.per_stack)
        if lease is None:
            raise IdempotencyConflictError(
                f"client_request_token '{token}' {problem or f'names copy {backup_id}, which another run works on'} "
                f"in '{request.region}'. Nothing was deleted. Set another client_request_token (or remove it, so "
                "each create gets a fresh one).",
                **request.context("CopyBackup", backup_id).fields(None),
            )
        return lease

    def _token_problem(self, request: CopyRequest, backup: Backup, deadline: Deadline) -> str | None:
        """Why the copy a user's token names may not be this Create's (None: it may, if no run holds it)."""
        backup_id = backup.backup_id
        if backup.lifecycle in GONE:
            return f"names copy {backup_id}, which is {backup.lifecycle}"
        # Its tags as they are now: CopyBackup's answer may predate a later run's lease or claim.
        now = self.gateway.list_tags(request.region, backup, deadline)
        if now.get(IDENTITY_TAG) != request.identity.tag:
            return f"names copy {backup_id}, made for another resource or with other inputs"
        if owner_of(now).recorded:
            return (
                f"names copy {backup_id}, which a state already records (this resource's own before a replacement, "
                "or another stack's): a replacement needs a new copy, and AWS hands back the same one for this token"
            )
        return None

    def _copy_backup(self, request: CopyRequest, token: str, tags: Mapping[str, str], deadline: Deadline) -> Backup:
        body: dict[str, Any] = {
            "ClientRequestToken": token,
            "SourceBackupId": request.source_backup_id,
            "SourceRegion": request.source_region,
            "CopyTags": request.copy_tags,
            "Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())],
        }
        if request.kms_key_id:
            body["KmsKeyId"] = request.kms_key_id
        try:
            waiting = partial(self.progress.waiting, current_urn())  # this thread serves the engine's Create
            return self.gateway.copy_backup(request.context("CopyBackup", token=token), deadline, body, waiting)
        except InvalidInputError:
            too_many = self._too_many_tags(request, tags, deadline) if request.copy_tags else None
            if too_many is None:
                raise
            raise too_many from None

    def _too_many_tags(self, request: CopyRequest, tags: Mapping[str, str], deadline: Deadline) -> TaggingError | None:
        """After AWS refused CopyBackup as invalid with ``copy_tags``: a TaggingError naming ``tags`` and
        ``copy_tags`` if the source's tags and ``tags`` (declared and ownership) make more than FSx allows."""
        try:
            source = self.gateway.describe_backup(request.source_region, request.source_backup_id, deadline)
        except BackupCopyError:
            return None  # cannot tell: AWS's own answer stands
        copied = {k for k in source.tags if not k.lower().startswith("aws:")}
        total = len(copied | set(tags))
        if total <= MAX_TAGS:
            return None
        ownership = len(tags) - len(request.tags)
        room = max(MAX_TAGS - len(copied | (set(tags) - set(request.tags))), 0)
        return TaggingError(
            f"the copy of {request.route} would carry {total} tags: {len(copied)} copied from the source "
            f"(copy_tags=True), {len(request.tags)} declared in tags and the provider's {ownership} ownership tags, "
            f"and FSx allows {MAX_TAGS} (keys given twice count once). No copy was made. Declare fewer tags (at most "
            f"{room} besides the source's keys), or set copy_tags=False.",
            **request.context("CopyBackup").fields("BadRequest"),
        )

    def _matches(self, request: CopyRequest, backup: Backup, deadline: Deadline) -> bool:
        """Whether AWS's own description of ``backup`` is a copy of what ``request`` asks (tags aside)."""
        if backup.source_backup_id not in (None, request.source_backup_id):
            return False
        if backup.source_backup_region not in (None, request.source_region):
            return False
        context = request.context("DescribeKey", backup.backup_id)
        try:
            arn = self.keys.arn(request.region, request.kms_key_id or MANAGED_KEY_ALIAS, deadline, context)
        except (BackupCopyError, KeyError):
            return False  # cannot tell: make a new copy rather than adopt one encrypted with another key
        return backup.kms_key_id in (None, arn)

    def _restore_tags(self, request: CopyRequest, backup: Backup, deadline: Deadline) -> None:
        """An adopted copy gets exactly the declared tags: an earlier run's tags that are neither declared nor
        copied from the source are removed (they may hold a secret the current program no longer declares)."""
        current = {k: v for k, v in backup.tags.items() if not k.startswith((PROVIDER_TAG_PREFIX, AWS_TAG_PREFIX))}
        current.pop(LEGACY_RECORDED_TAG, None)
        copied: dict[str, str] = {}
        if request.copy_tags and any(k not in request.tags for k in current):
            source = self.gateway.describe_backup(request.source_region, request.source_backup_id, deadline)
            copied = dict(source.tags)
        leftovers = sorted(k for k, v in current.items() if k not in request.tags and copied.get(k) != v)
        if leftovers:
            self.gateway.untag(request.region, backup, leftovers, deadline)
        changed = {k: v for k, v in request.tags.items() if current.get(k) != v}
        if changed:
            self.gateway.tag(request.region, backup, changed, deadline)

    def _claim(self, request: CopyRequest, ownership: Ownership, lease: Lease, claim: str) -> bool:
        """Claim the copy; Cancel is not heard from here until the claim is confirmed."""
        backup_id = lease.backup.backup_id
        try:
            claimed = ownership.claim(lease, claim)
        except BackupCopyError as err:
            raise err.with_message(
                f"{err} Copy {backup_id} in '{request.region}' is made, but its claim could not be confirmed, so "
                f"no state records it: if its {OWNER_TAG} tag reads 'claim:{claim}', no run will adopt it either "
                "(delete it by hand once a new `pulumi up` has made this resource's copy); otherwise the next "
                "`pulumi up` that creates this resource adopts it."
            ) from None
        if not claimed:
            raise self._taken_over(request, backup_id)
        return True

    def _taken_over(self, request: CopyRequest, backup_id: str) -> OwnershipConflictError:
        return OwnershipConflictError(
            f"copy {backup_id} of {request.route} was taken over by another run while this one was stopped (a "
            "lease not renewed for too long): this run records nothing. Re-run `pulumi up`: it adopts the copy "
            "if that run left it unrecorded, or makes this resource its own.",
            **request.context("TagResource", backup_id).fields(None),
        )

    def _wait_until_available(self, request: CopyRequest, lease: Lease, deadline: Deadline) -> Backup:
        """Poll the leased copy until AVAILABLE; a FAILED one (this run's, by its lease) is deleted."""
        return self._wait(request, lease, deadline, delete_failed=True)

    def _wait(
        self, request: CopyRequest, held: Lease | _Described, deadline: Deadline, *, delete_failed: bool
    ) -> Backup:
        """Poll until AVAILABLE, keeping the last description in ``held.backup``. A FAILED copy raises
        CopyFailedError (deleted first when ``delete_failed``); a copy that looks gone is described again before
        it is given up (DescribeBackups may miss a new copy)."""
        backup = held.backup
        backup_id = backup.backup_id
        context = request.context("DescribeBackups", backup_id)
        started = backup.creation_time or datetime.now(timezone.utc)
        tracker = self.gateway.poll.tracker()
        while True:
            lifecycle = backup.lifecycle
            self.progress.report(current_urn(), backup_id, lifecycle, backup.progress_percent, request.region)
            if lifecycle in ENDED:
                self.gateway.copy_ended(request.region, backup_id)
            if lifecycle == Lifecycle.AVAILABLE:
                return backup
            if lifecycle == Lifecycle.FAILED:
                message = backup.failure_message or "no reason given"
                if not delete_failed:
                    raise CopyFailedError(
                        f"copy {backup_id} of {request.route} FAILED: {message}.", **context.fields(None)
                    )
                held.stop_renewing()
                self.gateway.delete_backup(request.region, backup_id, Deadline(CALL_TIMEOUT_SECONDS))
                raise CopyFailedError(
                    f"copy {backup_id} of {request.route} FAILED: {message}. The failed copy was deleted; fix the "
                    "cause and re-run `pulumi up`.",
                    **context.fields(None),
                )
            if lifecycle == Lifecycle.DELETED:
                raise CopyDeletedError(
                    f"copy {backup_id} in '{request.region}' was deleted outside Pulumi while it was being made. "
                    "Re-run `pulumi up` to make a new copy.",
                    **context.fields(None),
                )
            if deadline.expired():
                raise CopyTimeoutError(
                    f"copy {backup_id} of {request.route} is still {lifecycle} ({_percent(backup)}%) "
                    f"after {deadline.seconds / 60:g} minutes (wait_timeout_minutes); raise wait_timeout_minutes for "
                    "large backups.",
                    **context.fields(None),
                )
            elapsed = (datetime.now(timezone.utc) - started).total_seconds()
            tracker.observe(elapsed, backup.progress_percent)
            deadline.sleep(tracker.next_delay(elapsed))
            held.check()
            found = self.gateway.find_backup(request.region, backup_id, deadline, context)
            backup = found if found is not None else Backup(backup_id, lifecycle=Lifecycle.DELETED.value)
            if found is not None:
                held.backup = found

    # -- read and delete ---------------------------------------------------------------------------

    def orphans(self, region: str, identity: Identity, keep: str, deadline: Deadline) -> list[Backup]:
        """This resource's copies that no state records and no run holds (``keep`` aside), by the run's listing
        (:mod:`~pulumi_fsx_copy.aws.listings`): candidates, each taken (its tags read now) before any sweep."""
        copies = self.listings.copies(region, deadline, who=identity.who)
        _warn_ambiguous(region, copies, identity, keep=keep)
        return [
            b
            for b in unrecorded(copies, identity, any_inputs=True)
            if b.backup_id != keep and is_live(b) and self._released(b)
        ]

    def retag(self, region: str, backup: Backup, changes: TagChanges, deadline: Deadline) -> None:
        """Set and remove the tags of a recorded copy as ``changes`` says."""
        if changes.to_set:
            self.gateway.tag(region, backup, changes.to_set, deadline)
        if changes.to_remove:
            self.gateway.untag(region, backup, changes.to_remove, deadline)

    def read(self, region: str, backup_id: str, identity: Identity | None, deadline: Deadline) -> Backup | None:
        """The recorded copy as AWS describes it now (None when it is gone); with the resource's ``identity``, then a
        warning naming each of its copies that no state records (``orphans``)."""
        backup = self.gateway.find_backup(region, backup_id, deadline)
        if identity is None:
            return backup
        for orphan in self.orphans(region, identity, backup_id, deadline):
            pulumi.log.warn(
                f"copy {orphan.backup_id} in '{region}' ({orphan.lifecycle}) was made for this resource "
                "by a run that did not finish, and no state records it: `pulumi destroy` of this resource "
                "deletes it, or delete it in AWS."
            )
        return backup

    def _released(self, backup: Backup) -> bool:
        """Whether no run holds ``backup`` by its listed tags: released, or a lease stale on AWS's clock. Only a
        filter: a sweep takes the copy (fresh reads) before it deletes it."""
        owner = owner_of(backup.tags)
        return owner.kind != "lease" or self.policy.stale_on(owner, self.gateway.clock.now())

    def _sweep(self, ownership: Ownership, region: str, backup: Backup, deadline: Deadline) -> bool:
        """Delete a copy no state records, having taken it first (lease written, settled, read back) and read its
        owner tag again before each retry of the deletion; False when another run holds it (left alone)."""
        backup_id = backup.backup_id
        try:
            lease = ownership.acquire(backup)
        except CopyNotFoundError:
            return False  # gone since the run's listing nominated it
        if lease is None:
            return False
        deleted = False
        try:
            self.gateway.delete_backup(region, backup_id, deadline, confirm=lambda: ownership.confirm(lease))
            deleted = True
        except CopyNotFoundError:
            deleted = True
        except LeaseLost:
            pulumi.log.info(f"copy {backup_id} in '{region}' was not deleted: another run took it meanwhile")
        finally:
            if deleted:
                ownership.forget(lease)
            else:
                ownership.release(lease)
        return deleted

    def delete(
        self,
        region: str,
        backup_id: str,
        claim: str | None,
        identity: Identity | None,
        deadline: Deadline,
        *,
        recognised_by: str | None = None,
    ) -> None:
        """Delete the recorded copy if this record owns it (else warn and leave it), then this resource's orphans.
        ``recognised_by``: the resource tag its program recognises it by (see ``ownership.deletion``)."""
        found = self.gateway.find_backup(region, backup_id, deadline)
        if found is not None:
            verdict = deletion(found.tags, claim, recognised_by=recognised_by)
            if verdict.allowed:
                if identity is not None:
                    self._await_replacement(region, found, identity, deadline)
                self.gateway.delete_backup(region, backup_id, deadline)
            else:
                pulumi.log.warn(
                    f"copy {backup_id} in '{region}' was not deleted: {verdict.reason}. It is removed from this "
                    "stack only; delete it in AWS if no one needs it."
                )
        if identity is None:
            return
        ownership = self._ownership_in(region, (), deadline)
        for orphan in self.orphans(region, identity, backup_id, deadline):
            orphan_id = orphan.backup_id
            pulumi.log.info(f"deleting copy {orphan_id} in '{region}': this resource's, recorded by no state")
            self._sweep(ownership, region, orphan, deadline)

    def _await_replacement(self, region: str, old: Backup, identity: Identity, deadline: Deadline) -> None:
        """Return once ``old`` may go: no copy of this resource made after it by another record (a replacement),
        or one of those AVAILABLE. While the replacements are in progress, wait for them; when they all ended
        otherwise (FAILED, deleted), or the wait ran out, raise and keep ``old``: the DR Region never loses its
        last usable copy of a replaced resource (``wait_for_available=False``, a replacement that failed)."""
        old_id = old.backup_id
        made = old.creation_time or datetime.min.replace(tzinfo=timezone.utc)
        nominated = [  # by a listing begun after every copy this process made there: a replacement is in it
            b
            for b in self.listings.copies(region, deadline)
            if identity.replaced_by(b.tags) and b.backup_id != old_id and (b.creation_time or made) >= made
        ]
        described = [self.gateway.find_backup(region, b.backup_id, deadline) for b in nominated]
        newer = [b for b in described if b is not None and owner_of(b.tags).kind == "claim"]
        tracker = self.gateway.poll.tracker()
        started = time.monotonic()
        while newer:
            if any(b.lifecycle == Lifecycle.AVAILABLE for b in newer):
                return
            waiting = [b for b in newer if b.lifecycle in IN_PROGRESS]
            names = ", ".join(f"{b.backup_id} ({b.lifecycle})" for b in newer)
            fate = (
                f"Copy {old_id} in '{region}' was not deleted, so the Region keeps a usable copy of this resource; it "
                "stays in the stack, and the next `pulumi up` or `pulumi destroy` deletes it once a copy that "
                "replaces it is AVAILABLE (or none is left)."
            )
            context = ErrorContext(operation="DeleteBackup", region=region, backup_id=old_id)
            if not waiting:
                raise CopyFailedError(
                    f"the copies that replace copy {old_id} did not become AVAILABLE: {names}. {fate}",
                    **context.fields(None),
                )
            if deadline.expired():
                raise CopyTimeoutError(
                    f"the copies that replace copy {old_id} are not AVAILABLE after {deadline.seconds / 60:g} "
                    f"minutes (wait_timeout_minutes): {names}. {fate}",
                    **context.fields(None),
                )
            elapsed = time.monotonic() - started
            tracker.observe(elapsed, max(b.progress_percent or 0 for b in waiting))
            deadline.sleep(tracker.next_delay(elapsed))
            described = [self.gateway.find_backup(region, b.backup_id, deadline) for b in newer]
            newer = [b for b in described if b is not None]


def cancelled(request: CopyRequest, backup_id: str | None) -> CopyCancelledError:
    """The error of a Create the engine cancelled (Ctrl-C): nothing is deleted, nothing was claimed.

    The copy stays unrecorded and released (see :mod:`pulumi_fsx_copy.aws.ownership`): the next Create adopts it.
    """
    if backup_id is None:
        return CopyCancelledError(
            f"Pulumi was cancelled before the copy of {request.route} was known to have started. A copy AWS "
            "already started goes on there; the next `pulumi up` resumes it, or starts the copy if there is none.",
            **request.context("CopyBackup").fields(None),
        )
    return CopyCancelledError(
        f"Pulumi was cancelled while waiting for copy {backup_id} of {request.route}.",
        **request.context("DescribeBackups", backup_id).fields(None),
    )


class Unfinished(Exception):
    """A Create (or a resumed wait) failed with ``error`` once its copy existed, and the copy carries ``claim``:
    the provider hands ``backup`` (as last described) to the engine to record, then raises ``error``."""

    def __init__(self, error: BackupCopyError, backup: Backup, claim: str) -> None:
        super().__init__(str(error))
        self.error = error
        self.backup = backup
        self.claim = claim

    def error_for(self, region: str, *, recorded: bool) -> BackupCopyError:
        """``error`` saying what became of the claimed copy: the engine recorded it as not ready (``recorded``), or
        it carries a claim no state records."""
        backup_id = self.backup.backup_id
        if recorded:
            return kept(self.error, backup_id, region, recorded=True)
        return self.error.with_message(
            f"{self.error} Copy {backup_id} in '{region}' carries the claim {self.claim} (its "
            f"{OWNER_TAG} tag), which no state records: the engine went away before it could record it. Delete it in "
            "AWS once a new `pulumi up` has made this resource's copy."
        )


class _Described:
    """A recorded copy waited on without a lease: its last description."""

    def __init__(self, backup: Backup) -> None:
        self.backup = backup

    def check(self) -> None:
        """Nothing to check: the copy's claim is recorded."""

    def stop_renewing(self) -> None:
        """Nothing renews."""


@contextmanager
def deletion_errors(region: str, backup_id: str, deadline: Deadline) -> Iterator[None]:
    """Around a delete: a copy still in use when ``deadline`` (wait_timeout_minutes, or custom_timeouts delete when
    shorter) ends, or a cancel, keeps it in the stack; the error says so."""
    try:
        yield
    except BackupInUseError as err:
        raise err.with_message(
            f"{err} The delete waited {deadline.seconds / 60:g} minutes for it: wait_timeout_minutes (default "
            f"{DEFAULT_WAIT_TIMEOUT_MINUTES:g}), or custom_timeouts delete when shorter, as the state recorded "
            "them at the last `pulumi up`. The copy is kept "
            "and stays in the stack; to wait longer (or less), change wait_timeout_minutes and run `pulumi up` "
            "before `pulumi destroy`."
        ) from None
    except WaitCancelled:
        raise CopyCancelledError(
            f"Pulumi was cancelled while deleting copy {backup_id} in '{region}'. A deletion already requested goes "
            "on in AWS; the copy stays in the stack until the next `pulumi up` or `pulumi destroy` sees it gone."
        ) from None


def not_found_by_get(backup_id: str, region: str) -> CopyNotFoundError:
    """The error of ``BackupCopy.get`` when no copy ``backup_id`` is in ``region``, saying where it looked."""
    return CopyNotFoundError(
        f"BackupCopy.get looked for backup {backup_id} in '{region}' (the stack's aws:region, else AWS_REGION) and "
        "found none. If the copy is in another Region, set that Region with `pulumi config set aws:region "
        "REGION` (or AWS_REGION); otherwise check the ID.",
        code="BackupNotFound",
        operation="DescribeBackups",
        region=region,
        backup_id=backup_id,
    )


def kept(error: BackupCopyError, backup_id: str, region: str, *, recorded: bool) -> BackupCopyError:
    """``error`` saying what became of copy ``backup_id``, which exists and was not deleted."""
    if recorded:
        fate = (
            f"Copy {backup_id} goes on in '{region}' and this stack records it as not ready: the next `pulumi up` "
            "waits for it again (a `pulumi refresh` keeps it so), and `pulumi destroy` deletes it."
        )
    else:
        fate = (
            f"Copy {backup_id} goes on in '{region}', recorded by no state: the next `pulumi up` that creates this "
            "resource adopts it and waits for it again; if this resource is dropped instead, delete it in AWS."
        )
    return error.with_message(f"{error} {fate}")


def _warn_ambiguous(region: str, copies: list[Backup], identity: Identity, keep: str | None) -> None:
    """A warning naming each copy of this resource whose owner tag is missing or unreadable (``keep`` aside)."""
    for backup in ambiguous(copies, identity):
        if backup.backup_id == keep:
            continue
        pulumi.log.warn(
            f"copy {backup.backup_id} in '{region}' was made for this resource, but its {OWNER_TAG} tag is "
            "missing or unreadable (changed outside Pulumi), so nothing tells whether a stack records it: it is "
            "neither adopted nor deleted. Restore the tag, or delete the copy in AWS if no stack holds it."
        )


def _percent(backup: Backup) -> int:
    """``ProgressPercent``, 0 when AWS gave none."""
    return backup.progress_percent if backup.progress_percent is not None else 0
