"""Generate the schema's typed and documented forms from ``pulumi_fsx_copy/schema.py``.

``python tools/schema_codegen.py`` rewrites the generated blocks (between ``<generated: NAME>`` and
``</generated: NAME>`` markers) of ``pulumi_fsx_copy/resource.py`` (``BackupCopyArgs``, the keyword form of
``BackupCopy.__init__``, the output attributes) and of ``README.md`` (the inputs and outputs tables, the hidden
ones' with their keys in the state);
``--check`` only says whether they are current (``tests/unit/test_schema_codegen.py`` runs it). What typing
allows is derived at import instead (``INPUT_ORDER``, defaults, replacing fields...).
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
    """``schema.py`` alone (it imports only the standard library): the package may not import while a
    generated block is missing."""
    spec = importlib.util.spec_from_file_location("_schema", REPO / "pulumi_fsx_copy" / "schema.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


_SCHEMA = _load_schema()
INPUTS: tuple[Any, ...] = _SCHEMA.INPUTS
OUTPUTS: tuple[Any, ...] = _SCHEMA.OUTPUTS
InputField = Any

RESOURCE = REPO / "pulumi_fsx_copy" / "resource.py"
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
            "    @property",
            f'    @pulumi.getter(name="{name}")',
            f"    def {name}(self) -> pulumi.Output[{python_type}]:",
            f'        """{doc}"""',
            f'        return pulumi.get(self, "{name}")  # type: ignore[no-any-return]',
            "",
        ]
    return "\n".join(lines[:-1])


def keyword_overload() -> str:
    """The keyword form of ``BackupCopy.__init__``."""
    lines = ["    @overload", "    def __init__(", "        self,", "        resource_name: str,", "        *,"]
    for field in _user_inputs():
        default = "" if field.required else " = None"
        lines.append(f"        {field.name}: {_input_annotation(field)}{default},")
    lines += ["        opts: pulumi.ResourceOptions | None = None,", "    ) -> None: ..."]
    return "\n".join(lines)


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


BLOCKS: dict[Path, dict[str, Callable[[], str]]] = {
    RESOURCE: {"args": args_class, "attributes": output_attributes, "keyword overload": keyword_overload},
    README: {
        "inputs": inputs_table,
        "hidden inputs": hidden_inputs_table,
        "outputs": outputs_table,
        "hidden outputs": hidden_outputs_table,
    },
}


def _marker(path: Path, name: str, closing: bool) -> str:
    slash = "/" if closing else ""
    return f"<!-- {slash}generated: {name} -->" if path.suffix == ".md" else f"# <{slash}generated: {name}>"


def _formatted(path: Path, text: str) -> str:
    """``text`` as ``ruff format`` leaves it (the project's style), for Python files."""
    if path.suffix != ".py":
        return text
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


def render(path: Path, text: str) -> str:
    """``text`` (the file at ``path``) with every generated block rewritten (and formatted)."""
    for name, make in BLOCKS[path].items():
        start, end = _marker(path, name, False), _marker(path, name, True)
        pattern = re.compile(rf"(^[ \t]*{re.escape(start)}\n)(.*?)(^[ \t]*{re.escape(end)}$)", re.S | re.M)
        if not pattern.search(text):
            raise SystemExit(f"{path.name}: no block between {start!r} and {end!r}")
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + "\n" + m.group(3), text, count=1)
    return _formatted(path, text)


def stale() -> list[Path]:
    """The files whose generated blocks differ from what the schema generates now."""
    return [path for path in BLOCKS if render(path, path.read_text()) != path.read_text()]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        old = stale()
        for path in old:
            print(f"{path.relative_to(REPO)} is stale: run `python tools/schema_codegen.py`")
        return 1 if old else 0
    for path in BLOCKS:
        path.write_text(render(path, path.read_text()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
