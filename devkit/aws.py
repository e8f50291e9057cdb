"""The fake AWS the tests and benchmarks run against: Regions, environment, boto3 clients of the emulator."""

from __future__ import annotations

import os
from typing import Any

import boto3

from pulumi_fsx_copy.testing import FAKE_AWS_ENV

__all__ = ["DR_REGION", "FAKE_AWS_ENV", "SOURCE_REGION", "fsx", "kms", "provider_env", "set_fake_aws_env"]

SOURCE_REGION = "us-east-1"
"""Where the source backups are (``fsx_source_backups`` seeds them there by default)."""
DR_REGION = "us-west-2"
"""Where the copies go (the stacks' ``aws:region``)."""


def provider_env(endpoint: str, *, time_scale: float | str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a provider process pointed at the emulator at ``endpoint``: the fake AWS
    environment, delays scaled by ``time_scale`` if given, then ``extra``."""
    env = {**FAKE_AWS_ENV, "AWS_ENDPOINT_URL": endpoint}
    if time_scale is not None:
        env["PULUMI_FSX_COPY_TIME_SCALE"] = str(time_scale)
    env.update(extra)
    return env


def set_fake_aws_env(url: str | None = None) -> None:
    """What the ``aws_test_env`` fixture does, for a process without pytest (the benchmarks): the fake AWS
    environment and Region us-east-1 in ``os.environ``, no profile, and the emulator's endpoint if given."""
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL") or name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION"):
            del os.environ[name]
    os.environ.update({**FAKE_AWS_ENV, "AWS_DEFAULT_REGION": SOURCE_REGION})
    if url:
        os.environ["AWS_ENDPOINT_URL"] = url


def fsx(region: str) -> Any:
    """An FSx client of the emulator (the ``fsx_remote`` fixture points ``AWS_ENDPOINT_URL`` at it)."""
    return boto3.client("fsx", region_name=region)


def kms(region: str) -> Any:
    """A KMS client of the emulator."""
    return boto3.client("kms", region_name=region)
