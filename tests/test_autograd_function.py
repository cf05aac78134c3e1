"""ft.autograd.Function under every way of differentiating it (values from torch 2.13's
semantics: the user's backward is the derivative, at any order and under any transform)."""

from __future__ import annotations

import numpy as np
import pytest

import funtorch as ft


class Cube(ft.autograd.Function):
    calls = 0

    @staticmethod
    def forward(ctx, x):
        Cube.calls += 1
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2


class ClipGrad(ft.autograd.Function):
    """Identity forward, clipped backward: autodiff of forward alone would give g."""

    @staticmethod
    def forward(ctx, x):
        return x * 1.0

    @staticmethod
    def backward(ctx, g):
        return ft.clip(g, -1.0, 1.0)


class WrongShape(ft.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return ft.ones((5,))


def test_second_order_grad_through_user_backward():
    x = ft.array(2.0, dtype=ft.float64)
    assert float(ft.grad(Cube.apply)(x)) == pytest.approx(12.0)
    assert float(ft.grad(ft.grad(Cube.apply))(x)) == pytest.approx(12.0)  # 6x
    assert float(ft.grad(ft.grad(ft.grad(Cube.apply)))(x)) == pytest.approx(6.0)


def test_autograd_grad_create_graph_then_backward():
    x = ft.tensor(2.0, requires_grad=True)
    (g,) = ft.autograd.grad(Cube.apply(x), x, create_graph=True)
    assert float(g) == pytest.approx(12.0)
    g.backward()
    assert float(x.grad) == pytest.approx(12.0)


def test_eager_forward_runs_once_and_fills_grad():
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    before = Cube.calls
    y = Cube.apply(x)
    ft.sum(y).backward()
    assert Cube.calls == before + 1
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 12.0])
    assert type(y.grad_fn).__name__.startswith("Cube")


def test_backward_of_the_wrong_shape_is_refused():
    x = ft.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"WrongShape.backward returned an invalid gradient "
                                           r"at index 0: got shape \(5,\) but expected shape \(1,\)"):
        WrongShape.apply(x).sum().backward()


def test_user_backward_is_used_under_jit_and_vmap():
    x = ft.array([0.5, -3.0, 4.0])
    want = [1.0, 1.0, 1.0]  # the forward's own derivative of sum(5 x) would be 5
    np.testing.assert_allclose(ft.grad(lambda v: ft.sum(5 * ClipGrad.apply(v)))(x).numpy(), want)
    jitted = ft.jit(ft.grad(lambda v: ft.sum(5 * ClipGrad.apply(v))))
    np.testing.assert_allclose(jitted(x).numpy(), want)
    np.testing.assert_allclose(ft.grad(ft.jit(lambda v: ft.sum(5 * ClipGrad.apply(v))))(x).numpy(),
                               want)
    per_example = ft.vmap(ft.grad(lambda v: 5 * ClipGrad.apply(v)))(x)
    np.testing.assert_allclose(per_example.numpy(), want)
    np.testing.assert_allclose(ft.vmap(Cube.apply)(x).numpy(), x.numpy() ** 3)
    np.testing.assert_allclose(ft.jit(Cube.apply)(x).numpy(), x.numpy() ** 3)


def test_forward_mode_is_refused_clearly():
    with pytest.raises(TypeError, match="forward-mode autodiff of an ft.autograd.Function"):
        ft.jvp(Cube.apply, (ft.array(1.0),), (ft.array(1.0),))


def test_grad_modes_switch_on_enter_not_on_creation():
    x = ft.tensor(1.0, requires_grad=True)
    mode = ft.no_grad()
    assert (x * 2).requires_grad  # creating it changes nothing
    with mode:
        assert not (x * 2).requires_grad
    with mode:  # reusable
        assert not (x * 2).requires_grad
    enable = ft.enable_grad()
    with ft.no_grad():
        with enable:
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad


def test_grad_mode_decorators_with_and_without_parentheses():
    @ft.no_grad
    def bare(v):
        return v * 2

    @ft.no_grad()
    def called(v):
        return v * 2

    x = ft.tensor(1.0, requires_grad=True)
    assert not bare(x).requires_grad and not called(x).requires_grad
    assert (x * 2).requires_grad
    previous = ft.set_grad_enabled(False)  # the function form acts at once, like torch's
    assert not (x * 2).requires_grad
    ft.set_grad_enabled(True)
    assert (x * 2).requires_grad and previous is not None


class _NoGradForY(ft.autograd.Function):
    @staticmethod
    def forward(ctx, x, y):
        return x * 2 + y

    @staticmethod
    def backward(ctx, g):
        return g * 2, None


def test_a_none_gradient_leaves_grad_none_as_in_torch():
    # backward returning None for y: torch leaves y.grad None (an optimizer then skips y),
    # funtorch used to write zeros there (Adam's momentum would still move y)
    x, y = ft.ones(3, requires_grad=True), ft.ones(3, requires_grad=True)
    _NoGradForY.apply(x, y).sum().backward()
    assert x.grad.tolist() == [2.0] * 3 and y.grad is None
    with pytest.raises(RuntimeError, match="input 1 .* was not used"):
        ft.autograd.grad(_NoGradForY.apply(x, y).sum(), [x, y])
    assert ft.autograd.grad(_NoGradForY.apply(x, y).sum(), [x, y], allow_unused=True)[1] is None
    (_NoGradForY.apply(x, y) + y).sum().backward()  # another path still reaches y
    assert y.grad.tolist() == [1.0] * 3


def test_a_none_gradient_is_zero_under_the_functional_transforms():
    # ft.grad returns a gradient for every argument (JAX): zeros where backward said None
    f = lambda x, y: _NoGradForY.apply(x, y).sum()  # noqa: E731
    for transform in (ft.grad, lambda g, **kw: ft.jit(ft.grad(g, **kw))):
        gx, gy = transform(f, argnums=(0, 1))(ft.ones(3), ft.ones(3))
        assert gx.tolist() == [2.0] * 3 and gy.tolist() == [0.0] * 3
