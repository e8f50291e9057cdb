"""BackupCopyProvider: the dynamic provider behind :class:`pulumi_fsx_copy.BackupCopy`.

It is pickled into every resource's state by reference (``__reduce__``): no client, session or
credential ever leaves the provider process. One instance serves every engine call at once (see
``serving``), so it keeps no per-call state on ``self``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from typing import Any, TypeVar

import pulumi
from botocore.exceptions import BotoCoreError, ClientError
from pulumi.dynamic import (
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from .clients import AwsClients, new_session
from .diffing import diff_properties
from .errors import (
    AwsServiceError,
    BackupCopyError,
    BackupInUseError,
    CopyCancelledError,
    CopyDeletedError,
    CopyFailedError,
    CopyLimitExceededError,
    CopyNotFoundError,
    CopyTimeoutError,
    EndpointUnreachableError,
    ErrorContext,
    IdempotencyConflictError,
    InvalidInputError,
    KmsKeyError,
    ThrottledError,
    is_retryable,
    map_error,
)
from .kms import parse_key_reference
from .ownership import (
    IDENTITY_TAG,
    RECORDED_TAG,
    find_own,
    fresh_token,
    identity_digest,
    is_recorded,
    ownership_tags,
)
from .progress import ProgressReporter, current_urn
from .schema import DEFAULT_WAIT_TIMEOUT_MINUTES, REPLACING_INPUTS
from .serving import install as serve_engine
from .slots import CopySlots
from .tags import tag_changes
from .validation import backup_id_problem, check_properties
from .waiting import ENGINE_CANCEL, Backoff, Deadline, PollPolicy, WaitCancelled, time_scale

T = TypeVar("T")

PROVIDER_KEY = "__provider"
# Transient failures (throttling, 5xx, unreachable endpoint) get this many consecutive retries;
# waits that AWS asks for (copy quota, source not ready, backup busy) go on until the deadline.
MAX_TRANSIENT_RETRIES = 8
_TRANSIENT_ERRORS = (ThrottledError, AwsServiceError, EndpointUnreachableError)
# The KMS KeyState in which a copy can be restored; any other state found by refresh is reported.
KMS_KEY_USABLE = "Enabled"
# A copy AWS reports missing is described this many times more before the provider believes it.
MISSING_CONFIRMATIONS = 3
# Reads, refreshes and tag updates do not wait on copies; they give AWS this long to answer.
CALL_TIMEOUT_SECONDS = 300.0
# A KMS DescribeKey (retried while throttled or unreachable) may take this long: diff runs in preview.
KMS_LOOKUP_SECONDS = 60.0


@dataclass(frozen=True)
class _CopySpec:
    """The checked inputs of one BackupCopy, typed."""

    source_backup_id: str
    source_region: str
    region: str
    kms_key_id: str | None
    copy_tags: bool
    tags: dict[str, str]
    client_request_token: str | None
    wait_for_available: bool
    wait_timeout_minutes: float
    identity: str

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> _CopySpec:
        timeout = props.get("wait_timeout_minutes")
        wait = props.get("wait_for_available")
        return cls(
            source_backup_id=str(props["source_backup_id"]),
            source_region=str(props.get("source_region") or props["region"]),
            region=str(props["region"]),
            kms_key_id=props.get("kms_key_id") or None,
            copy_tags=bool(props.get("copy_tags")),
            tags=dict(props.get("tags") or {}),
            client_request_token=props.get("client_request_token") or None,
            wait_for_available=True if wait is None else bool(wait),
            wait_timeout_minutes=float(timeout) if timeout else DEFAULT_WAIT_TIMEOUT_MINUTES,
            identity=str(props.get("resource_identity") or ""),
        )

    def context(self, operation: str, backup_id: str = "?", **extra: str) -> ErrorContext:
        return ErrorContext(
            operation=operation,
            region=self.region,
            source_region=self.source_region,
            source_backup_id=self.source_backup_id,
            backup_id=backup_id,
            kms_key_id=self.kms_key_id or "(the FSx-managed default key)",
            extra=extra,
        )


class BackupCopyProvider(ResourceProvider):
    """Copies an FSx backup with CopyBackup and manages the copy's lifecycle."""

    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._stack_region: str | None = None
        self._clients = AwsClients()
        self._poll = PollPolicy()
        self._backoff = Backoff()
        self._slots = CopySlots(self._poll, self._backoff)
        self._progress = ProgressReporter.silent()
        # Copies this process's Creates handed to the engine that some state already held: see delete().
        self._shared: set[str] = set()

    def __reduce__(self) -> tuple[type[BackupCopyProvider], tuple[()]]:
        # Pickle by reference, with no state: nothing configured here may reach the Pulumi state.
        return (BackupCopyProvider, ())

    # -- lifecycle -----------------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        """Read ``aws:region`` and ``aws:profile`` from the stack's configuration."""
        region = req.config.get("aws:region")
        profile = req.config.get("aws:profile")
        self._stack_region = str(region) if region else None
        self._clients = AwsClients(str(profile) if profile else None)
        scale = time_scale()
        self._poll = PollPolicy().scaled(scale)
        self._backoff = Backoff().scaled(scale)
        self._slots = CopySlots(self._poll, self._backoff)
        # Only the provider process is configured: there the engine's address is on the command line.
        self._progress = ProgressReporter.from_environment()
        # Serve every engine call while copies wait, as many copies at once as AWS allows; hear Cancel.
        serve_engine()

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate the inputs offline and record the resolved Regions."""
        bag = {k: _with_unknown_sentinel(v) for k, v in news.items() if k != PROVIDER_KEY}
        inputs, failures = check_properties(bag, default_region=self._default_region())
        return CheckResult(inputs, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare the old outputs with the new inputs; ask KMS only when offline cannot tell.

        A copy AWS reported FAILED is replaced. When KMS cannot say whether a changed ``kms_key_id`` names
        the key in use, the diff fails (KmsKeyError) rather than replace the copy on a guess.
        """
        news = _with_unknown_sentinel(news)
        region = str(news.get("region") or olds.get("region") or "")
        result = diff_properties(olds, news, same_key=lambda a, b: self._same_kms_key(region, id_, a, b))
        if "lifecycle" in (result.replaces or []):
            pulumi.log.warn(
                f"copy {id_} in '{region}' is FAILED (AWS reported it at the last refresh): it is replaced by a "
                "new copy, and deleted once the new one is made."
            )
        if olds.get("kms_key_state") not in (None, KMS_KEY_USABLE) and not result.changes:
            # Refresh found the copy's key unusable: `pulumi up` runs update, which says what to do.
            return DiffResult(changes=True, replaces=[], delete_before_replace=False)
        return result

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Start (or adopt the unrecorded copy of an earlier run), wait for AVAILABLE, then claim the copy.

        Nothing here deletes a copy except one AWS reports FAILED: after any other failure the copy stays,
        unrecorded, and the next Create adopts it (see :mod:`pulumi_fsx_copy.ownership`).
        """
        spec = _CopySpec.from_props(props)
        deadline = Deadline(spec.wait_timeout_minutes * 60)
        try:
            ENGINE_CANCEL.check()  # a Create that arrives after Cancel starts no copy
            backup, shared = self._start_copy(spec, deadline)
        except WaitCancelled:
            raise _cancelled(spec, None) from None
        backup_id = str(backup["BackupId"])
        try:
            if spec.wait_for_available:
                backup = self._wait_until_confirmed(spec, backup, deadline)
            else:
                backup = self._describe(spec.region, backup_id, deadline, spec.context("DescribeBackups", backup_id))
            ENGINE_CANCEL.check()  # an engine gone or cancelling will not record the copy: leave it unclaimed
            backup = self._claim(spec, backup, deadline)
        except WaitCancelled:
            raise _cancelled(spec, backup_id) from None
        except (CopyTimeoutError, CopyFailedError, CopyDeletedError):
            raise
        except BackupCopyError as err:
            raise err.with_message(
                f"{err} The copy {backup_id} this run started or resumed in '{spec.region}' is kept: "
                "re-running `pulumi up` finds it and resumes it."
            ) from None
        if shared:
            self._shared.add(backup_id)
        return CreateResult(backup_id, self._outputs(spec.region, props, backup, managed_keys=spec.tags))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Describe the copy; report it deleted when it is gone (for ``BackupCopy.get``: raise, saying where)."""
        region = str(props.get("region") or self._default_region() or "")
        context = ErrorContext(operation="DescribeBackups", region=region, backup_id=id_)
        problem = backup_id_problem(id_, "the ID given to BackupCopy.get")
        if problem:
            raise InvalidInputError(f"{problem}.", operation="DescribeBackups", region=region or None)
        deadline = Deadline(CALL_TIMEOUT_SECONDS)
        try:
            backup = self._describe(region, id_, deadline, context)
        except CopyNotFoundError:
            # Forgetting a copy that exists leaks it (a later destroy would not delete it): look again.
            found = self._confirm_missing(region, id_, deadline, context)
            if found is None:
                return _gone(id_, region, props)
            backup = found
        if backup.get("Lifecycle") == "DELETED":
            return _gone(id_, region, props)
        base = dict(props)
        base.setdefault("region", region)
        managed = props.get("tags") or {}
        outs = self._outputs(region, base, backup, managed_keys=managed, from_aws=True, known=props)
        return ReadResult(id_, outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Change the managed tags in place; tags the stack never declared are left alone."""
        region = str(olds.get("region") or news["region"])
        deadline = Deadline(CALL_TIMEOUT_SECONDS)
        changes = tag_changes(olds.get("tags") or {}, news.get("tags") or {})
        backup = {"BackupId": id_, "ResourceARN": olds.get("arn")}
        if changes.to_set:
            self._tag(region, backup, changes.to_set, deadline)
        if changes.to_remove:
            self._untag(region, backup, changes.to_remove, deadline)
        context = ErrorContext(operation="DescribeBackups", region=region, backup_id=id_)
        described = self._describe(region, id_, deadline, context)
        outs = self._outputs(region, news, described, managed_keys=news.get("tags") or {}, known=olds)
        self._require_usable_key(region, id_, outs.get("kms_key_id"), outs["kms_key_state"])
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Delete the copy, retrying while it is busy, and wait until it is gone.

        Safety net: a copy a Create of this process handed to the engine although some state already held
        it (an explicit client_request_token makes AWS hand back the same copy) is both the new resource's
        and the old one's. The engine then deletes "the old resource" of a replacement, which is the copy
        the new resource holds: it is kept, with a warning, rather than leave the new resource without it.
        """
        if id_ in self._shared:
            pulumi.log.warn(
                f"copy {id_} was not deleted: this run's create returned that same copy (its client_request_token "
                "names it), so the new resource holds it. Use another client_request_token for a new copy."
            )
            return
        region = str(props.get("region") or self._default_region() or "")
        timeout = props.get("wait_timeout_minutes") or DEFAULT_WAIT_TIMEOUT_MINUTES
        try:
            self._delete_copy(region, id_, Deadline(float(timeout) * 60))
        except WaitCancelled:
            raise CopyCancelledError(
                f"Pulumi was cancelled while deleting copy {id_} in '{region}'. A deletion already requested goes "
                "on in AWS; the copy stays in the stack until the next `pulumi up` or `pulumi destroy` sees it gone."
            ) from None

    # -- steps ---------------------------------------------------------------------------------

    def _start_copy(self, spec: _CopySpec, deadline: Deadline) -> tuple[dict[str, Any], bool]:
        """The copy this Create works on, and whether some state already held it.

        With a client_request_token, CopyBackup decides (AWS hands back the token's copy). Otherwise the
        Region's copies are listed: a FAILED one of this resource is deleted, an unrecorded live one is
        adopted, and failing that a new copy is started with a token fresh for this call.
        """
        digest = identity_digest(spec.identity, {k: getattr(spec, k) for k in REPLACING_INPUTS})
        ownership = ownership_tags(digest, spec.identity, recorded=False)
        if spec.client_request_token:
            # Only the ownership tags go with the user's token: tag edits must not change its parameters.
            backup = self._copy_backup(spec, spec.client_request_token, ownership, deadline)
            if backup.get("Lifecycle") == "FAILED":
                self._delete_copy(spec.region, str(backup["BackupId"]), deadline)
            if backup.get("Lifecycle") in ("FAILED", "DELETED"):
                raise IdempotencyConflictError(
                    f"client_request_token '{spec.client_request_token}' names copy that was deleted or failed in "
                    f"'{spec.region}'; AWS hands it back instead of making a new copy. Use another "
                    "client_request_token, or remove it so the provider makes a new copy.",
                    **spec.context("CopyBackup").fields(None),
                )
            ours = _tag_map(backup).get(IDENTITY_TAG) == digest and not is_recorded(backup)
            return backup, not ours
        found = find_own(self._list_region(spec.region, deadline), digest)
        for failed in found.failed:
            self._delete_copy(spec.region, str(failed["BackupId"]), deadline)
        if found.adoptable is not None:
            return found.adoptable, False
        return self._copy_backup(spec, fresh_token(digest), {**spec.tags, **ownership}, deadline), False

    def _copy_backup(self, spec: _CopySpec, token: str, tags: Mapping[str, str], deadline: Deadline) -> dict[str, Any]:
        """CopyBackup, retried with the same token (so a lost answer does not make a second copy)."""
        request: dict[str, Any] = {
            "ClientRequestToken": token,
            "SourceBackupId": spec.source_backup_id,
            "SourceRegion": spec.source_region,
            "CopyTags": spec.copy_tags,
            "Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())],
        }
        if spec.kms_key_id:
            request["KmsKeyId"] = spec.kms_key_id
        fsx = self._clients.fsx(spec.region)
        context = spec.context("CopyBackup", token=token)
        return dict(self._call(context, deadline, partial(fsx.copy_backup, **request))["Backup"])

    def _claim(self, spec: _CopySpec, backup: dict[str, Any], deadline: Deadline) -> dict[str, Any]:
        """The last step of a successful Create: the declared tags, and the claim that a state holds the copy.

        When TagResource fails, AWS may have applied it all the same (an answer lost on the way back): the
        copy is described, and a claim that landed counts. Left claimed but unreturned, the copy would be
        one the next Create may not adopt.
        """
        tags = {**spec.tags, RECORDED_TAG: "true"}
        backup_id = str(backup["BackupId"])
        try:
            self._tag(spec.region, backup, tags, deadline)
        except BackupCopyError:
            described = self._describe(spec.region, backup_id, deadline, spec.context("DescribeBackups", backup_id))
            if not is_recorded(described) or any(_tag_map(described).get(k) != v for k, v in tags.items()):
                raise
            return described
        return {**backup, "Tags": [{"Key": k, "Value": v} for k, v in {**_tag_map(backup), **tags}.items()]}

    def _wait_until_available(self, spec: _CopySpec, backup: dict[str, Any], deadline: Deadline) -> dict[str, Any]:
        backup_id = str(backup["BackupId"])
        context = spec.context("DescribeBackups", backup_id)
        started = _creation_time(backup) or datetime.now(timezone.utc)
        tracker = self._poll.tracker()
        while True:
            lifecycle = backup.get("Lifecycle")
            self._progress.report(current_urn(), backup_id, lifecycle, backup.get("ProgressPercent"), spec.region)
            if lifecycle in ("AVAILABLE", "FAILED", "DELETED"):
                self._slots.release(spec.region, backup_id)
            if lifecycle == "AVAILABLE":
                return backup
            if lifecycle == "FAILED":
                message = (backup.get("FailureDetails") or {}).get("Message") or "no reason given"
                self._delete_copy(spec.region, backup_id, Deadline(CALL_TIMEOUT_SECONDS))
                raise CopyFailedError(
                    f"copy {backup_id} of {spec.source_backup_id} ('{spec.source_region}' -> '{spec.region}') "
                    f"FAILED: {message}. The failed copy was deleted; fix the cause and re-run `pulumi up`.",
                    **context.fields(None),
                )
            if lifecycle == "DELETED":
                raise CopyDeletedError(
                    f"copy {backup_id} in '{spec.region}' was deleted outside Pulumi while it was being "
                    "made. Re-run `pulumi up` to make a new copy.",
                    **context.fields(None),
                )
            if deadline.expired():
                raise CopyTimeoutError(
                    f"copy {backup_id} of {spec.source_backup_id} into '{spec.region}' is still {lifecycle} "
                    f"({backup.get('ProgressPercent', 0)}%) after {spec.wait_timeout_minutes:g} minutes "
                    "(wait_timeout_minutes). The copy goes on in AWS: re-running `pulumi up` resumes waiting "
                    "on this same copy; raise wait_timeout_minutes for large backups.",
                    **context.fields(None),
                )
            elapsed = (datetime.now(timezone.utc) - started).total_seconds()
            tracker.observe(elapsed, backup.get("ProgressPercent"))
            deadline.sleep(tracker.next_delay(elapsed))
            try:
                backup = self._describe(spec.region, backup_id, deadline, context)
            except CopyNotFoundError:
                backup = {"BackupId": backup_id, "Lifecycle": "DELETED"}

    def _wait_until_confirmed(self, spec: _CopySpec, backup: dict[str, Any], deadline: Deadline) -> dict[str, Any]:
        """Wait for AVAILABLE; when the wait finds the copy gone, make sure before giving up on it.

        DescribeBackups may not see a copy CopyBackup just made (eventual consistency), and a DR copy must
        not be abandoned on one such answer: the wait resumes while DescribeBackups still finds the copy.
        """
        backup_id = str(backup["BackupId"])
        context = spec.context("DescribeBackups", backup_id)
        while True:
            try:
                return self._wait_until_available(spec, backup, deadline)
            except CopyDeletedError:
                found = self._confirm_missing(spec.region, backup_id, deadline, context)
                if found is None:
                    raise
                backup = found

    def _confirm_missing(
        self, region: str, backup_id: str, deadline: Deadline, context: ErrorContext
    ) -> dict[str, Any] | None:
        """Describe a backup reported missing again, a few times with backoff: the backup if it is there
        after all (and not DELETED), else None."""
        for attempt in range(MISSING_CONFIRMATIONS):
            if not deadline.sleep(self._backoff.delay(attempt)) and attempt:
                break
            try:
                backup = self._describe(region, backup_id, deadline, context)
            except CopyNotFoundError:
                continue
            return None if backup.get("Lifecycle") == "DELETED" else backup
        return None

    def _delete_copy(self, region: str, backup_id: str, deadline: Deadline) -> None:
        context = ErrorContext(operation="DeleteBackup", region=region, backup_id=backup_id)
        describe = ErrorContext(operation="DescribeBackups", region=region, backup_id=backup_id)
        while True:
            try:
                self._call(context, deadline, lambda: self._clients.fsx(region).delete_backup(BackupId=backup_id))
            except CopyNotFoundError:
                # Never report a copy gone on DeleteBackup's word alone: a destroy that "succeeds" while
                # the copy lives leaks it for good. DescribeBackups must agree; if it still sees the copy,
                # delete it again.
                found = self._confirm_missing(region, backup_id, deadline, describe)
                if found is None:
                    return
                if deadline.expired():
                    raise AwsServiceError(
                        f"DeleteBackup answered that backup {backup_id} does not exist in '{region}', but "
                        f"DescribeBackups still lists it ({found.get('Lifecycle')}). Re-run `pulumi destroy`; "
                        "if it persists, delete the backup in the FSx console.",
                        **context.fields(None),
                    ) from None
                continue
            break
        while True:
            try:
                backup = self._describe(region, backup_id, deadline, describe)
            except CopyNotFoundError:
                return
            if backup.get("Lifecycle") == "DELETED":
                return
            if not deadline.sleep(self._poll.min_delay):
                raise BackupInUseError(
                    f"backup {backup_id} in '{region}' is still {backup.get('Lifecycle')} after "
                    f"{deadline.seconds / 60:g} minutes. Re-run `pulumi destroy` to go on waiting.",
                    **context.fields(None),
                )

    def _describe(self, region: str, backup_id: str, deadline: Deadline, context: ErrorContext) -> dict[str, Any]:
        response = self._call(
            context, deadline, lambda: self._clients.fsx(region).describe_backups(BackupIds=[backup_id])
        )
        backups = response.get("Backups") or []
        if not backups:
            raise CopyNotFoundError(
                f"backup {backup_id} was not found in '{region}'.", **context.fields("BackupNotFound")
            )
        return dict(backups[0])

    def _tag(self, region: str, backup: Mapping[str, Any], tags: Mapping[str, str], deadline: Deadline) -> None:
        arn = str(backup.get("ResourceARN"))
        context = ErrorContext(
            operation="TagResource", region=region, backup_id=str(backup["BackupId"]), secrets=tuple(tags.values())
        )
        pairs = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
        self._call(context, deadline, lambda: self._clients.fsx(region).tag_resource(ResourceARN=arn, Tags=pairs))

    def _untag(self, region: str, backup: Mapping[str, Any], keys: list[str], deadline: Deadline) -> None:
        arn = str(backup.get("ResourceARN"))
        context = ErrorContext(operation="UntagResource", region=region, backup_id=str(backup["BackupId"]))
        self._call(context, deadline, lambda: self._clients.fsx(region).untag_resource(ResourceARN=arn, TagKeys=keys))

    def _outputs(
        self,
        region: str,
        inputs: Mapping[str, Any],
        backup: Mapping[str, Any],
        *,
        managed_keys: Mapping[str, Any],
        from_aws: bool = False,
        known: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The resource's outputs (see ``_outputs``), with the KMS key state of the copy's key.

        ``known``: outputs recorded before; their key state stays when KMS cannot be asked now, so a key
        known to be unusable is never forgotten on one failed look-up.
        """
        outs = _outputs(inputs, backup, managed_keys=managed_keys, from_aws=from_aws)
        key_arn = outs.get("kms_key_id")
        previous = (known or {}).get("kms_key_state") if (known or {}).get("kms_key_id") == key_arn else None
        outs["kms_key_state"] = self._key_state(region, key_arn, previous)
        return outs

    def _key_state(self, region: str, key_arn: object, previous: str | None) -> str | None:
        """The ``KeyState`` of the key that encrypts a copy (``Enabled``, ``Disabled``, ``PendingDeletion``,
        ...); ``previous`` when KMS cannot tell (no permission, unreachable, throttled past retries)."""
        if not isinstance(key_arn, str) or not key_arn:
            return None
        context = ErrorContext(operation="DescribeKey", region=region, kms_key_id=key_arn)
        try:
            metadata = self._call(
                context, Deadline(KMS_LOOKUP_SECONDS), lambda: self._clients.kms(region).describe_key(KeyId=key_arn)
            )["KeyMetadata"]
        except BackupCopyError:  # KMS cannot tell: keep what was known; a bug in our code propagates
            return previous
        state = metadata.get("KeyState")
        return str(state) if state else previous

    @staticmethod
    def _require_usable_key(region: str, backup_id: str, key_arn: object, state: str | None) -> None:
        """Raise KmsKeyError when the copy's key is known to be unusable: the copy cannot be restored."""
        if state in (None, KMS_KEY_USABLE):
            return
        fix = f"enable it (`aws kms enable-key --key-id {key_arn} --region {region}`)"
        if state == "PendingDeletion":
            fix = (
                f"cancel its deletion (`aws kms cancel-key-deletion --key-id {key_arn} --region {region}`), then " + fix
            )
        raise KmsKeyError(
            f"the KMS key {key_arn} that encrypts copy {backup_id} in '{region}' is {state}: the copy cannot be "
            f"restored while it is. To keep this DR copy usable, {fix} and re-run `pulumi up`; or set "
            "kms_key_id to another key to make a new copy.",
            operation="DescribeKey",
            region=region,
            backup_id=backup_id,
        )

    def _same_kms_key(self, region: str, backup_id: str, a: str, b: str) -> bool:
        """Whether two key references name one key, resolved through KMS in ``region``.

        When KMS cannot tell, KmsKeyError: replacing a DR copy on a guess would delete it for nothing.
        """
        return self._key_arn(region, backup_id, a, other=b) == self._key_arn(region, backup_id, b, other=a)

    def _key_arn(self, region: str, backup_id: str, reference: str, *, other: str) -> str:
        parsed = parse_key_reference(reference)
        if parsed is not None and parsed.kind == "key_arn":
            return reference
        context = ErrorContext(operation="DescribeKey", region=region, backup_id=backup_id, kms_key_id=reference)
        try:
            response = self._call(
                context, Deadline(KMS_LOOKUP_SECONDS), lambda: self._clients.kms(region).describe_key(KeyId=reference)
            )
            return str(response["KeyMetadata"]["Arn"])
        except (BackupCopyError, KeyError, TypeError) as err:
            raise KmsKeyError(
                f"cannot tell whether kms_key_id {reference} and {other} name the same KMS key: KMS DescribeKey "
                f"of {reference} in '{region}' failed ({err}). Copy {backup_id} was neither replaced nor "
                "changed. Re-run when KMS answers (the caller needs kms:DescribeKey), or set kms_key_id to the "
                "key ARN the copy uses to keep it."
            ) from None

    # -- plumbing ------------------------------------------------------------------------------

    def _call(self, context: ErrorContext, deadline: Deadline, call: Callable[[], T]) -> T:
        """Make one AWS call, retrying what may succeed later, and map what fails to a BackupCopyError."""
        attempt = 0
        transient = 0
        while True:
            try:
                return call()
            except (ClientError, BotoCoreError, BackupCopyError) as exc:
                error = map_error(exc, context, retried=attempt)
                if isinstance(exc, BackupCopyError) or not is_retryable(exc, context.operation):
                    raise error from None
                transient = transient + 1 if isinstance(error, _TRANSIENT_ERRORS) else 0
                if transient > MAX_TRANSIENT_RETRIES or not self._wait_to_retry(context, error, attempt, deadline):
                    raise error from None
                attempt += 1

    def _wait_to_retry(self, context: ErrorContext, error: BackupCopyError, attempt: int, deadline: Deadline) -> bool:
        """Sleep before retry ``attempt``; a full copy quota waits until a copy in progress is predicted to end."""
        if isinstance(error, CopyLimitExceededError) and context.operation == "CopyBackup":
            region = context.region
            return self._slots.wait_for_slot(region, attempt, lambda: self._list_region(region, deadline), deadline)
        return deadline.sleep(self._backoff.delay(attempt))

    def _list_region(self, region: str, deadline: Deadline) -> list[dict[str, Any]]:
        """Every backup in ``region``, retried like any call; a listing names no backup, so a "not found"
        answer means one went away while it was listed: list again."""
        context = ErrorContext(operation="DescribeBackups", region=region, backup_id="the Region's backups")
        for attempt in range(MISSING_CONFIRMATIONS):
            try:
                return self._call(context, deadline, lambda: self._list_backups(region))
            except CopyNotFoundError:
                deadline.sleep(self._backoff.delay(attempt))
        return self._call(context, deadline, lambda: self._list_backups(region))

    def _list_backups(self, region: str) -> list[dict[str, Any]]:
        """Every backup in ``region`` (DescribeBackups, all pages; AWS's own errors, unmapped)."""
        pages = self._clients.fsx(region).get_paginator("describe_backups").paginate()
        return [dict(backup) for page in pages for backup in page.get("Backups") or []]

    def _default_region(self) -> str | None:
        """The stack's aws:region, else the environment's (AWS_REGION, AWS_DEFAULT_REGION, profile)."""
        if self._stack_region:
            return self._stack_region
        for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
            if os.environ.get(name):
                return os.environ[name]
        try:
            region = new_session(self._clients.profile).get_config_variable("region")
        except BotoCoreError:
            return None
        return str(region) if region else None


def _gone(id_: str, region: str, props: Mapping[str, Any]) -> ReadResult:
    """A refresh drops a copy that is gone; ``BackupCopy.get`` (props without outputs) says where it looked."""
    if props.get("backup_id"):
        return ReadResult("", {})
    raise CopyNotFoundError(
        f"BackupCopy.get looked for backup {id_} in '{region}' (the stack's aws:region, else AWS_REGION) and "
        "found none. If the copy is in another Region, set that Region with `pulumi config set aws:region "
        "REGION` (or AWS_REGION); otherwise check the ID.",
        code="BackupNotFound",
        operation="DescribeBackups",
        region=region,
        backup_id=id_,
    )


def _tag_map(backup: Mapping[str, Any]) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in backup.get("Tags") or []}


def _cancelled(spec: _CopySpec, backup_id: str | None) -> CopyCancelledError:
    """The error of a Create the engine cancelled (Ctrl-C): nothing is deleted, the next `pulumi up` resumes.

    The copy is still unrecorded (see :mod:`pulumi_fsx_copy.ownership`): the next Create adopts it.
    """
    route = f"{spec.source_backup_id} ('{spec.source_region}' -> '{spec.region}')"
    if backup_id is None:
        return CopyCancelledError(
            f"Pulumi was cancelled before the copy of {route} was known to have started. A copy AWS already "
            "started goes on there; the next `pulumi up` resumes it, or starts the copy if there is none.",
            **spec.context("CopyBackup").fields(None),
        )
    return CopyCancelledError(
        f"Pulumi was cancelled while waiting for copy {backup_id} of {route}. The copy goes on in AWS and "
        "was not deleted; the next `pulumi up` resumes waiting on this same copy.",
        **spec.context("DescribeBackups", backup_id).fields(None),
    )


def _with_unknown_sentinel(value: Any) -> Any:
    """Preview's unknowns arrive as ``pulumi.output.Unknown``; the offline modules know them as ``rpc.UNKNOWN``."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _with_unknown_sentinel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_unknown_sentinel(v) for v in value]
    return value


def _creation_time(backup: Mapping[str, Any]) -> datetime | None:
    created = backup.get("CreationTime")
    if isinstance(created, datetime):
        return created if created.tzinfo else created.replace(tzinfo=timezone.utc)
    return None


def _outputs(
    inputs: Mapping[str, Any],
    backup: Mapping[str, Any],
    *,
    managed_keys: Mapping[str, Any],
    from_aws: bool = False,
) -> dict[str, Any]:
    """The resource's outputs: its inputs, plus what AWS says of the copy."""
    tags_all = _tag_map(backup)
    file_system = backup.get("FileSystem") or {}
    volume = backup.get("Volume") or {}
    created = _creation_time(backup)
    outs = {k: v for k, v in inputs.items() if k != PROVIDER_KEY}
    requested = inputs.get("kms_key_id_requested") if from_aws else inputs.get("kms_key_id")
    outs.update(
        backup_id=backup.get("BackupId"),
        arn=backup.get("ResourceARN"),
        lifecycle=backup.get("Lifecycle"),
        progress_percent=backup.get("ProgressPercent", 100 if backup.get("Lifecycle") == "AVAILABLE" else 0),
        tags=({k: tags_all[k] for k in managed_keys if k in tags_all} if from_aws else dict(managed_keys)),
        tags_all=tags_all,
        kms_key_id=backup.get("KmsKeyId"),
        kms_key_id_requested=requested or None,
        file_system_id=file_system.get("FileSystemId") or volume.get("FileSystemId"),
        file_system_type=file_system.get("FileSystemType"),
        resource_type=backup.get("ResourceType"),
        volume_id=volume.get("VolumeId"),
        owner_id=backup.get("OwnerId"),
        creation_time=created.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if created else None,
        size_in_bytes=backup.get("SizeInBytes"),
    )
    if from_aws:
        for key, value in (("source_backup_id", "SourceBackupId"), ("source_region", "SourceBackupRegion")):
            if not outs.get(key):
                outs[key] = backup.get(value)
    return outs
