"""No credential reaches the state, an error message or the provider's output, and secret tags stay secret."""

from __future__ import annotations

import asyncio
import base64
import pickle
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.dynamic import CheckFailure, ConfigureRequest
from pulumi.dynamic.config import Config

from devkit.driver import ProviderError, Secret, provider_input
from pulumi_fsx_copy import BackupCopy, BackupCopyProvider
from pulumi_fsx_copy.rules.validation import failed_input
from pulumi_fsx_copy.testing import RemoteEmulator
from tests.support.reliability import DR_REGION, checked, inputs

pytestmark = pytest.mark.scenario(
    "7",
    "Secrets and credentials",
    "canary access key, secret key and session token in the environment, a canary profile in a credentials "
    "file, canary aws:accessKey/aws:secretKey/aws:token and a secret project value in the stack config: "
    "none of them in the pickled provider (before and after use), in any output, in any error message "
    "(injected AccessDenied, ExpiredToken, missing profile, unreachable endpoint) or in the provider "
    "process's stdout/stderr; tags given as secrets come back secret in `tags`, and BackupCopy "
    "registers `tags_all` (which repeats them) as an additional secret output",
)

CANARIES = {
    "AWS_ACCESS_KEY_ID": "AKIACANARY0RELIABLE1",
    "AWS_SECRET_ACCESS_KEY": "canary/Secret+Key/do-not-leak-7f3a",
    "AWS_SESSION_TOKEN": "CanarySessionToken//do-not-leak-91b2",
}
PROFILE_KEY = "AKIACANARY0PROFILE02"
PROFILE_SECRET = "canary/profile/secret-do-not-leak-5c1d"
CONFIG_SECRETS = {
    "aws:accessKey": "AKIACANARY0CONFIG003",
    "aws:secretKey": "canary-config-secret-key-e4d0",
    "aws:token": "canary-config-session-token-22aa",
    "dr:apiToken": "canary-project-api-token-0b9c",
}
SECRET_TAG_VALUE = "canary-secret-tag-value"
ALL_SECRETS = [*CANARIES.values(), PROFILE_KEY, PROFILE_SECRET, *CONFIG_SECRETS.values()]


def _assert_clean(text: str, where: str) -> None:
    for secret in ALL_SECRETS:
        assert secret not in text, f"a credential ({secret[:12]}...) leaked into {where}"


@pytest.fixture
def credentials_file(tmp_path: Path) -> Path:
    path = tmp_path / "credentials"
    path.write_text(f"[canary]\naws_access_key_id = {PROFILE_KEY}\naws_secret_access_key = {PROFILE_SECRET}\n")
    return path


@pytest.mark.parametrize("credentials", ["environment", "profile"])
def test_no_credential_leaks_through_the_provider_process(
    provider_factory: Any, fsx_remote: RemoteEmulator, source: str, credentials_file: Path, credentials: str
) -> None:
    """A whole lifecycle plus failures, with canary credentials everywhere: no canary in outputs, errors,
    the pickled provider or the process's output."""
    config: dict[str, Any] = {"aws:region": DR_REGION, **{k: Secret(v) for k, v in CONFIG_SECRETS.items()}}
    env = dict(CANARIES, AWS_SHARED_CREDENTIALS_FILE=str(credentials_file))
    if credentials == "profile":
        config["aws:profile"] = "canary"
        env = {
            "AWS_SHARED_CREDENTIALS_FILE": str(credentials_file),
            "AWS_ACCESS_KEY_ID": "",
            "AWS_SECRET_ACCESS_KEY": "",
            "AWS_SESSION_TOKEN": "",
        }
    engine = provider_factory(config=config, **env)
    texts: list[str] = []

    news = checked(engine, inputs(source, tags={"purpose": Secret(SECRET_TAG_VALUE)}))
    texts.append(repr(news))
    backup_id, outs = engine.create("dr-copy", news)
    texts.append(repr(outs))
    refreshed = engine.read("dr-copy", backup_id, outs, inputs=news)
    texts.append(repr(refreshed))
    for operation, code in [("TagResource", "AccessDeniedException"), ("TagResource", "ExpiredTokenException")]:
        fsx_remote.fail_next(operation, code, message="denied")
        with pytest.raises(ProviderError) as caught:
            engine.update("dr-copy", backup_id, outs, checked(engine, inputs(source, tags={"x": "y"})), old_inputs=news)
        texts += [caught.value.details, caught.value.last_line]
    engine.delete("dr-copy", backup_id, outs, old_inputs=news)

    broken = provider_factory(config={**config, "aws:profile": "no-such-profile"}, **env)
    with pytest.raises(ProviderError) as caught:
        broken.create("dr-copy", news)
    assert "no-such-profile" in caught.value.last_line
    texts.append(caught.value.details)
    unreachable = provider_factory(config=config, AWS_ENDPOINT_URL="http://127.0.0.1:9", **env)
    with pytest.raises(ProviderError) as caught:
        unreachable.create("dr-copy", news)
    texts.append(caught.value.details)

    for process in (engine, broken, unreachable):
        process.stop()
        texts += [process.stdout_text, process.stderr_text]
    for n, text in enumerate(texts):
        _assert_clean(text, f"provider output #{n}")
    _assert_clean(base64.b64decode(str(outs["__provider"])).decode("latin-1"), "the pickled provider in the state")


