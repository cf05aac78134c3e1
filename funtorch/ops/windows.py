"""Sliding windows: ``sliding_window_view`` and its transpose, two linear primitives.

``sliding_window_view`` is a zero-copy strided view (NumPy's semantics: the window axes
are appended at the end), extended with a ``step`` between windows and a ``dilation``
inside them. Its transpose, ``windows_sum``, adds every window element back where it came
from: one strided slice-add per window *offset* (``prod(window_shape)`` of them), never a
loop over window positions. Each one's VJP and JVP is the other (or itself), so both are
differentiable to any order; together they are the im2col of convolutions and pooling.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.buffer_vjp import bind_buffers
from funtorch.typing import Array, ArrayLike, Axis, ShapeLike

__all__ = ["sliding_window_view"]


def _span(window, dilation):
    """Extent of a (dilated) window along its axis; an empty window covers nothing."""
    return dilation * (window - 1) + 1 if window else 0


def _geometry(shape, window_shape, axis, step, dilation, fn="sliding_window_view"):
    """The windowed axes' sizes, ``shape`` with each windowed axis shrunk to the number of
    window positions along it; raises the clear error for bad parameters."""
    ndim = len(shape)
    if not len(window_shape) == len(axis) == len(step) == len(dilation):
        raise ValueError(f"{fn}: window_shape {window_shape}, axis {axis}, step {step} and "
                         f"dilation {dilation} must have one entry per windowed axis")
    sizes = list(shape)
    for w, a, s, d in zip(window_shape, axis, step, dilation):
        if not 0 <= a < ndim:
            raise ValueError(f"{fn}: axis {a} is out of bounds for an array of dimension {ndim}")
        if w < 0:
            raise ValueError(f"{fn}: `window_shape` cannot contain negative values, got "
                             f"{window_shape}")
        if s < 1 or d < 1:
            raise ValueError(f"{fn}: step and dilation must be positive integers, got "
                             f"step={step}, dilation={dilation}")
        if s != 1 and axis.count(a) > 1:
            raise ValueError(f"{fn}: a step other than 1 along axis {a}, which is windowed "
                             f"more than once (axis={axis}), is ambiguous")
        span = _span(w, d)
        if sizes[a] < span:
            what = "window shape" if d == 1 else f"dilated window extent {span}"
            raise ValueError(f"{fn}: {what} cannot be larger than input array shape: window "
                             f"{w} (dilation {d}) along axis {a} of size {sizes[a]} (input "
                             f"shape {tuple(shape)})")
        sizes[a] = (sizes[a] - span) // s + 1
    return tuple(sizes)


def _out_shape(shape, window_shape, axis, step, dilation):
    return _geometry(shape, window_shape, axis, step, dilation) + tuple(window_shape)


# The view ------------------------------------------------------------------------------


def _view_impl(xp, x, window_shape, axis, step, dilation):
    shape = _out_shape(x.shape, window_shape, axis, step, dilation)
    strides = list(x.strides)
    for a, s in zip(axis, step):
        strides[a] *= s
    strides += [x.strides[a] * d for a, d in zip(axis, dilation)]
    if xp is np:  # read-only, as NumPy's own sliding_window_view
        return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=False)
    return xp.lib.stride_tricks.as_strided(x, shape, tuple(strides))


def _view_shape(x, window_shape, axis, step, dilation):
    return _out_shape(x.shape, window_shape, axis, step, dilation), x.dtype


def _view_vjp(g, ans, x, window_shape, axis, step, dilation, bind=bind):
    return bind(windows_sum_p, g, shape=tuple(x.shape), window_shape=window_shape, axis=axis,
                step=step, dilation=dilation)


def _view_jvp(t, ans, x, window_shape, axis, step, dilation):
    return bind(sliding_window_view_p, t, window_shape=window_shape, axis=axis, step=step,
                dilation=dilation)


def _view_batch(args, bdims, window_shape, axis, step, dilation):
    x = R.move_bdim(args[0], bdims[0])
    return bind(sliding_window_view_p, x, window_shape=window_shape,
                axis=tuple(a + 1 for a in axis), step=step, dilation=dilation), 0


_CASES = (  # (input shape, params) of the generated tests
    ((2, 3, 6, 5), {"window_shape": (2, 3), "axis": (2, 3), "step": (1, 2), "dilation": (1, 1)}),
    ((2, 3, 6, 5), {"window_shape": (2, 3), "axis": (2, 3), "step": (1, 1), "dilation": (2, 1)}),
    ((2, 7), {"window_shape": (3,), "axis": (1,), "step": (2,), "dilation": (2,)}),
    ((5, 4), {"window_shape": (2, 2), "axis": (0, 0), "step": (1, 1), "dilation": (1, 2)}),
    ((3, 4), {"window_shape": (2, 4), "axis": (0, 1), "step": (1, 1), "dilation": (1, 1)}),
)


def _view_samples(s):
    shape, params = s.choice(_CASES)
    return (s.array(shape),), dict(params)


sliding_window_view_p = Primitive(
    "sliding_window_view", _view_impl, shape=_view_shape, vjp=(_view_vjp,), jvp=(_view_jvp,),
    vjp_buf=(functools.partial(_view_vjp, bind=bind_buffers),),
    batch=_view_batch, samples=_view_samples, torch_name="SlidingWindowView", complex=True)


# Its transpose ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _tiling(size, count, window, step, dilation):
    """``(disjoint, covering)``: whether no two windows along an axis share an element, and
    whether they also cover all ``size`` elements (pooling with stride == kernel)."""
    taken = (np.arange(count)[:, None] * step + np.arange(window) * dilation).ravel()
    disjoint = len(np.unique(taken)) == taken.size
    return disjoint, disjoint and taken.size == size


def _sum_impl(xp, g, shape, window_shape, axis, step, dilation):
    positions = _geometry(shape, window_shape, axis, step, dilation)
    disjoint = covering = len(set(axis)) == len(axis)
    for a, w, s, d in zip(axis, window_shape, step, dilation) if disjoint else ():
        one, full = _tiling(shape[a], positions[a], w, s, d)
        disjoint, covering = disjoint and one, covering and full
    # windows that never overlap are assigned (2.5x faster than adding into zeros)
    out = (xp.empty if covering else xp.zeros)(shape, dtype=g.dtype)
    steps = [1] * len(shape)
    for a, s in zip(axis, step):
        steps[a] = s
    for offsets in itertools.product(*(range(w) for w in window_shape)):
        starts = [0] * len(shape)
        for a, o, d in zip(axis, offsets, dilation):
            starts[a] += o * d
        index = tuple(slice(b, b + s * (n - 1) + 1, s) if b or s != 1 or n != size
                      else slice(None)
                      for b, s, n, size in zip(starts, steps, positions, shape))
        if disjoint:
            out[index] = g[(Ellipsis,) + offsets]
        else:
            out[index] += g[(Ellipsis,) + offsets]
    return out


def _sum_shape(g, shape, window_shape, axis, step, dilation):
    expected = _out_shape(shape, window_shape, axis, step, dilation)
    if tuple(g.shape) != expected:
        raise ValueError(f"windows_sum: windows of an array of shape {tuple(shape)} (window "
                         f"{window_shape}, axis {axis}, step {step}, dilation {dilation}) have "
                         f"shape {expected}, got {tuple(g.shape)}")
    return tuple(shape), g.dtype


def _sum_vjp(g, ans, windows, shape, window_shape, axis, step, dilation, bind=bind):
    return bind(sliding_window_view_p, g, window_shape=window_shape, axis=axis, step=step,
                dilation=dilation)


def _sum_jvp(t, ans, windows, shape, window_shape, axis, step, dilation):
    return bind(windows_sum_p, t, shape=shape, window_shape=window_shape, axis=axis,
                step=step, dilation=dilation)


def _sum_batch(args, bdims, shape, window_shape, axis, step, dilation):
    g = R.move_bdim(args[0], bdims[0])
    return bind(windows_sum_p, g, shape=(g.shape[0],) + tuple(shape),
                window_shape=window_shape, axis=tuple(a + 1 for a in axis), step=step,
                dilation=dilation), 0


def _sum_samples(s):
    (x,), params = _view_samples(s)
    return (s.array(_out_shape(x.shape, **params)),), dict(params, shape=tuple(x.shape))


windows_sum_p = Primitive(
    "windows_sum", _sum_impl, shape=_sum_shape, vjp=(_sum_vjp,), jvp=(_sum_jvp,),
    vjp_buf=(functools.partial(_sum_vjp, bind=bind_buffers),),
    batch=_sum_batch, samples=_sum_samples, torch_name="WindowsSum", complex=True)


# The public function ------------------------------------------------------------------------


def _ints(value, n, what):
    """``value`` (an int, or a sequence of ``n`` ints; None -> 1) as a tuple of ``n`` ints."""
    if value is None:
        return (1,) * n
    if np.iterable(value):
        value = tuple(int(v) for v in value)
        if len(value) != n:
            raise ValueError(f"sliding_window_view: {what} must be an int or have one entry "
                             f"per window dimension ({n}), got {value}")
        return value
    return (int(value),) * n


def sliding_window_view(x: ArrayLike, window_shape: ShapeLike, axis: Axis = None, *,
                        step: ArrayLike | None = None,
                        dilation: int | tuple[int, ...] | None = None) -> Array:
    """A read-only, zero-copy view of the sliding windows of ``x`` (NumPy's
    ``numpy.lib.stride_tricks.sliding_window_view``): the window axes are appended at
    the end, in the order of ``window_shape``.

    Args:
        x: the array.
        window_shape: size of the window along each windowed axis (an int for one axis).
        axis: the windowed axes (an axis may repeat, as in NumPy); ``None``: all axes,
            so ``window_shape`` then needs one entry per axis of ``x``.
        step: distance between neighbouring windows along each windowed axis (the stride
            of a convolution; default 1); an int applies to every windowed axis.
        dilation: spacing of the elements inside a window (default 1).

    Returns:
        An array of ``x``'s dtype: ``x``'s shape with each windowed axis of length ``n``
        cut to the number of windows, ``(n - dilation * (w - 1) - 1) // step + 1``, followed
        by the window axes ``window_shape``.

    Raises:
        ValueError: mismatched lengths of ``window_shape`` and ``axis``, negative window
            sizes, a (dilated) window larger than its axis, non-positive step or dilation.

    Example:
        >>> ft.sliding_window_view(ft.arange(6), 3).tolist()
        [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]
        >>> ft.sliding_window_view(ft.arange(7), 2, step=3, dilation=2).tolist()
        [[0, 2], [3, 5]]
    """
    x = R.as_array(x)
    window_shape = tuple(int(w) for w in window_shape) if np.iterable(window_shape) \
        else (int(window_shape),)
    if axis is None:
        if len(window_shape) != x.ndim:
            raise ValueError(f"sliding_window_view: since axis is `None`, must provide "
                             f"window_shape for all dimensions of `x`; got {len(window_shape)} "
                             f"window_shape elements and `x.ndim` is {x.ndim}")
        axis = tuple(range(x.ndim))
    else:
        axes = tuple(axis) if np.iterable(axis) else (axis,)
        if len(window_shape) != len(axes):
            raise ValueError(f"sliding_window_view: must provide matching length window_shape "
                             f"and axis; got {len(window_shape)} window_shape elements and "
                             f"{len(axes)} axes elements")
        for a in axes:
            if not -x.ndim <= a < x.ndim:
                raise ValueError(f"sliding_window_view: axis {a} is out of bounds for an array "
                                 f"of dimension {x.ndim}")
        axis = tuple(int(a) % x.ndim for a in axes)
    n = len(window_shape)
    params = {"window_shape": window_shape, "axis": axis, "step": _ints(step, n, "step"),
              "dilation": _ints(dilation, n, "dilation")}
    _geometry(tuple(x.shape), **params)
    return bind(sliding_window_view_p, x, **params)
