"""Conv1d, Conv2d, Conv3d, ConvTranspose2d (PyTorch's arguments, names and init)."""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence
from typing import Any, Literal

from funtorch.nn._layer_docs import method_doc, repr_doc, wrap as _wrap
from funtorch.nn._layer_utils import check_sizes, default_bias, default_weight, split_keys
from funtorch.nn.functional.conv import conv_transpose, convnd, ntuple, output_padding_for
from funtorch.nn.functional.padding import PADDING_MODES
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike, DTypeLike, Key

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d"]

_PaddingMode = Literal["zeros", "reflect", "replicate", "circular"]  # PADDING_MODES

_SPATIAL = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}
_ARGS = {
    "in_channels": "``C_in``, the input's channel count.",
    "out_channels": "``C_out``, the output's channel count.",
    "kernel_size": "the window size: {ints}.",
    "stride": "the step between windows: {ints}.",
    "padding": "zeros added on both sides of each spatial axis: {ints}{same}.",
    "output_padding": "{output_padding}",
    "dilation": "the spacing between kernel elements: {ints}.",
    "groups": "split the channels into this many independent groups (``C_in`` and ``C_out`` "
              "divisible by it).",
    "bias": "learn an additive bias ``(C_out,)`` (False: ``bias`` is None).",
    "padding_mode": "{padding_mode}",
    "device": "the device of the parameters (``\"cpu\"``; see ``Array.to``), or None.",
    "dtype": "the parameters' float dtype; None for ``ft.get_default_dtype()``.",
    "key": "a PRNG key for the initial parameters (torch's default init, kaiming_uniform with "
           "``a = sqrt(5)``); None draws them from the global generator.",
}
_SAME = (', or ``"valid"`` (none) or ``"same"`` (the output as large as the input; stride 1 '
         'only)')
_MODES = ('how the input is padded: ``"zeros"`` (default), ``"reflect"``, ``"replicate"`` or '
          '``"circular"``, as ``F.pad(x, ..., mode=padding_mode)`` before an unpadded '
          'convolution.')
OUTPUT_SIZE_ARG = ("the wanted spatial output size (optionally with the batch and channel "
                   "axes), chosen among the sizes the stride makes ambiguous; it replaces "
                   "``output_padding``. None keeps ``output_padding``.")
TRANSPOSED_RETURNS = ("An array ``(N, C_out, *spatial_out)`` (or without ``N``), the sizes "
                      "``output_size`` or as the Shape section of the class says.")
_CONV_OUT = "``{o} = floor(({i} + 2 padding - dilation (k - 1) - 1) / stride + 1)``"
_TRANSPOSED_OUT = ("``{o} = ({i} - 1) stride - 2 padding + dilation (k - 1) + output_padding"
                   " + 1``")


def _conv_sections(cls: type[_ConvNd]) -> str:
    """``cls``'s docstring with Args (its constructor's, in order), Raises and Shape sections
    before the example, from ``_nd`` and ``_transposed``."""
    nd, transposed = cls._nd, cls._transposed
    dims = _SPATIAL[nd]
    values = {"ints": "an int (or a 1-tuple)" if nd == 1 else f"an int or a tuple of {nd}",
              "same": "" if transposed else _SAME,
              "output_padding": ("extra size added to one side of each output axis (less "
                                 "than the stride or the dilation): picks among the output "
                                 "sizes a strided convolution maps to the input's size."
                                 if transposed else
                                 "keyword-only, kept as an attribute: only the transposed "
                                 "layers use it."),
              "padding_mode": ('only ``"zeros"``.' if transposed else _MODES)}
    args = [f"{name}: " + _ARGS[name].format(**values)
            for name in inspect.signature(cls).parameters]
    out = _TRANSPOSED_OUT if transposed else _CONV_OUT
    spatial = ", ".join(dims)
    shape = _wrap(f"Input ``(N, C_in, {spatial})`` or ``(C_in, {spatial})``; output ``(N, "
                  f"C_out, {', '.join(d + '_out' for d in dims)})`` (or without ``N``), where "
                  "for each spatial axis ``X`` (with that axis's ``k``, ``stride``, ...) "
                  + out.format(o="X_out", i="X_in") + ". ``weight`` is ``"
                  + ("(C_in, C_out / groups, " if transposed else "(C_out, C_in / groups, ")
                  + (", ".join(f"k{d}" for d in dims) if nd > 1 else "k") + ")``.",
                  hanging=False)
    raises = ("ValueError: a channel count that is not a non-negative integer, channels not "
              "divisible by ``groups``, or an unknown ``padding_mode``"
              + (' (any but ``"zeros"`` here)' if transposed else "") + ".")
    head, sep, example = inspect.cleandoc(cls.__doc__ or "").partition("\n\nExample:")
    sections = ("Args:\n" + "\n".join(_wrap(arg, hanging=True) for arg in args)
                + "\n\nRaises:\n" + _wrap(raises, hanging=True)
                + "\n\nShape:\n" + shape)
    return f"{head}\n\n{sections}{sep}{example}"


