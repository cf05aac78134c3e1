"""Choosing/writing elements (``arrays_select``), creation (``arrays_create``) and index
generators (``arrays_indices``): values against NumPy, gradients in float64, jit/vmap,
the ``inplace`` refusal and the error messages."""

import numpy as np
import pytest

import funtorch as ft
from test_numpy_arrays_join import DTYPES, _data, same

INT = np.array([[0, 2, 1], [1, 0, 2]])
MASK = np.array([[True, False, True], [False, False, True]])

# (id, function of (module, *arrays) for ft and np, input shapes)
CASES = [
    ("choose", lambda m, a, b, c: m.choose(INT, [a, b, c]), [(2, 3), (3,), (2, 1)]),
    ("choose_wrap", lambda m, a, b: m.choose(INT + 3, [a, b], mode="wrap"), [(2, 3), (2, 3)]),
    ("choose_clip", lambda m, a, b: m.choose(INT - 1, [a, b], mode="clip"), [(2, 3), (2, 3)]),
    ("select", lambda m, a, b: m.select([MASK, ~MASK[0]], [a, b]), [(2, 3), (3,)]),
    ("select_default", lambda m, a: m.select([MASK], [a], default=-1), [(2, 3)]),
    ("compress", lambda m, a: m.compress([True, False, True], a, axis=1), [(2, 3)]),
    ("compress_flat", lambda m, a: m.compress([False, True], a), [(2, 3)]),
    ("compress_neg_axis", lambda m, a: m.compress([1, 0], a, axis=-2), [(2, 3)]),
    ("extract", lambda m, a: m.extract(MASK, a), [(2, 3)]),
    ("fill_diagonal_like", lambda m, a: m.diagflat(m.diagonal(a)), [(3, 3)]),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name,fn,shapes", CASES, ids=[c[0] for c in CASES])
def test_values_match_numpy(name, fn, shapes, dtype):
    host = [_data(s, dtype) for s in shapes]
    same(fn(ft, *(ft.array(h) for h in host)), fn(np, *host))


@pytest.mark.parametrize("name,fn,shapes", CASES, ids=[c[0] for c in CASES])
def test_gradients(name, fn, shapes):
    ft.testing.check_grads(lambda *a: fn(ft, *a), tuple(ft.array(_data(s)) for s in shapes),
                           order=2)


def _numpy_inplace(name, x, *args, **kwargs):
    out = np.array(x)
    getattr(np, name)(out, *args, **kwargs)
    return out


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name,shape,args,kwargs", [
    ("place", (2, 3), (MASK, [7, 8]), {}),
    ("place", (4,), (np.array([1, 0, 1, 1], bool), [5]), {}),
    ("put", (2, 3), ([0, -1, 4], [7, 8]), {}),
    ("put", (5,), ([7, -9], [1, 2]), {"mode": "wrap"}),
    ("put", (5,), ([7, -9], [1, 2]), {"mode": "clip"}),
    ("put_along_axis", (2, 3), (np.array([[2], [0]]), 9), {"axis": 1}),
    ("put_along_axis", (3, 2), (np.array([[2, 1]]), [[5, 6]]), {"axis": 0}),
    ("put_along_axis", (2, 2), (np.array([3, 0]), [1, 2]), {"axis": None}),
    ("fill_diagonal", (3, 3), (5,), {}),
    ("fill_diagonal", (5, 2), ([1, 2, 3],), {"wrap": True}),
    ("fill_diagonal", (5, 2), (4,), {}),
    ("fill_diagonal", (2, 2, 2), (6,), {}),
])
def test_writers_match_numpy(name, shape, args, kwargs, dtype):
    x = _data(shape, dtype)
    got = getattr(ft, name)(ft.array(x), *args, **kwargs, inplace=False)
    same(got, _numpy_inplace(name, x, *args, **kwargs))


@pytest.mark.parametrize("fn", [
    lambda x, v: ft.place(x, MASK, v, inplace=False),
    lambda x, v: ft.put(x, [0, 4, 0], v, inplace=False),
    lambda x, v: ft.put_along_axis(x, np.array([[1], [2]]), v[:, None], axis=1, inplace=False),
    lambda x, v: ft.fill_diagonal(x, v, inplace=False),
])
def test_writer_gradients(fn):
    ft.testing.check_grads(fn, (ft.array(_data((2, 3))), ft.array(_data((2,)))), order=2)


