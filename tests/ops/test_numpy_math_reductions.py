"""Cumulative products/sums, differences, gradient, trapezoid, comparisons of whole arrays
and small reductions (funtorch/ops/math_reductions.py, math_compare.py)."""

import numpy as np
import pytest

import funtorch as ft

RNG = np.random.default_rng(1)


def _x(shape=(3, 4), dtype=np.float64):
    return RNG.uniform(-2, 2, size=shape).astype(dtype)


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.bool_])
def test_cumprod_matches_numpy(axis, dtype):
    x = _x() * 3
    x = x.astype(dtype) if dtype != np.bool_ else x > 0
    out = ft.cumprod(ft.array(x), axis=axis)
    want = np.cumprod(x, axis=axis)
    assert out.dtype == want.dtype
    np.testing.assert_allclose(np.asarray(out), want, rtol=1e-6)


@pytest.mark.parametrize("zeros", [[], [1], [0], [3], [1, 2], [0, 3], [0, 1, 2, 3]])
def test_cumprod_gradients_with_zeros(zeros):
    x = _x((4,))
    x = np.where(np.abs(x) < 0.2, 0.5, x)
    x[zeros] = 0.0
    ft.testing.check_grads(lambda v: ft.cumprod(v), (ft.array(x),), order=3)
    ft.testing.check_grads(lambda v: ft.cumprod(v, axis=1), (ft.array(
        np.stack([x, x[::-1]])),), order=2)


def test_cumprod_gradient_at_zero_is_not_nan():
    grad = ft.grad(lambda v: ft.cumprod(v).sum())(ft.array([2.0, 0.0, 3.0]))
    # d/dx0 = 1 + x1 + x1 x2 = 1, d/dx1 = x0 + x0 x2 = 8, d/dx2 = x0 x1 = 0
    assert grad.tolist() == [1.0, 8.0, 0.0]


@pytest.mark.parametrize("include_initial", [False, True])
def test_cumulative_sum_and_prod(include_initial):
    x = _x()
    for name in ("cumulative_sum", "cumulative_prod"):
        out = getattr(ft, name)(ft.array(x), axis=1, include_initial=include_initial)
        want = getattr(np, name)(x, axis=1, include_initial=include_initial)
        np.testing.assert_allclose(np.asarray(out), want, rtol=1e-12)
        with pytest.raises(ValueError, match=f"{name}: axis must be given"):
            getattr(ft, name)(ft.array(x))
    np.testing.assert_array_equal(np.asarray(ft.cumulative_sum(ft.array([1, 2, 3]))),
                                  np.cumulative_sum(np.array([1, 2, 3])))


@pytest.mark.parametrize("kwargs", [{}, {"n": 2}, {"axis": 0}, {"n": 0},
                                    {"prepend": 0.5, "append": [[1.0], [2.0], [3.0]]}])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.bool_])
def test_diff_matches_numpy(kwargs, dtype):
    x = (_x() * 3).astype(dtype) if dtype != np.bool_ else _x() > 0
    if dtype == np.bool_ and "prepend" in kwargs:
        return
    out = ft.diff(ft.array(x), **kwargs)
    want = np.diff(x, **kwargs)
    assert out.shape == want.shape
    if "prepend" in kwargs:  # a Python float stays weak (JAX): float32 stays float32
        assert out.dtype == (np.float32 if dtype != np.float64 else np.float64)
    else:
        assert out.dtype == want.dtype
    np.testing.assert_allclose(np.asarray(out, np.float64), want.astype(np.float64), rtol=1e-6)


def test_diff_ediff1d_gradients_and_errors():
    x = ft.array(_x())
    ft.testing.check_grads(lambda v: ft.diff(v, n=2, axis=0), (x,), order=2)
    ft.testing.check_grads(lambda v: ft.ediff1d(v, to_begin=1.0), (x,), order=2)
    with pytest.raises(ValueError, match="diff: order must be non-negative"):
        ft.diff(x, n=-1)
    y = _x((2, 3))
    np.testing.assert_allclose(np.asarray(ft.ediff1d(ft.array(y), to_end=[7.0, 8.0],
                                                     to_begin=-1.0)),
                               np.ediff1d(y, to_end=[7.0, 8.0], to_begin=-1.0))


@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("spacing", ["none", "scalar", "coords"])
def test_gradient_matches_numpy(edge_order, spacing):
    f = _x((5, 4))
    args = {"none": (), "scalar": (0.7,),
            "coords": (np.cumsum(RNG.uniform(0.2, 1.0, 5)), np.cumsum(RNG.uniform(0.2, 1, 4)))}
    varargs = args[spacing]
    out = ft.gradient(ft.array(f), *[ft.array(v) if np.ndim(v) else v for v in varargs],
                      edge_order=edge_order)
    want = np.gradient(f, *varargs, edge_order=edge_order)
    for got, expected in zip(out, want):
        np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-10, atol=1e-12)
    one = ft.gradient(ft.array(f), axis=1, edge_order=edge_order)
    np.testing.assert_allclose(np.asarray(one), np.gradient(f, axis=1, edge_order=edge_order))
    ft.testing.check_grads(lambda v: ft.gradient(v, 0.5, axis=0), (ft.array(f),), order=2)


