"""The API reference: every public name is listed (the committed pages are what
``docs/gen_api.py`` writes today) and Sphinx builds it with warnings as errors."""

import importlib.util
import pathlib
import subprocess
import sys

import pytest

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"


def _generator():
    spec = importlib.util.spec_from_file_location("gen_api", DOCS / "gen_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_pages_list_every_public_name(tmp_path):
    _generator().main(tmp_path)
    fresh = {p.name: p.read_text() for p in tmp_path.glob("*.rst")}
    committed = {p.name: p.read_text() for p in (DOCS / "api").glob("*.rst")}
    stale = sorted(name for name in fresh.keys() | committed.keys()
                   if fresh.get(name) != committed.get(name))
    assert not stale, (f"docs/api is out of date for {stale}: run `python docs/gen_api.py` "
                       "and commit the pages")


def test_sphinx_builds_without_warnings(tmp_path):
    pytest.importorskip("sphinx", reason="the [docs] extra (sphinx) is not installed")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(DOCS), str(tmp_path / "html")],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"sphinx-build -W failed:\n{result.stdout}\n{result.stderr}"
