"""Resampling and rearranging: ``interpolate`` (nearest, nearest-exact, linear, bilinear,
bicubic, trilinear, area), ``pixel_shuffle``/``pixel_unshuffle``, ``channel_shuffle``,
``unfold``/``fold`` (the last three in ``rearrange.py``, re-exported here).

``interpolate`` is separable: each spatial axis is resampled by one constant ``(out, in)``
matrix (built in NumPy from torch's coordinate rules) contracted with ``einsum``, so it
is vectorised and every transform applies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

import funtorch as ft
from funtorch.nn.functional.pooling_extra import _adaptive_avg
from funtorch.nn.functional.rearrange import channel_shuffle, fold, unfold
from funtorch.typing import Array, ArrayLike, ShapeLike

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle",
           "pixel_unshuffle", "channel_shuffle", "unfold", "fold"]

_MODES = {"nearest": None, "nearest-exact": None, "linear": 1, "bilinear": 2, "bicubic": 2,
          "trilinear": 3, "area": None}
_Mode = Literal["nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear",
                "area"]  # _MODES, to a type checker


def _cubic_weights(t, a=-0.75):
    """torch's cubic convolution coefficients for taps at offsets -1, 0, 1, 2."""
    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return np.stack([far(t + 1), near(t), near(1 - t), far(2 - t)], axis=-1)


def _axis_matrix(n_in, n_out, scale, mode, align_corners, antialias=False):
    """The ``(n_out, n_in)`` resampling matrix of one axis."""
    if antialias:
        if align_corners:
            scale = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        return _aa_matrix(n_in, n_out, scale, mode)
    dst = np.arange(n_out, dtype=np.float64)
    matrix = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    if mode in ("nearest", "nearest-exact"):
        shift = 0.5 if mode == "nearest-exact" else 0.0
        src = np.minimum(np.floor((dst + shift) * scale).astype(np.int64), n_in - 1)
        matrix[rows, src] = 1.0
        return matrix
    if align_corners:
        src = dst * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    else:
        src = (dst + 0.5) * scale - 0.5
    if mode == "bicubic":
        base = np.floor(src)
        weights = _cubic_weights(src - base)
        for tap in range(4):
            idx = np.clip(base.astype(np.int64) - 1 + tap, 0, n_in - 1)
            np.add.at(matrix, (rows, idx), weights[:, tap])
        return matrix
    src = np.maximum(src, 0.0)
    low = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    high = np.minimum(low + 1, n_in - 1)
    frac = src - low
    np.add.at(matrix, (rows, low), 1.0 - frac)
    np.add.at(matrix, (rows, high), frac)
    return matrix


def _aa_filter(x, mode):
    x = np.abs(x)
    if mode == "bilinear":
        return np.maximum(1.0 - x, 0.0)
    a = -0.5  # Keys' cubic, as torch (and PIL) use with antialiasing
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))


def _aa_matrix(n_in, n_out, scale, mode):
    """torch's antialiased weights (``_compute_weights_aa``): the filter widened by the
    downscaling factor, normalised per output."""
    support = (2.0 if mode == "bilinear" else 4.0) * 0.5 * max(scale, 1.0)
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    center = scale * (np.arange(n_out) + 0.5)
    low = np.maximum(np.trunc(center - support + 0.5).astype(np.int64), 0)
    high = np.minimum(np.trunc(center + support + 0.5).astype(np.int64), n_in)
    cols = np.arange(n_in)
    inside = (cols[None, :] >= low[:, None]) & (cols[None, :] < high[:, None])
    weights = np.where(inside, _aa_filter((cols[None, :] - center[:, None] + 0.5) * invscale,
                                          mode), 0.0)
    total = weights.sum(axis=1, keepdims=True)
    return np.where(total != 0, weights / np.where(total != 0, total, 1.0), 0.0)


def _target(spatial, size, scale_factor, recompute, fn):
    nd = len(spatial)
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{fn}: give exactly one of size or scale_factor")
    if size is not None:
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,) * nd
        if len(sizes) != nd:
            raise ValueError(f"{fn}: size must have {nd} elements for a {nd}-d spatial input, "
                             f"got {size!r}")
        sizes = tuple(int(s) for s in sizes)
        return sizes, tuple(n / s for n, s in zip(spatial, sizes))
    factors = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (
        scale_factor,) * nd
    if len(factors) != nd:
        raise ValueError(f"{fn}: scale_factor must have {nd} elements, got {scale_factor!r}")
    sizes = tuple(int(math.floor(n * float(f))) for n, f in zip(spatial, factors))
    if recompute:
        return sizes, tuple(n / s for n, s in zip(spatial, sizes))
    return sizes, tuple(1.0 / float(f) for f in factors)