def test_gradient_integer_input_and_errors():
    assert ft.gradient(ft.array([1, 4, 9])).dtype == ft.get_default_dtype()
    with pytest.raises(ValueError, match="gradient: shape"):
        ft.gradient(ft.array([1.0, 2.0]), edge_order=2)


@pytest.mark.parametrize("use_x", ["none", "1d", "nd"])
def test_trapezoid(use_x):
    y = _x((3, 5))
    x = {"none": None, "1d": np.cumsum(RNG.uniform(0.1, 1, 5)),
         "nd": np.cumsum(RNG.uniform(0.1, 1, (3, 5)), axis=1)}[use_x]
    out = ft.trapezoid(ft.array(y), None if x is None else ft.array(x), dx=0.3)
    np.testing.assert_allclose(np.asarray(out), np.trapezoid(y, x, dx=0.3), rtol=1e-12)
    ft.testing.check_grads(lambda v: ft.trapezoid(v, axis=0), (ft.array(y),), order=2)


def test_isclose_allclose():
    a = np.array([1.0, 1.0 + 1e-9, np.inf, -np.inf, np.nan, 1e10, 0.0])
    b = np.array([1.0, 1.0, np.inf, np.inf, np.nan, 1.00001e10, 1e-9])
    for equal_nan in (False, True):
        np.testing.assert_array_equal(
            np.asarray(ft.isclose(ft.array(a), ft.array(b), equal_nan=equal_nan)),
            np.isclose(a, b, equal_nan=equal_nan))
    np.testing.assert_array_equal(np.asarray(ft.isclose(ft.array([1, 2]), 1.0)),
                                  np.isclose([1, 2], 1.0))
    assert bool(ft.allclose(ft.array(a[:2]), ft.array(b[:2])))
    assert not bool(ft.allclose(ft.array(a), ft.array(b)))
    assert bool(ft.allclose(ft.array(a[4:5]), ft.array(b[4:5]), equal_nan=True))


def test_array_equal_and_equiv():
    x = np.array([[1.0, np.nan]])
    assert not bool(ft.array_equal(ft.array(x), ft.array(x)))
    assert bool(ft.array_equal(ft.array(x), ft.array(x), equal_nan=True))
    assert not bool(ft.array_equal(ft.array([1, 2]), ft.array([[1, 2]])))
    assert bool(ft.array_equiv(ft.array([1, 2]), ft.array([[1, 2], [1, 2]])))
    assert not bool(ft.array_equiv(ft.array([1, 2]), ft.array([1, 2, 3])))
    assert not bool(ft.array_equiv(ft.array([1, 2]), ft.array([[1, 3]])))


@pytest.mark.parametrize("axis, keepdims", [(None, False), (0, True), ((0, 2), False)])
def test_count_nonzero_ptp_amax(axis, keepdims):
    x = RNG.integers(-2, 3, size=(3, 4, 2))
    out = ft.count_nonzero(ft.array(x), axis=axis, keepdims=keepdims)
    np.testing.assert_array_equal(np.asarray(out),
                                  np.count_nonzero(x, axis=axis, keepdims=keepdims))
    np.testing.assert_array_equal(np.asarray(ft.ptp(ft.array(x), axis=axis, keepdims=keepdims)),
                                  np.ptp(x, axis=axis, keepdims=keepdims))
    # amax/amin are max/min with NumPy's arguments (torch's amax(dim=) differs from max(dim=))
    for name in ("amax", "amin"):
        np.testing.assert_array_equal(
            np.asarray(getattr(ft, name)(ft.array(x), axis=axis, keepdims=keepdims)),
            getattr(np, name)(x, axis=axis, keepdims=keepdims))
    f = _x((3, 4, 2))
    ft.testing.check_grads(lambda v: ft.ptp(v, axis=axis, keepdims=keepdims), (ft.array(f),),
                           order=2)


@pytest.mark.parametrize("axis, weights", [(None, None), (1, None), (None, "full"),
                                           (1, "1d"), ((0, 1), "full")])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_average(axis, weights, dtype):
    a = (_x((3, 4)) * 5).astype(dtype)
    w = {None: None, "full": RNG.uniform(0.1, 1, (3, 4)), "1d": RNG.uniform(0.1, 1, 4)}[weights]
    out, total = ft.average(ft.array(a), axis=axis, weights=None if w is None else ft.array(w),
                            returned=True)
    want, want_total = np.average(a, axis=axis, weights=w, returned=True)
    np.testing.assert_allclose(np.asarray(out), want, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(total), want_total, rtol=1e-6)
    if dtype == np.float32 and w is None:
        assert out.dtype == np.float32
    if dtype == np.float64 and w is not None:
        ft.testing.check_grads(lambda x, v: ft.average(x, axis=axis, weights=v),
                               (ft.array(a), ft.array(w)), order=2)
    with pytest.raises(ValueError, match="average: length of weights"):
        ft.average(ft.array(a), axis=0, weights=ft.array([1.0, 2.0]))
