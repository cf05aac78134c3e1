"""ft.special against scipy.special on random float64 inputs over wide ranges and tails.

Where SciPy itself loses digits (betaln/betainc with large parameters, lgamma next to its
zeros) mpmath is the oracle instead.
"""

import numpy as np
import pytest
import scipy.special as sc

import funtorch as ft

S = ft.special
RNG = np.random.default_rng(20261203)
N = 2000


def _uniform(lo, hi):
    return RNG.uniform(lo, hi, N)


def _logspace(lo, hi, signed=False):
    values = np.exp(RNG.uniform(np.log(lo), np.log(hi), N))
    return values * RNG.choice([-1.0, 1.0], N) if signed else values


def _mix(*parts):
    return np.concatenate(parts)


def _ints(lo, hi):
    return RNG.integers(lo, hi, 2 * N)


# name: (ours, scipy, argument arrays, rtol)
CASES = {
    "gammaln": (S.gammaln, sc.gammaln, [_mix(_uniform(2.6, 50), _logspace(1e-10, 1e300))], 1e-13),
    "gammaln_negative": (S.gammaln, sc.gammaln, [_mix(_uniform(-40, -0.1), -_logspace(
        0.1, 1e5))], 1e-11),
    "digamma": (S.digamma, sc.digamma, [_mix(_uniform(-20, 30), _logspace(1e-8, 1e200))], 1e-12),
    "polygamma": (S.polygamma, sc.polygamma, [_ints(1, 8), _mix(_uniform(-9.9, 30), _logspace(
        1e-3, 1e5))], 1e-12),
    "zeta": (S.zeta, sc.zeta, [_mix(_uniform(1.01, 40), _logspace(1.001, 300)),
                               _mix(_logspace(1e-3, 1e4), _uniform(0.1, 3))], 1e-13),
    "zeta_riemann": (S.zeta, sc.zeta, [_mix(_uniform(-60, 1), _uniform(0, 1), _logspace(
        1.001, 200))], 3e-13),
    "gamma": (S.gamma, sc.gamma, [_mix(_uniform(-30, 171), _logspace(1e-10, 170))], 1e-12),
    "gammasgn": (S.gammasgn, sc.gammasgn, [_mix(_uniform(-30, 30), _uniform(-1, 1))], 0),
    "loggamma": (S.loggamma, sc.loggamma, [_mix(_uniform(-3, 30), _logspace(1e-8, 1e8))], 1e-13),
    "erfc": (S.erfc, sc.erfc, [_mix(_uniform(-6, 6), _logspace(1e-10, 26.5, signed=True))],
             1e-13),
    "erfcx": (S.erfcx, sc.erfcx, [_mix(_uniform(-6, 6), _logspace(1e-10, 1e200),
                                       -_logspace(1e-10, 26))], 1e-13),
    "ndtr": (S.ndtr, sc.ndtr, [_mix(_uniform(-38, 9), _logspace(1e-10, 8, signed=True))], 1e-12),
    "log_ndtr": (S.log_ndtr, sc.log_ndtr, [_mix(_uniform(-40, 10), -_logspace(1, 1e8))],
                 1e-12),
    "ndtri": (S.ndtri, sc.ndtri, [_mix(_uniform(0, 1), _logspace(1e-300, 0.5),
                                       1.0 - _logspace(1e-15, 0.5))], 1e-13),
    "erfinv": (S.erfinv, sc.erfinv, [_mix(_uniform(-1, 1), _logspace(1e-300, 1, signed=True),
                                          1.0 - _logspace(1e-15, 0.5))], 1e-13),
    "dawsn": (S.dawsn, sc.dawsn, [_mix(_uniform(-10, 10), _logspace(0.2, 1e300, signed=True))],
              1e-13),
    "xlogy": (S.xlogy, sc.xlogy, [_mix(_uniform(-3, 3), np.zeros(N)), _logspace(1e-100, 1e100)],
              1e-14),
    "xlog1py": (S.xlog1py, sc.xlog1py, [_uniform(-3, 3), _mix(_uniform(-0.99, 3), _logspace(
        1e-20, 1e-3))], 1e-14),
    "logit": (S.logit, sc.logit, [_mix(_uniform(0, 1), _logspace(1e-300, 0.5),
                                       0.5 + _logspace(1e-12, 0.4, signed=True))], 1e-13),
    "expit": (S.expit, sc.expit, [_uniform(-700, 700)], 1e-14),
    "betaln": (S.betaln, sc.betaln, [_logspace(1e-3, 50), _logspace(1e-3, 50)], 1e-12),
    "gammainc": (S.gammainc, sc.gammainc, [_logspace(1e-3, 1e3), _logspace(1e-4, 2e3)], 1e-11),
    "gammaincc": (S.gammaincc, sc.gammaincc, [_logspace(1e-3, 1e3), _logspace(1e-4, 2e3)],
                  1e-11),
    "betainc": (S.betainc, sc.betainc, [_logspace(1e-2, 50), _logspace(1e-2, 50),
                                        _uniform(0, 1)], 1e-11),
    "beta": (S.beta, sc.beta, [_logspace(0.01, 30), _logspace(0.01, 30)], 1e-12),
    "poch": (S.poch, sc.poch, [_logspace(0.01, 100), _uniform(-3, 10)], 1e-11),
    "entr": (S.entr, sc.entr, [_mix(_uniform(-1, 3), np.zeros(10))], 1e-14),
    "rel_entr": (S.rel_entr, sc.rel_entr, [_uniform(-0.5, 3), _uniform(-0.5, 3)], 1e-13),
    "kl_div": (S.kl_div, sc.kl_div, [_uniform(-0.5, 3), _uniform(-0.5, 3)], 1e-12),
    "boxcox": (S.boxcox, sc.boxcox, [_logspace(1e-3, 1e3), _uniform(-3, 3)], 1e-12),
    "boxcox1p": (S.boxcox1p, sc.boxcox1p, [_logspace(1e-10, 1e3), _uniform(-3, 3)], 1e-12),
    "exp1": (S.exp1, sc.exp1, [_logspace(1e-10, 700)], 1e-13),
    "expi": (S.expi, sc.expi, [_mix(_logspace(1e-10, 700, signed=True), _uniform(0.5, 3))],
             1e-12),
    "expn": (S.expn, sc.expn, [_ints(0, 30), _logspace(1e-6, 500)], 1e-13),
    "spence": (S.spence, sc.spence, [_mix(_uniform(0, 3), _logspace(1e-10, 1e10))], 1e-13),
    "i0": (S.i0, sc.i0, [_uniform(-700, 700)], 1e-14),
    "i0e": (S.i0e, sc.i0e, [_logspace(1e-10, 1e10, signed=True)], 1e-14),
    "i1": (S.i1, sc.i1, [_uniform(-700, 700)], 1e-14),
    "i1e": (S.i1e, sc.i1e, [_logspace(1e-10, 1e10, signed=True)], 1e-14),
    "owens_t": (S.owens_t, sc.owens_t, [_logspace(1e-3, 30, signed=True),
                                        _logspace(1e-3, 1e3, signed=True)], 1e-12),
    "hyp1f1": (S.hyp1f1, sc.hyp1f1, [_uniform(0.1, 5), _uniform(0.1, 5), _uniform(-30, 30)],
               1e-10),
    "hyp2f1": (S.hyp2f1, sc.hyp2f1, [_uniform(0.1, 3), _uniform(0.1, 3), _uniform(0.1, 5),
                                     _uniform(-5, 0.99)], 1e-9),
    "comb": (S.comb, lambda n, k: sc.comb(n, k), [_uniform(-2, 60), _uniform(-2, 30)], 1e-12),
    "factorial": (S.factorial, lambda n: sc.factorial(n), [_uniform(-3, 170)], 1e-12),
}


