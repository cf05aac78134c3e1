"""Norms, products and tensor equations of ``ft.linalg``, and the top-level
``cross, kron, matvec, vecmat, vecdot, vdot, matrix_transpose``: values against NumPy,
gradients to second order in float64, vmap and jit."""

import numpy as np
import pytest

import funtorch as ft
from funtorch.testing import check_grads
from tests.linalg.helpers import arr, close, full_rank, rng, well_conditioned


@pytest.mark.parametrize("ord", [None, 1, 2, np.inf, -np.inf, 0, 3, 0.5])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (-1, True), ((0, 2), False)])
def test_vector_norm_matches_numpy(ord, axis, keepdims):
    x = rng().standard_normal((2, 3, 4))
    got = ft.linalg.vector_norm(arr(x), ord=2 if ord is None else ord, axis=axis,
                                keepdims=keepdims)
    close(got, np.linalg.vector_norm(x, ord=2 if ord is None else ord, axis=axis,
                                     keepdims=keepdims))


@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf])
@pytest.mark.parametrize("keepdims", [False, True])
def test_matrix_norm_matches_numpy(ord, keepdims):
    x = full_rank(2, 4, 3)
    close(ft.linalg.matrix_norm(arr(x), ord=ord, keepdims=keepdims),
          np.linalg.matrix_norm(x, ord=ord, keepdims=keepdims))
    check_grads(lambda a: ft.linalg.matrix_norm(a, ord=ord), (arr(x),), order=2)


def test_vector_norm_gradients():
    x = arr(rng().standard_normal((3, 4)))
    for ord in (2, 1, 3, np.inf):
        check_grads(lambda a: ft.linalg.vector_norm(a, ord=ord, axis=1), (x,), order=2)
    check_grads(lambda a: ft.linalg.norm(a), (x,), order=2)


def test_float16_norm_does_not_overflow():
    x = ft.array([300.0, 400.0], dtype=ft.float16)
    value, grad = ft.value_and_grad(ft.linalg.norm)(x)
    assert value.dtype == np.float16 and float(value) == 500.0
    assert grad.dtype == np.float16
    close(np.asarray(grad, np.float64), [0.6, 0.8], 1e-3)
    assert float(ft.linalg.vector_norm(x)) == 500.0
    assert float(ft.linalg.matrix_norm(ft.reshape(x, (1, 2)))) == 500.0


def test_norm_vmap_and_jit():
    x = arr(rng().standard_normal((5, 3)))
    close(ft.vmap(ft.linalg.norm)(x), np.linalg.norm(np.asarray(x), axis=1))
    close(ft.jit(lambda a: ft.linalg.matrix_norm(a, "nuc"))(x),
          np.linalg.norm(np.asarray(x), "nuc"))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1, -3])
def test_matrix_power_matches_numpy(n):
    a = well_conditioned(2, 3, 3) / 3.0
    close(ft.linalg.matrix_power(arr(a), n), np.linalg.matrix_power(a, n))
    if n:
        check_grads(lambda x: ft.linalg.matrix_power(x, n), (arr(a[0]),), order=2)


def test_matrix_power_refuses_non_integer():
    with pytest.raises(TypeError, match="matrix_power: exponent must be an integer"):
        ft.linalg.matrix_power(arr(np.eye(2)), 1.5)


@pytest.mark.parametrize("shapes", [[(3,), (3, 4), (4, 2)], [(2, 3), (3, 4), (4,)],
                                    [(3,), (3, 4), (4,)], [(5, 2), (2, 6), (6, 3), (3, 4)]])
def test_multi_dot_matches_numpy(shapes):
    arrays = [rng(i).standard_normal(s) for i, s in enumerate(shapes)]
    close(ft.linalg.multi_dot([arr(a) for a in arrays]), np.linalg.multi_dot(arrays))
    check_grads(lambda *xs: ft.linalg.multi_dot(list(xs)), tuple(arr(a) for a in arrays),
                order=2)


def test_tensorinv_and_tensorsolve_match_numpy():
    a = well_conditioned(6, 6).reshape(6, 2, 3)
    close(ft.linalg.tensorinv(arr(a), ind=1), np.linalg.tensorinv(a, ind=1))
    b = rng().standard_normal(6)
    close(ft.linalg.tensorsolve(arr(a), arr(b)), np.linalg.tensorsolve(a, b))
    c = np.moveaxis(a, 0, 2)
    close(ft.linalg.tensorsolve(arr(c), arr(b), axes=(0, 1)),
          np.linalg.tensorsolve(c, b, axes=(0, 1)))
    check_grads(lambda x, y: ft.linalg.tensorsolve(x, y), (arr(a), arr(b)), order=2)
    with pytest.raises(ValueError, match="tensorinv: the first 1 axes"):
        ft.linalg.tensorinv(arr(np.ones((2, 3))), ind=1)


