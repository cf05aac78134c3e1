"""The remaining pooling functions: 3-d max/average pooling, adaptive average pooling of
1 and 3 dimensions, adaptive max pooling (with torch's indices), power-average (LP)
pooling and max unpooling.

Adaptive max pooling gathers every output's window from the flattened input plane with
one constant index table (``(K, *out)``, ``K`` the largest window; shorter windows are
padded with ``-inf``), so it is one ``take`` and one ``max``, no loop over outputs. Max
unpooling is one scatter into a zero plane.
"""

from __future__ import annotations

import math
from typing import Any, Literal, overload

import numpy as np

import funtorch as ft
from funtorch.nn.functional.conv import batched, ntuple
from funtorch.nn.functional.pooling import (_Pad, _Size, _adaptive_matrix, _avg_pool,
                                            _max_indices, _max_pool)
from funtorch.typing import Array, ArrayLike, ShapeLike

__all__ = ["max_pool3d", "max_pool3d_with_indices", "avg_pool3d", "adaptive_avg_pool1d",
           "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
           "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices",
           "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d",
           "max_unpool3d"]


@overload
def max_pool3d(input: ArrayLike, kernel_size: _Size, stride: _Size | None = ...,
               padding: _Pad = ..., dilation: _Size = ..., ceil_mode: bool = ...,
               return_indices: Literal[False] = ...) -> Array: ...
@overload
def max_pool3d(input: ArrayLike, kernel_size: _Size, stride: _Size | None = ...,
               padding: _Pad = ..., dilation: _Size = ..., ceil_mode: bool = ..., *,
               return_indices: Literal[True]) -> tuple[Array, Array]: ...
@overload
def max_pool3d(input: ArrayLike, kernel_size: _Size, stride: _Size | None = ...,
               padding: _Pad = ..., dilation: _Size = ..., ceil_mode: bool = ...,
               return_indices: bool = ...) -> Any: ...


def max_pool3d(input: ArrayLike, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None,
               padding: int | tuple[int, ...] | str = 0, dilation: int | tuple[int, ...] = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over sliding 3-d windows of an ``(N, C, D, H, W)`` (or unbatched) input.

    Example:
        >>> F.max_pool3d(ft.randn(1, 2, 4, 4, 4), 2).shape
        (1, 2, 2, 2, 2)
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                     3, "max_pool3d")


def max_pool3d_with_indices(input: ArrayLike, kernel_size: int | tuple[int, ...],
                            stride: int | tuple[int, ...] | None = None,
                            padding: int | tuple[int, ...] | str = 0,
                            dilation: int | tuple[int, ...] = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Array, Array]:
    """:func:`max_pool3d` returning ``(out, indices)``.

    Example:
        >>> F.max_pool3d_with_indices(ft.ones((1, 1, 4, 4, 4)), 2)[1].shape
        (1, 1, 2, 2, 2)
    """
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool3d(input: ArrayLike, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None,
               padding: int | tuple[int, ...] | str = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Array:
    """Mean over sliding 3-d windows (torch's divisor rules).

    Example:
        >>> F.avg_pool3d(ft.ones((1, 1, 4, 4, 4)), 2).shape
        (1, 1, 2, 2, 2)
    """
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 3, "avg_pool3d")


def _output_size(output_size, spatial, fn):
    nd = len(spatial)
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (
        output_size,) * nd
    if len(sizes) != nd:
        raise ValueError(f"{fn}: output_size must have {nd} elements, got {output_size!r}")
    return tuple(n if s is None else int(s) for s, n in zip(sizes, spatial))


def _adaptive_avg(input, output_size, nd, fn):
    x, unbatched = batched(input, nd, fn)
    sizes = _output_size(output_size, tuple(x.shape[2:]), fn)
    letters = "dhw"[3 - nd:]
    mats = [ft.asarray(_adaptive_matrix(n, s, x.dtype), device=x.device)
            for n, s in zip(x.shape[2:], sizes)]
    spec = "nc" + letters + "," + ",".join(f"{o}{i}" for o, i in zip("xyz", letters))
    out = ft.einsum(spec + "->nc" + "xyz"[:nd], x, *mats)
    return out[0] if unbatched else out


