"""geqrf, householder_product (orgqr) and ormqr against torch 2.13 (values and input
gradients from tests/fixtures/householder_reference.npz, written by
make_householder_fixtures.py) and SciPy's LAPACK wrappers; derivatives against finite
differences; the errors."""

import os

import numpy as np
import pytest
import scipy.linalg.lapack as lapack

import funtorch as ft

REF = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                           "householder_reference.npz"))
CASES = sorted({key.split("/")[0] for key in REF.files if key.endswith("/A")} - {"short_tau"})
SIDES = {"ln": (True, False), "lt": (True, True), "rn": (False, False), "rt": (False, True)}
TOL = {"float64": 1e-10, "float32": 2e-5}


def _close(got, want):
    assert got.dtype == want.dtype
    np.testing.assert_allclose(np.asarray(got), want, rtol=TOL[want.dtype.name],
                               atol=TOL[want.dtype.name])


def _inputs(case):
    return ft.array(REF[f"{case}/a"]), ft.array(REF[f"{case}/tau"])


@pytest.mark.parametrize("case", CASES)
def test_geqrf_matches_torch(case):
    a, tau = ft.geqrf(ft.array(REF[f"{case}/A"]))
    _close(a, REF[f"{case}/a"])
    _close(tau, REF[f"{case}/tau"])


@pytest.mark.parametrize("case", [c for c in CASES if f"{c}/Q" in REF.files])
def test_householder_product_matches_torch(case):
    a, tau = _inputs(case)
    _close(ft.linalg.householder_product(a, tau), REF[f"{case}/Q"])
    _close(a.orgqr(tau), REF[f"{case}/Q"])


def test_householder_product_with_fewer_reflectors_than_columns():
    got = ft.orgqr(ft.array(REF["short_tau/A"]), ft.array(REF["short_tau/tau"]))
    _close(got, REF["short_tau/Q"])


@pytest.mark.parametrize("side", sorted(SIDES))
@pytest.mark.parametrize("case", CASES)
def test_ormqr_matches_torch(case, side):
    a, tau = _inputs(case)
    left, transpose = SIDES[side]
    other = ft.array(REF[f"{case}/C_{side}"])
    _close(ft.ormqr(a, tau, other, left, transpose), REF[f"{case}/ormqr_{side}"])
    _close(a.ormqr(tau, other, left=left, transpose=transpose), REF[f"{case}/ormqr_{side}"])


def _torch_gradient_cases():
    for case in CASES:
        if not case.endswith("float64"):
            continue
        if f"{case}/W_Q" in REF.files:
            yield case, "Q"
        yield from ((case, side) for side in sorted(SIDES))


@pytest.mark.parametrize("case, which", list(_torch_gradient_cases()))
def test_input_gradients_match_torch(case, which):
    def loss(a, tau):
        if which == "Q":
            out = ft.linalg.householder_product(a, tau)
        else:
            out = ft.ormqr(a, tau, ft.array(REF[f"{case}/C_{which}"]), *SIDES[which])
        return ft.sum(out * REF[f"{case}/W_{which}"])
    grad_a, grad_tau = ft.grad(loss, argnums=(0, 1))(*_inputs(case))
    _close(grad_a, REF[f"{case}/grad_{which}_a"])
    _close(grad_tau, REF[f"{case}/grad_{which}_tau"])


def test_second_order_derivatives_match_finite_differences():
    rng = np.random.default_rng(3)
    a, tau = ft.geqrf(ft.array(rng.standard_normal((4, 3))))
    other = ft.array(rng.standard_normal((3, 4)))
    ft.testing.check_grads(ft.linalg.householder_product, (a, tau), order=2)
    ft.testing.check_grads(lambda a, t, c: ft.ormqr(a, t, c, left=False, transpose=True),
                           (a, tau, other), order=2)


def test_agrees_with_scipy_lapack():
    x = np.random.default_rng(5).standard_normal((5, 3))
    packed, tau, _, _ = lapack.dgeqrf(x)
    a, ours_tau = ft.geqrf(ft.array(x))
    np.testing.assert_allclose(np.asarray(a), packed, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.asarray(ours_tau), tau, rtol=1e-12)
    q, _, _ = lapack.dorgqr(packed, tau)
    np.testing.assert_allclose(np.asarray(ft.linalg.householder_product(a, ours_tau)), q,
                               rtol=1e-12, atol=1e-12)
    c = np.random.default_rng(6).standard_normal((5, 2))
    want, _, _ = lapack.dormqr("L", "T", packed, tau, c, lwork=64)
    np.testing.assert_allclose(np.asarray(ft.ormqr(a, ours_tau, c, transpose=True)), want,
                               rtol=1e-12, atol=1e-12)


def test_vmap_and_jit_agree_with_the_batched_call():
    a, tau = ft.geqrf(ft.array(np.random.default_rng(8).standard_normal((3, 4, 2))))
    batched = ft.linalg.householder_product(a, tau)
    np.testing.assert_allclose(np.asarray(ft.vmap(ft.linalg.householder_product)(a, tau)),
                               np.asarray(batched), atol=1e-12)
    np.testing.assert_allclose(np.asarray(ft.jit(lambda x: ft.geqrf(x).a)(a)),
                               np.asarray(ft.geqrf(a).a), atol=1e-12)


def test_geqrf_refuses_derivatives():
    x = ft.array(np.eye(3) + 0.1)
    with pytest.raises(NotImplementedError, match="geqrf: the derivative is not implemented"):
        ft.grad(lambda x: ft.sum(ft.geqrf(x).a))(x)
    with pytest.raises(NotImplementedError, match="ft.linalg.qr"):
        ft.jvp(lambda x: ft.geqrf(x).tau, (x,), (x,))
    leaf = ft.tensor(np.eye(2), requires_grad=True)
    with pytest.raises(NotImplementedError, match="geqrf"):
        leaf.geqrf()
    assert ft.geqrf(leaf.detach()).a.shape == (2, 2)


@pytest.mark.parametrize("call, match", [
    (lambda: ft.linalg.householder_product(ft.zeros((2, 3)), ft.zeros(2)),
     r"input.shape\[-2\] must be greater than or equal to input.shape\[-1\]"),
    (lambda: ft.linalg.householder_product(ft.zeros((4, 2)), ft.zeros(3)),
     r"input.shape\[-1\] must be greater than or equal to tau.shape\[-1\]"),
    (lambda: ft.ormqr(ft.zeros((4, 2)), ft.zeros(2), ft.zeros((3, 2))),
     r"ormqr: other.shape\[-2\] must be equal to input.shape\[-2\]"),
    (lambda: ft.ormqr(ft.zeros((4, 2)), ft.zeros(2), ft.zeros((2, 3)), left=False),
     r"ormqr: other.shape\[-1\] must be equal to input.shape\[-2\]"),
    (lambda: ft.ormqr(ft.zeros((4, 2)), ft.zeros(1), ft.zeros((4, 3))),
     r"tau.shape\[-1\] must be equal to min"),
    (lambda: ft.geqrf(ft.zeros(3)), r"geqrf: expected matrices \(\.\.\., m, n\)"),
])
def test_shape_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_detach_function():
    x = ft.array([1.0, 2.0])
    assert np.array_equal(np.asarray(ft.detach(x)), np.asarray(x))
    np.testing.assert_allclose(np.asarray(ft.grad(lambda x: ft.sum(x * ft.detach(x)))(x)),
                               [1.0, 2.0])
