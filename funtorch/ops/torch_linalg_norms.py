"""Torch's top-level norms and distances (``torch.norm``, ``torch.dist``, ``torch.cdist``)
over ``ft.linalg``'s vector and matrix norms (re-exported by :mod:`.torch_linalg`).

``ft.linalg`` sits above ``ops``, so each adapter looks it up when called.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops.torch_args import dims, refuse_out, to_float
from funtorch.typing import Array, ArrayLike, Axis, DTypeLike


def _linalg():
    return importlib.import_module("funtorch.linalg")


def norm(input: ArrayLike, p: Any = "fro", dim: Axis = None, keepdim: bool = False,
         out: Any = None, dtype: DTypeLike = None) -> Array:  # noqa: A002
    """torch.norm: the vector p-norm over ``dim`` (all elements when None); ``"fro"`` is
    the 2-norm and ``"nuc"`` the nuclear norm of a matrix.

    Args:
        input: an array-like; integer and bool inputs are converted to the default float
            dtype.
        p: ``"fro"`` or None (the 2-norm), ``"nuc"`` (the sum of the singular values over
            two dims), or a number (``inf``, ``-inf`` and 0 included) for the vector p-norm.
        dim: an axis or a tuple of axes (two for ``"nuc"``, default the last two); None
            reduces every element.
        keepdim: keep the reduced dims with size 1.
        out: unsupported (must be None).
        dtype: cast ``input`` to this dtype first.

    Returns:
        A floating array of ``input``'s shape without ``dim`` (0-d when ``dim`` is None).

    Example:
        >>> ft.norm(ft.array([3.0, 4.0])).item()
        5.0
        >>> ft.norm(ft.array([[3.0, -4.0]]), 1, dim=1).tolist()
        [7.0]
    """
    refuse_out("norm", out)
    x = to_float(input if dtype is None else ops.astype(input, dtype))
    if p == "nuc":
        axes = (-2, -1) if dim is None else tuple(dim)
        out = _linalg().matrix_norm(ops.moveaxis(x, axes, (-2, -1)), "nuc", keepdims=False)
        if keepdim:  # the two reduced dims back, with size 1, where they were (torch)
            out = ops.expand_dims(out, tuple(sorted(a % x.ndim for a in axes)))
        return out
    order = 2 if p in ("fro", None) else p
    axes = dims(dim, x.ndim, "norm")
    return _linalg().vector_norm(x, ord=order, axis=axes, keepdims=keepdim)


def frobenius_norm(input: ArrayLike, dim: Axis = (-2, -1),  # noqa: A002
                   keepdim: bool = False) -> Array:
    """The 2-norm over ``dim``.

    Args:
        input: an array-like with at least the dims in ``dim``.
        dim: the axes to reduce (the last two by default).
        keepdim: keep the reduced dims with size 1.

    Returns:
        A floating array of ``input``'s shape without ``dim``.

    Example:
        >>> ft.frobenius_norm(ft.array([[3.0, 4.0]])).item()
        5.0
    """
    return norm(input, "fro", dim, keepdim)


def dist(input: ArrayLike, other: ArrayLike, p: float = 2) -> Array:  # noqa: A002
    """The p-norm of ``input - other``.

    Args:
        input: an array-like.
        other: an array-like broadcasting with ``input``.
        p: the order of the vector norm taken over all elements.

    Returns:
        A 0-d floating array.

    Example:
        >>> ft.dist(ft.array([3.0, 4.0]), ft.zeros(2)).item()
        5.0
    """
    return norm(ops.subtract(input, other), p)


def _pairwise(x1, x2, p):
    difference = ops.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == 0:
        return ops.sum(difference != 0, axis=-1).astype(x1.dtype)
    if p == np.inf:
        return ops.max(difference, axis=-1)
    if p == 2:  # sqrt(0) has an infinite derivative: use the vector norm's subgradient
        return _linalg().vector_norm(x1[..., :, None, :] - x2[..., None, :, :], axis=-1)
    return ops.sum(difference ** p, axis=-1) ** (1.0 / p)


def cdist(x1: ArrayLike, x2: ArrayLike, p: float = 2.0,
          compute_mode: str | None = None) -> Array:
    """Pairwise p-norm distances between the rows of ``x1`` (..., P, M) and ``x2``
    (..., R, M): shape (..., P, R).

    Args:
        x1: an array-like of shape (..., P, M); integers are converted to the default
            float dtype.
        x2: an array-like of shape (..., R, M), its batch dims broadcasting with ``x1``'s.
        p: the norm's order: 0 counts the differing coordinates, ``inf`` takes the largest
            difference.
        compute_mode: accepted for torch compatibility (no effect).

    Returns:
        A floating array of shape (..., P, R).

    Example:
        >>> ft.cdist(ft.zeros((2, 3)), ft.ones((4, 3))).shape
        (2, 4)
        >>> ft.cdist(ft.array([[0.0, 0.0]]), ft.array([[3.0, 4.0], [1.0, 0.0]])).tolist()
        [[5.0, 1.0]]
    """
    return _pairwise(to_float(x1), to_float(x2), p)
