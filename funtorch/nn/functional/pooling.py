"""Max, average and adaptive average pooling over the strided window view of
``conv.windows`` (a reduction over the window axes; no loop over output positions).

``return_indices=True`` compares each window with its maximum and reduces a constant table
of the window elements' input-plane indices (NumPy, built from the geometry alone), so
the indices cost a few elementwise passes and work unchanged under every transform.
"""

from __future__ import annotations

import math
from typing import Any, Literal, Union, overload

import numpy as np

import funtorch as ft
from funtorch.nn.functional.conv import batched, ntuple, windows
from funtorch.nn.functional.pooling_docs import pool_doc
from funtorch.typing import Array, ArrayLike, ShapeLike

__all__ = ["max_pool1d", "max_pool2d", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "avg_pool1d", "avg_pool2d", "adaptive_avg_pool2d"]

_Size = Union[int, tuple[int, ...]]  # a window size, stride or dilation: one int or one per axis
_Pad = Union[int, tuple[int, ...], str]


def _pool_geometry(length, kernel, stride, padding, dilation, ceil_mode, fn):
    if padding * 2 > kernel:
        raise ValueError(f"{fn}: pad should be at most half of effective kernel size, but got "
                         f"pad={padding}, kernel_size={kernel}")
    span = length + 2 * padding - dilation * (kernel - 1) - 1
    size = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (size - 1) * stride >= length + padding:
        size -= 1
    if size < 1:
        raise ValueError(f"{fn}: output size is too small for input size {length}")
    extra = max(0, (size - 1) * stride + dilation * (kernel - 1) + 1 - (length + 2 * padding))
    return size, (padding, padding + extra)


def _pool(x, kernel_size, stride, padding, dilation, ceil_mode, nd, fill, fn):
    """``(cols, kernel, stride, padding, dilation, pads)``: ``cols`` is ``(N, C, K, *out)``
    with the ``K`` window elements in scan order (row-major over the kernel)."""
    kernel = ntuple(kernel_size, nd, "kernel_size", fn)
    stride = kernel if stride is None or stride == [] else ntuple(stride, nd, "stride", fn)
    padding, dilation = ntuple(padding, nd, "padding", fn), ntuple(dilation, nd, "dilation", fn)
    geometry = [_pool_geometry(length, k, s, p, d, ceil_mode, fn) for length, k, s, p, d
                in zip(x.shape[2:], kernel, stride, padding, dilation)]
    pads = tuple(g[1] for g in geometry)
    if any(p for pair in pads for p in pair):
        x = ft.pad(x, ((0, 0), (0, 0)) + pads, constant_values=fill)
    cols = windows(x, kernel, stride, dilation)  # (N, C, *kernel, *out)
    cols = ft.reshape(cols, x.shape[:2] + (math.prod(kernel),) + cols.shape[2 + nd:])
    return cols, kernel, stride, padding, dilation, pads


def _window_positions(spatial, kernel, stride, dilation, pads, out_sizes):
    """``(K, *out)`` int64: the flat input-plane index of every window element, ``-1``
    where the window covers padding."""
    nd = len(spatial)
    plane_strides = [math.prod(spatial[a + 1:]) for a in range(nd)]
    flat = np.zeros((1,) * (2 * nd), dtype=np.int64)
    valid = np.ones((1,) * (2 * nd), dtype=bool)
    for a in range(nd):
        pos = (np.arange(kernel[a])[:, None] * dilation[a]
               + np.arange(out_sizes[a])[None, :] * stride[a] - pads[a][0])
        shape = [1] * (2 * nd)
        shape[a], shape[nd + a] = kernel[a], out_sizes[a]
        pos = pos.reshape(shape)
        flat = flat + pos * plane_strides[a]
        valid = valid & (pos >= 0) & (pos < spatial[a])
    return np.where(valid, flat, -1).reshape((math.prod(kernel),) + tuple(out_sizes))


def _max_indices(cols, out, positions):
    """PyTorch's scan: the first maximum among the window's real (unpadded) elements, or
    the last NaN when the window holds one (every NaN replaces the running maximum).

    A real element's plane index grows along the scan order, so both are one ``min`` over
    the window axis of a key: the index at a maximum, ``-2 - index`` at a NaN (below
    every maximum, smallest for the last NaN), the largest int elsewhere. (An ``argmax``
    over that middle axis is ~10x slower in NumPy.)
    """
    small = positions.max(initial=0) < np.iinfo(np.int32).max - 2
    table = ft.asarray(positions.astype(np.int32) if small else positions, device=cols.device)
    hit = (cols == ft.expand_dims(out, 2)) & (table >= 0)
    key = ft.where(hit, table, np.iinfo(table.dtype).max)
    key = ft.min(ft.where(ft.isnan(cols), -2 - table, key), axis=2).astype(ft.int64)
    return ft.where(key < 0, -2 - key, key)


