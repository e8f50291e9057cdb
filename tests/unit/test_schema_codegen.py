"""The schema's generated forms (BackupCopyArgs, the keyword constructor, the output attributes, the README's
inputs and outputs tables) are what schema.py generates now: adding an input is a change in schema.py, then
`python tools/schema_codegen.py`."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

from pulumi_fsx_copy import BackupCopy, BackupCopyArgs
from pulumi_fsx_copy.schema import INPUT_ORDER, INPUTS, OUTPUT_NAMES

REPO = Path(__file__).resolve().parents[2]


def test_the_generated_blocks_are_current() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "schema_codegen.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_resource_offers_every_input_in_the_schemas_order() -> None:
    parameters = list(inspect.signature(BackupCopyArgs.__init__).parameters)[1:]
    assert parameters == list(INPUT_ORDER)
    required = [f.name for f in INPUTS if f.required]
    assert [p.name for p in inspect.signature(BackupCopyArgs.__init__).parameters.values() if p.default is p.empty][
        1:
    ] == required


def test_every_input_and_output_is_a_typed_read_only_property() -> None:
    from pulumi import _types  # the SDK's own reading of a resource's output types

    output_types = _types.resource_types(BackupCopy)
    for name in (*INPUT_ORDER, *OUTPUT_NAMES):
        attribute = inspect.getattr_static(BackupCopy, name)
        assert isinstance(attribute, property) and attribute.fset is None, name
        assert "pulumi.Output[" in str(inspect.get_annotations(attribute.fget)["return"]), name
        assert name in output_types, name
    assert output_types["progress_percent"] is int and output_types["size_in_bytes"] is int
    # Read once per class, not per resource: annotations on the class would be evaluated at every registration.
    assert not inspect.get_annotations(BackupCopy)
