"""vmap's in_axes/out_axes expansion and the batch tracer's shape/dtype/ndim: the fast
paths (axes read from the arguments' structure, per-example shape stored once) give
the same results and errors as the general rules."""

import collections

import numpy as np
import pytest

import funtorch as ft
from conftest import assert_close

Pair = collections.namedtuple("Pair", "a b")


def f64(shape, seed=0):
    return ft.array(np.random.default_rng(seed).normal(size=shape))


# (in_axes, out_axes, arguments, function, expected from NumPy)
_X = np.random.default_rng(1).normal(size=(3, 4))
_Y = np.random.default_rng(2).normal(size=(4, 3))
AXES_CASES = [
    (0, 0, (_X,), lambda x: x * 2, _X * 2),
    (-1, 0, (_Y,), lambda x: x * 2, _Y.T * 2),
    ((1, None), 1, (_Y, _X[0]), lambda x, w: x * w, (_Y.T * _X[0]).T),
    ((0, None), -1, (_X, _X[0]), lambda x, w: x + w, (_X + _X[0]).T),
    (True, 0, (_Y,), lambda x: x - 1.0, _Y.T - 1.0),  # a bool axis counts as 1 (int)
    (({"u": 0, "v": None},), 0, ({"u": _X, "v": _X[1]},), lambda d: d["u"] * d["v"],
     _X * _X[1]),
    ((Pair(0, None),), 0, (Pair(_X, _X[2]),), lambda p: p.a - p.b, _X - _X[2]),
]


@pytest.mark.parametrize("in_axes,out_axes,args,fun,want", AXES_CASES)
def test_in_and_out_axes(in_axes, out_axes, args, fun, want):
    args = ft.tree.map(ft.array, args)
    assert_close(ft.vmap(fun, in_axes=in_axes, out_axes=out_axes)(*args), want)


def test_out_axes_tree_prefix_and_unbatched_output():
    x = f64((3, 2))
    out = ft.vmap(lambda x: (x, {"s": ft.sum(x), "c": ft.ones(2)}),
                  out_axes=(1, {"s": 0, "c": 0}))(x)
    assert_close(out[0], np.asarray(x).T)
    assert_close(out[1]["s"], np.asarray(x).sum(1))
    assert_close(out[1]["c"], np.ones((3, 2)))


def test_batch_tracer_reports_one_examples_shape_dtype_ndim():
    seen = []

    def f(x, y):
        seen.append((x.shape, x.ndim, x.dtype, y.shape, y.ndim, y.dtype, x.size))
        return ft.sum(x) + ft.sum(y)

    x = ft.array(np.ones((2, 5, 3), np.float32))
    y = ft.array(np.ones((4, 5), np.float64))
    ft.vmap(f, in_axes=(1, 1))(x, y)
    assert seen == [((2, 3), 2, np.float32, (4,), 1, np.float64, 6)]


def test_nested_vmap_and_grad_see_per_example_shapes():
    x = f64((4, 3, 2))
    got = ft.vmap(ft.vmap(ft.grad(lambda v: ft.sum(v ** 2) * v.ndim)))(x)
    assert_close(got, 2 * np.asarray(x))


@pytest.mark.parametrize("in_axes,args,match", [
    (2, (np.ones((3, 4)),), "out of range"),
    (-3, (np.ones((3, 4)),), "out of range"),
    ((0, 0), (np.ones(3),), "in_axes has 2 entries"),
    ((0.0,), (np.ones(3),), "must be an int or None"),
    (({"a": 0},), ({"b": np.ones(3)},), "keys"),
    ((0, 0), (np.ones(3), np.ones(4)), "inconsistent sizes"),
])
def test_axes_errors(in_axes, args, match):
    with pytest.raises((ValueError, TypeError), match=match):
        ft.vmap(lambda *a: a[0], in_axes=in_axes)(*args)


def test_out_axes_out_of_range():
    with pytest.raises(ValueError, match="out_axes=3 is out of range"):
        ft.vmap(lambda x: x, out_axes=3)(ft.ones((2, 3)))