def test_pickled_provider_holds_no_credential(monkeypatch: pytest.MonkeyPatch, credentials_file: Path) -> None:
    """The provider as pickled into the state, fresh and after configure with secret config and use."""
    for name, value in CANARIES.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials_file))
    provider = BackupCopyProvider()
    provider.configure(
        ConfigureRequest(Config({"aws:region": DR_REGION, "aws:profile": "canary", **CONFIG_SECRETS}, "dr"))
    )
    provider._clients.fsx(DR_REGION)  # clients (and their credentials) exist in the process now
    serialized = provider_input(provider)
    assert not isinstance(serialized, Secret)
    for blob in (base64.b64decode(serialized), pickle.dumps(provider)):
        _assert_clean(blob.decode("latin-1"), "the pickled provider")


def _in_plain(value: Any, needle: str) -> bool:
    """Whether ``needle`` appears in ``value`` outside every :class:`Secret`."""
    if isinstance(value, Secret):
        return False
    if isinstance(value, dict):
        return any(_in_plain(v, needle) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_in_plain(v, needle) for v in value)
    return isinstance(value, str) and needle in value


def test_secret_tags_stay_secret_in_tags(engine: Any, fsx_remote: RemoteEmulator, source: str) -> None:
    """Tags the program marks secret come back secret in `tags` from create, read (refresh) and update."""
    news = checked(engine, inputs(source, tags={"purpose": Secret(SECRET_TAG_VALUE)}))
    backup_id, outs = engine.create("dr-copy", news)
    assert outs["tags"] == {"purpose": Secret(SECRET_TAG_VALUE)}
    refreshed = engine.read("dr-copy", backup_id, outs, inputs=news)
    assert refreshed.outs["tags"] == {"purpose": Secret(SECRET_TAG_VALUE)}
    changed = checked(engine, inputs(source, tags={"purpose": Secret(SECRET_TAG_VALUE + "-2")}))
    updated = engine.update("dr-copy", backup_id, outs, changed, old_inputs=news)
    assert not _in_plain(updated["tags"], SECRET_TAG_VALUE)
    assert updated["tags"] == {"purpose": Secret(SECRET_TAG_VALUE + "-2")}


def test_tags_all_is_declared_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """`tags_all` repeats every tag value: BackupCopy must register it as an additional secret output, since
    the engine re-marks only outputs whose same-named input was secret."""
    seen: list[pulumi.ResourceOptions | None] = []

    class Registered(Exception):
        pass

    def capture(self: Any, t: str, name: str, props: Any = None, opts: pulumi.ResourceOptions | None = None) -> None:
        seen.append(opts)
        raise Registered

    monkeypatch.setattr(pulumi.CustomResource, "__init__", capture)
    # Outside a Pulumi run, as a test that replaces the SDK's registration is: no resource monitor, so the
    # first resource registered is the BackupCopy (in a run, the stack's key is declared first). An earlier
    # test of this process may have left set_mocks' monitor behind (the order varies under pytest-xdist).
    monkeypatch.setattr(pulumi.runtime.settings.SETTINGS, "monitor", None)
    loop = asyncio.new_event_loop()  # pulumi.Output needs one, as in a program
    asyncio.set_event_loop(loop)
    try:
        tags = {"purpose": pulumi.Output.secret("x")}
        with pytest.raises(Registered):
            BackupCopy("dr-copy", source_backup_id="backup-0123456789abcdef0", tags=tags)
        loop.run_until_complete(tags["purpose"].future())  # leave no coroutine unawaited for later tests
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    (opts,) = seen
    assert opts is not None and "tags_all" in (opts.additional_secret_outputs or [])


def test_no_tag_value_in_any_tag_failure(engine: Any, fsx_remote: RemoteEmulator, source: str) -> None:
    """A secret tag value through every tag-related failure of the provider process: Check's tag failures
    (bad characters, too long, reserved key, not a string, too many tags, not a map) and AWS's tagging
    errors whose message repeats it (on create and on update): it is in no failure, error or process output."""
    texts: list[str] = []
    bad_tags: list[Any] = [
        {"db-password": Secret(SECRET_TAG_VALUE + "#")},
        {"db-password": Secret(SECRET_TAG_VALUE * 12)},
        {"aws:db-password": Secret(SECRET_TAG_VALUE)},
        {"db-password": [SECRET_TAG_VALUE]},
        {f"k{i}": Secret(SECRET_TAG_VALUE) for i in range(51)},
        [SECRET_TAG_VALUE],
    ]
    for tags in bad_tags:
        outcome = engine.check("dr-copy", {}, inputs(source, tags=tags))
        assert [failed_input(CheckFailure(prop, reason)) for prop, reason in outcome.failures] == ["tags"], (
            outcome.failures
        )
        texts += [reason for _, reason in outcome.failures]

    message = f"Tag value {SECRET_TAG_VALUE} is not valid"
    news = checked(engine, inputs(source, tags={"db-password": Secret(SECRET_TAG_VALUE)}))
    fsx_remote.fail_next("TagResource", "BadRequest", message=message)
    with pytest.raises(ProviderError) as caught:
        engine.create("dr-copy", news)
    texts += [caught.value.details, caught.value.last_line]
    assert "TaggingError" in caught.value.last_line

    plain = checked(engine, inputs(source))
    backup_id, outs = engine.create("dr-copy", plain)
    for code in ("BadRequest", "ResourceNotFound", "AccessDeniedException"):
        fsx_remote.fail_next("TagResource", code, message=message)
        with pytest.raises(ProviderError) as caught:
            engine.update("dr-copy", backup_id, outs, news, old_inputs=plain)
        texts += [caught.value.details, caught.value.last_line]
    engine.delete("dr-copy", backup_id, outs, old_inputs=plain)
    texts += [engine.stdout_text, engine.stderr_text]
    for n, text in enumerate(texts):
        assert SECRET_TAG_VALUE not in text, f"a tag value leaked into message #{n}"
