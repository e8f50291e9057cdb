"""pytest's entry point (``pytest11``) into pulumi-fsx-copy: the testing kit's fixtures, for those who installed it.

Without ``pulumi-fsx-copy[testing]`` it adds nothing to a pytest run (no fixture, no import of moto); with it, it
registers :mod:`pulumi_fsx_copy.pytest_fixtures`, whose fixtures import the emulator only when a test uses them.
"""

from __future__ import annotations

import importlib
import importlib.util

import pytest

FIXTURES_MODULE = "pulumi_fsx_copy.pytest_fixtures"


def testing_kit_installed() -> bool:
    """Whether the ``testing`` extra is installed (moto can be imported), without importing anything."""
    try:
        return importlib.util.find_spec("moto") is not None
    except (ImportError, ValueError):  # a broken or blocked moto counts as absent
        return False


@pytest.hookimpl
def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Register the fixtures when the testing kit is installed (this hook runs as the plugin is loaded)."""
    if testing_kit_installed() and not pluginmanager.has_plugin(FIXTURES_MODULE):
        pluginmanager.register(importlib.import_module(FIXTURES_MODULE), FIXTURES_MODULE)
