"""Torch's names of special functions (``erfc``, ``lgamma``, ``igamma``, ``polygamma``,
``mvlgamma``, ``logit``...) over ``ft.special`` (re-exported by :mod:`.torch_math`).

``ft.special`` sits above ``ops``, so each adapter looks it up when called.
"""

from __future__ import annotations

from typing import Any

from funtorch import ops
from funtorch.ops.torch_args import forward, refuse_out, to_float
from funtorch.typing import Array, ArrayLike

_SPECIAL = "funtorch.special"
# example values: scipy.special at the same points
erfc = forward(_SPECIAL, "erfc", example=("ft.erfc(ft.array([0.0, 1.0])).tolist()",
                                          "[1.0, 0.1573]"))
erfinv = forward(_SPECIAL, "erfinv", example=("ft.erfinv(ft.array([0.0, 0.5])).tolist()",
                                              "[0.0, 0.4769]"))
digamma = forward(_SPECIAL, "digamma", example=(
    "ft.digamma(ft.array([1.0])).tolist()  # minus Euler's constant", "[-0.5772]"))
lgamma = forward(_SPECIAL, "gammaln", "lgamma", example=(
    "ft.lgamma(ft.array([1.0, 4.0])).tolist()  # log 0!, log 3!", "[0.0, 1.7918]"))
xlogy = forward(_SPECIAL, "xlogy", example=(
    "ft.xlogy(ft.array([0.0, 2.0]), ft.array([0.0, 4.0])).tolist()  # 0 where x == 0",
    "[0.0, 2.7726]"))
igamma = forward(_SPECIAL, "gammainc", "igamma", example=(
    "ft.igamma(ft.array([1.0]), ft.array([1.0])).tolist()  # 1 - exp(-1)", "[0.6321]"))
igammac = forward(_SPECIAL, "gammaincc", "igammac", example=(
    "ft.igammac(ft.array([1.0]), ft.array([1.0])).tolist()  # exp(-1)", "[0.3679]"))


def polygamma(n: int, input: ArrayLike, *, out: Any = None) -> Array:  # noqa: A002
    """The ``n``-th derivative of the digamma function (torch's argument order).

    Args:
        n: the order of the derivative (0 is digamma), a non-negative int.
        input: an array-like; integers give the default float.
        out: unsupported (must be None).

    Returns:
        A floating array of ``input``'s shape.

    Example:
        >>> ft.polygamma(1, ft.array([1.0])).tolist()  # pi^2 / 6
        [1.6449]
    """
    refuse_out("polygamma", out)
    return forward(_SPECIAL, "polygamma")(n, to_float(input))


def mvlgamma(input: ArrayLike, p: ArrayLike) -> Array:  # noqa: A002
    """The multivariate log-gamma of dimension ``p`` (``special.multigammaln``):
    ``p (p - 1) / 4 log(pi) + sum_{j=1..p} lgamma(input + (1 - j) / 2)``.

    Args:
        input: an array-like, every element above ``(p - 1) / 2``; integers give the
            default float.
        p: the dimension, a positive int.

    Returns:
        A floating array of ``input``'s shape.

    Example:
        >>> ft.mvlgamma(ft.array([2.5]), 2).tolist()  # log(pi) / 2 + lgamma(2.5) + lgamma(2)
        [0.8570]
    """
    return forward(_SPECIAL, "multigammaln")(to_float(input), p)


def logit(input: ArrayLike, eps: float | None = None, *, out: Any = None) -> Array:  # noqa: A002
    """``log(p / (1 - p))``; with ``eps``, ``p`` is clamped to ``[eps, 1 - eps]`` first.

    Args:
        input: probabilities ``p``; integers give the default float.
        eps: None (no clamping: 0 and 1 give -inf and inf), or the clamping margin.
        out: unsupported (must be None).

    Returns:
        A floating array of ``input``'s shape.

    Example:
        >>> ft.logit(ft.array([0.5, 0.75])).tolist()  # log 3
        [0.0, 1.0986]
    """
    refuse_out("logit", out)
    x = to_float(input)
    if eps is not None:
        x = ops.clip(x, eps, 1 - eps)
    return forward(_SPECIAL, "logit")(x)
