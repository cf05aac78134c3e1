"""The docstring examples of ``ft.special`` run and print what they say."""

import doctest
import importlib

import pytest

import funtorch as ft

MODULES = ["funtorch.special", "funtorch.special._bessel", "funtorch.special._error",
           "funtorch.special._expint", "funtorch.special._gamma", "funtorch.special._hyper",
           "funtorch.special._incomplete", "funtorch.special._misc"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"ft": ft}, verbose=False,
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"


def test_scipy_spelling_is_the_same_module():
    assert ft.scipy.special is ft.special
    assert ft.special.erf is ft.erf
