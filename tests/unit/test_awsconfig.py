"""pulumi-aws's settings as a BackupCopy reads them (awsconfig): both forms pulumi-aws accepts, nothing ignored."""

from __future__ import annotations

import json

import pytest

from pulumi_fsx_copy.rules.awsconfig import (
    CONFIG_KEYS,
    AssumeRole,
    from_provider_input,
    from_stack_config,
    go_duration_seconds,
)
from pulumi_fsx_copy.rules.diffing import replacement_reason
from pulumi_fsx_copy.rules.timeouts import wait_minutes

ROLE = "arn:aws:iam::123456789012:role/dr"


def test_assume_roles_in_the_v7_list_and_the_v6_object_form_are_one_chain() -> None:
    v7 = from_stack_config({"aws:assumeRoles": json.dumps([{"roleArn": ROLE, "sessionName": "ci", "duration": "1h"}])})
    v6 = from_stack_config(
        {"aws:assumeRole": json.dumps({"roleArn": ROLE, "sessionName": "ci", "durationSeconds": 3600})}
    )
    expected = (AssumeRole(ROLE, session_name="ci", duration_seconds=3600),)
    assert v7.assume_roles == v6.assume_roles == expected
    assert v7.refused == v6.refused == ()


def test_an_assume_role_request_carries_every_given_field() -> None:
    settings = from_stack_config(
        {
            "aws:assumeRoles": json.dumps(
                [
                    {
                        "roleArn": ROLE,
                        "externalId": "x-1",
                        "policyArns": ["arn:aws:iam::aws:policy/P"],
                        "tags": {"k": "v"},
                    }
                ]
            )
        }
    )
    request = settings.assume_roles[0].request("default-session")
    assert request == {
        "RoleArn": ROLE,
        "RoleSessionName": "default-session",
        "ExternalId": "x-1",
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/P"}],
        "Tags": [{"Key": "k", "Value": "v"}],
    }


def test_account_ids_default_tags_and_endpoints_are_read() -> None:
    settings = from_stack_config(
        {
            "aws:allowedAccountIds": '["111111111111"]',
            "aws:forbiddenAccountIds": '["222222222222"]',
            "aws:defaultTags": '{"tags": {"team": "dr"}}',
            "aws:endpoints": '[{"fsx": "http://fsx.local", "s3": "http://s3.local"}]',
        }
    )
    assert settings.allowed_account_ids == ("111111111111",)
    assert settings.forbidden_account_ids == ("222222222222",)
    assert settings.tags == {"team": "dr"}
    assert settings.endpoint("fsx") == "http://fsx.local" and settings.endpoint("s3") is None
    assert settings.refused == ()


@pytest.mark.parametrize("key", ["httpProxy", "customCaBundle", "sharedCredentialsFiles", "useFipsEndpoint"])
def test_a_setting_that_cannot_be_honoured_is_refused_by_name(key: str) -> None:
    assert key in CONFIG_KEYS  # read from the stack by configure()
    (refused,) = from_stack_config({f"aws:{key}": "x"}).refused
    assert refused.startswith(f"aws:{key} is not supported")


def test_settings_without_effect_on_a_copy_are_accepted() -> None:
    settings = from_stack_config({"aws:skipCredentialsValidation": "true", "aws:maxRetries": "5"})
    assert settings.refused == ()


def test_a_refused_setting_set_to_false_or_empty_is_not_set() -> None:
    assert from_stack_config({"aws:insecure": "false", "aws:sharedConfigFiles": "[]"}).refused == ()


def test_static_keys_are_honoured_from_the_stack_and_refused_from_an_explicit_provider() -> None:
    stack = from_stack_config({"aws:accessKey": "AKIA1", "aws:secretKey": "s"})
    assert stack.static_keys == ("AKIA1", "s", None) and stack.refused == ()
    explicit = from_provider_input({"name": "west", "settings": {"accessKey": True, "secretKey": True}})
    assert explicit.static_keys is None
    (refused,) = explicit.refused
    assert "the aws Provider 'west' setting accessKey/secretKey/token (static credentials)" in refused


def test_a_provider_made_before_the_package_was_imported_is_refused() -> None:
    (refused,) = from_provider_input({"name": "early", "settings": {"notRecorded": True}}).refused
    assert "the aws Provider 'early': its settings could not be seen" in refused


@pytest.mark.parametrize(("text", "seconds"), [("5s", 5), ("30m", 1800), ("1h30m", 5400), ("250ms", 0.25), ("x", None)])
def test_go_durations(text: str, seconds: float | None) -> None:
    assert go_duration_seconds(text) == seconds


def test_the_shorter_of_wait_timeout_minutes_and_custom_timeouts_wins() -> None:
    props = {"wait_timeout_minutes": 10, "custom_timeouts": {"create": 0.5, "delete": 60}}
    assert wait_minutes(props, "create") == 0.5
    assert wait_minutes(props, "delete") == 10
    assert wait_minutes({}, "delete") == 360


def test_the_replacement_reason_names_each_replacing_input() -> None:
    reason = replacement_reason({"region": "us-west-2"}, {"region": "eu-west-1"}, ["region", "lifecycle"])
    assert reason == "region 'us-west-2' -> 'eu-west-1'"
