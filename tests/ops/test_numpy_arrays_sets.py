"""Set routines, data-dependent index lists, sorting-based searches and histograms
(``arrays_sets``, ``arrays_search``, ``arrays_histogram``): values against NumPy, the
``size=`` path under jit/vmap, gradients and the error messages."""

import numpy as np
import pytest

import funtorch as ft
from test_numpy_arrays_join import DTYPES, same

RNG = np.random.default_rng(7)


def _ints(shape, high=5, dtype=np.int64):
    values = RNG.integers(0, high, shape)
    return (values % 2 == 0) if dtype is np.bool_ else values.astype(dtype)


# Unique ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kwargs", [
    {}, {"return_index": True}, {"return_inverse": True}, {"return_counts": True},
    {"return_index": True, "return_inverse": True, "return_counts": True},
    {"axis": 0, "return_index": True, "return_inverse": True, "return_counts": True},
    {"axis": -1, "return_counts": True},
])
def test_unique_matches_numpy(kwargs, dtype):
    x = _ints((6, 3), 3, dtype)
    x[3] = x[0]  # a repeated row for axis=0
    same(ft.unique(ft.array(x), **kwargs), np.unique(x, **kwargs))


@pytest.mark.parametrize("name", ["unique_all", "unique_counts", "unique_inverse",
                                  "unique_values"])
def test_array_api_unique_functions(name):
    x = np.array([[2.0, np.nan, 1.0], [2.0, np.nan, 0.5]])
    got, expected = getattr(ft, name)(ft.array(x)), getattr(np, name)(x)
    if name == "unique_values":
        expected = np.sort(expected)
    same(tuple(got) if name != "unique_values" else got,
         tuple(expected) if name != "unique_values" else expected)
    if name != "unique_values":
        assert got._fields == expected._fields


def test_unique_nan_and_empty():
    x = np.array([np.nan, 1.0, np.nan, 1.0])
    same(ft.unique(ft.array(x), return_counts=True), np.unique(x, return_counts=True))
    same(ft.unique(ft.array(x), equal_nan=False), np.unique(x, equal_nan=False))
    empty = np.zeros((0,), np.float32)
    same(ft.unique(ft.array(empty), return_index=True, return_counts=True),
         np.unique(empty, return_index=True, return_counts=True))
    same(ft.unique(ft.array(empty), size=2, fill_value=3.0), np.full(2, 3.0, np.float32))


def test_unique_size_under_jit_and_vmap():
    x = np.array([[3, 1, 3, 4], [2, 2, 2, 2]])
    f = ft.jit(lambda v: ft.unique(v, return_index=True, return_inverse=True,
                                   return_counts=True, size=3))
    values, index, inverse, counts = f(ft.array(x[0]))
    same(values, np.array([1, 3, 4]))
    same(index, np.array([1, 0, 3]))
    same(inverse, np.array([1, 0, 1, 2]))
    same(counts, np.array([1, 2, 1]))
    values, counts = ft.vmap(lambda v: ft.unique(v, return_counts=True, size=3))(ft.array(x))
    same(values, np.array([[1, 3, 4], [2, 2, 2]]))  # padded with the smallest unique value
    same(counts, np.array([[1, 2, 1], [4, 0, 0]]))
    same(ft.jit(lambda v: ft.unique(v, size=2))(ft.array(x[0])), np.array([1, 3]))  # truncated
    same(ft.unique(ft.array(x[1]), size=3, fill_value=-1), np.array([2, -1, -1]))
    with pytest.raises(TypeError, match=r"unique: the output shape depends on the values.*size="):
        ft.jit(ft.unique)(ft.array(x[0]))
    with pytest.raises(TypeError, match=r"unique: .*size="):
        ft.vmap(ft.unique)(ft.array(x))


def test_unique_gradient_flows_to_values():
    x = ft.array([3.0, 1.0, 3.0, 2.0], dtype=ft.float64)
    grad = ft.grad(lambda v: ft.sum(ft.unique(v) * ft.array([1.0, 10.0, 100.0])))(x)
    same(grad, np.array([100.0, 1.0, 0.0, 10.0]))  # the first occurrence gets it
    ft.testing.check_grads(lambda v: ft.unique(v, size=5), (ft.array(RNG.standard_normal(4)),),
                           order=2)


