"""Basic indexing under ``grad`` (issue 18): ``value_and_grad`` through the four indices.

``f(x) = sum(x[3] * w0) + sum(x[3:10, ::2] * w1) + sum(x[:, None] * w2) + sum(x[..., 0] * w3)``
on a 64x64 float64 ``x`` with fixed weights ``w_i`` of each result's shape: 4 indices,
4 products, 4 sums and 3 adds. The NumPy baseline writes each weight into zeros at its
index (the VJP of a basic index). The issue's target compares the ratio to NumPy with
the ``overhead`` workload's (elementwise ops under ``value_and_grad``).
"""

from __future__ import annotations

import numpy as np

from workloads.base import Impl, baseline_and_funtorch
from workloads.indexing import four_indices, make_input

NAME = "indexing_grad"
DESCRIPTION = "value_and_grad of sums of weighted basic indices of a 64x64 float64 array"

SEED = 1


def make_weights(x):
    """Fixed weights of each index's result shape."""
    rng = np.random.default_rng(SEED)
    return tuple(rng.normal(size=np.shape(part)) for part in four_indices(x))


def loss(x, weights, total):
    """``f(x)`` with the given ``sum`` (every implementation)."""
    parts = [total(part * w) for part, w in zip(four_indices(x), weights, strict=True)]
    return parts[0] + parts[1] + parts[2] + parts[3]


def numpy_value_and_grad(x, weights):
    """Hand-written ``(f(x), grad f(x))``: each weight written into zeros at its index."""
    value = loss(x, weights, np.sum)
    grad = np.zeros_like(x)
    grad[3] += weights[0]
    grad[3:10, ::2] += weights[1]
    grad[:, None] += weights[2]
    grad[..., 0] += weights[3]
    return value, grad


def _make_numpy():
    x = make_input()
    weights = make_weights(x)
    return (lambda: numpy_value_and_grad(x, weights)), _fetch


def _make_funtorch():
    import funtorch as ft

    x = make_input()
    weights = tuple(ft.array(w) for w in make_weights(x))
    value_and_grad = ft.value_and_grad(lambda x: loss(x, weights, ft.sum))
    x = ft.array(x)
    return (lambda: value_and_grad(x)), _fetch


def _make_funtorch_jit():
    import funtorch as ft

    x = make_input()
    weights = tuple(ft.array(w) for w in make_weights(x))
    value_and_grad = ft.jit(ft.value_and_grad(lambda x: loss(x, weights, ft.sum)))
    x = ft.array(x)
    return (lambda: value_and_grad(x)), _fetch


def _make_torch():
    import torch

    x = make_input()
    weights = tuple(torch.from_numpy(w) for w in make_weights(x))
    x = torch.tensor(x, requires_grad=True)

    def step():
        x.grad = None
        value = loss(x, weights, torch.sum)
        value.backward()
        return value, x.grad

    return step, lambda out: (float(out[0].detach()), out[1].numpy())


def _fetch(out):
    value, grad = out
    return float(np.asarray(value)), np.asarray(grad)


IMPLEMENTATIONS = (
    *baseline_and_funtorch(_make_numpy, _make_funtorch, _make_funtorch_jit),
    Impl("torch", _make_torch),
)


def check():
    """Assert the hand-written gradient against finite differences and funtorch's."""
    import funtorch as ft

    x = make_input()
    weights = make_weights(x)
    value, grad = numpy_value_and_grad(x, weights)
    direction = np.random.default_rng(2).normal(size=x.shape)
    eps = 1e-6
    finite_diff = (loss(x + eps * direction, weights, np.sum)
                   - loss(x - eps * direction, weights, np.sum)) / (2 * eps)
    np.testing.assert_allclose(np.sum(grad * direction), finite_diff, rtol=1e-6,
                               err_msg="indexing_grad: numpy backward vs finite differences")
    ft_weights = tuple(ft.array(w) for w in weights)
    ft_value, ft_grad = _fetch(ft.value_and_grad(lambda x: loss(x, ft_weights, ft.sum))(
        ft.array(x)))
    np.testing.assert_allclose(ft_value, value, rtol=1e-12)
    np.testing.assert_allclose(ft_grad, grad, rtol=1e-12, atol=1e-15,
                               err_msg="indexing_grad: funtorch grad vs numpy")
    return "numpy backward == finite differences == funtorch grad (float64)"


def compare(result, reference):
    """Assert one implementation's ``(value, grad)`` equals the baseline's."""
    np.testing.assert_allclose(result[0], reference[0], rtol=1e-12)
    np.testing.assert_allclose(result[1], reference[1], rtol=1e-12, atol=1e-15)
