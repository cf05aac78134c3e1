"""Write static ``__all__`` literals into funtorch's namespace modules.

Type checkers read ``__all__`` only when it is a literal list: it is what makes the names a
package re-exports (``ft.grad``, ``ft.nn.Linear``) public to ``mypy --strict`` (no implicit
re-export). Several namespaces are assembled at import time (star imports, generated
functions), so this script imports them, applies the rule below and rewrites each literal.
Run ``python tools/static_all.py`` after adding a public name; ``tests/test_typing.py``
fails while a literal and the runtime namespace differ.

Rule: every public (no leading ``_``) non-module name the module holds after import, plus
the submodules its source imports by name (``from funtorch import nn``), minus ``EXCLUDE``.
"""

from __future__ import annotations

import ast
import importlib
import pathlib
import sys
import types

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# module -> names held but not exported (helpers imported for the module's own use)
MODULES: dict[str, frozenset[str]] = {
    "funtorch": frozenset({"annotations", "typing"}),  # `import *` must not shadow typing
    "funtorch.ops": frozenset({"annotations", "normalize_axis"}),
    "funtorch.ops.numpy_math": frozenset({"annotations"}),
    "funtorch.ops.numpy_arrays": frozenset({"annotations"}),
    "funtorch.nn": frozenset({"annotations"}),
    "funtorch.nn.functional": frozenset({"annotations"}),
    "funtorch.optim": frozenset({"annotations"}),
    "funtorch.testing": frozenset({"annotations"}),
    "funtorch.transforms": frozenset({"annotations"}),
}
# submodules a namespace imports only for their side effects (not part of its surface)
HIDDEN_SUBMODULES = {"funtorch.ops": True}
MARK = "# static: tools/static_all.py writes this list (tests/test_typing.py checks it)"


def source_path(module: types.ModuleType) -> pathlib.Path:
    return pathlib.Path(module.__file__ or "")


def imported_submodules(module: types.ModuleType) -> set[str]:
    """Names bound to submodules by the module's own import statements."""
    tree = ast.parse(source_path(module).read_text())
    found = set()
    for node in tree.body:  # top level only: not the TYPE_CHECKING block of lazy names
        if isinstance(node, ast.ImportFrom) and node.module == module.__name__:
            found |= {a.asname or a.name for a in node.names}
    return {name for name in found if not name.startswith("_")
            and isinstance(getattr(module, name, None), types.ModuleType)}


def runtime_names(name: str) -> list[str]:
    module = importlib.import_module(name)
    lazy = set(getattr(module, "_LAZY", ()))
    names = {n for n, v in vars(module).items() if not n.startswith("_")
             and not isinstance(v, types.ModuleType)} - MODULES[name] - lazy
    if not HIDDEN_SUBMODULES.get(name):
        names |= imported_submodules(module) - MODULES[name] - lazy
    return sorted(names)


def literal(names: list[str]) -> str:
    lines, line = [], "    "
    for n in names:
        item = f'"{n}", '
        if len(line) + len(item) > 99:
            lines.append(line.rstrip())
            line = "    "
        line += item
    lines.append(line.rstrip())
    return f"{MARK}\n__all__ = [\n" + "\n".join(lines) + "\n]\n"


def rewrite(name: str) -> bool:
    module = importlib.import_module(name)
    path = source_path(module)
    text = path.read_text()
    new = literal(runtime_names(name))
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    for node in tree.body:
        targets = (node.targets if isinstance(node, ast.Assign) else
                   [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            start = node.lineno - 1
            if start and lines[start - 1].startswith(MARK):
                start -= 1
            out = "".join(lines[:start]) + new + "".join(lines[node.end_lineno:])
            break
    else:
        raise SystemExit(f"{path}: add a placeholder `__all__ = []` where the list belongs")
    if out != text:
        path.write_text(out)
    return out != text


if __name__ == "__main__":
    for mod in MODULES:
        print(("rewrote " if rewrite(mod) else "unchanged ") + mod)
