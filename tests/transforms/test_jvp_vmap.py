"""Forward mode and vmap: values, composition with reverse mode, errors."""

import numpy as np
import pytest

import funtorch as ft
from conftest import assert_close


def f64(values):
    return ft.array(np.asarray(values, dtype=np.float64))


def test_jvp_matches_closed_form():
    x = f64([0.3, 1.2])
    out, tangent = ft.jvp(lambda x: ft.sin(x) * x, (x,), (f64([1.0, 0.5]),))
    xs = np.array([0.3, 1.2])
    assert_close(out, np.sin(xs) * xs)
    assert_close(tangent, (np.cos(xs) * xs + np.sin(xs)) * np.array([1.0, 0.5]))


def test_hessian_vector_product_forward_over_reverse():
    f = lambda x: ft.sum(x ** 3)  # noqa: E731
    x, v = f64([1.0, 2.0]), f64([1.0, -1.0])
    _, hvp = ft.jvp(ft.grad(f), (x,), (v,))
    assert_close(hvp, [6.0, -12.0])


def test_jvp_of_constant_output_is_zero_and_errors():
    _, t = ft.jvp(lambda x: f64([1.0, 2.0]), (f64(1.0),), (f64(1.0),))
    assert t.tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="tangent shape"):
        ft.jvp(ft.sin, (f64([1.0]),), (f64([1.0, 2.0]),))
    with pytest.raises(TypeError, match="tuples"):
        ft.jvp(ft.sin, f64([1.0]), f64([1.0]))


def test_vmap_matches_loop_and_in_axes():
    xs = f64(np.arange(12.0).reshape(3, 4))
    w = f64([1.0, -1.0, 2.0, 0.5])
    f = lambda w, x: ft.sum(ft.tanh(w * x) * x)  # noqa: E731
    got = ft.vmap(f, in_axes=(None, 0))(w, xs)
    assert_close(got, [f(w, f64(np.arange(12.0).reshape(3, 4)[i])).item() for i in range(3)])
    got_t = ft.vmap(f, in_axes=(None, 1))(f64([1.0, 2.0, 3.0]), xs)
    assert got_t.shape == (4,)


def test_nested_vmap_and_out_axes():
    x = f64(np.arange(6.0).reshape(2, 3))
    outer = ft.vmap(ft.vmap(lambda a: a * 2.0))(x)
    assert_close(outer, np.arange(6.0).reshape(2, 3) * 2)
    moved = ft.vmap(lambda r: r * 1.0, in_axes=0, out_axes=1)(x)
    assert moved.shape == (3, 2)


def test_vmap_unbatched_output_is_broadcast():
    out = ft.vmap(lambda x: f64(1.0), axis_size=3)(f64([1.0, 2.0, 3.0]))
    assert out.tolist() == [1.0, 1.0, 1.0]


def test_per_example_gradients_vmap_of_grad():
    w = f64([0.5, -1.0])
    xs = f64([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    ys = f64([1.0, 0.0, 2.0])
    loss = lambda w, x, y: (ft.sum(w * x) - y) ** 2  # noqa: E731
    per_example = ft.vmap(ft.grad(loss), in_axes=(None, 0, 0))(w, xs, ys)
    want = [2 * (np.dot([0.5, -1.0], x) - y) * np.array(x)
            for x, y in zip([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [1.0, 0.0, 2.0])]
    assert_close(per_example, want)


def test_grad_of_vmap():
    f = lambda x: ft.sum(ft.vmap(lambda r: ft.sum(ft.sin(r)))(x))  # noqa: E731
    x = f64([[0.1, 0.2], [0.3, 0.4]])
    assert_close(ft.grad(f)(x), np.cos([[0.1, 0.2], [0.3, 0.4]]))


def test_vmap_errors():
    with pytest.raises(ValueError, match="inconsistent sizes"):
        ft.vmap(lambda a, b: a + b)(f64([1.0, 2.0]), f64([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="out of range"):
        ft.vmap(lambda a: a, in_axes=2)(f64([1.0, 2.0]))
    with pytest.raises(TypeError, match="cannot use bool"):
        ft.vmap(lambda a: a * 2 if a > 0 else a)(f64([1.0, -1.0]))


def test_vmap_leaked_tracer_raises():
    leaked = []
    ft.vmap(lambda a: leaked.append(a) or a)(f64([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="vmap: a traced value"):
        leaked[0] + 1.0
