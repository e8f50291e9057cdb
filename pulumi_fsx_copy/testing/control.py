"""The controls tests drive the emulator with: the :class:`Emulator` protocol, in-process implementation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from .models import MODEL


class Emulator(Protocol):
    """Controls of an FSx CopyBackup emulator, in this process or behind a server."""

    def configure(
        self,
        *,
        copy_seconds: float | None = None,
        create_backup_seconds: float | None = None,
        reuse_token_after_delete: bool | None = None,
        delete_while_copying: bool | None = None,
    ) -> None:
        """Change settings; None leaves a setting as it is."""

    def fail_next(
        self,
        operation: str,
        code: str,
        *,
        count: int = 1,
        message: str | None = None,
        region: str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``operation`` (e.g. "CopyBackup"), in ``region`` or any, fail
        with error ``code`` (any FSx error shape, ThrottlingException, ...)."""

    def break_next(
        self,
        operation: str,
        kind: str,
        *,
        count: int = 1,
        seconds: float = 0.0,
        region: str | None = None,
    ) -> None:
        """Break the connection of the next ``count`` calls of ``operation``: ``drop`` (before it is
        handled), ``lose_response`` (handled, then no answer) or ``delay`` (answer held back ``seconds``;
        in-process: a read timeout).  See :data:`~.models.NETWORK_FAULT_KINDS`."""

    def fail_copy(self, backup_id: str, message: str) -> None:
        """End a copy now as FAILED with ``FailureDetails.Message`` ``message``."""

    def fail_next_copies(self, message: str, *, count: int = 1) -> None:
        """Make the next ``count`` copies end FAILED with ``message`` when their copy time is up."""

    def set_lifecycle(self, region: str, backup_id: str, lifecycle: str, account_id: str | None = None) -> None:
        """Pin a backup's ``Lifecycle`` (e.g. CREATING, later AVAILABLE)."""

    def calls(self, operation: str | None = None, region: str | None = None) -> int:
        """FSx calls that reached the emulator since the last reset (injected failures included)."""

    def reset_calls(self) -> None:
        """Zero the call counters."""

    def max_in_progress(self, region: str, account_id: str | None = None) -> int:
        """The most copies ever in progress at once into ``region`` (of the default account when None)."""

    def seed_backup(
        self,
        region: str,
        *,
        file_system_type: str = "LUSTRE",
        tags: Mapping[str, str] | None = None,
        lifecycle: str = "AVAILABLE",
        resource_type: str = "FILE_SYSTEM",
        account_id: str | None = None,
    ) -> str:
        """Make a file system (or an ONTAP/OPENZFS volume for VOLUME) and a backup of it; its ID."""

    def reset(self) -> None:
        """Settings to defaults, no faults, no counts (a server also resets all of moto)."""


class InProcessEmulator:
    """The emulator living in this process; use it inside ``moto.mock_aws()``."""

    def configure(
        self,
        *,
        copy_seconds: float | None = None,
        create_backup_seconds: float | None = None,
        reuse_token_after_delete: bool | None = None,
        delete_while_copying: bool | None = None,
    ) -> None:
        """Change settings; None leaves a setting as it is."""
        MODEL.configure(
            copy_seconds=copy_seconds,
            create_backup_seconds=create_backup_seconds,
            reuse_token_after_delete=reuse_token_after_delete,
            delete_while_copying=delete_while_copying,
        )

    def fail_next(
        self,
        operation: str,
        code: str,
        *,
        count: int = 1,
        message: str | None = None,
        region: str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``operation`` fail with ``code``."""
        MODEL.fail_next(operation, code, count=count, message=message, region=region)

    def break_next(
        self,
        operation: str,
        kind: str,
        *,
        count: int = 1,
        seconds: float = 0.0,
        region: str | None = None,
    ) -> None:
        """Break the connection of the next ``count`` calls of ``operation`` (in-process: botocore's errors)."""
        MODEL.break_next(operation, kind, count=count, seconds=seconds, region=region)

    def fail_copy(self, backup_id: str, message: str) -> None:
        """End a copy now as FAILED with ``message``."""
        MODEL.fail_copy(backup_id, message)

    def fail_next_copies(self, message: str, *, count: int = 1) -> None:
        """Make the next ``count`` copies end FAILED with ``message``."""
        MODEL.fail_next_copies(message, count=count)

    def set_lifecycle(self, region: str, backup_id: str, lifecycle: str, account_id: str | None = None) -> None:
        """Pin a backup's ``Lifecycle``."""
        MODEL.set_lifecycle(region, backup_id, lifecycle, account_id)

    def calls(self, operation: str | None = None, region: str | None = None) -> int:
        """FSx calls counted since the last reset."""
        return MODEL.calls(operation, region)

    def reset_calls(self) -> None:
        """Zero the call counters."""
        MODEL.reset_calls()

    def max_in_progress(self, region: str, account_id: str | None = None) -> int:
        """The most copies ever in progress at once into ``region``."""
        return MODEL.max_in_progress(region, account_id)

    def seed_backup(
        self,
        region: str,
        *,
        file_system_type: str = "LUSTRE",
        tags: Mapping[str, str] | None = None,
        lifecycle: str = "AVAILABLE",
        resource_type: str = "FILE_SYSTEM",
        account_id: str | None = None,
    ) -> str:
        """Make a file system (or volume) and a backup of it; its ID."""
        return MODEL.seed_backup(
            region,
            file_system_type=file_system_type,
            tags=tags,
            lifecycle=lifecycle,
            resource_type=resource_type,
            account_id=account_id,
        )

    def reset(self) -> None:
        """Settings to defaults, no faults, no counts (moto's backends are ``mock_aws``'s business)."""
        MODEL.reset()
