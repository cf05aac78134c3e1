"""``ft.linalg`` (``inv, det, slogdet, solve, cholesky, svd, norm``): values against
NumPy for single and batched matrices, gradients to second order against finite
differences (also at singular matrices for ``det``), the primitives' JVP and batching
rules, float32, and error messages."""

import numpy as np
import pytest

import funtorch as ft
from test_linalg import (
    INF, check_batch_rule, check_float32, check_grads, check_jvp_rule, f64, numeric_grad, rand,
    separated, spd, well_conditioned,
)


def test_inv_det_slogdet_match_numpy():
    a = well_conditioned(2, 3, 3)
    np.testing.assert_allclose(ft.linalg.inv(a).numpy(), np.linalg.inv(a), rtol=1e-10)
    np.testing.assert_allclose(ft.linalg.det(a).numpy(), np.linalg.det(a), rtol=1e-10)
    flipped = a * np.array([-1.0, 1.0, 1.0])[:, None]
    sign, logdet = ft.linalg.slogdet(flipped)
    expected = np.linalg.slogdet(flipped)
    np.testing.assert_array_equal(sign.numpy(), expected[0])
    np.testing.assert_allclose(logdet.numpy(), expected[1], rtol=1e-10)
    assert ft.linalg.det(np.eye(2, dtype=np.int64)).dtype == ft.get_default_dtype()


@pytest.mark.parametrize("a_shape,b_shape", [((3, 3), (3,)), ((3, 3), (3, 2)),
                                             ((2, 3, 3), (3,)), ((2, 3, 3), (2, 3, 1)),
                                             ((2, 3, 3), (3, 4)), ((3, 3), (2, 3, 2)),
                                             ((4, 1, 3, 3), (2, 3, 2))])
def test_solve_matches_numpy_including_broadcasting(a_shape, b_shape):
    a, b = well_conditioned(*a_shape), rand(*b_shape)
    expected = np.linalg.solve(a, b)
    got = ft.linalg.solve(a, b)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)


def test_cholesky_matches_numpy_and_symmetrizes_its_input_like_jax():
    a = spd(2, 3, 3)
    np.testing.assert_allclose(ft.linalg.cholesky(a).numpy(), np.linalg.cholesky(a), rtol=1e-10)
    np.testing.assert_allclose(ft.linalg.cholesky(a, upper=True).numpy(),
                               np.linalg.cholesky(a, upper=True), rtol=1e-10)
    skewed = a + 0.1 * np.triu(rand(3, 3), 1)  # jax.numpy.linalg.cholesky: symmetrize_input
    np.testing.assert_allclose(ft.linalg.cholesky(skewed).numpy(),
                               np.linalg.cholesky(0.5 * (skewed + np.swapaxes(skewed, -1, -2))),
                               rtol=1e-10)


def test_cholesky_gradient_is_symmetric():
    weights = rand(3, 3)
    grad = ft.grad(lambda m: ft.sum(ft.linalg.cholesky(m) * weights))(ft.array(spd(3, 3)))
    np.testing.assert_allclose(grad.numpy(), grad.numpy().T, rtol=1e-12)


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 4), (2, 4, 3)])
def test_svd_matches_numpy_up_to_signs(shape):
    a = rand(*shape)
    u, s, vh = ft.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(s.numpy(), np.linalg.svd(a, compute_uv=False), rtol=1e-10)
    np.testing.assert_allclose(ft.linalg.svd(a, compute_uv=False).numpy(), s.numpy(), rtol=1e-10)
    rebuilt = (u * ft.expand_dims(s, -2)) @ vh
    np.testing.assert_allclose(rebuilt.numpy(), a, atol=1e-10)
    expected_u = np.linalg.svd(a, full_matrices=False)[0]
    np.testing.assert_allclose(np.abs(u.numpy()), np.abs(expected_u), atol=1e-10)
    largest = np.take_along_axis(u.numpy(), np.argmax(np.abs(u.numpy()), -2)[..., None, :], -2)
    assert (largest > 0).all()  # the documented sign convention


VECTOR_ORDS = [None, 1, 2, INF, -INF, 0, 3, 0.5, -1, -2]
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, INF, -INF]


@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_vector_norms_match_numpy(ord, axis, keepdims):
    x = rand(2, 4, 3)
    if ord is None or ord >= 0:
        x[0, 0, 0] = 0.0  # counted by ord=0; negative orders would divide by zero
    expected = np.linalg.norm(x, ord, axis, keepdims)
    got = ft.linalg.norm(x, ord, axis, keepdims)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)