def _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices, nd, fn):
    x, unbatched = batched(x, nd, fn)
    cols, kernel, stride, _, dilation, pads = _pool(x, kernel_size, stride, padding, dilation,
                                                    ceil_mode, nd, -np.inf, fn)
    out = ft.max(cols, axis=2)  # over the window axes, flattened into one
    if not return_indices:
        return out[0] if unbatched else out
    positions = _window_positions(tuple(x.shape[2:]), kernel, stride, dilation, pads,
                                  tuple(out.shape[2:]))
    indices = _max_indices(ft.stop_gradient(cols), ft.stop_gradient(out), positions)
    return (out[0], indices[0]) if unbatched else (out, indices)


@overload
def max_pool1d(input: ArrayLike, kernel_size: _Size, stride: _Size | None = ...,
               padding: _Pad = ..., dilation: _Size = ..., ceil_mode: bool = ...,
               return_indices: Literal[False] = ...) -> Array: ...
@overload
def max_pool1d(input: ArrayLike, kernel_size: _Size, stride: _Size | None = ...,
               padding: _Pad = ..., dilation: _Size = ..., ceil_mode: bool = ..., *,
               return_indices: Literal[True]) -> tuple[Array, Array]: ...
@overload
def max_pool1d(input: ArrayLike, kernel_size: _Size, stride: _Size | None = ...,
               padding: _Pad = ..., dilation: _Size = ..., ceil_mode: bool = ...,
               return_indices: bool = ...) -> Any: ...


def max_pool1d(input: ArrayLike, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None,
               padding: int | tuple[int, ...] | str = 0, dilation: int | tuple[int, ...] = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                     1, "max_pool1d")


max_pool1d.__doc__ = pool_doc(
    max_pool1d, 'max', 1,
    'Max over sliding windows of the last axis: ``(N, C, L) -> (N, C, L_out)``.',
    ('>>> F.max_pool1d(ft.array([[[1.0, 3.0, 4.0, 2.0]]]), 2).tolist()\n'
     '[[[3.0, 4.0]]]'))


@overload
def max_pool2d(input: ArrayLike, kernel_size: _Size, stride: _Size | None = ...,
               padding: _Pad = ..., dilation: _Size = ..., ceil_mode: bool = ...,
               return_indices: Literal[False] = ...) -> Array: ...
@overload
def max_pool2d(input: ArrayLike, kernel_size: _Size, stride: _Size | None = ...,
               padding: _Pad = ..., dilation: _Size = ..., ceil_mode: bool = ..., *,
               return_indices: Literal[True]) -> tuple[Array, Array]: ...
@overload
def max_pool2d(input: ArrayLike, kernel_size: _Size, stride: _Size | None = ...,
               padding: _Pad = ..., dilation: _Size = ..., ceil_mode: bool = ...,
               return_indices: bool = ...) -> Any: ...


def max_pool2d(input: ArrayLike, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None,
               padding: int | tuple[int, ...] | str = 0, dilation: int | tuple[int, ...] = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                     2, "max_pool2d")


max_pool2d.__doc__ = pool_doc(
    max_pool2d, 'max', 2,
    ('Max over sliding 2-d windows: ``(N, C, H, W) -> (N, C, H_out, W_out)``.\n'
     '\n'
     "The indices are exactly PyTorch's (padding, stride, dilation and ``ceil_mode``\n"
     'included) and carry no gradient; the output is differentiable as usual.'),
    ('>>> out, idx = F.max_pool2d(ft.arange(16.0).reshape(1, 1, 4, 4), 2,\n'
     '...                         return_indices=True)\n'
     '>>> idx.tolist()\n'
     '[[[[5, 7], [13, 15]]]]'))


def max_pool1d_with_indices(input: ArrayLike, kernel_size: int | tuple[int, ...],
                            stride: int | tuple[int, ...] | None = None,
                            padding: int | tuple[int, ...] | str = 0,
                            dilation: int | tuple[int, ...] = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Array, Array]:
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


max_pool1d_with_indices.__doc__ = pool_doc(
    max_pool1d_with_indices, 'max_with_indices', 1,
    '``max_pool1d(..., return_indices=True)``: ``(output, indices)``.',
    ('>>> F.max_pool1d_with_indices(ft.array([[[1.0, 3.0, 4.0, 2.0]]]), 2)[1].tolist()\n'
     '[[[1, 2]]]'))


