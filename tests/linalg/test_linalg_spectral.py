"""``ft.linalg`` eigh, eig, qr, svd, pinv, lstsq, matrix_rank: values against NumPy,
gradients to second order in float64, vmap against a loop, jit against eager."""

import numpy as np
import pytest

import funtorch as ft
from funtorch.testing import check_grads
from tests.linalg.helpers import (
    arr, close, full_rank, rng, symmetric_separated, well_conditioned,
)


def _fix_columns(v):
    """NumPy's eigenvector signs are arbitrary: make each column's largest entry positive."""
    top = np.take_along_axis(v, np.argmax(np.abs(v), axis=-2)[..., None, :], axis=-2)
    return v * np.sign(top)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1)])
def test_eigh_matches_numpy(shape):
    a = symmetric_separated(*shape)
    w, v = ft.linalg.eigh(arr(a))
    want_w, want_v = np.linalg.eigh(a)
    close(w, want_w)
    close(v, _fix_columns(want_v))
    close(ft.linalg.eigvalsh(arr(a)), want_w)


def test_eigh_reads_one_triangle_without_symmetrize():
    a = symmetric_separated(3, 3)
    upper_garbage = a + np.triu(np.ones((3, 3)), 1)
    got = ft.linalg.eigh(arr(upper_garbage), UPLO="L", symmetrize_input=False).eigenvalues
    close(got, np.linalg.eigvalsh(upper_garbage, UPLO="L"))
    close(ft.linalg.eigvalsh(arr(a + np.tril(np.ones((3, 3)), -1)), UPLO="U",
                             symmetrize_input=False),
          np.linalg.eigvalsh(a))


def test_eigh_gradients():
    a = arr(symmetric_separated(3, 3))
    check_grads(lambda x: ft.linalg.eigh(x), (a,), order=2)
    check_grads(lambda x: ft.linalg.eigh(x, symmetrize_input=False), (a,), order=2)


def test_eigh_vmap_and_jit():
    a = arr(symmetric_separated(4, 3, 3))
    batched = ft.vmap(ft.linalg.eigh)(a)
    for i in range(4):
        close(batched[0][i], ft.linalg.eigh(a[i])[0])
        close(batched[1][i], ft.linalg.eigh(a[i])[1])
    close(ft.jit(lambda x: ft.linalg.eigh(x)[1])(a), ft.linalg.eigh(a)[1])


def test_eigh_repeated_eigenvalues_vector_gradient_blows_up_value_gradient_does_not():
    q = np.linalg.qr(rng().standard_normal((3, 3)))[0]
    a = arr(q @ np.diag([1.0, 1.0, 3.0]) @ q.T)
    grad = ft.grad(lambda x: ft.linalg.eigh(x)[1][0, 0])(a)
    grad = np.asarray(grad)  # inf/nan, or huge where rounding split the eigenvalue
    assert not np.all(np.isfinite(grad)) or np.abs(grad).max() > 1e8
    value_grad = ft.grad(lambda x: ft.sum(ft.linalg.eigh(x)[0] ** 2))(a)
    close(value_grad, 2 * np.asarray(a))


def test_eig_real_spectrum_matches_numpy():
    a = np.triu(rng().uniform(-1, 1, (4, 4))) + np.diag([4.0, 1.0, 3.0, 2.0])
    s = well_conditioned(4, 4, seed=1)
    a = s @ a @ np.linalg.inv(s)
    w, v = ft.linalg.eig(arr(a))
    want = np.linalg.eig(a)
    order = np.argsort(want.eigenvalues.real)
    close(w, want.eigenvalues.real[order], 1e-8)
    close(v, _fix_columns(want.eigenvectors.real[:, order]), 1e-8)
    close(ft.linalg.eigvals(arr(a)), want.eigenvalues.real[order], 1e-8)


def test_eig_gradients_and_vmap():
    a = arr(np.diag([3.0, 2.0, 1.0]) + rng().uniform(-0.1, 0.1, (3, 3)))
    check_grads(ft.linalg.eig, (a,), order=2)
    stack = arr(np.diag([3.0, 2.0, 1.0]) + rng(1).uniform(-0.1, 0.1, (2, 3, 3)))
    close(ft.vmap(ft.linalg.eigvals)(stack), ft.linalg.eigvals(stack))


