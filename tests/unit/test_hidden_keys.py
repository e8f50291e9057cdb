"""The provider's boundary: hidden inputs and outputs under ``__`` keys in the engine's property bags (which the
engine leaves out of the diffs it shows), under their plain names inside; a bag written before by the plain names."""

from __future__ import annotations

from pulumi_fsx_copy.provider import from_engine, to_engine
from pulumi_fsx_copy.rules.schema import HIDDEN_INPUTS, HIDDEN_KEYS, HIDDEN_OUTPUTS, INPUTS, OUTPUTS, PROVIDER_KEY

HIDDEN = (*HIDDEN_INPUTS, *HIDDEN_OUTPUTS)


def test_every_hidden_field_and_only_those_has_a_key_the_engine_hides() -> None:
    assert set(HIDDEN_KEYS) == set(HIDDEN) and len(set(HIDDEN_KEYS.values())) == len(HIDDEN)
    for name, key in HIDDEN_KEYS.items():
        assert key == "__" + name and key != PROVIDER_KEY  # the SDK's own internal key
    visible = [field.key for field in (*INPUTS, *OUTPUTS) if not field.hidden]
    assert visible == [field.name for field in (*INPUTS, *OUTPUTS) if not field.hidden]
    assert not [key for key in visible if key.startswith("__")]


def test_the_engine_keys_become_the_plain_names_and_back() -> None:
    engine = {
        "source_backup_id": "backup-0123456789abcdef0",
        PROVIDER_KEY: "pickled",
        **{HIDDEN_KEYS[name]: f"value of {name}" for name in HIDDEN},
    }
    inside = from_engine(engine)
    assert inside == {
        "source_backup_id": "backup-0123456789abcdef0",
        PROVIDER_KEY: "pickled",
        **{name: f"value of {name}" for name in HIDDEN},
    }
    assert to_engine(inside) == engine


def test_a_bag_written_with_the_plain_names_is_read_the_new_key_preferred() -> None:
    legacy = {"region": "us-west-2", "claim": "0123456789abcdef", "resource_identity": "p/s/dr"}
    assert from_engine(legacy) == legacy
    mixed = {**legacy, "__claim": "fedcba9876543210"}  # a key written since wins over the plain name
    assert from_engine(mixed) == {**legacy, "claim": "fedcba9876543210"}
    assert to_engine(from_engine(legacy)) == {
        "region": "us-west-2",
        "__claim": "0123456789abcdef",
        "__resource_identity": "p/s/dr",
    }
