"""Linear, Bilinear, Identity, Flatten, Unflatten."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import funtorch as ft
from funtorch.nn import functional as F
from funtorch.nn._layer_utils import (check_sizes, default_bias, default_weight, make_param,
                                      split_keys)
from funtorch.nn import init
from funtorch.nn._layer_docs import method_doc, repr_doc
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike, DTypeLike, Key

__all__ = ["Identity", "Linear", "Bilinear", "Flatten", "Unflatten"]


class Identity(Module):
    """Returns its input unchanged (a placeholder layer).

    Args:
        args: any positional arguments, ignored (torch's signature).
        kwargs: any keyword arguments, ignored.

    Shape:
        Input any shape ``(*)``; output the same array.

    Example:
        >>> ft.nn.Identity(54, unused="x")(ft.array([1.0, 2.0])).tolist()
        [1.0, 2.0]
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    @method_doc("Return ``input`` unchanged.", args="any array (or any value).",
                returns="``input`` itself.",
                example=">>> nn.Identity().forward(ft.array([1.0, 2.0])).tolist()\n[1.0, 2.0]")
    def forward(self, input: Array) -> Array:
        return input


class Linear(Module):
    """Affine map ``y = x W^T + b``.

    ``weight`` is ``(out_features, in_features)``, drawn like torch's default (kaiming_uniform
    with ``a = sqrt(5)``, i.e. U(-1/sqrt(in_features), 1/sqrt(in_features))), and ``bias``
    ``(out_features,)`` from the same range.

    Args:
        in_features: the size of each input sample's last axis.
        out_features: the size of each output sample's last axis.
        bias: learn an additive bias (False: ``bias`` is None).
        device: the device of the parameters (``"cpu"``; see ``Array.to``), or None.
        dtype: the parameters' float dtype; None for ``ft.get_default_dtype()``.
        key: a PRNG key (``ft.random.key``) for the initial parameters; None draws them from
            the global generator.

    Raises:
        ValueError: ``in_features`` or ``out_features`` is not a non-negative integer.

    Shape:
        Input ``(*, in_features)``; output ``(*, out_features)``.

    Example:
        >>> ft.nn.Linear(3, 2, key=ft.random.key(0))(ft.ones((4, 3))).shape
        (4, 2)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device: Any = None,
                 dtype: DTypeLike = None, *, key: Key | None = None) -> None:
        super().__init__()
        check_sizes(self, in_features=in_features, out_features=out_features)
        self.in_features, self.out_features = in_features, out_features
        wkey, bkey = split_keys(key, 2)
        self.weight = default_weight(wkey, (out_features, in_features), dtype, device)
        if bias:
            self.bias = default_bias(bkey, (out_features,), in_features, dtype, device)
        else:
            self.register_parameter("bias", None)

    @method_doc("``input @ weight.T + bias``.", args="an array ``(*, in_features)``.",
                returns="An array ``(*, out_features)`` of the parameters' dtype.",
                example=">>> nn.Linear(3, 2).forward(ft.ones(3)).shape\n(2,)")
    def forward(self, input: ArrayLike) -> Array:
        return F.linear(input, self.weight, self.bias)

    @repr_doc("nn.Linear(3, 2, bias=False)", "'in_features=3, out_features=2, bias=False'")
    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """Bilinear map ``y_o = x1^T A_o x2 + b_o`` for each output feature ``o``.

    ``weight`` is ``(out_features, in1_features, in2_features)`` and ``bias``
    ``(out_features,)``, both drawn from U(-1/sqrt(in1_features), 1/sqrt(in1_features)).

    Args:
        in1_features: the size of ``input1``'s last axis.
        in2_features: the size of ``input2``'s last axis.
        out_features: the size of the output's last axis.
        bias: learn an additive bias (False: ``bias`` is None).
        device: the device of the parameters (``"cpu"``; see ``Array.to``), or None.
        dtype: the parameters' float dtype; None for ``ft.get_default_dtype()``.
        key: a PRNG key for the initial parameters; None draws them from the global generator.

    Raises:
        ValueError: a feature count is not a non-negative integer.

    Shape:
        Inputs ``(*, in1_features)`` and ``(*, in2_features)``; output ``(*, out_features)``.

    Example:
        >>> ft.nn.Bilinear(2, 3, 4)(ft.ones((5, 2)), ft.ones((5, 3))).shape
        (5, 4)
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: DTypeLike = None, *, key: Key | None = None) -> None:
        super().__init__()
        check_sizes(self, in1_features=in1_features, in2_features=in2_features,
                    out_features=out_features)
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        wkey, bkey = split_keys(key, 2)
        bound = 1.0 / math.sqrt(in1_features)
        shape = (out_features, in1_features, in2_features)
        self.weight = make_param(init.uniform(wkey, shape, -bound, bound, dtype), device)
        if bias:
            self.bias = default_bias(bkey, (out_features,), in1_features, dtype, device)
        else:
            self.register_parameter("bias", None)

    @method_doc("``input1^T A_o input2 + b_o`` for each output feature ``o``.",
                args={"input1": "an array ``(*, in1_features)``.",
                      "input2": "an array ``(*, in2_features)``, the same leading axes ``*``."},
                returns="An array ``(*, out_features)``.",
                example=">>> nn.Bilinear(2, 3, 4).forward(ft.ones((1, 2)), ft.ones((1, 3))).shape\n"
                        "(1, 4)")
    def forward(self, input1: ArrayLike, input2: ArrayLike) -> Array:
        return F.bilinear(input1, input2, self.weight, self.bias)

    @repr_doc("nn.Bilinear(2, 3, 4)", "'in1_features=2, in2_features=3, out_features=4, bias=True'")
    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class Flatten(Module):
    """Flatten axes ``start_dim..end_dim`` (inclusive) into one.

    Args:
        start_dim: the first axis to flatten (1 keeps the batch axis).
        end_dim: the last axis to flatten (negative counts from the end).

    Shape:
        Input ``(*, S_start, ..., S_end, *)``; output ``(*, S_start * ... * S_end, *)``: with
        the defaults ``(N, *dims) -> (N, prod(dims))``.

    Example:
        >>> ft.nn.Flatten()(ft.ones((2, 3, 4))).shape
        (2, 12)
        >>> ft.nn.Flatten(0, 1)(ft.ones((2, 3, 4))).shape
        (6, 4)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    @method_doc("Merge axes ``start_dim..end_dim`` of ``input`` into one.",
                args="an array with at least one axis.",
                returns="``input`` reshaped: the merged axes replaced by their product.",
                example=">>> nn.Flatten(1, 2).forward(ft.ones((2, 3, 4, 5))).shape\n(2, 12, 5)")
    def forward(self, input: ArrayLike) -> Array:
        start, end = self.start_dim % input.ndim, self.end_dim % input.ndim
        return ft.reshape(input, tuple(input.shape[:start]) + (-1,)
                          + tuple(input.shape[end + 1:]))

    @repr_doc("nn.Flatten()", "'start_dim=1, end_dim=-1'")
    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expand axis ``dim`` into the axes ``unflattened_size`` (Flatten's inverse).

    Args:
        dim: the axis to expand (negative counts from the end).
        unflattened_size: the new axes' sizes; their product is the size of axis ``dim``.

    Shape:
        Input ``(*, S_dim, *)``; output ``(*, U_1, ..., U_k, *)`` with ``prod(U) == S_dim``.

    Example:
        >>> ft.nn.Unflatten(1, (3, 4))(ft.ones((2, 12))).shape
        (2, 3, 4)
    """

    def __init__(self, dim: int | None, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    @method_doc("Split axis ``dim`` of ``input`` into the axes ``unflattened_size``.",
                args="an array ``(*, S_dim, *)``, ``S_dim`` the product of ``unflattened_size``.",
                returns="``input`` reshaped to ``(*, U_1, ..., U_k, *)``.",
                example=">>> nn.Unflatten(-1, (2, 3)).forward(ft.ones((4, 6))).shape\n(4, 2, 3)")
    def forward(self, input: ArrayLike) -> Array:
        dim = self.dim % input.ndim
        return ft.reshape(input, tuple(input.shape[:dim]) + self.unflattened_size
                          + tuple(input.shape[dim + 1:]))

    @repr_doc("nn.Unflatten(1, (3, 4))", "'dim=1, unflattened_size=(3, 4)'")
    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
