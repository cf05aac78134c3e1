"""``affine_grid`` and ``grid_sample`` (bilinear/trilinear, nearest and 2-d bicubic
sampling with zeros, border or reflection padding), with torch's coordinate rules: every tap is a
gather from the flattened input plane, vectorised over batch and locations."""

from __future__ import annotations

import itertools
from typing import Literal

import numpy as np

import funtorch as ft
from funtorch.typing import Array, ArrayLike, ShapeLike

__all__ = ["affine_grid", "grid_sample"]


def _base_coords(n, align_corners, dtype):
    if align_corners:
        return np.linspace(-1.0, 1.0, n) if n > 1 else np.zeros(1)
    return (np.arange(n) * 2.0 + 1.0) / n - 1.0


def affine_grid(theta: ArrayLike, size: ShapeLike | None,
                align_corners: bool | None = None) -> Array:
    """Sampling grid of an affine map: ``theta`` ``(N, 2, 3)`` and ``size`` ``(N, C, H, W)``
    give ``(N, H, W, 2)``; ``(N, 3, 4)`` and ``(N, C, D, H, W)`` give ``(N, D, H, W, 3)``.

    Each output location holds ``theta @ (x, y, 1)`` for the normalised coordinates
    ``(x, y)`` in [-1, 1] of the pixel (``(x, y, z, 1)`` in 3-d), ready for
    :func:`grid_sample`.

    Args:
        theta: ``(N, 2, 3)`` (2-d) or ``(N, 3, 4)`` (3-d) affine matrices.
        size: the target ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        align_corners: True: -1 and 1 are the centres of the corner pixels; False (or
            None): the outer edges of the corner pixels.

    Returns:
        ``(N, H, W, 2)`` or ``(N, D, H, W, 3)`` of ``theta``'s dtype, coordinates ordered
        ``x, y(, z)``.

    Raises:
        ValueError: ``theta`` is not ``(N, d, d + 1)`` for a ``size`` of ``d`` spatial axes.

    Example:
        >>> F.affine_grid(ft.eye(2, 3)[None], (1, 1, 2, 2), align_corners=True).tolist()
        [[[[-1.0, -1.0], [1.0, -1.0]], [[-1.0, 1.0], [1.0, 1.0]]]]
    """
    spatial = tuple(size[2:])
    nd = len(spatial)
    if nd not in (2, 3) or tuple(theta.shape[1:]) != (nd, nd + 1):
        raise ValueError(f"affine_grid: expected theta of shape (N, {nd}, {nd + 1}) for size "
                         f"{tuple(size)}, got {tuple(theta.shape)}")
    axes = [_base_coords(n, bool(align_corners), theta.dtype) for n in spatial]
    mesh = np.meshgrid(*axes, indexing="ij")  # (D,) H, W ; coordinates ordered x, y(, z)
    base = np.stack(list(mesh[::-1]) + [np.ones(spatial)], axis=-1)
    base = ft.asarray(base.astype(theta.dtype), device=theta.device)
    return ft.einsum("...k,njk->n...j", base, theta)


def _reflect(x, twice_low, twice_high):
    """torch's ``reflect_coordinates``: fold ``x`` into ``[low, high]`` by mirroring."""
    if twice_low == twice_high:
        return ft.zeros_like(x)
    low, span = twice_low / 2.0, (twice_high - twice_low) / 2.0
    x = ft.abs(x - low)
    extra = ft.fmod(x, span)
    flips = ft.floor(x / span)
    return ft.where(ft.fmod(flips, 2.0) == 0, extra + low, span - extra + low)


def _unnormalize(coord, n, align_corners):
    return (coord + 1.0) / 2.0 * (n - 1) if align_corners else ((coord + 1.0) * n - 1.0) / 2.0


def _source_coords(coord, n, align_corners, padding_mode):
    """Pixel coordinates of normalised ``coord`` with ``padding_mode`` applied."""
    return _padded(_unnormalize(coord, n, align_corners), n, align_corners, padding_mode)


def _padded(x, n, align_corners, padding_mode):
    if padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (n - 1)) if align_corners else _reflect(x, -1, 2 * n - 1)
    if padding_mode in ("border", "reflection"):
        x = ft.clip(x, 0.0, float(n - 1))
    return x


def _gather(plane, coords, sizes):
    """``plane`` ``(N, C, prod(spatial))`` at the integer grid coordinates ``coords`` (one
    ``(N, P)`` array per coordinate x, y(, z); ``sizes`` W, H(, D)); zero outside."""
    valid, flat, stride = None, 0, 1
    for index, n in zip(coords, sizes):
        inside = (index >= 0) & (index < n)
        valid = inside if valid is None else valid & inside
        flat = flat + ft.clip(index, 0, n - 1) * stride
        stride *= n
    index = ft.broadcast_to(ft.expand_dims(flat.astype(ft.int64), 1),
                            tuple(plane.shape[:2]) + tuple(flat.shape[1:]))
    return ft.where(ft.expand_dims(valid, 1), ft.take_along_axis(plane, index, axis=2), 0.0)


