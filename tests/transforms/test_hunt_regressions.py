"""Transform bugs found by differential testing against JAX 0.10.2 (each returned a wrong
value or crashed; the expected values are JAX's, small enough to state by hand)."""

from __future__ import annotations

import numpy as np
import pytest

import funtorch as ft

X = ft.array([1.0, 2.0, 3.0], dtype=ft.float64)


def test_jacrev_of_a_tuple_valued_function_keeps_every_output():
    jac = ft.jacrev(lambda a: (a * 2, ft.sum(a)))(X)
    assert isinstance(jac, tuple) and len(jac) == 2
    np.testing.assert_allclose(jac[0].numpy(), 2 * np.eye(3))
    np.testing.assert_allclose(jac[1].numpy(), np.ones(3))
    both = ft.jacrev(lambda a, b: (a * b, ft.sum(a)), argnums=(0, 1))(X, X)
    np.testing.assert_allclose(both[0][1].numpy(), np.diag(X.numpy()))
    np.testing.assert_allclose(both[1][1].numpy(), np.zeros(3))


def test_jvp_with_aux_returns_plain_values():
    out, tangent, aux = ft.jvp(lambda a: (a * 2, {"total": ft.sum(a)}), (X,), (X,),
                               has_aux=True)
    assert type(aux["total"]) is ft.Array and float(aux["total"]) == 6.0
    jac, aux = ft.jacfwd(lambda a: (a * 2, ft.sum(a)), has_aux=True)(X)
    np.testing.assert_allclose(jac.numpy(), 2 * np.eye(3))
    assert float(aux) == 6.0
    hess, aux = ft.hessian(lambda a: (ft.sum(a ** 3), ft.sum(a)), has_aux=True)(X)
    np.testing.assert_allclose(hess.numpy(), np.diag(6 * X.numpy()))


def test_custom_vjp_under_vmap_sums_the_cotangent_of_an_unbatched_argument():
    @ft.custom_vjp
    def mul(a, b):
        return a * b
    mul.defvjp(lambda a, b: (a * b, (a, b)), lambda res, g: (g * res[1], g * res[0]))
    shared = ft.grad(lambda y: ft.sum(ft.vmap(mul, in_axes=(0, None))(ft.ones((4, 3)), y)))(X)
    np.testing.assert_allclose(shared.numpy(), [4.0, 4.0, 4.0])
    moved = ft.grad(lambda a: ft.sum(ft.vmap(mul, in_axes=(1, None))(a, X)))(ft.ones((3, 4)))
    np.testing.assert_allclose(moved.numpy(), np.repeat(X.numpy()[:, None], 4, axis=1))


def test_grad_refuses_the_same_argnum_twice():
    with pytest.raises(ValueError, match="names the same argument twice"):
        ft.grad(lambda a: ft.sum(a), argnums=(0, -1))(X)


def test_vmap_out_axes_out_of_range_is_refused():
    with pytest.raises(ValueError, match="out_axes=5 is out of range"):
        ft.vmap(lambda a: a, out_axes=5)(ft.ones((2, 3)))
    assert ft.vmap(lambda a: a, out_axes=-1)(ft.ones((2, 3))).shape == (3, 2)


def test_checkpoint_of_a_closure_over_a_traced_value_still_differentiates():
    def loss(w):
        return ft.checkpoint(lambda v: ft.sum(ft.sin(v * w)))(X)
    want = float(ft.grad(lambda w: ft.sum(ft.sin(X * w)))(ft.array(0.3, dtype=ft.float64)))
    assert float(ft.grad(loss)(ft.array(0.3, dtype=ft.float64))) == pytest.approx(want)
    batched = ft.vmap(lambda w: ft.checkpoint(lambda v: ft.sum(v * w))(X))(X)
    np.testing.assert_allclose(batched.numpy(), 6.0 * X.numpy())


def test_custom_vjp_closing_over_a_traced_value_says_so():
    def loss(w):
        @ft.custom_vjp
        def scale(a):
            return a * w
        scale.defvjp(lambda a: (a * w, None), lambda res, g: (g * w,))
        return ft.sum(scale(X))
    with pytest.raises(TypeError, match="`scale` reads a traced value from an enclosing scope"):
        ft.grad(loss)(ft.array(2.0, dtype=ft.float64))
