"""Functional reverse mode: grad, value_and_grad, vjp, nesting, pytrees, errors."""

import numpy as np
import pytest

import funtorch as ft
from conftest import assert_close


def f64(values, device="cpu"):
    return ft.array(np.asarray(values, dtype=np.float64), device=device)


def test_worked_example_z_equals_xy_plus_y_squared(device):
    def z(x, y):
        return x * y + y ** 2
    gx, gy = ft.grad(z, argnums=(0, 1))(f64(1.0, device), f64(2.0, device))
    assert gx.item() == 2.0 and gy.item() == 5.0


def test_worked_example_linear_model_loss(device):
    def loss(x, w, b):
        return (w * x + b - 5) ** 2
    grads = ft.grad(loss, argnums=(0, 1, 2))(f64(2.0, device), f64(3.0, device), f64(1.0, device))
    assert [g.item() for g in grads] == [12.0, 8.0, 4.0]


def test_value_and_grad_returns_value_and_matches_closed_form(device):
    x = f64([0.5, -1.0, 2.0], device)
    value, g = ft.value_and_grad(lambda x: ft.sum(ft.sin(x) * x))(x)
    xs = np.array([0.5, -1.0, 2.0])
    assert_close(value, np.sum(np.sin(xs) * xs), 1e-12)
    assert_close(g, np.cos(xs) * xs + np.sin(xs), 1e-12)


def test_grad_of_grad_third_derivative():
    f = lambda x: x ** 4  # noqa: E731
    d3 = ft.grad(ft.grad(ft.grad(f)))(f64(2.0))
    assert d3.item() == pytest.approx(24 * 2.0)


def test_no_perturbation_confusion():
    # d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1 (a confused tracer gives 2).
    def outer(x):
        return x * ft.grad(lambda y: x + y)(f64(1.0))
    assert ft.grad(outer)(f64(3.0)).item() == 1.0


def test_nested_grad_closing_over_outer_variable():
    # d/dx grad_y (x*y)^2 at y=1: grad_y = 2 x^2 y -> d/dx = 4 x y = 8 at x=2.
    def inner(x):
        return ft.grad(lambda y: (x * y) ** 2)(f64(1.0))
    assert ft.grad(inner)(f64(2.0)).item() == pytest.approx(8.0)


def test_grad_lambda_of_grad_times_y():
    y = f64(3.0)
    f = lambda u: u ** 3  # noqa: E731
    # d/dx f'(x*y) = f''(x y) * y = 6 x y * y = 6*2*9 at x=2
    g = ft.grad(lambda x: ft.grad(f)(x * y))(f64(2.0))
    assert g.item() == pytest.approx(6 * 2.0 * 9.0)


def test_pytree_inputs_give_pytree_gradients():
    params = {"w": f64([1.0, 2.0]), "b": (f64(0.5), [f64([3.0])])}

    def loss(p):
        return ft.sum(p["w"] ** 2) + p["b"][0] * 3 + ft.sum(p["b"][1][0])
    g = ft.grad(loss)(params)
    assert set(g) == {"w", "b"}
    assert_close(g["w"], [2.0, 4.0])
    assert g["b"][0].item() == 3.0 and isinstance(g["b"][1], list)
    assert_close(g["b"][1][0], [1.0])


def test_has_aux_returns_aux_untouched():
    def loss(x):
        return ft.sum(x ** 2), {"mean": ft.mean(x)}
    (value, aux), g = ft.value_and_grad(loss, has_aux=True)(f64([1.0, 3.0]))
    assert value.item() == 10.0 and aux["mean"].item() == 2.0
    g2, aux2 = ft.grad(loss, has_aux=True)(f64([1.0, 3.0]))
    assert_close(g2, [2.0, 6.0])
    assert aux2["mean"].item() == 2.0


def test_vjp_with_non_scalar_output_and_pytree_cotangent():
    out, vjp_fn = ft.vjp(lambda x, y: (x * y, ft.sum(x)), f64([1.0, 2.0]), f64([3.0, 4.0]))
    gx, gy = vjp_fn((f64([1.0, 1.0]), f64(2.0)))
    assert_close(gx, [3.0 + 2.0, 4.0 + 2.0])
    assert_close(gy, [1.0, 2.0])


