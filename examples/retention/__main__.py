"""Declarative DR retention: the DR Regions always hold copies of a file system's newest backups.

Run ``pulumi up`` on a schedule (a CI cron job): each run copies the backups that became the newest since the
last one (and makes again a copy lost in a DR Region), waits until every new copy is ``AVAILABLE``, and only
then deletes, in each DR Region, the copies that have ``keep`` newer ``AVAILABLE`` copies there. Whatever happens
to the primary (backups deleted, the file system deleted: a warning), no copy leaves for want of a source.

Stack config (``pulumi config set ...``):

* ``fileSystemId`` (required): the file system whose backups are protected, e.g. ``fs-0123456789abcdef0``.
* ``sourceRegion`` (default: ``aws:region``): the Region of the file system.
* ``drRegions`` (list, default ``["us-west-2"]``): where the copies are held.
* ``keep`` (default 3): how many of the newest backups to hold copies of.
* ``kmsKeyId`` (optional): the DR key (an alias such as ``alias/dr`` names a key in each DR Region).
* ``maxAgeHours`` (optional): fail the run when the newest backup is older (backups have stopped).
* ``tags`` (object, default ``{"purpose": "dr"}``): tags on every copy.

Outputs: ``dr_copies`` (Region -> source backup ID -> copy ID), ``newest_dr_copies`` (Region -> ID of the
newest verified copy), ``newest_source_backup_id`` and ``rpo_seconds`` (the age of that copy's source at the end
of the run).
"""

from __future__ import annotations

from datetime import timedelta

import pulumi

from pulumi_fsx_copy import Destination, MultiRegionRetainedBackupCopies

DEFAULT_DR_REGIONS = ("us-west-2",)
DEFAULT_KEEP = 3
DEFAULT_TAGS = {"purpose": "dr"}


def main() -> None:
    """Declare the retained copies and export what the DR team watches."""
    config = pulumi.Config()
    max_age_hours = config.get_float("maxAgeHours")
    kms_key_id = config.get("kmsKeyId")
    dr_regions: list[str] = config.get_object("drRegions") or list(DEFAULT_DR_REGIONS)
    dr = MultiRegionRetainedBackupCopies(
        "dr",
        file_system_id=config.require("fileSystemId"),
        source_region=config.get("sourceRegion"),
        destinations={region: Destination(kms_key_id=kms_key_id) for region in dr_regions},
        keep=config.get_int("keep") or DEFAULT_KEEP,
        max_age=timedelta(hours=max_age_hours) if max_age_hours else None,
        copy_tags=True,
        tags=config.get_object("tags") or dict(DEFAULT_TAGS),
    )
    pulumi.export("dr_copies", dr.backup_ids)
    pulumi.export("newest_dr_copies", dr.newest_backup_ids)
    pulumi.export("newest_source_backup_id", dr.newest_source_backup_id)
    pulumi.export("rpo_seconds", dr.rpo_seconds)


if __name__ == "__main__":
    main()
