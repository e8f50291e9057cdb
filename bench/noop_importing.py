"""A no-op provider whose module imports ``pulumi_fsx_copy``: the provider process pays BackupCopy's import, and
runs none of its logic (the CLI benchmark's decomposition of the preview overhead)."""

from __future__ import annotations

import pulumi_fsx_copy  # noqa: F401  (the import is the point)

from .noop import NoopProvider


class ImportingNoopProvider(NoopProvider):
    def __reduce__(self) -> tuple[type[ImportingNoopProvider], tuple[()]]:
        return (ImportingNoopProvider, ())
