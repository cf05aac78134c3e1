"""``backward()`` has two walks over the level-0 tape: the heap walk when nothing can
observe the order (no hook ever registered, no ``inputs=``, no anomaly mode; the walk found
by ``autograd_engine._by_creation``), and PyTorch's ready queue (``_Schedule``) otherwise.
Other tests register hooks, after which the first walk never runs in their process, so
every scenario here runs under both and must give bitwise the same gradients."""

from __future__ import annotations

import numpy as np
import pytest

import funtorch as ft
from funtorch import autograd_hooks


def _shared_subgraph(ft):
    x = ft.tensor([0.3, -0.2, 0.9], dtype=ft.float64, requires_grad=True)
    w = ft.tensor([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]], dtype=ft.float64, requires_grad=True)
    h = ft.tanh(w @ x)
    y = (h * h).sum() + (h * 3.0).sum() + ft.sin(x).sum() * h.sum()
    return y, (x, w)


def _multiple_results(ft):
    x = ft.tensor(np.linspace(-1.0, 1.0, 6), dtype=ft.float64, requires_grad=True)
    a, b, c = ft.split(x * 2.0, 3)
    y = (a * b).sum() + ft.exp(c).sum() + (b * 0.5).sum()
    return y, (x,)


def _reused_leaf_and_scalars(ft):
    x = ft.tensor([1.5, -0.5], dtype=ft.float64, requires_grad=True)
    y = x
    for _ in range(20):
        y = ft.sin(y) * 0.9 + x * x * 0.01 - ft.tanh(y) + 2
    return y.sum(), (x,)


def _two_roots_float32(ft):
    x = ft.tensor([0.25, 0.5, 0.75], dtype=ft.float32, requires_grad=True)
    h = ft.exp(x)
    return [h.sum(), (h * x).mean()], (x,)


class _Cube(ft.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x)
        return x * x * x + y

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x * x, None  # None: y gets no gradient from here


def _function_and_none_grad(ft):
    x = ft.tensor([0.5, -1.5], dtype=ft.float64, requires_grad=True)
    y = ft.tensor([2.0, 3.0], dtype=ft.float64, requires_grad=True)
    z = ft.tensor([1.0, 1.0], dtype=ft.float64, requires_grad=True)
    out = (_Cube.apply(ft.sin(x), y) * 2.0 + z * x).sum()
    return out, (x, z)


def _recurrent_layer(ft):
    ft.manual_seed(0)
    rnn = ft.nn.GRU(3, 4, batch_first=True).double()
    x = ft.tensor(np.linspace(-1, 1, 2 * 5 * 3).reshape(2, 5, 3), dtype=ft.float64,
                  requires_grad=True)
    out, h = rnn(x)
    return (out * out).sum() + h.sum(), (x, *rnn.parameters())


SCENARIOS = {"function_and_none_grad": _function_and_none_grad,
             "recurrent_layer": _recurrent_layer,"shared_subgraph": _shared_subgraph, "multiple_results": _multiple_results,
             "reused_leaf_and_scalars": _reused_leaf_and_scalars,
             "two_roots_float32": _two_roots_float32}


def _grads(name, registered, monkeypatch):
    monkeypatch.setattr(autograd_hooks, "registered", registered)
    out, leaves = SCENARIOS[name](ft)
    ft.autograd.backward(out if isinstance(out, list) else [out])
    return [leaf.grad.numpy() for leaf in leaves]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_both_walks_give_the_same_gradients(name, monkeypatch):
    heap = _grads(name, False, monkeypatch)
    queue = _grads(name, True, monkeypatch)
    for a, b in zip(heap, queue, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("registered", [False, True])
def test_both_walks_free_the_graph_and_keep_it_when_retained(registered, monkeypatch):
    monkeypatch.setattr(autograd_hooks, "registered", registered)
    x = ft.tensor([1.0, 2.0], dtype=ft.float64, requires_grad=True)
    y = (ft.exp(x) * x).sum()
    y.backward(retain_graph=True)
    y.backward()  # retained once: a second pass doubles .grad
    values = np.array([1.0, 2.0])
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp(values) * (values + 1.0), rtol=1e-14)
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()
    assert y.grad_fn.next_functions  # the edges outlive the freed buffers, as in torch


@pytest.mark.parametrize("registered", [False, True])
def test_a_leaf_modified_after_use_gets_the_gradient_at_the_value_used(registered,
                                                                       monkeypatch):
    # funtorch keeps the buffers it recorded, so the gradient is that of the computation
    # that ran (torch raises for an in-place change of a saved leaf); funtorch used to
    # read the leaf's new value: a gradient at a point the forward pass never saw
    monkeypatch.setattr(autograd_hooks, "registered", registered)
    w = ft.tensor([1.0, 2.0], dtype=ft.float64, requires_grad=True)
    y = (w * w * w).sum()
    with ft.no_grad():
        w.add_(1.0)
    y.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [3.0, 12.0])


def test_create_graph_refuses_a_leaf_modified_after_use():
    w = ft.tensor([1.0, 2.0], dtype=ft.float64, requires_grad=True)
    y = (w * w).sum()
    with ft.no_grad():
        w.mul_(3.0)
    with pytest.raises(RuntimeError, match="modified in place.*after it was used"):
        ft.autograd.grad(y, w, create_graph=True)
