"""Every error of ``ft.linalg`` / ``ft.scipy.linalg`` names the function and what it got."""

import pytest

import funtorch as ft

fsl = ft.scipy.linalg
EYE, ONES3 = ft.eye(3), ft.ones(3)

ERRORS = [
    (lambda: ft.linalg.eigh(EYE, UPLO="X"), ValueError, "eigh: UPLO must be 'L' or 'U'"),
    (lambda: ft.linalg.eigh(ft.ones((2, 3))), ValueError, r"eigh: expected a square matrix"),
    (lambda: ft.linalg.eig(ONES3), ValueError, r"eig: expected a square matrix.*\(3,\)"),
    (lambda: ft.linalg.qr(ONES3), ValueError, r"qr: expected a matrix.*\(3,\)"),
    (lambda: ft.linalg.svdvals(ONES3), ValueError, "svdvals: expected a matrix"),
    (lambda: ft.linalg.pinv(ONES3), ValueError, "pinv: expected a matrix"),
    (lambda: ft.linalg.lstsq(EYE, ft.ones(2)), ValueError, "lstsq: expected a of shape"),
    (lambda: ft.linalg.multi_dot([EYE]), ValueError, "multi_dot: expected at least two"),
    (lambda: ft.linalg.multi_dot([EYE, ft.ones((3, 3, 3))]), ValueError,
     r"multi_dot: array 1 has shape \(3, 3, 3\)"),
    (lambda: ft.linalg.tensorinv(EYE, ind=0), ValueError, "tensorinv: ind must be a positive"),
    (lambda: ft.linalg.tensorsolve(ft.ones((6, 2, 2)), ft.ones(6)), ValueError,
     "tensorsolve: a of shape"),
    (lambda: ft.linalg.matrix_power(ft.ones((2, 3)), 2), ValueError,
     "matrix_power: expected a square matrix"),
    (lambda: ft.linalg.vector_norm(ONES3, ord="fro"), ValueError, "vector_norm: invalid ord"),
    (lambda: ft.linalg.matrix_norm(ONES3), ValueError, "matrix_norm: expected a matrix"),
    (lambda: ft.linalg.matrix_norm(EYE, ord=3), ValueError, "norm: invalid ord 3"),
    (lambda: ft.linalg.cond(ONES3), ValueError, "cond: expected a matrix"),
    (lambda: ft.linalg.diagonal(ONES3), ValueError, "diagonal: expected an array of at least"),
    (lambda: fsl.solve_triangular(EYE, ft.ones(2)), ValueError,
     r"solve_triangular: shapes \(3, 3\) and \(2, 1\) are not aligned"),
    (lambda: fsl.solve_triangular(EYE, ONES3, trans=3), ValueError,
     "solve_triangular: trans must be"),
    (lambda: fsl.lu_solve(fsl.lu_factor(EYE), ONES3, trans="X"), ValueError,
     "lu_solve: trans must be"),
    (lambda: fsl.lu(ONES3), ValueError, "lu: expected a matrix"),
    (lambda: fsl.eigh(EYE, type=4), ValueError, "eigh: type must be 1"),
    (lambda: fsl.qr(EYE, mode="raw"), ValueError, "qr: mode must be 'full'"),
    (lambda: fsl.qr_multiply(EYE, ONES3, mode="up"), ValueError, "qr_multiply: mode must be"),
    (lambda: fsl.qr_multiply(EYE, ONES3, pivoting=True), ValueError,
     "qr_multiply: pivoting=True"),
    (lambda: fsl.expm(ft.ones((2, 3))), ValueError, "expm: expected a square matrix"),
    (lambda: fsl.expm_frechet(EYE, ft.eye(2)), ValueError,
     "expm_frechet: A and E need the same matrix shape"),
]


@pytest.mark.parametrize("call,error,message", ERRORS)
def test_errors_name_the_function(call, error, message):
    with pytest.raises(error, match=message):
        call()
