"""Dense sweeps of the error-function, gamma and Bessel kernels against SciPy: the largest error over 1e5
points per region, tails included, in float32 (ulp of the float32 result, against SciPy's
float64 value) and float64 (relative error). The float64 bounds of erfc past 6 and ndtr
below -10 are those of the earlier kernels too: exp(-x^2) of a large x is not correctly
rounded, by SciPy either."""

import numpy as np
import pytest
import scipy.special as sc

import funtorch as ft

N = 100_000


def _lin(low, high):
    return np.linspace(low, high, N)


def _geo(low, high, sign=1.0):
    return sign * np.geomspace(low, high, N)


# name: (ft function, scipy function, [regions], float64 relative bound, float32 ulp bound)
CASES = {
    "erf": (ft.special.erf, sc.erf, [_lin(-1, 1), _lin(1, 6.5), _lin(-6.5, -1),
                                     _geo(1e-300, 1e-3)], 1e-15, 1.0),
    "erfc": (ft.special.erfc, sc.erfc, [_lin(-1, 1), _lin(1, 6), _lin(6, 26),
                                        _lin(-6, -1), _geo(26, 27)], 1e-13, 1.0),
    "erfcx": (ft.special.erfcx, sc.erfcx, [_lin(-1, 1), _lin(1, 6), _geo(6, 1e30),
                                          _lin(-9, -1)], 1e-14, 1.0),
    "ndtr": (ft.special.ndtr, sc.ndtr, [_lin(-1, 8), _lin(-10, -1), _lin(-38, -10)],
             5e-13, 1.0),
    "log_ndtr": (ft.special.log_ndtr, sc.log_ndtr, [_lin(-1, 8), _lin(-40, -1),
                                                    _geo(40, 1e8, -1.0)], 2e-14, 1.0),
    "ndtri": (ft.special.ndtri, sc.ndtri, [_lin(0.02, 0.98), _geo(1e-300, 0.02),
                                           1.0 - _geo(1e-16, 0.02)], 1e-14, 1.0),
    "erfinv": (ft.special.erfinv, sc.erfinv, [_lin(-0.5, 0.5), _lin(0.5, 0.999),
                                              1.0 - _geo(1e-16, 1e-3), _geo(1e-300, 1e-3)],
               1e-14, 1.0),
    "i0e": (ft.special.i0e, sc.i0e, [_lin(-25, 25), _lin(25, 700), _geo(700, 1e30)], 5e-15, 1.0),
    "i1e": (ft.special.i1e, sc.i1e, [_lin(-25, 25), _lin(25, 700), _geo(700, 1e30, -1.0)],
            5e-15, 1.0),
    # relative bounds near the zeros of lgamma (1, 2) and psi (1.46..., negative x) are
    # SciPy's own rounding there as much as ours
    "gammaln": (ft.special.gammaln, sc.gammaln, [_lin(0.01, 1.5), _lin(1.5, 12),
                                                 _geo(12, 1e30), _lin(-30.5, -0.01)],
                1e-10, 1.0),
    "digamma": (ft.special.digamma, sc.digamma, [_lin(0.01, 10), _geo(10, 1e30),
                                                 _lin(-30.3, -0.01)], 1e-11, 1.0),
}


def _errors(name, dtype):
    ours, ref, regions, _, _ = CASES[name]
    worst = []
    for x in regions:
        x = x.astype(dtype)
        want = ref(x.astype(np.float64))
        got = np.asarray(ours(ft.asarray(x)))
        assert got.dtype == dtype, name
        keep = np.isfinite(want) & (want != 0)
        got, want = got[keep].astype(np.float64), want[keep]
        if dtype == np.float32:
            tiny = np.abs(want) < np.finfo(np.float32).tiny  # float32 subnormal results
            scale = np.spacing(np.abs(want).astype(np.float32)).astype(np.float64)
            err = np.abs(got - want) / scale
            err[tiny] = 0.0
        else:
            err = np.abs(got - want) / np.abs(want)
        worst.append(float(err.max()) if err.size else 0.0)
    return worst


@pytest.mark.parametrize("name", sorted(CASES))
def test_float64_relative_error(name):
    worst = _errors(name, np.float64)
    assert max(worst) <= CASES[name][3], (name, worst)


@pytest.mark.parametrize("name", sorted(CASES))
def test_float32_ulp_error(name):
    worst = _errors(name, np.float32)
    assert max(worst) <= CASES[name][4], (name, worst)