def _cubic_taps(t, a=-0.75):
    """torch's cubic convolution weights for the taps at -1, 0, 1, 2 (traced ``t``)."""
    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [ft.expand_dims(w, 1) for w in (far(t + 1), near(t), near(1 - t), far(2 - t))]


def _bicubic(plane, flat, width, height, align_corners, padding_mode):
    """16 taps around each location; ``padding_mode`` maps each tap (torch's
    ``get_value_bounded``)."""
    x = _unnormalize(flat[..., 0], width, align_corners)
    y = _unnormalize(flat[..., 1], height, align_corners)
    x0, y0 = ft.floor(x), ft.floor(y)
    wx, wy = _cubic_taps(x - x0), _cubic_taps(y - y0)
    out = 0.0
    for i in range(4):
        ty = _padded(y0 + (i - 1), height, align_corners, padding_mode).astype(ft.int64)
        for j in range(4):
            tx = _padded(x0 + (j - 1), width, align_corners, padding_mode).astype(ft.int64)
            out = out + wy[i] * wx[j] * _gather(plane, (tx, ty), (width, height))
    return out


def _linear(plane, coords, sizes):
    """Bi/trilinear: the ``2 ** nd`` corners of each location, weighted."""
    lows = [ft.floor(c) for c in coords]
    fracs = [ft.expand_dims(c - low, 1) for c, low in zip(coords, lows)]
    starts = [low.astype(ft.int64) for low in lows]
    out = 0.0
    for corner in itertools.product((0, 1), repeat=len(coords)):
        weight = 1.0
        for frac, bit in zip(fracs, corner):
            weight = weight * (frac if bit else 1 - frac)
        out = out + weight * _gather(plane, [s + b for s, b in zip(starts, corner)], sizes)
    return out


def grid_sample(input: ArrayLike, grid: ArrayLike,
                mode: Literal["bilinear", "nearest", "bicubic"] = "bilinear",
                padding_mode: Literal["zeros", "border", "reflection"] = "zeros",
                align_corners: bool | None = None) -> Array:
    """Sample ``input`` ``(N, C, H, W)`` at the normalised ``(x, y)`` locations of ``grid``
    ``(N, Ho, Wo, 2)`` (``-1``/``1`` are the edges): ``(N, C, Ho, Wo)``; volumetric
    ``(N, C, D, H, W)`` with an ``(N, Do, Ho, Wo, 3)`` grid of ``(x, y, z)``.

    Gradients flow to ``input`` and (interpolating modes) to ``grid``.

    Args:
        input: ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        grid: ``(N, Ho, Wo, 2)`` or ``(N, Do, Ho, Wo, 3)`` locations in [-1, 1] (``x``
            indexes the width).
        mode: ``"bilinear"`` (trilinear for 5-d), ``"nearest"`` or ``"bicubic"`` (4-d only).
        padding_mode: values outside the input: ``"zeros"``, ``"border"`` (clamped to the
            edge) or ``"reflection"`` (mirrored).
        align_corners: True: -1 and 1 are the centres of the corner pixels; False (or
            None): their outer edges.

    Returns:
        ``(N, C, Ho, Wo)`` or ``(N, C, Do, Ho, Wo)`` of ``input``'s dtype.

    Raises:
        ValueError: an input/grid pair of the wrong ranks, or an unsupported ``mode`` or
            ``padding_mode``.

    Example:
        >>> image = ft.array([[[[1.0, 2.0], [3.0, 4.0]]]])
        >>> F.grid_sample(image, ft.zeros((1, 1, 1, 2)), align_corners=True).tolist()  # centre
        [[[[2.5]]]]
    """
    fn = "grid_sample"
    nd = input.ndim - 2
    if nd not in (2, 3) or grid.ndim != nd + 2 or grid.shape[-1] != nd:
        raise ValueError(f"{fn}: expected a 4-d input with an (N, Ho, Wo, 2) grid or a 5-d "
                         f"input with an (N, Do, Ho, Wo, 3) grid, got {tuple(input.shape)} and "
                         f"{tuple(grid.shape)}")
    if mode not in ("bilinear", "nearest", "bicubic") or padding_mode not in (
            "zeros", "border", "reflection") or (mode == "bicubic" and nd == 3):
        raise ValueError(f"{fn}: supported modes are bilinear/nearest (and bicubic for 4-d "
                         f"inputs) with padding_mode zeros/border/reflection, got "
                         f"mode={mode!r}, padding_mode={padding_mode!r}")
    n, c = input.shape[:2]
    sizes = tuple(input.shape[2:])[::-1]  # in grid-coordinate order: W, H(, D)
    out_shape = (n, c) + tuple(grid.shape[1:-1])
    plane = ft.reshape(input, (n, c, -1))
    flat = ft.reshape(grid, (n, -1, nd))
    if mode == "bicubic":
        return ft.reshape(_bicubic(plane, flat, sizes[0], sizes[1], bool(align_corners),
                                   padding_mode), out_shape)
    coords = [_source_coords(flat[..., a], size, bool(align_corners), padding_mode)
              for a, size in enumerate(sizes)]
    if mode == "nearest":
        out = _gather(plane, [ft.round(x).astype(ft.int64) for x in coords], sizes)
    else:
        out = _linear(plane, coords, sizes)
    return ft.reshape(out, out_shape)
