"""MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool2d."""

from __future__ import annotations

from typing import Any

from funtorch.nn import functional as F
from funtorch.nn.functional.conv import ntuple
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike, ShapeLike

__all__ = ["MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool2d"]


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

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Max over windows: ``(N, C, L) -> (N, C, L_out)``; with ``return_indices=True``
    returns ``(output, indices)``, PyTorch's int64 positions in each input row.

    Example:
        >>> out, idx = ft.nn.MaxPool1d(2, return_indices=True)(ft.array([[[1.0, 3.0, 4.0, 2.0]]]))
        >>> out.tolist(), idx.tolist()
        ([[[3.0, 4.0]]], [[[1, 2]]])
    """

    def forward(self, input: ArrayLike) -> Any:
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """Max over 2-d windows: ``(N, C, H, W) -> (N, C, H_out, W_out)``; with
    ``return_indices=True`` returns ``(output, indices)``: PyTorch's int64 flat positions
    ``h * W + w`` in each input plane (ties: the first maximum in scan order).

    Example:
        >>> out, idx = ft.nn.MaxPool2d(2, return_indices=True)(ft.randn(1, 3, 4, 4))
        >>> idx.shape, idx.dtype
        ((1, 3, 2, 2), dtype('int64'))
    """

    def forward(self, input: ArrayLike) -> Any:
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


class AvgPool1d(Module):
    """Mean over windows: ``(N, C, L) -> (N, C, L_out)``.

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

    def forward(self, input: ArrayLike) -> Array:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(AvgPool1d):
    """Mean over 2-d windows (``count_include_pad``, ``ceil_mode``, ``divisor_override``).

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

    def forward(self, input: ArrayLike) -> Array:
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AdaptiveAvgPool2d(Module):
    """Average into a fixed ``output_size``: ``(N, C, H, W) -> (N, C, *output_size)``.

    Example:
        >>> ft.nn.AdaptiveAvgPool2d((2, 3))(ft.ones((1, 1, 5, 7))).shape
        (1, 1, 2, 3)
    """

    def __init__(self, output_size: ShapeLike | None) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: ArrayLike) -> Array:
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