def adaptive_avg_pool1d(input: ArrayLike, output_size: ShapeLike | None) -> Array:
    """Average over ``output_size`` adaptive windows of the last axis.

    Example:
        >>> F.adaptive_avg_pool1d(ft.ones((2, 3, 7)), 3).shape
        (2, 3, 3)
    """
    return _adaptive_avg(input, output_size, 1, "adaptive_avg_pool1d")


def adaptive_avg_pool3d(input: ArrayLike, output_size: ShapeLike | None) -> Array:
    """Average over adaptive 3-d windows (``None`` keeps an axis's size).

    Example:
        >>> F.adaptive_avg_pool3d(ft.ones((1, 2, 5, 4, 3)), (2, None, 1)).shape
        (1, 2, 2, 4, 1)
    """
    return _adaptive_avg(input, output_size, 3, "adaptive_avg_pool3d")


def _adaptive_positions(spatial, sizes):
    """``(K, *out)`` flat plane indices of each adaptive window's elements, ``-1`` in the
    padding of windows shorter than the longest."""
    nd = len(spatial)
    plane_strides = [math.prod(spatial[a + 1:]) for a in range(nd)]
    tables, widths = [], []
    for length, size in zip(spatial, sizes):
        i = np.arange(size)
        start, end = (i * length) // size, -(-((i + 1) * length) // size)
        width = int((end - start).max())
        pos = start[None, :] + np.arange(width)[:, None]
        tables.append(np.where(pos < end[None, :], pos, -1))
        widths.append(width)
    flat = np.zeros((1,) * (2 * nd), dtype=np.int64)
    valid = np.ones((1,) * (2 * nd), dtype=bool)
    for a, table in enumerate(tables):
        shape = [1] * (2 * nd)
        shape[a], shape[nd + a] = table.shape
        table = table.reshape(shape)
        flat = flat + table * plane_strides[a]
        valid = valid & (table >= 0)
    return np.where(valid, flat, -1).reshape((math.prod(widths),) + tuple(sizes))


def _adaptive_max(input, output_size, return_indices, nd, fn):
    x, unbatched = batched(input, nd, fn)
    spatial = tuple(x.shape[2:])
    positions = _adaptive_positions(spatial, _output_size(output_size, spatial, fn))
    plane = ft.reshape(x, tuple(x.shape[:2]) + (-1,))
    gathered = ft.take(plane, ft.asarray(np.maximum(positions, 0), device=x.device), axis=2)
    cols = ft.where(ft.asarray(positions >= 0, device=x.device), gathered, -np.inf)
    out = ft.max(cols, axis=2)
    if not return_indices:
        return out[0] if unbatched else out
    indices = _max_indices(ft.stop_gradient(cols), ft.stop_gradient(out), positions)
    return (out[0], indices[0]) if unbatched else (out, indices)


@overload
def adaptive_max_pool1d(input: ArrayLike, output_size: ShapeLike | None,
                        return_indices: Literal[False] = ...) -> Array: ...
@overload
def adaptive_max_pool1d(input: ArrayLike, output_size: ShapeLike | None, *,
                        return_indices: Literal[True]) -> tuple[Array, Array]: ...
@overload
def adaptive_max_pool1d(input: ArrayLike, output_size: ShapeLike | None,
                        return_indices: bool = ...) -> Any: ...


def adaptive_max_pool1d(input: ArrayLike, output_size: ShapeLike | None,
                        return_indices: bool = False) -> Any:
    """Max over ``output_size`` adaptive windows of the last axis (``return_indices``:
    also torch's int64 positions of the maxima).

    Example:
        >>> F.adaptive_max_pool1d(ft.randn(2, 3, 7), 3).shape
        (2, 3, 3)
    """
    return _adaptive_max(input, output_size, return_indices, 1, "adaptive_max_pool1d")


@overload
def adaptive_max_pool2d(input: ArrayLike, output_size: ShapeLike | None,
                        return_indices: Literal[False] = ...) -> Array: ...
