"""The docstring examples of ft.distributed run and give what they show (one process)."""

import doctest
import importlib

import numpy as np
import pytest

import funtorch as ft

MODULES = ["funtorch.distributed", "funtorch.distributed.process_group",
           "funtorch.distributed.ddp", "funtorch.distributed.run"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"ft": ft, "np": np},
                             optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
