"""Activation layers: thin wrappers around ``ft.nn.functional``."""

from __future__ import annotations

from typing import Literal

from funtorch.nn import functional as F
from funtorch.nn._layer_docs import ANY_SHAPE, SAME_SHAPE, method_doc, repr_doc
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike

__all__ = ["ReLU", "LeakyReLU", "ELU", "GELU", "SiLU", "Sigmoid", "Tanh", "Softmax",
           "LogSoftmax", "Softplus"]


class ReLU(Module):
    """max(x, 0), elementwise.

    Args:
        inplace: accepted for torch's signature; arrays are immutable, so it changes nothing.

    Shape:
        Input any shape ``(*)``; output the same shape.

    Example:
        >>> ft.nn.ReLU()(ft.array([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    @method_doc("max(``input``, 0), elementwise.", args=ANY_SHAPE, returns=SAME_SHAPE,
                example=">>> nn.ReLU().forward(ft.array([-1.0, 2.0])).tolist()\n[0.0, 2.0]")
    def forward(self, input: ArrayLike) -> Array:
        return F.relu(input)

    @repr_doc("nn.ReLU(inplace=True)", "'inplace=True'")
    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """``x`` where ``x >= 0``, else ``negative_slope * x``, elementwise.

    Args:
        negative_slope: the slope for negative inputs.
        inplace: accepted for torch's signature; arrays are immutable, so it changes nothing.

    Shape:
        Input any shape ``(*)``; output the same shape.

    Example:
        >>> ft.nn.LeakyReLU(0.5)(ft.array([-2.0, 2.0])).tolist()
        [-1.0, 2.0]
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    @method_doc("``input`` where it is >= 0, else ``negative_slope * input``, elementwise.",
                args=ANY_SHAPE, returns=SAME_SHAPE,
                example=">>> nn.LeakyReLU(0.5).forward(ft.array([-2.0, 2.0])).tolist()\n"
                        "[-1.0, 2.0]")
    def forward(self, input: ArrayLike) -> Array:
        return F.leaky_relu(input, self.negative_slope)

    @repr_doc("nn.LeakyReLU(0.5)", "'negative_slope=0.5'")
    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``, elementwise.

    Args:
        alpha: the scale of the negative part (its limit at -inf is ``-alpha``).
        inplace: accepted for torch's signature; arrays are immutable, so it changes nothing.

    Shape:
        Input any shape ``(*)``; output the same shape.

    Example:
        >>> ft.nn.ELU()(ft.array([-1.0, 2.0])).tolist()  # [exp(-1) - 1, 2]
        [-0.6321, 2.0]
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    @method_doc("``input`` where it is > 0, else ``alpha * (exp(input) - 1)``, elementwise.",
                args=ANY_SHAPE, returns=SAME_SHAPE,
                example=">>> x = ft.log(ft.array([0.5, 4.0]))  # [2 * (0.5 - 1), log 4]\n"
                        ">>> nn.ELU(alpha=2.0).forward(x).tolist()\n[-1.0, 1.3863]")
    def forward(self, input: ArrayLike) -> Array:
        return F.elu(input, self.alpha)

    @repr_doc("nn.ELU(alpha=2.0)", "'alpha=2.0'")
    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class GELU(Module):
    """x * Phi(x) (Phi the standard normal CDF), elementwise.

    Args:
        approximate: "none" for the exact erf formula, "tanh" for
            ``0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))``.

    Raises:
        ValueError: ``approximate`` is neither "none" nor "tanh".

    Shape:
        Input any shape ``(*)``; output the same shape.

    Example:
        >>> ft.nn.GELU()(ft.array([0.0, 1.0])).tolist()  # 1 * Phi(1)
        [0.0, 0.8413]
    """

    def __init__(self, approximate: Literal["none", "tanh"] = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    @method_doc("``input * Phi(input)`` (or its tanh approximation), elementwise.",
                args=ANY_SHAPE, returns=SAME_SHAPE,
                example='>>> nn.GELU(approximate="tanh").forward(ft.array([0.0, 1.0])).tolist()\n'
                        '[0.0, 0.8412]')
    def forward(self, input: ArrayLike) -> Array:
        return F.gelu(input, approximate=self.approximate)

    @repr_doc("nn.GELU()", '"approximate=\'none\'"')
    def extra_repr(self) -> str:
        return f"approximate='{self.approximate}'"


class SiLU(Module):
    """x * sigmoid(x) (swish), elementwise.

    Args:
        inplace: accepted for torch's signature; arrays are immutable, so it changes nothing.

    Shape:
        Input any shape ``(*)``; output the same shape.

    Example:
        >>> ft.nn.SiLU()(ft.array([0.0, 1.0])).tolist()  # 1 / (1 + exp(-1))
        [0.0, 0.7311]
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    @method_doc("``input * sigmoid(input)``, elementwise.", args=ANY_SHAPE, returns=SAME_SHAPE,
                example=">>> nn.SiLU().forward(ft.array([0.0, 1.0])).tolist()  # 1 / (1 + e^-1)\n"
                        "[0.0, 0.7311]")
    def forward(self, input: ArrayLike) -> Array:
        return F.silu(input)

    @repr_doc("nn.SiLU()", "''")
    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """1 / (1 + exp(-x)), elementwise (no constructor arguments).

    Shape:
        Input any shape ``(*)``; output the same shape.

    Example:
        >>> ft.nn.Sigmoid()(ft.array([0.0])).tolist()
        [0.5]
    """

    @method_doc("``1 / (1 + exp(-input))``, elementwise.", args=ANY_SHAPE, returns=SAME_SHAPE,
                example=">>> nn.Sigmoid().forward(ft.log(ft.array([1.0, 3.0]))).tolist()  # 3 / 4\n"
                        "[0.5, 0.75]")
    def forward(self, input: ArrayLike) -> Array:
        return F.sigmoid(input)


class Tanh(Module):
    """tanh(x), elementwise (no constructor arguments).

    Shape:
        Input any shape ``(*)``; output the same shape.

    Example:
        >>> ft.nn.Tanh()(ft.array([0.0, 1.0])).tolist()
        [0.0, 0.7616]
    """

    @method_doc("``tanh(input)``, elementwise.", args=ANY_SHAPE, returns=SAME_SHAPE,
                example=">>> nn.Tanh().forward(ft.array([0.0, -1.0])).tolist()\n[0.0, -0.7616]")
    def forward(self, input: ArrayLike) -> Array:
        return F.tanh(input)


class Softmax(Module):
    """exp(x) / sum(exp(x)) along ``dim`` (``F.softmax``).

    Args:
        dim: the axis to normalize over. None picks torch's legacy implicit axis (0 for 0-d,
            1-d and 3-d input, else 1); pass it explicitly.

    Shape:
        Input any shape ``(*)``; output the same shape, summing to 1 along ``dim``.

    Example:
        >>> ft.nn.Softmax(dim=-1)(ft.log(ft.array([[1.0, 3.0]]))).tolist()
        [[0.25, 0.75]]
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    @method_doc("``exp(input) / sum(exp(input))`` along ``dim``.", args=ANY_SHAPE,
                returns="An array of ``input``'s shape and dtype, summing to 1 along ``dim``.",
                example=">>> x = ft.log(ft.array([[1.0, 1.0], [1.0, 3.0]]))\n"
                        ">>> nn.Softmax(dim=1).forward(x).tolist()\n[[0.5, 0.5], [0.25, 0.75]]")
    def forward(self, input: ArrayLike) -> Array:
        return F.softmax(input, self.dim)

    @repr_doc("nn.Softmax(dim=1)", "'dim=1'")
    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log(softmax(x)) along ``dim``, computed stably (``F.log_softmax``).

    Args:
        dim: the axis to normalize over. None picks torch's legacy implicit axis (0 for 0-d,
            1-d and 3-d input, else 1); pass it explicitly.

    Shape:
        Input any shape ``(*)``; output the same shape.

    Example:
        >>> ft.nn.LogSoftmax(dim=0)(ft.zeros(2)).tolist()  # log(1 / 2)
        [-0.6931, -0.6931]
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    @method_doc("``log(softmax(input))`` along ``dim``, computed stably.", args=ANY_SHAPE,
                returns=SAME_SHAPE,
                example=">>> x = ft.log(ft.array([[1.0, 3.0]]))  # [log 0.25, log 0.75]\n"
                        ">>> nn.LogSoftmax(dim=1).forward(x).tolist()\n[[-1.3863, -0.2877]]")
    def forward(self, input: ArrayLike) -> Array:
        return F.log_softmax(input, self.dim)

    @repr_doc("nn.LogSoftmax()", "'dim=None'")
    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softplus(Module):
    """log(1 + exp(beta * x)) / beta, elementwise; ``x`` itself where ``beta * x > threshold``.

    Args:
        beta: the sharpness (larger is closer to ReLU).
        threshold: above this ``beta * x`` the output is ``x`` (avoids overflow).

    Shape:
        Input any shape ``(*)``; output the same shape.

    Example:
        >>> ft.nn.Softplus()(ft.array([0.0, 30.0])).tolist()  # [log 2, 30 (linear)]
        [0.6931, 30.0]
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    @method_doc("``log(1 + exp(beta * input)) / beta``, elementwise (linear above ``threshold``).",
                args=ANY_SHAPE, returns=SAME_SHAPE,
                example=">>> nn.Softplus(beta=2.0).forward(ft.array([0.0, 30.0])).tolist()\n"
                        "[0.3466, 30.0]")
    def forward(self, input: ArrayLike) -> Array:
        return F.softplus(input, self.beta, self.threshold)

    @repr_doc("nn.Softplus(beta=2.0)", "'beta=2.0, threshold=20.0'")
    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"
