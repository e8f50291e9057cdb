"""BackupCopyProvider: the dynamic provider behind :class:`pulumi_fsx_copy.BackupCopy`.

It only translates between the engine and the copy's life: which copy is whose is decided by
:mod:`pulumi_fsx_copy.ownership`, the steps in AWS are :mod:`pulumi_fsx_copy.copies`, every call goes
through :mod:`pulumi_fsx_copy.gateway`. It is pickled into every resource's state by reference
(``__reduce__``): no client, session or credential ever leaves the provider process. One instance serves
every engine call at once (see ``serving``), so it keeps no per-call state on ``self``. Hidden inputs and outputs
are ``__``-keyed in the engine's bags, plain-named inside (``from_engine``, ``to_engine``: here only).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timezone
from typing import Any, TypeVar

import pulumi
from botocore.exceptions import BotoCoreError
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

from .awsconfig import CONFIG_KEYS, AwsSettings, from_provider_input, from_stack_config
from .backup import Backup
from .clients import RESOURCE_SETTINGS, AwsClients, check_endpoint_settings, new_session
from .copies import CALL_TIMEOUT_SECONDS, Copies, CopyRequest, Unfinished, cancelled, kept
from .diffing import diff_properties, replacement_reason
from .errors import (
    AccessDeniedError,
    BackupCopyError,
    BackupInUseError,
    CopyCancelledError,
    CopyNotFoundError,
    CopyTimeoutError,
    CredentialsError,
    EndpointConfigError,
    ErrorContext,
    InvalidInputError,
    KmsKeyError,
)
from .facts import IN_PROGRESS, MAX_TAGS, Lifecycle
from .gateway import AwsGateway
from .identity import OWNER_TAG, OWNERSHIP_TAG_KEYS, Identity, recognised_by_tag
from .kms import parse_key_reference
from .ownership import LeasePolicy, claim_value
from .progress import ProgressReporter, current_urn
from .schema import DEFAULT_WAIT_TIMEOUT_MINUTES, HIDDEN_KEYS, REPLACING_INPUTS
from .serving import can_record_init_failure, diagnostic, record_init_failure
from .serving import install as serve_engine
from .tags import TagChanges, tag_changes
from .unknowns import with_unknown_sentinel
from .validation import backup_id_problem, check_properties
from .waiting import Backoff, Deadline, PollPolicy, WaitCancelled, time_scale

PROVIDER_KEY = "__provider"
# The KMS KeyState in which a copy can be restored; any other state found by refresh is reported.
KMS_KEY_USABLE = "Enabled"
KMS_KEY_UNKNOWN = "Unknown"
"""``kms_key_state`` when KMS could not be asked (unreachable, throttled past retries, not permitted): never
a KMS ``KeyState``. A warning names the copy and the cause; the next refresh asks again."""
_NOT_KNOWN_UNUSABLE = (None, KMS_KEY_USABLE, KMS_KEY_UNKNOWN)
# A KMS DescribeKey (retried while throttled or unreachable) may take this long: diff runs in preview.
KMS_LOOKUP_SECONDS = 60.0


def _identity_of(props: Mapping[str, Any]) -> Identity | None:
    """The identity recorded in a resource's outputs (None for ``BackupCopy.get``, which has none)."""
    identity = props.get("resource_identity")
    if not identity:
        return None
    return Identity.of(str(identity), {k: props.get(k) for k in REPLACING_INPUTS})


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
    Provider (the last argument's ``aws_provider``), else the stack's; a changing one first checks the account."""

    @functools.wraps(operation)
    def run(self: BackupCopyProvider, *args: Any) -> Any:
        props = args[-1]
        with self._settings_in_force(props) as settings:
            if operation.__name__ in _GUARDED:
                self._require_allowed_account(settings, str(props.get("region") or self._default_region() or ""))
            return operation(self, *args)

    return run  # type: ignore[return-value]


class BackupCopyProvider(ResourceProvider):
    """Copies an FSx backup with CopyBackup and manages the copy's lifecycle."""

    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._stack_region: str | None = None
        self._stack_settings = AwsSettings()
        # Whether the engine checked a resource with this provider: then it was configured from the program's
        # configuration as it is now; otherwise (`pulumi refresh`, `pulumi destroy`) from the state's record.
        self._config_is_current = False
        self._clients = AwsClients()
        self._gateway = AwsGateway(self._clients, PollPolicy(), Backoff())
        self._copies = Copies(self._gateway, LeasePolicy(), ProgressReporter.silent())

    def __reduce__(self) -> tuple[type[BackupCopyProvider], tuple[()]]:
        # Pickle by reference, with no state: nothing configured here may reach the Pulumi state.
        return (BackupCopyProvider, ())

    # -- lifecycle -----------------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        """Read pulumi-aws's settings from the stack's ``aws:*`` configuration (``awsconfig``): Region, profile,
        static keys, assume-role chain, allowed/forbidden accounts, default tags, endpoints."""
        settings = from_stack_config({f"aws:{name}": req.config.get(f"aws:{name}") for name in CONFIG_KEYS})
        self._stack_settings = settings
        self._stack_region = settings.region
        self._clients = AwsClients(settings)
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
        settings = self._settings_of(bag)
        if bag.get("region") is None and bag.get("aws_provider") == UNKNOWN:
            bag["region"] = UNKNOWN  # the explicit Provider's settings are known after it is created
        elif bag.get("region") is None and settings is not self._stack_settings and settings.region:
            bag["region"] = settings.region  # the explicit Provider's Region: declared by the program
        elif bag.get("region") is None and isinstance(olds.get("region"), str) and olds["region"]:
            bag["region"] = olds["region"]  # recorded: a changed aws:region never moves an existing copy
        inputs, failures = check_properties(bag, default_region=self._default_region())
        failures += [CheckFailure("", refused) for refused in settings.refused]
        inputs.pop("default_tags", None)
        if settings.default_tags:
            inputs["default_tags"] = default_tag_digests(settings)
            failures += [CheckFailure("", problem) for problem in _default_tag_problems(settings, inputs.get("tags"))]
        region = inputs.get("region")
        if not failures and isinstance(region, str) and region != UNKNOWN:
            problem = self._account_problem(settings, region)
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
        check_endpoint_settings()
        news = with_unknown_sentinel(news)
        region = str(news.get("region") or olds.get("region") or "")
        result = diff_properties(olds, news, same_key=lambda a, b: self._same_kms_key(region, id_, a, b))
        if "lifecycle" in (result.replaces or []):
            pulumi.log.warn(
                f"copy {id_} in '{region}' is FAILED (AWS reported it at the last refresh): it is replaced by a "
                "new copy, and deleted once the new one is made."
            )
        reason = replacement_reason(olds, news, list(result.replaces or []))
        if reason:
            pulumi.log.warn(
                f"copy {id_} in '{olds.get('region')}' is replaced (a new copy is made, then this one deleted) because "
                f"{reason}. A copy declared without `region` stays in the Region it was made in, whatever aws:region "
                "says now; only a changed declared `region` (or explicit aws Provider Region) moves it."
            )
        if olds.get("kms_key_state") not in _NOT_KNOWN_UNUSABLE and not result.changes:
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
        check_endpoint_settings()
        request = CopyRequest.from_inputs(props)
        declared_tags = request.tags
        request = _with_default_tags(request, self._clients.settings if props.get("default_tags") else AwsSettings())
        deadline = Deadline(_wait_minutes(props, "create") * 60)

        def finish(backup: Backup, claim: str) -> dict[str, Any]:
            outs = self._outputs(request.region, props, backup, managed_keys=declared_tags)
            outs["tags_all"] = {**outs["tags_all"], OWNER_TAG: claim_value(claim)}  # as AWS holds it once claimed
            outs["claim"] = claim
            return outs

        try:
            deadline.cancel.check()  # a Create that arrives after Cancel starts no copy
            backup_id, outs = self._copies.create(request, deadline, finish, can_record_init_failure)
        except WaitCancelled:
            raise cancelled(request, None) from None
        except CopyTimeoutError as err:  # before any copy exists (a copy slot, the source still CREATING)
            raise _timeout_source(err, props, "create") from None
        except Unfinished as unfinished:
            if isinstance(unfinished.error, CopyTimeoutError):
                unfinished.error = _timeout_source(unfinished.error, props, "create")
            record = _outputs(props, unfinished.backup, managed_keys=declared_tags)
            raise _recorded_unfinished(request.region, props, record, unfinished) from None
        return CreateResult(backup_id, outs)

    @_in_engine_keys
    @_with_resource_settings
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Describe the copy; report it deleted when it is gone (for ``BackupCopy.get``: raise, saying where).

        Also reports (a warning naming each) this resource's copies that no state records: a destroy deletes them.
        """
        check_endpoint_settings()
        region = str(props.get("region") or self._clients.settings.region or self._default_region() or "")
        problem = backup_id_problem(id_, "the ID given to BackupCopy.get")
        if problem:
            raise InvalidInputError(f"{problem}.", operation="DescribeBackups", region=region or None)
        try:
            return self._read(id_, region, props)
        except (CredentialsError, AccessDeniedError) as err:
            raise self._with_config_source(err) from None

    def _read(self, id_: str, region: str, props: dict[str, Any]) -> ReadResult:
        deadline = Deadline(CALL_TIMEOUT_SECONDS)
        backup = self._gateway.find_backup(region, id_, deadline)
        identity = _identity_of(props)
        if identity is not None and props.get("backup_id"):
            for orphan in self._copies.orphans(region, identity, id_, deadline):
                pulumi.log.warn(
                    f"copy {orphan.backup_id} in '{region}' ({orphan.lifecycle}) was made for this resource "
                    "by a run that did not finish, and no state records it: `pulumi destroy` of this resource "
                    "deletes it, or delete it in AWS."
                )
        if backup is None:
            return _gone(id_, region, props)
        base = dict(props)
        base.setdefault("region", region)
        managed = props.get("tags") or {}
        outs = self._outputs(region, base, backup, managed_keys=managed, from_aws=True, known=props)
        if _awaited(props) and backup.lifecycle in IN_PROGRESS and PROVIDER_KEY in props:
            reason = _not_ready(id_, region, backup)
            if record_init_failure(id_, to_engine({**outs, PROVIDER_KEY: props[PROVIDER_KEY]}), [reason]):
                raise BackupCopyError(reason, operation="DescribeBackups", region=region, backup_id=id_)
        return ReadResult(id_, outs)

    @_in_engine_keys
    @_with_resource_settings
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Change the managed tags in place (tags the stack never declared are left alone); then wait for a
        copy that is not AVAILABLE yet (a Create that failed once it existed), as Create would have. The record
        keeps the identity it was made with (its copies carry it), whatever the program says now."""
        check_endpoint_settings()
        if olds.get("resource_identity"):
            news = {**news, "resource_identity": olds["resource_identity"]}
        region = str(olds.get("region") or news["region"])
        deadline = Deadline(CALL_TIMEOUT_SECONDS)
        changes = tag_changes(olds.get("tags") or {}, news.get("tags") or {})
        changes = _with_default_tags_changes(changes, olds, news, self._clients.settings)
        backup = Backup(id_, resource_arn=olds.get("arn"))
        if changes.to_set:
            self._gateway.tag(region, backup, changes.to_set, deadline)
        if changes.to_remove:
            self._gateway.untag(region, backup, changes.to_remove, deadline)
        described = self._gateway.describe_backup(region, id_, deadline)
        if _awaited(news) and described.lifecycle in IN_PROGRESS:
            request = CopyRequest.from_inputs({**news, "region": region})
            claim = olds.get("claim")
            try:
                described = self._copies.resume(
                    request, id_, str(claim) if claim else None, Deadline(request.wait_timeout_minutes * 60)
                )
            except Unfinished as unfinished:
                record = _outputs(news, unfinished.backup, managed_keys=request.tags)
                record["kms_key_state"] = olds.get("kms_key_state")
                raise _recorded_unfinished(region, news, record, unfinished) from None
        outs = self._outputs(region, news, described, managed_keys=news.get("tags") or {}, known=olds)
        outs["claim"] = olds.get("claim")
        self._require_usable_key(region, id_, outs.get("kms_key_id"), outs["kms_key_state"])
        return UpdateResult(outs)

    @_in_engine_keys
    @_with_resource_settings
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Delete the copy if this record owns it (its claim), wait until it is gone, then delete this
        resource's copies that no state records. A copy this record does not own is left, with a warning."""
        check_endpoint_settings()
        region = str(props.get("region") or self._default_region() or "")
        timeout = _wait_minutes(props, "delete")
        claim = props.get("claim")
        try:
            self._copies.delete(
                region,
                id_,
                str(claim) if claim else None,
                _identity_of(props),
                Deadline(timeout * 60),
                recognised_by=recognised_by_tag(str(props.get("resource_identity") or "")),
            )
        except BackupInUseError as err:
            raise err.with_message(
                f"{err} The delete waited {timeout:g} minutes for it: wait_timeout_minutes (default "
                f"{DEFAULT_WAIT_TIMEOUT_MINUTES:g}), or custom_timeouts delete when shorter, as the state recorded "
                "them at the last `pulumi up`. The copy is kept "
                "and stays in the stack; to wait longer (or less), change wait_timeout_minutes and run `pulumi up` "
                "before `pulumi destroy`."
            ) from None
        except (CredentialsError, AccessDeniedError) as err:
            raise self._with_config_source(err) from None
        except WaitCancelled:
            raise CopyCancelledError(
                f"Pulumi was cancelled while deleting copy {id_} in '{region}'. A deletion already requested goes "
                "on in AWS; the copy stays in the stack until the next `pulumi up` or `pulumi destroy` sees it gone."
            ) from None

    # -- outputs and KMS ---------------------------------------------------------------------------

    def _outputs(
        self,
        region: str,
        inputs: Mapping[str, Any],
        backup: Backup,
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
        outs["kms_key_state"] = self._key_state(region, str(outs.get("backup_id")), key_arn, previous)
        return outs

    def _key_state(self, region: str, backup_id: str, key_arn: object, previous: str | None) -> str | None:
        """The ``KeyState`` of the key that encrypts a copy (``Enabled``, ``Disabled``, ``PendingDeletion``,
        ...). When KMS cannot tell (unreachable, no permission, throttled past retries): ``previous`` if it
        was a state in which the copy cannot be restored (never forgotten on one failed look-up), else
        ``Unknown``; either way a warning names the copy, the key and the cause."""
        if not isinstance(key_arn, str) or not key_arn:
            return None
        context = ErrorContext(operation="DescribeKey", region=region, backup_id=backup_id, kms_key_id=key_arn)
        try:
            metadata = self._gateway.describe_key(region, key_arn, Deadline(KMS_LOOKUP_SECONDS), context)
        except EndpointConfigError:
            raise
        except BackupCopyError as err:  # KMS cannot tell; a bug in our code propagates
            return self._unknown_key_state(region, backup_id, key_arn, previous, err)
        state = metadata.get("KeyState")
        if not state:
            return self._unknown_key_state(region, backup_id, key_arn, previous, "KMS returned no KeyState")
        return str(state)

    @staticmethod
    def _unknown_key_state(region: str, backup_id: str, key_arn: str, previous: str | None, cause: object) -> str:
        urn = current_urn()
        name = f" (resource '{urn.rsplit('::', 1)[-1]}')" if urn else ""
        if previous not in _NOT_KNOWN_UNUSABLE:
            kept = f"the state recorded before, {previous}, is kept: `pulumi up` fails until the key is usable"
            state = str(previous)
        else:
            kept = (
                f"kms_key_state is recorded as '{KMS_KEY_UNKNOWN}', so whether the copy can be restored is not "
                "known; `pulumi refresh` asks KMS again"
            )
            state = KMS_KEY_UNKNOWN
        pulumi.log.warn(
            f"could not read the KMS key state of copy {backup_id}{name} in '{region}': {cause} The key is "
            f"{key_arn}; {kept}."
        )
        return state

    @staticmethod
    def _require_usable_key(region: str, backup_id: str, key_arn: object, state: str | None) -> None:
        """Raise KmsKeyError when the copy's key is known to be unusable: the copy cannot be restored."""
        if state in _NOT_KNOWN_UNUSABLE:
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
            metadata = self._gateway.describe_key(region, reference, Deadline(KMS_LOOKUP_SECONDS), context)
            return str(metadata["Arn"])
        except EndpointConfigError:
            raise
        except (BackupCopyError, KeyError, TypeError) as err:
            raise KmsKeyError(
                f"cannot tell whether kms_key_id {reference} and {other} name the same KMS key: KMS DescribeKey "
                f"of {reference} in '{region}' failed ({err}). Copy {backup_id} was neither replaced nor "
                "changed. Re-run when KMS answers (the caller needs kms:DescribeKey), or set kms_key_id to the "
                "key ARN the copy uses to keep it.",
                code=err.code if isinstance(err, BackupCopyError) else None,
                **{k: v for k, v in context.fields(None).items() if k != "code"},
            ) from None

    # -- pulumi-aws settings (awsconfig) -------------------------------------------------------------

    def _settings_of(self, props: Mapping[str, Any]) -> AwsSettings:
        """The settings of a resource: its explicit aws Provider's (the ``aws_provider`` input), else the stack's."""
        given = props.get("aws_provider")
        return from_provider_input(given) if isinstance(given, Mapping) else self._stack_settings

    @contextmanager
    def _settings_in_force(self, props: Mapping[str, Any]) -> Iterator[AwsSettings]:
        """Make the resource's settings those of every AWS call in this context (``clients.RESOURCE_SETTINGS``)."""
        settings = self._settings_of(props)
        token = RESOURCE_SETTINGS.set(None if settings is self._stack_settings else settings)
        try:
            yield settings
        finally:
            RESOURCE_SETTINGS.reset(token)

    def _account_problem(self, settings: AwsSettings, region: str) -> str | None:
        """Why the credentials' account is not allowed (``allowedAccountIds`` / ``forbiddenAccountIds``), or None;
        asks STS GetCallerIdentity (once per settings and process) only when either is set."""
        if not settings.allowed_account_ids and not settings.forbidden_account_ids:
            return None
        token = RESOURCE_SETTINGS.set(None if settings is self._stack_settings else settings)
        try:
            account = self._clients.account_id(region)
        except BackupCopyError as err:
            return f"cannot check the AWS account against {settings.source}'s allowed/forbidden account IDs: {err}"
        finally:
            RESOURCE_SETTINGS.reset(token)
        where = f"({settings.source})"
        if settings.allowed_account_ids and account not in settings.allowed_account_ids:
            return (
                f"the credentials in use belong to AWS account {account}, which allowedAccountIds {where} "
                f"({', '.join(settings.allowed_account_ids)}) does not include: nothing is copied. Use credentials "
                "(profile, assumeRoles) of an allowed account, or add the account to allowedAccountIds."
            )
        if account in settings.forbidden_account_ids:
            return (
                f"the credentials in use belong to AWS account {account}, which forbiddenAccountIds {where} lists: "
                "nothing is copied. Use credentials (profile, assumeRoles) of another account."
            )
        return None

    def _require_allowed_account(self, settings: AwsSettings, region: str) -> None:
        """Raise CredentialsError when the account is not allowed (see ``_account_problem``)."""
        problem = self._account_problem(settings, region)
        if problem:
            raise CredentialsError(problem, code="AccountNotAllowed", operation="GetCallerIdentity", region=region)

    # -- plumbing ------------------------------------------------------------------------------

    def _with_config_source(self, err: BackupCopyError) -> BackupCopyError:
        """``err`` saying where its settings came from when the engine configured this provider from the state
        (``pulumi refresh``, ``pulumi destroy``): a setting fixed in the stack's config since has not reached it."""
        if self._config_is_current:
            return err
        profile = self._clients.profile
        setting = f"aws:profile '{profile}'" if profile else "no aws:profile"
        if self._stack_region:
            setting += f", aws:region '{self._stack_region}'"
        return err.with_message(
            f"{err} Note: without --run-program, `pulumi refresh` and `pulumi destroy` configure this provider "
            f"with the stack configuration recorded in the state by the last `pulumi up` ({setting}), not the "
            "configuration as it is now. If you have changed aws:profile or "
            "aws:region since, run `pulumi refresh --run-program` or `pulumi destroy --run-program` (they read the "
            "configuration as it is now), or `pulumi up` to record it first. AWS_PROFILE, AWS_REGION and the "
            "other AWS_* variables are always read from the command's environment."
        )

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


def _awaited(props: Mapping[str, Any]) -> bool:
    """Whether the resource waits for its copy to be AVAILABLE (``wait_for_available``, default true)."""
    return props.get("wait_for_available") is not False


def _not_ready(backup_id: str, region: str, backup: Backup) -> str:
    return (
        f"copy {backup_id} in '{region}' is {backup.lifecycle} ({backup.progress_percent or 0}%), not "
        "AVAILABLE yet: the stack records it as not ready, the next `pulumi up` waits for it, `pulumi destroy` "
        "deletes it."
    )


def _recorded_unfinished(
    region: str, inputs: Mapping[str, Any], record: dict[str, Any], unfinished: Unfinished
) -> BackupCopyError:
    """Hand the claimed copy of ``unfinished`` to the engine as ``record`` (its outputs) with init errors; the
    error to raise, saying what became of the copy."""
    backup_id = unfinished.backup.backup_id
    record["tags_all"] = {**record["tags_all"], OWNER_TAG: claim_value(unfinished.claim)}
    record["claim"] = unfinished.claim
    record.setdefault("kms_key_state", None)
    record[PROVIDER_KEY] = inputs.get(PROVIDER_KEY)
    error = kept(unfinished.error, backup_id, region, recorded=True)
    if record_init_failure(backup_id, to_engine(record), [diagnostic(error) or str(error)]):
        return error
    return unfinished.error.with_message(
        f"{unfinished.error} Copy {backup_id} in '{region}' carries the claim {unfinished.claim} (its "
        f"{OWNER_TAG} tag), which no state records: the engine went away before it could record it. Delete it in "
        "AWS once a new `pulumi up` has made this resource's copy."
    )


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


def _outputs(
    inputs: Mapping[str, Any],
    backup: Backup,
    *,
    managed_keys: Mapping[str, Any],
    from_aws: bool = False,
) -> dict[str, Any]:
    """The resource's outputs: its inputs, plus what AWS says of the copy."""
    tags_all = dict(backup.tags)
    created = backup.creation_time
    progress = backup.progress_percent
    outs = {k: v for k, v in inputs.items() if k != PROVIDER_KEY}
    requested = inputs.get("kms_key_id_requested") if from_aws else inputs.get("kms_key_id")
    outs.update(
        backup_id=backup.backup_id,
        arn=backup.resource_arn,
        lifecycle=backup.lifecycle,
        progress_percent=progress if progress is not None else 100 if backup.lifecycle == Lifecycle.AVAILABLE else 0,
        tags=({k: tags_all[k] for k in managed_keys if k in tags_all} if from_aws else dict(managed_keys)),
        tags_all=tags_all,
        kms_key_id=backup.kms_key_id,
        kms_key_id_requested=requested or None,
        file_system_id=backup.file_system_id,
        file_system_type=backup.file_system_type,
        resource_type=backup.resource_type,
        volume_id=backup.volume_id,
        type=backup.type,
        owner_id=backup.owner_id,
        creation_time=created.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if created else None,
        size_in_bytes=backup.size_in_bytes,
    )
    if from_aws:
        for key, value in (
            ("source_backup_id", backup.source_backup_id),
            ("source_region", backup.source_backup_region),
        ):
            if not outs.get(key):
                outs[key] = value
    return outs


# -- custom timeouts and default tags (pulumi-aws habits) ------------------------------------------------------


def _wait_minutes(props: Mapping[str, Any], operation: str) -> float:
    """How long ``operation`` (create, delete) may wait: ``wait_timeout_minutes`` and the resource's
    ``custom_timeouts`` for it (an input set from ``opts.custom_timeouts``), the shorter winning."""
    bounds = [float(props.get("wait_timeout_minutes") or DEFAULT_WAIT_TIMEOUT_MINUTES)]
    custom = props.get("custom_timeouts")
    if isinstance(custom, Mapping) and isinstance(custom.get(operation), (int, float)):
        bounds.append(float(custom[operation]))
    return min(bounds)


def _timeout_source(err: CopyTimeoutError, props: Mapping[str, Any], operation: str) -> CopyTimeoutError:
    """``err`` saying that ``custom_timeouts`` set the bound, when it did (its message names wait_timeout_minutes)."""
    custom = props.get("custom_timeouts")
    bound = custom.get(operation) if isinstance(custom, Mapping) else None
    if not isinstance(bound, (int, float)) or float(bound) != _wait_minutes(props, operation):
        return err
    changed = err.with_message(
        f"{err} The bound was custom_timeouts {operation}={float(bound) * 60:g}s (shorter than wait_timeout_minutes, "
        "so it wins); raise it in the resource's options."
    )
    assert isinstance(changed, CopyTimeoutError)
    return changed


def _with_default_tags(request: CopyRequest, settings: AwsSettings) -> CopyRequest:
    """``request`` with pulumi-aws's default tags (``defaultTags``) under its declared tags (declared win), as
    pulumi-aws tags a resource: on the copy and in ``tags_all``, never in ``tags``."""
    if not settings.default_tags:
        return request
    return dataclasses.replace(request, tags={**settings.tags, **request.tags})


def default_tag_digests(settings: AwsSettings) -> dict[str, str]:
    """The ``default_tags`` input: each default tag's key and a digest of its value (never the value)."""
    return {k: hashlib.sha256(v.encode()).hexdigest()[:16] for k, v in settings.default_tags}


def _default_tag_problems(settings: AwsSettings, tags: object) -> list[str]:
    """Why the default and declared tags together do not fit on a copy, if they do not."""
    declared = tags if isinstance(tags, Mapping) else {}
    room = MAX_TAGS - len(OWNERSHIP_TAG_KEYS)
    total = len(settings.tags.keys() | declared.keys())
    if total <= room:
        return []
    return [
        f"tags: {len(declared)} declared and {len(settings.tags)} default tags ({settings.source}'s defaultTags) make "
        f"{total} tags; a copy holds {room} besides the provider's ownership tags. Declare fewer, or give this copy "
        "an aws Provider without defaultTags."
    ]


def _with_default_tags_changes(
    changes: TagChanges, olds: Mapping[str, Any], news: Mapping[str, Any], settings: AwsSettings
) -> TagChanges:
    """``changes`` (of the declared tags) with the default tags' own: each one added or changed since the copy's last
    record is set (its value from the settings now in force), each one removed from defaultTags is removed; a
    declared tag wins, and a declared tag removed falls back to a default tag of its key."""
    old, new = olds.get("default_tags") or {}, news.get("default_tags") or {}
    if not old and not new:
        return changes
    defaults = {k: v for k, v in settings.tags.items() if k in new}
    declared = news.get("tags") or {}
    to_set = {k: defaults[k] for k in new if k in defaults and old.get(k) != new[k] and k not in declared}
    to_set.update({k: defaults[k] for k in changes.to_remove if k in defaults})
    to_remove = [k for k in changes.to_remove if k not in defaults]
    to_remove += [k for k in old if k not in new and k not in declared]
    return TagChanges(to_set={**to_set, **changes.to_set}, to_remove=sorted(set(to_remove)))
