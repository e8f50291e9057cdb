"""A restore drill beside DR retention: the DR Region holds copies of a file system's newest backups, and once a
week (``every``) the newest copy is restored there, timed, kept for a validation window, then deleted.

Run ``pulumi up`` on a schedule (a CI cron job, daily say): a run on which no drill is due changes nothing and
calls no restore; the run after a week restores, waits until the file system is ``AVAILABLE`` and records how
long it took; a restore slower than ``maxRestoreMinutes`` (or one FSx fails) fails the run, and what it restored
is deleted all the same.

Stack config (``pulumi config set ...``):

* ``fileSystemId`` (required), ``sourceRegion`` (default: ``aws:region``), ``drRegion`` (default ``us-west-2``),
  ``keep`` (default 3): as ``examples/retention``.
* ``subnetIds``, ``securityGroupIds`` (lists, required): where in the DR Region the drill's file system goes.
* ``every`` (default ``1w``), ``keepFor`` (default ``4h``), ``maxRestoreMinutes`` (default 60), ``force``
  (optional: set a new value to drill now, e.g. ``pulumi config set force "$(date -u +%F)"``).

Outputs: ``drilled_backup_id``, ``last_drill_at``, ``last_result``, ``restore_seconds``,
``last_success_at``, ``consecutive_failures``, ``restored_file_system_id`` (during the window),
``next_drill_at``: what a dashboard or an alarm reads (e.g. alarm when ``consecutive_failures`` > 0).
"""

from __future__ import annotations

import pulumi

from pulumi_fsx_copy import RestoreDrill, RetainedBackupCopies


def main() -> None:
    """Declare the retained copies and the drill of the newest one; export the drill's record."""
    config = pulumi.Config()
    region = config.get("drRegion") or "us-west-2"
    retained = RetainedBackupCopies(
        "dr",
        file_system_id=config.require("fileSystemId"),
        source_region=config.get("sourceRegion"),
        region=region,
        keep=config.get_int("keep") or 3,
        tags={"purpose": "dr"},
    )
    drill = RestoreDrill(
        "weekly-drill",
        backup_id=retained.newest_backup_id.apply(lambda backup_id: backup_id or ""),
        region=region,
        every=config.get("every") or "1w",
        keep_for=config.get("keepFor") or "4h",
        max_restore_minutes=config.get_float("maxRestoreMinutes") or 60.0,
        force=config.get("force"),
        file_system_settings={
            "SubnetIds": config.require_object("subnetIds"),
            "SecurityGroupIds": config.require_object("securityGroupIds"),
        },
    )
    for name in ("drilled_backup_id", "last_drill_at", "last_result", "restore_seconds", "last_success_at"):
        pulumi.export(name, getattr(drill, name))
    pulumi.export("consecutive_failures", drill.consecutive_failures)
    pulumi.export("restored_file_system_id", drill.restored_id)
    pulumi.export("next_drill_at", drill.next_drill_at)


if __name__ == "__main__":
    main()
