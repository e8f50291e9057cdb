"""A dynamic resource that does nothing: the baseline the CLI benchmark compares BackupCopy with."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, ResourceProvider


class NoopProvider(ResourceProvider):
    """Creates nothing; its ID is the resource's index."""

    def __reduce__(self) -> tuple[type[NoopProvider], tuple[()]]:
        return (NoopProvider, ())  # by reference, as BackupCopyProvider

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"noop-{props['index']}", props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = any(olds.get(k) != v for k, v in news.items() if k != "__provider")
        return DiffResult(changes=changed)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)


class Noop(Resource):
    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NoopProvider(), name, props, opts)


class WideNoop(Resource):
    """A no-op resource with BackupCopy's properties: every input, ``resource_identity`` and every output
    (None until created), and ``tags_all`` secret, so the SDK and the engine carry what they carry for a
    BackupCopy, and nothing of the provider's logic runs."""

    def __init__(
        self,
        name: str,
        props: dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
        provider: ResourceProvider | None = None,
    ) -> None:
        from pulumi_fsx_copy.resource import INPUT_ORDER, OUTPUT_NAMES

        wide = {key: props.get(key) for key in INPUT_ORDER}
        wide.update(index=props["index"], resource_identity=f"bench/stack/{name}")
        wide.update(dict.fromkeys(OUTPUT_NAMES))
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=["tags_all"]))
        super().__init__(provider or NoopProvider(), name, wide, opts)
