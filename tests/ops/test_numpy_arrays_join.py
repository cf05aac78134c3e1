"""Stacking, splitting, resizing and rearranging (``arrays_join``, ``arrays_rearrange``):
values and dtypes against NumPy for float32/float64/int/bool inputs, second-order
gradients in float64, vmap/jit for a few, and the error messages."""

import numpy as np
import pytest

import funtorch as ft

RNG = np.random.default_rng(13)
DTYPES = [np.float32, np.float64, np.int64, np.bool_]


def _data(shape, dtype=np.float64):
    values = RNG.standard_normal(shape) * 3
    return (values > 0) if dtype is np.bool_ else values.astype(dtype)


def same(got, expected, dtype=True):
    """Equal values (and dtypes) through tuples and lists."""
    if isinstance(expected, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(expected)
        for g, e in zip(got, expected):
            same(g, e, dtype)
        return
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    if dtype:
        assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    np.testing.assert_allclose(got.astype(np.float64), expected.astype(np.float64),
                               rtol=1e-6, atol=1e-6)


# Each case: (id, function of (module, *arrays) run with both ft and np, input shapes).
CASES = [
    ("atleast_1d", lambda m, a: m.atleast_1d(a), [()]),
    ("atleast_1d_many", lambda m, a, b: m.atleast_1d(a, b), [(), (2, 3)]),
    ("atleast_2d", lambda m, a, b: m.atleast_2d(a, b), [(3,), ()]),
    ("atleast_3d", lambda m, a, b, c: m.atleast_3d(a, b, c), [(3,), (2, 3), (1, 2, 3, 1)]),
    ("hstack_1d", lambda m, a, b: m.hstack([a, b]), [(3,), (2,)]),
    ("hstack_2d", lambda m, a, b: m.hstack((a, b)), [(2, 3), (2, 1)]),
    ("vstack", lambda m, a, b: m.vstack([a, b]), [(3,), (2, 3)]),
    ("dstack", lambda m, a, b: m.dstack([a, b]), [(2, 3), (2, 3, 2)]),
    ("column_stack", lambda m, a, b: m.column_stack([a, b]), [(3,), (3, 2)]),
    ("concat", lambda m, a, b: m.concat([a, b], axis=-1), [(2, 3), (2, 1)]),
    ("block", lambda m, a, b, c, d: m.block([[a, b], [c, d]]), [(2, 2), (2, 1), (1, 2), (1, 1)]),
    ("block_1d", lambda m, a, b: m.block([a, b]), [(2,), (3,)]),
    ("block_scalars", lambda m, a, b: m.block([[a], [b]]), [(), ()]),
    ("array_split", lambda m, a: m.array_split(a, 3, axis=-1), [(2, 7)]),
    ("array_split_idx", lambda m, a: m.array_split(a, [1, 5, 3]), [(6,)]),
    ("array_split_more", lambda m, a: m.array_split(a, 4), [(3,)]),
    ("hsplit", lambda m, a: m.hsplit(a, 2), [(3, 4)]),
    ("hsplit_1d", lambda m, a: m.hsplit(a, [1]), [(4,)]),
    ("vsplit", lambda m, a: m.vsplit(a, [1, 3]), [(4, 2)]),
    ("dsplit", lambda m, a: m.dsplit(a, 2), [(1, 2, 4)]),
    ("unstack", lambda m, a: m.unstack(a, axis=-1), [(2, 3)]),
    ("append_flat", lambda m, a, b: m.append(a, b), [(2, 2), (3,)]),
    ("append_axis", lambda m, a, b: m.append(a, b, axis=0), [(2, 2), (1, 2)]),
    ("insert_scalar", lambda m, a, b: m.insert(a, 1, b, axis=1), [(2, 3), (2,)]),
    ("insert_seq", lambda m, a, b: m.insert(a, [3, 0, 0], b), [(4,), (3,)]),
    ("insert_slice", lambda m, a, b: m.insert(a, slice(0, 2), b, axis=0), [(3, 2), ()]),
    ("insert_one_seq", lambda m, a, b: m.insert(a, [2], b, axis=-1), [(2, 3), (2, 2)]),
    ("insert_negative", lambda m, a, b: m.insert(a, -1, b), [(2, 2), ()]),
    ("delete_int", lambda m, a: m.delete(a, -1, axis=1), [(2, 3)]),
    ("delete_seq", lambda m, a: m.delete(a, [0, 2, 2]), [(2, 3)]),
    ("delete_slice", lambda m, a: m.delete(a, slice(None, None, 2), axis=0), [(5, 2)]),
    ("delete_mask", lambda m, a: m.delete(a, np.array([True, False, True]), axis=0), [(3, 2)]),
    ("resize_grow", lambda m, a: m.resize(a, (3, 3)), [(2, 2)]),
    ("resize_shrink", lambda m, a: m.resize(a, 3), [(2, 2)]),
    ("broadcast_arrays", lambda m, a, b: m.broadcast_arrays(a, b), [(2, 1), (3,)]),
    ("copy", lambda m, a: m.copy(a), [(2, 3)]),
    ("ravel", lambda m, a: m.ravel(a), [(2, 3)]),
    ("ravel_f", lambda m, a: m.ravel(a, order="F"), [(2, 3)]),
    ("permute_dims", lambda m, a: m.permute_dims(a, (2, 0, 1)), [(2, 3, 4)]),
    ("roll_flat", lambda m, a: m.roll(a, 4), [(2, 3)]),
    ("roll_axis", lambda m, a: m.roll(a, -1, axis=-1), [(2, 3)]),
    ("roll_multi", lambda m, a: m.roll(a, (1, 2), axis=(0, 1)), [(2, 3)]),
    ("roll_one_shift_many_axes", lambda m, a: m.roll(a, 1, axis=(0, 1)), [(2, 3)]),
    ("rollaxis", lambda m, a: m.rollaxis(a, 2), [(2, 3, 4)]),
    ("rollaxis_start", lambda m, a: m.rollaxis(a, 0, 3), [(2, 3, 4)]),
    ("rollaxis_negative", lambda m, a: m.rollaxis(a, -1, -2), [(2, 3, 4)]),
    ("rot90", lambda m, a: m.rot90(a), [(2, 3)]),
    ("rot90_k2", lambda m, a: m.rot90(a, 2), [(2, 3)]),
    ("rot90_k3_axes", lambda m, a: m.rot90(a, -1, axes=(2, 0)), [(2, 3, 4)]),
    ("fliplr", lambda m, a: m.fliplr(a), [(2, 3)]),
    ("flipud", lambda m, a: m.flipud(a), [(2, 3)]),
    ("diagonal", lambda m, a: m.diagonal(a), [(3, 4)]),
    ("diagonal_offset_axes", lambda m, a: m.diagonal(a, -1, 2, 0), [(3, 2, 4)]),
    ("diagonal_empty", lambda m, a: m.diagonal(a, 5), [(3, 4)]),
    ("diagflat", lambda m, a: m.diagflat(a, -1), [(2, 2)]),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name,fn,shapes", CASES, ids=[c[0] for c in CASES])
def test_values_match_numpy(name, fn, shapes, dtype):
    host = [_data(s, dtype) for s in shapes]
    same(fn(ft, *(ft.array(h) for h in host)), fn(np, *host))


# Cases whose maths is linear in every float input: second-order gradients.
GRAD_CASES = [c for c in CASES if c[0] not in {"atleast_1d"}]


@pytest.mark.parametrize("name,fn,shapes", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients(name, fn, shapes):
    args = tuple(ft.array(_data(s)) for s in shapes)
    ft.testing.check_grads(lambda *a: fn(ft, *a), args, order=2)


def test_traced_roll_shift_under_jit_and_grad():
    x = ft.array(_data((5,)))
    f = ft.jit(lambda v, s: ft.roll(v, s))
    for shift in (-7, 0, 2):
        same(f(x, ft.array(shift)), np.roll(np.asarray(x), shift))
    ft.testing.check_grads(lambda v: ft.roll(v, ft.array(3)), (x,), order=2)


@pytest.mark.parametrize("fn", [
    lambda m, a: m.hstack([a, a]),
    lambda m, a: m.insert(a, [1, 1], 0.5, axis=0),
    lambda m, a: m.rot90(a),
    lambda m, a: m.array_split(a, 2, axis=1)[1],
    lambda m, a: m.diagonal(a, 1),
])
def test_vmap_and_jit(fn):
    batch = _data((3, 4, 5))
    got = ft.vmap(lambda a: fn(ft, a))(ft.array(batch))
    same(got, np.stack([fn(np, b) for b in batch]))
    same(ft.jit(lambda a: fn(ft, a))(ft.array(batch[0])), fn(np, batch[0]))


def test_queries():
    x = ft.zeros((2, 3))
    assert ft.ndim(x) == 2 and ft.ndim([[1, 2]]) == 2 and ft.ndim(3.0) == 0
    assert ft.shape(x) == (2, 3) and ft.shape([1, 2]) == (2,)
    assert ft.size(x) == 6 and ft.size(x, 0) == 2 and ft.size(x, (0, 1)) == 6
    assert ft.isscalar(1.0) and ft.isscalar(np.float32(2)) and ft.isscalar(ft.array(1.0))
    assert not ft.isscalar(x) and not ft.isscalar([1]) and not ft.isscalar("a")
    assert ft.iterable(x) and ft.iterable([1]) and not ft.iterable(ft.array(1.0))
    assert not ft.iterable(3)
    assert ft.broadcast_shapes((2, 1), (3,), 1) == (2, 3)
    ft.vmap(lambda v: ft.ndim(v) == 1 and ft.shape(v) == (3,) or 1 / 0)(x)


def test_copy_is_a_new_array_with_a_gradient():
    x = ft.array([1.0, 2.0], requires_grad=True)
    y = ft.copy(x)
    assert y is not x
    (y * 3).sum().backward()
    same(x.grad, np.array([3.0, 3.0], np.float32))


def test_trim_zeros():
    x = np.array([0, 0, 1.5, 0, 2, 0, 0])
    for trim in ("fb", "f", "b", "B"):
        same(ft.trim_zeros(ft.array(x), trim), np.trim_zeros(x, trim))
    grid = np.zeros((4, 5))
    grid[1, 2], grid[2, 3] = 1.0, 2.0
    for axis in (None, 0, -1):
        same(ft.trim_zeros(ft.array(grid), axis=axis), np.trim_zeros(grid, axis=axis))
    same(ft.trim_zeros(ft.zeros(3, dtype=ft.int64)), np.trim_zeros(np.zeros(3, np.int64)))
    # finite differences would move the zeros: check the gradient lands on the kept entries
    grad = ft.grad(lambda v: ft.sum(ft.trim_zeros(v) * ft.array([1.0, 2.0, 3.0])))(ft.array(x))
    same(grad, np.array([0, 0, 1.0, 2.0, 3.0, 0, 0]))
    with pytest.raises(TypeError, match="trim_zeros: the output shape depends .*call it outside"):
        ft.jit(ft.trim_zeros)(ft.array(x))


@pytest.mark.parametrize("call,error,match", [
    (lambda: ft.block([]), ValueError, "block: lists cannot be empty"),
    (lambda: ft.block([[ft.zeros(2)], ft.zeros(2)]), ValueError, "block: list depths are"),
    (lambda: ft.block((ft.zeros(2),)), TypeError, "block: arrays is a tuple"),
    (lambda: ft.hstack([]), ValueError, "hstack: need at least one array"),
    (lambda: ft.vstack([ft.zeros(2), ft.zeros(3)]), ValueError, "concatenate: .*dimension 1"),
    (lambda: ft.array_split(ft.zeros(3), 0), ValueError, "array_split: number of sections"),
    (lambda: ft.hsplit(ft.zeros(3), 2), ValueError, "split: array split does not result"),
    (lambda: ft.vsplit(ft.zeros(4), 2), ValueError, "vsplit: only works on arrays of 2"),
    (lambda: ft.dsplit(ft.zeros((2, 2)), 2), ValueError, "dsplit: only works on arrays of 3"),
    (lambda: ft.unstack(ft.array(1.0)), ValueError, "unstack: input must be at least 1-d"),
    (lambda: ft.insert(ft.zeros(3), 5, 1.0), IndexError, "insert: index 5 is out of bounds"),
    (lambda: ft.insert(ft.zeros(3), [True], 1.0), TypeError, "insert: boolean index"),
    (lambda: ft.insert(ft.zeros(3), 1.5, 1.0), TypeError, "insert: obj must be an int"),
    (lambda: ft.delete(ft.zeros(3), [3]), IndexError, "delete: index 3 is out of bounds"),
    (lambda: ft.delete(ft.zeros(3), np.array([True])), ValueError, "delete: boolean array"),
    (lambda: ft.resize(ft.zeros(3), (-1, 2)), ValueError, "resize: all elements"),
    (lambda: ft.broadcast_shapes((2,), (3,)), ValueError, "broadcast_shapes: shapes"),
    (lambda: ft.broadcast_arrays(ft.zeros(2), ft.zeros(3)), ValueError, "broadcast_arrays"),
    (lambda: ft.ravel(ft.zeros(2), order="X"), ValueError, "ravel: order must be"),
    (lambda: ft.roll(ft.zeros((2, 2)), (1, 2, 3), axis=(0, 1)), ValueError, "roll: shift"),
    (lambda: ft.roll(ft.zeros(2), 1, axis=1), ValueError, "roll: axis 1 is out of bounds"),
    (lambda: ft.rollaxis(ft.zeros((2, 2)), 0, 3), ValueError, "rollaxis: start arg"),
    (lambda: ft.rot90(ft.zeros((2, 2)), axes=(0,)), ValueError, r"rot90: len\(axes\) must"),
    (lambda: ft.rot90(ft.zeros((2, 2)), axes=(1, -1)), ValueError, "rot90: axes must be diff"),
    (lambda: ft.fliplr(ft.zeros(2)), ValueError, "fliplr: input must be >= 2-d"),
    (lambda: ft.flipud(ft.array(1.0)), ValueError, "flipud: input must be >= 1-d"),
    (lambda: ft.diagonal(ft.zeros(2)), ValueError, "diagonal: diag requires an array"),
    (lambda: ft.diagonal(ft.zeros((2, 2)), 0, 1, -1), ValueError, "diagonal: axis1 and axis2"),
    (lambda: ft.trim_zeros(ft.zeros(2), "x"), ValueError, "trim_zeros: unexpected char"),
    (lambda: ft.trim_zeros(ft.array(1.0)), ValueError, "trim_zeros: input must be at least"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
