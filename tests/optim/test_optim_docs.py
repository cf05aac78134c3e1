"""The docstring examples of ft.optim run and give what they show."""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import funtorch as ft

MODULES = (["funtorch.optim", "funtorch.optim.lr_scheduler"]
           + [f"funtorch.optim.{m.name}" for m in pkgutil.iter_modules(ft.optim.__path__)
              if m.name != "lr_scheduler"]
           + [f"funtorch.optim.lr_scheduler.{m.name}"
              for m in pkgutil.iter_modules(ft.optim.lr_scheduler.__path__)])


def _example_globals():
    """The names the examples assume: a model, an optimizer on it, a params/grads pair."""
    if not hasattr(ft, "nn"):
        pytest.skip("ft.nn is not importable")
    model = ft.nn.Linear(3, 1)
    head = ft.nn.Linear(1, 1)
    x, y = ft.ones((4, 3)), ft.zeros((4, 1))
    params = {"w": ft.ones((2, 2)), "b": ft.zeros(2)}
    return {"ft": ft, "np": np, "model": model, "head": head, "x": x, "y": y,
            "opt": ft.optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
            "loss_fn": ft.nn.functional.mse_loss, "params": params,
            "grads": ft.tree.map(ft.ones_like, params), "validation_loss": 0.5,
            "train_one_epoch": lambda opt: None, "EmptyState": ft.optim.EmptyState}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), extraglobs=_example_globals(),
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
