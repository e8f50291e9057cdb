"""A BackupCopy's pulumi-aws resource options, in the program: an explicit aws ``Provider`` and custom timeouts.

The engine would not use an aws ``Provider`` given to a dynamic resource: :func:`take_aws_provider` takes it out
of the options into the ``aws_provider`` input, with the settings :func:`record_aws_providers` recorded when the
Provider was made (a ``Provider`` outputs only some of them). A Provider made before pulumi_fsx_copy was imported
has no record: the copy is refused at preview, saying so. Static credentials are recorded as set, never their
value. :func:`timeouts_in_minutes`: ``custom_timeouts`` carried as an input (the SDK does not pass them on).
"""

from __future__ import annotations

import copy
import functools
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import sys
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

import pulumi

from .engine.sdk_internals import input_type_fields
from .errors import InvalidInputError
from .rules.awsconfig import (
    CONFIG_KEYS,
    STACK_PREFIX,
    STATIC_KEYS,
    AwsSettings,
    from_provider_input,
    from_stack_config,
    go_duration_seconds,
)

RECORD = "_pulumi_fsx_copy_aws_settings"
"""The attribute of a pulumi-aws ``Provider`` object holding the settings it was given (pulumi-aws names)."""
NOT_RECORDED = "notRecorded"
"""The setting an ``aws_provider`` input names when the Provider's settings could not be seen (see module doc)."""
_MODULE = "pulumi_aws.provider"
_NOT_SETTINGS = ("resource_name", "opts", "__props__", "__self__")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _recording(init: Any) -> Any:
    signature = inspect.signature(init)

    @functools.wraps(init)
    def record(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(self, *args, **kwargs).arguments
        except TypeError:
            bound = {}
        given = {k: v for k, v in bound.items() if k not in _NOT_SETTINGS}
        self.__dict__[RECORD] = {
            _camel(k): (True if _camel(k) in STATIC_KEYS else v) for k, v in given.items() if v is not None
        }
        return init(self, *args, **kwargs)

    record.__pulumi_fsx_copy__ = True  # type: ignore[attr-defined]
    return record


def _patch(module: ModuleType) -> None:
    provider = getattr(module, "Provider", None)
    init = getattr(provider, "_internal_init", None)
    if provider is not None and callable(init) and not getattr(init, "__pulumi_fsx_copy__", False):
        provider._internal_init = _recording(init)


class _PatchOnImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Patches ``pulumi_aws.provider`` when it is imported (once), delegating the import to the usual finders."""

    def __init__(self) -> None:
        self._finding = False
        self._loader: Any = None

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != _MODULE or self._finding:
            return None
        self._finding = True  # the usual finders find it; this one wraps its loader
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self._finding = False
        if spec is None or spec.loader is None:
            return spec
        sys.meta_path.remove(self)  # once: it returns a spec, so no finder after it is skipped
        self._loader = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self._loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        _patch(module)


def record_aws_providers() -> None:
    """Record the settings of every pulumi-aws ``Provider`` made from now on (now if pulumi-aws is imported,
    else when it is). Never imports pulumi-aws."""
    module = sys.modules.get(_MODULE)
    if module is not None:
        _patch(module)
    elif not any(isinstance(finder, _PatchOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PatchOnImport())


def take_aws_provider(
    opts: pulumi.ResourceOptions | None,
) -> tuple[pulumi.ResourceOptions | None, pulumi.Output[dict[str, Any]] | None]:
    """``opts`` without its pulumi-aws ``Provider`` (``provider=``, or ``providers["aws"]`` / in a list), and that
    Provider's settings as the ``aws_provider`` input (None without one)."""
    if opts is None:
        return opts, None
    provider = opts.provider if _is_aws_provider(opts.provider) else None
    providers: Any = opts.providers
    if isinstance(providers, Mapping):
        if provider is None and _is_aws_provider(providers.get("aws")):
            provider = providers["aws"]
        providers = {k: v for k, v in providers.items() if v is not provider}
    elif isinstance(providers, Sequence):
        provider = provider or next((p for p in providers if _is_aws_provider(p)), None)
        providers = [p for p in providers if p is not provider]
    if provider is None:
        # A parent's aws Provider (``providers={"aws": ...}`` on a component) governs its children, as it would
        # an aws resource's: the SDK keeps it as the parent's ``_providers`` (not promised; absent: none).
        inherited = getattr(opts.parent, "_providers", None) if opts.parent is not None else None
        found = inherited.get("aws") if isinstance(inherited, Mapping) else None
        return opts, _settings_input(found) if isinstance(
            found, pulumi.ProviderResource
        ) and found.package == "aws" else None
    stripped = copy.copy(opts)
    stripped.provider = None if opts.provider is provider else opts.provider
    stripped.providers = providers
    return stripped, _settings_input(provider)


def _is_aws_provider(candidate: object) -> bool:
    return isinstance(candidate, pulumi.ProviderResource) and candidate.package == "aws"


def _settings_input(provider: pulumi.ProviderResource) -> pulumi.Output[dict[str, Any]]:
    """``{"name": ..., "settings": {pulumi-aws name: value}}``: structured values as pulumi-aws sends them to its
    plugin (JSON text); secret when a setting is."""
    name = str(getattr(provider, "_name", "?"))
    recorded = provider.__dict__.get(RECORD)
    if not isinstance(recorded, dict):
        return pulumi.Output.from_input({"name": name, "settings": {NOT_RECORDED: True}})
    values = {
        key: value if key in STATIC_KEYS else pulumi.Output.from_input(value).apply(_as_sent)
        for key, value in recorded.items()
    }
    return pulumi.Output.all(**values).apply(lambda settings: {"name": name, "settings": settings})


def program_settings(component: pulumi.Resource | None = None) -> AwsSettings:
    """The pulumi-aws settings a look-up made when the program runs (``RetainedBackupCopies``) reads AWS with: the
    component's aws Provider's (``provider=`` / ``providers``, or its parent's), else the stack's ``aws:*`` config.

    A look-up cannot wait for an Output, so a Provider whose settings are not plain values, or were not recorded,
    and any setting the provider would refuse, raise one :class:`InvalidInputError` naming them."""
    providers = getattr(component, "_providers", None)
    provider = providers.get("aws") if isinstance(providers, Mapping) else None
    if not _is_aws_provider(provider):
        config = pulumi.Config("aws")
        settings = from_stack_config({STACK_PREFIX + key: config.get(key) for key in CONFIG_KEYS})
    else:
        name = str(getattr(provider, "_name", "?"))
        recorded = provider.__dict__.get(RECORD)
        if not isinstance(recorded, dict):
            raise InvalidInputError(
                f"the aws Provider '{name}' was made before pulumi_fsx_copy was imported, so its settings cannot be "
                "seen: import pulumi_fsx_copy before making the Provider."
            )
        try:
            plain = {k: v if k in STATIC_KEYS else _as_sent(_plain(v, k)) for k, v in recorded.items()}
        except _NotPlain as err:
            raise InvalidInputError(
                f"the aws Provider '{name}' setting {err} is not a plain value (an Output, known only later), and the "
                "look-ups of the backups run when the program runs: give it as a plain value."
            ) from None
        settings = from_provider_input({"name": name, "settings": plain})
    if settings.refused:
        raise InvalidInputError(" ".join(settings.refused))
    return settings


class _NotPlain(Exception):
    """A setting holds something other than plain data, e.g. an Output (its name is the message)."""


def _plain(value: Any, name: str = "") -> Any:
    """``value`` as plain data (pulumi-aws's input types as the dicts they send), or raise :class:`_NotPlain`."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v, name) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, name) for v in value]
    if input_type_fields(value) is not None:
        return _plain(input_type_fields(value), name)
    raise _NotPlain(name)


def _as_sent(value: Any) -> Any:
    return value if isinstance(value, str) else pulumi.runtime.to_json(value)


def timeouts_in_minutes(
    resource_name: str,
    opts: pulumi.ResourceOptions | None,
    operations: tuple[str, ...] = ("create", "delete"),
    kind: str = "BackupCopy",
) -> dict[str, float] | None:
    """``opts.custom_timeouts``' ``operations`` in minutes (the engine sends them in its Create, Update and Delete
    requests, but the Python dynamic provider SDK does not pass them on); a BackupCopy's update and read bound no
    wait. ``kind`` names the resource in the error."""
    timeouts = opts.custom_timeouts if opts is not None else None
    if timeouts is None:
        return None
    minutes: dict[str, float] = {}
    for operation in operations:
        text = getattr(timeouts, operation, None)
        if not text:
            continue
        seconds = go_duration_seconds(str(text))
        if seconds is None or seconds <= 0:
            raise InvalidInputError(
                f"{kind} {resource_name!r}: custom_timeouts {operation}={text!r} is not a positive duration; "
                "write it as Pulumi does, e.g. '30m', '2h' or '90s'."
            )
        minutes[operation] = seconds / 60
    return minutes or None