# Set operations ----------------------------------------------------------------------


SET_CASES = [([1, 3, 4, 3, 7], [3, 1, 2, 1, 9]), ([5, 5, 1], [2, 3]), ([2, 2], [2]),
             ([4.5, np.nan, 1.0, 4.5], [1.0, 0.0, np.nan])]


@pytest.mark.parametrize("a,b", SET_CASES)
@pytest.mark.parametrize("name", ["union1d", "intersect1d", "setdiff1d", "setxor1d"])
def test_set_operations_match_numpy(name, a, b):
    a, b = np.array(a), np.array(b)
    same(getattr(ft, name)(ft.array(a), ft.array(b)), getattr(np, name)(a, b))


@pytest.mark.parametrize("a,b", SET_CASES[:3])
def test_intersect1d_indices(a, b):
    a, b = np.array(a), np.array(b)
    same(ft.intersect1d(ft.array(a), ft.array(b), return_indices=True),
         np.intersect1d(a, b, return_indices=True))


@pytest.mark.parametrize("name", ["union1d", "intersect1d", "setdiff1d", "setxor1d"])
def test_set_operations_with_size(name):
    a, b = np.array([4, 1, 3, 1]), np.array([3, 5, 5])
    expected = getattr(np, name)(a, b)
    padded = np.concatenate([expected, np.full(6 - expected.size, -7)])
    f = ft.jit(lambda u, v: getattr(ft, name)(u, v, size=6, fill_value=-7))
    same(f(ft.array(a), ft.array(b)), padded)
    default = getattr(ft, name)(ft.array(a), ft.array(b), size=6)
    same(default, np.concatenate([expected, np.full(6 - expected.size, expected.min())]))
    batched = ft.vmap(lambda u: getattr(ft, name)(u, ft.array(b), size=2))(ft.array([a, a + 1]))
    same(batched[0], default[:2])


@pytest.mark.parametrize("invert", [False, True])
def test_isin(invert):
    element = RNG.integers(0, 6, (3, 4))
    tests = np.array([5, 0, 2, 2])
    same(ft.isin(ft.array(element), ft.array(tests), invert=invert),
         np.isin(element, tests, invert=invert))
    same(ft.isin(ft.array([1.0, np.nan]), [np.nan, 1]), np.isin([1.0, np.nan], [np.nan, 1]))
    same(ft.isin(ft.array([1, 2]), []), np.isin([1, 2], []))
    same(ft.vmap(lambda e: ft.isin(e, ft.array(tests)))(ft.array(element)),
         np.isin(element, tests))


# Index lists ----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 2), ()])
def test_argwhere_and_flatnonzero(shape):
    x = RNG.integers(-1, 2, shape).astype(np.float32)
    same(ft.argwhere(ft.array(x)), np.argwhere(x))
    same(ft.flatnonzero(ft.array(x)), np.flatnonzero(x))
    count = int(np.count_nonzero(x))
    padded = np.concatenate([np.argwhere(x), np.full((2, len(shape)), -1)])
    same(ft.jit(lambda v: ft.argwhere(v, size=count + 2, fill_value=-1))(ft.array(x)), padded)
    same(ft.jit(lambda v: ft.flatnonzero(v, size=count + 1))(ft.array(x)),
         np.append(np.flatnonzero(x), 0))
    with pytest.raises(TypeError, match="argwhere: .*size="):
        ft.jit(ft.argwhere)(ft.array(x))


# Searches ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES[:3], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("method", ["scan", "sort", "compare_all"])
def test_searchsorted(side, method, dtype):
    a = np.sort(RNG.integers(0, 6, 9)).astype(dtype)
    v = RNG.integers(-1, 8, (3, 4)).astype(dtype)
    same(ft.searchsorted(ft.array(a), ft.array(v), side=side, method=method),
         np.searchsorted(a, v, side=side))
    sorter = RNG.permutation(9)
    shuffled = a[sorter]
    same(ft.searchsorted(ft.array(shuffled), ft.array(v), side, sorter=np.argsort(shuffled)),
         np.searchsorted(shuffled, v, side, sorter=np.argsort(shuffled)))


