"""Indexing (``x[idx]``, ``gather``), ``x.at[idx]`` (the scatters), ``take``,
``take_along_axis`` and ``nonzero``: values against NumPy, gradients against central
finite differences in float64, the rules of the primitives, and the error messages."""

import itertools

import numpy as np
import pytest

import funtorch as ft
from funtorch.core import Primitive, bind
from funtorch.ops.indexing import ARRAY, layout
from funtorch.ops.scatter import _multiply_in_rounds

RNG = np.random.default_rng(0)
XN = np.arange(120, dtype=np.float64).reshape(4, 5, 6) - 60.0


def _fd_vjp_check(f, args, eps=1e-6, tol=1e-6):
    """<ct, J d> by central differences against <vjp(ct), d> for random ct and d."""
    assert all(a.dtype == np.float64 for a in args), "finite differences need float64"
    out, pullback = ft.vjp(f, *args)
    ct = RNG.standard_normal(out.shape)
    grads = pullback(ft.array(ct))
    for n, (arg, grad) in enumerate(zip(args, grads)):
        d = RNG.standard_normal(arg.shape)
        plus = [a + eps * d if k == n else a for k, a in enumerate(args)]
        minus = [a - eps * d if k == n else a for k, a in enumerate(args)]
        numeric = np.sum((np.asarray(f(*plus)) - np.asarray(f(*minus))) / (2 * eps) * ct)
        analytic = np.sum(np.asarray(grad) * d)
        assert abs(numeric - analytic) <= tol * (1 + abs(numeric)), (n, numeric, analytic)


# Reading: x[idx] ----------------------------------------------------------------------------

BASIC = [
    1, -1, (1, 2), (3, -1, 0), slice(None, None, -1), slice(1, None, 2), slice(-1, 0, -2),
    slice(2, 100), slice(5, 1), (Ellipsis, 1), (None, Ellipsis, None), (1, None, slice(None), -2),
    (slice(None), slice(None, None, -3), None), (Ellipsis,), (), np.int64(2),
    (slice(None, None, -1), None, 1), (Ellipsis, slice(4, None, -2), 0),
]
ADVANCED = [
    [0, 2, 2], [-1, 0], [], np.array([[0, 1], [3, 3]]), ([0, 1], [2, 3]),
    (slice(None), [0, 0, 4]), ([0, 1], slice(None), [1, 2]), (1, slice(None), [0, 2]),
    (slice(None), 1, [0, 2]), (Ellipsis, [1, 0]), (None, [1, 0], None, [2, 3]),
    ([[0], [3]], slice(1, 3), [1, 0, 2]), (slice(None, None, -1), [[1], [2]], [0, 5]),
    (np.array(2), slice(None), np.array([[1, 1]])), ([0, 0], Ellipsis, [5, -6]),
]
MASKS = [
    np.array([True, False, True, True]), XN > 0, (slice(None), XN[0, :, 0] > -50),
    (XN[:, :, 0] > -20, slice(1, None)), (Ellipsis, np.array([1, 0, 1, 0, 0, 1], bool)),
    (1, XN[1] % 3 == 0),
]


def _to_ft(idx):
    """The same index with the NumPy integer arrays turned into funtorch arrays."""
    convert = (lambda i: ft.array(i) if isinstance(i, np.ndarray) and i.ndim and
               i.dtype.kind == "i" else i)
    return tuple(convert(i) for i in idx) if isinstance(idx, tuple) else convert(idx)


@pytest.mark.parametrize("idx", BASIC + ADVANCED + MASKS, ids=repr)
def test_getitem_matches_numpy(idx):
    x = ft.array(XN)
    expected = XN[idx]
    for index in (idx, _to_ft(idx)):
        got = x[index]
        assert got.shape == expected.shape
        np.testing.assert_array_equal(np.asarray(got), expected)


@pytest.mark.parametrize("idx", BASIC + ADVANCED + MASKS, ids=repr)
def test_getitem_gradient(idx):
    _fd_vjp_check(lambda x: x[idx] * 1.5, (ft.array(RNG.standard_normal((4, 5, 6))),))


def test_getitem_gradient_accumulates_repeated_indices():
    g = ft.grad(lambda x: x[[0, 0, 2, 0]].sum())(ft.zeros(3, dtype=ft.float64))
    assert g.tolist() == [3.0, 0.0, 1.0]


