"""Torch spellings of the order statistics: ``sort``, ``topk``, ``kthvalue``, ``median``,
``mode``, ``cummax``... with torch's named tuples ``(values, indices)``.

Indices are computed without derivatives; values are the input gathered at those indices,
so the gradient reaches exactly the selected elements, as in torch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops.torch_args import as_array, one_dim, refuse_out, returns
from funtorch.ops.torch_reduce import _keep, _select
from funtorch.typing import Array, ArrayLike, Axis, ValuesIndices


def _scalar(name, x, dim):
    """torch's answer for a 0-d input: the value itself and index 0."""
    one_dim(dim, 0, name)
    return returns(name, x, ops.zeros((), dtype=np.int64))


def _input(name, input, out):  # noqa: A002
    refuse_out(name, out)
    return as_array(input)


def _argsort(x, axis, descending):
    """Stable argsort; descending keeps equal elements in their original order (torch's
    ``stable=True``) by sorting the reversed array and reversing back."""
    if not descending:
        return ops.argsort(x, axis=axis, stable=True)
    n = x.shape[axis]
    flipped = ops.argsort(ops.flip(x, axis), axis=axis, stable=True)
    return (n - 1) - ops.flip(flipped, axis)


def torch_sort(input, dim=-1, descending=False, stable=False, *, out=None):  # noqa: A002
    """Sort along ``dim``: a named tuple ``(values, indices)`` (torch).

    Example:
        >>> ft.sort(ft.array([3.0, 1.0, 2.0]), descending=True).indices
        array([0, 2, 1])
    """
    x = _input("sort", input, out)
    if not x.ndim:
        return _scalar("sort", x, dim)
    axis = one_dim(dim, x.ndim, "sort")
    index = ops.stop_gradient(_argsort(x, axis, descending))
    return returns("sort", ops.take_along_axis(x, index, axis), index)


def torch_argsort(input, dim=-1, descending=False, stable=False):  # noqa: A002
    """Indices that sort ``input`` along ``dim`` (torch)."""
    return torch_sort(input, dim, descending, stable).indices


def msort(input: ArrayLike, *, out: Any = None) -> Array:  # noqa: A002
    """Sort along the first dim (``torch.msort``).

    Args:
        input: an array-like of at least one dimension.
        out: unsupported (must be None).

    Returns:
        An array of ``input``'s shape and dtype, sorted along axis 0.

    Example:
        >>> ft.msort(ft.array([[2.0], [1.0]]))
        array([[1.],
               [2.]])
    """
    refuse_out("msort", out)
    return torch_sort(input, 0).values


def topk(input: ArrayLike, k: int, dim: Axis = -1, largest: bool = True, sorted: bool = True, *,
         out: Any = None) -> ValuesIndices:  # noqa: A002
    """The ``k`` largest (or smallest) elements along ``dim``: ``(values, indices)``.

    Args:
        input: an array-like.
        k: how many elements to keep (``0 <= k <= size`` of ``dim``).
        dim: the axis to select along.
        largest: the largest elements (True) or the smallest (False).
        sorted: accepted for torch compatibility; the result is always sorted.
        out: unsupported (must be None).

    Returns:
        A named tuple ``(values, indices)``, each of ``input``'s shape with ``dim`` of size
        ``k``; ``indices`` is int64.

    Raises:
        RuntimeError: ``k`` larger than the size of ``dim``.

    Example:
        >>> ft.topk(ft.array([1.0, 5.0, 3.0]), 2).values
        array([5., 3.])
    """
    x = _input("topk", input, out)
    axis = one_dim(dim, x.ndim, "topk")
    size = x.shape[axis] if x.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"topk(): selected index k out of range, got k={k} for a dim of "
                           f"size {size}")
    if not x.ndim:
        return _scalar("topk", x, dim)
    order = _argsort(x, axis, largest)
    index = ops.stop_gradient(ops.take(order, ops.arange(k), axis=axis))
    return returns("topk", ops.take_along_axis(x, index, axis), index)


def _sorted_pick(name, x, position, axis, keepdim):
    """``(values, indices)`` of the element at ``position`` of the sorted ``dim``."""
    order = _argsort(x, axis, False)
    index = ops.stop_gradient(ops.take_along_axis(order, position, axis))
    return returns(name, _select(x, index, axis, keepdim), _keep(index, axis, keepdim))


