"""``sliding_window_view`` and its transpose ``windows_sum``: values against NumPy's
``sliding_window_view`` (and NumPy slicing for ``step``/``dilation``), gradients against
finite differences to second order, vmap, jit and the errors."""

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view as np_windows

import funtorch as ft
from funtorch.core import bind
from funtorch.ops.windows import sliding_window_view_p, windows_sum_p

RNG = np.random.default_rng(3)


def _randn(*shape):
    return RNG.standard_normal(shape)


def _reference(x, window, axis, step, dilation):
    """NumPy's windows of the dilated extent, then basic slicing for step and dilation."""
    spans = tuple(d * (w - 1) + 1 for w, d in zip(window, dilation))
    out = np_windows(x, spans, axis)
    index = [slice(None)] * out.ndim
    for a, s in zip(axis, step):
        index[a % x.ndim] = slice(None, None, s)
    for k, d in enumerate(dilation):
        index[x.ndim + k] = slice(None, None, d)
    return out[tuple(index)]


# Values --------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape, window, axis", [
    ((6,), 3, None), ((6,), (3,), 0), ((6,), 6, -1), ((4, 5), (2, 3), None),
    ((4, 5), 2, 1), ((4, 5), 2, -2), ((4, 5), (2, 2), (1, 0)), ((4, 5), (2, 2), (0, 0)),
    ((4, 5), (2, 3, 2), (1, 1, 0)), ((2, 3, 6, 5), (2, 3), (2, 3)),
    ((2, 3, 6, 5), (3, 2), (-1, -2)),
    ((2, 3, 4, 4, 4), (2, 2, 2), (2, 3, 4)), ((3, 4), (0,), 1), ((3, 4), (1, 1), None),
    ((), (), None),
])
def test_values_match_numpy(shape, window, axis):
    x = RNG.integers(-9, 9, shape)
    got = ft.sliding_window_view(ft.array(x), window, axis)
    expected = np_windows(x, window, axis)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_array_equal(np.asarray(got), expected)


@pytest.mark.parametrize("shape, window, axis, step, dilation", [
    ((2, 3, 6, 5), (2, 3), (2, 3), (1, 2), (1, 1)),
    ((2, 3, 6, 5), (2, 3), (2, 3), (1, 1), (2, 1)),
    ((2, 3, 9, 8), (3, 2), (2, 3), (2, 3), (3, 2)),
    ((7,), (3,), (0,), (2,), (2,)),
    ((10, 4), (2,), (0,), (4,), (3,)),
    ((5, 4), (2, 2), (0, 0), (1, 1), (1, 2)),
    ((4, 9), (2, 3), (-1, 0), (3, 1), (2, 1)),
])
def test_step_and_dilation_match_numpy_slicing(shape, window, axis, step, dilation):
    x = _randn(*shape)
    got = ft.sliding_window_view(ft.array(x), window, axis, step=step, dilation=dilation)
    np.testing.assert_array_equal(np.asarray(got), _reference(x, window, axis, step, dilation))


def test_int_step_and_dilation_apply_to_every_axis():
    x = _randn(3, 9, 9)
    got = ft.sliding_window_view(ft.array(x), (2, 2), (1, 2), step=2, dilation=3)
    np.testing.assert_array_equal(np.asarray(got),
                                  _reference(x, (2, 2), (1, 2), (2, 2), (3, 3)))


def test_is_a_zero_copy_view_and_keeps_float32():
    x = ft.array(_randn(2, 3, 8, 8).astype(np.float32))
    out = ft.sliding_window_view(x, (3, 3), (2, 3), step=2)
    assert out.dtype == np.float32
    assert np.shares_memory(out._buf, x._buf)
    assert not out._buf.flags.writeable


# The transpose -------------------------------------------------------------------------------


def _loop_windows_sum(g, shape, window, axis, step, dilation):
    """Scatter every window element back, one output position at a time."""
    out = np.zeros(shape)
    positions = g.shape[:len(shape)]
    for pos in np.ndindex(*positions):
        for offsets in np.ndindex(*window):
            index = list(pos)
            for a, s in zip(axis, step):
                index[a] = pos[a] * s
            for a, o, d in zip(axis, offsets, dilation):
                index[a] += o * d
            out[tuple(index)] += g[pos + offsets]
    return out


@pytest.mark.parametrize("shape, window, axis, step, dilation", [
    ((2, 3, 6, 5), (2, 3), (2, 3), (1, 2), (1, 1)),
    ((2, 3, 6, 5), (2, 3), (2, 3), (1, 1), (2, 1)),
    ((2, 4, 4), (2, 2), (1, 2), (2, 2), (1, 1)),      # pooling: disjoint, covering
    ((2, 5, 5), (2, 2), (1, 2), (2, 2), (1, 1)),      # disjoint, last row/column left out
    ((9,), (3,), (0,), (3,), (1,)), ((9,), (3,), (0,), (1,), (3,)),
    ((5, 4), (2, 2), (0, 0), (1, 1), (1, 2)), ((3, 4), (0,), (1,), (1,), (1,)),
])
def test_windows_sum_matches_a_loop_and_is_the_transpose(shape, window, axis, step, dilation):
    params = {"window_shape": window, "axis": axis, "step": step, "dilation": dilation}
    x = _randn(*shape)
    view = bind(sliding_window_view_p, ft.array(x), **params)
    g = _randn(*view.shape)
    summed = bind(windows_sum_p, ft.array(g), shape=shape, **params)
    np.testing.assert_allclose(np.asarray(summed),
                               _loop_windows_sum(g, shape, window, axis, step, dilation))
    np.testing.assert_allclose(np.sum(np.asarray(view) * g), np.sum(x * np.asarray(summed)))


