"""Torch's fused BLAS forms (``addmm``, ``addmv``, ``addr``, ``addbmm``, ``baddbmm``,
``mv``, ``ger``) and ``addcmul``/``addcdiv``, over ``matmul``/``outer`` (re-exported by
:mod:`.torch_math`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops.torch_args import as_array, refuse_out
from funtorch.typing import Array, ArrayLike


def _alpha(other, alpha):
    return other if alpha == 1 else ops.multiply(other, alpha)


def addcmul(input: ArrayLike, tensor1: ArrayLike, tensor2: ArrayLike, *, value: ArrayLike = 1,
            out: Any = None) -> Array:  # noqa: A002
    """``input + value * tensor1 * tensor2``.

    Args:
        input: an array-like.
        tensor1: an array-like broadcasting with ``input``.
        tensor2: an array-like broadcasting with both.
        value: the scale of the product.
        out: unsupported (must be None).

    Returns:
        An array of the broadcast shape and promoted dtype.

    Example:
        >>> ft.addcmul(ft.ones(2), ft.array([1.0, 2.0]), ft.array([3.0, 4.0]), value=0.5).tolist()
        [2.5, 5.0]
    """
    refuse_out("addcmul", out)
    return ops.add(input, _alpha(ops.multiply(tensor1, tensor2), value))


def addcdiv(input: ArrayLike, tensor1: ArrayLike, tensor2: ArrayLike, *, value: ArrayLike = 1,
            out: Any = None) -> Array:  # noqa: A002
    """``input + value * tensor1 / tensor2``.

    Args:
        input: an array-like.
        tensor1: the dividend, broadcasting with ``input``.
        tensor2: the divisor, broadcasting with both.
        value: the scale of the quotient.
        out: unsupported (must be None).

    Returns:
        A floating array of the broadcast shape.

    Example:
        >>> ft.addcdiv(ft.ones(2), ft.array([1.0, 2.0]), ft.array([2.0, 4.0]), value=2.0).tolist()
        [2.0, 2.0]
    """
    refuse_out("addcdiv", out)
    return ops.add(input, _alpha(ops.divide(tensor1, tensor2), value))


def _beta_alpha(name, input, product, beta, alpha, out):
    """``beta * input + alpha * product``; ``beta=0`` ignores ``input`` (NaN included)."""
    refuse_out(name, out)
    product = _alpha(product, alpha)
    if beta == 0:
        return ops.broadcast_to(product, np.broadcast_shapes(as_array(input).shape,
                                                             product.shape))
    return ops.add(_alpha(input, beta), product)


def _operands(first: str, second: str, shape: str) -> Callable[[Callable[..., Array]],
                                                                  Callable[..., Array]]:
    """Put the ``Args:``/``Returns:`` sections of a ``beta * input + alpha * product`` form
    before its example: ``first``/``second`` describe the two factors, ``shape`` the
    result."""
    def document(fn: Callable[..., Array]) -> Callable[..., Array]:
        names = list(inspect.signature(fn).parameters)
        head, example = (fn.__doc__ or "").split("    Example:")
        fn.__doc__ = (f"{head}    Args:\n        input: the array added, broadcasting with the "
                      f"product {shape}.\n        {names[1]}: {first}\n        {names[2]}: "
                      f"{second}\n        beta: the scale of ``input``; 0 ignores its values "
                      f"(NaN included).\n        alpha: the scale of the product.\n        "
                      f"out: unsupported (must be None).\n\n    Returns:\n        An array of "
                      f"shape {shape} (the broadcast shape).\n\n    Example:{example}")
        return fn
    return document


@_operands("a matrix (n, m).", "a matrix (m, p).", "(n, p)")
def addmm(input: ArrayLike, mat1: ArrayLike, mat2: ArrayLike, *, beta: ArrayLike = 1,  # noqa: A002
          alpha: ArrayLike = 1, out: Any = None) -> Array:
    """``beta * input + alpha * (mat1 @ mat2)``.

    Example:
        >>> ft.addmm(ft.zeros((2, 2)), ft.eye(2), ft.ones((2, 2))).shape
        (2, 2)
    """
    return _beta_alpha("addmm", input, ops.matmul(mat1, mat2), beta, alpha, out)


@_operands("a matrix (n, m).", "a vector (m,).", "(n,)")
def addmv(input: ArrayLike, mat: ArrayLike, vec: ArrayLike, *, beta: ArrayLike = 1,  # noqa: A002
          alpha: ArrayLike = 1, out: Any = None) -> Array:
    """``beta * input + alpha * (mat @ vec)``.

    Example:
        >>> ft.addmv(ft.ones(2), ft.ones((2, 3)), ft.ones(3)).tolist()
        [4.0, 4.0]
    """
    return _beta_alpha("addmv", input, ops.matmul(mat, vec), beta, alpha, out)


@_operands("a vector (n,).", "a vector (m,).", "(n, m)")
def addr(input: ArrayLike, vec1: ArrayLike, vec2: ArrayLike, *, beta: ArrayLike = 1,  # noqa: A002
         alpha: ArrayLike = 1, out: Any = None) -> Array:
    """``beta * input + alpha * outer(vec1, vec2)``.

    Example:
        >>> ft.addr(ft.zeros((2, 2)), ft.array([1.0, 2.0]), ft.array([3.0, 4.0])).tolist()
        [[3.0, 4.0], [6.0, 8.0]]
    """
    return _beta_alpha("addr", input, ops.outer(vec1, vec2), beta, alpha, out)


@_operands("matrices (b, n, m).", "matrices (b, m, p).", "(n, p)")
def addbmm(input: ArrayLike, batch1: ArrayLike, batch2: ArrayLike, *, beta: ArrayLike = 1,
           alpha: ArrayLike = 1, out: Any = None) -> Array:  # noqa: A002
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``.

    Example:
        >>> ft.addbmm(ft.zeros((2, 2)), ft.ones((3, 2, 1)), ft.ones((3, 1, 2))).tolist()
        [[3.0, 3.0], [3.0, 3.0]]
    """
    return _beta_alpha("addbmm", input, ops.sum(ops.matmul(batch1, batch2), axis=0), beta,
                       alpha, out)


