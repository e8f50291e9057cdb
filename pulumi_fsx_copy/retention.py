"""RetainedBackupCopies: the DR Region always holds copies of a file system's K newest backups.

One :class:`~pulumi_fsx_copy.BackupCopy` child per retained source backup, named by the source backup's ID, so a
copy stays untouched while its source is among the K newest. A scheduled ``pulumi up`` is the DR job: a new
backup gets its copy, and the copy whose source dropped out of the K newest is deleted.

Create before delete, and a failure deletes nothing. This holds by how the engine (pkg/v3, resource/deploy)
runs an update:

* A child no longer in the program is deleted only in ``deploymentExecutor.performPostSteps``
  (``GenerateDeletes``, then ``ScheduleDeletes``), which ``Execute`` calls once the program has ended without
  an error (its nil source event) and every step it caused is done. Each child is a ``BackupCopy`` that waits
  until its copy is ``AVAILABLE`` (this component always sets ``wait_for_available``), and the program ends
  only once every registration has been answered. So every new copy is ``AVAILABLE`` before the first delete.
* A failed create calls ``stepExecutor.cancelDueToError``, which cancels the deployment: ``Execute`` leaves its
  loop through ``ctx.Done()`` and ``performPostSteps`` never runs; nothing is deleted.
* With ``--continue-on-error`` the engine would go on to the deletes; but it answers the failed registration
  with ``Result_FAIL`` and the SDK resolves that child's outputs as unknown. This component then fails the
  program (:class:`RetentionIncompleteError`), and a program that ends with an error is a source event
  with an error: ``Execute`` bails before ``performPostSteps``. Nothing is deleted either.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any, TypeVar

import pulumi

from .errors import InvalidInputError, RetentionIncompleteError, StaleBackupsError
from .fanout import Destination, _destinations, _merged_tags
from .lookup import MAX_COUNT, SourceBackup, newest_backups, resolve_region
from .resource import BackupCopy
from .tags import short_repr

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class RetainedBackupCopiesArgs:
    """The inputs of a :class:`RetainedBackupCopies`. ``file_system_id``, ``volume_id``, ``source_region``,
    ``keep``, ``max_age`` and ``backup_types`` must be known when the program runs (they choose the children)."""

    keep: int
    """How many of the newest backups to hold copies of, 1 to 100."""
    file_system_id: str | None = None
    """The file system whose backups are copied (``fs-...``); or give ``volume_id``."""
    volume_id: str | None = None
    """The ONTAP or OpenZFS volume whose backups are copied (``fsvol-...``)."""
    source_region: str | None = None
    """Region of the backups (default: the stack's ``aws:region``)."""
    region: pulumi.Input[str] | None = None
    """Region of the copies (default: the stack's ``aws:region``)."""
    kms_key_id: pulumi.Input[str] | None = None
    """KMS key in ``region`` for the copies (default: the FSx-managed key)."""
    copy_tags: pulumi.Input[bool] | None = None
    """Copy each source backup's tags too."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Tags on every copy (changed in place)."""
    max_age: timedelta | None = None
    """Fail ``pulumi preview`` / ``up`` when the newest backup is older than this (backups have stopped)."""
    backup_types: Sequence[str] | None = None
    """Only these backup types (default: ``AUTOMATIC``, ``USER_INITIATED`` and ``AWS_BACKUP``)."""
    wait_timeout_minutes: pulumi.Input[float] | None = None
    """How long each copy's create and delete may wait (default 360)."""
    sources: Sequence[SourceBackup] | None = None
    """The backups to retain, newest first, as :func:`~pulumi_fsx_copy.newest_backups` returns them
    (default: looked up; :class:`MultiRegionRetainedBackupCopies` shares one look-up between its Regions)."""


class RetainedBackupCopies(pulumi.ComponentResource):
    """Holds copies of the ``keep`` newest ``AVAILABLE`` backups of a file system (or volume) in ``region``.

    Each copy is a :class:`BackupCopy` named ``<name>-<source backup ID>``. When a newer backup appears, the next
    ``pulumi up`` makes its copy and waits until it is ``AVAILABLE`` before the copy of the oldest is deleted;
    a failed copy deletes nothing. The look-up calls AWS at preview too (see :func:`newest_backups`).
    """

    backup_ids: pulumi.Output[dict[str, str]]
    """Source backup ID -> ID of its copy."""
    newest_backup_id: pulumi.Output[str | None]
    """ID of the copy of the newest source backup (None when the file system has no backup)."""
    newest_source_backup_id: pulumi.Output[str | None]
    """ID of the newest source backup."""
    newest_source_time: pulumi.Output[str | None]
    """When the newest source backup was made (ISO 8601, UTC)."""
    rpo_seconds: pulumi.Output[int | None]
    """Age of the newest copy's source backup when this run made sure of its copy: the recovery point
    objective the DR Region meets now."""
    copies: dict[str, BackupCopy]
    """Source backup ID -> the BackupCopy child, newest first."""
    sources: list[SourceBackup]
    """The retained source backups, newest first."""

    def __init__(
        self,
        resource_name: str,
        args: RetainedBackupCopiesArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Keep copies of the ``keep`` newest backups of ``file_system_id`` (or ``volume_id``) from ``source_region``
        in ``region``. Pass the inputs as keyword arguments (those of :class:`RetainedBackupCopiesArgs`) or as
        one ``RetainedBackupCopiesArgs``. A bad input raises :class:`~pulumi_fsx_copy.InvalidInputError` naming it.
        """
        args = _args("RetainedBackupCopies", resource_name, args, kwargs)
        super().__init__("pulumi-fsx-copy:index:RetainedBackupCopies", resource_name, None, opts)
        source_region = resolve_region(args.source_region, "source_region")
        subject = _subject(args)
        if args.sources is not None:
            self.sources = list(args.sources)[: args.keep]
        else:
            self.sources = newest_backups(
                file_system_id=args.file_system_id,
                volume_id=args.volume_id,
                region=source_region,
                count=args.keep,
                backup_types=args.backup_types,
            )
        self.copies = {
            source.backup_id: BackupCopy(
                f"{resource_name}-{source.backup_id}",
                source_backup_id=source.backup_id,
                source_region=source_region,
                region=args.region,
                kms_key_id=args.kms_key_id,
                copy_tags=args.copy_tags,
                tags=args.tags,
                wait_for_available=True,  # the create-before-delete guarantee rests on it
                wait_timeout_minutes=args.wait_timeout_minutes,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for source in self.sources
        }
        newest = self.sources[0] if self.sources else None
        if newest is None:
            pulumi.log.warn(f"{subject} has no AVAILABLE backup in '{source_region}': nothing to copy", self)
        if pulumi.runtime.is_dry_run():
            _check_age(args.max_age, newest, subject, source_region)
        settled = _settled(self.copies, newest, args.max_age, subject, source_region)
        self.backup_ids = settled.apply(lambda s: s.backup_ids)
        self.newest_backup_id = settled.apply(lambda s: s.backup_ids.get(newest.backup_id) if newest else None)
        self.newest_source_backup_id = pulumi.Output.from_input(newest.backup_id if newest else None)
        self.newest_source_time = pulumi.Output.from_input(newest.created if newest else None)
        self.rpo_seconds = settled.apply(lambda s: s.rpo_seconds)
        self.register_outputs(
            {
                "backup_ids": self.backup_ids,
                "newest_backup_id": self.newest_backup_id,
                "newest_source_backup_id": self.newest_source_backup_id,
                "newest_source_time": self.newest_source_time,
                "rpo_seconds": self.rpo_seconds,
            }
        )


class MultiRegionRetainedBackupCopies(pulumi.ComponentResource):
    """:class:`RetainedBackupCopies` into several Regions from one look-up: one child per Region
    (``<name>-<region>``), so each Region's copies are made and deleted on their own."""

    backup_ids: pulumi.Output[dict[str, dict[str, str]]]
    """Region -> source backup ID -> ID of its copy there."""
    newest_backup_ids: pulumi.Output[dict[str, str | None]]
    """Region -> ID of the copy of the newest source backup there."""
    newest_source_backup_id: pulumi.Output[str | None]
    """ID of the newest source backup."""
    rpo_seconds: pulumi.Output[int | None]
    """Age of the newest source backup once every Region holds its copy (the RPO all Regions meet)."""
    regions: dict[str, RetainedBackupCopies]
    """Region -> its RetainedBackupCopies child."""

    def __init__(
        self,
        resource_name: str,
        *,
        keep: int,
        destinations: Mapping[str, Destination | None] | Iterable[str],
        file_system_id: str | None = None,
        volume_id: str | None = None,
        source_region: str | None = None,
        copy_tags: pulumi.Input[bool] | None = None,
        tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        max_age: timedelta | None = None,
        backup_types: Sequence[str] | None = None,
        wait_timeout_minutes: pulumi.Input[float] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """:param destinations: the Regions to hold copies in (known when the program runs), each optionally with
        its own :class:`Destination` (KMS key, extra tags).
        The other parameters are those of :class:`RetainedBackupCopiesArgs`.
        """
        regions = _destinations(resource_name, destinations)
        common = RetainedBackupCopiesArgs(
            keep=keep,
            file_system_id=file_system_id,
            volume_id=volume_id,
            source_region=source_region,
            copy_tags=copy_tags,
            max_age=max_age,
            backup_types=backup_types,
            wait_timeout_minutes=wait_timeout_minutes,
        )
        _validate("MultiRegionRetainedBackupCopies", resource_name, common)
        super().__init__("pulumi-fsx-copy:index:MultiRegionRetainedBackupCopies", resource_name, None, opts)
        where = resolve_region(source_region, "source_region")
        sources = newest_backups(
            file_system_id=file_system_id, volume_id=volume_id, region=where, count=keep, backup_types=backup_types
        )
        self.regions = {}
        for region, destination in regions.items():
            self.regions[region] = RetainedBackupCopies(
                f"{resource_name}-{region}",
                _replace(
                    common,
                    source_region=where,
                    region=region,
                    kms_key_id=destination.kms_key_id,
                    tags=_merged_tags(tags, destination.tags),
                    sources=sources,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        ids: dict[str, Any] = {region: child.backup_ids for region, child in self.regions.items()}
        newest: dict[str, Any] = {region: child.newest_backup_id for region, child in self.regions.items()}
        self.backup_ids = pulumi.Output.all(**ids).apply(dict)
        self.newest_backup_ids = pulumi.Output.all(**newest).apply(dict)
        self.newest_source_backup_id = pulumi.Output.from_input(sources[0].backup_id if sources else None)
        rpos = [child.rpo_seconds for child in self.regions.values()]
        self.rpo_seconds = pulumi.Output.all(*rpos).apply(
            lambda all_: max((r for r in all_ if r is not None), default=None)
        )
        self.register_outputs(
            {
                "backup_ids": self.backup_ids,
                "newest_backup_ids": self.newest_backup_ids,
                "newest_source_backup_id": self.newest_source_backup_id,
                "rpo_seconds": self.rpo_seconds,
            }
        )


@dataclass(frozen=True)
class _Settled:
    backup_ids: dict[str, str] = field(default_factory=dict)
    rpo_seconds: int | None = None


def _settled(
    copies: Mapping[str, BackupCopy],
    newest: SourceBackup | None,
    max_age: timedelta | None,
    subject: str,
    source_region: str,
) -> pulumi.Output[_Settled]:
    """Every copy's ID once every child is done, and the RPO then. In an update, a child whose ID is unknown was
    not made (``--continue-on-error``): the program fails, so the engine deletes nothing (see the module doc)."""

    async def settle() -> tuple[_Settled | None, bool]:
        ids: dict[str, str] = {}
        for source_id, copy in copies.items():
            if not await copy.backup_id.is_known():
                if pulumi.runtime.is_dry_run():
                    return None, False
                raise RetentionIncompleteError(
                    f"the copy of backup {source_id} ({subject} in '{source_region}') was not made in this run, so "
                    "no older copy was deleted. Fix the error reported for it, then re-run `pulumi up`.",
                    source_backup_id=source_id,
                    source_region=source_region,
                )
            ids[source_id] = str(await copy.backup_id.future())
        rpo = int(newest.age_seconds()) if newest is not None else None
        if not pulumi.runtime.is_dry_run():
            _check_age(max_age, newest, subject, source_region)
        return _Settled(ids, rpo), True

    return _output_of(set(copies.values()), settle())


def _output_of(
    resources: set[pulumi.Resource], compute: Coroutine[Any, Any, tuple[T | None, bool]]
) -> pulumi.Output[T]:
    """An Output computed by ``compute``, which returns ``(value, known)``."""
    task = asyncio.ensure_future(compute)

    async def value() -> T:
        return (await task)[0]  # type: ignore[return-value]  # None only when unknown

    async def known() -> bool:
        try:
            return (await task)[1]
        except Exception:  # the value carries the error; an Output that failed is not known
            return False

    return pulumi.Output(resources, value(), asyncio.ensure_future(known()))


def _check_age(max_age: timedelta | None, newest: SourceBackup | None, subject: str, source_region: str) -> None:
    if max_age is None:
        return
    if newest is None:
        raise StaleBackupsError(
            f"{subject} has no AVAILABLE backup in '{source_region}', and max_age is {_hours(max_age)}: the DR Region "
            "holds no recent copy. Check the file system's backups (automatic backups, AWS Backup plan, the job "
            "that calls CreateBackup).",
            region=source_region,
        )
    age = newest.age_seconds()
    if age > max_age.total_seconds():
        raise StaleBackupsError(
            f"the newest backup of {subject} in '{source_region}', {newest.backup_id}, was made at {newest.created}, "
            f"{_hours(timedelta(seconds=age))} ago, older than max_age ({_hours(max_age)}): backups have stopped. "
            "Check the file system's backups (automatic backups, AWS Backup plan, the job that calls CreateBackup).",
            region=source_region,
            backup_id=newest.backup_id,
        )


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:.1f} h" if hours >= 1 else f"{span.total_seconds():.0f} s"


def _subject(args: RetainedBackupCopiesArgs) -> str:
    return f"file system {args.file_system_id}" if args.file_system_id else f"volume {args.volume_id}"


def _args(
    kind: str, resource_name: str, args: RetainedBackupCopiesArgs | None, kwargs: Mapping[str, Any]
) -> RetainedBackupCopiesArgs:
    if args is not None and kwargs:
        raise TypeError(
            f"{kind} {resource_name!r}: pass either args=RetainedBackupCopiesArgs(...) or keyword arguments"
        )
    if args is None:
        known = {f.name for f in fields(RetainedBackupCopiesArgs)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise TypeError(f"{kind} {resource_name!r}: unknown arguments {unknown}; the inputs are {sorted(known)}")
        if "keep" not in kwargs:
            raise InvalidInputError(
                f"{kind} {resource_name!r}: keep is required: how many of the newest backups to copy"
            )
        args = RetainedBackupCopiesArgs(**kwargs)
    _validate(kind, resource_name, args)
    return args


def _validate(kind: str, resource_name: str, args: RetainedBackupCopiesArgs) -> None:
    keep = args.keep
    if isinstance(keep, bool) or not isinstance(keep, int) or not 1 <= keep <= MAX_COUNT:
        raise InvalidInputError(
            f"{kind} {resource_name!r}: keep {short_repr(keep)} must be a whole number from 1 to {MAX_COUNT} "
            "(how many of the newest backups to hold copies of)"
        )
    if args.max_age is not None and (not isinstance(args.max_age, timedelta) or args.max_age <= timedelta(0)):
        raise InvalidInputError(
            f"{kind} {resource_name!r}: max_age {short_repr(args.max_age)} must be a positive datetime.timedelta, "
            "e.g. timedelta(hours=26) for daily backups"
        )
    if (args.file_system_id is None) == (args.volume_id is None):
        raise InvalidInputError(
            f"{kind} {resource_name!r}: give exactly one of file_system_id (a file system's backups) or volume_id "
            "(an ONTAP or OpenZFS volume's backups)"
        )
    for name in ("file_system_id", "volume_id", "source_region"):
        value = getattr(args, name)
        if value is not None and not isinstance(value, str):
            raise InvalidInputError(
                f"{kind} {resource_name!r}: {name} must be a plain string known when the program runs (it chooses "
                f"which copies exist), not {type(value).__name__}; give it literally or from stack config"
            )


def _replace(args: RetainedBackupCopiesArgs, **changes: Any) -> RetainedBackupCopiesArgs:
    values = {f.name: getattr(args, f.name) for f in fields(args)}
    values.update(changes)
    return RetainedBackupCopiesArgs(**values)
