"""Figure 5: the size of the serialized provider (``__provider``) every resource carries in its state."""

from __future__ import annotations

from .common import Result


def run(results: list[Result], *, quick: bool) -> None:
    from devkit.driver import Secret, provider_input
    from pulumi_fsx_copy import BackupCopyProvider

    serialized = provider_input(BackupCopyProvider())
    text = serialized.value if isinstance(serialized, Secret) else serialized
    results.append(
        Result(
            "5 state",
            "__provider per resource",
            len(text),
            "bytes",
            "< 200",
            len(text) < 200,
            note="pickled by reference (base64); " + ("secret" if isinstance(serialized, Secret) else "plain"),
        )
    )
