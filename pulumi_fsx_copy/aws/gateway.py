"""The AWS gateway: every FSx and KMS call, one method per operation, the one retry policy and :meth:`AwsGateway.pages`.

Each method builds its operation's error context (a failure never shows a tag value it sent), calls through
:meth:`AwsGateway.call`, and answers a backup as a :class:`~pulumi_fsx_copy.aws.backup.Backup`. Small checkers decide
whether to retry (:data:`RETRY_CHECKER`, as botocore's ``retries/standard.py`` composes them); the sleeping is
apart, always the deadline's, so Cancel ends it (a full copy quota waits for a slot: :mod:`pulumi_fsx_copy.aws.slots`).
The provider and the program's look-ups (:meth:`AwsGateway.for_settings`) both call AWS through it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, Protocol, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from ..engine.waiting import Backoff, CancelSignal, Deadline, PollPolicy, time_scale
from ..errors import (
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
from ..rules.awsconfig import AwsSettings
from ..rules.facts import Lifecycle
from .backup import Backup
from .clients import AwsClients
from .ownership import AwsClock, TagRead
from .slots import CopySlots

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


Page = Mapping[str, Any]
"""One answer of a paginated operation (``NextToken`` when more follow)."""


# -- the retry checkers (whether to retry; the sleeping is the gateway's) -----------------------------


@dataclass
class RetryContext:
    """What a retry decision needs: the failure, mapped, and the call's history."""

    operation: str
    attempt: int = 0
    """Retries made so far."""
    transient: int = 0
    """Transient failures in a row, this one included."""
    exc: BaseException | None = None
    """What the call raised last (botocore's exception, or a BackupCopyError)."""

    def failed(self, exc: BaseException, error: BackupCopyError) -> None:
        """The call failed with ``exc`` (``error``: as the error table maps it)."""
        self.exc = exc
        self.transient = self.transient + 1 if isinstance(error, _TRANSIENT_ERRORS) else 0


class RetryChecker(Protocol):
    def is_retryable(self, context: RetryContext) -> bool:
        """Whether the failure of ``context`` may be retried."""


class RetryableByTable:
    """The error table says calling again may succeed (a BackupCopyError of our own never is)."""

    def is_retryable(self, context: RetryContext) -> bool:
        exc = context.exc
        return exc is not None and not isinstance(exc, BackupCopyError) and is_retryable(exc, context.operation)


@dataclass(frozen=True)
class TransientBudget:
    """At most ``retries`` transient failures in a row are retried."""

    retries: int = MAX_TRANSIENT_RETRIES

    def is_retryable(self, context: RetryContext) -> bool:
        return context.transient <= self.retries


@dataclass(frozen=True)
class AllOf:
    """Retry only when every checker says so."""

    checkers: tuple[RetryChecker, ...]

    def is_retryable(self, context: RetryContext) -> bool:
        return all(checker.is_retryable(context) for checker in self.checkers)


RETRY_CHECKER: RetryChecker = AllOf((RetryableByTable(), TransientBudget()))
"""The one retry policy's decision: retryable by the error table, within the transient budget."""


