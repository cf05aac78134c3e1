"""``funtorch/stats/__init__.pyi`` declares every distribution function as it is at runtime
(regenerate with ``python tools/stats_stub.py``), and the runtime functions carry the same
annotations."""

import inspect
import pathlib
import sys

import pytest

import funtorch as ft

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import stats_stub  # noqa: E402

sys.path.remove(str(ROOT / "tools"))


def test_stub_is_current():
    assert stats_stub.STUB.read_text() == stats_stub.stub(), (
        "funtorch/stats/__init__.pyi is stale: run `python tools/stats_stub.py`")


@pytest.mark.parametrize("name", ft.stats.__all__)
def test_distribution_functions_are_annotated(name):
    dist = getattr(ft.stats, name)
    for method in dist._names:
        sig = inspect.signature(getattr(dist, method))
        assert sig.return_annotation == "Array", f"{name}.{method}"
        for param in sig.parameters.values():
            expected = "bool | None" if param.name == "allow_singular" else "ArrayLike"
            assert param.annotation == expected, f"{name}.{method}({param.name})"
