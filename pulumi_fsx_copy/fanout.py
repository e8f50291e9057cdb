"""MultiRegionBackupCopy: one source backup copied into a set of Regions, one BackupCopy child per Region."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from .resource import BackupCopy


@dataclass(frozen=True)
class Destination:
    """Per-Region settings of a :class:`MultiRegionBackupCopy`."""

    kms_key_id: pulumi.Input[str] | None = None
    """KMS key in that Region (default: the FSx-managed key)."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] = field(default_factory=dict)
    """Tags for that Region's copy, on top of the component's ``tags`` (these win on a clash); may be one
    Output, such as a secret map."""


class MultiRegionBackupCopy(pulumi.ComponentResource):
    """Copies one FSx backup into several Regions. Each Region's copy is its own :class:`BackupCopy`
    (named ``<name>-<region>``), so adding or changing a Region diffs and replaces that copy alone.
    """

    backup_ids: pulumi.Output[dict[str, str]]
    """Region -> ID of the copy in that Region."""
    copies: dict[str, BackupCopy]
    """Region -> the BackupCopy child."""

    def __init__(
        self,
        resource_name: str,
        *,
        source_backup_id: pulumi.Input[str],
        source_region: pulumi.Input[str],
        destinations: Mapping[str, Destination | None] | Iterable[str],
        copy_tags: pulumi.Input[bool] | None = None,
        tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        wait_for_available: pulumi.Input[bool] | None = None,
        wait_timeout_minutes: pulumi.Input[float] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """:param destinations: the Regions to copy into (known when the program runs), each optionally with
        its own :class:`Destination` settings.
        :param tags: tags for every copy; a map, or one Output of a map (such as a secret), as for BackupCopy.
        """
        regions = _destinations(resource_name, destinations)
        super().__init__("pulumi-fsx-copy:index:MultiRegionBackupCopy", resource_name, None, opts)
        self.copies = {}
        for region, destination in regions.items():
            self.copies[region] = BackupCopy(
                f"{resource_name}-{region}",
                source_backup_id=source_backup_id,
                source_region=source_region,
                region=region,
                kms_key_id=destination.kms_key_id,
                copy_tags=copy_tags,
                tags=_merged_tags(tags, destination.tags),
                wait_for_available=wait_for_available,
                wait_timeout_minutes=wait_timeout_minutes,
                opts=pulumi.ResourceOptions(parent=self),
            )
        ids: dict[str, Any] = {region: copy.backup_id for region, copy in self.copies.items()}
        self.backup_ids = pulumi.Output.all(**ids).apply(dict)
        self.register_outputs({"backup_ids": self.backup_ids})


def _merged_tags(
    common: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None,
    own: pulumi.Input[Mapping[str, pulumi.Input[str]]],
) -> pulumi.Input[Mapping[str, pulumi.Input[str]]] | None:
    """The component's tags under one Region's own (these win); an Output (secret kept) when either is one."""
    if (common is None or isinstance(common, Mapping)) and isinstance(own, Mapping):
        return {**(common or {}), **own} or None

    def merge(both: list[Any]) -> Mapping[str, pulumi.Input[str]]:
        return {**(both[0] or {}), **(both[1] or {})}

    return pulumi.Output.all(common or {}, own).apply(merge)


def _destinations(
    resource_name: str, destinations: Mapping[str, Destination | None] | Iterable[str]
) -> dict[str, Destination]:
    if isinstance(destinations, str):
        raise TypeError(
            f"MultiRegionBackupCopy {resource_name!r}: destinations {destinations!r} is one string; "
            f"give a list of Regions, e.g. [{destinations!r}]"
        )
    if isinstance(destinations, Mapping):
        chosen = {str(region): settings or Destination() for region, settings in destinations.items()}
    else:
        listed = [str(region) for region in destinations]
        repeated = sorted({region for region in listed if listed.count(region) > 1})
        if repeated:
            raise ValueError(f"MultiRegionBackupCopy {resource_name!r}: destinations name {repeated} more than once")
        chosen = {region: Destination() for region in listed}
    if not chosen:
        raise ValueError(f"MultiRegionBackupCopy {resource_name!r}: destinations is empty; name at least one Region")
    return chosen
