"""Quantiles, median, cov/corrcoef, correlate/convolve and the nan* reductions
(funtorch/ops/math_stats.py, math_nan.py) against NumPy."""

import numpy as np
import pytest

import funtorch as ft

RNG = np.random.default_rng(2)
AXES = [(None, False), (0, False), (1, True), ((0, 2), False), (-1, True)]
METHODS = ["linear", "lower", "higher", "midpoint", "nearest"]


def _x(shape=(4, 5, 3), dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def _with_nans(x, fraction=0.25):
    x = x.copy()
    x[RNG.random(x.shape) < fraction] = np.nan
    return x


@pytest.mark.parametrize("axis, keepdims", AXES)
@pytest.mark.parametrize("method", METHODS)
def test_quantile_matches_numpy(axis, keepdims, method):
    x = _x()
    q = np.array([0.0, 0.3, 0.5, 1.0])
    out = ft.quantile(ft.array(x), ft.array(q), axis=axis, method=method, keepdims=keepdims)
    np.testing.assert_allclose(np.asarray(out), np.quantile(x, q, axis=axis, method=method,
                                                            keepdims=keepdims), rtol=1e-12)
    out = ft.percentile(ft.array(x), 37.0, axis=axis, method=method, keepdims=keepdims)
    np.testing.assert_allclose(np.asarray(out), np.percentile(
        x, 37.0, axis=axis, method=method, keepdims=keepdims), rtol=1e-12)


@pytest.mark.parametrize("axis, keepdims", AXES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_median_matches_numpy(axis, keepdims, dtype):
    x = (_x() * 10).astype(dtype)
    out = ft.median(ft.array(x), axis=axis, keepdims=keepdims)
    assert out.dtype == (np.float64 if dtype == np.float64 else np.float32)
    np.testing.assert_allclose(np.asarray(out), np.median(x, axis=axis, keepdims=keepdims),
                               rtol=1e-6)


def test_quantile_nan_propagates_and_errors():
    x = np.array([[1.0, np.nan, 3.0], [1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(np.asarray(ft.median(ft.array(x), axis=1)),
                                  np.median(x, axis=1))
    with pytest.raises(ValueError, match="quantile: q must lie in"):
        ft.quantile(ft.array(x), 1.5)
    with pytest.raises(ValueError, match="percentile: q must lie in"):
        ft.percentile(ft.array(x), -3)
    with pytest.raises(ValueError, match="quantile: method must be one of"):
        ft.quantile(ft.array(x), 0.5, method="hazen")


def test_quantile_and_median_gradients():
    x = ft.array(RNG.permutation(np.arange(12.0)).reshape(3, 4) / 3.0)
    ft.testing.check_grads(lambda v: ft.median(v, axis=1), (x,), order=2)
    ft.testing.check_grads(lambda v: ft.quantile(v, 0.3, axis=0), (x,), order=2)
    ft.testing.check_grads(lambda q: ft.quantile(x, q, axis=0), (ft.array([0.3, 0.6]),),
                           order=2)
    grad = ft.grad(lambda v: ft.median(v))(ft.array([3.0, 1.0, 2.0, 10.0]))
    assert grad.tolist() == [0.5, 0.0, 0.5, 0.0]


@pytest.mark.parametrize("kwargs", [{}, {"rowvar": False}, {"bias": True}, {"ddof": 2},
                                    {"fweights": "f"}, {"aweights": "a"},
                                    {"fweights": "f", "aweights": "a", "ddof": 1}])
def test_cov_corrcoef(kwargs):
    m, y = _x((3, 6)), _x((2, 6))
    weights = {"f": RNG.integers(1, 4, 6), "a": RNG.uniform(0.1, 1, 6)}
    np_kwargs = {k: weights[v] if isinstance(v, str) else v for k, v in kwargs.items()}
    ft_kwargs = {k: ft.array(v) if isinstance(v, np.ndarray) else v
                 for k, v in np_kwargs.items()}
    if kwargs.get("rowvar") is False:
        m, y = m.T, y.T
    out = ft.cov(ft.array(m), ft.array(y), **ft_kwargs)
    np.testing.assert_allclose(np.asarray(out), np.cov(m, y, **np_kwargs), rtol=1e-12)
    ft.testing.check_grads(lambda v: ft.cov(v, **ft_kwargs), (ft.array(m),), order=2)
    rowvar = kwargs.get("rowvar", True)
    np.testing.assert_allclose(np.asarray(ft.corrcoef(ft.array(m), rowvar=rowvar)),
                               np.corrcoef(m, rowvar=rowvar), rtol=1e-12)


def test_cov_of_one_variable_and_int_input():
    x = RNG.integers(0, 10, 7)
    out = ft.cov(ft.array(x))
    assert out.shape == () and out.dtype == ft.get_default_dtype()
    np.testing.assert_allclose(np.asarray(out), np.cov(x), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(ft.corrcoef(ft.array(x.astype(float)))), 1.0)
    ft.testing.check_grads(lambda v: ft.corrcoef(v), (ft.array(_x((2, 5))),), order=2)


@pytest.mark.parametrize("n, m", [(5, 3), (3, 5), (4, 4), (1, 3), (6, 1), (2, 7)])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_correlate_convolve_match_numpy(n, m, mode):
    a, v = _x((n,)), _x((m,))
    np.testing.assert_allclose(np.asarray(ft.correlate(ft.array(a), ft.array(v), mode)),
                               np.correlate(a, v, mode), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.asarray(ft.convolve(ft.array(a), ft.array(v), mode)),
                               np.convolve(a, v, mode), rtol=1e-12, atol=1e-14)
    ft.testing.check_grads(lambda x, w: ft.convolve(x, w, mode), (ft.array(a), ft.array(v)),
                           order=2)


def test_correlate_ints_and_errors():
    a, v = np.array([1, 2, 3]), np.array([0, 1])
    out = ft.correlate(ft.array(a), ft.array(v), "full")
    assert out.dtype.kind == "i"
    np.testing.assert_array_equal(np.asarray(out), np.correlate(a, v, "full"))
    with pytest.raises(ValueError, match="correlate: a must be a non-empty 1-d array"):
        ft.correlate(ft.ones((2, 2)), ft.ones(2))
    with pytest.raises(ValueError, match="convolve: mode must be"):
        ft.convolve(ft.ones(3), ft.ones(2), mode="wide")


NAN_REDUCTIONS = ["nansum", "nanprod", "nanmax", "nanmin", "nanmean", "nanvar", "nanstd",
                  "nanmedian"]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy warns on all-NaN slices
@pytest.mark.parametrize("name", NAN_REDUCTIONS)
@pytest.mark.parametrize("axis, keepdims", AXES)
def test_nan_reductions_match_numpy(name, axis, keepdims):
    x = _with_nans(_x())
    x[0, 0, :] = np.nan  # an all-NaN slice along the last axis
    want = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    out = getattr(ft, name)(ft.array(x), axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(np.asarray(out), want, rtol=1e-12)


@pytest.mark.parametrize("name", ["nansum", "nanprod", "nanmax", "nanmean", "nanvar",
                                  "nanmedian"])
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_nan_reductions_dtypes(name, dtype):
    x = (_x((3, 4)) * 3).astype(dtype)
    out = getattr(ft, name)(ft.array(x), axis=1)
    want = getattr(np, name)(x, axis=1)
    if dtype == np.float32:
        assert out.dtype == np.float32
    np.testing.assert_allclose(np.asarray(out), want, rtol=1e-5)


@pytest.mark.parametrize("name", NAN_REDUCTIONS)
def test_nan_reductions_gradient_skips_nans(name):
    # its own seed: drawn from the module's RNG, x depended on which tests ran before
    # (with ``-k grad`` a row's two smallest entries came within the finite-difference step)
    x = np.random.default_rng(3).standard_normal((3, 4))
    x = np.where(np.abs(x) < 0.3, 0.5, x)
    nan = np.zeros_like(x, bool)
    nan[[0, 1, 2], [1, 3, 0]] = True
    f = getattr(ft, name)
    grad = ft.grad(lambda v: f(ft.where(ft.array(nan), float("nan"), v), axis=1).sum())(
        ft.array(x))
    assert np.all(np.asarray(grad)[nan] == 0.0) and np.all(np.isfinite(np.asarray(grad)))
    clean = np.delete(x.ravel(), np.flatnonzero(nan.ravel())).reshape(3, 3)
    np.testing.assert_allclose(np.asarray(grad)[~nan].reshape(3, 3), np.asarray(
        ft.grad(lambda v: getattr(ft, name[3:] if name[3:] != "median" else "median")(
            v, axis=1).sum())(ft.array(clean))), rtol=1e-10)
    ft.testing.check_grads(lambda v: f(ft.where(ft.array(nan), float("nan"), v), axis=1),
                           (ft.array(x),), order=2)


@pytest.mark.parametrize("axis, keepdims", [(None, False), (1, False), (0, True)])
def test_nanarg_and_nancum(axis, keepdims):
    x = _with_nans(_x((4, 5)))
    x[1] = np.nan
    for name in ("nanargmax", "nanargmin"):
        out = np.asarray(getattr(ft, name)(ft.array(x), axis=axis, keepdims=keepdims))
        data = np.where(np.isnan(x), -np.inf if name == "nanargmax" else np.inf, x)
        want = getattr(np, name[3:])(data, axis=axis, keepdims=keepdims)
        if axis == 1:
            want[1] = -1  # JAX's answer for an all-NaN slice (NumPy raises)
        np.testing.assert_array_equal(out, want)
    for name in ("nancumsum", "nancumprod"):
        cum_axis = axis if not isinstance(axis, tuple) else None
        np.testing.assert_allclose(np.asarray(getattr(ft, name)(ft.array(x), axis=cum_axis)),
                                   getattr(np, name)(x, axis=cum_axis), rtol=1e-12)
        ft.testing.check_grads(lambda v: getattr(ft, name)(v, axis=0), (ft.array(
            np.nan_to_num(x, nan=0.5)),), order=2)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("axis, keepdims", AXES[:3])
def test_nanquantile_nanpercentile(method, axis, keepdims):
    x = _with_nans(_x(), 0.3)
    q = np.array([0.1, 0.5, 0.9])
    want = np.nanquantile(x, q, axis=axis, method=method, keepdims=keepdims)
    want_p = np.nanpercentile(x, 100 * q, axis=axis, method=method, keepdims=keepdims)
    out = ft.nanquantile(ft.array(x), ft.array(q), axis=axis, method=method, keepdims=keepdims)
    np.testing.assert_allclose(np.asarray(out), want, rtol=1e-12)
    out = ft.nanpercentile(ft.array(x), 100 * q, axis=axis, method=method, keepdims=keepdims)
    np.testing.assert_allclose(np.asarray(out), want_p, rtol=1e-12)


def test_vmap_and_jit_of_statistics():
    x = ft.array(_with_nans(_x((4, 6))))
    for fn in (lambda v: ft.nanmedian(v), lambda v: ft.nanvar(v), ft.nanmax,
               lambda v: ft.quantile(ft.nan_to_num(v), 0.25), lambda v: ft.cumprod(v)):
        eager = np.stack([np.asarray(fn(row)) for row in x])
        np.testing.assert_allclose(np.asarray(ft.vmap(fn)(x)), eager, rtol=1e-12)
        np.testing.assert_allclose(np.asarray(ft.jit(ft.vmap(fn))(x)), eager, rtol=1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("ddof", [0, 1, 3])
@pytest.mark.parametrize("name", ["nanvar", "nanstd"])
def test_nanvar_nanstd_ddof(name, ddof):
    x = _with_nans(_x((5, 4)), 0.4)
    out = getattr(ft, name)(ft.array(x), axis=1, ddof=ddof)
    np.testing.assert_allclose(np.asarray(out), getattr(np, name)(x, axis=1, ddof=ddof),
                               rtol=1e-12)
    clean = _x((5, 4))
    np.testing.assert_allclose(np.asarray(getattr(ft, name)(ft.array(clean), ddof=ddof)),
                               getattr(np, name)(clean, ddof=ddof), rtol=1e-12)


def test_quantile_with_batched_q_under_vmap():
    x, q = ft.array(_x((7,))), ft.array(np.array([0.1, 0.5, 0.8]))
    out = ft.vmap(lambda level: ft.quantile(x, level))(q)
    np.testing.assert_allclose(np.asarray(out), np.quantile(np.asarray(x), np.asarray(q)),
                               rtol=1e-12)
    grads = ft.jacrev(lambda level: ft.quantile(x, level))(q)
    np.testing.assert_allclose(np.asarray(ft.jacfwd(lambda level: ft.quantile(x, level))(q)),
                               np.asarray(grads), rtol=1e-12)
