"""The docstring examples of ft.data run and give what they show."""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import funtorch as ft

MODULES = ["funtorch.data"] + [f"funtorch.data.{m.name}"
                               for m in pkgutil.iter_modules(ft.data.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), extraglobs={"ft": ft, "np": np},
                             optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
