"""The remaining pooling functions: 3-d max/average pooling, adaptive average pooling of
1 and 3 dimensions, adaptive max pooling (with torch's indices), power-average (LP)
pooling and max unpooling.

Adaptive max pooling gathers every output's window from the flattened input plane with
one constant index table (``(K, *out)``, ``K`` the largest window; shorter windows are
padded with ``-inf``), so it is one ``take`` and one ``max``, no loop over outputs. LP
pooling and max unpooling are in ``pooling_lp_unpool.py`` (re-exported here).
"""

from __future__ import annotations

import math
from typing import Any, Literal, overload

import numpy as np

import funtorch as ft
from funtorch.nn.functional.conv import batched
from funtorch.nn.functional.pooling import (_Pad, _Size, _adaptive_matrix, _avg_pool,
                                            _max_indices, _max_pool)
from funtorch.nn.functional.pooling_docs import pool_doc
from funtorch.nn.functional.pooling_lp_unpool import (lp_pool1d, lp_pool2d, lp_pool3d,
                                                      max_unpool1d, max_unpool2d, max_unpool3d)
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
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                     3, "max_pool3d")


max_pool3d.__doc__ = pool_doc(
    max_pool3d, 'max', 3,
    'Max over sliding 3-d windows: ``(N, C, D, H, W) -> (N, C, D_out, H_out, W_out)``.',
    ('>>> x = ft.arange(8.0).reshape(1, 1, 2, 2, 2)\n'
     '>>> F.max_pool3d(x, 2).tolist()\n'
     '[[[[[7.0]]]]]'))


def max_pool3d_with_indices(input: ArrayLike, kernel_size: int | tuple[int, ...],
                            stride: int | tuple[int, ...] | None = None,
                            padding: int | tuple[int, ...] | str = 0,
                            dilation: int | tuple[int, ...] = 1, ceil_mode: bool = False,
                            return_indices: bool = True) -> tuple[Array, Array]:
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


max_pool3d_with_indices.__doc__ = pool_doc(
    max_pool3d_with_indices, 'max_with_indices', 3,
    ':func:`max_pool3d` returning ``(out, indices)``.',
    ('>>> x = ft.arange(8.0).reshape(1, 1, 2, 2, 2)\n'
     '>>> F.max_pool3d_with_indices(x, 2)[1].tolist()  # d * H * W + h * W + w\n'
     '[[[[[7]]]]]'))


def avg_pool3d(input: ArrayLike, kernel_size: int | tuple[int, ...],
               stride: int | tuple[int, ...] | None = None,
               padding: int | tuple[int, ...] | str = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Array:
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 3, "avg_pool3d")


avg_pool3d.__doc__ = pool_doc(
    avg_pool3d, 'avg', 3,
    ("Mean over sliding 3-d windows (torch's divisor rules):\n"
     '``(N, C, D, H, W) -> (N, C, D_out, H_out, W_out)``.'),
    ('>>> x = ft.arange(8.0).reshape(1, 1, 2, 2, 2)\n'
     '>>> F.avg_pool3d(x, 2).tolist()\n'
     '[[[[[3.5]]]]]'))


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
    return _adaptive_avg(input, output_size, 1, "adaptive_avg_pool1d")


adaptive_avg_pool1d.__doc__ = pool_doc(
    adaptive_avg_pool1d, 'adaptive_avg', 1,
    ('Average over ``output_size`` adaptive windows of the last axis:\n'
     '``(N, C, L) -> (N, C, L_out)``.'),
    ('>>> x = ft.array([[[1.0, 2.0, 3.0, 4.0, 5.0]]])\n'
     '>>> F.adaptive_avg_pool1d(x, 2).tolist()  # windows [0, 3) and [2, 5)\n'
     '[[[2.0, 4.0]]]'))


def adaptive_avg_pool3d(input: ArrayLike, output_size: ShapeLike | None) -> Array:
    return _adaptive_avg(input, output_size, 3, "adaptive_avg_pool3d")


