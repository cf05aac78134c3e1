"""``conv_transpose1d`` and ``conv_transpose3d``: a transposed convolution is the VJP of
the convolution with respect to its input, so it is computed as exactly that (``ft.vjp``
of ``convnd`` at a zero image of the output's shape): the same im2col contraction, one
batched matmul, and every transform applies."""

from __future__ import annotations

import funtorch as ft
from funtorch.nn.functional.conv import (batched, check_output_padding, conv_doc, convnd,
                                         ntuple)
from funtorch.typing import Array, ArrayLike

__all__ = ["conv_transpose1d", "conv_transpose3d", "conv_transpose_nd"]


def conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups, dilation,
                      nd, fn):
    """Transposed ``nd``-d convolution; ``weight`` is ``(C_in, C_out / groups, *kernel)``."""
    x, unbatched = batched(input, nd, fn)
    stride, dilation = ntuple(stride, nd, "stride", fn), ntuple(dilation, nd, "dilation", fn)
    padding = ntuple(padding, nd, "padding", fn)
    out_pad = ntuple(output_padding, nd, "output_padding", fn)
    check_output_padding(out_pad, stride, dilation, fn)
    if x.shape[1] != weight.shape[0]:
        raise ValueError(f"{fn}: expected input with {weight.shape[0]} channels (weight "
                         f"{tuple(weight.shape)}), got {x.shape[1]}")
    kernel = tuple(weight.shape[2:])
    sizes = tuple((n - 1) * s - 2 * p + d * (k - 1) + op + 1 for n, s, p, d, k, op
                  in zip(x.shape[2:], stride, padding, dilation, kernel, out_pad))
    image = ft.zeros((x.shape[0], weight.shape[1] * groups) + sizes, dtype=x.dtype,
                     device=x.device)
    _, transpose = ft.vjp(lambda z: convnd(z, weight, None, stride, padding, dilation, groups,
                                           nd, fn), image)
    out = transpose(x)[0]
    if bias is not None:
        out = out + ft.reshape(bias, (1, -1) + (1,) * nd)
    return out[0] if unbatched else out


def conv_transpose1d(input: ArrayLike, weight: ArrayLike | None, bias: ArrayLike | None = None,
                     stride: int | tuple[int, ...] | None = 1,
                     padding: int | tuple[int, ...] | str = 0,
                     output_padding: int | tuple[int, ...] = 0, groups: int = 1,
                     dilation: int | tuple[int, ...] = 1) -> Array:
    return conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups,
                             dilation, 1, "conv_transpose1d")


conv_transpose1d.__doc__ = conv_doc(
    1, True, "F.conv_transpose1d(ft.array([[[1.0, 2.0]]]), ft.ones((1, 1, 3)), stride=2).tolist()",
    "[[[1.0, 1.0, 3.0, 2.0, 2.0]]]")


def conv_transpose3d(input: ArrayLike, weight: ArrayLike | None, bias: ArrayLike | None = None,
                     stride: int | tuple[int, ...] | None = 1,
                     padding: int | tuple[int, ...] | str = 0,
                     output_padding: int | tuple[int, ...] = 0, groups: int = 1,
                     dilation: int | tuple[int, ...] = 1) -> Array:
    return conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups,
                             dilation, 3, "conv_transpose3d")


conv_transpose3d.__doc__ = conv_doc(
    3, True, "F.conv_transpose3d(ft.ones((1, 2, 2, 2, 2)), ft.ones((2, 1, 2, 2, 2))).shape",
    "(1, 1, 3, 3, 3)")
