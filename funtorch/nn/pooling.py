"""MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool2d."""

from __future__ import annotations

import inspect
from typing import Any, TypeVar

from funtorch.nn import functional as F
from funtorch.nn._layer_docs import method_doc, repr_doc, wrap as _wrap
from funtorch.nn.functional.conv import ntuple
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike, ShapeLike

__all__ = ["MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool2d"]

_POOL_ARGS = {
    "kernel_size": "the window size: {ints}.",
    "stride": "the step between windows: {ints}; None (default) for ``kernel_size``.",
    "padding": "{fill} added on both sides of each spatial axis (at most half the kernel): "
               "{ints}.",
    "dilation": "the spacing between window elements: {ints}.",
    "return_indices": "the call gives ``(output, indices)``: the int64 position of each "
                      "maximum in its input {plane}, as ``MaxUnpool`` takes them.",
    "ceil_mode": "round the output size up instead of down (a last, partial window is kept "
                 "when it starts inside the input or the left padding).",
    "count_include_pad": "the zero padding counts in each window's divisor.",
    "divisor_override": "divide each window's sum by this instead of its element count.",
}
_MAX_RETURNS = ("The maxima ``(N, C, {out})`` (or without ``N``), the sizes as the Shape section "
                "of the class says; with ``return_indices`` the pair ``(output, indices)``, "
                "the indices int64.")
_SPATIAL = {1: ("L",), 2: ("H", "W")}
_Layer = TypeVar("_Layer", bound=type)


def _pool_doc(nd: int) -> Any:
    """A class decorator: the pooling layer's docstring gets Args (its constructor's, in
    order), Raises and Shape sections for ``nd`` spatial axes, before its example."""
    def decorate(cls: _Layer) -> _Layer:
        is_max = "MaxPool" in cls.__name__
        values = {"ints": "an int (or a 1-tuple)" if nd == 1 else "an int or a tuple of 2",
                  "fill": "-inf" if is_max else "zeros",
                  "plane": "row" if nd == 1 else "plane (``h * W + w``; ties: the first)"}
        args = "\n".join(_wrap(f"{name}: " + _POOL_ARGS[name].format(**values), hanging=True)
                          for name in inspect.signature(cls).parameters)
        dims = _SPATIAL[nd]
        spatial, out = ", ".join(dims), ", ".join(f"{d}_out" for d in dims)
        dilation = "dilation * (k - 1)" if is_max else "k"
        shape = ("Shape:\n" + _wrap(f"Input ``(N, C, {spatial})`` or ``(C, {spatial})``; "
                                    f"output ``(N, C, {out})`` (or without ``N``), where for "
                                    "each spatial axis ``X`` (with that axis's ``k``, "
                                    "``stride``, ...) ``X_out = floor((X_in + 2 padding - "
                                    f"{dilation}{' - 1' if is_max else ''}) / stride + 1)`` "
                                    "(``ceil`` with ``ceil_mode``).", hanging=False))
        raises = ("Raises:\n    ValueError: a kernel size" + (", stride or dilation" if is_max
                                                              else " or stride")
                  + " below 1, or a negative padding.")
        head, sep, example = inspect.cleandoc(cls.__doc__ or "").partition("\n\nExample:")
        cls.__doc__ = f"{head}\n\nArgs:\n{args}\n\n{raises}\n\n{shape}{sep}{example}"
        return cls
    return decorate


def _check_window(layer: Module, **sizes: Any) -> None:
    """Refuse a zero or negative kernel size, stride or dilation, a negative padding."""
    for name, value in sizes.items():
        if value is not None:
            ntuple(value, len(value) if isinstance(value, (tuple, list)) else 1, name,
                   type(layer).__name__)


