"""Far tails, edges of the support and out-of-range arguments, against scipy.stats; and
gradients that stay finite where a function is constant (no NaN leaking from the branch
``where`` did not take)."""

import numpy as np
import pytest
import scipy.stats

import funtorch as ft

# (dist, method, first argument, parameters): points where a naive formula under- or
# overflows or cancels
TAILS = [
    ("norm", "logcdf", [-40.0, -10.0, 5.0, 30.0], ()),
    ("norm", "logsf", [-30.0, -5.0, 10.0, 40.0], ()),
    ("norm", "cdf", [-35.0, -9.0, 8.0], ()),
    ("norm", "sf", [-8.0, 9.0, 35.0], ()),
    ("norm", "ppf", [1e-300, 1e-20, 0.5, 1 - 1e-12], ()),
    ("norm", "isf", [1e-300, 1e-20, 0.5, 1 - 1e-12], ()),
    ("expon", "logcdf", [1e-12, 1e-3, 3.0, 50.0], ()),
    ("expon", "cdf", [1e-14, 1e-5, 40.0], ()),
    ("expon", "logsf", [1e-12, 800.0], ()),
    ("logistic", "cdf", [-700.0, -40.0, 40.0], ()),
    ("logistic", "sf", [-40.0, 40.0, 700.0], ()),
    ("logistic", "logpdf", [-800.0, 800.0], ()),
    ("cauchy", "cdf", [-1e12, -1e4, 1e4], ()),
    ("cauchy", "sf", [-1e4, 1e4, 1e12], ()),
    ("cauchy", "logcdf", [-1e12, 1e12], ()),
    ("gumbel_r", "logsf", [5.0, 30.0, 600.0], ()),
    ("gumbel_r", "logcdf", [-5.0, 0.0, 30.0], ()),
    ("gumbel_l", "logcdf", [-600.0, -30.0, -5.0], ()),
    ("laplace", "cdf", [-700.0, -30.0, 30.0], ()),
    ("laplace", "sf", [-30.0, 30.0, 700.0], ()),
    ("pareto", "logcdf", [1.0 + 1e-12, 1.0 + 1e-6, 1e6], (2.5,)),
    ("pareto", "sf", [1.0, 1e10], (2.5,)),
    ("truncnorm", "logpdf", [5.5, 5.0, 6.0], (5.0, 6.0)),
    ("truncnorm", "logcdf", [5.0001, 5.5, 5.9999], (5.0, 6.0)),
    ("truncnorm", "logsf", [5.0001, 5.5, 5.9999], (5.0, 6.0)),
    ("truncnorm", "logpdf", [-9.5, -9.0], (-10.0, -9.0)),
    ("truncnorm", "logcdf", [-9.5, -9.01], (-10.0, -9.0)),
    ("truncnorm", "logsf", [-0.5, 0.5], (-1.0, 1.0)),
    ("gamma", "logsf", [30.0, 100.0], (2.0,)),
    ("chi2", "logcdf", [1e-8, 1e-3], (3.0,)),
    ("beta", "sf", [0.999, 1 - 1e-6], (2.0, 3.0)),
    ("t", "logpdf", [-1e5, 1e5], (2.5,)),
    ("gennorm", "cdf", [-6.0, -0.1, 6.0], (1.5,)),
    ("poisson", "logpmf", [0.0, 50.0, 500.0], (3.0,)),
    ("binom", "logpmf", [0.0, 300.0, 1000.0], (1000.0, 0.3)),
]

