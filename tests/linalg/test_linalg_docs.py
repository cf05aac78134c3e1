"""The docstring examples of ``ft.linalg`` and ``ft.scipy.linalg`` run and print what they
say."""

import doctest
import importlib

import pytest

import funtorch as ft

MODULES = ["funtorch.linalg.basic", "funtorch.linalg.norms", "funtorch.linalg.products",
           "funtorch.linalg.spectral", "funtorch.linalg.scipy_linalg",
           "funtorch.linalg.special_matrices", "funtorch.ops.linalg_extra"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"ft": ft}, verbose=False,
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