class _MaxPoolNd(Module):
    def __init__(self, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None, padding: int | tuple[int, ...] = 0,
                 dilation: int | tuple[int, ...] = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        _check_window(self, kernel_size=kernel_size, stride=stride, padding=padding,
                      dilation=dilation)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    @repr_doc("nn.MaxPool1d(2)",
              "'kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False'")
    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


@_pool_doc(1)
class MaxPool1d(_MaxPoolNd):
    """The maximum over sliding windows of ``(N, C, L)`` inputs.

    Example:
        >>> out, idx = ft.nn.MaxPool1d(2, return_indices=True)(ft.array([[[1.0, 3.0, 4.0, 2.0]]]))
        >>> out.tolist(), idx.tolist()
        ([[[3.0, 4.0]]], [[[1, 2]]])
    """

    @method_doc("The maximum of every window of ``input``.", args="``(N, C, L)`` or ``(C, L)``.",
                returns=_MAX_RETURNS.format(out="L_out"),
                example=">>> x = ft.array([[[1.0, 3.0, 4.0, 2.0]]])\n"
                        ">>> nn.MaxPool1d(2, stride=1).forward(x).tolist()\n[[[3.0, 4.0, 4.0]]]")
    def forward(self, input: ArrayLike) -> Any:
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


@_pool_doc(2)
class MaxPool2d(_MaxPoolNd):
    """The maximum over sliding 2-d windows of ``(N, C, H, W)`` inputs.

    Example:
        >>> out, idx = ft.nn.MaxPool2d(2, return_indices=True)(ft.randn(1, 3, 4, 4))
        >>> idx.shape, idx.dtype
        ((1, 3, 2, 2), dtype('int64'))
    """

    @method_doc("The maximum of every 2-d window of ``input``.",
                args="``(N, C, H, W)`` or ``(C, H, W)``.",
                returns=_MAX_RETURNS.format(out="H_out, W_out"),
                example=">>> x = ft.array([[[[1.0, 2.0], [4.0, 3.0]]]])\n"
                        ">>> nn.MaxPool2d(2).forward(x).tolist()\n[[[[4.0]]]]")
    def forward(self, input: ArrayLike) -> Any:
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


@_pool_doc(1)
class AvgPool1d(Module):
    """The mean over sliding windows of ``(N, C, L)`` inputs.

    Example:
        >>> ft.nn.AvgPool1d(2)(ft.array([[[1.0, 3.0, 2.0, 4.0]]])).tolist()
        [[[2.0, 3.0]]]
    """

    def __init__(self, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None,
                 padding: int | tuple[int, ...] | str = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        _check_window(self, kernel_size=kernel_size, stride=stride, padding=padding)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad = count_include_pad

    @method_doc("The mean of every window of ``input``.", args="``(N, C, L)`` or ``(C, L)``.",
                returns="An array ``(N, C, L_out)`` (or ``(C, L_out)``), ``L_out`` as the Shape "
                        "section of the class says.",
                example=">>> x = ft.array([[[1.0, 3.0, 2.0]]])\n"
                        ">>> nn.AvgPool1d(2, stride=1).forward(x).tolist()\n[[[2.0, 2.5]]]")
    def forward(self, input: ArrayLike) -> Array:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    @repr_doc("nn.AvgPool1d(3, stride=1)", "'kernel_size=3, stride=1, padding=0'")
    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


@_pool_doc(2)
class AvgPool2d(AvgPool1d):
    """The mean over sliding 2-d windows of ``(N, C, H, W)`` inputs.

    Example:
        >>> ft.nn.AvgPool2d(2)(ft.ones((1, 1, 4, 6))).shape
        (1, 1, 2, 3)
    """

    def __init__(self, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None,
                 padding: int | tuple[int, ...] | str = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)
        self.divisor_override = divisor_override

    @method_doc("The mean of every 2-d window of ``input``.",
                args="``(N, C, H, W)`` or ``(C, H, W)``.",
                returns="An array ``(N, C, H_out, W_out)`` (or without ``N``), the sizes as the "
                        "Shape section of the class says.",
                example=">>> x = ft.array([[[[1.0, 2.0], [4.0, 3.0]]]])\n"
                        ">>> nn.AvgPool2d(2).forward(x).tolist()\n[[[[2.5]]]]")
    def forward(self, input: ArrayLike) -> Array:
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AdaptiveAvgPool2d(Module):
    """Average ``(N, C, H, W)`` inputs into a fixed ``output_size``: output cell ``i`` of an
    axis of size ``n`` averages input rows ``floor(i n / out)`` to ``ceil((i + 1) n / out)``.

    Args:
        output_size: ``(H_out, W_out)``, or one int for both; a None entry keeps that axis's
            input size.

    Shape:
        Input ``(N, C, H, W)`` or ``(C, H, W)``; output ``(N, C, H_out, W_out)`` (or without
        ``N``).

    Example:
        >>> ft.nn.AdaptiveAvgPool2d((2, 3))(ft.ones((1, 1, 5, 7))).shape
        (1, 1, 2, 3)
        >>> ft.nn.AdaptiveAvgPool2d(1)(ft.array([[[[1.0, 2.0], [3.0, 4.0]]]])).tolist()
        [[[[2.5]]]]
    """

    def __init__(self, output_size: ShapeLike | None) -> None:
        super().__init__()
        self.output_size = output_size

    @method_doc("Average ``input`` into ``output_size`` cells per plane.",
                args="``(N, C, H, W)`` or ``(C, H, W)``.",
                returns="An array ``(N, C, H_out, W_out)`` (or without ``N``), ``input``'s "
                        "dtype.",
                example=">>> x = ft.array([[[[1.0, 2.0], [3.0, 6.0]]]])\n"
                        ">>> nn.AdaptiveAvgPool2d((1, 2)).forward(x).tolist()  # column means\n"
                        "[[[[2.0, 4.0]]]]")
    def forward(self, input: ArrayLike) -> Array:
        return F.adaptive_avg_pool2d(input, self.output_size)

    @repr_doc("nn.AdaptiveAvgPool2d((1, 2))", "'output_size=(1, 2)'")
    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
