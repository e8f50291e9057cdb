"""The AWS gateway: every FSx and KMS call the provider makes, one method per operation, and the one retry policy.

Each method builds the error context of its operation (so a failure names the operation, Region and backup,
and never shows a tag value it sent), makes the call through :meth:`AwsGateway.call`, and returns plain
dicts. The retry policy is a few small checkers, as botocore's ``retries/standard.py`` composes them, apart
from the sleeping: an error AWS may answer differently later is retried; transient ones (throttling, 5xx,
an unreachable endpoint) at most :data:`MAX_TRANSIENT_RETRIES` times in a row; waits AWS asks for (the copy
quota, a source not ready, a busy backup) until the deadline; the copy quota sleeps until a copy in
progress is predicted to end (:mod:`pulumi_fsx_copy.slots`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from .clients import AwsClients
from .errors import (
    AwsServiceError,
    BackupCopyError,
    BackupInUseError,
    CopyLimitExceededError,
    CopyNotFoundError,
    EndpointUnreachableError,
    ErrorContext,
    RestoreNotFoundError,
    ThrottledError,
    is_retryable,
    map_error,
)
from .facts import Lifecycle
from .ownership import AwsClock, TagRead
from .slots import CopySlots
from .waiting import Backoff, CancelSignal, Deadline, PollPolicy

T = TypeVar("T")
Waiting = Callable[[BackupCopyError], None]
"""Hears an error a call retries, before the wait (to tell the user what a create waits for)."""

MAX_TRANSIENT_RETRIES = 8
_TRANSIENT_ERRORS = (ThrottledError, AwsServiceError, EndpointUnreachableError)
MISSING_CONFIRMATIONS = 3
"""A backup AWS reports missing is described this many times more before the provider believes it."""
LISTING_RESTARTS = 3
COPY_FILTER = ({"Name": "backup-type", "Values": ["USER_INITIATED"]},)
"""Every copy CopyBackup makes has the type USER_INITIATED (FSx user guides, "Copying backups": "When you
create a user-initiated backup copy, it has the type USER_INITIATED"): listing the Region's copies with this
filter skips its AUTOMATIC and AWS_BACKUP backups, usually most of them. No other filter is documented to
match a copy (a copy's ``file-system-id`` is not documented), so none is used."""
UNCANCELLABLE = CancelSignal()
"""Never set: the deadline of a step that must finish once begun (a claim, a release)."""


def _transient(error: BackupCopyError) -> bool:
    return isinstance(error, _TRANSIENT_ERRORS)


class RetryState:
    """What a retry decision needs: attempts so far and transient failures in a row."""

    def __init__(self) -> None:
        self.attempt = 0
        self.transient = 0

    def record(self, error: BackupCopyError) -> None:
        self.transient = self.transient + 1 if _transient(error) else 0

    def may_retry(self, exc: BaseException, operation: str) -> bool:
        """The checkers: retryable by the error table, and within the transient budget."""
        if isinstance(exc, BackupCopyError) or not is_retryable(exc, operation):
            return False
        return self.transient <= MAX_TRANSIENT_RETRIES


class AwsGateway:
    """FSx and KMS for the provider: every call, its error context and its retries."""

    def __init__(self, clients: AwsClients, poll: PollPolicy, backoff: Backoff) -> None:
        self.clients = clients
        self.poll = poll
        self.backoff = backoff
        self.slots = CopySlots(poll, backoff)
        self.clock = AwsClock()
        """AWS's clock, as every answer's ``Date`` tells it (lease stamps and ages are judged on it)."""

    def scope(self, region: str) -> Hashable:
        """``region`` as the AWS settings in force see it: another account's (or endpoint's) Region is another."""
        return (self.clients.settings.key, region)

    def copy_ended(self, region: str, backup_id: str) -> None:
        """A copy into ``region`` ended (AVAILABLE, FAILED, DELETED): whoever waits for a copy slot there may go."""
        self.slots.release(self.scope(region), backup_id)

    # -- the retry policy ------------------------------------------------------------------------

    def call(
        self,
        context: ErrorContext,
        deadline: Deadline,
        call: Callable[[], T],
        waiting: Waiting | None = None,
        before_retry: Callable[[], None] | None = None,
    ) -> T:
        """Make one AWS call, retrying what may succeed later, and map what fails to a BackupCopyError.
        ``waiting`` hears each error retried, before the wait; ``before_retry`` runs before each retry
        (whatever it raises ends the call)."""
        state = RetryState()
        while True:
            try:
                result = call()
                self._observe_clock(result)
                return result
            except (ClientError, BotoCoreError, BackupCopyError) as exc:
                if isinstance(exc, ClientError):
                    self._observe_clock(exc.response)
                error = map_error(exc, context, retried=state.attempt)
                state.record(error)
                if not state.may_retry(exc, context.operation):
                    raise error from None
                if waiting is not None:
                    waiting(error)
                if not self._sleep_before_retry(context, error, state.attempt, deadline):
                    raise error from None
                state.attempt += 1
            if before_retry is not None:
                before_retry()

    def _observe_clock(self, answer: object) -> None:
        """Tell :attr:`clock` the ``Date`` of an answer (botocore's ``ResponseMetadata.HTTPHeaders``)."""
        received = time.monotonic()
        metadata = answer.get("ResponseMetadata") if isinstance(answer, dict) else None
        date = ((metadata or {}).get("HTTPHeaders") or {}).get("date")
        if isinstance(date, str):
            with contextlib.suppress(TypeError, ValueError):  # no usable Date: it says nothing of AWS's clock
                self.clock.observe(parsedate_to_datetime(date).timestamp(), received)

    def _sleep_before_retry(
        self, context: ErrorContext, error: BackupCopyError, attempt: int, deadline: Deadline
    ) -> bool:
        """Sleep before retry ``attempt``; a full copy quota waits until a copy in progress is predicted to end."""
        if isinstance(error, CopyLimitExceededError) and context.operation == "CopyBackup":
            region = context.region
            scope = self.scope(region)
            return self.slots.wait_for_slot(scope, attempt, lambda: self.list_copies(region, deadline), deadline)
        return deadline.sleep(self.backoff.delay(attempt))

    # -- FSx ---------------------------------------------------------------------------------------

    def describe_backup(
        self, region: str, backup_id: str, deadline: Deadline, context: ErrorContext | None = None
    ) -> dict[str, Any]:
        """One backup (CopyNotFoundError when AWS has none by that ID)."""
        context = context or ErrorContext(operation="DescribeBackups", region=region, backup_id=backup_id)
        fsx = self.clients.fsx(region)
        response = self.call(context, deadline, lambda: fsx.describe_backups(BackupIds=[backup_id]))
        backups = response.get("Backups") or []
        if not backups:
            raise CopyNotFoundError(
                f"backup {backup_id} was not found in '{region}'.", **context.fields("BackupNotFound")
            )
        return dict(backups[0])

    def find_backup(
        self, region: str, backup_id: str, deadline: Deadline, context: ErrorContext | None = None
    ) -> dict[str, Any] | None:
        """One backup, or None once AWS has reported it missing (or DELETED) :data:`MISSING_CONFIRMATIONS` more times:
        forgetting a backup that exists leaks it, and DescribeBackups may briefly miss a new one."""
        context = context or ErrorContext(operation="DescribeBackups", region=region, backup_id=backup_id)
        for attempt in range(MISSING_CONFIRMATIONS + 1):
            if attempt and not deadline.sleep(self.backoff.delay(attempt - 1)) and attempt > 1:
                break
            try:
                backup = self.describe_backup(region, backup_id, deadline, context)
            except CopyNotFoundError:
                continue
            return None if backup.get("Lifecycle") == Lifecycle.DELETED else backup
        return None

    def list_copies(self, region: str, deadline: Deadline) -> list[dict[str, Any]]:
        """Every copy in ``region`` (DescribeBackups filtered to USER_INITIATED, every page, each page retried
        on its own). A page answering "not found" means a backup went away while listed: list again."""
        context = ErrorContext(operation="DescribeBackups", region=region, backup_id="the Region's copies")
        fsx = self.clients.fsx(region)
        for restart in range(LISTING_RESTARTS + 1):
            backups: list[dict[str, Any]] = []
            token: str | None = None
            try:
                while True:
                    request: dict[str, Any] = {"Filters": [dict(f) for f in COPY_FILTER]}
                    if token:
                        request["NextToken"] = token
                    page = self.call(context, deadline, partial(fsx.describe_backups, **request))
                    backups.extend(dict(b) for b in page.get("Backups") or [])
                    token = page.get("NextToken")
                    if not token:
                        return backups
            except CopyNotFoundError:
                if restart == LISTING_RESTARTS:
                    raise
                deadline.sleep(self.backoff.delay(restart))
        raise AssertionError("unreachable")  # pragma: no cover

    def copy_backup(
        self, context: ErrorContext, deadline: Deadline, request: Mapping[str, Any], waiting: Waiting | None = None
    ) -> dict[str, Any]:
        """CopyBackup, retried with the same token (so a lost answer does not make a second copy); ``waiting``
        hears why it waits (a copy slot, the source)."""
        fsx = self.clients.fsx(context.region)
        return dict(self.call(context, deadline, partial(fsx.copy_backup, **request), waiting)["Backup"])

    def list_tags(self, region: str, backup: Mapping[str, Any], deadline: Deadline) -> dict[str, str]:
        """A backup's tags now (ListTagsForResource, every page)."""
        return self.read_tags(region, backup, deadline).tags

    def read_tags(self, region: str, backup: Mapping[str, Any], deadline: Deadline) -> TagRead:
        """A backup's tags now (ListTagsForResource, every page), with how long the answer took and AWS's time
        of its first page (the oldest a page may be)."""
        context = ErrorContext(operation="ListTagsForResource", region=region, backup_id=str(backup["BackupId"]))
        fsx = self.clients.fsx(region)
        tags: dict[str, str] = {}
        token: str | None = None
        asked = time.monotonic()
        aws_time: float | None = None
        while True:
            request: dict[str, Any] = {"ResourceARN": str(backup["ResourceARN"])}
            if token:
                request["NextToken"] = token
            page = self.call(context, deadline, partial(fsx.list_tags_for_resource, **request))
            if aws_time is None:
                aws_time = self.clock.now()
            tags.update({str(t["Key"]): str(t.get("Value", "")) for t in page.get("Tags") or []})
            token = page.get("NextToken")
            if not token:
                received = time.monotonic()
                return TagRead(tags, aws_time, took=received - asked, received=received)

    def tag(
        self,
        region: str,
        backup: Mapping[str, Any],
        tags: Mapping[str, str],
        deadline: Deadline,
        secrets: Sequence[str] = (),
    ) -> None:
        """TagResource; AWS's message is withheld when it repeats a value of ``tags`` or ``secrets``."""
        context = ErrorContext(
            operation="TagResource",
            region=region,
            backup_id=str(backup["BackupId"]),
            secrets=(*tags.values(), *secrets),
        )
        pairs = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
        fsx = self.clients.fsx(region)
        arn = str(backup["ResourceARN"])
        self.call(context, deadline, lambda: fsx.tag_resource(ResourceARN=arn, Tags=pairs))

    def untag(self, region: str, backup: Mapping[str, Any], keys: Sequence[str], deadline: Deadline) -> None:
        context = ErrorContext(operation="UntagResource", region=region, backup_id=str(backup["BackupId"]))
        fsx = self.clients.fsx(region)
        arn = str(backup["ResourceARN"])
        self.call(context, deadline, lambda: fsx.untag_resource(ResourceARN=arn, TagKeys=list(keys)))

    def delete_backup(
        self, region: str, backup_id: str, deadline: Deadline, confirm: Callable[[], None] | None = None
    ) -> None:
        """Delete a backup, retrying while it is busy, and wait until it is gone. ``confirm`` runs before each
        retry of DeleteBackup (whatever it raises ends the deletion)."""
        context = ErrorContext(operation="DeleteBackup", region=region, backup_id=backup_id)
        fsx = self.clients.fsx(region)
        while True:
            try:
                self.call(context, deadline, lambda: fsx.delete_backup(BackupId=backup_id), before_retry=confirm)
            except CopyNotFoundError:
                # Never report a copy gone on DeleteBackup's word alone: a destroy that "succeeds" while the
                # copy lives leaks it for good. DescribeBackups must agree; if it still sees it, delete again.
                found = self.find_backup(region, backup_id, deadline)
                if found is None:
                    return
                if deadline.expired():
                    raise AwsServiceError(
                        f"DeleteBackup answered that backup {backup_id} does not exist in '{region}', but "
                        f"DescribeBackups still lists it ({found.get('Lifecycle')}). Re-run `pulumi destroy`; "
                        "if it persists, delete the backup in the FSx console.",
                        **context.fields(None),
                    ) from None
                if confirm is not None:
                    confirm()
                continue
            break
        while True:
            try:
                backup = self.describe_backup(region, backup_id, deadline)
            except CopyNotFoundError:
                return
            if backup.get("Lifecycle") == Lifecycle.DELETED:
                return
            if not deadline.sleep(self.poll.min_delay):
                raise BackupInUseError(
                    f"backup {backup_id} in '{region}' is still {backup.get('Lifecycle')} after "
                    f"{deadline.seconds / 60:g} minutes. Re-run `pulumi destroy` to go on waiting.",
                    **context.fields(None),
                )

    # -- FSx restores (RestoreDrill) ------------------------------------------------------------------

    def restore(
        self, operation: str, region: str, request: Mapping[str, Any], deadline: Deadline, secrets: Sequence[str] = ()
    ) -> dict[str, Any]:
        """CreateFileSystemFromBackup or CreateVolumeFromBackup (``operation``) with ``request`` (its
        ClientRequestToken makes a retry after a lost answer return the same one); the file system or volume.
        AWS's message is withheld when it repeats one of ``secrets``."""
        context = ErrorContext(
            operation=operation, region=region, backup_id=str(request.get("BackupId")), secrets=tuple(secrets)
        )
        fsx = self.clients.fsx(region)
        call = fsx.create_file_system_from_backup if operation == "CreateFileSystemFromBackup" else None
        call = call or fsx.create_volume_from_backup
        answer = self.call(context, deadline, partial(call, **request))
        return dict(answer.get("FileSystem") or answer.get("Volume") or {})

    def describe_restored(self, region: str, kind: str, resource_id: str, deadline: Deadline) -> dict[str, Any] | None:
        """A file system or volume (``kind``: ``file_system`` / ``volume``) by ID; None once FSx has none."""
        operation = "DescribeFileSystems" if kind == "file_system" else "DescribeVolumes"
        context = ErrorContext(operation=operation, region=region, extra={"file_system_id": resource_id})
        fsx = self.clients.fsx(region)
        try:
            if kind == "file_system":
                found = self.call(context, deadline, lambda: fsx.describe_file_systems(FileSystemIds=[resource_id]))
                items = found.get("FileSystems") or []
            else:
                found = self.call(context, deadline, lambda: fsx.describe_volumes(VolumeIds=[resource_id]))
                items = found.get("Volumes") or []
        except RestoreNotFoundError:
            return None
        return dict(items[0]) if items else None

    def list_restored(self, region: str, kind: str, deadline: Deadline) -> list[dict[str, Any]]:
        """Every file system or volume (``kind``) in ``region``, every page, with their tags."""
        operation = "DescribeFileSystems" if kind == "file_system" else "DescribeVolumes"
        context = ErrorContext(operation=operation, region=region, extra={"file_system_id": "the Region's"})
        fsx = self.clients.fsx(region)
        describe = fsx.describe_file_systems if kind == "file_system" else fsx.describe_volumes
        key = "FileSystems" if kind == "file_system" else "Volumes"
        found: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page = self.call(context, deadline, partial(describe, **({"NextToken": token} if token else {})))
            found.extend(dict(item) for item in page.get(key) or [])
            token = page.get("NextToken")
            if not token:
                return found

    def delete_restored(
        self, region: str, kind: str, resource_id: str, options: Mapping[str, Any], deadline: Deadline
    ) -> None:
        """DeleteFileSystem or DeleteVolume with ``options`` (no final backup); RestoreNotFoundError when gone."""
        operation = "DeleteFileSystem" if kind == "file_system" else "DeleteVolume"
        context = ErrorContext(operation=operation, region=region, extra={"file_system_id": resource_id})
        fsx = self.clients.fsx(region)
        if kind == "file_system":
            self.call(context, deadline, lambda: fsx.delete_file_system(FileSystemId=resource_id, **options))
        else:
            self.call(context, deadline, lambda: fsx.delete_volume(VolumeId=resource_id, **options))

    # -- KMS ---------------------------------------------------------------------------------------

    def describe_key(self, region: str, key: str, deadline: Deadline, context: ErrorContext) -> dict[str, Any]:
        """A KMS key's metadata (DescribeKey)."""
        kms = self.clients.kms(region)
        return dict(self.call(context, deadline, lambda: kms.describe_key(KeyId=key))["KeyMetadata"])
