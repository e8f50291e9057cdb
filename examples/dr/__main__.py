"""Cross-Region disaster recovery for an Amazon FSx backup: one copy per DR Region, plus a clone.

Stack config (``pulumi config set ...``; the project is ``pulumi-fsx-copy-example``):

* ``sourceBackupId`` (required): the backup to protect, e.g. ``backup-0123456789abcdef0``.
* ``sourceRegion`` (default ``us-east-1``): the Region of that backup.
* ``drRegions`` (list, default ``["us-west-2"]``): one copy is made in each
  (``pulumi config set --path 'drRegions[0]' us-west-2``).
* ``tags`` (object, default ``{"purpose": "dr"}``): tags managed on every copy, on top of the
  source backup's own tags (copied too); changing them updates the copies in place.
* ``kmsKeyId`` (optional): the key for the DR copies; an alias name such as ``alias/dr-backups`` names
  a key in each DR Region.  Changing it to another key replaces the DR copies; another name of the same
  key changes nothing.
* ``vaultRegion`` (optional): a further copy, made from the first DR Region's copy into this Region
  (a copy of a copy: its source is only known once the first copy exists).

Outputs: ``dr_backup_ids`` (Region -> ID of the copy there), ``clone_backup_id`` (a same-Region copy
in ``sourceRegion``, e.g. to restore from without touching the original) and, with ``vaultRegion``,
``vault_backup_id``.

Run with the Pulumi CLI from the repository root (``Pulumi.yaml`` has ``main: examples/dr``), or as an
Automation API inline program (``examples/demo.py`` runs it against the FSx emulator).
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
    vault_region = config.get("vaultRegion")

    dr_copies: dict[str, BackupCopy] = {}
    for region in dr_regions:
        dr_copies[region] = BackupCopy(
            f"dr-{region}",
            source_backup_id=source_backup_id,
            source_region=source_region,
            region=region,
            kms_key_id=kms_key_id,
            copy_tags=True,
            tags=tags,
        )

    clone = BackupCopy(
        "clone",
        source_backup_id=source_backup_id,
        source_region=source_region,
        region=source_region,
        copy_tags=True,
        tags={**tags, "role": "clone"},
    )

    if vault_region:
        first_region = dr_regions[0]
        vault = BackupCopy(
            "vault",
            source_backup_id=dr_copies[first_region].id,
            source_region=first_region,
            region=vault_region,
            copy_tags=True,
            tags={**tags, "role": "vault"},
        )
        pulumi.export("vault_backup_id", vault.id)

    pulumi.export("dr_backup_ids", {region: copy.id for region, copy in dr_copies.items()})
    pulumi.export("clone_backup_id", clone.id)


if __name__ == "__main__":
    main()