def test_searchsorted_nan_and_transforms():
    a = np.array([0.0, 1.0, 1.0, np.nan])
    v = np.array([np.nan, 1.0, -np.inf, 5.0])
    for side in ("left", "right"):
        same(ft.searchsorted(ft.array(a), ft.array(v), side), np.searchsorted(a, v, side))
    batch = np.sort(RNG.standard_normal((3, 5)), axis=1)
    queries = RNG.standard_normal((3, 2))
    got = ft.vmap(ft.searchsorted)(ft.array(batch), ft.array(queries))
    same(got, np.stack([np.searchsorted(r, q) for r, q in zip(batch, queries)]))
    same(ft.jit(ft.searchsorted)(ft.array(batch[0]), ft.array(queries)),
         np.searchsorted(batch[0], queries))
    assert ft.grad(lambda x: ft.sum(ft.searchsorted(x, ft.array([0.5])) * x))(
        ft.array(a[:3])).dtype == np.float64


@pytest.mark.parametrize("bins", [[0.0, 1.0, 2.5, 4.0], [4.0, 2.5, 1.0, 0.0], [1.0, 1.0, 3.0]])
@pytest.mark.parametrize("right", [False, True])
def test_digitize(bins, right):
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.5, 3.0, 4.0, 9.0])
    same(ft.digitize(ft.array(x), ft.array(bins), right=right),
         np.digitize(x, bins, right=right))
    same(ft.jit(lambda u, b: ft.digitize(u, b, right))(ft.array(x), ft.array(bins)),
         np.digitize(x, bins, right=right))


def test_lexsort():
    keys = [RNG.integers(0, 3, (4, 6)) for _ in range(3)]
    same(ft.lexsort([ft.array(k) for k in keys]), np.lexsort(keys))
    same(ft.lexsort(ft.array(np.stack(keys)), axis=0), np.lexsort(np.stack(keys), axis=0))
    same(ft.lexsort([ft.array(keys[0][0])]), np.lexsort([keys[0][0]]))


@pytest.mark.parametrize("kth,axis", [(2, -1), ([0, 3], -1), (1, 0), (-1, None)])
def test_partition(kth, axis):
    x = RNG.standard_normal((4, 5))
    got = np.asarray(ft.partition(ft.array(x), kth, axis=axis))
    expected = np.partition(x, kth, axis=axis)
    for k in np.atleast_1d(kth):  # the kth entries agree; the rest is a valid partition
        same(np.take(got, [k], axis=axis if axis is not None else 0),
             np.take(expected, [k], axis=axis if axis is not None else 0))
    index = ft.argpartition(ft.array(x), kth, axis=axis)
    flat = x.ravel() if axis is None else x
    same(np.take_along_axis(flat, np.asarray(index), axis=axis if axis is not None else 0),
         got)
    ft.testing.check_grads(lambda v: ft.partition(v, kth, axis=axis), (ft.array(x),), order=2)


def test_interp():
    xp, fp = np.array([0.0, 1.0, 1.5, 3.0]), np.array([2.0, -1.0, 0.5, 4.0])
    x = np.array([-1.0, 0.0, 0.3, 1.0, 1.2, 2.9, 3.0, 7.0, np.nan])
    same(ft.interp(ft.array(x), ft.array(xp), ft.array(fp)), np.interp(x, xp, fp))
    same(ft.interp(ft.array(x), xp, fp, left=-5.0, right=9.0),
         np.interp(x, xp, fp, left=-5.0, right=9.0))
    same(ft.interp(ft.array(x[:-1]), xp, fp, period=2.5), np.interp(x[:-1], xp, fp, period=2.5))
    same(ft.interp(ft.array([1, 2]), [1], [3]), np.interp([1, 2], [1], [3]).astype(np.float32))
    inner = ft.array(np.array([0.2, 0.7, 1.3, 2.0]))
    ft.testing.check_grads(lambda u, p, f: ft.interp(u, p, f), (inner, ft.array(xp),
                                                                ft.array(fp)), order=2)
    same(ft.vmap(lambda f: ft.interp(inner, ft.array(xp), f))(ft.array(np.stack([fp, -fp]))),
         np.stack([np.interp(np.asarray(inner), xp, fp), np.interp(np.asarray(inner), xp, -fp)]))


# Counting --------------------------------------------------------------------------