@_operands("matrices (b, n, m).", "matrices (b, m, p).", "(b, n, p)")
def baddbmm(input: ArrayLike, batch1: ArrayLike, batch2: ArrayLike, *, beta: ArrayLike = 1,
            alpha: ArrayLike = 1, out: Any = None) -> Array:  # noqa: A002
    """``beta * input + alpha * (batch1 @ batch2)`` per batch.

    Example:
        >>> ft.baddbmm(ft.zeros((2, 1, 1)), ft.ones((2, 1, 3)), ft.ones((2, 3, 1))).tolist()
        [[[3.0]], [[3.0]]]
    """
    return _beta_alpha("baddbmm", input, ops.matmul(batch1, batch2), beta, alpha, out)


def mv(input: ArrayLike, vec: ArrayLike, *, out: Any = None) -> Array:  # noqa: A002
    """Matrix-vector product.

    Args:
        input: a matrix (n, m).
        vec: a vector (m,).
        out: unsupported (must be None).

    Returns:
        A vector (n,).

    Example:
        >>> ft.mv(ft.ones((2, 3)), ft.array([1.0, 2.0, 3.0])).tolist()
        [6.0, 6.0]
    """
    refuse_out("mv", out)
    return ops.matmul(input, vec)


def ger(input: ArrayLike, vec2: ArrayLike, *, out: Any = None) -> Array:  # noqa: A002
    """Outer product of two vectors (torch's old name of ``outer``).

    Args:
        input: a vector (n,).
        vec2: a vector (m,).
        out: unsupported (must be None).

    Returns:
        A matrix (n, m) with ``out[i, j] = input[i] * vec2[j]``.

    Example:
        >>> ft.ger(ft.array([1.0, 2.0]), ft.array([3.0])).tolist()
        [[3.0], [6.0]]
    """
    refuse_out("ger", out)
    return ops.outer(input, vec2)