def _position(x, axis, value):
    shape = tuple(1 if i == axis else n for i, n in enumerate(x.shape))
    return ops.broadcast_to(ops.asarray(value, dtype=np.int64), shape)


def kthvalue(input: ArrayLike, k: int, dim: Axis = -1, keepdim: bool = False, *,  # noqa: A002
             out: Any = None) -> ValuesIndices:
    """The ``k``-th smallest element (1-based) along ``dim``: ``(values, indices)``.

    Args:
        input: an array-like.
        k: the rank of the element, from 1 (the smallest).
        dim: the axis to select along.
        keepdim: keep ``dim`` with size 1.
        out: unsupported (must be None).

    Returns:
        A named tuple ``(values, indices)``, ``input``'s shape without ``dim`` (size 1 with
        ``keepdim``); ``indices`` is int64.

    Raises:
        RuntimeError: ``k`` outside ``1..size`` of ``dim``.

    Example:
        >>> ft.kthvalue(ft.array([3.0, 1.0, 2.0]), 2).values.item()
        2.0
    """
    x = _input("kthvalue", input, out)
    if not x.ndim:
        return _scalar("kthvalue", x, dim)
    axis = one_dim(dim, x.ndim, "kthvalue")
    if not 1 <= k <= x.shape[axis]:
        raise RuntimeError(f"kthvalue(): selected number k out of range, got k={k} for a dim "
                           f"of size {x.shape[axis]}")
    return _sorted_pick("kthvalue", x, _position(x, axis, k - 1), axis, keepdim)


