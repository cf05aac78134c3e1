"""The docstring examples of every ``arrays_*`` module run and print what they show."""

import doctest
import importlib

import numpy as np
import pytest

import funtorch as ft

MODULES = ["join", "rearrange", "query", "select", "create", "indices", "search", "sets",
           "unique", "histogram", "apply", "dtypes"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"funtorch.ops.arrays_{name}")
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, globs={"ft": ft, "np": np}):
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} docstring example(s) failed in {name}"


def test_every_name_is_exported():
    from funtorch.ops import numpy_arrays

    missing = [n for n in numpy_arrays.__all__ if not hasattr(ft, n)]
    assert not missing and len(numpy_arrays.__all__) >= 100