@pytest.mark.parametrize("ord", MATRIX_ORDS)
@pytest.mark.parametrize("axis", [(1, 2), (2, 1), (-1, 0)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_matrix_norms_match_numpy(ord, axis, keepdims):
    x = rand(2, 4, 3)
    expected = np.linalg.norm(x, ord, axis, keepdims)
    got = ft.linalg.norm(x, ord, axis, keepdims)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)


@pytest.mark.parametrize("shape,ord", [((5,), None), ((5,), 1), ((5,), INF), ((3, 4), None),
                                       ((3, 4), "nuc"), ((3, 4), 1), ((2, 3, 4), None)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_norm_with_axis_none_matches_numpy(shape, ord, keepdims):
    x = rand(*shape)
    expected = np.linalg.norm(x, ord, None, keepdims)
    got = ft.linalg.norm(x, ord, keepdims=keepdims)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)



# Gradients, first and second order ----------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
def test_inv_det_slogdet_gradients(shape):
    a = well_conditioned(*shape)
    check_grads(ft.linalg.inv, a)
    check_grads(ft.linalg.det, a)
    check_grads(lambda x: ft.linalg.slogdet(x)[1], a * np.array([-1.0, 1.0, 1.0])[:, None])


def test_det_gradient_is_exact_and_finite_at_singular_matrices():
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    grad = ft.grad(ft.linalg.det)(f64(singular)).numpy()
    np.testing.assert_allclose(grad, [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)  # cofactors
    rank_one = np.outer(rand(3), rand(3))
    np.testing.assert_allclose(ft.grad(ft.linalg.det)(f64(rank_one)).numpy(),
                               numeric_grad(lambda m: np.linalg.det(m), rank_one), atol=1e-6)
    assert np.isfinite(ft.grad(ft.linalg.det)(f64(np.zeros((3, 3)))).numpy()).all()


@pytest.mark.parametrize("a_shape,b_shape", [((3, 3), (3,)), ((3, 3), (3, 2)),
                                             ((2, 3, 3), (3,)), ((3, 3), (2, 3, 2))])
def test_solve_gradients(a_shape, b_shape):
    a, b = well_conditioned(*a_shape), rand(*b_shape)
    check_grads(lambda x: ft.linalg.solve(x, f64(b)), a)
    check_grads(lambda y: ft.linalg.solve(f64(a), y) ** 2, b)


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
def test_cholesky_gradients(shape):
    check_grads(ft.linalg.cholesky, spd(*shape))
    check_grads(lambda x: ft.linalg.cholesky(x, upper=True) ** 2, spd(*shape))


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 4), (2, 4, 3)])
def test_svd_gradients(shape):
    a = separated(*shape)
    check_grads(lambda x: ft.linalg.svd(x, compute_uv=False), a)
    # functions of u and vh that do not depend on LAPACK's sign choice
    check_grads(lambda x: ft.linalg.svd(x, full_matrices=False)[0] ** 2, a)
    check_grads(lambda x: ft.linalg.svd(x, full_matrices=False)[2] ** 2, a)

    def rebuilt(x):
        u, s, vh = ft.linalg.svd(x, full_matrices=False)
        return (u * ft.expand_dims(ft.sin(s), -2)) @ vh
    check_grads(rebuilt, a)


@pytest.mark.parametrize("ord", [None, 1, 2, INF, -INF, 3, 0.5, -1])
def test_vector_norm_gradients(ord):
    check_grads(lambda x: ft.linalg.norm(x, ord, axis=-1), rand(2, 4))


@pytest.mark.parametrize("ord", MATRIX_ORDS)
def test_matrix_norm_gradients(ord):
    check_grads(lambda x: ft.linalg.norm(x, ord, axis=(1, 2)), separated(2, 4, 3))


def test_norm_gradient_at_zero_is_zero_not_nan():
    for ord, axis in [(None, None), (2, None), (3, None), ("fro", (0, 1))]:
        x = f64(np.zeros((2, 2)) if axis else np.zeros(3))
        grad = ft.grad(lambda v, o=ord, a=axis: ft.linalg.norm(v, o, a))(x).numpy()
        np.testing.assert_array_equal(grad, np.zeros_like(grad))


# The primitives' JVP and batching rules -------------------------------------------------------