def test_bincount():
    x = np.array([0, 3, 3, 1, 7])
    w = RNG.standard_normal(5)
    same(ft.bincount(ft.array(x)), np.bincount(x))
    same(ft.bincount(ft.array(x), minlength=10), np.bincount(x, minlength=10))
    same(ft.bincount(ft.array(x), ft.array(w)), np.bincount(x, w))
    same(ft.jit(lambda v: ft.bincount(v, length=4))(ft.array(x)), np.bincount(x)[:4])
    ft.testing.check_grads(lambda weights: ft.bincount(ft.array(x), weights), (ft.array(w),),
                           order=2)
    with pytest.raises(TypeError, match="bincount: .*length="):
        ft.jit(ft.bincount)(ft.array(x))


@pytest.mark.parametrize("kwargs", [
    {}, {"bins": 4}, {"bins": 3, "range": (-1.0, 1.0)}, {"bins": [-2.0, 0.0, 0.5, 3.0]},
    {"bins": 5, "density": True}, {"bins": 3, "weights": True},
])
def test_histogram(kwargs):
    a = RNG.standard_normal(40)
    if kwargs.get("weights"):
        kwargs = dict(kwargs, weights=RNG.random(40))
    got = ft.histogram(ft.array(a), **kwargs)
    expected = np.histogram(a, **kwargs)
    same(got, expected)
    same(ft.histogram_bin_edges(ft.array(a), kwargs.get("bins", 10), kwargs.get("range")),
         np.histogram_bin_edges(a, kwargs.get("bins", 10), kwargs.get("range")))
    same(ft.histogram(ft.array([2.0, 2.0]), 2), np.histogram([2.0, 2.0], 2), dtype=False)


def test_histogram_transforms_and_gradients():
    a, w = RNG.standard_normal(20), RNG.random(20)
    f = ft.jit(lambda v, weights: ft.histogram(v, 4, weights=weights, density=True)[0])
    same(f(ft.array(a), ft.array(w)), np.histogram(a, 4, weights=w, density=True)[0])
    ft.testing.check_grads(lambda weights: ft.histogram(ft.array(a), 4, weights=weights)[0],
                           (ft.array(w),), order=2)
    batched = ft.vmap(lambda v: ft.histogram(v, 3, range=(-2.0, 2.0))[0])(ft.array(a.reshape(2,
                                                                                        10)))
    same(batched, np.stack([np.histogram(r, 3, range=(-2, 2))[0] for r in a.reshape(2, 10)]))


@pytest.mark.parametrize("bins", [4, (2, 3), [np.array([-3.0, 0.0, 3.0]), 2]])
def test_histogramdd_and_2d(bins):
    sample = RNG.standard_normal((30, 2))
    w = RNG.random(30)
    got = ft.histogramdd(ft.array(sample), bins, weights=ft.array(w), density=True)
    expected = np.histogramdd(sample, bins, weights=w, density=True)
    same(got[0], expected[0])
    same(got[1], expected[1])
    got = ft.histogram2d(ft.array(sample[:, 0]), ft.array(sample[:, 1]), bins)
    expected = np.histogram2d(sample[:, 0], sample[:, 1], bins)
    same(got, expected, dtype=False)
    three = RNG.standard_normal((10, 3))
    same(ft.histogramdd(ft.array(three), 2, range=[(-1, 1)] * 3)[0],
         np.histogramdd(three, 2, range=[(-1, 1)] * 3)[0], dtype=False)