def test_vjp_integer_input_gets_float0_zero():
    _, vjp_fn = ft.vjp(lambda x, n: x * n, f64([1.0, 2.0]), ft.array([2, 3]))
    gx, gn = vjp_fn(f64([1.0, 1.0]))
    assert_close(gx, [2.0, 3.0])
    assert gn.dtype == ft.float0 and gn.shape == (2,)


def test_unused_input_gets_zero_gradient():
    g = ft.grad(lambda x, y: ft.sum(x * 2), argnums=1)(f64([1.0]), f64([5.0, 6.0]))
    assert_close(g, [0.0, 0.0])


def test_stop_gradient_blocks_reverse_and_forward_mode():
    f = lambda x: x * ft.stop_gradient(x)  # noqa: E731
    assert ft.grad(f)(f64(3.0)).item() == 3.0
    assert ft.jvp(f, (f64(3.0),), (f64(1.0),))[1].item() == 3.0


def test_python_float_input_is_accepted():
    assert ft.grad(lambda x: x * x)(3.0).item() == 6.0


def test_python_control_flow_is_define_by_run():
    def f(x):
        total = x
        while ft.sum(total) < 100.0:
            total = total * 2.0
        return ft.sum(total)
    assert ft.grad(f)(f64([1.0, 2.0])).tolist() == [64.0, 64.0]


def test_float32_gradients_stay_float32():
    g = ft.grad(lambda x: ft.sum(ft.tanh(x) * 2.0))(ft.array([0.1, 0.2]))
    assert g.dtype == ft.float32


def test_tie_gradients_are_split_evenly_like_jax():
    assert ft.grad(lambda x: ft.maximum(x, 1.0))(f64(1.0)).item() == 0.5
    g = ft.grad(lambda x: ft.max(x))(f64([2.0, 2.0, 1.0]))
    assert g.tolist() == [0.5, 0.5, 0.0]


def test_check_grads_order_two_composite():
    def f(x, y):
        return ft.logsumexp(ft.sin(x) * y, axis=0) + ft.var(x * y)
    ft.testing.check_grads(f, (f64([[0.1, 0.4], [1.2, -0.3]]), f64([0.7, -1.1])), order=2)


def test_check_grads_detects_a_wrong_rule():
    class Wrong(ft.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return ft.sin(x)

        @staticmethod
        def backward(ctx, g):
            return g  # wrong: should be g * cos(x)
    with pytest.raises(AssertionError, match="reverse-mode"):
        ft.testing.check_grads(Wrong.apply, (f64([0.3, 1.0]),), modes=("rev",))


# Errors --------------------------------------------------------------------------------


def test_grad_of_non_scalar_output_names_shape():
    with pytest.raises(TypeError, match=r"float scalar.*shape \(2,\)"):
        ft.grad(lambda x: x * 2)(f64([1.0, 2.0]))


def test_grad_of_integer_output_is_rejected():
    with pytest.raises(TypeError, match="int64"):
        ft.grad(lambda x: ft.argmax(x))(f64([1.0, 2.0]))


def test_grad_with_respect_to_integer_input_is_rejected():
    with pytest.raises(TypeError, match=r"argument 0 .*int64.*only floating"):
        ft.grad(lambda x: ft.sum(x * 1.0))(ft.array([1, 2]))


def test_grad_bad_argnums():
    with pytest.raises(ValueError, match="argnums=3"):
        ft.grad(lambda x: ft.sum(x))(f64([1.0]), ) if False else ft.grad(
            lambda x: ft.sum(x), argnums=3)(f64([1.0]))


def test_leaked_tracer_used_later_raises():
    leaked = []

    def f(x):
        leaked.append(x * 2)
        return ft.sum(x)
    ft.grad(f)(f64([1.0, 2.0]))
    with pytest.raises(RuntimeError, match=r"grad: a traced value \(shape \(2,\).*escaped `f`"):
        leaked[0] + 1.0
    with pytest.raises(RuntimeError, match="escaped"):
        float(leaked[0][0]) if hasattr(leaked[0], "at") else leaked[0].item()


def test_vjp_cotangent_shape_mismatch():
    _, vjp_fn = ft.vjp(lambda x: x * 2, f64([1.0, 2.0]))
    with pytest.raises(ValueError, match="cotangent shape"):
        vjp_fn(f64([1.0, 2.0, 3.0]))
