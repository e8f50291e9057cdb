"""The provider, in-process, against the in-process emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from devkit.aws import DR_REGION, SOURCE_REGION
from devkit.inputs import inputs
from pulumi_fsx_copy import BackupCopyProvider
from pulumi_fsx_copy.testing import InProcessEmulator


@pytest.fixture
def provider(fsx_emulator: InProcessEmulator, monkeypatch: pytest.MonkeyPatch) -> BackupCopyProvider:
    """A provider configured as the engine would for a stack whose aws:region is us-west-2."""
    monkeypatch.setenv("PULUMI_FSX_COPY_TIME_SCALE", "0.02")
    fsx_emulator.configure(copy_seconds=0.3)
    provider = BackupCopyProvider()
    provider.configure(ConfigureRequest(Config({"aws:region": DR_REGION}, "project")))
    return provider


@pytest.fixture
def source_backup(fsx_emulator: InProcessEmulator) -> str:
    """An AVAILABLE backup in us-east-1 with two tags."""
    return fsx_emulator.seed_backup(SOURCE_REGION, tags={"team": "storage", "env": "prod"})


@pytest.fixture
def props(provider: BackupCopyProvider, source_backup: str) -> Callable[..., dict[str, Any]]:
    """Checked inputs for a cross-Region copy of the source backup, as the engine passes them to create."""

    def make(**overrides: Any) -> dict[str, Any]:
        news = inputs(
            source_backup,
            project="project",
            stack="stack",
            **{"__provider": None, "copy_tags": True, "tags": {"purpose": "dr"}, **overrides},
        )
        result = provider.check({}, news)
        assert result.failures == [], [(f.property, f.reason) for f in result.failures]
        return result.inputs

    return make
