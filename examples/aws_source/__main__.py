"""DR for a backup the stack itself makes: an ``aws.fsx.Backup`` (pulumi-aws) copied into a DR Region.

Stack config: ``fileSystemId`` (required, an FSx file system in ``sourceRegion``), ``sourceRegion``
(default us-east-1), ``drRegion`` (default us-west-2), ``drKmsKeyId`` (optional, a key in ``drRegion``).

The backup's ID is unknown until pulumi-aws has made it, so at preview ``BackupCopy`` sees an unknown
``source_backup_id`` and shows a create; at ``up`` it waits for the backup, then copies it. Making a new
backup (e.g. replacing ``nightly``) replaces the copy.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from pulumi_fsx_copy import BackupCopy


def main() -> None:
    """Declare the backup and its DR copy; export both IDs."""
    config = pulumi.Config()
    source_region = config.get("sourceRegion") or "us-east-1"
    dr_region = config.get("drRegion") or "us-west-2"
    primary = aws.Provider("primary", region=source_region)
    backup = aws.fsx.Backup(
        "nightly",
        file_system_id=config.require("fileSystemId"),
        tags={"purpose": "dr-source"},
        opts=pulumi.ResourceOptions(provider=primary),
    )
    copy = BackupCopy(
        "nightly-dr",
        source_backup_id=backup.id,
        source_region=source_region,
        region=dr_region,
        kms_key_id=config.get("drKmsKeyId"),
        copy_tags=True,
        tags={"purpose": "dr"},
    )
    pulumi.export("source_backup_id", backup.id)
    pulumi.export("dr_backup_id", copy.backup_id)


if __name__ == "__main__":
    main()
