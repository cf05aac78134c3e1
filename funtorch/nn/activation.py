"""Activation layers: thin wrappers around ``ft.nn.functional``."""

from __future__ import annotations

from typing import Literal

from funtorch.nn import functional as F
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

    def forward(self, input: ArrayLike) -> Array:
        return F.relu(input)

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

    def forward(self, input: ArrayLike) -> Array:
        return F.leaky_relu(input, self.negative_slope)

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

    def forward(self, input: ArrayLike) -> Array:
        return F.elu(input, self.alpha)

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

    def forward(self, input: ArrayLike) -> Array:
        return F.gelu(input, approximate=self.approximate)

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

    def forward(self, input: ArrayLike) -> Array:
        return F.silu(input)

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

    def forward(self, input: ArrayLike) -> Array:
        return F.softmax(input, self.dim)

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

    def forward(self, input: ArrayLike) -> Array:
        return F.log_softmax(input, self.dim)

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

    def forward(self, input: ArrayLike) -> Array:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"