RULE_CASES = [
    ("inv", (well_conditioned(2, 3, 3),), {}),
    ("det", (well_conditioned(3, 3),), {}),
    ("cofactor", (well_conditioned(3, 3),), {}),
    ("logabsdet", (well_conditioned(3, 3),), {}),
    ("slogdet_sign", (well_conditioned(3, 3),), {}),
    ("solve", (well_conditioned(3, 3), rand(2, 3, 2)), {}),
    ("cholesky", (spd(2, 3, 3) + np.triu(rand(3, 3), 1),), {}),
    ("svd", (separated(4, 3),), {"part": "s"}),
    ("svd", (separated(3, 4),), {"part": "u"}),
    ("svd", (separated(4, 3),), {"part": "vt"}),
]


@pytest.mark.parametrize("name,args,params", [c for c in RULE_CASES if c[0] != "slogdet_sign"])
def test_jvp_rules_match_finite_differences(name, args, params):
    check_jvp_rule(name, args, params)


@pytest.mark.parametrize("name,args,params", RULE_CASES)
@pytest.mark.parametrize("bdims", [(0, None), (None, 0), (1, 2), (2, 0)])
def test_batch_rules_match_a_loop(name, args, params, bdims):
    check_batch_rule(name, args, params, bdims)


@pytest.mark.parametrize("fun,reference,make", [
    (ft.linalg.inv, np.linalg.inv, well_conditioned), (ft.linalg.det, np.linalg.det,
                                                       well_conditioned),
    (lambda a: ft.linalg.solve(a, a[..., :1]), lambda a: np.linalg.solve(a, a[..., :1]),
     well_conditioned), (ft.linalg.cholesky, np.linalg.cholesky, spd),
    (lambda a: ft.linalg.norm(a, "nuc", (1, 2)), lambda a: np.linalg.norm(a, "nuc", (1, 2)),
     well_conditioned)])
def test_float32_stays_float32_and_agrees_with_numpy(fun, reference, make):
    check_float32(fun, reference, [make(2, 3, 3)])


# Errors -----------------------------------------------------------------------------------------

ERROR_CASES = [
    (lambda: ft.linalg.inv(ft.ones((3, 4))), r"inv: expected a square matrix.*got shape \(3, 4\)"),
    (lambda: ft.linalg.det(ft.ones((3,))), r"det: expected a square matrix.*got shape \(3,\)"),
    (lambda: ft.linalg.inv(ft.zeros((2, 2))), "inv.*[Ss]ingular"),
    (lambda: ft.linalg.cholesky(-ft.eye(2)), "cholesky.*positive definite"),
    (lambda: ft.linalg.solve(ft.eye(3), ft.ones((4,))),
     r"solve: shapes \(3, 3\) and \(4,\) are not aligned"),
    (lambda: ft.linalg.solve(ft.ones((3, 2)), ft.ones((3,))), "solve: expected a square matrix"),
    (lambda: ft.linalg.norm(ft.ones(3), "fro"), "norm: invalid ord 'fro' for a vector norm"),
    (lambda: ft.linalg.norm(ft.ones((2, 3)), 3), "norm: invalid ord 3 for a matrix norm"),
    (lambda: ft.linalg.norm(ft.ones((2, 3, 4)), 1),
     "norm: ord=1 with axis=None needs a 1-D or 2-D array"),
    (lambda: ft.linalg.norm(ft.ones((2, 3, 4)), axis=(0, 1, 2)), "norm: axis must be an int"),
    (lambda: ft.linalg.norm(ft.ones((2, 3)), axis=(1, -1)), "norm: axis must be an int"),
    (lambda: ft.linalg.norm(ft.ones((2, 3)), axis=2), "norm: axis 2 is out of bounds"),
    (lambda: ft.linalg.svd(ft.ones(3)), r"svd: expected a matrix.*got shape \(3,\)"),
]


@pytest.mark.parametrize("call,message", ERROR_CASES)
def test_errors_are_value_errors_naming_the_function_and_shapes(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_singular_matrix_errors_are_numpys_linalg_error():
    with pytest.raises(np.linalg.LinAlgError, match="inv"):
        ft.linalg.inv(ft.zeros((2, 2)))
    with pytest.raises(np.linalg.LinAlgError, match="inv"):  # second derivative of det
        ft.grad(lambda a: ft.sum(ft.grad(ft.linalg.det)(a)))(f64(np.zeros((2, 2))))

