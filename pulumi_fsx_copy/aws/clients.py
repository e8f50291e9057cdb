"""AWS clients, made inside the provider process on first use: one per (service, Region, AWS settings), thread-safe.

botocore clients (boto3's resource and S3 transfer layers would cost the provider a quarter of its import time).
Credentials: pulumi-aws's settings (profile or the default chain, static keys, the assume-role chain through
STS); endpoints: ``AWS_ENDPOINT_URL`` and ``AWS_ENDPOINT_URL_FSX``/``_KMS``, read by botocore. One attempt per
call: retries are the gateway's (``AwsGateway.call``). A failure while making a client is a mapped
:class:`~pulumi_fsx_copy.errors.BackupCopyError` (``CredentialsError``, ``RegionError``, ``EndpointConfigError``)
raised by the operation that first needs it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from ..errors import BackupCopyError, CredentialsError, EndpointConfigError, ErrorContext, RegionError, map_error
from ..rules.awsconfig import AwsSettings, from_provider_input

if TYPE_CHECKING:
    from botocore.config import Config
    from botocore.session import Session


def _client_config() -> Config:
    """The clients' config, made on first use: ``botocore.config`` imports urllib3 and botocore's endpoint
    machinery (about 40 ms), which a preview (no client) need not pay. Kept as the module's ``_CLIENT_CONFIG``,
    which may be replaced (the reliability tests lower its read timeout)."""
    config = globals().get("_CLIENT_CONFIG")
    if config is None:
        from botocore.config import Config

        config = globals()["_CLIENT_CONFIG"] = Config(
            retries={"total_max_attempts": 1, "mode": "standard"},
            connect_timeout=10,
            read_timeout=60,
            user_agent_extra="pulumi-fsx-copy",
        )
    return config


def __getattr__(name: str) -> Any:
    if name == "_CLIENT_CONFIG":
        return _client_config()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def new_session(profile: str | None) -> Session:
    """A botocore session for ``profile`` (None: the default chain), imported on first use: preview never
    makes a client, so the provider process does not pay for botocore's client machinery until it does."""
    import botocore.session

    return botocore.session.Session(profile=profile)


