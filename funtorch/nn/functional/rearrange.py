"""``channel_shuffle`` (a reshape and a transpose) and ``unfold``/``fold``: ``unfold`` is one
strided window view, ``fold`` its exact transpose (VJP). Re-exported by ``resample.py``."""

from __future__ import annotations

import math

import funtorch as ft
from funtorch.nn.functional.conv import ntuple, windows
from funtorch.typing import Array, ArrayLike, ShapeLike

__all__ = ["channel_shuffle", "unfold", "fold"]


def channel_shuffle(input: ArrayLike, groups: int) -> Array:
    """Interleave ``groups`` groups of channels of an ``(N, C, *)`` input (ShuffleNet): the
    channels, seen as ``(groups, C / groups)``, are transposed.

    Args:
        input: ``(N, C, *)``.
        groups: the number of groups (divides ``C``).

    Returns:
        An array of ``input``'s shape.

    Raises:
        ValueError: the channel count is not divisible by ``groups``.

    Example:
        >>> F.channel_shuffle(ft.arange(4.0).reshape(1, 4, 1), 2).reshape(-1).tolist()
        [0.0, 2.0, 1.0, 3.0]
    """
    n, c = input.shape[:2]
    if c % groups:
        raise ValueError(f"channel_shuffle: the channel count {c} must be divisible by "
                         f"groups={groups}")
    rest = tuple(input.shape[2:])
    x = ft.reshape(input, (n, groups, c // groups) + rest)
    return ft.reshape(ft.swapaxes(x, 1, 2), (n, c) + rest)


def unfold(input: ArrayLike, kernel_size: int | tuple[int, ...],
           dilation: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] | str = 0,
           stride: int | tuple[int, ...] | None = 1) -> Array:
    """Extract sliding local blocks: ``(N, C, H, W) -> (N, C kH kW, L)`` (im2col).

    Each column holds one block, flattened channel-major; ``L`` is the number of blocks,
    ``prod((X + 2 padding - dilation (k - 1) - 1) // stride + 1)`` over ``H`` and ``W``.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: the block size, an int or ``(kH, kW)``.
        dilation: the spacing between block elements.
        padding: zeros added on both sides of ``H`` and ``W``.
        stride: the step between blocks.

    Returns:
        ``(N, C * kH * kW, L)`` (``(C * kH * kW, L)`` unbatched).

    Raises:
        ValueError: the input is not 3-d or 4-d.

    Example:
        >>> F.unfold(ft.arange(6.0).reshape(1, 1, 2, 3), 2).tolist()
        [[[0.0, 1.0], [1.0, 2.0], [3.0, 4.0], [4.0, 5.0]]]
    """
    fn = "unfold"
    unbatched = input.ndim == 3
    x = input[None] if unbatched else input
    if x.ndim != 4:
        raise ValueError(f"{fn}: expected a 3-d or 4-d input, got shape {tuple(input.shape)}")
    kernel = ntuple(kernel_size, 2, "kernel_size", fn)
    dilation, stride = ntuple(dilation, 2, "dilation", fn), ntuple(stride, 2, "stride", fn)
    padding = ntuple(padding, 2, "padding", fn)
    x = ft.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in padding))
    cols = windows(x, kernel, stride, dilation)  # (N, C, kH, kW, oH, oW)
    out = ft.reshape(cols, (x.shape[0], x.shape[1] * math.prod(kernel), -1))
    return out[0] if unbatched else out


def fold(input: ArrayLike, output_size: ShapeLike | None, kernel_size: int | tuple[int, ...],
         dilation: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] | str = 0,
         stride: int | tuple[int, ...] | None = 1) -> Array:
    """Sum sliding local blocks back into an image: ``(N, C kH kW, L) -> (N, C, H, W)``
    (the transpose of :func:`unfold`; overlapping blocks add).

    Args:
        input: ``(N, C * kH * kW, L)`` or unbatched ``(C * kH * kW, L)``.
        output_size: ``(H, W)`` of the image, or an int for both.
        kernel_size: the block size, an int or ``(kH, kW)``.
        dilation: the spacing between block elements.
        padding: the padding :func:`unfold` added (removed here).
        stride: the step between blocks.

    Returns:
        ``(N, C, H, W)`` (``(C, H, W)`` unbatched).

    Raises:
        ValueError: the input's axis 1 is not divisible by the kernel's size.

    Example:
        >>> F.fold(ft.ones((1, 4, 2)), (2, 3), 2).tolist()  # the middle column is in both
        [[[[1.0, 2.0, 1.0], [1.0, 2.0, 1.0]]]]
    """
    unbatched = input.ndim == 2
    cols = input[None] if unbatched else input
    kernel = ntuple(kernel_size, 2, "kernel_size", "fold")
    size = ntuple(output_size, 2, "output_size", "fold")
    channels, rem = divmod(cols.shape[1], math.prod(kernel))
    if rem:
        raise ValueError(f"fold: the input's axis 1 ({cols.shape[1]}) must be divisible by "
                         f"the kernel's size {math.prod(kernel)}")
    image = ft.zeros((cols.shape[0], channels) + size, dtype=cols.dtype, device=cols.device)
    _, transpose = ft.vjp(lambda x: unfold(x, kernel, dilation, padding, stride), image)
    out = transpose(cols)[0]
    return out[0] if unbatched else out
