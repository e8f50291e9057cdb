"""Generate the schema's typed and documented forms from ``pulumi_fsx_copy/rules/schema.py``.

``python tools/schema_codegen.py`` writes ``pulumi_fsx_copy/resource_generated.py`` whole (``BackupCopyArgs``, and
``BackupCopyBase``: the keyword form of the constructor and the typed output attributes, which ``resource.py``'s
``BackupCopy`` completes) and rewrites the generated blocks of ``README.md`` (between ``<!-- generated: NAME -->``
and ``<!-- /generated: NAME -->``: the inputs and outputs tables, the hidden ones' with their keys in the state).
``--check`` only says whether they are current (``tests/unit/test_schema_codegen.py`` runs it). What typing allows
is derived at import instead (``INPUT_ORDER``, defaults, replacing fields...).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _load_schema() -> ModuleType:
    """``schema.py`` alone (it imports only the standard library): the package may not import while the
    generated module is missing."""
    spec = importlib.util.spec_from_file_location("_schema", REPO / "pulumi_fsx_copy" / "rules" / "schema.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


_SCHEMA = _load_schema()
INPUTS: tuple[Any, ...] = _SCHEMA.INPUTS
OUTPUTS: tuple[Any, ...] = _SCHEMA.OUTPUTS
InputField = Any

GENERATED = REPO / "pulumi_fsx_copy" / "resource_generated.py"
README = REPO / "README.md"
ON_CHANGE = {"replace": "replace", "update": "**update in place**", "record": "recorded, never replaces"}


def _user_inputs() -> list[InputField]:
    return [field for field in INPUTS if not field.hidden]


def _input_annotation(field: InputField) -> str:
    hint = f"pulumi.Input[{field.python_type}]"
    return hint if field.required else f"{hint} | None"


def args_class() -> str:
    """``BackupCopyArgs``, in the style of pulumi-random's generated SDK."""
    lines = [
        "@pulumi.input_type",
        "class BackupCopyArgs:",
        '    """The inputs of a :class:`BackupCopy`."""',
        "",
        "    def __init__(",
        "        __self__,",
        "        *,",
    ]
    for field in _user_inputs():
        default = "" if field.required else " = None"
        lines.append(f"        {field.name}: {_input_annotation(field)}{default},")
    lines.append("    ) -> None:")
    for field in _user_inputs():
        if field.required:
            lines.append(f'        pulumi.set(__self__, "{field.name}", {field.name})')
        else:
            lines.append(f"        if {field.name} is not None:")
            lines.append(f'            pulumi.set(__self__, "{field.name}", {field.name})')
    for field in _user_inputs():
        hint = _input_annotation(field)
        lines += [
            "",
            "    @property",
            f'    @pulumi.getter(name="{field.name}")',
            f"    def {field.name}(self) -> {hint}:",
            f'        """{field.doc}"""',
            f'        return pulumi.get(self, "{field.name}")  # type: ignore[no-any-return]',
            "",
            f"    @{field.name}.setter",
            f"    def {field.name}(self, value: {hint}) -> None:",
            f'        pulumi.set(self, "{field.name}", value)',
        ]
    return "\n".join(lines)


def output_attributes() -> str:
    """The resource's typed, documented, read-only ``pulumi.Output`` properties (pulumi-random's generated style):
    its inputs' outputs, then its outputs.

    Properties, not class annotations: the SDK reads a resource's output types on every registration, from
    annotations anew each time (``typing.get_type_hints``, about 1 ms for BackupCopy's), from ``@pulumi.getter``
    properties once per class.
    """
    attributes = [(f.name, f.output_type or f.python_type, f.output_doc or f.doc) for f in _user_inputs()]
    attributes += [(o.name, o.python_type, o.doc) for o in OUTPUTS if not o.hidden]
    lines: list[str] = []
    for name, python_type, doc in attributes:
        lines += [
            "",
            "    @property",
            f'    @pulumi.getter(name="{name}")',
            f"    def {name}(self) -> pulumi.Output[{python_type}]:",
            f'        """{doc}"""',
            f'        return pulumi.get(self, "{name}")  # type: ignore[no-any-return]',
        ]
    return "\n".join(lines)


def constructor() -> str:
    """``BackupCopyBase.__init__``: the keyword form, the ``BackupCopyArgs`` form, and the one that takes either and
    hands a ``BackupCopyArgs`` to the hand-written ``_declare``."""
    lines = ["    @overload", "    def __init__(", "        self,", "        resource_name: str,", "        *,"]
    for field in _user_inputs():
        default = "" if field.required else " = None"
        lines.append(f"        {field.name}: {_input_annotation(field)}{default},")
    lines += ["        opts: pulumi.ResourceOptions | None = None,", "    ) -> None: ..."]
    return "\n".join(lines) + "\n" + _CONSTRUCTOR_REST


