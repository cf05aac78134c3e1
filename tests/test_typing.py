"""The typed, documented public surface: static ``__all__`` lists, mypy on ``tests/typing/``
snippets, and a walk of every namespace the API reference has a page for
(``tools/annotation_walk.py``) that fails on a public function, method or class without
complete annotations or without a docstring, and on a docstring section (Args, Returns,
Raises, example) missing that ``tools/docstring_gaps.txt`` does not list.

mypy, not pyright: mypy is a pure-Python wheel on PyPI (in the ``test`` extra), so the check
runs wherever the tests do; pyright needs Node.
"""

from __future__ import annotations

import importlib
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import pytest

import funtorch as ft

ROOT = pathlib.Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests" / "typing"
sys.path.insert(0, str(ROOT / "tools"))
import static_all  # noqa: E402
import annotation_walk  # noqa: E402
import gen_stubs  # noqa: E402

sys.path.remove(str(ROOT / "tools"))


@pytest.mark.parametrize("name", sorted(static_all.MODULES))
def test_static_all_is_the_runtime_namespace(name):
    """The literal ``__all__`` a type checker reads lists exactly what the module exports at
    runtime (regenerate with ``python tools/static_all.py``)."""
    module = importlib.import_module(name)
    assert sorted(module.__all__) == module.__all__ == static_all.runtime_names(name), (
        f"{name}.__all__ differs from the runtime namespace: run `python tools/static_all.py`")


@pytest.mark.parametrize("path", sorted(gen_stubs.STUBS))
def test_generated_stubs_are_current(path):
    """The stubs of the namespaces built at import time declare exactly today's names
    (regenerate with ``python tools/gen_stubs.py``)."""
    assert (ROOT / path).read_text() == gen_stubs.STUBS[path](), (
        f"{path} is stale: run `python tools/gen_stubs.py`")


def test_py_typed_ships():
    assert (ROOT / "funtorch" / "py.typed").is_file()
    assert '"py.typed"' in (ROOT / "pyproject.toml").read_text()


def _expected_errors(path: pathlib.Path) -> set[tuple[int, str]]:
    """``(line, code)`` for every ``# E: <code>`` comment in a snippet."""
    found = set()
    for number, line in enumerate(path.read_text().splitlines(), 1):
        found |= {(number, code) for code in re.findall(r"# E: ([a-z-]+)", line)}
    return found


def test_mypy_strict_on_snippets():
    """``pass_*.py`` type-check cleanly under ``mypy --strict``; each ``fail_*.py`` line marked
    ``# E: <code>`` gets exactly that error and nothing else is reported.

    The stubs (``funtorch/**/*.pyi``) and ``funtorch/typing.py`` are checked strictly with them.
    The rest of the package is followed with ``--follow-imports=silent``: its signatures (all
    annotated: ``test_every_public_function_is_annotated``) are used, but errors inside
    function bodies (annotated for callers, not checked themselves) are not reported. The
    cache lives under the temp dir: a warm run takes a few seconds, a cold one ~20 s.
    """
    mypy = pytest.importorskip("mypy.api", reason="mypy is in the test extra")
    cache = pathlib.Path(tempfile.gettempdir()) / "funtorch-mypy-cache"
    snippets = sorted(TYPING.glob("*.py"))
    # the hand-written and generated stubs and funtorch.typing are checked strictly too
    package = [ROOT / "funtorch" / "typing.py", *sorted((ROOT / "funtorch").rglob("*.pyi"))]
    env_path = os.environ.get("MYPYPATH")
    os.environ["MYPYPATH"] = str(ROOT)
    try:
        out, err, _ = mypy.run(["--strict", "--follow-imports=silent", "--no-error-summary",
                                "--show-error-codes", "--no-pretty", "--cache-dir", str(cache),
                                "--config-file", str(ROOT / "pyproject.toml"),
                                *map(str, snippets + package)])
    finally:
        if env_path is None:
            del os.environ["MYPYPATH"]
        else:
            os.environ["MYPYPATH"] = env_path
    assert not err, err
    got: dict[str, set[tuple[int, str]]] = {}
    for line in out.splitlines():
        match = re.match(r"(.+?):(\d+): error: .*\[([a-z-]+)\]$", line)
        if match:
            got.setdefault(pathlib.Path(match[1]).name, set()).add((int(match[2]), match[3]))
    assert not {name for name in got if name.endswith(".pyi") or name == "typing.py"}, out
    for path in snippets:
        expected = _expected_errors(path)
        if path.name.startswith("pass_"):
            assert not expected, f"{path.name}: a pass_ snippet carries `# E:` marks"
        else:
            assert expected, f"{path.name}: a fail_ snippet without `# E: <code>` marks"
        assert got.get(path.name, set()) == expected, (
            f"{path.name}: mypy reported\n{out}")


def test_every_public_function_is_annotated():
    """Every public function, method and class of the walked namespaces has every parameter
    and its return annotated (``tools/annotation_walk.py``; no allow-list)."""
    missing = annotation_walk.unannotated()
    assert not missing, f"not annotated: {missing[:20]} (annotate them)"


