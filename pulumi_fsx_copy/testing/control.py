"""The controls tests drive the emulator with, declared once: :class:`Emulator`.

Each control forwards its keyword arguments to the method of the same name of
:data:`~.models.MODEL` through :meth:`Emulator._invoke`: :class:`InProcessEmulator` calls it in this
process, :class:`~.remote.RemoteEmulator` posts it to a server, whose table of controls is
:data:`CONTROLS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, Final

from .models import MODEL
from .patch import install


class Emulator:
    """Controls of an FSx backup emulator, in this process or behind a server."""

    def _invoke(self, control: str, **arguments: Any) -> Any:
        raise NotImplementedError

    def configure(self, **settings: Any) -> None:
        """Change :class:`~.models.Settings` by name (e.g. ``copy_seconds=0.5``); None leaves one as it is."""
        self._invoke("configure", **settings)

    def current_settings(self) -> dict[str, Any]:
        """The :class:`~.models.Settings` in force, by name."""
        result: dict[str, Any] = self._invoke("current_settings")
        return result

    def fail_next(
        self, operation: str, code: str, *, count: int = 1, message: str | None = None, region: str | None = None
    ) -> None:
        """Make the next ``count`` calls of ``operation`` (e.g. "CopyBackup"), in ``region`` or any, fail
        with error ``code`` (any FSx error shape, ThrottlingException, ...)."""
        self._invoke("fail_next", operation=operation, code=code, count=count, message=message, region=region)

    def crash_next(self, operation: str, *, count: int = 1, region: str | None = None) -> None:
        """Make the next ``count`` calls of ``operation`` raise an unexpected exception inside the emulator
        (as a bug would); the client gets AWS's answer to its own failures, ``InternalServerError`` (500)."""
        self._invoke("crash_next", operation=operation, count=count, region=region)

    def break_next(
        self, operation: str, kind: str, *, count: int = 1, seconds: float = 0.0, region: str | None = None
    ) -> None:
        """Break the connection of the next ``count`` calls of ``operation``: ``drop`` (before it is
        handled), ``lose_response`` (handled, then no answer) or ``delay`` (answer held back ``seconds``;
        in-process: a read timeout).  See :data:`~.models.NETWORK_FAULT_KINDS`."""
        self._invoke("break_next", operation=operation, kind=kind, count=count, seconds=seconds, region=region)

    def skew_clock(self, ahead_seconds: float) -> None:
        """Set AWS's clock (the ``Date`` header of every FSx answer) ``ahead_seconds`` ahead of this machine's
        (negative: behind), as a machine whose own clock is wrong sees it; :meth:`reset` sets it right."""
        self._invoke("skew_clock", ahead_seconds=ahead_seconds)

    def fail_copy(self, backup_id: str, message: str) -> None:
        """End a copy now as FAILED with ``FailureDetails.Message`` ``message``."""
        self._invoke("fail_copy", backup_id=backup_id, message=message)

    def fail_next_copies(self, message: str, *, count: int = 1) -> None:
        """Make the next ``count`` copies end FAILED with ``message`` when their copy time is up."""
        self._invoke("fail_next_copies", message=message, count=count)

    def fail_next_restores(self, message: str, *, count: int = 1) -> None:
        """Make the next ``count`` restores (CreateFileSystemFromBackup, CreateVolumeFromBackup) end FAILED
        with ``message`` when their restore time (setting ``restore_seconds``) is up."""
        self._invoke("fail_next_restores", message=message, count=count)

    def fail_restore(self, region: str, resource_id: str, message: str, account_id: str | None = None) -> None:
        """End the restore of file system or volume ``resource_id`` now as FAILED with ``message``."""
        self._invoke("fail_restore", region=region, resource_id=resource_id, message=message, account_id=account_id)

    def finish_restore(self, region: str, resource_id: str, account_id: str | None = None) -> None:
        """End the restore of file system or volume ``resource_id`` now: AVAILABLE (a volume: CREATED), or
        FAILED if :meth:`fail_next_restores` made it fail (a slow restore's end, whenever a test says)."""
        self._invoke("finish_restore", region=region, resource_id=resource_id, account_id=account_id)

    def seed_network(self, region: str, account_id: str | None = None) -> dict[str, str]:
        """A VPC with a subnet and a security group in moto's EC2, for a restore's ``SubnetIds`` and
        ``SecurityGroupIds``; their IDs as ``VpcId``, ``SubnetId``, ``SecurityGroupId``."""
        result: dict[str, str] = self._invoke("seed_network", region=region, account_id=account_id)
        return dict(result)

    def set_lifecycle(self, region: str, backup_id: str, lifecycle: str, account_id: str | None = None) -> None:
        """Pin a backup's ``Lifecycle`` (e.g. CREATING, later AVAILABLE)."""
        self._invoke("set_lifecycle", region=region, backup_id=backup_id, lifecycle=lifecycle, account_id=account_id)

    def set_restoring(
        self,
        region: str,
        backup_id: str,
        restoring: bool = True,
        account_id: str | None = None,
        file_system_id: str | None = None,
    ) -> str | None:
        """Mark a backup as being restored from, or not: DeleteBackup answers ``BackupRestoring`` with the
        ``FileSystemId`` being restored (``file_system_id``, or a new ID); returns that ID when restoring."""
        result = self._invoke(
            "set_restoring",
            region=region,
            backup_id=backup_id,
            restoring=restoring,
            account_id=account_id,
            file_system_id=file_system_id,
        )
        return None if result is None else str(result)

    def calls(self, operation: str | None = None, region: str | None = None) -> int:
        """FSx calls that reached the emulator since the last reset (injected failures included)."""
        return int(self._invoke("calls", operation=operation, region=region))

    def reset_calls(self) -> None:
        """Zero the call counters."""
        self._invoke("reset_calls")

    def callers(self, operation: str | None = None, region: str | None = None) -> dict[str, int]:
        """Who made the FSx calls since the last reset: caller ARN (an assumed role's session ARN, as STS
        GetCallerIdentity says) -> number of calls (of ``operation`` in ``region``; None: all)."""
        result: dict[str, int] = self._invoke("callers", operation=operation, region=region)
        return dict(result)

    def max_in_progress(self, region: str, account_id: str | None = None) -> int:
        """The most copies ever in progress at once into ``region`` (of the default account when None)."""
        return int(self._invoke("max_in_progress", region=region, account_id=account_id))

    def seed_backup(
        self,
        region: str,
        *,
        file_system_type: str = "LUSTRE",
        tags: Mapping[str, str] | None = None,
        lifecycle: str = "AVAILABLE",
        resource_type: str | None = None,
        account_id: str | None = None,
        backup_type: str = "USER_INITIATED",
        storage_type: str = "SSD",
        deployment_type: str | None = None,
        aws_tags: Mapping[str, str] | None = None,
        kms_key_id: str | None = None,
    ) -> str:
        """Make a file system (or, for VOLUME, an ONTAP one's default, an ONTAP volume) and a backup of it,
        ``lifecycle`` from the start (AVAILABLE: ready to copy); its ID.  See
        :meth:`~.models.FsxCopyModel.seed_backup`."""
        return str(
            self._invoke(
                "seed_backup",
                region=region,
                file_system_type=file_system_type,
                tags=dict(tags) if tags is not None else None,
                lifecycle=lifecycle,
                resource_type=resource_type,
                account_id=account_id,
                backup_type=backup_type,
                storage_type=storage_type,
                deployment_type=deployment_type,
                aws_tags=dict(aws_tags) if aws_tags is not None else None,
                kms_key_id=kms_key_id,
            )
        )

    def seed_volume(self, region: str, *, file_system_type: str = "ONTAP", account_id: str | None = None) -> str:
        """Make an ONTAP or OPENZFS file system with a volume on it; the volume's ID."""
        return str(self._invoke("seed_volume", region=region, file_system_type=file_system_type, account_id=account_id))

    def reset(self) -> None:
        """Settings to defaults, no faults, no counts (a server also resets all of moto)."""
        self._invoke("reset")


CONTROLS: Final = frozenset(name for name in vars(Emulator) if not name.startswith("_"))
"""The controls of :class:`Emulator`, each the name of the :data:`~.models.MODEL` method it calls."""


class InProcessEmulator(Emulator):
    """The emulator living in this process: installed into moto on construction, taken out again by
    :meth:`close` (or at the end of its ``with`` block), which leaves moto exactly as it found it.

    Use it inside ``moto.mock_aws()``, which owns moto's backends: :meth:`reset` leaves them to it.
    """

    def __init__(self) -> None:
        self._installation = install()

    def _invoke(self, control: str, **arguments: Any) -> Any:
        return getattr(MODEL, control)(**arguments)

    def close(self) -> None:
        """Undo this emulator's install (moto is restored once no other install is in force)."""
        self._installation.uninstall()

    def __enter__(self) -> InProcessEmulator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