# points outside the support or the parameter range: exact values (-inf, 0, 1, NaN)
OUTSIDE = [
    ("expon", "logpdf", [-1.0, 0.0], ()), ("expon", "cdf", [-1.0, 0.0], ()),
    ("expon", "logcdf", [-1.0, 0.0], ()), ("expon", "sf", [-1.0], ()),
    ("uniform", "logpdf", [-0.5, 0.0, 1.0, 1.5], ()), ("uniform", "cdf", [-0.5, 1.5], ()),
    ("pareto", "logpdf", [0.5, 1.0], (2.0,)), ("pareto", "cdf", [0.5, 1.0], (2.0,)),
    ("pareto", "logcdf", [0.5, 1.0], (2.0,)),
    ("gamma", "logpdf", [-1.0], (2.0,)), ("gamma", "cdf", [-1.0], (2.0,)),
    ("beta", "logpdf", [-0.5, 1.5], (2.0, 3.0)), ("beta", "cdf", [-0.5, 1.5], (2.0, 3.0)),
    ("truncnorm", "logpdf", [-2.0, 2.0], (-1.0, 1.0)),
    ("truncnorm", "cdf", [-2.0, 2.0], (-1.0, 1.0)),
    ("wrapcauchy", "logpdf", [-0.1, 7.0], (0.5,)),
    ("norm", "ppf", [-0.1, 1.1], ()), ("expon", "ppf", [-0.1, 1.1], ()),
    ("logistic", "ppf", [-0.1, 1.1], ()), ("cauchy", "isf", [-0.1, 1.1], ()),
    ("poisson", "logpmf", [-1.0, 1.5], (2.0,)), ("poisson", "cdf", [-1.0, 2.5], (2.0,)),
    ("binom", "logpmf", [-1.0, 11.0, 2.5], (10.0, 0.3)),
    ("nbinom", "logpmf", [-1.0, 2.5], (3.0, 0.3)),
    ("geom", "logpmf", [0.0, 2.5], (0.3,)),
    ("bernoulli", "logpmf", [-1.0, 0.5, 2.0], (0.3,)),
    ("bernoulli", "cdf", [-1.0, 0.0, 0.5, 1.0, 3.0], (0.3,)),
    ("betabinom", "logpmf", [-1.0, 11.0], (10.0, 2.0, 3.0)),
]


@pytest.mark.parametrize("dist, method, points, params", TAILS + OUTSIDE,
                         ids=[f"{c[0]}.{c[1]}{i}" for i, c in enumerate(TAILS + OUTSIDE)])
def test_tails_and_support_match_scipy(dist, method, points, params):
    points = np.array(points)
    got = getattr(getattr(ft.stats, dist), method)(ft.array(points), *params)
    want = getattr(getattr(scipy.stats, dist), method)(points, *params)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-9, atol=0)


@pytest.mark.parametrize("dist, method, points, params", [
    ("expon", "cdf", [-3.0, 2.0], ()), ("expon", "logcdf", [-3.0, 2.0], ()),
    ("expon", "logpdf", [-3.0, 2.0], ()),
    ("pareto", "logpdf", [0.5, 2.0], (2.0,)), ("pareto", "logcdf", [0.5, 2.0], (2.0,)),
    ("gamma", "logpdf", [-1.0, 2.0], (2.5,)), ("beta", "logpdf", [-0.5, 0.5], (2.0, 3.0)),
    ("truncnorm", "logpdf", [-2.0, 0.5], (-1.0, 1.0)),
    ("truncnorm", "logcdf", [-2.0, 0.5, 2.0], (-1.0, 1.0)),
    ("poisson", "logpmf", [-1.0, 2.0], (1.5,)), ("binom", "logpmf", [-1.0, 3.0], (5.0, 0.3)),
    ("norm", "ppf", [-0.5, 0.3], ()),
])
def test_gradients_are_finite_off_the_support(dist, method, points, params):
    fun = getattr(getattr(ft.stats, dist), method)

    def total(x, *params):
        values = fun(x, *params)
        return ft.sum(ft.where(ft.isfinite(values), values, 0.0))
    args = (ft.array(np.array(points)),) + tuple(ft.array(np.float64(p)) for p in params)
    positions = tuple(range(1, len(args))) if dist in ("poisson", "binom") else tuple(
        range(len(args)))
    grads = ft.grad(total, argnums=positions)(*args)
    for g in grads:
        assert np.all(np.isfinite(np.asarray(g))), (dist, method, grads)


@pytest.mark.parametrize("mu", [0.0, 1e-3, 0.5, 4.0, 37.0, 199.0, 201.0, 1e3, 1e5])
def test_poisson_entropy_matches_a_direct_sum(mu):
    # scipy.stats.poisson.entropy's own sum does not converge for large mu: sum -p log p
    # over mu +- 40 standard deviations with SciPy's logpmf instead
    spread = 40.0 * np.sqrt(mu) + 40.0
    k = np.arange(max(0.0, np.floor(mu - spread)), np.ceil(mu + spread))
    log_p = scipy.stats.poisson.logpmf(k, mu)
    want = -np.sum(np.exp(log_p) * log_p) if mu > 0 else 0.0
    got = ft.stats.poisson.entropy(ft.array(np.float64(mu)))
    np.testing.assert_allclose(float(got), want, rtol=1e-9, atol=1e-15)
