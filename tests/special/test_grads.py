"""Derivatives of ft.special (to second order against finite differences, float64), the
errors raised for arguments without a derivative, and jit/vmap over the functions."""

import numpy as np
import pytest
import scipy.special as sc

import funtorch as ft

S = ft.special


def _arr(*values):
    return ft.array(np.array(values, dtype=np.float64))


# compositions and multi-argument functions (single primitives are also covered by
# tests/ops/test_registry.py); args in float64, away from poles and branch switches
GRAD_CASES = {
    "logit": (S.logit, (_arr(0.01, 0.3, 0.5, 0.9),)),
    "expit": (S.expit, (_arr(-3.0, 0.5, 4.0),)),
    "entr": (S.entr, (_arr(0.2, 1.5),)),
    "rel_entr": (S.rel_entr, (_arr(0.2, 1.5), _arr(0.7, 0.4))),
    "kl_div": (S.kl_div, (_arr(0.2, 1.5), _arr(0.7, 0.4))),
    "boxcox": (S.boxcox, (_arr(0.5, 2.0), _arr(-0.7, 1.3))),
    "boxcox_at_0": (S.boxcox, (_arr(0.5, 2.0), _arr(0.0, 1e-5))),
    "poch_at_0": (S.poch, (_arr(0.7, 2.5), _arr(0.0, 0.0))),
    "boxcox1p": (S.boxcox1p, (_arr(0.5, 2.0), _arr(-0.7, 1.3))),
    "beta": (S.beta, (_arr(0.7, 2.5), _arr(1.5, 3.0))),
    "poch": (S.poch, (_arr(0.7, 2.5), _arr(1.5, 3.0))),
    "comb": (S.comb, (_arr(6.5, 9.0), _arr(2.5, 3.0))),
    "factorial": (S.factorial, (_arr(0.5, 3.5),)),
    "loggamma": (S.loggamma, (_arr(0.5, 3.5),)),
    "multigammaln": (lambda a: S.multigammaln(a, 3), (_arr(2.5, 4.0),)),
    "gamma": (S.gamma, (_arr(-1.5, 0.5, 3.5),)),
    "log_ndtr_tail": (S.log_ndtr, (_arr(-30.0, -5.0, 0.5, 7.0),)),
    "ndtri_tails": (S.ndtri, (_arr(0.02, 0.5, 0.98),)),
    "gammainc_x": (lambda x: S.gammainc(2.5, x), (_arr(0.5, 3.0, 7.0),)),
    "gammaincc_x": (lambda x: S.gammaincc(0.7, x), (_arr(0.5, 3.0),)),
    "betainc_x": (lambda x: S.betainc(2.5, 0.8, x), (_arr(0.2, 0.7),)),
    "betaln": (S.betaln, (_arr(0.7, 25.0), _arr(12.0, 3.0))),
    "owens_t": (S.owens_t, (_arr(0.3, -1.2), _arr(0.5, 2.5))),
    "zeta_q": (lambda q: S.zeta(3.0, q), (_arr(0.5, 2.0),)),
    "polygamma": (lambda x: S.polygamma(2, x), (_arr(0.5, 2.0),)),
    "expn": (lambda x: S.expn(3, x), (_arr(0.5, 2.0),)),
    "exp1": (S.exp1, (_arr(0.5, 2.0),)),
    "sici": (lambda x: S.sici(x)[0] + S.sici(x)[1], (_arr(0.5, 3.0),)),
    "fresnel": (lambda x: S.fresnel(x)[0] * S.fresnel(x)[1], (_arr(0.5, 3.0),)),
    "bessel_jn": (lambda x: S.bessel_jn(x, v=3), (_arr(0.5, 3.0, -7.0),)),
    "hyp1f1_x": (lambda x: S.hyp1f1(0.5, 1.5, x), (_arr(-2.0, 1.0),)),
    "hyp2f1_x": (lambda x: S.hyp2f1(0.5, 1.5, 2.5, x), (_arr(-2.0, 0.6),)),
    "logsumexp_b": (lambda a, b: S.logsumexp(a, axis=0, b=b), (_arr(1.0, -2.0, 0.5),
                                                               _arr(0.5, 2.0, 1.0))),
    "softmax": (lambda x: S.softmax(x) * _arr(1.0, 2.0, 3.0), (_arr(1.0, -2.0, 0.5),)),
    "log_softmax": (lambda x: S.log_softmax(x) * _arr(1.0, 2.0, 3.0), (_arr(1.0, -2.0, 0.5),)),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_second_order_derivatives(name):
    fn, args = GRAD_CASES[name]
    ft.testing.check_grads(fn, args, order=2)


@pytest.mark.parametrize("fn, values, exact", [
    (S.gammaln, [0.5, 3.0], sc.digamma),
    (S.digamma, [0.5, 3.0], lambda x: sc.polygamma(1, x)),
    (S.erfinv, [-0.9, 0.3], lambda y: np.sqrt(np.pi) / 2 * np.exp(sc.erfinv(y) ** 2)),
    (S.ndtri, [0.01, 0.7], lambda p: np.sqrt(2 * np.pi) * np.exp(sc.ndtri(p) ** 2 / 2)),
    (S.log_ndtr, [-40.0, 3.0], lambda x: np.exp(-x * x / 2 - sc.log_ndtr(x)) / np.sqrt(
        2 * np.pi)),
    (lambda x: S.gammainc(3.0, x), [0.5, 8.0], lambda x: x ** 2 * np.exp(-x) / 2.0),
])
def test_first_derivative_is_the_closed_form(fn, values, exact):
    x = ft.array(np.array(values))
    got = ft.vmap(ft.grad(fn))(x)
    np.testing.assert_allclose(np.asarray(got), exact(np.array(values)), rtol=1e-12)


@pytest.mark.parametrize("fn", [S.gammainc, S.gammaincc])
def test_gammainc_first_derivative_in_a(fn):
    a = ft.array(np.array([0.05, 0.7, 3.0, 40.0, 800.0]))
    x = ft.array(np.array([0.02, 2.5, 1.0, 45.0, 700.0]))
    ft.testing.check_grads(fn, (a, x), order=1, rtol=1e-6)
    ft.testing.check_grads(lambda x: ft.grad(lambda a: fn(a, x).sum())(a), (x,), order=1)


def test_gammainc_a_derivative_matches_mpmath():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    points = [(0.0205577, 0.0387875), (546.19388, 914.77892), (1218.62515, 402.38868),
              (3.5, 3.0), (12.0, 30.0)]
    got = ft.vmap(ft.grad(S.gammainc))(ft.array(np.array(points)[:, 0]),
                                       ft.array(np.array(points)[:, 1]))
    for (a, x), value in zip(points, np.asarray(got)):
        if x < a:
            want = mpmath.diff(lambda s: mpmath.gammainc(s, 0, x, regularized=True), a)
        else:
            want = -mpmath.diff(lambda s: mpmath.gammainc(s, x, mpmath.inf, regularized=True), a)
        assert abs(value - float(want)) <= 1e-12 * abs(float(want)), (a, x, value, want)


@pytest.mark.parametrize("fn, argnum, prim", [
    (lambda a, x: ft.grad(S.gammainc)(a, x), 0, "gammainc_grad_a"),
    (lambda a, x: S.betainc(a, 2.0, x), 0, "betainc"),
    (lambda s, x: S.zeta(s, x), 0, "zeta"),
    (lambda a, x: S.hyp1f1(a, 2.0, x), 0, "hyp1f1"),
])
def test_no_derivative_in_shape_parameters_raises(fn, argnum, prim):
    args = (ft.array(np.float64(1.5)), ft.array(np.float64(0.5)))
    with pytest.raises(TypeError, match=f"primitive '{prim}' has no VJP rule for argument 0"):
        ft.grad(fn, argnums=argnum)(*args)
    ft.grad(fn, argnums=1)(*args)  # the x derivative exists


def test_jit_and_vmap_agree_with_eager():
    x = ft.array(np.linspace(0.1, 0.9, 6))
    fns = [S.ndtri, S.erfinv, S.gammaln, S.log_ndtr, lambda p: S.betainc(2.0, 3.0, p),
           lambda p: S.bessel_jn(p, v=2), S.i1e, lambda p: S.logsumexp(p, b=p)]
    for fn in fns:
        eager = np.asarray(fn(x))
        np.testing.assert_allclose(np.asarray(ft.jit(fn)(x)), eager, rtol=1e-15)
    for fn in fns[:5] + [fns[6]]:
        np.testing.assert_allclose(np.asarray(ft.vmap(fn)(x)), np.asarray(fn(x)), rtol=1e-15)
    stacked = ft.vmap(fns[5])(x)  # bessel_jn: the order axis follows the mapped one
    np.testing.assert_allclose(np.asarray(stacked).T, np.asarray(fns[5](x)), rtol=1e-15)
