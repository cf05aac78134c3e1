"""The torch-style Array methods of funtorch/ops/tensor_methods.py: what they call, and the
docstrings their factories write from the functions they wrap (funtorch/ops/torch_method_docs.py)."""

import inspect

import numpy as np
import pytest

import funtorch as ft
from funtorch.ops import tensor_methods as TM
from funtorch.ops.torch_method_docs import _as_method, _drop_arg, method_doc

VALUES = np.arange(6).reshape(2, 3)


@pytest.mark.parametrize("dim, index, expected", [
    (0, 1, VALUES[1]), (1, -1, VALUES[:, -1]), (-1, 0, VALUES[:, 0]), (0, -2, VALUES[0])])
def test_select_is_torch_select(dim, index, expected):
    # was NumPy's select(condlist, choicelist), which failed on x.select(0, 1)
    out = ft.array(VALUES).select(dim, index)
    np.testing.assert_array_equal(np.asarray(out), expected)


@pytest.mark.parametrize("line, expected", [
    (">>> ft.sum(ft.ones((2, 3)), dim=1).shape", ">>> ft.ones((2, 3)).sum(dim=1).shape"),
    (">>> ft.add(x, 2.0, alpha=3).tolist()", ">>> x.add(2.0, alpha=3).tolist()"),
    (">>> ft.exp([0.0]).tolist()", ">>> ft.asarray([0.0]).exp().tolist()"),
    (">>> ft.exp(x + 1)", ">>> (x + 1).exp()"),
    (">>> y = 2 * x", ">>> y = 2 * x"),
    (">>> ft.neg(x), ft.neg(ft.neg(y))", ">>> x.neg(), y.neg().neg()"),
])
def test_examples_are_rewritten_in_method_form(line, expected):
    name = line.split("ft.", 1)[1].split("(")[0] if "ft." in line else "f"
    assert _as_method(line, (name,), name) == expected


def test_the_array_argument_leaves_args():
    lines = ["    x: an array.", "        more about x.", "    n: the count."]
    assert _drop_arg(lines, "x") == ["    n: the count."]
    assert _drop_arg(["    a, b: arrays."], "a") == ["    b: arrays."]
    assert _drop_arg(lines, "input") == []  # the first entry is not the array: nothing kept


def test_method_doc_sections():
    def scale(x: object, factor: float = 2.0) -> object:
        """Multiply.

        Args:
            x: an array.
            factor: the factor.

        Returns:
            ``x * factor``.

        Example:
            >>> ft.scale(ft.array([1.0]), 3.0)
        """
    doc = method_doc("scale", scale)
    assert "x: an array" not in doc and "factor: the factor." in doc
    assert ">>> ft.array([1.0]).scale(3.0)" in doc and "Returns:\n    ``x * factor``." in doc


@pytest.mark.parametrize("name", sorted(set(TM._FORWARDED) | set(TM._CLASHING)))
def test_method_docstrings_have_sections_in_method_form(name):
    method = getattr(ft.Array, name)
    if method.__module__ != TM.__name__:
        pytest.skip("defined by ops/methods.py")
    doc = inspect.getdoc(method)
    assert "Returns:" in doc and ">>>" in doc
    assert f"ft.{name}(" not in doc  # the example calls the method


def test_signatures_come_from_annotated_functions():
    assert list(inspect.signature(ft.Array.acos).parameters) == ["self"]
    assert list(inspect.signature(ft.Array.clone).parameters) == ["self", "memory_format"]
    assert list(inspect.signature(ft.Array.add).parameters) == ["self", "args", "kwargs"]
