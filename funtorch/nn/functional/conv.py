"""Convolutions and pooling, vectorised: ``ft.sliding_window_view`` gives every window of
the input as one zero-copy strided view (its gradient adds one strided slice per kernel
offset, a loop over the kernel, never over output positions); convolutions contract it
with the weight in one batched ``matmul`` (im2col), pooling reduces its window axes."""

from __future__ import annotations

import math

import numpy as np

import funtorch as ft

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose2d", "max_pool1d", "max_pool2d",
           "avg_pool1d", "avg_pool2d", "adaptive_avg_pool2d", "ntuple"]


def ntuple(value, n, name="argument"):
    """``value`` repeated ``n`` times, or ``value`` itself when it is a sequence of ``n``."""
    if isinstance(value, (tuple, list)):
        if len(value) != n:
            raise ValueError(f"expected {name} to be a single int or a tuple of {n} ints, got "
                             f"{tuple(value)}")
        return tuple(int(v) for v in value)
    return (int(value),) * n


def _batched(x, nd, fn):
    if x.ndim == nd + 1:
        return x[None], True
    if x.ndim != nd + 2:
        raise ValueError(f"{fn}: expected a {nd + 1}-d (unbatched) or {nd + 2}-d (batched) "
                         f"input, got shape {tuple(x.shape)}")
    return x, False


def windows(x, kernel, stride, dilation):
    """``(N, C, *spatial)`` -> ``(N, C, *kernel, *out_sizes)``: every (strided, dilated)
    window of the spatial axes, as a zero-copy strided view.

    ``ft.sliding_window_view`` appends the window axes; moving them in front of the output
    positions (still a view) lets the copy that follows (a reshape), the reductions over
    the window axes and, backwards, each kernel offset's slice-add run on contiguous
    ``out_sizes`` blocks: NumPy reduces the tiny trailing window axes of a strided view
    ~20x slower.
    """
    nd = len(kernel)
    view = ft.sliding_window_view(x, kernel, axis=tuple(range(2, 2 + nd)), step=stride,
                                  dilation=dilation)
    return ft.permute(view, (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd)))


def _out_size(length, kernel, stride, dilation, fn):
    size = (length - dilation * (kernel - 1) - 1) // stride + 1
    if size < 1:
        raise ValueError(f"{fn}: the (padded) input size {length} is smaller than the dilated "
                         f"kernel size {dilation * (kernel - 1) + 1}")
    return size