# absolute slack where a function crosses zero (SciPy's betaln loses ~1e-14 there itself)
ATOL = {"betaln": 2e-14, "loggamma": 1e-15, "gammaln": 1e-15, "digamma": 1e-15,
        "gammaln_negative": 1e-14, "polygamma": 1e-15}


def _compare(got, want, rtol, name):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=f"{name}: nan places")
    finite = np.isfinite(want) & (np.abs(want) > 1e-300)  # SciPy flushes some subnormals
    np.testing.assert_array_equal(got[np.isinf(want)], want[np.isinf(want)], err_msg=name)
    np.testing.assert_allclose(got[finite], want[finite], rtol=rtol, atol=ATOL.get(name, 0),
                               err_msg=name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_scipy_float64(name):
    ours, ref, args, rtol = CASES[name]
    size = min(len(a) for a in args)
    args = [a[:size] for a in args]
    got = ours(*[ft.array(a) if a.dtype.kind == "f" else ft.array(a) for a in args])
    with np.errstate(all="ignore"):
        want = ref(*args)
    if rtol == 0:
        np.testing.assert_array_equal(np.asarray(got), want)
    else:
        _compare(got, want, rtol, name)


def test_two_output_functions_match_scipy():
    # past ~1e3 the phase pi x^2 / 2 of the Fresnel integrals is ill-conditioned
    x = _mix(_uniform(-10, 10), _logspace(1e-8, 1e3, signed=True))
    for ours, ref, rtol in [(S.sici, sc.sici, 1e-12), (S.fresnel, sc.fresnel, 1e-12)]:
        for got, want in zip(ours(ft.array(x)), ref(x)):
            keep = np.abs(want) > 1e-3  # the zeros of Ci: compared with mpmath below
            np.testing.assert_allclose(np.asarray(got)[keep], want[keep], rtol=rtol)


@pytest.mark.parametrize("v", [0, 1, 5])
def test_bessel_jn_matches_scipy_jv(v):
    x = _mix(_uniform(-60, 60), _logspace(1e-12, 1, signed=True), np.zeros(3))
    got = np.asarray(S.bessel_jn(ft.array(x), v=v))
    assert got.shape == (v + 1,) + x.shape
    for n in range(v + 1):
        np.testing.assert_allclose(got[n], sc.jv(n, x), rtol=1e-12, atol=2e-15)


def test_bernoulli_multigammaln_and_softmax_family():
    got = S.bernoulli(12)
    assert got.dtype == ft.get_default_dtype()
    np.testing.assert_allclose(np.asarray(got, np.float64), sc.bernoulli(12), rtol=1e-7)
    a = _uniform(3.0, 40.0)[:50]
    for d in (1, 3, 5):
        np.testing.assert_allclose(np.asarray(S.multigammaln(ft.array(a), d)),
                                   sc.multigammaln(a, d), rtol=1e-13)
    x = RNG.normal(size=(3, 4, 5)) * 30
    b = RNG.normal(size=(4, 1))
    for axis in (None, 1, (0, 2), -1):
        np.testing.assert_allclose(np.asarray(S.softmax(ft.array(x), axis=axis)),
                                   sc.softmax(x, axis=axis), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(S.log_softmax(ft.array(x), axis=axis)),
                                   sc.log_softmax(x, axis=axis), rtol=1e-12)
        for keepdims in (False, True):
            got = S.logsumexp(ft.array(x), axis=axis, b=ft.array(b), keepdims=keepdims,
                              return_sign=True)
            want = sc.logsumexp(x, axis=axis, b=b, keepdims=keepdims, return_sign=True)
            for g, w in zip(got, want):
                np.testing.assert_allclose(np.asarray(g), w, rtol=1e-12)
    with np.errstate(all="ignore"):  # negative sums: nan without return_sign
        want = sc.logsumexp(x, axis=1, b=b)
        got = S.logsumexp(ft.array(x), axis=1, b=ft.array(b))
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)


