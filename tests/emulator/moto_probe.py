"""A fixed set of FSx and KMS calls against plain moto, answers normalised so two processes can be compared.

``python tests/emulator/moto_probe.py`` prints them as JSON (run in a process that never installed the
emulator); :func:`answers` gives them in this process.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws

_ID = re.compile(r"(?:fs|backup|fsvol)-[0-9a-z]+|(?:mrk-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 1})


def _normalised(value: Any, ids: dict[str, str]) -> Any:
    """``value`` with times as ``<time>`` and every ID as ``<id N>`` (N in order of first appearance)."""
    if isinstance(value, dict):
        return {
            key: "<token>" if key == "NextToken" else _normalised(item, ids)  # moto's tokens hold IDs, encoded
            for key, item in value.items()
            if key != "ResponseMetadata"
        }
    if isinstance(value, (list, tuple)):
        return [_normalised(item, ids) for item in value]
    if isinstance(value, datetime.datetime):
        return "<time>"
    if isinstance(value, str):
        return _ID.sub(lambda match: ids.setdefault(match.group(), f"<id {len(ids) + 1}>"), value)
    return value


def answers() -> list[Any]:
    """Each call's answer (or error code and message), normalised, in one fresh ``mock_aws()``."""
    ids: dict[str, str] = {}
    results: list[Any] = []

    with mock_aws():
        fsx = boto3.client("fsx", region_name="us-east-1", config=_CONFIG)
        kms = boto3.client("kms", region_name="us-west-2", config=_CONFIG)

        def call(name: str, action: Callable[[], Any]) -> Any:
            try:
                answer = action()
                results.append({"call": name, "answer": _normalised(answer, ids)})
                return answer
            except ClientError as err:
                results.append({"call": name, "error": _normalised(err.response.get("Error"), ids)})
                return None
            except Exception as err:  # e.g. NotImplementedError: moto has no CopyBackup of its own
                results.append({"call": name, "raised": type(err).__name__})
                return None

        created = call(
            "create_file_system",
            lambda: fsx.create_file_system(
                FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=["subnet-0123456789abcdef0"]
            ),
        )
        file_system_id = created["FileSystem"]["FileSystemId"]
        arn = created["FileSystem"]["ResourceARN"]
        call("describe_file_systems", lambda: fsx.describe_file_systems())
        backup = call("create_backup", lambda: fsx.create_backup(FileSystemId=file_system_id))
        call("create_backup again", lambda: fsx.create_backup(FileSystemId=file_system_id))
        call("describe_backups", lambda: fsx.describe_backups())
        call("describe_backups page", lambda: fsx.describe_backups(MaxResults=1))
        call("describe_backups token", lambda: fsx.describe_backups(NextToken="bm90LWEtdG9rZW4="))
        if backup is not None:
            backup_id = backup["Backup"]["BackupId"]
            call("delete_backup", lambda: fsx.delete_backup(BackupId=backup_id))
        call("delete_backup malformed", lambda: fsx.delete_backup(BackupId="backup-XYZXYZXYZ"))
        call("copy_backup", lambda: fsx.copy_backup(SourceBackupId="backup-0123456789abcdef0"))
        call("tag_resource", lambda: fsx.tag_resource(ResourceARN=arn, Tags=[{"Key": "k" * 128, "Value": "v"}]))
        call("list_tags_for_resource", lambda: fsx.list_tags_for_resource(ResourceARN=arn))
        call("untag_resource", lambda: fsx.untag_resource(ResourceARN=arn, TagKeys=["k" * 128]))

        call("describe_key fsx alias", lambda: kms.describe_key(KeyId="alias/aws/fsx"))
        key = call("create_key", lambda: kms.create_key(Description="probe"))
        rsa = call("create_key rsa", lambda: kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT"))
        key_id, key_arn = key["KeyMetadata"]["KeyId"], key["KeyMetadata"]["Arn"]
        call("describe_key rsa", lambda: kms.describe_key(KeyId=rsa["KeyMetadata"]["KeyId"]))
        call("describe_key other region", lambda: kms.describe_key(KeyId=key_arn.replace("us-west-2", "eu-west-1")))
        call("describe_key malformed arn", lambda: kms.describe_key(KeyId="arn:aws:kms:us-west-2:key/x"))
        call("disable_key", lambda: kms.disable_key(KeyId=key_id))
        call("describe_key disabled", lambda: kms.describe_key(KeyId=key_id))
        call("schedule_key_deletion", lambda: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7))
        call("list_aliases", lambda: kms.list_aliases())
    return results


if __name__ == "__main__":
    print(json.dumps(answers()))
