"""The example stack through the real Pulumi CLI (Automation API, local file backend) against the emulator.

Runs only where a `pulumi` CLI is on PATH (it cannot be installed on this project's CI machines).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import boto3
import pytest

from pulumi_fsx_copy.testing import EmulatorServer, RemoteEmulator
from pulumi_fsx_copy.testing.listing import all_backups

REPO = Path(__file__).resolve().parents[2]
PROJECT = "pulumi-fsx-copy-example"

pytestmark = pytest.mark.skipif(
    shutil.which("pulumi") is None,
    reason="no `pulumi` CLI on PATH (install it from https://www.pulumi.com/docs/install/ to run this test)",
)


def test_preview_up_refresh_destroy_with_the_cli(
    tmp_path: Path, fsx_server: EmulatorServer, fsx_remote: RemoteEmulator
) -> None:
    from pulumi import automation as auto

    source = fsx_remote.seed_backup("us-east-1", tags={"app": "genomics"})
    work_dir = tmp_path / "project"
    work_dir.mkdir()
    (work_dir / "Pulumi.yaml").write_text(
        f"name: {PROJECT}\n"
        "runtime:\n  name: python\n  options:\n"
        f"    virtualenv: {Path(sys.prefix)}\n"
        f"main: {REPO / 'examples' / 'dr'}\n"
    )
    env = {
        "PULUMI_BACKEND_URL": (tmp_path / "state").as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": "test-only",
        "AWS_ENDPOINT_URL": fsx_server.url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "PULUMI_FSX_COPY_TIME_SCALE": "0.05",
        "PYTHONPATH": str(REPO),
    }
    (tmp_path / "state").mkdir()
    stack = auto.create_or_select_stack(
        stack_name="cli-test", work_dir=str(work_dir), opts=auto.LocalWorkspaceOptions(env_vars=env)
    )
    try:
        stack.set_all_config(
            {
                "aws:region": auto.ConfigValue("us-east-1"),
                "sourceBackupId": auto.ConfigValue(source),
                "drRegions": auto.ConfigValue('["us-west-2"]'),
            }
        )
        preview = stack.preview()
        assert preview.change_summary.get("create", 0) >= 2
        up = stack.up()
        dr_id = up.outputs["dr_backup_ids"].value["us-west-2"]
        fsx = boto3.client("fsx", region_name="us-west-2", endpoint_url=fsx_server.url)
        assert fsx.describe_backups(BackupIds=[dr_id])["Backups"][0]["Lifecycle"] == "AVAILABLE"

        stack.set_config("tags", auto.ConfigValue('{"purpose": "dr", "tier": "gold"}'))
        assert stack.up().summary.resource_changes.get("update", 0) >= 1
        fsx.delete_backup(BackupId=dr_id)
        stack.refresh()
        assert stack.up().summary.resource_changes.get("create", 0) == 1
        stack.destroy()
        copies = [b for b in all_backups(fsx) if b.get("SourceBackupId")]
        assert [b for b in copies if b["Lifecycle"] != "DELETED"] == []
    finally:
        stack.workspace.remove_stack("cli-test", force=True)