def _conv_padding(padding, kernel, stride, dilation, nd, fn):
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding != "same":
            raise ValueError(f"{fn}: padding must be 'valid', 'same', an int or a tuple, got "
                             f"{padding!r}")
        if any(s != 1 for s in stride):
            raise ValueError(f"{fn}: padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in ntuple(padding, nd, "padding"))


def convnd(x, weight, bias, stride, padding, dilation, groups, nd, fn):
    x, unbatched = _batched(x, nd, fn)
    kernel = tuple(weight.shape[2:])
    stride, dilation = ntuple(stride, nd, "stride"), ntuple(dilation, nd, "dilation")
    pads = _conv_padding(padding, kernel, stride, dilation, nd, fn)
    n, c = x.shape[:2]
    out_c = weight.shape[0]
    if c != weight.shape[1] * groups:
        raise ValueError(f"{fn}: expected input with {weight.shape[1] * groups} channels "
                         f"(weight {tuple(weight.shape)}, groups={groups}), got {c}")
    if any(p for pair in pads for p in pair):
        x = ft.pad(x, ((0, 0), (0, 0)) + pads)
    out_sizes = tuple(_out_size(length, k, s, d, fn) for length, k, s, d
                      in zip(x.shape[2:], kernel, stride, dilation))
    cols = windows(x, kernel, stride, dilation)  # the reshape below is im2col's one copy
    per_group = (c // groups) * math.prod(kernel)
    cols = ft.reshape(cols, (n, groups, per_group, math.prod(out_sizes)))
    w = ft.reshape(weight, (groups, out_c // groups, per_group))
    out = ft.reshape(ft.matmul(w, cols), (n, out_c) + out_sizes)
    if bias is not None:
        out = out + ft.reshape(bias, (1, out_c) + (1,) * nd)
    return out[0] if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution (cross-correlation): ``(N, C_in, L) -> (N, C_out, L_out)``."""
    return convnd(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution: ``(N, C_in, H, W) -> (N, C_out, H_out, W_out)``.

    ``weight`` is ``(C_out, C_in / groups, kH, kW)``; ``padding`` may be ``"same"``.

    Example:
        >>> F.conv2d(ft.ones((1, 1, 3, 3)), ft.ones((1, 1, 2, 2))).shape
        (1, 1, 2, 2)
    """
    return convnd(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-d convolution: ``(N, C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out)``."""
    return convnd(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def _dilate(x, stride):
    """Insert ``stride - 1`` zeros between neighbours along each spatial axis."""
    if all(s == 1 for s in stride):
        return x
    shape = x.shape[:2] + tuple((n - 1) * s + 1 for n, s in zip(x.shape[2:], stride))
    index = (slice(None), slice(None)) + tuple(slice(None, None, s) for s in stride)
    return ft.zeros(shape, dtype=x.dtype, device=x.device).at[index].set(x)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """Transposed 2-d convolution (the gradient of conv2d w.r.t. its input).

    ``weight`` is ``(C_in, C_out / groups, kH, kW)``;
    ``H_out = (H - 1) * stride - 2 * padding + dilation * (kH - 1) + output_padding + 1``.
    """
    x, unbatched = _batched(input, 2, "conv_transpose2d")
    stride, dilation = ntuple(stride, 2, "stride"), ntuple(dilation, 2, "dilation")
    padding, out_pad = ntuple(padding, 2, "padding"), ntuple(output_padding, 2, "output_padding")
    in_c, out_per_group = weight.shape[:2]
    kernel = tuple(weight.shape[2:])
    x = _dilate(x, stride)
    pads = [(d * (k - 1) - p, d * (k - 1) - p + op)
            for k, d, p, op in zip(kernel, dilation, padding, out_pad)]
    x = ft.pad(x, ((0, 0), (0, 0)) + tuple((max(a, 0), max(b, 0)) for a, b in pads))
    crop = (slice(None), slice(None)) + tuple(
        slice(max(-a, 0), x.shape[2 + i] - max(-b, 0)) for i, (a, b) in enumerate(pads))
    x = x[crop]
    w = ft.reshape(weight, (groups, in_c // groups, out_per_group) + kernel)
    w = ft.reshape(ft.swapaxes(w, 1, 2), (groups * out_per_group, in_c // groups) + kernel)
    w = ft.flip(w, axis=(2, 3))
    out = convnd(x, w, bias, 1, 0, dilation, groups, 2, "conv_transpose2d")
    return out[0] if unbatched else out


# Pooling -------------------------------------------------------------------------------


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
    kernel = ntuple(kernel_size, nd, "kernel_size")
    stride = kernel if stride is None or stride == [] else ntuple(stride, nd, "stride")
    padding, dilation = ntuple(padding, nd, "padding"), ntuple(dilation, nd, "dilation")
    geometry = [_pool_geometry(length, k, s, p, d, ceil_mode, fn) for length, k, s, p, d
                in zip(x.shape[2:], kernel, stride, padding, dilation)]
    pads = tuple(g[1] for g in geometry)
    if any(p for pair in pads for p in pair):
        x = ft.pad(x, ((0, 0), (0, 0)) + pads, constant_values=fill)
    cols = windows(x, kernel, stride, dilation)  # (N, C, *kernel, *out)
    cols = ft.reshape(cols, x.shape[:2] + (math.prod(kernel),) + cols.shape[2 + nd:])
    return cols, kernel, stride, padding


def _max_pool(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices, nd, fn):
    if return_indices:
        raise NotImplementedError(f"{fn}: return_indices=True is not supported yet")
    x, unbatched = _batched(x, nd, fn)
    cols = _pool(x, kernel_size, stride, padding, dilation, ceil_mode, nd, -np.inf, fn)[0]
    out = ft.max(cols, axis=2)  # over the window axes, flattened into one
    return out[0] if unbatched else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over sliding windows of the last axis: ``(N, C, L) -> (N, C, L_out)``."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                     1, "max_pool1d")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over sliding 2-d windows: ``(N, C, H, W) -> (N, C, H_out, W_out)``."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                     2, "max_pool2d")


def _avg_divisor(length, size, kernel, stride, padding, count_include_pad):
    start = np.arange(size) * stride - padding
    end = np.minimum(start + kernel, length + padding)
    if count_include_pad:
        return end - start
    return np.minimum(end, length) - np.maximum(start, 0)


def _avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override,
              nd, fn):
    x, unbatched = _batched(x, nd, fn)
    cols, kernel, stride, padding = _pool(x, kernel_size, stride, padding, 1, ceil_mode, nd,
                                          0.0, fn)
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


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """Mean over sliding windows of the last axis."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None,
                     1, "avg_pool1d")


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Mean over sliding 2-d windows (PyTorch's divisor rules for padding and ceil_mode)."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 2, "avg_pool2d")


def _adaptive_matrix(length, size, dtype):
    matrix = np.zeros((size, length), dtype=dtype)
    for i in range(size):
        start, end = (i * length) // size, -(-((i + 1) * length) // size)
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


def adaptive_avg_pool2d(input, output_size):
    """Average over ``output_size`` adaptive windows (PyTorch's floor/ceil bounds)."""
    height, width = input.shape[-2:]
    out_h, out_w = ntuple(output_size, 2, "output_size") if not isinstance(
        output_size, (tuple, list)) else tuple(output_size)
    out_h, out_w = height if out_h is None else out_h, width if out_w is None else out_w
    rows = ft.asarray(_adaptive_matrix(height, out_h, input.dtype), device=input.device)
    cols = ft.asarray(_adaptive_matrix(width, out_w, input.dtype), device=input.device)
    return ft.einsum("...hw,ih,jw->...ij", input, rows, cols)