@pytest.mark.parametrize("name,args", [
    ("place", (MASK, [1.0])), ("put", ([0], [1.0])),
    ("put_along_axis", (np.zeros((2, 1), int), 1.0, 1)), ("fill_diagonal", (1.0,)),
])
def test_inplace_is_refused(name, args):
    with pytest.raises(ValueError, match=rf"{name}: .*immutable.*inplace=False.*\.at\["):
        getattr(ft, name)(ft.zeros((2, 3)), *args)


def test_piecewise():
    x = np.linspace(-2, 2, 9)
    conds = [x < 0, x > 1]
    funcs = [lambda v: -v, lambda v: v ** 2, lambda v: 0.5 * v]
    expected = np.piecewise(x, conds, funcs)
    same(ft.piecewise(ft.array(x), [ft.array(c) for c in conds], funcs), expected)
    same(ft.piecewise(ft.array(x), conds, [1.0, 2.0]), np.piecewise(x, conds, [1.0, 2.0]))
    same(ft.piecewise(ft.array(x), x > 0, [lambda v: v + 1]),
         np.piecewise(x, x > 0, [lambda v: v + 1]))
    fn = ft.jit(lambda v: ft.piecewise(v, [v < 0, v > 1], funcs))
    same(fn(ft.array(x)), expected)
    ft.testing.check_grads(lambda v: ft.piecewise(v, [v < 0, v > 1], funcs),
                           (ft.array(x + 0.1),), order=2)


def test_sized_compress_under_jit_and_vmap():
    x = ft.array(_data((3, 4)))
    masks = ft.array(_data((3, 4)) > 0)
    out = ft.vmap(lambda m, v: ft.extract(m, v, size=4, fill_value=-1.0))(masks, x)
    for row_mask, row, got in zip(np.asarray(masks), np.asarray(x), np.asarray(out)):
        kept = row[row_mask]
        same(got, np.concatenate([kept, -np.ones(4 - kept.size)]))
    with pytest.raises(TypeError, match="compress: the output shape depends.*size="):
        ft.jit(lambda m, v: ft.compress(m, v))(masks[0], x[0])


def test_choose_select_vmap_jit():
    a, b = ft.array(_data((4, 3))), ft.array(_data((4, 3)))
    got = ft.vmap(lambda u, v: ft.choose(ft.array([1, 0, 1]), [u, v]))(a, b)
    same(got, np.choose([1, 0, 1], [np.asarray(a), np.asarray(b)]))
    got = ft.jit(lambda u, v: ft.select([u > 0], [v], 7.0))(a, b)
    same(got, np.select([np.asarray(a) > 0], [np.asarray(b)], 7.0))


# Creation ----------------------------------------------------------------------------


@pytest.mark.parametrize("fn,default_float", [
    (lambda m: m.identity(3), True), (lambda m: m.identity(2, dtype=np.int32), False),
    (lambda m: m.tri(3, 4, k=-1), True), (lambda m: m.tri(2, dtype=np.int64), False),
    (lambda m: m.empty_like(np.zeros((2, 3), np.int32)) * 0, False),
    (lambda m: m.logspace(0.0, 3.0, 4), True),
    (lambda m: m.logspace(1, 2, 5, endpoint=False, base=2.0), True),
    (lambda m: m.logspace(np.array([0.0, 1.0]), 2.0, 3, axis=-1), False),
    (lambda m: m.geomspace(1, 256, 9), True),
    (lambda m: m.geomspace(-1000.0, -1.0, 4, endpoint=False), True),
    (lambda m: m.geomspace(np.array([1.0, 2.0]), np.array([8.0, 32.0]), 3, axis=1), False),
    (lambda m: m.geomspace(5.0, 7.0, 1), True),
    (lambda m: m.meshgrid(np.arange(3), np.arange(2.0)), False),
    (lambda m: m.meshgrid(np.arange(3), np.arange(2), np.arange(4), indexing="ij"), False),
    (lambda m: m.meshgrid(np.arange(3), np.arange(2), sparse=True), False),
    (lambda m: m.indices((2, 3)), False),
    (lambda m: m.indices((2, 3), sparse=True), False),
    (lambda m: m.fromfunction(lambda i, j: i * 10 + j, (2, 3), dtype=int), False),
    (lambda m: m.fromfunction(lambda i, j: i - j, (2, 2)), True),
    (lambda m: m.bartlett(5), True), (lambda m: m.blackman(6), True),
    (lambda m: m.hamming(4), True), (lambda m: m.hanning(7), True),
    (lambda m: m.kaiser(6, 14.0), True), (lambda m: m.hanning(1), True),
])
def test_creation_matches_numpy(fn, default_float):
    got, expected = fn(ft), fn(np)
    if default_float:  # NumPy's float64 default is funtorch's default float dtype
        expected = np.asarray(expected).astype(ft.get_default_dtype())
    same(got, expected)