class AwsClients:
    """A cache of AWS clients for the stack's pulumi-aws settings, or for the settings of the resource in hand.

    The settings in force are :data:`RESOURCE_SETTINGS` (set by the provider for the operation of a resource with
    an explicit aws Provider), else those given here (the stack's ``aws:*`` config). Each settings' credentials:
    the profile (or the default chain), the stack's static keys, then the assume-role chain through STS as boto3
    assumes a role (refreshed before they expire).
    """

    def __init__(self, settings: AwsSettings | str | None = None) -> None:
        self._settings = settings if isinstance(settings, AwsSettings) else AwsSettings(profile=settings)
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._accounts: dict[str, str] = {}

    @property
    def settings(self) -> AwsSettings:
        """The settings in force: the resource's (explicit Provider), else the stack's."""
        return RESOURCE_SETTINGS.get() or self._settings

    @property
    def stack_settings(self) -> AwsSettings:
        """The stack's settings (its ``aws:*`` config)."""
        return self._settings

    @property
    def profile(self) -> str | None:
        """The AWS profile in use, or None for the default credential chain."""
        return self.settings.profile

    def settings_of(self, aws_provider: object) -> AwsSettings:
        """The settings of a resource: its explicit aws Provider's (its ``aws_provider`` input), else the stack's."""
        return from_provider_input(aws_provider) if isinstance(aws_provider, Mapping) else self._settings

    @contextmanager
    def in_force(self, settings: AwsSettings) -> Iterator[AwsSettings]:
        """Make ``settings`` those of every call in this context (:data:`RESOURCE_SETTINGS`)."""
        token = RESOURCE_SETTINGS.set(None if settings is self._settings else settings)
        try:
            yield settings
        finally:
            RESOURCE_SETTINGS.reset(token)

    def default_region(self) -> str | None:
        """The stack's aws:region, else the environment's (AWS_REGION, AWS_DEFAULT_REGION, profile)."""
        if self._settings.region:
            return self._settings.region
        for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
            if os.environ.get(name):
                return os.environ[name]
        try:
            region = new_session(self.profile).get_config_variable("region")
        except BotoCoreError:
            return None
        return str(region) if region else None

    def with_recorded_config(self, err: BackupCopyError) -> BackupCopyError:
        """``err`` saying that these clients were made from the stack configuration the state recorded, as the
        engine configures the provider for ``pulumi refresh`` and ``pulumi destroy``, and how to use today's."""
        profile = self.profile
        setting = f"aws:profile '{profile}'" if profile else "no aws:profile"
        if self._settings.region:
            setting += f", aws:region '{self._settings.region}'"
        return err.with_message(
            f"{err} Note: without --run-program, `pulumi refresh` and `pulumi destroy` configure this provider "
            f"with the stack configuration recorded in the state by the last `pulumi up` ({setting}), not the "
            "configuration as it is now. If you have changed aws:profile or "
            "aws:region since, run `pulumi refresh --run-program` or `pulumi destroy --run-program` (they read the "
            "configuration as it is now), or `pulumi up` to record it first. AWS_PROFILE, AWS_REGION and the "
            "other AWS_* variables are always read from the command's environment."
        )

    def account_problem(self, settings: AwsSettings, region: str, consequence: str = "nothing is copied") -> str | None:
        """Why the account of ``settings``' credentials is not allowed (``allowedAccountIds`` /
        ``forbiddenAccountIds``), or None; asks STS (once per settings and process) only when either is set.
        ``consequence`` says what the refusal spares (a copy, a restore)."""
        if not settings.allowed_account_ids and not settings.forbidden_account_ids:
            return None
        try:
            with self.in_force(settings):
                account = self.account_id(region)
        except BackupCopyError as err:
            return f"cannot check the AWS account against {settings.source}'s allowed/forbidden account IDs: {err}"
        where = f"({settings.source})"
        if settings.allowed_account_ids and account not in settings.allowed_account_ids:
            return (
                f"the credentials in use belong to AWS account {account}, which allowedAccountIds {where} "
                f"({', '.join(settings.allowed_account_ids)}) does not include: {consequence}. Use credentials "
                "(profile, assumeRoles) of an allowed account, or add the account to allowedAccountIds."
            )
        if account in settings.forbidden_account_ids:
            return (
                f"the credentials in use belong to AWS account {account}, which forbiddenAccountIds {where} lists: "
                f"{consequence}. Use credentials (profile, assumeRoles) of another account."
            )
        return None

    def require_allowed_account(self, settings: AwsSettings, region: str) -> None:
        """Raise CredentialsError when the account is not allowed (see ``account_problem``)."""
        problem = self.account_problem(settings, region)
        if problem:
            raise CredentialsError(problem, code="AccountNotAllowed", operation="GetCallerIdentity", region=region)

    def fsx(self, region: str) -> Any:
        """The FSx client for ``region``."""
        return self._client("fsx", region)

    def kms(self, region: str) -> Any:
        """The KMS client for ``region``."""
        return self._client("kms", region)

    def account_id(self, region: str) -> str:
        """The AWS account of the credentials in force (STS GetCallerIdentity, once per settings)."""
        settings = self.settings
        account = self._accounts.get(settings.key)
        if account is None:
            sts = self._client("sts", region or settings.sts_region or "us-east-1")
            try:
                account = str(sts.get_caller_identity()["Account"])
            except (BotoCoreError, ClientError) as exc:
                context = ErrorContext(operation="GetCallerIdentity", region=region, service="sts")
                raise map_error(exc, context) from None
            self._accounts[settings.key] = account
        return account

    def _client(self, service: str, region: str) -> Any:
        settings = self.settings
        key = (settings.key, service, region)
        client = self._clients.get(key)
        if client is None:
            # Sessions are not thread-safe; clients are, once made.
            with self._lock:
                client = self._clients.get(key)
                if client is None:
                    client = self._clients[key] = self._new_client(settings, service, region)
        return client

    def _new_client(self, settings: AwsSettings, service: str, region: str) -> Any:
        if not region:
            raise RegionError(
                f"no AWS Region is set for {service.upper()}. Set `region` on the resource, or `pulumi config set "
                "aws:region REGION`, or AWS_REGION.",
                code="NoRegion",
            )
        endpoint = settings.endpoint(service)
        if endpoint is None:
            _check_endpoint_settings(service)
        try:
            session = self._sessions.get(settings.key)
            if session is None:
                session = self._sessions[settings.key] = _session(settings, region)
            return session.create_client(service, region_name=region, endpoint_url=endpoint, config=_client_config())
        except BotoCoreError as exc:
            context = ErrorContext(operation=f"making the {service.upper()} client", region=region, service=service)
            raise map_error(exc, context) from None


