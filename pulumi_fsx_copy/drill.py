"""RestoreDrill: restore a DR copy on a schedule, measure how long it takes, and never leave what it restored.

The resource records its drills in its outputs; Diff decides from them, offline, whether a drill is due
(``drill_settings.schedule``) and the engine then calls Update, which restores, waits, records and deletes.
Each restored file system or volume carries the drill's identity (with the stack's key, ``ownership``) and is in
the record (``held``) from the moment FSx answers: a failed drill hands its record to the engine as a resource
that failed to initialise (``serving.record_init_failure``), so the next ``up`` or the ``destroy`` deletes it;
where the engine could not be told (a killed provider), the next run finds it by its tags in one listing.
"""

from __future__ import annotations

import functools
import secrets
import threading
import time
from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from .aws.clients import AwsClients, check_endpoint_settings
from .aws.gateway import UNCANCELLABLE, AwsGateway
from .aws_options import record_aws_providers, take_aws_provider, timeouts_in_minutes
from .engine.progress import ProgressReporter, current_urn
from .engine.serving import diagnostic, record_init_failure
from .engine.serving import install as serve_engine
from .engine.waiting import Backoff, Deadline, PollPolicy, WaitCancelled, time_scale
from .errors import BackupCopyError, RestoreFailedError, RestoreNotFoundError, RestoreTimeoutError
from .rules.awsconfig import CONFIG_KEYS, AwsSettings, from_stack_config
from .rules.drill_settings import (
    CUSTOM_TIMEOUTS,
    HELD,
    MAX_EVERY,
    MAX_KEEP_FOR,
    RESTORE_OPERATIONS,
    Schedule,
    custom_minutes,
    declared_tags,
    iso,
    merge_secrets,
    now,
    parse_duration,
    request_of,
    restore_tag_problems,
    restore_tags,
    schedule,
    sensitive_paths,
    settings_problems,
    split_secrets,
    test_clock_problem,
    wait_limit,
)
from .rules.identity import IDENTITY_TAG, RESOURCE_TAG, Identity, resource_label
from .rules.regions import is_known_region, suggest_region
from .rules.unknowns import is_unknown, with_unknown_sentinel
from .rules.validation import backup_id_problem
from .stack_key import declared_identity

record_aws_providers()