def test_spaced_endpoints_are_differentiable():
    start, stop = ft.array([0.5, 1.5]), ft.array([2.0, -3.0])
    ft.testing.check_grads(lambda a, b: ft.logspace(a, b, 5, base=3.0), (start, stop), order=2)
    ft.testing.check_grads(lambda a, b, base: ft.logspace(a, b, 4, axis=1, base=base),
                           (start, stop, ft.array([2.0, 5.0])), order=2)
    ft.testing.check_grads(lambda a, b: ft.geomspace(a, b, 6), (start + 1, ft.exp(stop)),
                           order=2)
    ft.testing.check_grads(lambda a, b: ft.geomspace(a, b, 3, endpoint=False),
                           (-start, -ft.exp(stop)), order=2)
    assert ft.geomspace(ft.array(1.0), 10.0, 3).dtype == ft.float32
    same(ft.jit(lambda a: ft.geomspace(a, 16.0, 5))(ft.array(1.0, dtype=ft.float64)),
         np.geomspace(1.0, 16.0, 5))


def test_ix_and_index_generators():
    x = ft.arange(20).reshape(4, 5)
    rows, cols = ft.ix_([0, 3], np.array([True, False, True, False, False]))
    same(x[rows, cols], np.arange(20).reshape(4, 5)[np.ix_([0, 3], [0, 2])])
    same(ft.ix_([], [1])[0], np.ix_([], [1])[0])
    a = np.zeros((3, 4))
    for fn in (lambda m: m.diag_indices(3), lambda m: m.diag_indices(2, 3),
               lambda m: m.diag_indices_from(np.zeros((2, 2, 2))),
               lambda m: m.tril_indices(3), lambda m: m.tril_indices(3, 1, 4),
               lambda m: m.triu_indices(4, -1), lambda m: m.triu_indices(2, 0, 3),
               lambda m: m.tril_indices_from(a, -1), lambda m: m.triu_indices_from(a, 2),
               lambda m: m.mask_indices(3, m.triu, 1), lambda m: m.mask_indices(3, m.tril)):
        same(fn(ft), fn(np))


@pytest.mark.parametrize("dims,order,mode", [
    ((3, 4), "C", "raise"), ((2, 3, 4), "F", "raise"), ((3, 4), "C", "wrap"),
    ((3, 4), "C", ("clip", "wrap")),
])
def test_ravel_and_unravel(dims, order, mode):
    coords = [RNG.integers(-2, d + 2, 6) if mode != "raise" else RNG.integers(0, d, 6)
              for d in dims]
    got = ft.ravel_multi_index(tuple(ft.array(c) for c in coords), dims, mode=mode, order=order)
    same(got, np.ravel_multi_index(coords, dims, mode=mode, order=order))
    if order == "C":
        same(ft.unravel_index(got, dims), np.unravel_index(np.asarray(got), dims))
        same(ft.jit(lambda i: ft.unravel_index(i, dims))(got),
             np.unravel_index(np.asarray(got), dims))


RNG = np.random.default_rng(3)


