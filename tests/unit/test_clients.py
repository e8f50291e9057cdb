"""Making AWS clients: every failure is a mapped BackupCopyError naming the setting and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_fsx_copy.aws.clients import AwsClients
from pulumi_fsx_copy.errors import CredentialsError, EndpointConfigError, RegionError


@pytest.fixture(autouse=True)
def aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An AWS config with one profile, and no other AWS setting from the machine running the tests."""
    config = tmp_path / "config"
    config.write_text("[profile known]\nregion = us-west-2\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_FSX",
        "AWS_ENDPOINT_URL_KMS",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("service", ["fsx", "kms"])
def test_an_unknown_profile_is_a_credentials_error(service: str) -> None:
    clients = AwsClients("no-such-profile")
    with pytest.raises(CredentialsError) as caught:
        getattr(clients, service)("us-west-2")
    assert "no-such-profile" in str(caught.value) and "aws:profile" in str(caught.value)
    assert caught.value.code == "ProfileNotFound" and caught.value.region == "us-west-2"


def test_an_unknown_aws_profile_variable_is_a_credentials_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "typo-profile")
    with pytest.raises(CredentialsError, match="typo-profile") as caught:
        AwsClients().fsx("us-west-2")
    assert "AWS_PROFILE" in str(caught.value)


def test_a_known_profile_makes_clients_once() -> None:
    clients = AwsClients("known")
    assert clients.fsx("us-west-2") is clients.fsx("us-west-2")


@pytest.mark.parametrize(
    ("variable", "service"),
    [
        ("AWS_ENDPOINT_URL", "fsx"),
        ("AWS_ENDPOINT_URL", "kms"),
        ("AWS_ENDPOINT_URL_FSX", "fsx"),
        ("AWS_ENDPOINT_URL_KMS", "kms"),
    ],
)
def test_an_endpoint_without_a_scheme_names_the_variable_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, variable: str, service: str
) -> None:
    monkeypatch.setenv(variable, "localhost:4566")
    with pytest.raises(EndpointConfigError) as caught:
        getattr(AwsClients(), service)("us-west-2")
    message = str(caught.value)
    assert variable in message and "'http://localhost:4566'" in message and "https://localhost:4566" in message


def test_a_service_endpoint_does_not_break_the_other_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", "localhost:4566")
    assert AwsClients().fsx("us-west-2") is not None
    with pytest.raises(EndpointConfigError, match="AWS_ENDPOINT_URL_KMS"):
        AwsClients().kms("us-west-2")


@pytest.mark.parametrize("region", ["", "us west 2"])
def test_no_or_a_malformed_region_is_a_region_error(region: str) -> None:
    with pytest.raises(RegionError) as caught:
        AwsClients().fsx(region)
    assert "aws:region" in str(caught.value) or "Region name" in str(caught.value)


def test_only_the_endpoint_botocore_uses_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "localhost:4566")
    monkeypatch.setenv("AWS_ENDPOINT_URL_FSX", "http://127.0.0.1:4566")
    assert AwsClients().fsx("us-west-2").meta.endpoint_url == "http://127.0.0.1:4566"
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    assert AwsClients().kms("us-west-2").meta.endpoint_url.startswith("https://kms.us-west-2.")
