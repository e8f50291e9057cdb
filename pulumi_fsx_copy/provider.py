"""BackupCopyProvider: the dynamic provider behind :class:`pulumi_fsx_copy.BackupCopy`. It only translates between
the engine and the copy's life in AWS (:mod:`pulumi_fsx_copy.aws.copies`): hidden inputs and outputs are ``__``-keyed in
the engine's bags, plain-named inside. Pickled by reference (no client or credential reaches the state); one
instance serves every engine call at once, so it keeps no per-call state."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pulumi
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
from pulumi.runtime.rpc import UNKNOWN

from .aws.backup import Backup
from .aws.clients import AwsClients, check_endpoint_settings
from .aws.copies import CALL_TIMEOUT_SECONDS, Copies, CopyRequest, Unfinished, deletion_errors, not_found_by_get
from .aws.gateway import AwsGateway
from .aws.keys import known_unusable, require_usable_key
from .aws.outputs import awaited, claimed, not_ready, outputs, recorded_identity
from .aws.ownership import LeasePolicy
from .engine.progress import ProgressReporter
from .engine.serving import can_record_init_failure, diagnostic, record_init_failure
from .engine.serving import install as serve_engine
from .engine.waiting import Backoff, Deadline, PollPolicy, time_scale
from .errors import AccessDeniedError, BackupCopyError, CopyTimeoutError, CredentialsError, InvalidInputError
from .rules.awsconfig import CONFIG_KEYS, from_stack_config
from .rules.diffing import diff_properties, replacement_warnings
from .rules.facts import IN_PROGRESS
from .rules.identity import recognised_by_tag
from .rules.schema import HIDDEN_KEYS, PROVIDER_KEY
from .rules.tags import managed_tag_changes
from .rules.timeouts import custom_timeout_note, wait_minutes
from .rules.unknowns import with_unknown_sentinel
from .rules.validation import backup_id_problem, check_aws_settings, check_properties, resolve_undeclared_region

_Operation = TypeVar("_Operation", bound=Callable[..., Any])


def from_engine(props: Mapping[str, Any]) -> dict[str, Any]:
    """An engine's property bag in the provider's names: each hidden input and output under its plain name, read
    from its ``__`` key (``schema.HIDDEN_KEYS``), else from the plain name a state written before holds."""
    bag = dict(props)
    for name, key in HIDDEN_KEYS.items():
        if key in bag:
            bag[name] = bag.pop(key)
    return bag


def to_engine(props: Mapping[str, Any]) -> dict[str, Any]:
    """A property bag for the engine: each hidden input and output under its ``__`` key, which the engine leaves
    out of the diffs it shows."""
    return {HIDDEN_KEYS.get(k, k): v for k, v in props.items()}


def _in_engine_keys(operation: _Operation) -> _Operation:
    """A lifecycle operation at the engine's boundary: its property bags (the dict arguments) from the engine's
    keys, the bags of its result to them (``from_engine``, ``to_engine``)."""

    @functools.wraps(operation)
    def run(self: BackupCopyProvider, *args: Any) -> Any:
        result = operation(self, *(from_engine(a) if isinstance(a, dict) else a for a in args))
        if isinstance(result, CheckResult):
            return CheckResult(to_engine(result.inputs), result.failures)
        if isinstance(result, CreateResult):
            return CreateResult(result.id, to_engine(result.outs or {}))
        if isinstance(result, ReadResult):
            inputs = None if result.inputs is None else to_engine(result.inputs)
            return ReadResult(result.id, to_engine(result.outs or {}), inputs)
        if isinstance(result, UpdateResult):
            return UpdateResult(to_engine(result.outs or {}))
        return result

    return run  # type: ignore[return-value]


_GUARDED = ("create", "update", "delete")
"""Operations that change AWS: refused when the account is not allowed (as pulumi-aws refuses at configure)."""


def _with_resource_settings(operation: _Operation) -> _Operation:
    """Run a lifecycle operation with its resource's pulumi-aws settings in force: those of its explicit aws
    Provider (the last argument's ``aws_provider``), else the stack's; a changing one first checks the account;
    then the endpoint settings (``clients.check_endpoint_settings``). Its credential errors say, when the engine
    configured this provider from the state (``pulumi refresh``, ``pulumi destroy``), that the settings came from it."""

    @functools.wraps(operation)
    def run(self: BackupCopyProvider, *args: Any) -> Any:
        props = args[-1]
        clients = self._clients
        with clients.in_force(clients.settings_of(props.get("aws_provider"))) as settings:
            if operation.__name__ in _GUARDED:
                clients.require_allowed_account(settings, str(props.get("region") or clients.default_region() or ""))
            check_endpoint_settings()
            try:
                return operation(self, *args)
            except (CredentialsError, AccessDeniedError) as err:
                raise (err if self._config_is_current else clients.with_recorded_config(err)) from None

    return run  # type: ignore[return-value]


class BackupCopyProvider(ResourceProvider):
    """Copies an FSx backup with CopyBackup and manages the copy's lifecycle."""

    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        # Whether the engine checked a resource with this provider: then it was configured from the program's
        # configuration as it is now; otherwise (`pulumi refresh`, `pulumi destroy`) from the state's record.
        self._config_is_current = False
        self._clients = AwsClients()
        self._gateway = AwsGateway(self._clients, PollPolicy(), Backoff())
        self._copies = Copies(self._gateway, LeasePolicy(), ProgressReporter.silent())

    def __reduce__(self) -> tuple[type[BackupCopyProvider], tuple[()]]:
        # Pickle by reference, with no state: nothing configured here may reach the Pulumi state.
        return (BackupCopyProvider, ())

    def configure(self, req: ConfigureRequest) -> None:
        """Read pulumi-aws's settings from the stack's ``aws:*`` configuration (``awsconfig``): Region, profile,
        static keys, assume-role chain, allowed/forbidden accounts, default tags, endpoints."""
        self._clients = AwsClients(from_stack_config({f"aws:{k}": req.config.get(f"aws:{k}") for k in CONFIG_KEYS}))
        scale = time_scale()
        self._gateway = AwsGateway(self._clients, PollPolicy().scaled(scale), Backoff().scaled(scale))
        # Only the provider process is configured: there the engine's address is on the command line.
        self._copies = Copies(self._gateway, LeasePolicy().scaled(scale), ProgressReporter.from_environment())
        # Serve every engine call while copies wait, as many copies at once as AWS allows; hear Cancel.
        serve_engine()

    @_in_engine_keys
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate the inputs offline and record the resolved Regions; refuse pulumi-aws settings that cannot be
        honoured. The Region of a copy declared without ``region`` is its recorded one (``olds``), then its
        explicit aws Provider's, then the stack's. With allowed or forbidden account IDs, STS says the account."""
        check_endpoint_settings()
        self._config_is_current = True
        bag = {k: with_unknown_sentinel(v) for k, v in news.items() if k != PROVIDER_KEY}
        settings = self._clients.settings_of(bag.get("aws_provider"))
        resolve_undeclared_region(bag, olds, None if settings is self._clients.stack_settings else settings.region)
        inputs, failures = check_properties(bag, default_region=self._clients.default_region())
        failures += check_aws_settings(inputs, settings)
        region = inputs.get("region")
        if not failures and isinstance(region, str) and region != UNKNOWN:
            problem = self._clients.account_problem(settings, region)
            if problem:
                failures.append(CheckFailure("", problem))
        return CheckResult(inputs, failures)

    @_in_engine_keys
    @_with_resource_settings
    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare the old outputs with the new inputs; ask KMS only when offline cannot tell.

        A copy AWS reported FAILED is replaced. When KMS cannot say whether a changed ``kms_key_id`` names
        the key in use, the diff fails (KmsKeyError) rather than replace the copy on a guess.
        """
        news = with_unknown_sentinel(news)
        region = str(news.get("region") or olds.get("region") or "")
        result = diff_properties(olds, news, same_key=lambda a, b: self._copies.keys.same(region, id_, a, b))
        for warning in replacement_warnings(id_, region, olds, news, list(result.replaces or [])):
            pulumi.log.warn(warning)
        if known_unusable(olds.get("kms_key_state")) and not result.changes:
            # Refresh found the copy's key unusable: `pulumi up` runs update, which says what to do.
            return DiffResult(changes=True, replaces=[], delete_before_replace=False)
        return result

    @_in_engine_keys
    @_with_resource_settings
    def create(self, props: dict[str, Any]) -> CreateResult:
        """Start the copy (or adopt this resource's unrecorded one), wait for AVAILABLE, claim it last.

        Nothing here deletes a copy except one AWS reports FAILED. A failure once the copy exists hands the
        copy to the engine, claimed, as a resource that failed to initialise (the next ``up`` resumes it through
        ``update``); where the engine cannot be told, the copy stays unrecorded and released, and the next
        Create of this resource adopts it (see ``ownership``).
        """
        request = CopyRequest.from_inputs(props)
        declared_tags = request.tags
        if props.get("default_tags"):  # pulumi-aws's defaultTags, under the declared tags: on the copy, not in tags
            request = dataclasses.replace(request, tags={**self._clients.settings.tags, **declared_tags})
        deadline = Deadline(wait_minutes(props, "create") * 60)
        try:
            created = self._copies.create(request, deadline, can_record_init_failure)
        except CopyTimeoutError as err:  # before any copy exists (a copy slot, the source still CREATING)
            raise _timeout_source(err, props, "create") from None
        except Unfinished as unfinished:
            if isinstance(unfinished.error, CopyTimeoutError):
                unfinished.error = _timeout_source(unfinished.error, props, "create")
            record = outputs(props, unfinished.backup, managed_keys=declared_tags, kms_key_state=None)
            raise _recorded_unfinished(request.region, props, record, unfinished) from None
        outs = outputs(props, created.backup, managed_keys=declared_tags, kms_key_state=created.kms_key_state)
        return CreateResult(created.backup.backup_id, claimed(outs, created.claim))

    @_in_engine_keys
    @_with_resource_settings
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Describe the copy; report it deleted when it is gone (for ``BackupCopy.get``: raise, saying where).

        Also reports (a warning naming each) this resource's copies that no state records: a destroy deletes them.
        """
        region = str(props.get("region") or self._clients.settings.region or self._clients.default_region() or "")
        problem = backup_id_problem(id_, "the ID given to BackupCopy.get")
        if problem:
            raise InvalidInputError(f"{problem}.", operation="DescribeBackups", region=region or None)
        identity = recorded_identity(props) if props.get("backup_id") else None
        backup = self._copies.read(region, id_, identity, Deadline(CALL_TIMEOUT_SECONDS))
        if backup is None and props.get("backup_id"):
            return ReadResult("", {})  # a refresh drops a copy that is gone
        if backup is None:
            raise not_found_by_get(id_, region)
        state = self._copies.keys.state(region, id_, backup.kms_key_id, props)
        base = {"region": region, **props}
        outs = outputs(base, backup, managed_keys=props.get("tags") or {}, kms_key_state=state, from_aws=True)
        if awaited(props) and backup.lifecycle in IN_PROGRESS and PROVIDER_KEY in props:
            reason = not_ready(id_, region, backup)
            if record_init_failure(id_, to_engine({**outs, PROVIDER_KEY: props[PROVIDER_KEY]}), [reason]):
                raise BackupCopyError(reason, operation="DescribeBackups", region=region, backup_id=id_)
        return ReadResult(id_, outs)

    @_in_engine_keys
    @_with_resource_settings
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Change the managed tags in place (tags the stack never declared are left alone); then wait for a
        copy that is not AVAILABLE yet (a Create that failed once it existed), as Create would have. The record
        keeps the identity it was made with (its copies carry it), whatever the program says now."""
        if olds.get("resource_identity"):
            news = {**news, "resource_identity": olds["resource_identity"]}
        region = str(olds.get("region") or news["region"])
        deadline = Deadline(CALL_TIMEOUT_SECONDS)
        changes = managed_tag_changes(olds, news, self._clients.settings)
        self._copies.retag(region, Backup(id_, resource_arn=olds.get("arn")), changes, deadline)
        described = self._gateway.describe_backup(region, id_, deadline)
        if awaited(news) and described.lifecycle in IN_PROGRESS:
            request = CopyRequest.from_inputs({**news, "region": region})
            claim = olds.get("claim")
            try:
                described = self._copies.resume(request, id_, str(claim) if claim else None)
            except Unfinished as unfinished:
                state = olds.get("kms_key_state")
                record = outputs(news, unfinished.backup, managed_keys=request.tags, kms_key_state=state)
                raise _recorded_unfinished(region, news, record, unfinished) from None
        state = self._copies.keys.state(region, id_, described.kms_key_id, olds)
        outs = outputs(news, described, managed_keys=news.get("tags") or {}, kms_key_state=state)
        outs["claim"] = olds.get("claim")
        require_usable_key(region, id_, outs.get("kms_key_id"), state)
        return UpdateResult(outs)

    @_in_engine_keys
    @_with_resource_settings
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Delete the copy if this record owns it (its claim), wait until it is gone, then delete this
        resource's copies that no state records. A copy this record does not own is left, with a warning."""
        region = str(props.get("region") or self._clients.default_region() or "")
        claim = props.get("claim")
        deadline = Deadline(wait_minutes(props, "delete") * 60)
        with deletion_errors(region, id_, deadline):
            self._copies.delete(
                region,
                id_,
                str(claim) if claim else None,
                recorded_identity(props),
                deadline,
                recognised_by=recognised_by_tag(str(props.get("resource_identity") or "")),
            )


def _timeout_source(err: CopyTimeoutError, props: Mapping[str, Any], operation: str) -> BackupCopyError:
    """``err`` saying that ``custom_timeouts`` set the bound, when it did (its message names wait_timeout_minutes)."""
    note = custom_timeout_note(props, operation)
    return err.with_message(f"{err} {note}") if note else err


def _recorded_unfinished(
    region: str, inputs: Mapping[str, Any], record: Mapping[str, Any], unfinished: Unfinished
) -> BackupCopyError:
    """Hand the claimed copy of ``unfinished`` to the engine as ``record`` (its outputs) with init errors; the
    error to raise, saying what became of the copy."""
    engine_record = to_engine({**claimed(record, unfinished.claim), PROVIDER_KEY: inputs.get(PROVIDER_KEY)})
    error = unfinished.error_for(region, recorded=True)
    if record_init_failure(unfinished.backup.backup_id, engine_record, [diagnostic(error) or str(error)]):
        return error
    return unfinished.error_for(region, recorded=False)
