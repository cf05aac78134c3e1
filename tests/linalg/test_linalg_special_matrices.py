"""``ft.scipy.linalg``'s special matrices against SciPy; the ones built from arguments are
differentiable and (where SciPy's are) batched."""

import numpy as np
import pytest
import scipy.linalg as sl

import funtorch as ft
from funtorch.testing import check_grads
from tests.linalg.helpers import arr, close, rng

fsl = ft.scipy.linalg

FROM_ARGUMENTS = [
    ("toeplitz", [(4,)]),
    ("toeplitz", [(3,), (5,)]),
    ("hankel", [(4,)]),
    ("hankel", [(3,), (5,)]),
    ("circulant", [(4,)]),
    ("companion", [(5,)]),
    ("fiedler", [(4,)]),
    ("fiedler_companion", [(5,)]),
    ("fiedler_companion", [(6,)]),
    ("fiedler_companion", [(2,)]),
    ("leslie", [(4,), (3,)]),
]


@pytest.mark.parametrize("name,shapes", FROM_ARGUMENTS)
def test_matrices_from_arguments_match_scipy(name, shapes):
    args = [rng(i).uniform(0.5, 1.5, s) for i, s in enumerate(shapes)]
    close(getattr(fsl, name)(*map(arr, args)), getattr(sl, name)(*args))
    check_grads(lambda *xs: getattr(fsl, name)(*xs), tuple(map(arr, args)), order=2)


@pytest.mark.parametrize("name", ["toeplitz", "hankel", "circulant"])
def test_batched_over_leading_axes(name):
    c = rng().standard_normal((3, 4))
    got = getattr(fsl, name)(arr(c))
    close(got, np.stack([getattr(sl, name)(row) for row in c]))
    close(ft.vmap(getattr(fsl, name))(arr(c)), got)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolution_matrix_matches_scipy(n, mode):
    a = rng().standard_normal(3)
    close(fsl.convolution_matrix(arr(a), n, mode), sl.convolution_matrix(a, n, mode))


def test_block_diag_matches_scipy():
    blocks = [np.ones((2, 2)), np.arange(3.0), np.array(5.0), rng().standard_normal((1, 2))]
    close(fsl.block_diag(*map(arr, blocks)), sl.block_diag(*blocks))
    assert fsl.block_diag().shape == sl.block_diag().shape
    check_grads(lambda x, y: fsl.block_diag(x, y), (arr(blocks[0]), arr(blocks[3])), order=2)


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_constant_matrices_match_scipy(n):
    close(fsl.helmert(n), sl.helmert(n), 1e-6)
    close(fsl.helmert(n, full=True), sl.helmert(n, full=True), 1e-6)
    close(fsl.hilbert(n), sl.hilbert(n), 1e-6)
    close(fsl.invhilbert(n), sl.invhilbert(n), 1e-6)
    np.testing.assert_array_equal(np.asarray(fsl.invhilbert(n, exact=True)),
                                  sl.invhilbert(n, exact=True))
    for kind in ("symmetric", "lower", "upper"):
        np.testing.assert_array_equal(np.asarray(fsl.pascal(n, kind)), sl.pascal(n, kind))
        np.testing.assert_array_equal(np.asarray(fsl.invpascal(n, kind)),
                                      sl.invpascal(n, kind))
        close(fsl.pascal(n, kind, exact=False), sl.pascal(n, kind, exact=False))
    if n & (n - 1) == 0:
        np.testing.assert_array_equal(np.asarray(fsl.hadamard(n)), sl.hadamard(n))


@pytest.mark.parametrize("call,error,message", [
    (lambda: fsl.hadamard(3), ValueError, "hadamard: n must be a positive power of 2"),
    (lambda: fsl.companion(ft.ones(1)), ValueError, "companion: the polynomial needs"),
    (lambda: fsl.leslie(ft.ones(3), ft.ones(3)), ValueError, "leslie: f needs length"),
    (lambda: fsl.convolution_matrix(ft.ones(2), 0), ValueError, "convolution_matrix: n must"),
    (lambda: fsl.convolution_matrix(ft.ones(2), 2, "x"), ValueError, "convolution_matrix: mode"),
    (lambda: fsl.block_diag(ft.ones((1, 1, 1))), ValueError, "block_diag: argument 0"),
    (lambda: fsl.pascal(3, "diagonal"), ValueError, "pascal: kind must be"),
    (lambda: fsl.invhilbert(20, exact=True), ValueError, "invhilbert: the entries overflow"),
])
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_dft_is_complex():  # values: tests/special/test_wofz.py
    assert fsl.dft(3).dtype == np.complex64
