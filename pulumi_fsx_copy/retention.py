"""RetainedBackupCopies: the DR Region holds copies of a file system's newest backups, and decides itself when one
of them may go.

One :class:`~pulumi_fsx_copy.BackupCopy` child per held copy, declared (at preview too) from the primary's
newest backups and the DR Region's copies (:func:`plan_children`). A copy leaves the program only when ``keep``
newer copies of this component are AVAILABLE in the DR Region or made in this run; nothing about the primary
retires a copy. The guarantees: the README's "Retention"; the engine facts they rest on: ``docs/dev/retention.md``.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import pulumi

from .aws_options import program_settings
from .errors import InvalidInputError, RetentionIncompleteError, SourceBackupNotFoundError, StaleBackupsError
from .fanout import Destination, _destinations, _merged_tags
from .lookup import (
    MAX_COUNT,
    PrimaryBackups,
    RegionCopy,
    SourceBackup,
    copies_in_region,
    primary_backups,
    resolve_region,
)
from .resource import _TYPE, BackupCopy
from .rules.awsconfig import AwsSettings
from .rules.facts import Lifecycle, tag_character_allowed
from .rules.identity import RESOURCE_TAG, RETAINED_TYPE
from .rules.tags import short_repr

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
    """The ONTAP volume whose backups are copied (``fsvol-...``)."""
    source_region: str | None = None
    """Region of the backups (default: the stack's ``aws:region``)."""
    region: str | None = None
    """Region of the copies (default: the stack's ``aws:region``); known when the program runs (its copies are
    read there)."""
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
    """The newest backups, newest first, as :func:`~pulumi_fsx_copy.newest_backups` returns them (default: looked
    up, see ``primary``)."""
    primary: PrimaryBackups | None = None
    """The primary Region's backups (default: :func:`~pulumi_fsx_copy.lookup.primary_backups`;
    :class:`MultiRegionRetainedBackupCopies` shares one look-up between its Regions)."""
    dr_copies: Sequence[RegionCopy] | None = None
    """The copies of the file system's backups in ``region`` (default: looked up there,
    :func:`~pulumi_fsx_copy.lookup.copies_in_region`)."""


class RetainedBackupCopies(pulumi.ComponentResource):
    """Holds copies of the ``keep`` newest ``AVAILABLE`` backups of a file system (or volume) in ``region``.

    A copy leaves only when ``keep`` newer copies of the file system made by this component are AVAILABLE in
    ``region``; a new copy is AVAILABLE before any copy leaves; a failed copy deletes nothing. The look-ups call
    AWS when the program runs, at preview too (see :func:`~pulumi_fsx_copy.lookup.primary_backups`).
    """

    backup_ids: pulumi.Output[dict[str, str]]
    """Source backup ID -> ID of its copy, for the copies this run saw AVAILABLE in the DR Region or made."""
    newest_backup_id: pulumi.Output[str | None]
    """ID of the newest of those copies (None when there is none)."""
    newest_source_backup_id: pulumi.Output[str | None]
    """ID of the newest source backup known (the primary's, else the newest held copy's source)."""
    newest_source_time: pulumi.Output[str | None]
    """When that backup was made (ISO 8601, UTC)."""
    rpo_seconds: pulumi.Output[int | None]
    """Age of the newest source backup whose copy this run verified AVAILABLE or made: the recovery point
    objective the DR Region meets now."""
    copies: dict[str, BackupCopy]
    """Child name (``<name>-<source backup ID>-<source's creation time>-<8 hex>``, or ``<name>-<source backup ID>``
    for a child named before) -> the BackupCopy child."""
    sources: list[SourceBackup]
    """The primary's newest backups, newest first."""

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
        super().__init__(RETAINED_TYPE, resource_name, None, opts)
        settings = program_settings(self)
        source_region = resolve_region(args.source_region, "source_region")
        region = resolve_region(args.region or settings.region, "region")
        subject = _subject(args)
        primary = _primary(args, source_region, settings)
        self.sources = primary.newest
        held = (
            list(args.dr_copies)
            if args.dr_copies is not None
            else copies_in_region(
                file_system_id=args.file_system_id,
                volume_id=args.volume_id,
                source_region=source_region,
                region=region,
                settings=settings,
            )
        )
        plan = plan_children(resource_name, args.keep, primary, held, pulumi.get_project(), pulumi.get_stack())
        if primary.gone and not primary.newest and not plan.children:
            raise SourceBackupNotFoundError(
                f"{subject} names nothing FSx knows in '{source_region}', and '{region}' holds no copy of its backups "
                "made by this component: check the ID and source_region (default aws:region).",
                code="FileSystemNotFound" if args.file_system_id else "VolumeNotFound",
                operation="DescribeBackups",
                region=source_region,
            )
        if primary.gone:
            pulumi.log.warn(
                f"{subject} is gone from '{source_region}' (DescribeBackups answered that it does not exist): every "
                f"copy in '{region}' is kept; a copy leaves only when {args.keep} newer copies are AVAILABLE there",
                self,
            )
        elif not primary.newest:
            pulumi.log.warn(f"{subject} has no AVAILABLE backup in '{source_region}': nothing new to copy", self)
        for warning in plan.warnings:
            pulumi.log.warn(warning, self)
        self.copies = {
            child.name: BackupCopy(
                child.name,
                source_backup_id=child.source_backup_id,
                source_region=source_region,
                region=region,
                kms_key_id=args.kms_key_id,
                copy_tags=args.copy_tags,
                tags=args.tags,
                wait_for_available=True,  # the create-before-delete guarantee rests on it
                wait_timeout_minutes=args.wait_timeout_minutes,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for child in plan.children
        }
        newest = plan.newest_source
        if pulumi.runtime.is_dry_run():
            _check_age(args.max_age, newest, subject, source_region)
        settled = _settled(self.copies, plan, args.max_age, newest, subject, source_region, region)
        self.backup_ids = settled.apply(lambda s: s.backup_ids)
        self.newest_backup_id = settled.apply(lambda s: s.newest_backup_id)
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
    """Region -> source backup ID -> ID of its copy there (those this run verified or made)."""
    newest_backup_ids: pulumi.Output[dict[str, str | None]]
    """Region -> ID of the newest copy there this run verified or made."""
    newest_source_backup_id: pulumi.Output[str | None]
    """ID of the newest source backup."""
    rpo_seconds: pulumi.Output[int | None]
    """The largest of the Regions' ``rpo_seconds`` (the RPO all Regions meet)."""
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
        primary = primary_backups(
            file_system_id=file_system_id,
            volume_id=volume_id,
            region=where,
            count=keep,
            backup_types=backup_types,
            settings=program_settings(self),
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
                    primary=primary,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        ids: dict[str, Any] = {region: child.backup_ids for region, child in self.regions.items()}
        newest: dict[str, Any] = {region: child.newest_backup_id for region, child in self.regions.items()}
        self.backup_ids = pulumi.Output.all(**ids).apply(dict)
        self.newest_backup_ids = pulumi.Output.all(**newest).apply(dict)
        self.newest_source_backup_id = pulumi.Output.from_input(primary.newest[0].backup_id if primary.newest else None)
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
class PlannedChild:
    """One BackupCopy child :func:`plan_children` declares."""

    name: str
    source_backup_id: str
    available: frozenset[str] = frozenset()
    """The IDs of its copies the DR Region showed AVAILABLE at look-up."""
    in_progress: frozenset[str] = frozenset()
    """The IDs of its copies the DR Region showed in progress (a run that stopped; this one adopts it)."""

    @property
    def fresh(self) -> bool:
        """A name no copy carries, so no state holds it: its copy is made in this run."""
        return not (self.available or self.in_progress)

    def verified(self, copy_id: str) -> bool:
        """Whether ``copy_id``, the child's ``backup_id`` at the end of the run, is a copy this run saw AVAILABLE
        or made (a child waits until its copy is AVAILABLE)."""
        return self.fresh or copy_id in self.available or copy_id in self.in_progress


@dataclass(frozen=True)
class Plan:
    """The children of one run, and what to warn of."""

    children: list[PlannedChild]
    source_times: dict[str, datetime]
    """Source backup ID -> when it was made (the primary's word, else its oldest copy's creation time)."""
    newest_source: SourceBackup | None
    warnings: list[str] = field(default_factory=list)


_IN_PROGRESS = frozenset(
    str(x.value) for x in (Lifecycle.PENDING, Lifecycle.CREATING, Lifecycle.TRANSFERRING, Lifecycle.COPYING)
)
_SUFFIX_HEX = 8
_STAMP = "%Y%m%dT%H%M%S%fZ"


def plan_children(
    resource_name: str,
    keep: int,
    primary: PrimaryBackups,
    dr_copies: Sequence[RegionCopy],
    project: str,
    stack: str,
) -> Plan:
    """The children to declare.

    * This component's copies are those whose provider resource tag names one of its children; any other
      copy (AWS Backup's, a person's, another stack's) is neither counted nor touched.
    * Each of the primary's newest backups keeps the children of its AVAILABLE (or in progress) copies; with
      none, it gets a child of a new name (:func:`fresh_child_name`), which no state holds: a copy deleted or FAILED out
      of band is made again in this run, and a FAILED one's child, no longer declared, is deleted.
    * Any other source with an AVAILABLE (or in progress) copy keeps its children unless ``keep`` newer sources
      have a copy AVAILABLE now or made in this run. Nothing of the primary is asked: a source gone from it
      retires no copy.
    """
    named: dict[str, list[RegionCopy]] = {}
    stamped: dict[str, datetime] = {}
    for copy in dr_copies:
        child_name = child_name_of(copy.tags.get(RESOURCE_TAG, ""), resource_name, project, stack)
        if child_name is not None and child_name.source_backup_id == copy.source_backup_id:
            named.setdefault(child_name.name, []).append(copy)
            if child_name.source_time is not None:
                stamped[copy.source_backup_id] = child_name.source_time
    by_source: dict[str, list[PlannedChild]] = {}
    failed: dict[str, list[tuple[str, str]]] = {}
    for name, copies in sorted(named.items()):
        source = copies[0].source_backup_id
        child = PlannedChild(
            name,
            source,
            frozenset(c.backup_id for c in copies if c.lifecycle == Lifecycle.AVAILABLE.value),
            frozenset(c.backup_id for c in copies if c.lifecycle in _IN_PROGRESS),
        )
        if not child.fresh:
            by_source.setdefault(source, []).append(child)
        failed.setdefault(source, []).extend(
            (name, c.backup_id) for c in copies if c.lifecycle == Lifecycle.FAILED.value
        )
    times: dict[str, datetime] = {}
    for copies in named.values():
        for copy in copies:
            earlier = times.get(copy.source_backup_id, copy.creation_time)
            times[copy.source_backup_id] = min(earlier, copy.creation_time)
    times.update(stamped)
    times.update({source: created for source, created in primary.created.items() if source in times})
    times.update({b.backup_id: b.creation_time for b in primary.newest})
    wanted = {b.backup_id for b in primary.newest}
    children: list[PlannedChild] = []
    warnings: list[str] = []
    good: set[str] = set()  # sources with a copy AVAILABLE now or made in this run
    for backup in primary.newest:
        source = backup.backup_id
        kept = by_source.get(source) or [PlannedChild(fresh_child_name(resource_name, backup), source)]
        children.extend(kept)
        if any(c.fresh or c.available for c in kept):
            good.add(source)
    for source in sorted(set(by_source) - wanted, key=lambda s: times[s], reverse=True):
        newer = sum(1 for other in good if times[other] > times[source])
        if newer < keep:
            children.extend(by_source[source])
        if any(c.available for c in by_source[source]):
            good.add(source)
    for source in sorted(set(failed) - set(by_source) - wanted):
        for name, copy_id in failed[source]:
            warnings.append(
                f"copy {copy_id} of backup {source} ({name}) is FAILED and its source is not among the primary's "
                "newest backups: it is neither counted nor made again, and its child is deleted"
            )
    newest = primary.newest[0] if primary.newest else None
    if newest is None and times:
        source = max(times, key=lambda s: times[s])
        newest = SourceBackup(source, times[source], "", "")
    return Plan(children, times, newest, warnings)


@dataclass(frozen=True)
class ChildName:
    """What a child's name says: ``<name>-<source backup ID>[-<source's creation time>-<8 hex>]``."""

    name: str
    source_backup_id: str
    source_time: datetime | None
    """When the source was made, as written in the name when its child was planned (None: an older name)."""


def fresh_child_name(resource_name: str, source: SourceBackup) -> str:
    """A name no state holds: the source, its creation time (microseconds, UTC), 8 random hex digits."""
    stamp = source.creation_time.astimezone(timezone.utc).strftime(_STAMP)
    return f"{resource_name}-{source.backup_id}-{stamp}-{secrets.token_hex(_SUFFIX_HEX // 2)}"


def child_name_of(label: str, resource_name: str, project: str, stack: str) -> ChildName | None:
    """The child of this component (``resource_name``) a copy's provider resource tag names, or None.

    The tag is the child's identity (organization, project, stack, parent URN, type, name, and in ``v3`` the
    stack's key) in tag characters, its end kept when longer than 256: it must end with this component's URN
    name, BackupCopy's type and a child name (and a key); when whole, it must name this project and stack too.
    """
    name = _tag_text(resource_name)
    match = re.search(
        rf"::{re.escape(name)}///{re.escape(_TYPE)}///{re.escape(name)}-"
        rf"(?P<child>(?P<source>backup-[0-9a-f]{{8,21}})(?:-(?P<stamp>\d{{8}}T\d{{12}}Z)-[0-9a-f]{{{_SUFFIX_HEX}}})?)"
        r"(?:///[0-9a-f]+)?//$",
        label,
    )
    if match is None:
        return None
    whole = label.startswith(("//v2///", "//v3///"))
    if whole and f"urn:pulumi:{_tag_text(stack)}::{_tag_text(project)}::" not in label:
        return None
    stamp = match.group("stamp")
    source_time = datetime.strptime(stamp, _STAMP).replace(tzinfo=timezone.utc) if stamp else None
    return ChildName(f"{resource_name}-{match.group('child')}", match.group("source"), source_time)


def _tag_text(text: str) -> str:
    return "".join(ch if tag_character_allowed(ch) else "/" for ch in text)


def _primary(args: RetainedBackupCopiesArgs, source_region: str, settings: AwsSettings) -> PrimaryBackups:
    if args.primary is not None:
        return args.primary
    if args.sources is not None:
        newest = list(args.sources)[: args.keep]
        return PrimaryBackups(newest, {b.backup_id: b.creation_time for b in newest}, False)
    return primary_backups(
        file_system_id=args.file_system_id,
        volume_id=args.volume_id,
        region=source_region,
        count=args.keep,
        backup_types=args.backup_types,
        settings=settings,
    )


@dataclass(frozen=True)
class _Settled:
    backup_ids: dict[str, str] = field(default_factory=dict)
    newest_backup_id: str | None = None
    rpo_seconds: int | None = None


def _settled(
    copies: Mapping[str, BackupCopy],
    plan: Plan,
    max_age: timedelta | None,
    newest: SourceBackup | None,
    subject: str,
    source_region: str,
    region: str,
) -> pulumi.Output[_Settled]:
    """The copies this run verified or made, once every child is done, and the RPO then. In an update, a child
    whose ID is unknown was not made (``--continue-on-error``): the program fails, so the engine deletes nothing."""

    async def settle() -> tuple[_Settled | None, bool]:
        ids: dict[str, str] = {}
        for child in plan.children:
            copy = copies[child.name]
            if not await copy.backup_id.is_known():
                if pulumi.runtime.is_dry_run():
                    if child.available:  # a copy held and seen AVAILABLE: its ID is known at preview
                        ids.setdefault(child.source_backup_id, sorted(child.available)[0])
                        continue
                    return None, False
                raise RetentionIncompleteError(
                    f"the copy of backup {child.source_backup_id} ({subject} in '{source_region}') was not made in "
                    "this run, so no older copy was deleted. Fix the error reported for it, then re-run `pulumi up`.",
                    source_backup_id=child.source_backup_id,
                    source_region=source_region,
                )
            copy_id = str(await copy.backup_id.future())
            if child.verified(copy_id):
                ids.setdefault(child.source_backup_id, copy_id)
            else:
                pulumi.log.warn(
                    f"{child.name} records copy {copy_id}, which '{region}' did not show AVAILABLE: not counted",
                    copy,
                )
        newest_held = max(ids, key=lambda s: plan.source_times[s], default=None)
        rpo = None
        if newest_held is not None:
            rpo = int(SourceBackup(newest_held, plan.source_times[newest_held], "", "").age_seconds())
        if not pulumi.runtime.is_dry_run():
            _check_age(max_age, newest, subject, source_region)
        return _Settled(ids, ids.get(newest_held) if newest_held else None, rpo), True

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
            "(an ONTAP volume's backups)"
        )
    for name in ("file_system_id", "volume_id", "source_region", "region"):
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