RESOURCE_SETTINGS: ContextVar[AwsSettings | None] = ContextVar("RESOURCE_SETTINGS", default=None)
"""The settings of the resource whose operation runs in this context (its explicit aws Provider), if any. A
thread started for the operation runs in a copy of its context (``ownership``'s lease renewal)."""


def _session(settings: AwsSettings, region: str) -> Session:
    """A botocore session with the credentials of ``settings``."""
    session = new_session(settings.profile)
    if settings.static_keys:
        session.set_credentials(*settings.static_keys)
    if not settings.assume_roles:
        return session
    from botocore.credentials import CredentialProvider, CredentialResolver, DeferredRefreshableCredentials

    base = session
    sts_region = settings.sts_region or region

    def assume_chain() -> dict[str, Any]:
        """Assume each role with the previous one's credentials (the first with the base credentials)."""
        keys: dict[str, Any] = {}
        for role in settings.assume_roles:
            sts: Any = base.create_client(
                "sts",
                region_name=sts_region,
                endpoint_url=settings.endpoint("sts"),
                config=_client_config(),
                **keys,
            )
            answer = sts.assume_role(**role.request(f"pulumi-fsx-copy-{int(time.time())}"))["Credentials"]
            keys = {
                "aws_access_key_id": answer["AccessKeyId"],
                "aws_secret_access_key": answer["SecretAccessKey"],
                "aws_session_token": answer["SessionToken"],
            }
            expiry = answer["Expiration"]
        return {
            "access_key": keys["aws_access_key_id"],
            "secret_key": keys["aws_secret_access_key"],
            "token": keys["aws_session_token"],
            "expiry_time": expiry.isoformat() if hasattr(expiry, "isoformat") else str(expiry),
        }

    credentials = DeferredRefreshableCredentials(refresh_using=assume_chain, method="assume-role")

    class _AssumedRoles(CredentialProvider):
        METHOD = "assume-role"

        def load(self) -> Any:
            return credentials

    assumed = new_session(None)
    assumed.register_component("credential_provider", CredentialResolver([_AssumedRoles()]))
    return assumed


SERVICES = ("fsx", "kms")
"""The services the provider calls (botocore's names)."""


def check_endpoint_settings() -> None:
    """Refuse an endpoint setting of any service the provider calls that is not a URL (EndpointConfigError).

    Every provider operation checks them first, so a KMS setting that would only break the KMS look-up of a
    copy's key state (which a failed look-up records as ``Unknown``) fails loudly instead.
    """
    for service in SERVICES:
        _check_endpoint_settings(service)


def _check_endpoint_settings(service: str) -> None:
    """Refuse an endpoint URL without a scheme, naming the variable (botocore says only "Invalid endpoint").

    Checks the variable botocore would use: the service's own, else the global one; none when
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true.
    """
    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return
    for name in (f"AWS_ENDPOINT_URL_{service.upper()}", "AWS_ENDPOINT_URL"):
        value = os.environ.get(name)
        if value and "://" not in value:
            raise EndpointConfigError(
                f"{name} is set to {value!r}, which has no scheme. Set it to a full URL such as "
                f"'https://{value}' (or 'http://{value}' for a local emulator), or unset it. It is read from the "
                "environment of the `pulumi` command.",
                code="InvalidEndpoint",
                operation=f"making the {service.upper()} client",
                service=service,
            )
        if value:
            return
