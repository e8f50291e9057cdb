"""The install can be undone: after an emulator (or its fixture) ends, moto is exactly what it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from pulumi_fsx_copy.testing import FAKE_AWS_ENV, InProcessEmulator, install, installed
from pulumi_fsx_copy.testing.patch import PATCHES
from tests.support.emulator import DEST, NO_RETRIES, SOURCE

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _snapshot() -> dict[str, dict[str, Any]]:
    """Every attribute each patched moto class defines itself, by name."""
    return {cls.__qualname__: dict(vars(cls)) for cls, _ in PATCHES}


def _use_plain_moto() -> None:
    """One FSx and one KMS call: moto's first call adds ``__annotations__`` to its response classes itself."""
    with mock_aws():
        boto3.client("fsx", region_name=DEST, config=NO_RETRIES).describe_backups()
        boto3.client("kms", region_name=DEST, config=NO_RETRIES).list_keys()


def _assert_same_objects(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> None:
    assert before.keys() == after.keys()
    for name, attributes in before.items():
        assert attributes.keys() == after[name].keys(), name
        changed = [attr for attr, value in attributes.items() if after[name][attr] is not value]
        assert changed == [], f"{name}: {changed}"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({**FAKE_AWS_ENV, "AWS_DEFAULT_REGION": SOURCE})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


def test_an_emulator_that_ends_leaves_every_patched_class_as_it_found_it(aws_test_env: None) -> None:
    _use_plain_moto()
    before = _snapshot()

    with InProcessEmulator() as emulator, mock_aws():
        assert installed()
        assert _snapshot() != before
        source = emulator.seed_backup(SOURCE)
        boto3.client("fsx", region_name=DEST, config=NO_RETRIES).copy_backup(SourceBackupId=source, SourceRegion=SOURCE)

    _assert_same_objects(before, _snapshot())


def test_installs_nest_and_only_the_last_undo_restores_moto(aws_test_env: None) -> None:
    before = _snapshot()
    outer = install()
    patched = _snapshot()
    inner = install()

    inner.uninstall()
    inner.uninstall()  # undoing twice undoes once
    _assert_same_objects(patched, _snapshot())
    assert installed() and outer.active and not inner.active
    outer.uninstall()

    _assert_same_objects(before, _snapshot())


def test_after_the_fixture_moto_answers_as_in_a_process_that_never_installed_it(tmp_path: Path) -> None:
    """A pytest session where one test used ``fsx_emulator``; then, in later tests of the same session,
    moto's classes hold the very objects they held before, and a set of FSx and KMS calls is answered
    exactly as in a fresh process that never installed the emulator."""
    inner = tmp_path / "test_inner.py"
    inner.write_text(
        textwrap.dedent(
            f"""
            import json

            import boto3
            import moto_probe
            from moto import mock_aws
            from pulumi_fsx_copy.testing.patch import PATCHES

            BEFORE = {{}}


            def test_0_plain_moto():
                with mock_aws():  # moto's first call adds __annotations__ to its response classes itself
                    boto3.client("fsx", region_name="us-west-2").describe_backups()
                    boto3.client("kms", region_name="us-west-2").list_keys()
                BEFORE.update({{cls.__qualname__: dict(vars(cls)) for cls, _ in PATCHES}})


            def test_1_uses_the_emulator(fsx_emulator):
                source = fsx_emulator.seed_backup("us-east-1")
                fsx = boto3.client("fsx", region_name="us-west-2")
                fsx.copy_backup(SourceBackupId=source, SourceRegion="us-east-1")
                boto3.client("kms", region_name="us-west-2").describe_key(KeyId="alias/aws/fsx")


            def test_2_moto_is_as_before():
                after = {{cls.__qualname__: dict(vars(cls)) for cls, _ in PATCHES}}
                assert BEFORE and after.keys() == BEFORE.keys()
                for name, attributes in BEFORE.items():
                    assert attributes.keys() == after[name].keys(), name
                    assert [a for a, v in attributes.items() if after[name][a] is not v] == [], name
                with open({str(tmp_path / "after.json")!r}, "w") as out:
                    json.dump(moto_probe.answers(), out)
            """
        )
    )

    session = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", str(inner)],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    fresh = subprocess.run(
        [sys.executable, str(HERE / "moto_probe.py")], env=_env(), capture_output=True, text=True, timeout=300
    )

    assert session.returncode == 0, session.stdout + session.stderr
    assert fresh.returncode == 0, fresh.stderr
    after = json.loads((tmp_path / "after.json").read_text())
    expected = json.loads(fresh.stdout)
    assert [entry["call"] for entry in after] == [entry["call"] for entry in expected]
    for got, want in zip(after, expected, strict=True):
        assert got == want, got["call"]
