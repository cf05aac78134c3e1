"""PyTorch-style imperative autograd on the shared tape and rules."""

import numpy as np
import pytest

import funtorch as ft
from conftest import assert_close


def leaf(values, device="cpu", dtype=np.float64):
    return ft.tensor(np.asarray(values, dtype=dtype), device=device, requires_grad=True)


def test_worked_example_backward(device):
    x, w, b = leaf(2.0, device), leaf(3.0, device), leaf(1.0, device)
    y = w * x + b
    loss = (y - 5) ** 2
    loss.backward()
    assert (x.grad.item(), w.grad.item(), b.grad.item()) == (12.0, 8.0, 4.0)


def test_worked_example_z(device):
    x, y = leaf(1.0, device), leaf(2.0, device)
    z = x * y + y ** 2
    z.backward()
    assert (x.grad.item(), y.grad.item()) == (2.0, 5.0)


def test_grad_fn_names_and_leaves():
    x = leaf([1.0, 2.0])
    assert x.is_leaf and x.grad_fn is None and x.requires_grad
    y = x * 2
    z = ft.exp(y).sum()
    assert type(y.grad_fn).__name__.startswith("MulBackward")
    assert type(z.grad_fn).__name__.startswith("SumBackward")
    assert not y.is_leaf
    assert type((x + x).grad_fn).__name__.startswith("AddBackward")
    assert type(z.grad_fn.next_functions[0]).__name__.startswith("ExpBackward")


def test_backward_matches_functional_grad():
    values = np.array([0.3, -1.2, 2.0])

    def f(x):
        return ft.sum(ft.tanh(x) * ft.exp(x) / (1.0 + x * x))
    x = leaf(values)
    f(x).backward()
    assert_close(x.grad, ft.grad(f)(ft.array(values)), 1e-12)


def test_grad_accumulates_and_resets():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    x.grad = None
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_backward_twice_through_freed_graph_raises():
    x = leaf([1.0, 2.0])
    y = (ft.sin(x) * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_non_scalar_backward_needs_gradient():
    x = leaf([1.0, 2.0])
    y = x * 2
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        y.backward()
    y.backward(ft.array(np.array([1.0, 10.0])))
    assert x.grad.tolist() == [2.0, 20.0]


def test_no_grad_and_enable_grad():
    x = leaf([1.0])
    with ft.no_grad():
        y = x * 2
        with ft.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad

    @ft.no_grad()
    def double(t):
        return t * 2
    assert not double(x).requires_grad


def test_detach_cuts_the_graph():
    x = leaf([2.0])
    y = x * x.detach()
    y.sum().backward()
    assert x.grad.tolist() == [2.0]


def test_create_graph_gives_second_derivative():
    x = leaf(2.0)
    y = x ** 3
    (g,) = ft.autograd.grad(y, x, create_graph=True)
    assert g.item() == 12.0
    g.backward()
    assert x.grad.item() == 12.0  # d/dx 3x^2 = 6x


def test_autograd_grad_does_not_touch_dot_grad_and_checks_unused():
    x, y = leaf([1.0, 2.0]), leaf([3.0])
    out = (x * x).sum()
    (gx,) = ft.autograd.grad(out, x, retain_graph=True)
    assert gx.tolist() == [2.0, 4.0] and x.grad is None
    with pytest.raises(RuntimeError, match="was not used"):
        ft.autograd.grad(out, [x, y], retain_graph=True)
    gx, gy = ft.autograd.grad(out, [x, y], allow_unused=True)
    assert gy is None


def test_requires_grad_on_integer_raises():
    with pytest.raises(TypeError, match="only floating-point"):
        ft.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="only floating-point"):
        ft.tensor([1, 2]).requires_grad_()


def test_requires_grad_underscore_makes_leaf():
    x = ft.tensor([1.0, 2.0]).requires_grad_()
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_backward_on_untracked_output_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ft.tensor([1.0]).sum().backward()


def test_grad_is_the_only_mutation_and_arrays_stay_immutable():
    x = leaf([1.0, 2.0])
    with pytest.raises(TypeError, match=r"x\.at\[idx\]\.set\(v\)"):
        x[0] = 5.0


def test_custom_function_forward_backward_and_ctx():
    class Cube(ft.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            return x ** 3 * scale

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2 * 2.0, None
    x = leaf([1.0, 2.0])
    y = Cube.apply(x, 2.0)
    assert type(y.grad_fn).__name__.startswith("Cube")
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 24.0]
    # The same Function under the functional transform:
    assert_close(ft.grad(lambda t: Cube.apply(t, 2.0).sum())(ft.array(np.array([1.0, 2.0]))),
                 [6.0, 24.0])


def test_custom_function_wrong_number_of_grads():
    class Bad(ft.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g
    with pytest.raises(RuntimeError, match="returned 1 gradients but forward took 2"):
        Bad.apply(leaf([1.0]), leaf([2.0])).sum().backward()


def test_function_subclass_without_backward_is_rejected():
    class NoBackward(ft.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x
    with pytest.raises(TypeError, match="must define static methods"):
        NoBackward.apply(leaf([1.0]))


def test_functional_grad_through_parameters_with_requires_grad():
    w = leaf([1.0, -2.0])
    g = ft.grad(lambda w: ft.sum(w * w))(w)
    assert g.tolist() == [2.0, -4.0]
