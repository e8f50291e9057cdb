"""A BackupCopy's pulumi-aws options as the program sees them (set_mocks): an explicit aws Provider is taken out of
its options into its ``aws_provider`` input, with every setting it was given and never a credential's value."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from pulumi_fsx_copy import BackupCopy, InvalidInputError, RetainedBackupCopies
from pulumi_fsx_copy.aws_options import program_settings
from tests.support.program import RecordingMocks

SOURCE = "backup-0123456789abcdef0"


def _copy_inputs(mocks: RecordingMocks, name: str) -> dict[str, Any]:
    return dict(next(r for r in mocks.registered if r.name == name).inputs)


@pulumi.runtime.test
def test_an_explicit_provider_becomes_the_aws_provider_input(mocks: RecordingMocks) -> Any:
    import pulumi_aws as aws

    west = aws.Provider(
        "west",
        region="us-west-2",
        secret_key="never-sent",
        access_key="AKIANEVERSENT",
        assume_roles=[aws.ProviderAssumeRoleArgs(role_arn="arn:aws:iam::123456789012:role/dr")],
        default_tags=aws.ProviderDefaultTagsArgs(tags={"team": "dr"}),
    )
    by_option = BackupCopy("one", source_backup_id=SOURCE, opts=pulumi.ResourceOptions(provider=west))
    by_map = BackupCopy("two", source_backup_id=SOURCE, opts=pulumi.ResourceOptions(providers={"aws": west}))
    group = pulumi.ComponentResource("test:index:Group", "group", opts=pulumi.ResourceOptions(providers={"aws": west}))
    inherited = BackupCopy("three", source_backup_id=SOURCE, opts=pulumi.ResourceOptions(parent=group))

    def check(_: Any) -> None:
        for name in ("one", "two", "three"):
            given = _copy_inputs(mocks, name)["__aws_provider"]
            assert given["name"] == "west"
            settings = given["settings"]
            assert settings["region"] == "us-west-2"
            assert json.loads(settings["assumeRoles"]) == [{"roleArn": "arn:aws:iam::123456789012:role/dr"}]
            assert json.loads(settings["defaultTags"]) == {"tags": {"team": "dr"}}
            assert settings["accessKey"] is True and settings["secretKey"] is True
            assert "never-sent" not in json.dumps(given) and "AKIANEVERSENT" not in json.dumps(given)

    return pulumi.Output.all(by_option.id, by_map.id, inherited.id).apply(check)


def test_a_custom_timeout_that_is_no_duration_is_refused_naming_it(mocks: RecordingMocks) -> None:
    with pytest.raises(InvalidInputError, match="custom_timeouts create='soon' is not a positive duration"):
        BackupCopy(
            "dr",
            source_backup_id=SOURCE,
            opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="soon")),
        )


@pulumi.runtime.test
def test_a_provider_whose_settings_were_not_recorded_is_sent_as_such(mocks: RecordingMocks) -> Any:
    import pulumi_aws as aws

    from pulumi_fsx_copy.aws_options import RECORD

    early = aws.Provider("early", region="us-west-2")
    del early.__dict__[RECORD]  # as a Provider made before pulumi_fsx_copy was imported
    copy = BackupCopy("dr", source_backup_id=SOURCE, opts=pulumi.ResourceOptions(provider=early))

    def check(_: Any) -> None:
        assert _copy_inputs(mocks, "dr")["__aws_provider"] == {"name": "early", "settings": {"notRecorded": True}}

    return copy.id.apply(check)


@pulumi.runtime.test
def test_a_components_provider_with_an_output_setting_is_refused_for_its_look_ups(mocks: RecordingMocks) -> None:
    """RetainedBackupCopies reads AWS when the program runs, with its aws Provider's settings: an Output cannot be
    read then, so it is refused, naming the setting, rather than read with other credentials."""
    import pulumi_aws as aws

    role = pulumi.Output.from_input("arn:aws:iam::123456789012:role/dr")
    west = aws.Provider("west", region="us-west-2", assume_roles=[aws.ProviderAssumeRoleArgs(role_arn=role)])
    with pytest.raises(InvalidInputError, match="aws Provider 'west' setting assumeRoles is not a plain value"):
        RetainedBackupCopies(
            "dr", file_system_id="fs-0123456789abcdef0", keep=1, opts=pulumi.ResourceOptions(provider=west)
        )


@pulumi.runtime.test
def test_a_components_provider_with_plain_settings_governs_its_look_ups(mocks: RecordingMocks) -> None:
    import pulumi_aws as aws

    role = aws.ProviderAssumeRoleArgs(role_arn="arn:aws:iam::123456789012:role/dr", session_name="s")
    west = aws.Provider("west", region="us-west-2", assume_roles=[role])
    group = pulumi.ComponentResource("test:index:Group", "group", opts=pulumi.ResourceOptions(providers={"aws": west}))

    settings = program_settings(group)

    assert settings.region == "us-west-2"
    assert [r.role_arn for r in settings.assume_roles] == ["arn:aws:iam::123456789012:role/dr"]