@overload
def adaptive_max_pool2d(input: ArrayLike, output_size: ShapeLike | None, *,
                        return_indices: Literal[True]) -> tuple[Array, Array]: ...
@overload
def adaptive_max_pool2d(input: ArrayLike, output_size: ShapeLike | None,
                        return_indices: bool = ...) -> Any: ...


def adaptive_max_pool2d(input: ArrayLike, output_size: ShapeLike | None,
                        return_indices: bool = False) -> Any:
    """Max over adaptive 2-d windows. Example: ``F.adaptive_max_pool2d(x, (2, 3))``.

    Example:
        >>> F.adaptive_max_pool2d(ft.ones((1, 1, 5, 7)), (2, 3)).shape
        (1, 1, 2, 3)
    """
    return _adaptive_max(input, output_size, return_indices, 2, "adaptive_max_pool2d")


@overload
def adaptive_max_pool3d(input: ArrayLike, output_size: ShapeLike | None,
                        return_indices: Literal[False] = ...) -> Array: ...
@overload
def adaptive_max_pool3d(input: ArrayLike, output_size: ShapeLike | None, *,
                        return_indices: Literal[True]) -> tuple[Array, Array]: ...
@overload
def adaptive_max_pool3d(input: ArrayLike, output_size: ShapeLike | None,
                        return_indices: bool = ...) -> Any: ...


def adaptive_max_pool3d(input: ArrayLike, output_size: ShapeLike | None,
                        return_indices: bool = False) -> Any:
    """Max over adaptive 3-d windows. Example: ``F.adaptive_max_pool3d(x, 2)``.

    Example:
        >>> F.adaptive_max_pool3d(ft.ones((1, 1, 5, 5, 5)), 2).shape
        (1, 1, 2, 2, 2)
    """
    return _adaptive_max(input, output_size, return_indices, 3, "adaptive_max_pool3d")


def adaptive_max_pool1d_with_indices(input: ArrayLike, output_size: ShapeLike | None,
                                     return_indices: bool = True) -> tuple[Array, Array]:
    """:func:`adaptive_max_pool1d` returning ``(out, indices)``.

    Example:
        >>> out, idx = F.adaptive_max_pool1d_with_indices(ft.array([[[1.0, 3.0, 2.0, 0.0]]]), 2)
        >>> out.tolist(), idx.tolist()
        ([[[3.0, 2.0]]], [[[1, 2]]])
    """
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input: ArrayLike, output_size: ShapeLike | None,
                                     return_indices: bool = True) -> tuple[Array, Array]:
    """:func:`adaptive_max_pool2d` returning ``(out, indices)``.

    Example:
        >>> x = ft.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.adaptive_max_pool2d_with_indices(x, 2)[1].tolist()
        [[[[5, 7], [13, 15]]]]
    """
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input: ArrayLike, output_size: ShapeLike | None,
                                     return_indices: bool = True) -> tuple[Array, Array]:
    """:func:`adaptive_max_pool3d` returning ``(out, indices)``.

    Example:
        >>> F.adaptive_max_pool3d_with_indices(ft.ones((1, 1, 4, 4, 4)), 2)[1].shape
        (1, 1, 2, 2, 2)
    """
    return adaptive_max_pool3d(input, output_size, True)


def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, nd, fn):
    kernel = ntuple(kernel_size, nd, "kernel_size", fn)
    p = float(norm_type)
    mean = _avg_pool(input ** p, kernel, stride, 0, ceil_mode, True, None, nd, fn)
    total = ft.sign(mean) * ft.relu(ft.abs(mean)) * math.prod(kernel)
    return total ** (1.0 / p)


def lp_pool1d(input: ArrayLike, norm_type: float, kernel_size: int | tuple[int, ...],
              stride: int | tuple[int, ...] | None = None, ceil_mode: bool = False) -> Array:
    """``(sum of x^p over each window) ** (1/p)`` along the last axis (torch's formula).

    Example:
        >>> F.lp_pool1d(ft.ones((1, 2, 6)), 2, 3).shape
        (1, 2, 2)
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1, "lp_pool1d")


def lp_pool2d(input: ArrayLike, norm_type: float, kernel_size: int | tuple[int, ...],
              stride: int | tuple[int, ...] | None = None, ceil_mode: bool = False) -> Array:
    """Power-average pooling over 2-d windows. Example: ``F.lp_pool2d(x, 2, 2)``.

    Example:
        >>> F.lp_pool2d(ft.ones((1, 1, 4, 4)), 2, 2).tolist()  # sqrt(4 * 1)
        [[[[2.0, 2.0], [2.0, 2.0]]]]
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2, "lp_pool2d")