def _median(name, ignore_nan):
    def median(input, dim=None, keepdim=False, *, out=None):  # noqa: A002
        x = _input(name, input, out)
        if dim is None:
            flat = ops.reshape(x, (-1,))
            if not flat.shape[0]:
                return ops.full((), np.nan, dtype=x.dtype)
            return median(flat, 0).values
        if not x.ndim:
            return _scalar(name, x, dim)
        axis = one_dim(dim, x.ndim, name)
        if ignore_nan:
            count = ops.sum(ops.logical_not(ops.isnan(x)), axis=axis, keepdims=True)
            position = ops.maximum(count - 1, 0) // 2
        else:  # a NaN sorts last; torch's median is NaN then, and points at a NaN
            nan = ops.any(ops.isnan(x), axis=axis, keepdims=True)
            position = ops.where(nan, x.shape[axis] - 1, _position(x, axis,
                                                                   (x.shape[axis] - 1) // 2))
        return _sorted_pick(name, x, ops.stop_gradient(position), axis, keepdim)
    median.__name__ = median.__qualname__ = name
    median.__doc__ = (f"torch.{name}: the lower median (no averaging of the two middle "
                      f"values){' of the non-NaN elements' if ignore_nan else ''}; with "
                      f"``dim``, a named tuple ``(values, indices)``.\n\n    Example:\n"
                      f"        >>> ft.{name}(ft.array([1.0, 4.0, 2.0, 3.0]), dim=0).values"
                      f".item()\n        2.0")
    return median


torch_median = _median("median", False)
torch_nanmedian = _median("nanmedian", True)


def mode(input: ArrayLike, dim: Axis = -1, keepdim: bool = False, *,  # noqa: A002
         out: Any = None) -> ValuesIndices:
    """The most frequent value along ``dim`` (the smallest among equally frequent ones)
    and an index of it: ``(values, indices)``.

    Args:
        input: an array-like.
        dim: the axis to take the mode along.
        keepdim: keep ``dim`` with size 1.
        out: unsupported (must be None).

    Returns:
        A named tuple ``(values, indices)``, ``input``'s shape without ``dim`` (size 1 with
        ``keepdim``); ``indices`` (int64) points at the last occurrence of the value.

    Example:
        >>> ft.mode(ft.array([2.0, 1.0, 2.0])).values.item()
        2.0
    """
    x = _input("mode", input, out)
    if not x.ndim:
        return _scalar("mode", x, dim)
    axis = one_dim(dim, x.ndim, "mode")
    moved = ops.stop_gradient(ops.moveaxis(x, axis, -1))
    counts = ops.sum(ops.equal(moved[..., :, None], moved[..., None, :]), axis=-1)
    best = ops.max(counts, axis=-1, keepdims=True)
    big = ops.where(counts == best, moved, ops.max(moved, axis=-1, keepdims=True))
    value = ops.min(big, axis=-1, keepdims=True)
    n = moved.shape[-1]
    last = (n - 1) - ops.argmax(ops.flip(moved == value, -1), axis=-1, keepdims=True)
    index = ops.moveaxis(last, -1, axis)
    return returns("mode", _select(x, index, axis, keepdim), _keep(index, axis, keepdim))


def _doubling(x, axis, combine):
    """Inclusive scan along ``axis`` in ``ceil(log2(n))`` steps of ``combine(later,
    earlier)`` over whole arrays (Hillis-Steele); ``combine`` handles the padded head."""
    n, step = x.shape[axis], 1
    while step < n:
        head = ops.take(x, ops.arange(n - step), axis=axis)
        earlier = ops.concatenate([ops.take(x, ops.arange(step), axis=axis), head], axis=axis)
        valid = ops.arange(n) >= step
        x = combine(x, earlier, ops.reshape(valid, (n,) + (1,) * (x.ndim - axis - 1)))
        step *= 2
    return x


def _cumulative_extreme(name: str, better: Callable[..., Any]) -> Callable[..., ValuesIndices]:
    def cumulative(input: ArrayLike, dim: int, *, out: Any = None) -> ValuesIndices:  # noqa: A002
        x = _input(name, input, out)
        if not x.ndim:
            return _scalar(name, x, dim)
        axis = one_dim(dim, x.ndim, name)
        values = ops.stop_gradient(x)
        shape = tuple(n if i == axis else 1 for i, n in enumerate(x.shape))
        index = ops.broadcast_to(ops.reshape(ops.arange(x.shape[axis]), shape), x.shape)
        pair = ops.stack([ops.astype(values, np.float64), ops.astype(index, np.float64)])

        def combine(later, earlier, valid):
            take = ops.logical_and(valid, better(earlier[0], later[0]))
            return ops.where(take, earlier, later)
        index = ops.astype(_doubling(pair, axis + 1, combine)[1], np.int64)
        return returns(name, ops.take_along_axis(x, index, axis), index)
    cumulative.__name__ = cumulative.__qualname__ = name
    cumulative.__doc__ = (f"Running {name[3:]} along ``dim`` and the index where it was reached "
                          f"(the latest among ties, as torch): ``(values, indices)``.\n\n"
                          f"    Args:\n        input: an array-like.\n        dim: the axis to "
                          f"scan.\n        out: unsupported (must be None).\n\n    Returns:\n"
                          f"        A ``(values, indices)`` pair, each of ``input``'s shape; "
                          f"``indices`` is int64.\n\n"
                          f"    Example:\n        >>> ft.{name}(ft.array([1.0, 3.0, 2.0]), 0)"
                          f".indices.tolist()\n        "
                          f"{'[0, 1, 1]' if name == 'cummax' else '[0, 0, 0]'}")
    return cumulative


cummax = _cumulative_extreme("cummax", ops.greater)
cummin = _cumulative_extreme("cummin", ops.less)


def logcumsumexp(input: ArrayLike, dim: Axis, *, out: Any = None) -> Array:  # noqa: A002
    """``log(cumsum(exp(input)))`` along ``dim``, computed stably with ``logaddexp``.

    Args:
        input: an array-like; integer and bool inputs are computed in float32.
        dim: the axis to scan.
        out: unsupported (must be None).

    Returns:
        An array of ``input``'s shape, floating point.

    Example:
        >>> ft.logcumsumexp(ft.array([0.0, 0.0]), 0)
        array([0.       , 0.6931472])
    """
    x = _input("logcumsumexp", input, out)
    x = x if x.dtype.kind == "f" else ops.astype(x, np.float32)
    if not x.ndim:
        one_dim(dim, 0, "logcumsumexp")
        return x
    axis = one_dim(dim, x.ndim, "logcumsumexp")
    return _doubling(x, axis, lambda later, earlier, valid: ops.where(
        valid, ops.logaddexp(later, ops.where(valid, earlier, -np.inf)), later))


__all__ = ["msort", "topk", "kthvalue", "mode", "cummax", "cummin", "logcumsumexp"]