@pytest.mark.parametrize("call,error,match", [
    (lambda: ft.intersect1d([1], [1], size=-1), ValueError, "intersect1d: size must be a non"),
    (lambda: ft.unique(ft.zeros(0), size=2), ValueError, "unique: for an empty input"),
    (lambda: ft.searchsorted(ft.zeros((2, 2)), 1.0), ValueError, "searchsorted: a must be 1-d"),
    (lambda: ft.searchsorted(ft.zeros(2), 1.0, side="x"), ValueError, "searchsorted: side"),
    (lambda: ft.searchsorted(ft.zeros(2), 1.0, method="x"), ValueError, "searchsorted: method"),
    (lambda: ft.digitize(ft.zeros(2), ft.array([1.0, 0.0, 2.0])), ValueError,
     "digitize: bins must be monotonically"),
    (lambda: ft.digitize(ft.zeros(2), ft.zeros((1, 2))), ValueError, "digitize: bins must be"),
    (lambda: ft.lexsort([]), TypeError, "lexsort: need a sequence of keys"),
    (lambda: ft.argpartition(ft.zeros(3), 3), ValueError, r"argpartition: kth\(=3\) out of"),
    (lambda: ft.partition(ft.zeros(3), 0.5), TypeError, "partition: kth must be an int"),
    (lambda: ft.interp(ft.zeros(2), ft.zeros(2), ft.zeros(3)), ValueError, "interp: xp and fp"),
    (lambda: ft.interp(ft.zeros(2), ft.zeros(0), ft.zeros(0)), ValueError, "interp: array of"),
    (lambda: ft.interp(ft.zeros(2), ft.zeros(2), ft.zeros(2), period=0), ValueError,
     "interp: period must be a non-zero"),
    (lambda: ft.bincount(ft.array([-1, 2])), ValueError, "bincount: 'x' argument must have no"),
    (lambda: ft.bincount(ft.array([0.5])), TypeError, "bincount: x must be an array of non-neg"),
    (lambda: ft.bincount(ft.zeros((1, 1), dtype=ft.int64)), ValueError, "bincount: x must be"),
    (lambda: ft.bincount(ft.array([1]), ft.ones(2)), ValueError, "bincount: weights of shape"),
    (lambda: ft.jit(lambda x: ft.histogram(x, bins="auto"))(ft.zeros(3)), TypeError,
     "histogram_bin_edges: the bin estimator 'auto' needs the data's values"),
    (lambda: ft.histogram(ft.zeros(3), bins=0), ValueError, "`bins` must be positive"),
    (lambda: ft.histogram(ft.zeros(3), range=(1, 0)), ValueError, "max must be larger than"),
    (lambda: ft.histogram(ft.zeros(3), bins=[1.0, 0.0]), ValueError, "must increase monoton"),
    (lambda: ft.histogram(ft.zeros(3), weights=ft.ones(2)), ValueError, "histogram: weights"),
    (lambda: ft.histogramdd(ft.zeros((3, 2)), bins=[2]), ValueError, "histogramdd: the dim"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_set_operation_gradients_and_batched_index_lists():
    # finite differences need values that stay distinct when perturbed: disjoint sets
    a, b = ft.array(np.array([0.5, -1.0, 2.0])), ft.array(np.array([2.5, 3.0]))
    for name in ("union1d", "setdiff1d", "setxor1d"):
        ft.testing.check_grads(lambda u, v: getattr(ft, name)(u, v), (a, b), order=2)
    grad = ft.grad(lambda u: ft.sum(ft.intersect1d(u, ft.array([2.0, 0.5])) * ft.array(
        [1.0, 10.0])))(ft.array(np.array([2.0, 0.5, -1.0, 0.5])))
    same(grad, np.array([10.0, 1.0, 0.0, 0.0]))
    masks = ft.array(RNG.integers(0, 2, (4, 3, 2)))
    got = ft.vmap(lambda m: ft.argwhere(m, size=6, fill_value=-1))(masks)
    for mask, rows in zip(np.asarray(masks), np.asarray(got)):
        found = np.argwhere(mask)
        same(rows, np.concatenate([found, np.full((6 - len(found), 2), -1)]))
    result = ft.jit(lambda v: ft.unique_all(v, size=4))(ft.array([5, 3, 5]))
    same(tuple(result), (np.array([3, 5, 3, 3]), np.array([1, 0, 1, 1]), np.array([1, 0, 1]),
                         np.array([1, 2, 0, 0])))


def test_string_bin_estimators_match_numpy():
    data = RNG.normal(size=200)
    for estimator in ("auto", "fd", "doane", "scott", "stone", "rice", "sturges", "sqrt"):
        for limits in (None, (-1.0, 2.0)):
            counts, edges = ft.histogram(ft.array(data), bins=estimator, range=limits)
            want_counts, want_edges = np.histogram(data, bins=estimator, range=limits)
            np.testing.assert_array_equal(np.asarray(counts), want_counts)
            np.testing.assert_allclose(np.asarray(edges), want_edges, rtol=1e-12, atol=1e-12)