def lp_pool3d(input: ArrayLike, norm_type: float, kernel_size: int | tuple[int, ...],
              stride: int | tuple[int, ...] | None = None, ceil_mode: bool = False) -> Array:
    """Power-average pooling over 3-d windows. Example: ``F.lp_pool3d(x, 2, 2)``.

    Example:
        >>> F.lp_pool3d(ft.ones((1, 1, 2, 2, 2)), 2, 2).tolist()  # sqrt(8)
        [[[[[2.8284]]]]]
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3, "lp_pool3d")


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, nd, fn):
    x, unbatched = batched(input, nd, fn)
    if tuple(indices.shape) != tuple(input.shape):
        raise ValueError(f"{fn}: indices of shape {tuple(indices.shape)} must match the "
                         f"input's shape {tuple(input.shape)}")
    idx = indices[None] if unbatched else indices
    kernel = ntuple(kernel_size, nd, "kernel_size", fn)
    stride = kernel if stride is None else ntuple(stride, nd, "stride", fn)
    padding = ntuple(padding, nd, "padding", fn)
    if output_size is None:
        sizes = tuple((n - 1) * s - 2 * p + k for n, s, p, k
                      in zip(x.shape[2:], stride, padding, kernel))
    else:
        sizes = tuple(int(n) for n in tuple(output_size)[-nd:])
    batch, channels = x.shape[:2]
    planes = batch * channels
    rows = ft.asarray(np.arange(planes)[:, None], device=x.device)
    flat_idx = ft.reshape(idx, (planes, -1))
    plane = ft.zeros((planes, math.prod(sizes)), dtype=x.dtype, device=x.device)
    out = plane.at[rows, flat_idx].set(ft.reshape(x, (planes, -1)))
    out = ft.reshape(out, (batch, channels) + sizes)
    return out[0] if unbatched else out


def max_unpool1d(input: ArrayLike, indices: ArrayLike, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None,
                 padding: int | tuple[int, ...] | str = 0,
                 output_size: ShapeLike | None = None) -> Array:
    """Place each value at its max-pool index in a zero array (the inverse of
    ``max_pool1d(..., return_indices=True)``).

    Example:
        >>> out, idx = F.max_pool1d(ft.randn(1, 2, 6), 2, return_indices=True)
        >>> F.max_unpool1d(out, idx, 2).shape
        (1, 2, 6)
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1,
                       "max_unpool1d")


def max_unpool2d(input: ArrayLike, indices: ArrayLike, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None,
                 padding: int | tuple[int, ...] | str = 0,
                 output_size: ShapeLike | None = None) -> Array:
    """The inverse of ``max_pool2d(..., return_indices=True)``. Example: see max_unpool1d.

    Example:
        >>> out, idx = F.max_pool2d(ft.arange(16.0).reshape(1, 1, 4, 4), 2, return_indices=True)
        >>> F.max_unpool2d(out, idx, 2)[0, 0, 1].tolist()  # 5 and 7 back in place
        [0.0, 5.0, 0.0, 7.0]
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2,
                       "max_unpool2d")


def max_unpool3d(input: ArrayLike, indices: ArrayLike, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None,
                 padding: int | tuple[int, ...] | str = 0,
                 output_size: ShapeLike | None = None) -> Array:
    """The inverse of ``max_pool3d(..., return_indices=True)``. Example: see max_unpool1d.

    Example:
        >>> out, idx = F.max_pool3d(ft.ones((1, 1, 2, 2, 2)), 2, return_indices=True)
        >>> F.max_unpool3d(out, idx, 2).shape
        (1, 1, 2, 2, 2)
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3,
                       "max_unpool3d")