class _ConvNd(Module):
    """Base of the convolutions: each subclass's docstring gets its Args, Raises and Shape
    sections from :func:`_conv_sections`."""

    _nd = 2
    _transposed = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__doc__ = _conv_sections(cls)

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = 1,
                 padding: int | tuple[int, ...] | Literal["same", "valid"] = 0,
                 dilation: int | tuple[int, ...] = 1, groups: int = 1, bias: bool = True,
                 padding_mode: _PaddingMode = "zeros", device: Any = None,
                 dtype: DTypeLike = None, *, output_padding: int | tuple[int, ...] = 0,
                 key: Key | None = None) -> None:
        super().__init__()
        nd, name = self._nd, type(self).__name__
        check_sizes(self, in_channels=in_channels, out_channels=out_channels)
        if not isinstance(groups, int) or groups < 1:
            raise ValueError(f"{name}: groups must be a positive integer, got groups={groups!r}")
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels ({in_channels}) and out_channels "
                             f"({out_channels}) must be divisible by groups ({groups})")
        if padding_mode not in PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {PADDING_MODES}, but got "
                             f"padding_mode={padding_mode!r}")
        if self._transposed and padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {name}')
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = ntuple(kernel_size, nd, "kernel_size", name)
        self.stride = ntuple(stride, nd, "stride", name)
        self.dilation = ntuple(dilation, nd, "dilation", name)
        self.padding = padding if isinstance(padding, str) else ntuple(padding, nd, "padding",
                                                                        name)
        self.output_padding = ntuple(output_padding, nd, "output_padding", name)
        self.padding_mode = padding_mode
        if self._transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        wkey, bkey = split_keys(key, 2)
        self.weight = default_weight(wkey, shape, dtype, device)
        if bias:
            fan_in = shape[1] * math.prod(self.kernel_size)
            self.bias = default_bias(bkey, (out_channels,), fan_in, dtype, device)
        else:
            self.register_parameter("bias", None)

    @repr_doc("nn.Conv1d(2, 4, 3, padding=1, bias=False)",
              "'2, 4, kernel_size=(3,), stride=(1,), padding=(1,), bias=False'")
    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        nd = self._nd
        if self.padding != (0,) * nd:
            text += f", padding={self.padding!r}" if isinstance(
                self.padding, str) else f", padding={self.padding}"
        if self.dilation != (1,) * nd:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * nd:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text

    @method_doc("The convolution of ``input`` with ``weight``, plus ``bias``.",
                args="``(N, C_in, *spatial)`` or ``(C_in, *spatial)``, with 1 (Conv1d), 2 or 3 "
                     "spatial axes.",
                returns="An array ``(N, C_out, *spatial_out)`` (or without ``N``), the sizes "
                        "as the Shape section of the class says.",
                example=">>> nn.Conv1d(2, 4, 3, padding=1).forward(ft.ones((2, 5))).shape\n(4, 5)")
    def forward(self, input: ArrayLike) -> Array:
        return convnd(input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                      self.groups, self._nd, type(self).__name__, self.padding_mode)


class Conv1d(_ConvNd):
    """1-d convolution (cross-correlation, as torch) over ``(N, C_in, L)`` inputs.

    Example:
        >>> ft.nn.Conv1d(2, 4, 3)(ft.ones((1, 2, 10))).shape
        (1, 4, 8)
    """

    _nd = 1


class Conv2d(_ConvNd):
    """2-d convolution (cross-correlation, as torch) over ``(N, C_in, H, W)`` inputs.

    Example:
        >>> ft.nn.Conv2d(1, 4, 3, padding="same")(ft.ones((2, 1, 8, 8))).shape
        (2, 4, 8, 8)
    """

    _nd = 2


class Conv3d(_ConvNd):
    """3-d convolution (cross-correlation, as torch) over ``(N, C_in, D, H, W)`` inputs.

    Example:
        >>> ft.nn.Conv3d(1, 2, 3, padding=1)(ft.ones((1, 1, 4, 4, 4))).shape
        (1, 2, 4, 4, 4)
    """

    _nd = 3


class ConvTranspose2d(_ConvNd):
    """Transposed 2-d convolution (the gradient of ``Conv2d`` with respect to its input),
    over ``(N, C_in, H, W)`` inputs.

    Example:
        >>> ft.nn.ConvTranspose2d(2, 3, 2, stride=2)(ft.ones((1, 2, 4, 4))).shape
        (1, 3, 8, 8)
    """

    _nd = 2
    _transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = 1,
                 padding: int | tuple[int, ...] = 0,  # no "same": refused in forward
                 output_padding: int | tuple[int, ...] = 0, groups: int = 1, bias: bool = True,
                 dilation: int | tuple[int, ...] = 1, padding_mode: Literal["zeros"] = "zeros",
                 device: Any = None, dtype: DTypeLike = None, *, key: Key | None = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype,
                         output_padding=output_padding, key=key)

    @method_doc("The transposed convolution of ``input``.", returns=TRANSPOSED_RETURNS,
                args={"input": "``(N, C_in, H, W)`` or ``(C_in, H, W)``.",
                      "output_size": OUTPUT_SIZE_ARG},
                example=">>> x = ft.ones((1, 1, 2, 2))  # sizes (2 - 1) 2 + 3 = 5 or 6\n"
                        ">>> nn.ConvTranspose2d(1, 1, 3, stride=2).forward(x, output_size=(6, 6))"
                        ".shape\n(1, 1, 6, 6)")
    def forward(self, input: ArrayLike, output_size: Sequence[int] | None = None) -> Array:
        name = type(self).__name__
        output_padding = self.output_padding
        if output_size is not None:
            output_padding = output_padding_for(tuple(input.shape), output_size, self.stride,
                                                self.padding, self.kernel_size, self.dilation,
                                                name)
        return conv_transpose(input, self.weight, self.bias, self.stride, self.padding,
                              output_padding, self.groups, self.dilation, name)
