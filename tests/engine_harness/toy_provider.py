"""A tiny dynamic provider for testing the engine harness; pickled by reference as ``toy_provider``."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

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
from pulumi.output import Unknown

PROVIDER_KEY = "__provider"


class ToyError(Exception):
    """Raised on request so tests can see how the engine reports provider exceptions."""


def _unknown_keys(props: dict[str, Any]) -> list[str]:
    return sorted(k for k, v in props.items() if isinstance(v, Unknown))


def _plain(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


class ToyProvider(ResourceProvider):
    """Echoes its inputs and obeys a few control properties (``fail``, ``sleep``, ``gone``, ...)."""

    def __init__(self) -> None:
        super().__init__()
        self.region: str | None = None
        self.token: str | None = None

    def configure(self, req: ConfigureRequest) -> None:
        self.region = req.config.get("aws:region")
        self.token = req.config.get("token")  # no namespace: the project's (PULUMI_PROJECT)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        size = news.get("size", 1)
        bad = isinstance(size, (int, float)) and size <= 0
        failures = [CheckFailure("size", "size must be positive")] if bad else []
        return CheckResult({**news, "seen_unknowns": _unknown_keys(news)}, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        unknown = _unknown_keys(news)
        if unknown:
            return DiffResult(changes=None, replaces=unknown)
        replaces = ["name"] if olds.get("name") != news.get("name") else []
        changed = _plain(olds) != _plain(news)
        return DiffResult(changes=changed, replaces=replaces, delete_before_replace=bool(replaces))

    def create(self, props: dict[str, Any]) -> CreateResult:
        print(f"create started {props['name']}", file=sys.stderr, flush=True)
        if "started_file" in props:
            Path(props["started_file"]).write_text("started")
        if props.get("sleep"):
            time.sleep(props["sleep"])
        if props.get("fail"):
            raise ToyError(f"cannot create {props['name']}")
        print(f"creating {props['name']}", flush=True)
        resource_id = "" if props.get("empty_id") else f"id-{props['name']}"
        outs = {**_plain(props), "region": self.region, "token": self.token, "pid": os.getpid()}
        return CreateResult(resource_id, outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if props.get("gone"):
            return ReadResult("", {})
        return ReadResult(id_, {**_plain(props), "refreshed": True}, {"name": props["name"]})

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({**_plain(news), "previous_size": olds.get("size")})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        Path(props["deleted_file"]).write_text(_id)