def max_pool2d_with_indices(input: ArrayLike, kernel_size: int | tuple[int, ...],
                            stride: int | tuple[int, ...] | None = None,
                            padding: int | tuple[int, ...] | str = 0,
                            dilation: int | tuple[int, ...] = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Array, Array]:
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


max_pool2d_with_indices.__doc__ = pool_doc(
    max_pool2d_with_indices, 'max_with_indices', 2,
    '``max_pool2d(..., return_indices=True)``: ``(output, indices)``.',
    ('>>> x = ft.arange(16.0).reshape(1, 1, 4, 4)\n'
     ">>> F.max_pool2d_with_indices(x, 2)[1].tolist()  # each window's bottom right\n"
     '[[[[5, 7], [13, 15]]]]'))


def _avg_divisor(length, size, kernel, stride, padding, count_include_pad):
    start = np.arange(size) * stride - padding
    end = np.minimum(start + kernel, length + padding)
    if count_include_pad:
        return end - start
    return np.minimum(end, length) - np.maximum(start, 0)


def _avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override,
              nd, fn):
    x, unbatched = batched(x, nd, fn)
    cols, kernel, stride, padding = _pool(x, kernel_size, stride, padding, 1, ceil_mode, nd,
                                          0.0, fn)[:4]
    total = ft.sum(cols, axis=2)
    if divisor_override:
        out = total / float(divisor_override)
    else:
        divisor = np.ones((), dtype=np.float64)
        for axis, (length, k, s, p) in enumerate(zip(x.shape[2:], kernel, stride, padding)):
            d = _avg_divisor(length, total.shape[2 + axis], k, s, p, count_include_pad)
            divisor = np.multiply.outer(divisor, d)
        out = total / ft.asarray(divisor.astype(x.dtype), device=x.device)
    return out[0] if unbatched else out


def avg_pool1d(input: ArrayLike, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None,
               padding: int | tuple[int, ...] | str = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Array:
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None,
                     1, "avg_pool1d")


avg_pool1d.__doc__ = pool_doc(
    avg_pool1d, 'avg', 1,
    'Mean over sliding windows of the last axis: ``(N, C, L) -> (N, C, L_out)``.',
    ('>>> F.avg_pool1d(ft.array([[[1.0, 3.0, 2.0, 4.0]]]), 2).tolist()\n'
     '[[[2.0, 3.0]]]'))


def avg_pool2d(input: ArrayLike, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None,
               padding: int | tuple[int, ...] | str = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Array:
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 2, "avg_pool2d")


avg_pool2d.__doc__ = pool_doc(
    avg_pool2d, 'avg', 2,
    ("Mean over sliding 2-d windows (PyTorch's divisor rules for padding and\n"
     '``ceil_mode``): ``(N, C, H, W) -> (N, C, H_out, W_out)``.'),
    ('>>> F.avg_pool2d(ft.arange(16.0).reshape(1, 1, 4, 4), 2).tolist()\n'
     '[[[[2.5, 4.5], [10.5, 12.5]]]]'))


def _adaptive_matrix(length, size, dtype):
    matrix = np.zeros((size, length), dtype=dtype)
    for i in range(size):
        start, end = (i * length) // size, -(-((i + 1) * length) // size)
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


def adaptive_avg_pool2d(input: ArrayLike, output_size: ShapeLike | None) -> Array:
    height, width = input.shape[-2:]
    out_h, out_w = ntuple(output_size, 2, "output_size") if not isinstance(
        output_size, (tuple, list)) else tuple(output_size)
    out_h, out_w = height if out_h is None else out_h, width if out_w is None else out_w
    rows = ft.asarray(_adaptive_matrix(height, out_h, input.dtype), device=input.device)
    cols = ft.asarray(_adaptive_matrix(width, out_w, input.dtype), device=input.device)
    return ft.einsum("...hw,ih,jw->...ij", input, rows, cols)


adaptive_avg_pool2d.__doc__ = pool_doc(
    adaptive_avg_pool2d, 'adaptive_avg', 2,
    ("Average over ``output_size`` adaptive windows (PyTorch's floor/ceil bounds):\n"
     '``(N, C, H, W) -> (N, C, H_out, W_out)``.'),
    ('>>> F.adaptive_avg_pool2d(ft.arange(6.0).reshape(1, 1, 2, 3), 1).tolist()\n'
     '[[[[2.5]]]]'))
