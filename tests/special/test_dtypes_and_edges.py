"""float32 results within a couple of ulp of SciPy's float64 ones, integer and scalar
inputs, and SciPy's values at the edges of each domain (nan, inf, poles)."""

import numpy as np
import pytest
import scipy.special as sc

import funtorch as ft

S = ft.special
RNG = np.random.default_rng(7)

FLOAT32_CASES = {
    "gammaln": (S.gammaln, sc.gammaln, [(0.01, 30.0)]),
    "digamma": (S.digamma, sc.digamma, [(0.01, 30.0)]),
    "erfc": (S.erfc, sc.erfc, [(-3.0, 9.0)]),
    "erfcx": (S.erfcx, sc.erfcx, [(-3.0, 50.0)]),
    "ndtr": (S.ndtr, sc.ndtr, [(-13.0, 5.0)]),
    "log_ndtr": (S.log_ndtr, sc.log_ndtr, [(-30.0, 5.0)]),
    "ndtri": (S.ndtri, sc.ndtri, [(1e-6, 1.0)]),
    "erfinv": (S.erfinv, sc.erfinv, [(-0.999, 0.999)]),
    "logit": (S.logit, sc.logit, [(1e-6, 1.0)]),
    "gammainc": (S.gammainc, sc.gammainc, [(0.1, 20.0), (0.01, 30.0)]),
    "betainc": (S.betainc, sc.betainc, [(0.2, 10.0), (0.2, 10.0), (0.0, 1.0)]),
    "betaln": (S.betaln, sc.betaln, [(0.1, 50.0), (0.1, 50.0)]),
    "i0e": (S.i0e, sc.i0e, [(-50.0, 50.0)]),
    "dawsn": (S.dawsn, sc.dawsn, [(-10.0, 10.0)]),
    "spence": (S.spence, sc.spence, [(0.0, 10.0)]),
    "beta": (S.beta, sc.beta, [(0.1, 20.0), (0.1, 20.0)]),
    "poch": (S.poch, sc.poch, [(0.1, 20.0), (-3.0, 10.0)]),
    "comb": (S.comb, sc.comb, [(0.0, 60.0), (0.0, 30.0)]),
    "boxcox": (S.boxcox, sc.boxcox, [(0.01, 100.0), (-3.0, 3.0)]),
    "kl_div": (S.kl_div, sc.kl_div, [(0.01, 3.0), (0.01, 3.0)]),
}


@pytest.mark.parametrize("name", sorted(FLOAT32_CASES))
def test_float32_within_two_ulp_of_float64_reference(name):
    ours, ref, ranges = FLOAT32_CASES[name]
    args = [RNG.uniform(lo, hi, 500).astype(np.float32) for lo, hi in ranges]
    got = ours(*[ft.array(a) for a in args])
    assert got.dtype == np.float32
    want = ref(*[a.astype(np.float64) for a in args])
    keep = np.isfinite(want) & (np.abs(want) > np.finfo(np.float32).tiny)
    ulp = np.spacing(np.abs(want[keep]).astype(np.float32)).astype(np.float64)
    error = np.abs(np.asarray(got, np.float64)[keep] - want[keep])
    assert np.all(error <= 2 * ulp), f"{name}: {np.max(error / ulp):.1f} ulp"


def test_integer_and_scalar_inputs_take_the_default_float():
    assert S.gammaln(ft.array([1, 2, 3])).dtype == ft.get_default_dtype()
    assert S.gammaln(3).dtype == ft.get_default_dtype()
    x64 = ft.array(np.array([0.5, 1.5]))
    assert S.gammainc(2.0, x64).dtype == np.float64  # weak scalars keep the array's dtype
    assert S.xlogy(2, x64).dtype == np.float64
    assert S.polygamma(np.array([1, 2]), x64).dtype == np.float64
    x32 = ft.array(np.array([0.5, 1.5], np.float32))
    assert S.betainc(1, 2, x32).dtype == np.float32
    assert S.zeta(2.0, x32).dtype == np.float32