_CONSTRUCTOR_REST = '''
    @overload
    def __init__(
        self, resource_name: str, args: BackupCopyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: BackupCopyArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Copy ``source_backup_id`` from ``source_region`` (default: ``region``) into ``region`` (default: the
        stack's ``aws:region``). Pass the inputs as keyword arguments or as one :class:`BackupCopyArgs`.
        """
        if args is not None and kwargs:
            raise TypeError(
                f"BackupCopy {resource_name!r}: pass either args=BackupCopyArgs(...) or keyword arguments, not both"
            )
        self._declare(resource_name, BackupCopyArgs(**kwargs) if args is None else args, opts)

    def _declare(self, resource_name: str, args: BackupCopyArgs, opts: pulumi.ResourceOptions | None) -> None:
        """Register the resource (``resource.BackupCopy``)."""
        raise NotImplementedError'''

HEADER = '''# Code generated by tools/schema_codegen.py; DO NOT EDIT.
"""BackupCopy's typed forms, generated from ``schema.py``: :class:`BackupCopyArgs`, and :class:`BackupCopyBase`
(the constructor's keyword and ``BackupCopyArgs`` forms, the typed output attributes) that ``resource.BackupCopy``
completes. Change ``schema.py``, then run ``python tools/schema_codegen.py``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

import pulumi
import pulumi.dynamic

__all__ = ["BackupCopyArgs", "BackupCopyBase"]
'''


def generated_module() -> str:
    """The whole of ``resource_generated.py``, formatted."""
    base = [
        "class BackupCopyBase(pulumi.dynamic.Resource):",
        '    """A BackupCopy\'s constructor and typed outputs; ``resource.BackupCopy`` registers it (``_declare``)."""',
        "",
        constructor(),
        output_attributes(),
    ]
    text = "\n".join([HEADER, "", args_class(), "", "", *base]) + "\n"
    return _formatted(GENERATED, text)


def inputs_table() -> str:
    rows = ["| input | type | default | on change |", "|---|---|---|---|"]
    for field in _user_inputs():
        on_change = field.readme_on_change or ON_CHANGE[field.on_change]
        rows.append(f"| `{field.name}` | {field.readme_type} | {field.readme_default} | {on_change} |")
    return "\n".join(rows)


def outputs_table() -> str:
    rows = ["| output | meaning |", "|---|---|"]
    rows += [f"| `{f.name}` | {f.readme_output} |" for f in _user_inputs() if f.readme_output]
    rows += [f"| `{o.name}` | {o.readme} |" for o in OUTPUTS if not o.hidden]
    return "\n".join(rows)


def hidden_inputs_table() -> str:
    """The hidden inputs, under the keys the engine's property bags (and the state) hold them."""
    rows = ["| hidden input (key in the state) | what it holds | on change |", "|---|---|---|"]
    rows += [f"| `{f.key}` | {f.doc} | {ON_CHANGE[f.on_change]} |" for f in INPUTS if f.hidden]
    return "\n".join(rows)


def hidden_outputs_table() -> str:
    """The hidden outputs, under the keys the state holds them."""
    rows = ["| hidden output (key in the state) | what it holds |", "|---|---|"]
    rows += [f"| `{o.key}` | {o.readme} |" for o in OUTPUTS if o.hidden]
    return "\n".join(rows)


BLOCKS: dict[str, Callable[[], str]] = {
    "inputs": inputs_table,
    "hidden inputs": hidden_inputs_table,
    "outputs": outputs_table,
    "hidden outputs": hidden_outputs_table,
}
"""README.md's generated blocks."""


def _formatted(path: Path, text: str) -> str:
    """``text`` as ``ruff format`` leaves it (the project's style)."""
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run(
        [str(ruff if ruff.exists() else "ruff"), "format", "--stdin-filename", str(path), "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return done.stdout


def readme(text: str) -> str:
    """``text`` (README.md) with every generated block rewritten."""
    for name, make in BLOCKS.items():
        start, end = f"<!-- generated: {name} -->", f"<!-- /generated: {name} -->"
        pattern = re.compile(rf"(^{re.escape(start)}\n)(.*?)(^{re.escape(end)}$)", re.S | re.M)
        if not pattern.search(text):
            raise SystemExit(f"{README.name}: no block between {start!r} and {end!r}")
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + "\n" + m.group(3), text, count=1)
    return text


def rendered() -> dict[Path, str]:
    """Each generated file as the schema makes it now."""
    return {GENERATED: generated_module(), README: readme(README.read_text())}


def stale() -> list[Path]:
    """The generated files that differ from what the schema generates now."""
    return [path for path, text in rendered().items() if not path.exists() or path.read_text() != text]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        old = stale()
        for path in old:
            print(f"{path.relative_to(REPO)} is stale: run `python tools/schema_codegen.py`")
        return 1 if old else 0
    for path, text in rendered().items():
        path.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
