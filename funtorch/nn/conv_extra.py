"""ConvTranspose1d and ConvTranspose3d (torch's arguments, weight layout and init), over
``functional/conv_extra.py``."""

from __future__ import annotations

from collections.abc import Sequence

from funtorch.nn._layer_docs import method_doc
from funtorch.nn.conv import OUTPUT_SIZE_ARG, TRANSPOSED_RETURNS, ConvTranspose2d
from funtorch.nn.functional.conv import output_padding_for
from funtorch.nn.functional.conv_extra import conv_transpose_nd
from funtorch.typing import Array, ArrayLike

__all__ = ["ConvTranspose1d", "ConvTranspose3d"]


class ConvTranspose1d(ConvTranspose2d):
    """Transposed 1-d convolution (the gradient of ``Conv1d`` with respect to its input),
    over ``(N, C_in, L)`` inputs.

    Example:
        >>> ft.nn.ConvTranspose1d(2, 3, 3, stride=2)(ft.ones((1, 2, 4))).shape
        (1, 3, 9)
    """

    _nd = 1

    @method_doc("The transposed convolution of ``input``.", returns=TRANSPOSED_RETURNS,
                args={"input": "``(N, C_in, *spatial)`` or ``(C_in, *spatial)``, with 1 "
                               "(ConvTranspose1d) or 3 spatial axes.",
                      "output_size": OUTPUT_SIZE_ARG},
                example=">>> layer = nn.ConvTranspose1d(1, 1, 3, stride=2)  # length 5 or 6\n"
                        ">>> layer.forward(ft.ones((1, 1, 2)), output_size=[6]).shape\n(1, 1, 6)")
    def forward(self, input: ArrayLike, output_size: Sequence[int] | None = None) -> Array:
        name = type(self).__name__
        output_padding = self.output_padding if output_size is None else output_padding_for(
            tuple(input.shape), output_size, self.stride, self.padding, self.kernel_size,
            self.dilation, name)
        return conv_transpose_nd(input, self.weight, self.bias, self.stride, self.padding,
                                 output_padding, self.groups, self.dilation, self._nd, name)


class ConvTranspose3d(ConvTranspose1d):
    """Transposed 3-d convolution (the gradient of ``Conv3d`` with respect to its input),
    over ``(N, C_in, D, H, W)`` inputs.

    Example:
        >>> ft.nn.ConvTranspose3d(2, 3, 2, stride=2)(ft.ones((1, 2, 2, 2, 2))).shape
        (1, 3, 4, 4, 4)
    """

    _nd = 3