def test_getitem_traced_integer_index_and_full_slice():
    x = ft.array(XN)
    assert x[...] is x and x[:] is x
    g = ft.grad(lambda v: v[ft.array([1, 1])].sum())(ft.array([1.0, 2.0, 3.0]))
    assert g.tolist() == [0.0, 2.0, 0.0]
    assert [row.tolist() for row in ft.array([[1, 2], [3, 4]])] == [[1, 2], [3, 4]]


def test_getitem_keeps_dtype_and_records_index_backward():
    assert ft.arange(5)[1:3].dtype == np.int64
    x = ft.array([1.0, 2.0], requires_grad=True)
    assert type(x[0].grad_fn).__name__ == "IndexBackward0"


@pytest.mark.parametrize("idx, match", [
    (4, r"getitem: index 4 is out of bounds for axis 0 with size 4"),
    ((0, -6), r"index -6 is out of bounds for axis 1 with size 5"),
    ([0, 4], r"index 4 is out of bounds for axis 0"),
    ((slice(None), np.array([-6])), r"index -6 is out of bounds for axis 1 with size 5"),
    ((0, 0, 0, 0), r"too many indices for array: array is 3-dimensional, but 4 were indexed"),
    ((Ellipsis, 0, Ellipsis), r"single ellipsis"),
    (np.array([True, False]), r"boolean index of shape \(2,\) does not match"),
    (np.array([0.5]), r"only integers, slices .* got an array of dtype float64"),
    (1.5, r"only integers, slices .* got 1\.5"),
    ("a", r"only integers, slices .* got 'a'"),
    (([0, 1], [0, 1, 2]), r"shape mismatch: indexing arrays could not be broadcast"),
    (True, r"scalar boolean index is not supported"),
])
def test_getitem_errors(idx, match):
    with pytest.raises(IndexError, match=match):
        ft.array(XN)[idx]


def test_getitem_bad_slice_step_and_setitem():
    x = ft.array(XN)
    with pytest.raises(ValueError, match="getitem: bad slice"):
        x[::0]
    with pytest.raises(TypeError, match=r"x\.at\["):
        x[0] = 1.0


# Writing: x.at[idx] -----------------------------------------------------------------------

UFUNCS = {"add": np.add, "multiply": np.multiply, "min": np.minimum, "max": np.maximum}
AT_INDICES = [
    [0, 0, 2], (slice(None), [1, 1, 4]), ([0, 1], slice(None), [1, 1]), (1, slice(None), [2, 2]),
    (slice(1, None, -1), None, 2), XN > 10, (Ellipsis, [3, 3, 3]), 2,
]


@pytest.mark.parametrize("method", ["set", "add", "multiply", "min", "max"])
@pytest.mark.parametrize("idx", AT_INDICES, ids=repr)
def test_at_matches_numpy(method, idx):
    values = RNG.standard_normal(XN[idx].shape) * 50
    expected = XN.copy()
    if method == "set":
        expected[idx] = values
    else:
        UFUNCS[method].at(expected, idx, values)
    x = ft.array(XN)
    got = getattr(x.at[idx], method)(ft.array(values))
    np.testing.assert_array_equal(np.asarray(got), expected)
    np.testing.assert_array_equal(np.asarray(x), XN)  # the input is untouched


@pytest.mark.parametrize("method", ["set", "add", "multiply", "min", "max"])
@pytest.mark.parametrize("idx", AT_INDICES, ids=repr)
def test_at_gradients(method, idx):
    shape = XN[idx].shape
    x = ft.array(RNG.permutation(120).reshape(4, 5, 6) / 10.0)  # distinct: no min/max ties
    values = ft.array(RNG.permutation(np.prod(shape, dtype=int)).reshape(shape) / 7.0 + 0.05)
    _fd_vjp_check(lambda a, v: getattr(a.at[idx], method)(v), (x, values))


def test_at_scatter_add_with_repeated_indices_and_broadcast_values():
    out = ft.zeros((3, 2), dtype=ft.float64).at[[0, 2, 0]].add(ft.array([1.0, 2.0]))
    assert out.tolist() == [[2.0, 4.0], [0.0, 0.0], [1.0, 2.0]]
    assert ft.zeros(3).at[1].set(5).tolist() == [0.0, 5.0, 0.0]
    assert ft.arange(4).at[::2].multiply(3).tolist() == [0, 1, 6, 3]
    assert ft.arange(3).at[[1]].get().tolist() == [1]


def test_at_set_gradient_of_repeated_updates_goes_to_the_one_that_lands():
    def f(values):
        return ft.zeros(2, dtype=ft.float64).at[[0, 0, 1]].set(values).sum()
    assert ft.grad(f)(ft.array([1.0, 2.0, 3.0])).tolist() == [0.0, 1.0, 1.0]