PROVIDER_KEY = "__provider"
SECRETS_INPUT = "__restore_secrets"
"""The hidden input holding the restore settings' sensitive members (always a secret; never an output). Hidden
inputs and outputs are ``__``-keyed, as BackupCopy's (``schema.HIDDEN_KEYS``): the engine shows them in no diff."""
IDENTITY_INPUT = "__resource_identity"
AWS_PROVIDER_INPUT = "__aws_provider"
USER_INPUTS = (
    "backup_id",
    "region",
    "every",
    "keep_for",
    "max_restore_minutes",
    "force",
    "drill_new_copies",
    *RESTORE_OPERATIONS,
    CUSTOM_TIMEOUTS,
)
"""What Diff compares (a change is an update: recorded; a drill only when one is due)."""
DEFAULTS: Mapping[str, Any] = {"every": "1w", "keep_for": "0h", "max_restore_minutes": 180.0, "drill_new_copies": False}
MAX_RESTORE_MINUTES = 7 * 24 * 60
HISTORY = (
    "drilled_backup_id",
    "last_drill_at",
    "last_result",
    "restore_seconds",
    "last_error",
    "last_success_at",
    "last_success_restore_seconds",
    "consecutive_failures",
    "restored_id",
    "keep_until",
    "next_drill_at",
    HELD,
)
"""The outputs beyond the inputs: the drills' record (``held``: what was restored and is not deleted yet)."""
OWN_TAG_KEYS = (IDENTITY_TAG, RESOURCE_TAG)
"""The tags every restore carries (:func:`_ownership_tags`): neither a declared nor a default tag overrides them."""
DRILL_TAG_VALUE_PREFIX = "drill-"
""":data:`~pulumi_fsx_copy.rules.identity.IDENTITY_TAG` of a restore is ``drill-WHO`` (never a copy's ``WHO-WHAT``)."""
POLL_SECONDS = 15.0
"""How often a restore is described: ``restore_seconds`` is at most this much (times the time scale) late."""
DELETE_SECONDS = 120.0
"""How long one delete of a restore may take to be answered (retries of throttling included)."""
READY = frozenset({"AVAILABLE", "CREATED"})
"""Lifecycles of a restore that is done (a file system's AVAILABLE; an ONTAP volume's CREATED or AVAILABLE)."""
BROKEN = frozenset({"FAILED", "MISCONFIGURED", "MISCONFIGURED_UNAVAILABLE"})
BUSY = frozenset({"CREATING", "UPDATING", "PENDING"})
"""Lifecycles in which FSx may refuse a delete: a destroy waits them out."""
_SKIP_FINAL_BACKUP: Mapping[str, Mapping[str, Any]] = {
    "WINDOWS": {"WindowsConfiguration": {"SkipFinalBackup": True}},
    "LUSTRE": {"LustreConfiguration": {"SkipFinalBackup": True}},
    "OPENZFS": {"OpenZFSConfiguration": {"SkipFinalBackup": True, "Options": ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"]}},
    "ONTAP": {"OntapConfiguration": {"SkipFinalBackup": True}},
}
"""DeleteFileSystem / DeleteVolume options by type: a drill's restore never leaves a final backup behind."""


class RestoreDrillProvider(ResourceProvider):
    """Runs due drills in Create and Update; deletes every restore in Delete. Keeps no per-call state on self."""

    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._clients = AwsClients()
        self._gateway = AwsGateway(self._clients, PollPolicy(), Backoff())
        self._progress = ProgressReporter.silent()
        self._lock = threading.Lock()
        self._listings: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def __reduce__(self) -> tuple[type[RestoreDrillProvider], tuple[()]]:
        return (RestoreDrillProvider, ())

    def configure(self, req: ConfigureRequest) -> None:
        """pulumi-aws's settings from the stack's ``aws:*`` configuration, as BackupCopy reads them."""
        settings = from_stack_config({f"aws:{name}": req.config.get(f"aws:{name}") for name in CONFIG_KEYS})
        self._clients = AwsClients(settings)
        scale = time_scale()
        self._gateway = AwsGateway(self._clients, PollPolicy().scaled(scale), Backoff().scaled(scale))
        self._progress = ProgressReporter.from_environment()
        serve_engine()

    # -- preview: check and diff (offline) --------------------------------------------------------------

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate the inputs offline (the restore settings against FSx's model, the restore's tags with
        pulumi-aws's default tags), refuse the pulumi-aws settings that cannot be honoured, resolve the Region. With
        allowed or forbidden account IDs, STS says the account (the one AWS call; none without them)."""
        check_endpoint_settings()
        inputs = {k: v for k, v in news.items() if v is not None and k != PROVIDER_KEY}
        for name, value in DEFAULTS.items():
            inputs.setdefault(name, value)
        failures = [CheckFailure(name, problem) for name, problem in _problems(inputs)]
        settings = self._settings_of(inputs)
        failures += [CheckFailure("", refused) for refused in settings.refused]
        for name in (n for n in RESTORE_OPERATIONS if inputs.get(n) is not None):
            declared = declared_tags(inputs[name])
            problems = restore_tag_problems(name, declared, settings.tags, OWN_TAG_KEYS, settings.source)
            failures += [CheckFailure(name, problem) for problem in problems]
        if inputs.get("region") is None:
            region = settings.region or self._clients.stack_settings.region
            if isinstance(olds.get("region"), str):
                region = olds["region"]  # recorded: a changed aws:region never moves a drill's restores
            if region:
                inputs["region"] = region
            else:
                failures.append(CheckFailure("region", "no Region: set `region`, or `pulumi config set aws:region`"))
        clock = test_clock_problem()
        if clock:
            failures.append(CheckFailure("", clock))
        region = inputs.get("region")
        if not failures and isinstance(region, str) and not is_unknown(region):
            problem = self._clients.account_problem(settings, region, consequence="nothing is restored")
            if problem:
                failures.append(CheckFailure("", problem))
        return CheckResult(inputs, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Changes when a drill is due, a restore is due for deletion, or an input changed; never a replacement."""
        news = with_unknown_sentinel(news)
        due = schedule(olds, news, now())
        changed = any(_differs(olds.get(k), news.get(k)) for k in USER_INPUTS)
        return DiffResult(changes=changed or bool(due.drill or due.clean_up), replaces=[], delete_before_replace=False)

    # -- up: create and update run what is due ---------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        """The first drill (always due), after deleting this resource's restores no state records."""
        drill_id = f"drill-{secrets.token_hex(8)}"
        with self._settings_in_force(props):
            return CreateResult(drill_id, self._run(drill_id, props, {}, "create"))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Delete what is due for deletion, then drill when due; record it."""
        if olds.get(IDENTITY_INPUT):
            news = {**news, IDENTITY_INPUT: olds[IDENTITY_INPUT]}
        with self._settings_in_force(news):
            return UpdateResult(self._run(id_, news, olds, "update"))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The record, without the restores FSx no longer has."""
        with self._settings_in_force(props):
            outs = {k: v for k, v in props.items() if k not in (PROVIDER_KEY, SECRETS_INPUT)}
            region = str(props.get("region") or "")
            deadline = Deadline(DELETE_SECONDS)
            held = [
                h
                for h in _held(props)
                if self._gateway.describe_restored(_region(h, region), h["kind"], h["id"], deadline)
            ]
            outs[HELD] = held
            if outs.get("restored_id") not in {h["id"] for h in held}:
                outs.update(restored_id=None, keep_until=None)
            return ReadResult(id_, outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Delete every restore the record holds and this resource's restores no state records, waiting (up to
        ``max_restore_minutes``, at least :data:`DELETE_SECONDS`; ``custom_timeouts`` delete when shorter) for those
        FSx cannot delete yet; fail naming any still there."""
        with self._settings_in_force(props):
            region = str(props.get("region") or "")
            minutes = float(props.get("max_restore_minutes") or DEFAULTS["max_restore_minutes"])
            custom = custom_minutes(props, "delete")
            seconds = max(minutes * 60, DELETE_SECONDS)
            deadline = Deadline(seconds if custom is None else min(seconds, custom * 60))
            try:
                left = self._delete_all(region, _held(props), deadline, wait=True)
                left += self._sweep(region, props, {h["id"] for h in left}, deadline, wait=True)
            except WaitCancelled:
                raise RestoreFailedError(
                    f"Pulumi was cancelled while deleting the restores of drill {id_}: re-run `pulumi destroy`.",
                    region=region,
                ) from None
            if left:
                names = ", ".join(f"{h['id']} ({h.get('lifecycle', '?')})" for h in left)
                raise RestoreFailedError(
                    f"drill {id_} could not delete {names} in '{region}' yet (FSx refused while they were busy): "
                    "they stay in the stack; re-run `pulumi destroy` to delete them.",
                    region=region,
                )

    # -- a run ---------------------------------------------------------------------------------------

    def _run(self, drill_id: str, inputs: Mapping[str, Any], olds: Mapping[str, Any], operation: str) -> dict[str, Any]:
        """Clean up, then drill if due (``operation``, create or update, picks its ``custom_timeouts``); the outputs.
        A failed drill hands its record (with what is still to delete) to the engine and raises an error naming the
        copy and the time."""
        check_endpoint_settings()
        at = now()
        due = schedule(olds, inputs, at)
        region = str(inputs["region"])
        outs = _outputs(inputs, olds)
        keep = olds.get("restored_id") if not due.clean_up and not due.drill else None
        deadline = Deadline(DELETE_SECONDS)
        held = [h for h in _held(olds) if h["id"] == keep]
        held += self._delete_all(region, [h for h in _held(olds) if h["id"] != keep], deadline, wait=False)
        held += self._sweep(region, inputs, {h["id"] for h in _held(olds)}, deadline, wait=False)
        outs[HELD] = held
        if keep is None:
            outs.update(restored_id=None, keep_until=None)
        if due.drill:
            self._drill(drill_id, inputs, outs, due, at, wait_limit(inputs, operation, DEFAULTS["max_restore_minutes"]))
        return outs

    def _drill(
        self,
        drill_id: str,
        inputs: Mapping[str, Any],
        outs: dict[str, Any],
        due: Schedule,
        at: Any,
        limit: tuple[float, str],
    ) -> None:
        """Restore the copy with its declared and default tags and the drill's own, wait until it is ready (at most
        ``limit``'s minutes: ``drill_settings.wait_limit``), record the drill; delete the restore now (``keep_for`` 0, a
        failure) or keep it for the window."""
        region = str(inputs["region"])
        backup_id = str(inputs["backup_id"])
        name = next(n for n in RESTORE_OPERATIONS if inputs.get(n) is not None)
        operation = RESTORE_OPERATIONS[name]
        kind = _kind(inputs)
        hidden = inputs.get(SECRETS_INPUT) or {}
        settings = merge_secrets(inputs[name], hidden.get(name) or {})
        own = _ownership_tags(_identity(inputs), str(inputs.get(IDENTITY_INPUT)))
        tags = restore_tags(declared_tags(settings), self._clients.settings.tags, own)
        # AWS's message is withheld when it repeats a sensitive member or a tag value (either may be a secret).
        secret_values = [str(v) for v in _values_at(settings, sensitive_paths(operation))]
        secret_values += [t["Value"] for t in tags if t["Key"] not in own]
        request = request_of(operation, settings)
        request.update(BackupId=backup_id, ClientRequestToken=f"pfc-drill-{secrets.token_hex(12)}", Tags=tags)
        every = parse_duration("every", inputs.get("every"), minimum=timedelta(0), maximum=MAX_EVERY)
        outs.update(drilled_backup_id=backup_id, last_drill_at=iso(at))
        if isinstance(every, timedelta):
            outs["next_drill_at"] = iso(at + every)
        urn = current_urn()
        self._progress.say(urn, f"drill due ({due.drill}): restoring {backup_id} in '{region}'")
        started = time.monotonic()
        deadline = Deadline(limit[0] * 60)
        restored: dict[str, Any] | None = None
        try:
            made = self._gateway.restore(operation, region, request, deadline, secret_values)
            restored = {"id": _id_of(made, kind), "kind": kind, "region": region}
            restored["type"] = str(made.get("FileSystemType") or made.get("VolumeType") or "")
            outs[HELD] = [*outs[HELD], restored]
            ready = self._wait(region, restored, deadline, urn, backup_id)
        except (BackupCopyError, WaitCancelled) as err:
            raise self._failed(drill_id, inputs, outs, restored, err, started, limit[1]) from None
        seconds = round(time.monotonic() - started, 1)
        outs.update(
            last_result="SUCCEEDED",
            restore_seconds=seconds,
            last_error=None,
            last_success_at=iso(at),
            last_success_restore_seconds=seconds,
            consecutive_failures=0,
        )
        keep_for = parse_duration("keep_for", inputs.get("keep_for"), minimum=timedelta(0), maximum=MAX_KEEP_FOR)
        restored["type"] = str(ready.get("FileSystemType") or restored["type"])
        if isinstance(keep_for, timedelta) and keep_for > timedelta(0):
            outs.update(restored_id=restored["id"], keep_until=iso(at + keep_for))
            self._progress.say(urn, f"restored {restored['id']} in {seconds:g}s: kept until {outs['keep_until']}")
            return
        outs[HELD] = [h for h in outs[HELD] if h is not restored]
        outs[HELD] += self._delete_all(region, [restored], Deadline(DELETE_SECONDS), wait=False)

    def _wait(
        self, region: str, restored: dict[str, Any], deadline: Deadline, urn: str | None, backup_id: str
    ) -> dict[str, Any]:
        """Describe the restore until it is ready; RestoreFailedError when FSx reports it broken or gone,
        RestoreTimeoutError at the deadline."""
        poll = POLL_SECONDS * time_scale()
        started = time.monotonic()
        while True:
            found = self._gateway.describe_restored(region, restored["kind"], restored["id"], deadline)
            if found is None:
                raise RestoreNotFoundError(f"{restored['id']} disappeared from '{region}' while it was restored.")
            lifecycle = str(found.get("Lifecycle"))
            restored["lifecycle"] = lifecycle
            if lifecycle in READY:
                return found
            if lifecycle in BROKEN or lifecycle == "DELETING":
                details = (found.get("FailureDetails") or {}).get("Message") or "FSx gave no reason"
                raise RestoreFailedError(
                    f"FSx reported {restored['id']} {lifecycle}: {details}", region=region, backup_id=backup_id
                )
            elapsed = time.monotonic() - started
            self._progress.say(urn, f"restoring {backup_id} to {restored['id']}: {lifecycle} ({elapsed:.0f}s)")
            if not deadline.sleep(poll):
                raise RestoreTimeoutError(
                    f"{restored['id']} was still {lifecycle} after {deadline.seconds / 60:g} minutes",
                    region=region,
                    backup_id=backup_id,
                )

    def _failed(
        self,
        drill_id: str,
        inputs: Mapping[str, Any],
        outs: dict[str, Any],
        restored: dict[str, Any] | None,
        err: BaseException,
        started: float,
        bound: str,
    ) -> BackupCopyError:
        """Record a failed drill (deleting its restore when FSx allows, else keeping it in ``held``), hand the
        record to the engine; the error to raise, naming the copy and the time."""
        region = str(inputs["region"])
        backup_id = str(inputs["backup_id"])
        if restored is not None:
            outs[HELD] = [h for h in outs[HELD] if h is not restored]
            outs[HELD] += self._delete_all(region, [restored], Deadline(DELETE_SECONDS, UNCANCELLABLE), wait=False)
        seconds = round(time.monotonic() - started, 1)
        cause = "it was cancelled (Ctrl-C)" if isinstance(err, WaitCancelled) else str(err).rstrip(".")
        if isinstance(err, RestoreTimeoutError):
            cause = f"it took longer than {bound}: {cause}"
        left = [h["id"] for h in outs[HELD] if h["id"] == (restored or {}).get("id")]
        fate = (
            f"{left[0]} could not be deleted yet (FSx refused while it is busy): the next `pulumi up` or "
            "`pulumi destroy` deletes it"
            if left
            else (f"{restored['id']} is deleted" if restored else "nothing was restored")
        )
        message = (
            f"the restore drill of copy {backup_id} in '{region}' begun at {outs['last_drill_at']} failed after "
            f"{seconds:g}s: {cause}. {fate}."
        )
        outs.update(
            last_result="FAILED",
            restore_seconds=None,
            last_error=message,
            consecutive_failures=int(outs.get("consecutive_failures") or 0) + 1,
        )
        kind = type(err) if isinstance(err, (RestoreFailedError, RestoreTimeoutError)) else RestoreFailedError
        fields = err.fields if isinstance(err, BackupCopyError) else {}
        error: BackupCopyError = kind(message, **{**fields, "region": region, "backup_id": backup_id})
        record = {**outs, PROVIDER_KEY: inputs.get(PROVIDER_KEY)}
        if record_init_failure(drill_id, record, [diagnostic(error) or message]):
            return error
        return error.with_message(
            f"{message} The engine could not be told: the next `pulumi up` finds it by its tags and deletes it."
        )

    # -- deleting restores ----------------------------------------------------------------------------

    def _delete_all(
        self, region: str, restores: list[dict[str, Any]], deadline: Deadline, *, wait: bool
    ) -> list[dict[str, Any]]:
        """Delete each restore (no final backup); those FSx refuses now, with their lifecycle. ``wait``: wait
        (until ``deadline``) for busy ones to become deletable."""
        left: list[dict[str, Any]] = []
        for restore in restores:
            if not self._delete_one(_region(restore, region), restore, deadline, wait=wait):
                left.append(restore)
        return left

    def _delete_one(self, region: str, restore: dict[str, Any], deadline: Deadline, *, wait: bool) -> bool:
        """Whether the restore is gone or its deletion under way (DELETING)."""
        poll = POLL_SECONDS * time_scale()
        while True:
            found = self._gateway.describe_restored(region, restore["kind"], restore["id"], deadline)
            if found is None or found.get("Lifecycle") == "DELETING":
                return True
            restore["lifecycle"] = str(found.get("Lifecycle"))
            kind = str(found.get("VolumeType") or found.get("FileSystemType") or restore.get("type"))
            if restore["lifecycle"] not in BUSY or not wait:
                try:
                    self._gateway.delete_restored(
                        region, restore["kind"], restore["id"], _SKIP_FINAL_BACKUP.get(kind, {}), deadline
                    )
                    return True
                except RestoreNotFoundError:
                    return True
                except BackupCopyError as err:
                    if not wait or restore["lifecycle"] not in BUSY:
                        pulumi.log.warn(f"restore drill: could not delete {restore['id']} in '{region}' yet: {err}")
                        return False
            if not deadline.sleep(poll):
                return False

    def _sweep(
        self, region: str, inputs: Mapping[str, Any], known: set[str], deadline: Deadline, *, wait: bool
    ) -> list[dict[str, Any]]:
        """Delete this resource's restores that its record does not hold (a killed provider's), found in this
        run's one listing of the Region's file systems or volumes (what it restores); those FSx refuses now. Only
        a keyed identity sweeps: no other stack has it."""
        identity = _identity(inputs)
        if not identity.per_stack:
            return []
        tag = DRILL_TAG_VALUE_PREFIX + identity.who
        orphans = []
        for kind in {_kind(inputs), *(h["kind"] for h in _held(inputs))}:
            for item in self._listing(region, kind, deadline):
                found_id = _id_of(item, kind)
                tags = {t.get("Key"): t.get("Value") for t in item.get("Tags") or []}
                if tags.get(IDENTITY_TAG) == tag and found_id not in known and item.get("Lifecycle") != "DELETING":
                    orphans.append({"id": found_id, "kind": kind, "region": region, "type": item.get("FileSystemType")})
        for orphan in orphans:
            pulumi.log.warn(
                f"restore drill: {orphan['id']} in '{region}' was restored by a run that did not finish: deleting it."
            )
        return self._delete_all(region, orphans, deadline, wait=wait)

    def _listing(self, region: str, kind: str, deadline: Deadline) -> list[dict[str, Any]]:
        """The Region's file systems or volumes, listed once per provider process (one run)."""
        with self._lock:
            if (region, kind) not in self._listings:
                self._listings[(region, kind)] = self._gateway.list_restored(region, kind, deadline)
            return self._listings[(region, kind)]

    # -- pulumi-aws settings: the explicit Provider's (its hidden input), else the stack's ---------------

    def _settings_of(self, props: Mapping[str, Any]) -> AwsSettings:
        return self._clients.settings_of(props.get(AWS_PROVIDER_INPUT))

    def _settings_in_force(self, props: Mapping[str, Any]) -> AbstractContextManager[AwsSettings]:
        return self._clients.in_force(self._settings_of(props))


def _problems(inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every bad input, by name: offline, never raises; unknown values pass."""
    found: list[tuple[str, str]] = []

    def known(name: str) -> bool:
        return inputs.get(name) is not None and not is_unknown(inputs.get(name))

    if inputs.get("backup_id") is None:
        found.append(("backup_id", "backup_id is required: the copy to drill, like 'backup-0123456789abcdef0'"))
    elif known("backup_id"):
        problem = backup_id_problem(inputs["backup_id"], "backup_id")
        if problem:
            found.append(("backup_id", problem))
    if known("region") and not (isinstance(inputs["region"], str) and is_known_region(inputs["region"])):
        hint = suggest_region(str(inputs["region"]))
        found.append(
            (
                "region",
                f"region {inputs['region']!r} is not an AWS Region" + (f"; did you mean {hint!r}?" if hint else ""),
            )
        )
    for name, low, high in (("every", timedelta(hours=1), MAX_EVERY), ("keep_for", timedelta(0), MAX_KEEP_FOR)):
        if known(name):
            parsed = parse_duration(name, inputs[name], minimum=low, maximum=high)
            if isinstance(parsed, str):
                found.append((name, parsed))
    minutes = inputs.get("max_restore_minutes")
    if known("max_restore_minutes") and not (
        isinstance(minutes, (int, float)) and not isinstance(minutes, bool) and 0 < minutes <= MAX_RESTORE_MINUTES
    ):
        found.append(("max_restore_minutes", f"max_restore_minutes must be a number, 0 < n <= {MAX_RESTORE_MINUTES}"))
    if known("drill_new_copies") and not isinstance(inputs["drill_new_copies"], bool):
        found.append(("drill_new_copies", "drill_new_copies must be true or false"))
    if known("force") and not isinstance(inputs["force"], str):
        found.append(("force", "force must be a string (a new value forces a drill), like a date or a ticket ID"))
    given = [name for name in RESTORE_OPERATIONS if inputs.get(name) is not None]
    if len(given) != 1:
        found.append(
            (
                "file_system_settings",
                "give exactly one of file_system_settings (a file system backup: Lustre, Windows, OpenZFS) or "
                "volume_settings (an ONTAP volume backup)",
            )
        )
    secret = inputs.get(SECRETS_INPUT) or {}
    for name in given:
        value = inputs[name]
        if is_unknown(value):
            continue
        whole = (
            merge_secrets(value, secret.get(name) or {})
            if isinstance(value, Mapping) and isinstance(secret, Mapping)
            else value
        )
        found += [(name, problem) for problem in settings_problems(name, whole)]
    return found


def _outputs(inputs: Mapping[str, Any], olds: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs (never the secret ones) with the drills' record carried over from ``olds``."""
    outs = {k: v for k, v in inputs.items() if k not in (PROVIDER_KEY, SECRETS_INPUT)}
    outs.update({k: olds.get(k) for k in HISTORY})
    outs["consecutive_failures"] = int(olds.get("consecutive_failures") or 0)
    return outs


def _held(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [dict(h) for h in record.get(HELD) or [] if isinstance(h, Mapping) and h.get("id") and h.get("kind")]


def _id_of(described: Mapping[str, Any], kind: str) -> str:
    """The ID of a file system or volume (a volume's ``FileSystemId`` is its file system's)."""
    return str(described.get("VolumeId" if kind == "volume" else "FileSystemId") or "")


def _kind(inputs: Mapping[str, Any]) -> str:
    """What the drill restores: ``volume`` with volume_settings, else ``file_system``."""
    return "volume" if inputs.get("volume_settings") is not None else "file_system"


def _region(restore: Mapping[str, Any], default: str) -> str:
    return str(restore.get("region") or default)


def _identity(inputs: Mapping[str, Any]) -> Identity:
    return Identity.of(str(inputs.get(IDENTITY_INPUT) or ""), {})


def _ownership_tags(identity: Identity, resource_identity_: str) -> dict[str, str]:
    return {IDENTITY_TAG: DRILL_TAG_VALUE_PREFIX + identity.who, RESOURCE_TAG: resource_label(resource_identity_)}


def _values_at(settings: Mapping[str, Any], paths: tuple[tuple[str, ...], ...]) -> list[Any]:
    found = []
    for path in paths:
        value: Any = settings
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if value is not None:
            found.append(value)
    return found


def _differs(old: Any, new: Any) -> bool:
    if is_unknown(new):
        return True
    if isinstance(new, dict) and isinstance(old, dict):
        return old.keys() != new.keys() or any(_differs(old[k], new[k]) for k in new)
    if isinstance(new, (int, float)) and isinstance(old, (int, float)) and not isinstance(new, bool):
        return float(old) != float(new)
    return bool(old != new)


# -- the resource ------------------------------------------------------------------------------------------


class RestoreDrill(pulumi.dynamic.Resource, module="fsx", name="RestoreDrill"):
    """Restores ``backup_id`` (a DR copy) on a schedule, records how long it took, and deletes what it restored.

    ``every``: how often (``'1w'``, ``'1d'``, ``'12h'``, weekly, daily); a new ``force`` value also makes a drill
    due, and so does a ``backup_id`` not drilled yet with ``drill_new_copies`` (else a new copy, such as retention's
    newest, waits for the next ``every``). ``keep_for`` (0 to 7 days): how long the restore is kept for your own
    checks (its ID: ``restored_id``). ``max_restore_minutes``: a slower restore fails the run. Give exactly one of
    ``file_system_settings`` (CreateFileSystemFromBackup's request members, e.g. ``SubnetIds``,
    ``SecurityGroupIds``, ``WindowsConfiguration``) or ``volume_settings`` (CreateVolumeFromBackup's: ``Name``,
    ``OntapConfiguration``); their sensitive members (a Windows directory's ``Password``) are kept secret.
    """

    backup_id: pulumi.Output[str]
    region: pulumi.Output[str]
    drilled_backup_id: pulumi.Output[str | None]
    last_drill_at: pulumi.Output[str | None]
    last_result: pulumi.Output[str | None]
    restore_seconds: pulumi.Output[float | None]
    last_error: pulumi.Output[str | None]
    last_success_at: pulumi.Output[str | None]
    last_success_restore_seconds: pulumi.Output[float | None]
    consecutive_failures: pulumi.Output[int]
    restored_id: pulumi.Output[str | None]
    keep_until: pulumi.Output[str | None]
    next_drill_at: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        *,
        backup_id: pulumi.Input[str],
        region: pulumi.Input[str] | None = None,
        every: pulumi.Input[str] | None = None,
        keep_for: pulumi.Input[str] | None = None,
        max_restore_minutes: pulumi.Input[float] | None = None,
        force: pulumi.Input[str] | None = None,
        drill_new_copies: pulumi.Input[bool] | None = None,
        file_system_settings: pulumi.Input[Mapping[str, Any]] | None = None,
        volume_settings: pulumi.Input[Mapping[str, Any]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "backup_id": backup_id,
            "region": region,
            "every": every,
            "keep_for": keep_for,
            "max_restore_minutes": max_restore_minutes,
            "force": force,
            "drill_new_copies": drill_new_copies,
        }
        hidden: dict[str, pulumi.Output[Any]] = {}
        for name, operation in RESTORE_OPERATIONS.items():
            given = {"file_system_settings": file_system_settings, "volume_settings": volume_settings}[name]
            if given is None:
                props[name] = None
                continue
            whole = pulumi.Output.from_input(given)
            # Secret whenever anything given in it is: a value the user made secret stays so, wherever it is.
            props[name] = whole.apply(functools.partial(_part, operation, 0))
            hidden[name] = whole.apply(functools.partial(_part, operation, 1))
        props[SECRETS_INPUT] = pulumi.Output.secret(pulumi.Output.all(**hidden)) if hidden else None
        props[IDENTITY_INPUT] = declared_identity(_TYPE, resource_name, opts)
        props[CUSTOM_TIMEOUTS] = timeouts_in_minutes(
            resource_name, opts, ("create", "update", "delete"), "RestoreDrill"
        )
        opts, props[AWS_PROVIDER_INPUT] = take_aws_provider(opts)
        props.update(dict.fromkeys(h for h in HISTORY if h != HELD))
        super().__init__(RestoreDrillProvider(), resource_name, props, opts)


_TYPE = "pulumi-python:dynamic/fsx:RestoreDrill"


def _part(operation: str, index: int, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings without their sensitive members (``index`` 0), or those alone (1)."""
    return split_secrets(operation, settings)[index]