EDGES = [  # (ours, scipy, args): SciPy's value at the edge of the domain, nan/inf included
    (S.gammaln, sc.gammaln, ([0.0, -0.0, -1.0, -2.0, np.inf, -np.inf, np.nan],)),
    (S.digamma, sc.digamma, ([0.0, -0.0, -1.0, -3.0, np.inf, np.nan],)),
    (S.gamma, sc.gamma, ([0.0, -0.0, -1.0, 171.7, np.inf],)),
    (S.gammasgn, sc.gammasgn, ([0.0, -0.0, -1.0, -1.5, 2.0],)),
    (S.polygamma, sc.polygamma, ([1, 1, 2, 3], [0.0, -1.0, -2.5, np.inf])),
    (S.zeta, sc.zeta, ([1.0, 0.5, 2.0, 2.0, 2.5], [1.0, 1.0, 0.0, -1.0, -0.5])),
    (S.erfc, sc.erfc, ([np.inf, -np.inf, np.nan, 30.0],)),
    (S.erfcx, sc.erfcx, ([np.inf, -np.inf, -30.0, 1e300],)),
    (S.ndtri, sc.ndtri, ([0.0, 1.0, -0.1, 1.1, np.nan],)),
    (S.erfinv, sc.erfinv, ([1.0, -1.0, 1.5, np.nan, 0.0],)),
    (S.log_ndtr, sc.log_ndtr, ([-np.inf, np.inf, -1e10],)),
    (S.logit, sc.logit, ([0.0, 1.0, -0.5, 2.0],)),
    (S.xlogy, sc.xlogy, ([0.0, 0.0, 1.0, 2.0], [0.0, -1.0, 0.0, np.inf])),
    (S.xlog1py, sc.xlog1py, ([0.0, 1.0], [-1.0, -1.0])),
    (S.entr, sc.entr, ([0.0, -1.0, np.inf],)),
    (S.rel_entr, sc.rel_entr, ([0.0, 0.0, 1.0, -1.0], [0.0, 1.0, 0.0, 1.0])),
    (S.kl_div, sc.kl_div, ([0.0, 0.0, 1.0, -1.0], [0.0, 1.0, 0.0, 1.0])),
    (S.gammainc, sc.gammainc, ([0.0, 0.0, 1.0, 1.0, -1.0, 1.0], [0.0, 1.0, 0.0, np.inf, 1.0,
                                                                 -1.0])),
    (S.gammaincc, sc.gammaincc, ([0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, np.inf])),
    (S.betainc, sc.betainc, ([0.0, 1.0, 1.0, 1.0, 0.0, 2.0], [1.0, 0.0, 1.0, 1.0, 0.0, 3.0],
                             [0.5, 0.5, 0.0, 1.0, 0.5, 1.2])),
    (S.expn, sc.expn, ([0, 1, 2, 3], [0.0, 0.0, 0.0, np.inf])),
    (S.exp1, sc.exp1, ([0.0, -1.0, np.inf],)),
    (S.expi, sc.expi, ([0.0, np.inf, -np.inf],)),
    (S.spence, sc.spence, ([0.0, 1.0, -1.0],)),
    (S.i0e, sc.i0e, ([0.0, np.inf],)),
    (S.factorial, sc.factorial, ([-1.0, 0.0],)),
    (S.poch, sc.poch, ([-2.5, 3.0, -3.0, -3.0, -4.0, -2.0, -3.0], [1.5, 0.0, 2.0, 3.0, 0.0, 5.0,
                                                                   0.5])),
]


@pytest.mark.parametrize("index", range(len(EDGES)))
def test_values_at_the_edges_follow_scipy(index):
    ours, ref, args = EDGES[index]
    arrays = [np.array(a) for a in args]
    got = ours(*[ft.array(a if a.dtype.kind == "i" else a.astype(np.float64)) for a in arrays])
    with np.errstate(all="ignore"):
        want = np.asarray(ref(*arrays), np.float64)
    np.testing.assert_allclose(np.asarray(got, np.float64), want, rtol=1e-13, atol=0,
                               err_msg=ours.__name__)


def test_bad_static_arguments_are_refused_with_the_function_name():
    with pytest.raises(ValueError, match="bessel_jn: v must be a non-negative integer"):
        S.bessel_jn(ft.array([1.0]), v=-1)
    with pytest.raises(ValueError, match="multigammaln: d must be a positive integer"):
        S.multigammaln(ft.array([3.0]), 0)
    with pytest.raises(ValueError, match="bernoulli: n must be a non-negative integer"):
        S.bernoulli(-2)
    with pytest.raises(ValueError, match="comb: exact=True needs integer arguments"):
        S.comb(5.5, 2, exact=True)
    with pytest.raises(OverflowError, match="factorial: the exact result"):
        S.factorial(ft.array([25]), exact=True)
    with pytest.raises(TypeError, match="factorial: exact=True needs concrete values"):
        ft.jit(lambda n: S.factorial(n, exact=True))(ft.array([3]))


def test_exact_factorial_and_comb_match_scipy():
    import scipy.special as sp
    n = np.array([0, 1, 5, 20, -3])
    np.testing.assert_array_equal(np.asarray(S.factorial(ft.array(n), exact=True)),
                                  [sp.factorial(int(v), exact=True) for v in n])
    for big, small, rep in [(10, 3, False), (60, 30, False), (4, 7, False), (5, 3, True),
                            (-1, 2, False)]:
        got = S.comb(big, small, exact=True, repetition=rep)
        assert int(got) == sp.comb(big, small, exact=True, repetition=rep)
        assert got.dtype == np.int64