def test_at_multiply_gradient_with_zero_updates():
    def f(x, values):
        return (x.at[[0, 0, 0, 1, 1]].multiply(values) * ft.array([1.0, 2.0])).sum()
    x = ft.array([3.0, 5.0])
    values = ft.array([0.0, 2.0, 4.0, 0.0, 0.0])
    gx, gv = ft.grad(f, argnums=(0, 1))(x, values)
    assert gx.tolist() == [0.0, 0.0]
    assert gv.tolist() == [24.0, 0.0, 0.0, 0.0, 0.0]
    _fd_vjp_check(lambda a, v: a.at[[0, 0, 1]].multiply(v),
                  (x.double(), ft.array([0.0, 2.0, 3.0], dtype=ft.float64)))


def test_multiply_in_rounds_handles_repeated_positions():
    # The CuPy kernel of scatter_mul, run here on NumPy against multiply.at.
    positions = RNG.integers(0, 4, 20)
    values = RNG.standard_normal(20)
    flat, expected = np.ones(4), np.ones(4)
    _multiply_in_rounds(np, flat, positions, values)
    np.multiply.at(expected, positions, values)
    np.testing.assert_allclose(flat, expected, rtol=1e-12)


def test_at_casts_values_to_the_array_dtype():
    assert ft.arange(3).at[0].set(2.7).tolist() == [2, 1, 2]
    out = ft.zeros(2, dtype=ft.float32).at[0].add(ft.ones((), dtype=ft.float64))
    assert out.dtype == np.float32


def test_at_errors():
    x = ft.zeros((3, 4))
    with pytest.raises(ValueError, match=r"at\[\]\.set: cannot broadcast values of shape \(5,\) "
                                         r"to the indexed shape \(3, 4\)"):
        x.at[:].set(ft.ones(5))
    with pytest.raises(IndexError, match=r"at\[\]\.add: index 3 is out of bounds for axis 0"):
        x.at[[0, 3]].add(1.0)


# take, take_along_axis, nonzero -----------------------------------------------------------


@pytest.mark.parametrize("indices, axis", [
    ([0, 3, 3], 1), (np.array([[1, 0], [2, 2]]), 0), (2, -1), ([5, 119, 0], None),
    (np.array([[-1]]), 2), ([], 1),
])
def test_take_matches_numpy(indices, axis):
    got = ft.take(ft.array(XN), indices, axis=axis)
    np.testing.assert_array_equal(np.asarray(got), np.take(XN, indices, axis=axis))
    assert ft.array(XN).take(indices, axis=axis).shape == got.shape
    _fd_vjp_check(lambda x: ft.take(x, indices, axis=axis), (ft.array(XN / 10),))


@pytest.mark.parametrize("mode", ["wrap", "clip"])
def test_take_modes(mode):
    got = ft.take(ft.array(XN), [-7, 2, 9], axis=1, mode=mode)
    np.testing.assert_array_equal(np.asarray(got), np.take(XN, [-7, 2, 9], axis=1, mode=mode))


def test_take_errors():
    with pytest.raises(ValueError, match="take: mode must be 'raise', 'wrap' or 'clip'"):
        ft.take(ft.array(XN), [0], mode="fill")
    with pytest.raises(TypeError, match="take: indices must be integers"):
        ft.take(ft.array(XN), [0.5])
    with pytest.raises(IndexError, match="out of bounds for axis 1 with size 5"):
        ft.take(ft.array(XN), [5], axis=1)


@pytest.mark.parametrize("axis, index_shape", [(0, (2, 5, 6)), (1, (4, 3, 6)), (-1, (4, 5, 1)),
                                               (2, (1, 5, 4)), (None, (7,))])
def test_take_along_axis_matches_numpy(axis, index_shape):
    size = 120 if axis is None else XN.shape[axis]
    indices = RNG.integers(-size, size, index_shape)
    got = ft.take_along_axis(ft.array(XN), ft.array(indices), axis)
    np.testing.assert_array_equal(np.asarray(got), np.take_along_axis(XN, indices, axis))
    _fd_vjp_check(lambda x: ft.take_along_axis(x, indices, axis), (ft.array(XN / 10),))


def test_take_along_axis_errors():
    with pytest.raises(ValueError, match="must have the same number of dimensions, got 1 and 3"):
        ft.take_along_axis(ft.array(XN), [0, 1], axis=0)