adaptive_avg_pool3d.__doc__ = pool_doc(
    adaptive_avg_pool3d, 'adaptive_avg', 3,
    ("Average over adaptive 3-d windows (``None`` keeps an axis's size):\n"
     '``(N, C, D, H, W) -> (N, C, D_out, H_out, W_out)``.'),
    ('>>> F.adaptive_avg_pool3d(ft.ones((1, 2, 5, 4, 3)), (2, None, 1)).shape\n'
     '(1, 2, 2, 4, 1)'))


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
    return _adaptive_max(input, output_size, return_indices, 1, "adaptive_max_pool1d")


adaptive_max_pool1d.__doc__ = pool_doc(
    adaptive_max_pool1d, 'adaptive_max', 1,
    ('Max over ``output_size`` adaptive windows of the last axis:\n'
     '``(N, C, L) -> (N, C, L_out)``.'),
    ('>>> x = ft.array([[[1.0, 2.0, 3.0, 4.0, 5.0]]])\n'
     '>>> F.adaptive_max_pool1d(x, 2).tolist()  # windows [0, 3) and [2, 5)\n'
     '[[[3.0, 5.0]]]'))


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
    return _adaptive_max(input, output_size, return_indices, 2, "adaptive_max_pool2d")


adaptive_max_pool2d.__doc__ = pool_doc(
    adaptive_max_pool2d, 'adaptive_max', 2,
    'Max over adaptive 2-d windows: ``(N, C, H, W) -> (N, C, H_out, W_out)``.',
    ('>>> F.adaptive_max_pool2d(ft.arange(16.0).reshape(1, 1, 4, 4), 2).tolist()\n'
     '[[[[5.0, 7.0], [13.0, 15.0]]]]'))


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
    return _adaptive_max(input, output_size, return_indices, 3, "adaptive_max_pool3d")


adaptive_max_pool3d.__doc__ = pool_doc(
    adaptive_max_pool3d, 'adaptive_max', 3,
    ('Max over adaptive 3-d windows:\n'
     '``(N, C, D, H, W) -> (N, C, D_out, H_out, W_out)``.'),
    ('>>> x = ft.arange(8.0).reshape(1, 1, 2, 2, 2)\n'
     '>>> F.adaptive_max_pool3d(x, 1).tolist()\n'
     '[[[[[7.0]]]]]'))


def adaptive_max_pool1d_with_indices(input: ArrayLike, output_size: ShapeLike | None,
                                     return_indices: bool = True) -> tuple[Array, Array]:
    return adaptive_max_pool1d(input, output_size, True)


adaptive_max_pool1d_with_indices.__doc__ = pool_doc(
    adaptive_max_pool1d_with_indices, 'adaptive_max_with_indices', 1,
    ':func:`adaptive_max_pool1d` returning ``(out, indices)``.',
    ('>>> out, idx = F.adaptive_max_pool1d_with_indices(ft.array([[[1.0, 3.0, 2.0, 0.0]]]), 2)\n'
     '>>> out.tolist(), idx.tolist()\n'
     '([[[3.0, 2.0]]], [[[1, 2]]])'))


def adaptive_max_pool2d_with_indices(input: ArrayLike, output_size: ShapeLike | None,
                                     return_indices: bool = True) -> tuple[Array, Array]:
    return adaptive_max_pool2d(input, output_size, True)


adaptive_max_pool2d_with_indices.__doc__ = pool_doc(
    adaptive_max_pool2d_with_indices, 'adaptive_max_with_indices', 2,
    ':func:`adaptive_max_pool2d` returning ``(out, indices)``.',
    ('>>> x = ft.arange(16.0).reshape(1, 1, 4, 4)\n'
     '>>> F.adaptive_max_pool2d_with_indices(x, 2)[1].tolist()\n'
     '[[[[5, 7], [13, 15]]]]'))


def adaptive_max_pool3d_with_indices(input: ArrayLike, output_size: ShapeLike | None,
                                     return_indices: bool = True) -> tuple[Array, Array]:
    return adaptive_max_pool3d(input, output_size, True)


adaptive_max_pool3d_with_indices.__doc__ = pool_doc(
    adaptive_max_pool3d_with_indices, 'adaptive_max_with_indices', 3,
    ':func:`adaptive_max_pool3d` returning ``(out, indices)``.',
    ('>>> x = ft.arange(8.0).reshape(1, 1, 2, 2, 2)\n'
     '>>> F.adaptive_max_pool3d_with_indices(x, 1)[1].tolist()\n'
     '[[[[[7]]]]]'))