def test_where_scipy_loses_digits_mpmath_decides():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    points = [  # (ours, mpmath, args)
        (S.betaln, lambda a, b: mpmath.log(mpmath.beta(a, b)), (0.2218891610705, 583.39152011)),
        (S.betaln, lambda a, b: mpmath.log(mpmath.beta(a, b)), (72170.51067223, 0.15825505809)),
        (S.betaln, lambda a, b: mpmath.log(mpmath.beta(a, b)), (1e7, 3e6)),
        (S.betainc, lambda a, b, x: mpmath.betainc(a, b, 0, x, regularized=True),
         (800.1418004699273, 32.34798826989823, 0.39459914796392515)),
        (S.gammaincc, lambda a, x: mpmath.gammainc(a, x, mpmath.inf, regularized=True),
         (4393.51282115896, 7027.791462879462)),
        (S.gammaln, lambda x: mpmath.loggamma(x), (1.9998035242065484,)),
        (S.gammaln, lambda x: mpmath.loggamma(x), (1.0000001,)),
        (S.digamma, mpmath.digamma, (1.4616332599826674,)),
        (S.dawsn, lambda x: mpmath.sqrt(mpmath.pi) / 2 * mpmath.exp(-x * x) * mpmath.erfi(x),
         (0.011221713224274142,)),
        (lambda x: S.sici(x)[1], mpmath.ci, (3.380856648434955,)),
        (S.erfc, mpmath.erfc, (26.6,)),
        (S.ndtr, mpmath.ncdf, (-30.3,)),
        (S.hyp2f1, mpmath.hyp2f1, (1.0, 1.0, 2.0, 0.999)),  # c - a - b an integer
        (S.hyp2f1, mpmath.hyp2f1, (0.5, 0.5, 1.0, 0.9999)),
        (S.hyp2f1, mpmath.hyp2f1, (1.0, 2.0, 3.0, 0.99999999)),
        (S.zeta, mpmath.zeta, (0.3,)),
        (S.zeta, mpmath.zeta, (-7.5,)),
    ]
    for ours, exact, args in points:
        got = float(np.asarray(ours(*[ft.array(np.float64(a)) for a in args])))
        want = float(exact(*args))
        assert abs(got - want) <= 1e-12 * abs(want), (ours, args, got, want)