def test_array_api_spellings():
    x = rng().standard_normal((2, 3, 3))
    close(ft.linalg.diagonal(arr(x), offset=1), np.linalg.diagonal(x, offset=1))
    close(ft.linalg.trace(arr(x), offset=-1), np.linalg.trace(x, offset=-1))
    close(ft.linalg.matrix_transpose(arr(x)), np.linalg.matrix_transpose(x))
    close(ft.linalg.outer(arr(x[0, 0]), arr(x[1, 1])), np.linalg.outer(x[0, 0], x[1, 1]))
    close(ft.linalg.vecdot(arr(x), arr(x[0, 0])), np.linalg.vecdot(x, x[0, 0]))
    close(ft.linalg.cross(arr(x), arr(x[1])), np.linalg.cross(x, x[1]))
    close(ft.linalg.matmul(arr(x), arr(x)), np.linalg.matmul(x, x))
    close(ft.linalg.tensordot(arr(x), arr(x[0]), axes=1), np.linalg.tensordot(x, x[0], axes=1))
    with pytest.raises(ValueError, match="outer: expected two 1-D arrays"):
        ft.linalg.outer(arr(x), arr(x))
    with pytest.raises(ValueError, match="cross: expected 3-vectors"):
        ft.linalg.cross(arr(x[..., :2]), arr(x[..., :2]))


# Top-level names ------------------------------------------------------------------------

TOP_LEVEL = [
    ("cross", lambda a, b: (a, b), [(4, 3), (3,)], {}),
    ("cross", lambda a, b: (a, b), [(4, 2), (3,)], {}),
    ("cross", lambda a, b: (a, b), [(3, 4), (3, 4)], {"axis": 0}),
    ("kron", lambda a, b: (a, b), [(2, 3), (3, 1, 2)], {}),
    ("kron", lambda a, b: (a, b), [(2,), (3,)], {}),
    ("vdot", lambda a, b: (a, b), [(2, 3), (6,)], {}),
    ("vecdot", lambda a, b: (a, b), [(4, 3), (3,)], {}),
    ("vecdot", lambda a, b: (a, b), [(3, 4), (3, 1)], {"axis": 0}),
    ("matvec", lambda a, b: (a, b), [(5, 2, 3), (3,)], {}),
    ("vecmat", lambda a, b: (a, b), [(2,), (5, 2, 3)], {}),
]


@pytest.mark.parametrize("name,_,shapes,kwargs", TOP_LEVEL)
def test_top_level_products_match_numpy(name, _, shapes, kwargs):
    args = [rng(i).standard_normal(s) for i, s in enumerate(shapes)]
    close(getattr(ft, name)(*map(arr, args), **kwargs), getattr(np, name)(*args, **kwargs))
    check_grads(lambda *xs: getattr(ft, name)(*xs, **kwargs), tuple(map(arr, args)), order=2)


def test_top_level_planar_cross_and_transpose():
    a, b = rng().standard_normal((4, 2)), rng(1).standard_normal((4, 2))
    close(ft.cross(arr(a), arr(b)), a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0])
    close(ft.matrix_transpose(arr(np.ones((2, 3, 4)))), np.ones((2, 4, 3)))
    assert ft.linalg.matrix_transpose is ft.matrix_transpose


def test_top_level_vmap_and_jit():
    a, b = arr(rng().standard_normal((5, 3))), arr(rng(1).standard_normal((5, 3)))
    close(ft.vmap(ft.cross)(a, b), np.cross(np.asarray(a), np.asarray(b)))
    close(ft.jit(ft.kron)(a, b), np.kron(np.asarray(a), np.asarray(b)))
    close(ft.vmap(ft.vdot)(a, b), np.sum(np.asarray(a) * np.asarray(b), axis=1))


@pytest.mark.parametrize("call,message", [
    (lambda: ft.cross(ft.ones(4), ft.ones(3)), "cross: incompatible vector lengths 4 and 3"),
    (lambda: ft.vdot(ft.ones(3), ft.ones(4)), "vdot: arrays of shapes"),
    (lambda: ft.matvec(ft.ones((2, 3)), ft.ones(2)), "matvec: expected shapes"),
    (lambda: ft.vecmat(ft.ones(3), ft.ones((2, 3))), "vecmat: expected shapes"),
    (lambda: ft.vecdot(ft.ones(3), ft.ones(2)), "vecdot: shapes"),
    (lambda: ft.matrix_transpose(ft.ones(3)), "matrix_transpose: expected an array of at"),
])
def test_top_level_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