def test_eig_refuses_complex_spectrum():
    with pytest.raises(ValueError, match="eig: the matrix has complex eigenvalues"):
        ft.linalg.eig(arr([[0.0, -1.0], [1.0, 0.0]]))


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5), (2, 4, 2), (2, 2, 3)])
@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
def test_qr_matches_numpy_up_to_signs(shape, mode):
    a = rng().standard_normal(shape)
    out = ft.linalg.qr(arr(a), mode=mode)
    r = np.asarray(out if mode == "r" else out.R)
    want_r = np.linalg.qr(a, mode=mode if mode != "r" else "r")
    want_r = want_r if mode == "r" else want_r[1]
    k = min(shape[-2:])
    signs = np.sign(np.diagonal(want_r[..., :k, :k], axis1=-2, axis2=-1))[..., :, None]
    close(r[..., :k, :], signs * want_r[..., :k, :])
    assert np.all(np.diagonal(r[..., :k, :k], axis1=-2, axis2=-1) >= 0)
    if mode != "r":
        q = np.asarray(out.Q)
        close(q @ r, a)
        close(np.swapaxes(q, -1, -2) @ q, np.broadcast_to(np.eye(q.shape[-1]), q.shape[:-2]
                                                           + (q.shape[-1],) * 2))


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5)])
def test_qr_gradients(shape):
    a = arr(full_rank(*shape))
    check_grads(lambda x: tuple(ft.linalg.qr(x)), (a,), order=2)


def test_qr_complete_tall_has_no_derivative():
    with pytest.raises(NotImplementedError, match="qr: no derivative for the complete"):
        ft.grad(lambda x: ft.sum(ft.linalg.qr(x, mode="complete").Q))(arr(full_rank(4, 2)))
    with pytest.raises(ValueError, match="qr: mode must be"):
        ft.linalg.qr(arr(np.eye(2)), mode="raw")


def test_qr_vmap_and_jit():
    a = arr(full_rank(3, 4, 3))
    q = ft.vmap(lambda x: ft.linalg.qr(x).Q)(a)
    close(q, ft.linalg.qr(a).Q)
    close(ft.jit(lambda x: ft.linalg.qr(x).R)(a), ft.linalg.qr(a).R)


@pytest.mark.parametrize("shape", [(4, 2), (2, 4), (3, 3)])
def test_svd_full_matrices(shape):
    a = full_rank(*shape)
    u, s, vh = ft.linalg.svd(arr(a))
    m, n = shape
    assert u.shape == (m, m) and vh.shape == (n, n)
    sigma = np.zeros(shape)
    sigma[range(min(shape)), range(min(shape))] = np.asarray(s)
    close(np.asarray(u) @ sigma @ np.asarray(vh), a)
    close(np.asarray(u).T @ np.asarray(u), np.eye(m))
    close(np.asarray(vh) @ np.asarray(vh).T, np.eye(n))
    close(ft.linalg.svdvals(arr(a)), np.linalg.svd(a, compute_uv=False))


def test_svd_full_matrices_non_square_raises_under_grad():
    with pytest.raises(NotImplementedError, match="full_matrices=False"):
        ft.grad(lambda x: ft.sum(ft.linalg.svd(x)[0]))(arr(full_rank(4, 2)))


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 4), (2, 4, 3)])
def test_pinv_matches_numpy_and_differentiates(shape):
    a = full_rank(*shape)
    close(ft.linalg.pinv(arr(a)), np.linalg.pinv(a))
    check_grads(ft.linalg.pinv, (arr(a),), order=2)


def test_pinv_rank_deficient_and_rcond():
    a = np.outer([1.0, 2.0, 3.0], [1.0, -1.0])
    close(ft.linalg.pinv(arr(a)), np.linalg.pinv(a))
    close(ft.linalg.pinv(arr(np.diag([1.0, 1e-3])), rcond=1e-2), np.diag([1.0, 0.0]))
    with pytest.raises(ValueError, match="pinv: give rtol or rcond"):
        ft.linalg.pinv(arr(np.eye(2)), rtol=1e-3, rcond=1e-3)


@pytest.mark.parametrize("a_shape,b_shape", [((5, 3), (5,)), ((5, 3), (5, 2)),
                                             ((3, 3), (3,)), ((2, 4), (2, 3))])
def test_lstsq_matches_numpy(a_shape, b_shape):
    a, b = rng().standard_normal(a_shape), rng(1).standard_normal(b_shape)
    x, residuals, rank, s = ft.linalg.lstsq(arr(a), arr(b))
    want = np.linalg.lstsq(a, b)
    close(x, want[0])
    close(residuals, want[1])
    assert int(rank) == want[2]
    close(s, want[3])
    check_grads(lambda a, b: ft.linalg.lstsq(a, b)[0], (arr(a), arr(b)), order=2)


def test_matrix_rank_matches_numpy():
    a = np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 2.0])
    for m in (a, np.eye(3), np.zeros((2, 3)), np.stack([a, np.eye(3)])):
        np.testing.assert_array_equal(np.asarray(ft.linalg.matrix_rank(arr(m))),
                                      np.linalg.matrix_rank(m))
    assert int(ft.linalg.matrix_rank(arr([0.0, 1.0]))) == 1
    assert int(ft.linalg.matrix_rank(arr(np.diag([1.0, 1e-3])), tol=1e-2)) == 1


@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", 1, -1, np.inf, -np.inf])
def test_cond_matches_numpy(p):
    a = well_conditioned(2, 3, 3)
    close(ft.linalg.cond(arr(a), p), np.linalg.cond(a, p))
    check_grads(lambda x: ft.linalg.cond(x, p), (arr(a),), order=1)