def interpolate(input: ArrayLike, size: ShapeLike | None = None,
                scale_factor: float | Sequence[float] | None = None, mode: _Mode = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Array:
    """Resize the spatial axes of an ``(N, C, *spatial)`` input, as
    ``torch.nn.functional.interpolate``.

    Args:
        input: ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        size: the output spatial size (an int or one per axis); give it or ``scale_factor``.
        scale_factor: the multiplier of each spatial size (a float or one per axis); the
            output size is ``floor(X * scale_factor)``.
        mode: ``nearest``, ``nearest-exact``, ``linear`` (3-d input), ``bilinear``,
            ``bicubic`` (4-d), ``trilinear`` (5-d) or ``area``.
        align_corners: map corner pixel centres onto each other (interpolating modes).
        recompute_scale_factor: map coordinates with ``in / out`` instead of
            ``1 / scale_factor``.
        antialias: (bilinear, bicubic) widen the filter by the downscaling factor, as
            torch (and PIL) do.

    Returns:
        ``(N, C, *size)`` of ``input``'s dtype.

    Raises:
        ValueError: an unknown ``mode``; ``antialias`` outside bilinear/bicubic;
            an input of the wrong rank for ``mode``; ``align_corners`` with a non-linear
            mode; more than 3 spatial axes; both or neither of ``size`` and
            ``scale_factor``, or one with the wrong length.

    Example:
        >>> F.interpolate(ft.array([[[0.0, 1.0]]]), size=4, mode="linear").tolist()
        [[[0.0, 0.25, 0.75, 1.0]]]
        >>> F.interpolate(ft.ones((1, 2, 3, 4)), scale_factor=2, mode="bilinear").shape
        (1, 2, 6, 8)
    """
    fn = "interpolate"
    if mode not in _MODES:
        raise ValueError(f"{fn}: mode must be one of {sorted(_MODES)}, got {mode!r}")
    if antialias and mode not in ("bilinear", "bicubic"):
        raise ValueError(f"{fn}: anti-alias option is restricted to bilinear and bicubic "
                         f"modes and requires a 4-D tensor as input, got mode={mode!r}")
    nd = input.ndim - 2
    if nd < 1:
        raise ValueError(f"{fn}: expected an (N, C, *spatial) input, got shape "
                         f"{tuple(input.shape)}")
    if _MODES[mode] is not None and _MODES[mode] != nd:
        raise ValueError(f"{fn}: mode={mode!r} needs a {_MODES[mode] + 2}-d input, got "
                         f"shape {tuple(input.shape)}")
    if align_corners is not None and _MODES[mode] is None:
        raise ValueError(f"{fn}: align_corners only applies to linear, bilinear, bicubic and "
                         f"trilinear modes, not {mode!r}")
    spatial = tuple(input.shape[2:])
    sizes, scales = _target(spatial, size, scale_factor, recompute_scale_factor, fn)
    if mode == "area":
        return _adaptive_avg(input, sizes, nd, fn)
    letters = "dhw"[3 - nd:] if nd <= 3 else None
    if letters is None:
        raise ValueError(f"{fn}: at most 3 spatial axes are supported, got {nd}")
    mats = [ft.asarray(_axis_matrix(n, s, sc, mode, bool(align_corners), antialias).astype(
        input.dtype), device=input.device) for n, s, sc in zip(spatial, sizes, scales)]
    spec = "nc" + letters + "," + ",".join(f"{o}{i}" for o, i in zip("xyz", letters))
    return ft.einsum(spec + "->nc" + "xyz"[:nd], input, *mats)


def upsample(input: ArrayLike, size: ShapeLike | None = None,
             scale_factor: float | Sequence[float] | None = None, mode: _Mode = "nearest",
             align_corners: bool | None = None) -> Array:
    """Deprecated torch spelling of :func:`interpolate` (without ``recompute_scale_factor``
    and ``antialias``).

    Args:
        input: ``(N, C, *spatial)`` with 1 to 3 spatial axes.
        size: the output spatial size, or None with ``scale_factor``.
        scale_factor: the multiplier of each spatial size, or None with ``size``.
        mode: as :func:`interpolate`'s.
        align_corners: as :func:`interpolate`'s.

    Returns:
        ``(N, C, *size)`` of ``input``'s dtype.

    Raises:
        ValueError: as :func:`interpolate`.

    Example:
        >>> F.upsample(ft.ones((1, 1, 2, 3)), scale_factor=2).shape
        (1, 1, 4, 6)
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: ArrayLike, size: ShapeLike | None = None,
                     scale_factor: float | Sequence[float] | None = None) -> Array:
    """:func:`interpolate` with ``mode="nearest"``: each output copies the input element its
    position falls in.

    Args:
        input: ``(N, C, *spatial)`` with 1 to 3 spatial axes.
        size: the output spatial size (an int or one per axis), or None.
        scale_factor: the spatial multiplier, used when ``size`` is None.

    Returns:
        ``(N, C, *size)``.

    Raises:
        ValueError: both or neither of ``size`` and ``scale_factor``.

    Example:
        >>> F.upsample_nearest(ft.array([[[[1.0, 2.0]]]]), scale_factor=2).tolist()
        [[[[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0]]]]
    """
    return interpolate(input, size, scale_factor, "nearest")


def upsample_bilinear(input: ArrayLike, size: ShapeLike | None = None,
                      scale_factor: float | Sequence[float] | None = None) -> Array:
    """:func:`interpolate` with ``mode="bilinear", align_corners=True``.

    Args:
        input: ``(N, C, H, W)``.
        size: ``(H_out, W_out)`` or an int, or None.
        scale_factor: the multiplier of ``H`` and ``W``, used when ``size`` is None.

    Returns:
        ``(N, C, H_out, W_out)``.

    Raises:
        ValueError: an input that is not 4-d, or both or neither of ``size`` and
            ``scale_factor``.

    Example:
        >>> F.upsample_bilinear(ft.array([[[[0.0, 1.0]]]]), size=(1, 3)).tolist()
        [[[[0.0, 0.5, 1.0]]]]
    """
    return interpolate(input, size, scale_factor, "bilinear", True)


def pixel_shuffle(input: ArrayLike, upscale_factor: int) -> Array:
    """Move channel blocks into space: ``(*, C r^2, H, W) -> (*, C, H r, W r)``.

    Output ``[c, h r + i, w r + j]`` is input ``[c r^2 + i r + j, h, w]``.

    Args:
        input: ``(*, C * r**2, H, W)``.
        upscale_factor: ``r``.

    Returns:
        ``(*, C, H * r, W * r)``.

    Raises:
        ValueError: the channel count is not divisible by ``upscale_factor ** 2``.

    Example:
        >>> F.pixel_shuffle(ft.arange(4.0).reshape(1, 4, 1, 1), 2).tolist()
        [[[[0.0, 1.0], [2.0, 3.0]]]]
    """
    r = upscale_factor
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise ValueError(f"pixel_shuffle: the channel count {c} must be divisible by "
                         f"upscale_factor^2 = {r * r}")
    x = ft.reshape(input, tuple(lead) + (c // (r * r), r, r, h, w))
    n = len(lead)
    x = ft.transpose(x, tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return ft.reshape(x, tuple(lead) + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input: ArrayLike, downscale_factor: int) -> Array:
    """Move space into channel blocks: ``(*, C, H r, W r) -> (*, C r^2, H, W)`` (the inverse
    of :func:`pixel_shuffle`).

    Args:
        input: ``(*, C, H * r, W * r)``.
        downscale_factor: ``r``.

    Returns:
        ``(*, C * r**2, H, W)``.

    Raises:
        ValueError: height or width is not divisible by ``downscale_factor``.

    Example:
        >>> F.pixel_unshuffle(ft.arange(4.0).reshape(1, 1, 2, 2), 2).reshape(-1).tolist()
        [0.0, 1.0, 2.0, 3.0]
    """
    r = downscale_factor
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise ValueError(f"pixel_unshuffle: height {h} and width {w} must be divisible by "
                         f"downscale_factor={r}")
    x = ft.reshape(input, tuple(lead) + (c, h // r, r, w // r, r))
    n = len(lead)
    x = ft.transpose(x, tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return ft.reshape(x, tuple(lead) + (c * r * r, h // r, w // r))
