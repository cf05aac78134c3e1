"""Every univariate distribution function against scipy.stats on random valid arguments,
and its derivatives (x and parameters, to second order) against finite differences."""

import zlib

import numpy as np
import pytest
import scipy.stats

import funtorch as ft
from tests.stats.cases import (
    CONTINUOUS, DISCRETE, FIRST_ORDER_SHAPE_GRAD, INTEGER_PARAMS, NO_SHAPE_GRAD, QUANTILE,
)

N = 4


def _missing(needs):
    return [name for name in needs if not hasattr(ft.special, name)]


def _cases(table):
    for dist, (sample_x, params, needs) in table.items():
        for method in getattr(ft.stats, dist)._names:
            marks = ()
            missing = _missing(needs)
            if missing:
                marks = pytest.mark.skip(reason=f"ft.special lacks {missing}")
            yield pytest.param(dist, method, sample_x, params, id=f"{dist}.{method}",
                               marks=marks)


def _draw(dist, method, sample_x, params):
    rng = np.random.default_rng(zlib.crc32(f"{dist}.{method}".encode()))
    first = QUANTILE if method in ("ppf", "isf") else sample_x
    if method == "entropy":
        return [sample(rng, N) for sample in params]
    return [first(rng, N)] + [sample(rng, N) for sample in params]


def _scipy(dist, method, args):
    return getattr(getattr(scipy.stats, dist), method)(*args)


ALL = list(_cases(CONTINUOUS)) + list(_cases(DISCRETE))


@pytest.mark.parametrize("dist, method, sample_x, params", ALL)
def test_matches_scipy(dist, method, sample_x, params):
    args = _draw(dist, method, sample_x, params)
    if dist == "binom" or dist == "betabinom":
        args[0] = np.minimum(args[0], args[1])
    got = getattr(getattr(ft.stats, dist), method)(*[ft.array(a) for a in args])
    assert got.dtype == np.float64
    np.testing.assert_allclose(np.asarray(got), _scipy(dist, method, args), rtol=1e-9,
                               atol=1e-300)


def _grad_positions(dist, method, args, order):
    skip = set(NO_SHAPE_GRAD.get((dist, method), ()))
    if order == 2:
        skip |= FIRST_ORDER_SHAPE_GRAD.get((dist, method), set())
    first = 0
    if dist in DISCRETE:
        first = 0 if method == "entropy" else 1
        skip = skip | {i + first for i in INTEGER_PARAMS.get(dist, ())}
    return [i for i in range(first, len(args)) if i not in skip]


@pytest.mark.parametrize("dist, method, sample_x, params", ALL)
def test_grads(dist, method, sample_x, params):
    if method == "ppf" and dist == "bernoulli":
        pytest.skip("integer-valued")
    args = [ft.array(a) for a in _draw(dist, method, sample_x, params)]
    if dist == "binom" or dist == "betabinom":
        args[0] = ft.minimum(args[0], args[1])
    fun = getattr(getattr(ft.stats, dist), method)
    orders = (1, 2) if (dist, method) in FIRST_ORDER_SHAPE_GRAD else (2,)
    for order in orders:
        positions = _grad_positions(dist, method, args, order)

        def partial(*varying, positions=positions):
            full = list(args)
            for i, value in zip(positions, varying):
                full[i] = value
            return fun(*full)
        ft.testing.check_grads(partial, tuple(args[i] for i in positions), order=order,
                               atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("dist", ["norm", "expon", "logistic", "gumbel_r", "t"])
def test_broadcasting_and_keywords(dist):
    x = np.linspace(-1.0, 2.0, 6).reshape(2, 3) + 1.5
    params = {"t": (2.5,)}.get(dist, ())
    loc, scale = np.array([0.1, -0.2, 0.3]), np.array([[1.5], [0.7]])
    got = getattr(ft.stats, dist).logpdf(ft.array(x), *params, loc=ft.array(loc),
                                         scale=ft.array(scale))
    want = getattr(scipy.stats, dist).logpdf(x, *params, loc=loc, scale=scale)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_follows_x_and_python_scalars_are_weak(dtype):
    x = ft.array(np.array([0.5, 1.5], dtype=dtype))
    assert ft.stats.norm.logpdf(x, 0.0, 2.0).dtype == dtype
    assert ft.stats.expon.cdf(x, scale=3).dtype == dtype
    assert ft.stats.norm.logpdf(1.0).dtype == ft.get_default_dtype()
    assert ft.stats.cauchy.pdf(ft.array([1, 2])).dtype == ft.get_default_dtype()


def test_vmap_matches_loop():
    x = ft.array(np.linspace(-2.0, 2.0, 5))
    scales = ft.array(np.array([0.5, 1.0, 2.0]))
    batched = ft.vmap(lambda s: ft.stats.logistic.logpdf(x, 0.1, s))(scales)
    looped = np.stack([np.asarray(ft.stats.logistic.logpdf(x, 0.1, s)) for s in scales])
    np.testing.assert_allclose(np.asarray(batched), looped, rtol=1e-14)


def _clipped_args(dist, method, sample_x, params):
    args = _draw(dist, method, sample_x, params)
    if dist == "binom" or dist == "betabinom":
        args[0] = np.minimum(args[0], args[1])
    return args


@pytest.mark.parametrize("dist, method, sample_x, params", ALL)
def test_vmap_over_the_first_argument_matches_eager(dist, method, sample_x, params):
    args = _clipped_args(dist, method, sample_x, params)
    fun = getattr(getattr(ft.stats, dist), method)
    rest = [ft.array(a[0]) for a in args[1:]]
    batched = ft.vmap(lambda first: fun(first, *rest))(ft.array(args[0]))
    eager = fun(ft.array(args[0]), *rest)
    np.testing.assert_allclose(np.asarray(batched), np.asarray(eager), rtol=1e-13)


@pytest.mark.parametrize("dist, method, sample_x, params", ALL)
def test_float32_stays_float32(dist, method, sample_x, params):
    args = _clipped_args(dist, method, sample_x, params)
    fun = getattr(getattr(ft.stats, dist), method)
    got = fun(*[ft.array(a.astype(np.float32)) for a in args])
    assert got.dtype == np.float32
    want = fun(*[ft.array(a.astype(np.float32).astype(np.float64)) for a in args])
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=2e-4, atol=1e-6)


@pytest.mark.parametrize("dist, params", [
    ("poisson", (2.5,)), ("binom", (8.0, 0.3)), ("nbinom", (3.0, 0.4)), ("geom", (0.3,)),
    ("bernoulli", (0.3,)), ("betabinom", (8.0, 2.0, 3.0)),
])
def test_discrete_loc_shifts_the_support(dist, params):
    k = np.arange(-1.0, 9.0)
    got = getattr(ft.stats, dist).logpmf(ft.array(k), *params, loc=2)
    want = getattr(scipy.stats, dist).logpmf(k, *params, loc=2)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)