class AwsGateway:
    """FSx and KMS for the provider and the program's look-ups: every call, its error context and its retries."""

    def __init__(
        self, clients: AwsClients, poll: PollPolicy, backoff: Backoff, checker: RetryChecker = RETRY_CHECKER
    ) -> None:
        self.clients = clients
        self.checker = checker
        self.poll = poll
        self.backoff = backoff
        self.slots = CopySlots(poll, backoff)
        self.clock = AwsClock()
        """AWS's clock, as every answer's ``Date`` tells it (lease stamps and ages are judged on it)."""

    @classmethod
    def for_settings(cls, settings: AwsSettings) -> AwsGateway:
        """A gateway with clients of ``settings`` and the policies scaled by ``PULUMI_FSX_COPY_TIME_SCALE`` (the
        program process's look-ups)."""
        scale = time_scale()
        return cls(AwsClients(settings), PollPolicy().scaled(scale), Backoff().scaled(scale))

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
        state = RetryContext(context.operation)
        while True:
            try:
                result = call()
                self._observe_clock(result)
                return result
            except (ClientError, BotoCoreError, BackupCopyError) as exc:
                if isinstance(exc, ClientError):
                    self._observe_clock(exc.response)
                error = map_error(exc, context, retried=state.attempt)
                state.failed(exc, error)
                if not self.checker.is_retryable(state):
                    raise error from None
                if waiting is not None:
                    waiting(error)
                if not self._sleep_before_retry(context, error, state.attempt, deadline):
                    raise error from None
                state.attempt += 1
            if before_retry is not None:
                before_retry()

    def pages(
        self, context: ErrorContext, deadline: Deadline, method: Callable[..., Page], request: Mapping[str, Any]
    ) -> Iterator[Page]:
        """Every page of a paginated operation (``method`` with ``request``), following ``NextToken``; each
        page is one :meth:`call`, retried on its own."""
        token: str | None = None
        while True:
            page = self.call(context, deadline, partial(method, **request, **({"NextToken": token} if token else {})))
            yield page
            token = page.get("NextToken")
            if not token:
                return

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
    ) -> Backup:
        """One backup (CopyNotFoundError when AWS has none by that ID)."""
        context = context or ErrorContext(operation="DescribeBackups", region=region, backup_id=backup_id)
        fsx = self.clients.fsx(region)
        response = self.call(context, deadline, lambda: fsx.describe_backups(BackupIds=[backup_id]))
        backups = response.get("Backups") or []
        if not backups:
            raise CopyNotFoundError(
                f"backup {backup_id} was not found in '{region}'.", **context.fields("BackupNotFound")
            )
        return Backup.from_aws(backups[0])

    def find_backup(
        self, region: str, backup_id: str, deadline: Deadline, context: ErrorContext | None = None
    ) -> Backup | None:
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
            return None if backup.lifecycle == Lifecycle.DELETED else backup
        return None

    def list_copies(self, region: str, deadline: Deadline) -> list[Backup]:
        """Every copy in ``region`` (DescribeBackups filtered to USER_INITIATED, every page, each page retried
        on its own). A page answering "not found" means a backup went away while listed: list again."""
        context = ErrorContext(operation="DescribeBackups", region=region, backup_id="the Region's copies")
        request = {"Filters": [dict(f) for f in COPY_FILTER]}
        for restart in range(LISTING_RESTARTS + 1):
            try:
                return self.list_backups(context, deadline, region, request)
            except CopyNotFoundError:
                if restart == LISTING_RESTARTS:
                    raise
                deadline.sleep(self.backoff.delay(restart))
        raise AssertionError("unreachable")  # pragma: no cover

    def list_backups(
        self, context: ErrorContext, deadline: Deadline, region: str, request: Mapping[str, Any]
    ) -> list[Backup]:
        """DescribeBackups with ``request`` in ``region``: every page (:meth:`pages`)."""
        fsx = self.clients.fsx(region)
        pages = self.pages(context, deadline, fsx.describe_backups, request)
        return [Backup.from_aws(b) for page in pages for b in page.get("Backups") or []]

    def copy_backup(
        self, context: ErrorContext, deadline: Deadline, request: Mapping[str, Any], waiting: Waiting | None = None
    ) -> Backup:
        """CopyBackup, retried with the same token (so a lost answer does not make a second copy); ``waiting``
        hears why it waits (a copy slot, the source)."""
        fsx = self.clients.fsx(context.region)
        return Backup.from_aws(self.call(context, deadline, partial(fsx.copy_backup, **request), waiting)["Backup"])

    def list_tags(self, region: str, backup: Backup, deadline: Deadline) -> dict[str, str]:
        """A backup's tags now (ListTagsForResource, every page)."""
        return self.read_tags(region, backup, deadline).tags

    def read_tags(self, region: str, backup: Backup, deadline: Deadline) -> TagRead:
        """A backup's tags now (ListTagsForResource, every page), with how long the answer took and AWS's time
        of its first page (the oldest a page may be)."""
        context = ErrorContext(operation="ListTagsForResource", region=region, backup_id=backup.backup_id)
        fsx = self.clients.fsx(region)
        tags: dict[str, str] = {}
        asked = time.monotonic()
        aws_time: float | None = None
        request = {"ResourceARN": str(backup.resource_arn)}
        for page in self.pages(context, deadline, fsx.list_tags_for_resource, request):
            if aws_time is None:
                aws_time = self.clock.now()
            tags.update({str(t["Key"]): str(t.get("Value", "")) for t in page.get("Tags") or []})
        assert aws_time is not None  # pages() yields at least one page
        received = time.monotonic()
        return TagRead(tags, aws_time, took=received - asked, received=received)

    def tag(
        self,
        region: str,
        backup: Backup,
        tags: Mapping[str, str],
        deadline: Deadline,
        secrets: Sequence[str] = (),
    ) -> None:
        """TagResource; AWS's message is withheld when it repeats a value of ``tags`` or ``secrets``."""
        context = ErrorContext(
            operation="TagResource",
            region=region,
            backup_id=backup.backup_id,
            secrets=(*tags.values(), *secrets),
        )
        pairs = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
        fsx = self.clients.fsx(region)
        arn = str(backup.resource_arn)
        self.call(context, deadline, lambda: fsx.tag_resource(ResourceARN=arn, Tags=pairs))

    def untag(self, region: str, backup: Backup, keys: Sequence[str], deadline: Deadline) -> None:
        context = ErrorContext(operation="UntagResource", region=region, backup_id=backup.backup_id)
        fsx = self.clients.fsx(region)
        arn = str(backup.resource_arn)
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
                        f"DescribeBackups still lists it ({found.lifecycle}). Re-run `pulumi destroy`; "
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
            if backup.lifecycle == Lifecycle.DELETED:
                return
            if not deadline.sleep(self.poll.min_delay):
                raise BackupInUseError(
                    f"backup {backup_id} in '{region}' is still {backup.lifecycle} after "
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
        return [dict(item) for page in self.pages(context, deadline, describe, {}) for item in page.get(key) or []]

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
