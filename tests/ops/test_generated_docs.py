"""The generated table of Array method docstrings (funtorch/ops/generated_docs.py, written by
tools/gen_method_docs.py) is what the factories' code writes, byte for byte, and the import
uses it for every one of them (no docstring is written at import)."""

import json
import pathlib
import subprocess
import sys

import funtorch as ft
from funtorch.ops import doc_cache, generated_docs

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import gen_method_docs  # noqa: E402

sys.path.remove(str(ROOT / "tools"))

_STALE = "funtorch/ops/generated_docs.py is stale: run `python tools/gen_method_docs.py`"


def test_every_factory_docstring_is_in_the_table():
    assert sorted(doc_cache.BUILDERS) == sorted(generated_docs.DOCS), _STALE


def test_the_table_is_what_the_code_writes():
    built = gen_method_docs.built()
    stale = sorted(key for key in built if built[key] != generated_docs.DOCS.get(key))
    assert not stale, f"{_STALE} ({len(stale)} differ: {stale[:5]}...)"
    assert (ROOT / gen_method_docs.PATH).read_text() == gen_method_docs.render(built), _STALE


_DUMP = """
import json, sys
sys.path[:0] = [{root!r}, {tools!r}]
import gen_method_docs
gen_method_docs.without_table()
import funtorch as ft
print(json.dumps({{name: getattr(ft.Array, name).__doc__ for name in dir(ft.Array)}}))
"""


def test_an_import_without_the_table_writes_the_same_docstrings():
    """Every Array attribute's docstring, byte for byte, as an import that writes them all
    with the factories' code (an empty table) makes them."""
    script = _DUMP.format(root=str(ROOT), tools=str(ROOT / "tools"))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    written = json.loads(out.stdout)
    assert written == {name: getattr(ft.Array, name).__doc__ for name in dir(ft.Array)}


def test_a_key_missing_from_the_table_is_written_by_its_code():
    try:
        assert doc_cache.doc("test.missing", lambda: "Written.\n") == "Written.\n"
    finally:
        doc_cache.BUILDERS.pop("test.missing", None)
