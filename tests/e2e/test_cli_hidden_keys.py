"""Issue 26: hidden inputs and outputs travel and are kept under ``__`` keys, which the engine leaves out of every
diff it shows; a state written with their plain names (before) still previews, refreshes, updates and destroys as
it did. Through the real CLI against the emulator server, pulumi-aws's Provider registered by its stand-in."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pulumi
from pulumi import automation as auto

from devkit.cli import REGION, SOURCE_REGION, MakeStack, live_copies, with_aws_plugin
from pulumi_fsx_copy import BackupCopy
from pulumi_fsx_copy.rules.schema import HIDDEN_INPUTS, HIDDEN_KEYS, HIDDEN_OUTPUTS
from pulumi_fsx_copy.testing import RemoteEmulator
from pulumi_fsx_copy.testing.automation import EventLog

HIDDEN = (*HIDDEN_INPUTS, *HIDDEN_OUTPUTS)


def dr_program(source: str, *, tags: dict[str, str], default_tags: dict[str, str]) -> Callable[[], None]:
    """A BackupCopy ``dr`` with an explicit aws Provider (with default tags) and custom timeouts: every hidden input
    set."""

    def program() -> None:
        import pulumi_aws as aws

        provider = aws.Provider("west", region=REGION, default_tags=aws.ProviderDefaultTagsArgs(tags=default_tags))
        timeouts = pulumi.CustomTimeouts(create="30m", delete="20m")
        copy = BackupCopy(
            "dr",
            source_backup_id=source,
            source_region=SOURCE_REGION,
            tags=tags,
            opts=pulumi.ResourceOptions(provider=provider, custom_timeouts=timeouts),
        )
        pulumi.export("id", copy.id)

    return program


def hidden_keys_shown(output: str) -> list[str]:
    """The hidden inputs and outputs a CLI diff shows as properties (``name: value``, plain or ``__``-prefixed)."""
    return [name for name in HIDDEN if re.search(rf"\b(__)?{name}\s*:", output)]


def copy_record(deployment: dict[str, Any]) -> dict[str, Any]:
    """The BackupCopy ``dr`` in an exported deployment."""
    found: dict[str, Any] = next(r for r in deployment["resources"] if r["urn"].endswith("BackupCopy::dr"))
    return found


def with_plain_names(deployment: dict[str, Any]) -> dict[str, Any]:
    """``deployment`` as a version before this one wrote it: the hidden keys under their plain names."""
    legacy = json.loads(json.dumps(deployment))
    record = copy_record(legacy)
    for bag in ("inputs", "outputs"):
        record[bag] = {
            next((name for name, key in HIDDEN_KEYS.items() if key == k), k): v for k, v in record[bag].items()
        }
    return legacy


def test_diff_output_shows_no_hidden_key(fsx_stack: MakeStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(
        dr_program(source, tags={"purpose": "dr"}, default_tags={"cost-center": "dr-42"}), env=with_aws_plugin()
    )

    previewed = stack.preview(diff=True).stdout
    made = stack.up(diff=True).stdout

    record = copy_record(stack.export_stack().deployment)
    held = {HIDDEN_KEYS[name] for name in HIDDEN if name != "kms_key_id_requested"}  # None: no kms_key_id given
    assert held <= record["inputs"].keys() | record["outputs"].keys()
    assert not set(HIDDEN) & (record["inputs"].keys() | record["outputs"].keys())
    for output in (previewed, made):
        assert "source_backup_id" in output  # the diff is shown...
        assert hidden_keys_shown(output) == []  # ...without a hidden key

    # An update (declared and default tags changed: __default_tags among the changes) shows none either.
    stack = fsx_stack(
        dr_program(source, tags={"purpose": "dr-2"}, default_tags={"cost-center": "dr-43"}), env=with_aws_plugin()
    )
    log = EventLog()
    updated = stack.up(diff=True, on_event=log.record).stdout
    assert log.ops() == {"dr": ["update"]}
    assert '"dr-2"' in updated and hidden_keys_shown(updated) == []


def test_a_state_with_the_plain_names_previews_no_change_refreshes_and_destroys(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(
        dr_program(source, tags={"purpose": "dr"}, default_tags={"cost-center": "dr-42"}), env=with_aws_plugin()
    )
    copy = stack.up().outputs["id"].value
    current = stack.export_stack()
    claim = copy_record(current.deployment)["outputs"]["__claim"]
    legacy = auto.Deployment(version=current.version, deployment=with_plain_names(current.deployment))
    stack.import_stack(legacy)
    imported = copy_record(stack.export_stack().deployment)
    assert imported["outputs"]["claim"] == claim and "__claim" not in imported["outputs"]
    assert "resource_identity" in imported["inputs"] and "__resource_identity" not in imported["inputs"]

    log = EventLog()
    preview = stack.preview(diff=True, on_event=log.record)
    assert log.ops() == {} and set(preview.change_summary) == {"same"}
    assert hidden_keys_shown(preview.stdout) == []

    stack.refresh()
    refreshed = copy_record(stack.export_stack().deployment)
    assert refreshed["outputs"]["__claim"] == claim and "claim" not in refreshed["outputs"]
    assert [c["BackupId"] for c in live_copies(REGION)] == [copy]

    # From the state as the earlier version left it again: `up` changes nothing, `destroy` deletes the copy.
    stack.import_stack(legacy)
    log = EventLog()
    stack.up(on_event=log.record)
    assert log.ops() == {}
    kept = copy_record(stack.export_stack().deployment)  # a same step: the inputs checked now, the outputs kept
    assert "__resource_identity" in kept["inputs"] and kept["outputs"]["claim"] == claim
    fsx_remote.reset_calls()
    stack.destroy()
    assert live_copies(REGION) == [] and fsx_remote.calls("DeleteBackup") == 1