def test_nonzero_and_where_match_numpy():
    x = np.array([[0, 1, 0], [2, 0, 3]])
    for got, expected in zip(ft.nonzero(x), np.nonzero(x)):
        assert got.dtype == np.int64 and got.tolist() == expected.tolist()
    assert [i.tolist() for i in ft.where(ft.array([0.0, 1.0, 2.0]))] == [[1, 2]]
    assert [i.shape for i in ft.nonzero(ft.zeros((2, 2)))] == [(0,), (0,)]
    with pytest.raises(ValueError, match="nonzero: calling nonzero on 0-d arrays"):
        ft.nonzero(ft.array(1.0))


# The primitives' rules, on every index structure --------------------------------------------

STRUCTURES = [
    (((3, None, -1), None, 1), np.zeros((0,), np.int64)),
    (((0, 4, 1), ARRAY, ARRAY), RNG.integers(0, 3, (2, 2, 3))),
    ((ARRAY, (0, 3, 2), ARRAY), RNG.integers(0, 4, (2, 4))),
    ((1, (0, 3, 1), ARRAY), RNG.integers(0, 5, (1, 2))),
    ((None, ARRAY, (2, None, -2)), RNG.integers(0, 4, (1, 2, 2))),
]
SCATTERS = ["scatter", "scatter_add", "scatter_mul", "scatter_min", "scatter_max"]


def _prim_args(name, index, indices):
    x = ft.array(RNG.permutation(60).reshape(4, 3, 5) / 10.0 + 0.1)
    if name == "gather":
        return [x, ft.array(indices)]
    shape = layout(index, x.shape, indices.shape)[0]
    updates = ft.array(RNG.permutation(int(np.prod(shape))).reshape(shape) / 7.0 + 0.05)
    return [x, updates, ft.array(indices)]


@pytest.mark.parametrize("name", ["gather"] + SCATTERS)
@pytest.mark.parametrize("index, indices", STRUCTURES)
def test_rules_against_finite_differences(name, index, indices):
    prim = Primitive.registry[name]
    args = _prim_args(name, index, indices)
    ans = bind(prim, *args, index=index)
    assert prim.shape(*args, index=index) == (ans.shape, ans.dtype)
    floats = len(args) - 1
    _fd_vjp_check(lambda *a: bind(prim, *a, args[-1], index=index), tuple(args[:floats]))
    eps = 1e-6
    for n in range(floats):
        t = RNG.standard_normal(args[n].shape)
        plus = [a + eps * t if k == n else a for k, a in enumerate(args)]
        minus = [a - eps * t if k == n else a for k, a in enumerate(args)]
        numeric = (np.asarray(bind(prim, *plus, index=index)) -
                   np.asarray(bind(prim, *minus, index=index))) / (2 * eps)
        analytic = prim.jvp[n](ft.array(t), ans, *args, index=index)
        np.testing.assert_allclose(np.broadcast_to(np.asarray(analytic), ans.shape), numeric,
                                   atol=1e-6)


@pytest.mark.parametrize("name", ["gather"] + SCATTERS)
@pytest.mark.parametrize("index, indices", STRUCTURES)
def test_batch_rule_matches_loop(name, index, indices):
    prim = Primitive.registry[name]
    size = 3
    examples = [_prim_args(name, index, indices) for _ in range(size)]
    if ARRAY in index:  # vary the integer indices too, keeping them in bounds
        for k, example in enumerate(examples):
            rolled = np.roll(np.asarray(example[-1]).reshape(-1), k).reshape(indices.shape)
            example[-1] = ft.array(rolled)
    expected = np.stack([np.asarray(bind(prim, *e, index=index)) for e in examples])
    choices = [(None, 0, 1, -1)] * len(examples[0])
    for bdims in itertools.product(*choices):
        if all(b is None for b in bdims):
            continue
        args = []
        for n, bdim in enumerate(bdims):
            if bdim is None:
                args.append(examples[0][n])
                continue
            stacked = np.stack([np.asarray(e[n]) for e in examples])
            bdim = bdim % stacked.ndim
            args.append(ft.array(np.moveaxis(stacked, 0, bdim)))
        want = np.stack([np.asarray(bind(prim, *[
            examples[0][n] if b is None else examples[k][n] for n, b in enumerate(bdims)],
            index=index)) for k in range(size)])
        out, out_bdim = prim.batch(args, [None if b is None else b % a.ndim
                                          for b, a in zip(bdims, args)], index=index)
        np.testing.assert_array_equal(np.moveaxis(np.asarray(out), out_bdim, 0), want,
                                      err_msg=str(bdims))
    assert expected.shape[0] == size
