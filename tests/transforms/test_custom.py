"""custom_vjp, custom_jvp and checkpoint: values, every transform, imperative mode, errors."""

import numpy as np
import pytest

import funtorch as ft
from conftest import assert_close


def f64(values):
    return ft.array(np.asarray(values, dtype=np.float64))


@ft.custom_vjp
def scaled_sin(x, y):
    return ft.sin(x) * y


def _fwd(x, y):
    return scaled_sin(x, y), (ft.cos(x), ft.sin(x), y)


def _bwd(res, g):
    cos_x, sin_x, y = res
    return cos_x * g * y, sin_x * g


scaled_sin.defvjp(_fwd, _bwd)


@ft.custom_jvp
def log1pexp(x):
    return ft.log1p(ft.exp(x))


@log1pexp.defjvp
def _log1pexp_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return log1pexp(x), t * ft.sigmoid(x)


X, Y = [0.3, 1.0], [2.0, 3.0]


def test_custom_vjp_grad_matches_closed_form_and_imperative_backward():
    gx, gy = ft.grad(lambda x, y: ft.sum(scaled_sin(x, y)), argnums=(0, 1))(f64(X), f64(Y))
    assert_close(gx, np.cos(X) * np.array(Y))
    assert_close(gy, np.sin(X))
    x = ft.tensor(np.array(X), requires_grad=True)
    ft.sum(scaled_sin(x, f64(Y))).backward()
    assert_close(x.grad, np.cos(X) * np.array(Y))


def test_custom_vjp_rule_is_really_used():
    @ft.custom_vjp
    def identity_with_clipped_grad(x):
        return x
    identity_with_clipped_grad.defvjp(lambda x: (x, None),
                                      lambda res, g: (ft.clip(g, -1.0, 1.0),))
    g = ft.grad(lambda x: ft.sum(identity_with_clipped_grad(x) * 5.0))(f64([1.0, 2.0]))
    assert g.tolist() == [1.0, 1.0]


def test_custom_vjp_under_vmap_and_second_order_reverse():
    per_example = ft.vmap(ft.grad(lambda x, y: ft.sum(scaled_sin(x, y))))(f64(X), f64(Y))
    assert_close(per_example, np.cos(X) * np.array(Y))
    ft.testing.check_grads(lambda x: scaled_sin(x, f64(Y)), (f64(X),), order=2, modes=("rev",))


def test_custom_vjp_nondiff_argnums_and_pytrees():
    @ft.custom_vjp
    def power_sum(n, tree):
        return {"s": ft.sum(tree["a"] ** n) + tree["b"]}

    def fwd(n, tree):
        return power_sum(n, tree), tree["a"]

    def bwd(n, a, g):
        return ({"a": g["s"] * n * a ** (n - 1), "b": g["s"]},)
    power_sum.defvjp(fwd, bwd)
    power_sum.nondiff_argnums = (0,)
    g = ft.grad(lambda t: power_sum(3, t)["s"])({"a": f64([1.0, 2.0]), "b": f64(0.5)})
    assert_close(g["a"], [3.0, 12.0])
    assert g["b"].item() == 1.0


def test_custom_vjp_errors():
    with pytest.raises(TypeError, match="forward-mode"):
        ft.jvp(lambda x: scaled_sin(x, f64(Y)), (f64(X),), (f64(X),))

    @ft.custom_vjp
    def no_rule(x):
        return x
    with pytest.raises(TypeError, match="defvjp"):
        no_rule(f64(1.0))


def test_custom_jvp_used_by_forward_and_reverse_mode():
    z = f64([0.0, 100.0, -3.0])
    sig = 1 / (1 + np.exp(-np.array([0.0, 100.0, -3.0])))
    assert_close(ft.grad(lambda z: ft.sum(log1pexp(z)))(z), sig)
    assert_close(ft.jvp(log1pexp, (z,), (ft.ones_like(z),))[1], sig)
    assert_close(ft.vmap(ft.grad(log1pexp))(z), sig)
    ft.testing.check_grads(log1pexp, (f64([0.5, -1.0]),), order=2)


def test_custom_jvp_rule_differs_from_autodiff_and_wins():
    @ft.custom_jvp
    def f(x):
        return ft.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        return f(primals[0]), 2.0 * tangents[0]
    assert ft.grad(f)(f64(0.3)).item() == 2.0
    assert ft.jvp(f, (f64(0.3),), (f64(1.0),))[1].item() == 2.0


def test_checkpoint_matches_plain_and_composes():
    layer = ft.checkpoint(lambda w, x: ft.tanh(x @ w))
    w, x = f64(np.eye(3) * 0.5), f64(np.ones((4, 3)))
    assert_close(ft.grad(lambda w: ft.sum(layer(w, x)))(w),
                 ft.grad(lambda w: ft.sum(ft.tanh(x @ w)))(w))
    ft.testing.check_grads(layer, (w, x), order=2)
    assert ft.vmap(layer, in_axes=(None, 0))(w, x).shape == (4, 3)


def test_checkpoint_recomputes_in_backward():
    calls = []

    def body(x):
        calls.append(1)
        return ft.sin(x) * 2.0
    ft.grad(lambda x: ft.sum(ft.checkpoint(body)(x)))(f64([1.0]))
    assert len(calls) == 2  # forward once, recomputed once in the backward pass


def test_custom_vjp_bwd_with_wrong_structure_or_shape():
    @ft.custom_vjp
    def f(x, y):
        return x * y
    f.defvjp(lambda x, y: (x * y, (x, y)), lambda res, g: (g * res[1],))
    with pytest.raises(TypeError, match=r"one cotangent per differentiable argument"):
        ft.grad(lambda x: ft.sum(f(x, f64([1.0, 2.0]))))(f64([3.0, 4.0]))

    @ft.custom_vjp
    def h(x):
        return ft.sum(x)
    h.defvjp(lambda x: (ft.sum(x), None), lambda res, g: (ft.ones(3),))
    with pytest.raises(ValueError, match=r"cotangent of shape \(3,\).*shape \(2,\)"):
        ft.grad(h)(f64([1.0, 2.0]))


@pytest.mark.parametrize("static_argnums", [0, (0,), [0]])
def test_checkpoint_static_argnums_int_or_sequence(static_argnums):
    """``static_argnums`` takes one int, as its annotation says, or a sequence."""
    f = ft.checkpoint(lambda n, x: x * n, static_argnums=static_argnums)
    np.testing.assert_allclose(ft.grad(lambda x: ft.sum(f(3, x)))(f64([1.0, 2.0])), [3.0, 3.0])
