"""Cross-Region disaster recovery for an Amazon FSx backup: one copy per DR Region, plus a clone.

Stack config (``pulumi config set ...``; the project is ``pulumi-fsx-copy-example``):

* ``sourceBackupId`` (required): the backup to protect, e.g. ``backup-0123456789abcdef0``.
* ``sourceRegion`` (default ``us-east-1``): the Region of that backup.
* ``drRegions`` (list, default ``["us-west-2"]``): one copy is made in each
  (``pulumi config set --path 'drRegions[0]' us-west-2``).
* ``tags`` (object, default ``{"purpose": "dr"}``): tags managed on every copy, on top of the
  source backup's own tags (copied too); changing them updates the copies in place.
* ``kmsKeyId`` (optional): the key for the DR copies; an alias name such as ``alias/dr-backups`` names
  a key in each DR Region.  Changing it replaces the DR copies.

Outputs: ``dr_backup_ids`` (Region -> ID of the copy there) and ``clone_backup_id`` (a same-Region copy
in ``sourceRegion``, e.g. to restore from without touching the original).

Run with the Pulumi CLI from the repository root (``Pulumi.yaml`` has ``main: examples/dr``), or offline
with :class:`pulumi_fsx_copy.testing.stack.LocalStack` (see ``examples/demo.py``).
"""

from __future__ import annotations

import pulumi

from pulumi_fsx_copy import BackupCopy

DEFAULT_SOURCE_REGION = "us-east-1"
DEFAULT_DR_REGIONS = ("us-west-2",)
DEFAULT_TAGS = {"purpose": "dr"}


def main() -> None:
    """Declare the copies and export their IDs."""
    config = pulumi.Config()
    source_backup_id = config.require("sourceBackupId")
    source_region = config.get("sourceRegion") or DEFAULT_SOURCE_REGION
    dr_regions: list[str] = config.get_object("drRegions") or list(DEFAULT_DR_REGIONS)
    tags: dict[str, str] = config.get_object("tags") or dict(DEFAULT_TAGS)
    kms_key_id = config.get("kmsKeyId")

    dr_backup_ids: dict[str, pulumi.Output[str]] = {}
    for region in dr_regions:
        copy = BackupCopy(
            f"dr-{region}",
            source_backup_id=source_backup_id,
            source_region=source_region,
            region=region,
            kms_key_id=kms_key_id,
            copy_tags=True,
            tags=tags,
        )
        dr_backup_ids[region] = copy.id

    clone = BackupCopy(
        "clone",
        source_backup_id=source_backup_id,
        source_region=source_region,
        region=source_region,
        copy_tags=True,
        tags={**tags, "role": "clone"},
    )

    pulumi.export("dr_backup_ids", dr_backup_ids)
    pulumi.export("clone_backup_id", clone.id)


if __name__ == "__main__":
    main()
