"""Issue 20: each README promise a new user would try, through the real CLI against the emulator server.

1. the key state of every copy is known or loudly unknown (a KMS endpoint that is not a URL, or down);
2. a fixed ``aws:profile`` reaches ``refresh`` and ``destroy``, or the error says which command makes it;
3. a tag value that fails validation is never printed (not even by the engine's own wrapper);
4. more tags than FSx allows at create (copied + declared + ownership) is a ``TaggingError`` naming the fix;
5. a KMS failure names the KMS endpoint, not the FSx one;
6. ``destroy`` of a copy being restored waits ``wait_timeout_minutes`` and says so.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from devkit.cli import REGION, SOURCE_REGION, MakeStack, kms, lifecycle, live_copies, one_copy
from pulumi_fsx_copy import BackupCopy
from pulumi_fsx_copy.testing import RemoteEmulator
from pulumi_fsx_copy.testing.automation import EventLog

DOWN = "http://127.0.0.1:9"
"""An endpoint URL nothing listens on: connections are refused at once."""


def keyed_copy(source: str, key: str | None, **inputs: Any) -> Callable[[], None]:
    """One BackupCopy ``dr`` encrypted with ``key``; exports ``id``, ``kms_key_state`` and ``kms_key_id``."""

    def program() -> None:
        copy = BackupCopy(
            "dr", source_backup_id=source, source_region=SOURCE_REGION, region=REGION, kms_key_id=key, **inputs
        )
        pulumi.export("id", copy.id)
        pulumi.export("kms_key_state", copy.kms_key_state)
        pulumi.export("kms_key_id", copy.kms_key_id)

    return program


def warnings(log: EventLog) -> list[str]:
    """The warnings shown: the engine's, and the provider's ``pulumi.log.warn`` (its stderr, ``warning: ...``)."""
    diagnostics = [e.diagnostic_event for e in log.events if e.diagnostic_event is not None]
    return [d.message for d in diagnostics if d.severity == "warning" or d.message.startswith("warning: ")]


def outputs_of(stack: auto.Stack, name: str = "dr") -> dict[str, Any]:
    resources = stack.export_stack().deployment["resources"]
    found: dict[str, Any] = next(r for r in resources if r["urn"].endswith(f"::{name}"))["outputs"]
    return found


# -- 1. the key state is known or loudly unknown ---------------------------------------------------------


def test_a_kms_endpoint_that_is_not_a_url_fails_every_operation_naming_the_variable(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    key = kms(REGION).create_key()["KeyMetadata"]["Arn"]
    program = keyed_copy(source, key)
    bad = {"AWS_ENDPOINT_URL_KMS": "localhost:4566"}

    with pytest.raises(auto.CommandError) as created:
        fsx_stack(program, env=bad).up()
    assert "EndpointConfigError" in str(created.value) and "AWS_ENDPOINT_URL_KMS" in str(created.value)
    assert live_copies(REGION) == []

    copy = fsx_stack(program).up().outputs["id"].value
    for operation in ("refresh", "up", "destroy"):
        with pytest.raises(auto.CommandError) as failed:
            getattr(fsx_stack(program, env=bad), operation)()
        assert "EndpointConfigError" in str(failed.value), operation
        assert "AWS_ENDPOINT_URL_KMS" in str(failed.value), operation
    assert lifecycle(REGION, copy) == "AVAILABLE"
    fsx_stack(program)  # the stack is destroyed after the test with the setting unset


def test_a_kms_that_cannot_be_asked_is_recorded_unknown_with_a_warning_and_refresh_asks_again(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    metadata = kms(REGION).create_key()["KeyMetadata"]
    key = metadata["Arn"]
    program = keyed_copy(source, key)
    log = EventLog()

    up = fsx_stack(program, env={"AWS_ENDPOINT_URL_KMS": DOWN}).up(on_event=log.record)

    copy = up.outputs["id"].value
    assert up.outputs["kms_key_state"].value == "Unknown"
    assert any(copy in w and "KMS" in w and DOWN in w for w in warnings(log)), warnings(log)
    assert lifecycle(REGION, copy) == "AVAILABLE"

    stack = fsx_stack(program)
    stack.refresh()
    assert outputs_of(stack)["kms_key_state"] == "Enabled"

    kms(REGION).disable_key(KeyId=metadata["KeyId"])
    log = EventLog()
    fsx_stack(program, env={"AWS_ENDPOINT_URL_KMS": DOWN}).refresh(on_event=log.record)
    assert any(copy in w and "KMS" in w for w in warnings(log)), warnings(log)
    stack = fsx_stack(program)
    stack.refresh()
    assert outputs_of(stack)["kms_key_state"] == "Disabled"
    with pytest.raises(auto.CommandError) as failed:
        stack.up()
    assert "KmsKeyError" in str(failed.value) and copy in str(failed.value)

    kms(REGION).enable_key(KeyId=metadata["KeyId"])
    stack.refresh()
    assert stack.up().outputs["kms_key_state"].value == "Enabled"


def test_a_disabled_key_found_by_a_refresh_is_kept_when_kms_is_down_at_the_next_one(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    metadata = kms(REGION).create_key()["KeyMetadata"]
    key = metadata["Arn"]
    program = keyed_copy(source, key)
    stack = fsx_stack(program)
    stack.up()
    kms(REGION).disable_key(KeyId=metadata["KeyId"])
    stack.refresh()

    fsx_stack(program, env={"AWS_ENDPOINT_URL_KMS": DOWN}).refresh()

    stack = fsx_stack(program)
    assert outputs_of(stack)["kms_key_state"] == "Disabled"
    with pytest.raises(auto.CommandError, match="KmsKeyError"):
        stack.up()


# -- 2. credentials settings reach refresh and destroy -------------------------------------------------------


def test_a_fixed_profile_reaches_refresh_and_destroy_or_the_error_names_the_command(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator, tmp_path: Path
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    credentials = tmp_path / "credentials"
    credentials.write_text("[dr]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    env = {"AWS_SHARED_CREDENTIALS_FILE": str(credentials)}
    stack = fsx_stack(one_copy(source), env=env)
    copy = stack.up().outputs["id"].value

    stack = fsx_stack(one_copy(source, tags={"tier": "gold"}), env=env, config={"aws:profile": "nosuch"})
    with pytest.raises(auto.CommandError) as failed:
        stack.up()
    assert "CredentialsError" in str(failed.value) and "nosuch" in str(failed.value)

    stack = fsx_stack(one_copy(source, tags={"tier": "gold"}), env=env, config={"aws:profile": "dr"})
    for operation in ("refresh", "destroy"):
        try:
            getattr(stack, operation)()
        except auto.CommandError as error:
            message = str(error)
            assert "CredentialsError" in message
            assert f"pulumi {operation} --run-program" in message and "pulumi up" in message, message
            assert "recorded" in message, message
        else:
            pytest.fail(f"{operation} with the fixed aws:profile used the stale one and succeeded silently")
    stack.refresh(run_program=True)
    stack.destroy(run_program=True)
    assert lifecycle(REGION, copy) == "GONE"


# -- 3. no tag value is ever printed -------------------------------------------------------------------------


SECRET_VALUE = "hunter2#not-a-valid-fsx-tag!"


def test_a_tag_value_that_fails_validation_is_never_printed(fsx_stack: MakeStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(one_copy(source, tags={"note": SECRET_VALUE, "team": "storage"}))
    output: list[str] = []
    log = EventLog()

    for operation in (stack.preview, stack.up):
        with pytest.raises(auto.CommandError) as failed:
            operation(on_output=output.append, on_event=log.record)
        message = str(failed.value)
        assert "tags" in message and "'note'" in message, message
        assert "hunter2" not in message and "storage" not in message, message

    events = json.dumps([vars(e) for e in log.events], default=lambda o: getattr(o, "__dict__", str(o)))
    assert "hunter2" not in "\n".join(output) and "hunter2" not in events
    assert fsx_remote.calls("CopyBackup") == 0


# -- 4. too many tags at create -----------------------------------------------------------------------------


def test_more_tags_than_fsx_allows_with_copied_ones_is_a_tagging_error_naming_tags_and_copy_tags(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION, tags={f"source-{i}": "x" for i in range(30)})
    stack = fsx_stack(one_copy(source, copy_tags=True, tags={f"declared-{i}": "y" for i in range(20)}))

    with pytest.raises(auto.CommandError) as failed:
        stack.up()

    message = str(failed.value)
    assert "TaggingError" in message and "InvalidInputError" not in message, message
    assert "copy_tags" in message and "tags" in message and "53" in message, message
    assert live_copies(REGION) == []


# -- 5. the failing endpoint is named ---------------------------------------------------------------------


def test_a_kms_failure_in_diff_names_the_kms_endpoint(fsx_stack: MakeStack, fsx_remote: RemoteEmulator) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    key = kms(REGION).create_key()["KeyMetadata"]["Arn"]
    kms(REGION).create_alias(AliasName="alias/dr", TargetKeyId=key)
    fsx_stack(one_copy(source, kms_key_id=key)).up()

    with pytest.raises(auto.CommandError) as failed:
        fsx_stack(one_copy(source, kms_key_id="alias/dr"), env={"AWS_ENDPOINT_URL_KMS": DOWN}).preview()

    message = str(failed.value)
    assert "KmsKeyError" in message and "KMS endpoint" in message and DOWN in message, message
    assert "FSx endpoint" not in message, message


# -- 6. destroy of a busy copy ------------------------------------------------------------------------------


def test_destroy_of_a_copy_being_restored_waits_wait_timeout_minutes_and_says_so(
    fsx_stack: MakeStack, fsx_remote: RemoteEmulator
) -> None:
    source = fsx_remote.seed_backup(SOURCE_REGION)
    stack = fsx_stack(one_copy(source, wait_timeout_minutes=0.1))
    copy = stack.up().outputs["id"].value
    file_system = fsx_remote.set_restoring(REGION, copy)

    started = time.monotonic()
    with pytest.raises(auto.CommandError) as failed:
        stack.destroy()
    elapsed = time.monotonic() - started

    message = str(failed.value)
    assert "BackupInUseError" in message and str(file_system) in message, message
    assert "0.1 minutes" in message and "wait_timeout_minutes" in message, message
    assert elapsed < 60
    assert lifecycle(REGION, copy) == "AVAILABLE"
    fsx_remote.set_restoring(REGION, copy, restoring=False)
    stack.destroy()
    assert lifecycle(REGION, copy) == "GONE"