@pytest.mark.parametrize("call,error,match", [
    (lambda: ft.choose(ft.array([2]), [ft.zeros(1)] * 2), ValueError, "choose: invalid entry"),
    (lambda: ft.choose(ft.array([0.5]), [ft.zeros(1)]), TypeError, "choose: a must be an int"),
    (lambda: ft.choose(ft.array([0]), [ft.zeros(1)], mode="x"), ValueError, "choose: mode"),
    (lambda: ft.select([MASK], []), ValueError, "select: list of cases must be same length"),
    (lambda: ft.select([], []), ValueError, "select: select with an empty condition list"),
    (lambda: ft.select([INT], [INT]), TypeError, "select: invalid entry 0 in condlist"),
    (lambda: ft.piecewise(ft.zeros(2), [ft.zeros(2) > 0], []), ValueError, "piecewise: with"),
    (lambda: ft.compress(MASK, ft.zeros((2, 3))), ValueError, "compress: condition must be"),
    (lambda: ft.compress([0, 0, 1], ft.zeros(2)), IndexError, "compress: condition has a tr"),
    (lambda: ft.place(ft.zeros(2), [True, False], [], inplace=False), ValueError,
     "place: cannot insert from an empty array"),
    (lambda: ft.put(ft.zeros(2), [2], [1.0], inplace=False), IndexError, "put: index 2 is out"),
    (lambda: ft.put_along_axis(ft.zeros((2, 2)), ft.array([0]), 1.0, 0, inplace=False),
     ValueError, "put_along_axis: `indices` and `arr` must have the same number"),
    (lambda: ft.fill_diagonal(ft.zeros(2), 1.0, inplace=False), ValueError, "fill_diagonal: "
     "array must be at least 2-d"),
    (lambda: ft.fill_diagonal(ft.zeros((2, 2, 3)), 1.0, inplace=False), ValueError,
     "fill_diagonal: all dimensions of input must be of equal length"),
    (lambda: ft.geomspace(0.0, 1.0), ValueError, "geomspace: geometric sequence cannot include"),
    (lambda: ft.logspace(0.0, 1.0, -1), ValueError, "number of samples, -1, must be non-neg"),
    (lambda: ft.meshgrid(ft.zeros(2), indexing="x"), ValueError, "meshgrid: valid values"),
    (lambda: ft.ix_(ft.zeros((2, 2))), ValueError, "ix_: cross index must be 1 dimensional"),
    (lambda: ft.diag_indices_from(ft.zeros(2)), ValueError, "diag_indices_from: input array"),
    (lambda: ft.diag_indices_from(ft.zeros((2, 3))), ValueError, "diag_indices_from: all dim"),
    (lambda: ft.tril_indices_from(ft.zeros(3)), ValueError, "tril_indices_from: input array"),
    (lambda: ft.ravel_multi_index((ft.array([3]),), (3,)), ValueError, "ravel_multi_index: "
     "invalid entry in coordinates array"),
    (lambda: ft.ravel_multi_index((ft.array([0]),), (3, 2)), ValueError, "ravel_multi_index: "
     "parameter multi_index must be a sequence of length 2"),
    (lambda: ft.ravel_multi_index((ft.array([0]),), (3,), mode="x"), ValueError,
     "ravel_multi_index: mode must be one of"),
    (lambda: ft.ravel_multi_index((ft.array([0.0]),), (3,)), TypeError, "ravel_multi_index: "
     "only int indices"),
    (lambda: ft.unravel_index(ft.array([6]), (2, 3)), ValueError, "unravel_index: index 6 is "
     "out of bounds for array with size 6"),
    (lambda: ft.unravel_index(ft.array([1.0]), (2, 3)), TypeError, "unravel_index: only int"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_more_gradients_and_sized_index_lists():
    x, y = ft.array(_data((3,))), ft.array(_data((2,)))
    ft.testing.check_grads(lambda a, b: ft.meshgrid(a, b), (x, y), order=2)
    ft.testing.check_grads(lambda a, b: ft.meshgrid(a, b, sparse=True, indexing="ij"), (x, y),
                           order=2)
    same(ft.mask_indices(3, ft.triu, size=8), tuple(np.append(i, [0, 0]) for i in
                                                    np.mask_indices(3, np.triu)))
    same(ft.mask_indices(3, ft.tril, size=2), tuple(i[:2] for i in np.mask_indices(3, np.tril)))


def test_kaiser_with_an_array_beta_is_differentiable():
    beta = ft.array(np.float64(5.0))
    same(ft.kaiser(7, beta), np.kaiser(7, 5.0))
    same(ft.kaiser(1, beta), np.kaiser(1, 5.0))
    ft.testing.check_grads(lambda b: ft.kaiser(6, b), (beta,), order=2)
    assert ft.jit(lambda b: ft.kaiser(4, b))(ft.array(2.0)).dtype == ft.float32
