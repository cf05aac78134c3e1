"""Power-average (LP) pooling and max unpooling (re-exported by ``pooling_extra.py``).

Max unpooling is one scatter into a zero plane.
"""

from __future__ import annotations

import math

import numpy as np

import funtorch as ft
from funtorch.nn.functional.conv import batched, ntuple
from funtorch.nn.functional.pooling import _avg_pool
from funtorch.nn.functional.pooling_docs import pool_doc
from funtorch.typing import Array, ArrayLike, ShapeLike

__all__ = ["lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d", "max_unpool2d",
           "max_unpool3d"]


def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, nd, fn):
    kernel = ntuple(kernel_size, nd, "kernel_size", fn)
    p = float(norm_type)
    mean = _avg_pool(input ** p, kernel, stride, 0, ceil_mode, True, None, nd, fn)
    total = ft.sign(mean) * ft.relu(ft.abs(mean)) * math.prod(kernel)
    return total ** (1.0 / p)


def lp_pool1d(input: ArrayLike, norm_type: float, kernel_size: int | tuple[int, ...],
              stride: int | tuple[int, ...] | None = None, ceil_mode: bool = False) -> Array:
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1, "lp_pool1d")


lp_pool1d.__doc__ = pool_doc(
    lp_pool1d, 'lp', 1,
    ('Power-average pooling ``(sum of x**p over each window) ** (1/p)`` along the last\n'
     "axis (torch's formula): ``(N, C, L) -> (N, C, L_out)``."),
    ('>>> F.lp_pool1d(ft.array([[[3.0, 4.0, 1.0, 1.0]]]), 2, 2).tolist()  # [5, sqrt(2)]\n'
     '[[[5.0, 1.4142]]]'))


def lp_pool2d(input: ArrayLike, norm_type: float, kernel_size: int | tuple[int, ...],
              stride: int | tuple[int, ...] | None = None, ceil_mode: bool = False) -> Array:
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2, "lp_pool2d")


lp_pool2d.__doc__ = pool_doc(
    lp_pool2d, 'lp', 2,
    'Power-average pooling over 2-d windows: ``(N, C, H, W) -> (N, C, H_out, W_out)``.',
    ('>>> F.lp_pool2d(ft.ones((1, 1, 4, 4)), 2, 2).tolist()  # sqrt(4 * 1)\n'
     '[[[[2.0, 2.0], [2.0, 2.0]]]]'))


def lp_pool3d(input: ArrayLike, norm_type: float, kernel_size: int | tuple[int, ...],
              stride: int | tuple[int, ...] | None = None, ceil_mode: bool = False) -> Array:
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3, "lp_pool3d")


lp_pool3d.__doc__ = pool_doc(
    lp_pool3d, 'lp', 3,
    ('Power-average pooling over 3-d windows:\n'
     '``(N, C, D, H, W) -> (N, C, D_out, H_out, W_out)``.'),
    ('>>> F.lp_pool3d(ft.ones((1, 1, 2, 2, 2)), 2, 2).tolist()  # sqrt(8)\n'
     '[[[[[2.8284]]]]]'))


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
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1,
                       "max_unpool1d")


max_unpool1d.__doc__ = pool_doc(
    max_unpool1d, 'unpool', 1,
    ('Place each value at its max-pool index in a zero array (the inverse of\n'
     '``max_pool1d(..., return_indices=True)``): ``(N, C, L) -> (N, C, L_out)``.'),
    ('>>> out, idx = F.max_pool1d(ft.array([[[1.0, 3.0, 4.0, 2.0]]]), 2, return_indices=True)\n'
     '>>> F.max_unpool1d(out, idx, 2).tolist()\n'
     '[[[0.0, 3.0, 4.0, 0.0]]]'))


def max_unpool2d(input: ArrayLike, indices: ArrayLike, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None,
                 padding: int | tuple[int, ...] | str = 0,
                 output_size: ShapeLike | None = None) -> Array:
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2,
                       "max_unpool2d")


max_unpool2d.__doc__ = pool_doc(
    max_unpool2d, 'unpool', 2,
    ('The inverse of ``max_pool2d(..., return_indices=True)``:\n'
     '``(N, C, H, W) -> (N, C, H_out, W_out)``.'),
    ('>>> out, idx = F.max_pool2d(ft.arange(16.0).reshape(1, 1, 4, 4), 2, return_indices=True)\n'
     '>>> F.max_unpool2d(out, idx, 2)[0, 0, 1].tolist()  # 5 and 7 back in place\n'
     '[0.0, 5.0, 0.0, 7.0]'))


def max_unpool3d(input: ArrayLike, indices: ArrayLike, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None,
                 padding: int | tuple[int, ...] | str = 0,
                 output_size: ShapeLike | None = None) -> Array:
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3,
                       "max_unpool3d")


max_unpool3d.__doc__ = pool_doc(
    max_unpool3d, 'unpool', 3,
    ('The inverse of ``max_pool3d(..., return_indices=True)``:\n'
     '``(N, C, D, H, W) -> (N, C, D_out, H_out, W_out)``.'),
    ('>>> x = ft.arange(8.0).reshape(1, 1, 2, 2, 2)\n'
     '>>> out, idx = F.max_pool3d(x, 2, return_indices=True)\n'
     '>>> F.max_unpool3d(out, idx, 2).reshape(-1).tolist()\n'
     '[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 7.0]'))
