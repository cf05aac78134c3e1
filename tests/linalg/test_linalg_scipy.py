"""``ft.scipy.linalg`` factorisations and solvers against SciPy (the test-only oracle):
values, gradients to second order in float64, vmap and jit."""

import numpy as np
import pytest
import scipy.linalg as sl

import funtorch as ft
from funtorch.testing import check_grads
from tests.linalg.helpers import (
    arr, close, full_rank, positive_definite, rng, symmetric_separated, well_conditioned,
)

fsl = ft.scipy.linalg


@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("trans", [0, 1, "T", 2])
@pytest.mark.parametrize("unit_diagonal", [False, True])
@pytest.mark.parametrize("b_shape", [(3,), (3, 2)])
def test_solve_triangular_matches_scipy(lower, trans, unit_diagonal, b_shape):
    a, b = well_conditioned(3, 3), rng(1).standard_normal(b_shape)
    kwargs = {"trans": trans, "lower": lower, "unit_diagonal": unit_diagonal}
    close(fsl.solve_triangular(arr(a), arr(b), **kwargs), sl.solve_triangular(a, b, **kwargs))
    check_grads(lambda x, y: fsl.solve_triangular(x, y, **kwargs), (arr(a), arr(b)), order=2)


def test_solve_triangular_batched_vmap_and_jit():
    a, b = arr(well_conditioned(4, 3, 3)), arr(rng().standard_normal((4, 3)))
    want = np.stack([sl.solve_triangular(np.asarray(a[i]), np.asarray(b[i]), lower=True)
                     for i in range(4)])
    close(fsl.solve_triangular(a, b, lower=True), want)
    close(ft.vmap(lambda x, y: fsl.solve_triangular(x, y, lower=True))(a, b), want)
    close(ft.jit(lambda x, y: fsl.solve_triangular(x, y, lower=True))(a, b), want)


def test_solve_triangular_gradient_lives_on_the_triangle():
    grad = ft.grad(lambda x: ft.sum(fsl.solve_triangular(x, ft.ones(3), lower=True)))(
        arr(well_conditioned(3, 3)))
    assert np.all(np.triu(np.asarray(grad), 1) == 0)


@pytest.mark.parametrize("lower", [False, True])
def test_cholesky_cho_factor_cho_solve(lower):
    a, b = positive_definite(3, 3), rng(1).standard_normal((3, 2))
    close(fsl.cholesky(arr(a), lower=lower), sl.cholesky(a, lower=lower))
    factor = fsl.cho_factor(arr(a), lower=lower)
    assert factor[1] == lower
    close(fsl.cho_solve(factor, arr(b)), sl.cho_solve(sl.cho_factor(a, lower=lower), b))
    close(fsl.cho_solve(factor, arr(b[:, 0])), np.linalg.solve(a, b[:, 0]))
    check_grads(lambda x, y: fsl.cho_solve(fsl.cho_factor(x, lower=lower), y),
                (arr(a), arr(b)), order=2)


@pytest.mark.parametrize("shape", [(3, 3), (4, 4), (4, 2), (2, 4), (1, 1)])
def test_lu_matches_scipy(shape):
    a = rng().standard_normal(shape)
    p, l_, u = fsl.lu(arr(a))
    want_p, want_l, want_u = sl.lu(a)
    close(p, want_p)
    close(l_, want_l)
    close(u, want_u)
    pl, u2 = fsl.lu(arr(a), permute_l=True)
    close(pl, want_p @ want_l)
    close(u2, want_u)


def test_lu_factor_and_solve_match_scipy():
    a, b = rng().standard_normal((4, 4)), rng(1).standard_normal((4, 2))
    lu_, piv = fsl.lu_factor(arr(a))
    want_lu, want_piv = sl.lu_factor(a)
    close(lu_, want_lu)
    np.testing.assert_array_equal(np.asarray(piv), want_piv)
    for trans in (0, 1):
        close(fsl.lu_solve((lu_, piv), arr(b), trans=trans),
              sl.lu_solve((want_lu, want_piv), b, trans=trans))
    close(fsl.lu_solve((lu_, piv), arr(b[:, 0])), np.linalg.solve(a, b[:, 0]))


def test_lu_gradients_batch_and_jit():
    a = rng().standard_normal((2, 4, 4))
    check_grads(lambda x: fsl.lu(x)[1:], (arr(a[0]),), order=2)
    check_grads(lambda x, y: fsl.lu_solve(fsl.lu_factor(x), y),
                (arr(a[0]), arr(rng(1).standard_normal(4))), order=2)
    stacked = fsl.lu(arr(a))
    for i in range(2):
        for got, want in zip(stacked, sl.lu(a[i])):
            close(got[i], want)
    close(ft.vmap(lambda x: fsl.lu(x)[2])(arr(a)), stacked[2])
    jitted = ft.jit(lambda x, y: fsl.lu_solve(fsl.lu_factor(x), y))
    close(jitted(arr(a[1]), arr(np.ones(4))), np.linalg.solve(a[1], np.ones(4)))


def test_lu_of_non_square_has_no_derivative():
    with pytest.raises(NotImplementedError, match="lu: derivatives are implemented for square"):
        ft.grad(lambda x: ft.sum(fsl.lu(x)[2]))(arr(rng().standard_normal((3, 2))))


