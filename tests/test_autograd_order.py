"""The order in which ``backward()`` runs tensor hooks, against torch 2.13 (the scenarios
and their generator are in ``tests/fixtures/make_hook_order_fixtures.py``)."""

from __future__ import annotations

import importlib.util
import json
import pathlib

import numpy as np
import pytest

import funtorch as ft

_GEN = pathlib.Path(__file__).parent / "fixtures" / "make_hook_order_fixtures.py"
_spec = importlib.util.spec_from_file_location("make_hook_order_fixtures", _GEN)
scenarios = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scenarios)
_REFERENCE = json.loads(scenarios.PATH.read_text())


@pytest.mark.parametrize("name", sorted(scenarios.SCENARIOS))
def test_hook_order_matches_torch(name):
    assert scenarios.SCENARIOS[name](ft) == _REFERENCE[name]


def test_backward_inputs_fill_a_non_leaf_grad_and_skip_the_rest():
    x = ft.ones(3, dtype=ft.float64, requires_grad=True)
    h = x * 2
    (h * h).sum().backward(inputs=[h])
    assert h.grad.tolist() == [4.0, 4.0, 4.0]  # 2h, as torch
    assert x.grad is None


def test_second_order_through_the_level0_walk():
    x = ft.ones(3, dtype=ft.float64, requires_grad=True)
    (g,) = ft.autograd.grad(ft.exp(x * 2).sum(), [x], create_graph=True)
    g.sum().backward()  # d/dx sum(2 exp(2x)) = 4 exp(2x)
    np.testing.assert_allclose(x.grad.numpy(), 4 * np.exp(2.0) * np.ones(3), rtol=1e-12)


def test_a_hook_that_raises_stops_backward_with_the_nodes_it_ran_freed():
    x = ft.ones(2, dtype=ft.float64, requires_grad=True)
    y = (x * 3).sum()
    handle = x.register_hook(lambda g: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        y.backward()
    handle.remove()
    with pytest.raises(RuntimeError, match="second time"):  # as torch: mul and sum ran
        y.backward()
    z = (x * 3).sum()
    z.backward()
    assert x.grad.tolist() == [3.0, 3.0]