def test_defaults_match_their_annotations():
    """A default contradicting a simple annotation (``order: str = 1``) is an annotation bug
    that mypy reports only when it checks the defining module; the walk finds them all."""
    assert not annotation_walk.default_mismatches()


def test_every_public_name_has_a_docstring():
    """Every public function and class (and ``ft.stats`` distribution function) has a
    docstring with a summary line: Sphinx's autodoc would list it with nothing to say."""
    missing = annotation_walk.undocumented()
    assert not missing, f"no docstring: {missing[:20]}"


def test_every_public_method_has_a_docstring():
    """Every method and property of the public classes has a docstring, its own or one
    inherited from the method it overrides (``Module.forward``'s), except the few
    ``MEMBERS_UNDOCUMENTED`` names with their reason; that list only shrinks."""
    missing = set(annotation_walk.undocumented_members())
    listed = annotation_walk.MEMBERS_UNDOCUMENTED
    assert not missing - set(listed), f"no docstring: {sorted(missing - set(listed))[:20]}"
    assert not set(listed) - missing, (
        f"documented now, remove from MEMBERS_UNDOCUMENTED: {sorted(set(listed) - missing)}")


def test_docstring_sections_only_get_filled():
    """A public name's docstring has ``Args:`` (when it takes arguments), ``Returns:`` (when
    it returns a value), ``Raises:`` (when its body raises) and a ``>>>`` example, unless
    ``tools/docstring_gaps.txt`` lists that section as missing; a filled section must leave
    the list, which only shrinks (``python tools/annotation_walk.py --write``)."""
    gaps, listed = annotation_walk.docstring_gaps(), annotation_walk.listed_gaps()
    new = {name: sorted(set(parts) - listed.get(name, set())) for name, parts in gaps.items()}
    new = {name: parts for name, parts in new.items() if parts}
    assert not new, f"docstrings without these sections: {dict(list(new.items())[:10])}"
    filled = {name: sorted(parts - set(gaps.get(name, ()))) for name, parts in listed.items()}
    filled = {name: parts for name, parts in filled.items() if parts}
    assert not filled, (f"filled now, remove from tools/docstring_gaps.txt (or run "
                        f"`python tools/annotation_walk.py --write`): "
                        f"{dict(list(filled.items())[:10])}")


def test_typing_aliases():
    from funtorch import typing as T

    assert ft.typing is T and T.Array is ft.Array and T.Key is ft.Array
    assert T.Shape == tuple[int, ...]


# hand-written stubs (a .pyi shadows its .py for a type checker, so one exists only where
# the runtime module cannot carry the types itself) -> the functions they declare
STUBS = {"funtorch.core": ["Primitive.__init__", "bind", "wrap"]}


def _stub_tree(module_name):
    import ast

    path = ROOT / (module_name.replace(".", "/") + ".pyi")
    return ast.parse(path.read_text())


@pytest.mark.parametrize("module_name", sorted(STUBS))
def test_stub_signatures_match_runtime(module_name):
    """A hand-written ``.pyi`` stub (for a module whose names are attached at runtime)
    declares functions with the runtime's parameter names, kinds and order (keyword-only
    ones: a subset, when the stub ends with ``**kwargs``)."""
    import ast
    import inspect

    module = importlib.import_module(module_name)
    declared = {}
    for node in _stub_tree(module_name).body:
        if isinstance(node, ast.FunctionDef) and node.name != "__getattr__":
            declared[node.name] = node  # the last overload: all share the parameter list
        elif isinstance(node, ast.ClassDef) and node.name != "Array":
            declared.update({f"{node.name}.{f.name}": f for f in node.body
                             if isinstance(f, ast.FunctionDef) and f.name != "__getattr__"})
    assert sorted(STUBS[module_name]) == sorted(declared)
    for name, node in declared.items():
        args = node.args
        stub = ([a.arg for a in args.posonlyargs + args.args]
                + ([f"*{args.vararg.arg}"] if args.vararg else []))
        target = module
        for part in name.split("."):
            target = getattr(target, part)
        params = inspect.signature(target).parameters.values()
        runtime = [("*" if p.kind is p.VAR_POSITIONAL else "") + p.name for p in params
                   if p.kind not in (p.VAR_KEYWORD, p.KEYWORD_ONLY)]
        keywords = [p.name for p in params if p.kind is p.KEYWORD_ONLY]
        stub_keywords = [a.arg for a in args.kwonlyargs]
        assert stub == runtime, f"{module_name}.{name}: stub {stub}, runtime {runtime}"
        if args.kwarg is None:
            assert stub_keywords == keywords, f"{module_name}.{name}: {stub_keywords} {keywords}"
        else:
            assert set(stub_keywords) <= set(keywords), f"{module_name}.{name}: {stub_keywords}"


def test_array_stub_declares_runtime_attributes():
    """Every member ``core.pyi`` declares on ``Array`` exists on the runtime class."""
    import ast

    cls = next(n for n in _stub_tree("funtorch.core").body if isinstance(n, ast.ClassDef))
    names = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    names |= {n.target.id for n in cls.body if isinstance(n, ast.AnnAssign)}
    assert not {n for n in names - {"__getattr__"} if not hasattr(ft.Array, n)}