def test_scipy_eigh_triangle_generalized_and_subset():
    a, b = symmetric_separated(4, 4), positive_definite(4, 4)
    garbage = a + np.triu(np.ones((4, 4)), 1)
    close(fsl.eigh(arr(garbage), eigvals_only=True), sl.eigh(garbage, eigvals_only=True))
    w, v = fsl.eigh(arr(a), arr(b))
    want_w = sl.eigh(a, b, eigvals_only=True)
    close(w, want_w)
    close(np.asarray(v).T @ b @ np.asarray(v), np.eye(4))
    close(a @ np.asarray(v), b @ np.asarray(v) * np.asarray(w))
    close(fsl.eigh(arr(a), subset_by_index=(1, 2), eigvals_only=True),
          sl.eigh(a, subset_by_index=(1, 2), eigvals_only=True))
    check_grads(lambda x, y: fsl.eigh(x, y), (arr(a), arr(b)), order=1)


@pytest.mark.parametrize("kind", [2, 3])
def test_scipy_eigh_generalized_types(kind):
    a, b = symmetric_separated(4, 4), positive_definite(4, 4)
    w, v = fsl.eigh(arr(a), arr(b), type=kind)
    close(w, sl.eigh(a, b, type=kind, eigvals_only=True))
    v = np.asarray(v)
    if kind == 2:
        close(a @ b @ v, v * np.asarray(w))
        close(v.T @ b @ v, np.eye(4))
    else:
        close(b @ a @ v, v * np.asarray(w))
        close(v.T @ np.linalg.inv(b) @ v, np.eye(4))
    check_grads(lambda x, y: fsl.eigh(x, y, type=kind, eigvals_only=True), (arr(a), arr(b)),
                order=2)


@pytest.mark.parametrize("mode", ["full", "economic", "r"])
@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3)])
def test_scipy_qr_modes(mode, shape):
    a = full_rank(*shape)
    out = fsl.qr(arr(a), mode=mode)
    want = sl.qr(a, mode=mode)
    assert len(out) == len(want)
    for got, expected in zip(out, want):
        assert got.shape == expected.shape
    close(np.abs(np.asarray(out[-1])), np.abs(want[-1]))
    if mode != "r":
        close(np.asarray(out[0]) @ np.asarray(out[1]), a)
    with pytest.raises(ValueError, match="qr: pivoting=True"):
        fsl.qr(arr(a), pivoting=True)


@pytest.mark.parametrize("mode,c_shape", [("right", (2, 4)), ("left", (3, 2)),
                                          ("right", (4,)), ("left", (3,))])
def test_qr_multiply(mode, c_shape):
    a, c = full_rank(4, 3), rng(1).standard_normal(c_shape)
    cq, r = fsl.qr_multiply(arr(a), arr(c), mode=mode)
    q = np.asarray(fsl.qr(arr(a), mode="economic")[0])
    close(cq, c @ q if mode == "right" else q @ c)
    check_grads(lambda x, y: fsl.qr_multiply(x, y, mode=mode)[0], (arr(a), arr(c)), order=2)


@pytest.mark.parametrize("scale", [0.01, 1.0, 10.0, 100.0])
def test_expm_matches_scipy(scale):
    a = rng().standard_normal((2, 4, 4)) * scale
    close(fsl.expm(arr(a)), np.stack([sl.expm(m) for m in a]), 1e-11 * max(1.0, scale) ** 2)


def test_expm_float32_and_known_values():
    a = np.array([[0.0, 1.0], [-1.0, 0.0]])
    close(fsl.expm(arr(a)), [[np.cos(1), np.sin(1)], [-np.sin(1), np.cos(1)]])
    got = fsl.expm(ft.array(a, dtype=ft.float32))
    assert got.dtype == np.float32
    close(np.asarray(got, np.float64), sl.expm(a), 1e-6)


def test_expm_gradients_vmap_jit_and_frechet():
    a, e = rng().standard_normal((3, 3)), rng(1).standard_normal((3, 3))
    check_grads(fsl.expm, (arr(a),), order=2)
    expm_a, frechet = fsl.expm_frechet(arr(a), arr(e))
    want_expm, want_frechet = sl.expm_frechet(a, e)
    close(expm_a, want_expm)
    close(frechet, want_frechet)
    close(fsl.expm_frechet(arr(a), arr(e), compute_expm=False), want_frechet)
    stack = arr(rng(2).standard_normal((3, 2, 2)) * 3)
    close(ft.vmap(fsl.expm)(stack), np.stack([sl.expm(m) for m in np.asarray(stack)]))
    close(ft.jit(fsl.expm)(stack), fsl.expm(stack))


def test_solve_sylvester_matches_scipy():
    a, b = well_conditioned(3, 3), well_conditioned(2, 2, seed=1)
    q = rng(2).standard_normal((3, 2))
    close(fsl.solve_sylvester(arr(a), arr(b), arr(q)), sl.solve_sylvester(a, b, q))
    check_grads(fsl.solve_sylvester, (arr(a), arr(b), arr(q)), order=2)
    with pytest.raises(ValueError, match="solve_sylvester: q needs shape"):
        fsl.solve_sylvester(arr(a), arr(b), arr(q.T))


def test_numpy_names_are_shared():
    assert fsl.inv is ft.linalg.inv and fsl.det is ft.linalg.det
    assert fsl.svd is ft.linalg.svd and fsl.norm is ft.linalg.norm
    a = positive_definite(3, 3)
    close(fsl.solve(arr(a), arr(np.ones(3))), sl.solve(a, np.ones(3)))
