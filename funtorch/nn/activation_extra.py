"""The rest of torch.nn's activation layers (``Hardtanh``, ``ReLU6``, ``SELU``, ``CELU``,
``GLU``, ``Mish``, ``Softmin``, ``Softshrink``, ``Threshold``, ``RReLU``, ``PReLU``, ...):
thin layers over the ``F`` functions (``F.hardtanh`` & co. live in
``functional/activations_extra.py``, the others in ``functional/activations_torch.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funtorch.nn import functional as F
from funtorch.nn._layer_docs import ANY_SHAPE, KEY_ARG, SAME_SHAPE, add_shape, method_doc, repr_doc
from funtorch.nn._layer_utils import make_param
from funtorch.nn._stateless import REQUIRED, Option, _Stateless, stateless
from funtorch.nn.dropout import _DropoutNd
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike, DTypeLike, Key

import funtorch as ft

__all__ = ["Hardtanh", "ReLU6", "SELU", "CELU", "GLU", "Mish", "Hardsigmoid", "Hardswish",
           "LogSigmoid", "Softsign", "Softmin", "Softmax2d", "Softshrink", "Hardshrink",
           "Tanhshrink", "Threshold", "RReLU", "PReLU"]

_INPLACE = ("inplace", False, None)


def _softmax2d(input: Array) -> Array:
    if input.ndim not in (3, 4):
        raise ValueError(f"Softmax2d: expected a 3-d or 4-d input, got shape "
                         f"{tuple(input.shape)}")
    return F.softmax(input, dim=-3)


def _example(layer: str, values: str, result: str) -> str:
    return (f"\n\nExample:\n    >>> ft.nn.{layer}(ft.array({values})).tolist()\n"
            f"    {result}")


_ELEMENTWISE = "Input any shape ``(*)``; output the same shape."


def _layer(name: str, fn: Callable[..., Any] | None, options: tuple[Option, ...],
           doc: str, shape: str = _ELEMENTWISE) -> type[_Stateless]:
    """The layer, its docstring with a ``Shape:`` section after the generated Args."""
    return add_shape(stateless(name, fn, options, doc, module=__name__), shape)


Hardtanh = _layer("Hardtanh", F.hardtanh, (("min_val", -1.0, "min_val"),
                                           ("max_val", 1.0, "max_val"), _INPLACE),
                  "Clamp to ``[min_val, max_val]`` elementwise." + _example(
                      "Hardtanh(-2.0, 2.0)", "[-3.0, 0.5, 3.0]", "[-2.0, 0.5, 2.0]"))
ReLU6 = _layer("ReLU6", F.relu6, (_INPLACE,), "``min(max(x, 0), 6)`` elementwise." + _example(
    "ReLU6()", "[-1.0, 3.0, 8.0]", "[0.0, 3.0, 6.0]"))
SELU = _layer("SELU", F.selu, (_INPLACE,), "Scaled ELU with torch's constants." + _example(
    "SELU()", "[0.0, 1.0]", "[0.0, 1.0507]"))
CELU = _layer("CELU", F.celu, (("alpha", 1.0, "alpha"), _INPLACE),
              "``max(x, 0) + min(0, alpha * expm1(x / alpha))``." + _example(
                  "CELU()", "[0.0, 2.0]", "[0.0, 2.0]"))
GLU = _layer("GLU", F.glu, (("dim", -1, "dim"),),
             "Gated linear unit: ``a * sigmoid(b)`` of the two halves along ``dim``."
             + _example("GLU()", "[1.0, 2.0, 0.0, 0.0]", "[0.5, 1.0]"),
             "Input ``(*, 2 M, *)`` (axis ``dim`` of even size); output ``(*, M, *)``.")
Mish = _layer("Mish", F.mish, (_INPLACE,), "``x * tanh(softplus(x))``." + _example(
    "Mish()", "[0.0, 1.0]", "[0.0, 0.8651]"))
Hardsigmoid = _layer("Hardsigmoid", F.hardsigmoid, (_INPLACE,), "``relu6(x + 3) / 6``." + _example(
    "Hardsigmoid()", "[-3.0, 0.0, 3.0]", "[0.0, 0.5, 1.0]"))
Hardswish = _layer("Hardswish", F.hardswish, (_INPLACE,), "``x * relu6(x + 3) / 6``." + _example(
    "Hardswish()", "[0.0, 1.0, 3.0]", "[0.0, 0.6667, 3.0]"))
LogSigmoid = _layer("LogSigmoid", F.logsigmoid, (), "``log(sigmoid(x))``, stably." + _example(
    "LogSigmoid()", "[0.0]", "[-0.6931]"))
Softsign = _layer("Softsign", F.softsign, (), "``x / (1 + |x|)``." + _example(
    "Softsign()", "[-1.0, 3.0]", "[-0.5, 0.75]"))
Softmin = _layer("Softmin", F.softmin, (("dim", None, "dim"),), "``softmax(-x, dim)``." + _example(
    "Softmin(dim=0)", "[1.0, 1.0]", "[0.5, 0.5]"))
Softmax2d = _layer("Softmax2d", _softmax2d, (),
                   "Softmax over the channels of ``(N, C, H, W)`` or ``(C, H, W)`` inputs."
                   + _example("Softmax2d()", "[[[0.0]], [[0.0]]]", "[[[0.5]], [[0.5]]]"),
                   "Input ``(N, C, H, W)`` or ``(C, H, W)``; output the same shape.")
Softshrink = _layer("Softshrink", F.softshrink, (("lambd", 0.5, "lambd"),),
                    "Shrink towards zero by ``lambd`` (zero inside ``[-lambd, lambd]``)."
                    + _example("Softshrink()", "[-1.0, 0.25, 2.0]", "[-0.5, 0.0, 1.5]"))
Hardshrink = _layer("Hardshrink", F.hardshrink, (("lambd", 0.5, "lambd"),),
                    "Zero inside ``[-lambd, lambd]``, identity outside."
                    + _example("Hardshrink()", "[-1.0, 0.25, 2.0]", "[-1.0, 0.0, 2.0]"))
Tanhshrink = _layer("Tanhshrink", F.tanhshrink, (), "``x - tanh(x)``." + _example(
    "Tanhshrink()", "[0.0, 1.0]", "[0.0, 0.2384]"))
Threshold = _layer("Threshold", F.threshold, (("threshold", REQUIRED, "threshold"),
                                              ("value", REQUIRED, "value"), _INPLACE),
                   "``x`` where ``x > threshold``, else ``value``."
                   + _example("Threshold(0.5, -1.0)", "[0.25, 0.75]", "[-1.0, 0.75]"))


class RReLU(_Stateless):
    """Randomised leaky ReLU: ``x`` where ``x >= 0``, else ``a * x``, with slopes ``a`` drawn
    from U(lower, upper) per element in training mode and ``(lower + upper) / 2`` in eval mode.

    Args:
        lower: the lower bound of the slope distribution.
        upper: the upper bound of the slope distribution.
        inplace: accepted for torch's signature; arrays are immutable, so it changes nothing.

    Training-mode slopes come from ``forward``'s ``key=``, the key ``functional_call(...,
    key=)`` gives the layer, or the global generator.

    Shape:
        Input any shape ``(*)``; output the same shape.

    Example:
        >>> ft.nn.RReLU().eval()(ft.array([-3.0, 2.0])).tolist()  # -3 * (1/8 + 1/3) / 2
        [-0.6875, 2.0]
    """

    _options = (("lower", 1.0 / 8, "lower"), ("upper", 1.0 / 3, "upper"), _INPLACE)
    _uses_key = True  # functional_call(..., key=) gives it a key, as to Dropout

    @method_doc("``input`` where it is >= 0, else a random slope ``a`` times ``input``.",
                args={"input": ANY_SHAPE, "key": KEY_ARG},
                returns=SAME_SHAPE,
                example=">>> nn.RReLU(0.5, 0.5).forward(ft.array([-2.0, 2.0])).tolist()  # a: 0.5\n"
                        "[-1.0, 2.0]")
    def forward(self, input: ArrayLike, key: Key | None = None) -> Array:
        key = _DropoutNd._next_key(self, key) if self.training else None
        return F.rrelu(input, self.lower, self.upper, self.training, key=key)


class PReLU(Module):
    """``max(0, x) + a * min(0, x)`` with learned slopes ``a`` (the ``weight``, shape
    ``(num_parameters,)``): one per channel (axis 1) or one shared by every element.

    Args:
        num_parameters: how many slopes: 1, or the number of channels ``C``.
        init: the slopes' initial value.
        device: the device of the weight (``"cpu"``; see ``Array.to``), or None.
        dtype: the weight's float dtype; None for ``ft.get_default_dtype()``.

    Shape:
        Input ``(N, C, *)`` (any shape when ``num_parameters == 1``); output the same shape.

    Example:
        >>> ft.nn.PReLU()(ft.array([-2.0, 1.0])).tolist()  # slope 0.25
        [-0.5, 1.0]
        >>> ft.nn.PReLU(3)(ft.ones((2, 3, 4))).shape
        (2, 3, 4)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = make_param(ft.full((num_parameters,), init,
                                         dtype=dtype or ft.get_default_dtype()), device)

    @method_doc("``max(0, input) + a * min(0, input)``, the slopes ``a`` along axis 1.",
                args="an array ``(N, C, *)`` (any shape when ``num_parameters == 1``).",
                returns=SAME_SHAPE,
                example=">>> x = ft.array([[-2.0, -4.0], [1.0, 3.0]])\n"
                        ">>> nn.PReLU(2, init=0.5).forward(x).tolist()\n[[-1.0, -2.0], [1.0, 3.0]]")
    def forward(self, input: ArrayLike) -> Array:
        return F.prelu(input, self.weight)

    @repr_doc("nn.PReLU(3)", "'num_parameters=3'")
    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"