def test_windows_sum_is_not_public():
    assert not hasattr(ft, "windows_sum")
    assert "sliding_window_view" in ft.ops.__all__


# Derivatives ----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape, window, axis, step, dilation", [
    ((2, 3, 6, 5), (2, 3), (2, 3), (1, 2), (1, 1)),
    ((2, 3, 6, 5), (2, 3), (2, 3), (1, 1), (2, 1)),
    ((1, 2, 4, 4), (2, 2), (2, 3), (2, 2), (1, 1)),
    ((7,), 3, None, 2, 2),
    ((5, 4), (2, 2), (0, 0), 1, (1, 2)),
])
def test_gradients_to_second_order(shape, window, axis, step, dilation):
    x = ft.array(_randn(*shape))
    weights = ft.array(_randn(*ft.sliding_window_view(x, window, axis, step=step,
                                                      dilation=dilation).shape))

    def f(x):  # nonlinear, so that the second derivative is not zero
        windows = ft.sliding_window_view(x, window, axis, step=step, dilation=dilation)
        return ft.sum(ft.sin(windows) * weights)

    ft.testing.check_grads(f, (x,), order=2)
    ft.testing.check_grads(
        lambda x: ft.sliding_window_view(x, window, axis, step=step, dilation=dilation),
        (x,), order=2)


def test_transpose_gradients_to_second_order():
    params = {"window_shape": (2, 3), "axis": (2, 3), "step": (1, 2), "dilation": (2, 1)}
    g = ft.array(_randn(2, 3, 4, 2, 2, 3))
    ft.testing.check_grads(
        lambda g: ft.sin(bind(windows_sum_p, g, shape=(2, 3, 6, 5), **params)), (g,), order=2)


def test_grad_of_a_convolution_written_with_windows():
    x, w = ft.array(_randn(2, 3, 6, 6)), ft.array(_randn(4, 3, 3, 3))

    def conv(x, w):
        windows = ft.sliding_window_view(x, (3, 3), (2, 3), step=(2, 1), dilation=(1, 2))
        return ft.einsum("nchwij,ocij->nohw", windows, w)

    ft.testing.check_grads(conv, (x, w), order=2)
    expected = ft.nn.functional.conv2d(x, w, stride=(2, 1), dilation=(1, 2))
    np.testing.assert_allclose(np.asarray(conv(x, w)), np.asarray(expected), rtol=1e-12)


# Transforms -----------------------------------------------------------------------------------


@pytest.mark.parametrize("in_axis", [0, 1, 2])
def test_vmap_matches_a_loop(in_axis):
    xs = _randn(3, 6, 5)

    def f(x):
        return ft.sliding_window_view(x, (2, 2), (0, 1), step=(2, 1), dilation=(1, 2))

    got = ft.vmap(f, in_axes=in_axis)(ft.array(xs))
    expected = np.stack([np.asarray(f(ft.array(x))) for x in np.moveaxis(xs, in_axis, 0)])
    np.testing.assert_array_equal(np.asarray(got), expected)


def test_vmap_of_grad_matches_a_loop():
    xs = _randn(4, 2, 7)

    def loss(x):
        return ft.sum(ft.sliding_window_view(x, 3, 1, step=2) ** 2)

    got = ft.vmap(ft.grad(loss))(ft.array(xs))
    expected = np.stack([np.asarray(ft.grad(loss)(ft.array(x))) for x in xs])
    np.testing.assert_allclose(np.asarray(got), expected)


def test_jit():
    x = ft.array(_randn(2, 3, 6, 5))

    def loss(x):
        return ft.sum(ft.sliding_window_view(x, (2, 3), (2, 3), step=(1, 2)) ** 2)

    value, grad = ft.jit(ft.value_and_grad(loss))(x)
    expected_value, expected_grad = ft.value_and_grad(loss)(x)
    np.testing.assert_allclose(float(value), float(expected_value))
    np.testing.assert_allclose(np.asarray(grad), np.asarray(expected_grad))


# Errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("window, axis, kwargs, message", [
    ((7,), 1, {}, "cannot be larger than input array shape"),
    ((3,), 1, {"dilation": 3}, "dilated window extent 7"),
    ((2, 3), (0, 0), {}, "cannot be larger than input array shape"),
    ((2,), 1, {"step": 0}, "step and dilation must be positive"),
    ((2,), 1, {"dilation": 0}, "step and dilation must be positive"),
    ((-1,), 1, {}, "cannot contain negative values"),
    ((2, 2), 1, {}, "matching length window_shape and axis"),
    ((2,), None, {}, "since axis is `None`"),
    ((2,), 2, {}, "out of bounds"),
    ((2,), -3, {}, "out of bounds"),
    ((2, 2), (1, 1), {"step": (2, 1)}, "windowed more than once"),
    ((2, 2), (0, 1), {"step": (1, 1, 1)}, "one entry per window dimension"),
])
def test_errors(window, axis, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        ft.sliding_window_view(ft.zeros((3, 6)), window, axis, **kwargs)


def test_windows_sum_shape_error():
    params = {"window_shape": (2,), "axis": (0,), "step": (1,), "dilation": (1,)}
    with pytest.raises(ValueError, match=r"have shape \(4, 2\), got \(3, 2\)"):
        bind(windows_sum_p, ft.zeros((3, 2)), shape=(5,), **params)
