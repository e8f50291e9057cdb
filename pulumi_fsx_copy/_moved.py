"""The import paths of 0.1 (flat modules), kept for one release: ``pulumi_fsx_copy.copies`` is
``pulumi_fsx_copy.aws.copies`` (the same module object), with a DeprecationWarning naming the new path.

Old states are safe either way: the provider classes pickled into them kept their paths
(``pulumi_fsx_copy.provider``, ``.drill``, ``.stack_key``); anything else pickled by an old path loads here.
Remove in 0.3.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from types import ModuleType

MOVED: dict[str, str] = {
    "awsconfig": "rules",
    "clients": "aws",
    "copies": "aws",
    "diffing": "rules",
    "drill_settings": "rules",
    "facts": "rules",
    "gateway": "aws",
    "kms": "rules",
    "listings": "aws",
    "ownership": "aws",
    "progress": "engine",
    "regions": "rules",
    "schema": "rules",
    "sdk_internals": "engine",
    "serving": "engine",
    "slots": "aws",
    "tags": "rules",
    "unknowns": "rules",
    "validation": "rules",
    "waiting": "engine",
}
"""Each 0.1 module that moved -> the layer (sub-package) it lives in now."""


class _OldPaths(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``pulumi_fsx_copy.<old name>`` and hands out the module at its new path."""

    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != __package__ or name not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        name = spec.name.rpartition(".")[2]
        new = f"{__package__}.{MOVED[name]}.{name}"
        warnings.warn(f"{spec.name} moved to {new}; import it from there", DeprecationWarning, stacklevel=2)
        return importlib.import_module(new)

    def exec_module(self, module: ModuleType) -> None:
        """The module is the new path's, already executed."""


def install() -> None:
    """Serve the old paths (once per process)."""
    if not any(isinstance(finder, _OldPaths) for finder in sys.meta_path):
        sys.meta_path.append(_OldPaths())
