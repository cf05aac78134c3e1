"""The docstrings the Array method factories write (``ops/method_forms.py``) name the
method's own arguments and show it in method form; the torch spellings used as methods
(``x.cross``) document and raise what they say."""

import inspect

import pytest

import funtorch as ft
from funtorch.ops import inplace, method_forms, methods


@pytest.mark.parametrize("name", [n for n in methods._METHODS
                                  if getattr(ft.Array, n).__module__ == methods.__name__])
def test_forwarded_method_documents_its_own_arguments(name):
    doc = inspect.getdoc(getattr(ft.Array, name))
    fn = getattr(ft.ops, name)
    first = method_forms.first_parameter(fn)
    args = method_forms.sections(doc)[1]["Args"]
    assert first not in [arg for arg, _ in method_forms.entries(args)]
    assert f".{name}(" in method_forms.sections(doc)[1]["Example"]


@pytest.mark.parametrize("example, name, expected", [
    ("ft.exp(ft.array([0.5, 1.0])).tolist()", "exp", "ft.array([0.5, 1.0]).exp().tolist()"),
    ("ft.take(ft.ones((2, 2)), [1], axis=1)", "take", "ft.ones((2, 2)).take([1], axis=1)"),
    ("ft.exp([1.0, 2.0])", "exp", "ft.array([1.0, 2.0]).exp()"),
    ("ft.exp(x + 1)", "exp", "(x + 1).exp()"),
    ("ft.log(ft.exp(x))", "log", "ft.exp(x).log()"),
    ("ft.log(ft.exp(x))", "exp", "ft.log(x.exp())"),
])
def test_rewrite_example_calls_the_method(example, name, expected):
    assert method_forms.rewrite_example(example, name, name) == expected


def test_numpy_keywords_are_documented_as_the_method_treats_them():
    doc = inspect.getdoc(ft.Array.round)
    assert "decimals:" in doc and "out: must be None" in doc
    assert "TypeError: ``out`` is not None, or ``where`` is given" in doc


def test_cross_without_a_size_3_dimension_names_the_fix():
    with pytest.raises(ValueError, match=r"cross: no dimension of size 3 .*\(2,\); pass dim="):
        ft.array([1.0, 2.0]).cross(ft.array([3.0, 4.0]))
    assert ft.array([1.0, 0.0, 0.0]).cross(ft.array([0.0, 1.0, 0.0])).tolist() == [0.0, 0.0, 1.0]


_INPLACE = [name + "_" for name in inplace.INPLACE] + list(inplace._SPECIAL)


@pytest.mark.parametrize("name", _INPLACE)
def test_inplace_method_documents_what_it_rebinds(name):
    doc = inspect.getdoc(getattr(ft.Array, name))
    parts = method_forms.sections(doc)[1]
    assert {"Args", "Returns", "Raises", "Example"} <= parts.keys()
    assert parts["Returns"].startswith("``x`` itself")
    assert f"x.{name}(" in parts["Example"] and "is x\nTrue" in parts["Example"]


@pytest.mark.parametrize("name", ["add_", "clamp_", "index_add_", "lerp_", "masked_fill_"])
def test_inplace_args_are_the_pure_functions_but_the_array(name):
    fn = getattr(ft.ops, name[:-1])
    fn = getattr(fn, "torch_spelling", fn)
    documented = [arg for arg, _ in method_forms.entries(method_forms.sections(
        inspect.getdoc(getattr(ft.Array, name)))[1]["Args"])]
    assert documented == list(inspect.signature(fn).parameters)[1:len(documented) + 1]
