"""``clip_grad_norm_``, ``parameters_to_vector``, ``vector_to_parameters``."""

from __future__ import annotations

import math
from collections.abc import Iterable

import funtorch as ft
from funtorch.nn.parameter import Parameter
from funtorch.typing import Array

__all__ = ["clip_grad_norm_", "parameters_to_vector", "vector_to_parameters"]


def _as_list(parameters: Array | Iterable[Array]) -> list[Array]:
    if isinstance(parameters, ft.Array):
        return [parameters]
    return list(parameters)


def clip_grad_norm_(parameters: Array | Iterable[Array], max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False) -> Array:
    """Scale every ``.grad`` so that their joint norm is at most ``max_norm`` (in place on
    the ``.grad`` slots); returns the total norm before clipping.

    Args:
        parameters: an array or an iterable of them (``model.parameters()``).
        max_norm: the largest joint norm after clipping.
        norm_type: the order of the norm (``inf`` for the largest magnitude).
        error_if_nonfinite: raise when the total norm is nan or inf.

    Returns:
        The total norm of the gradients before clipping, a scalar array.

    Raises:
        ValueError: a nan ``norm_type``.
        RuntimeError: a non-finite total norm with ``error_if_nonfinite=True``.

    Example:
        >>> w = ft.nn.Parameter(ft.ones(4)); (w * 3).sum().backward()
        >>> ft.nn.utils.clip_grad_norm_([w], 1.0).item()
        6.0
    """
    parameters = _as_list(parameters)  # once: a generator (model.parameters()) runs out
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return ft.array(0.0)
    norm_type = float(norm_type)
    if math.isnan(norm_type):
        raise ValueError("clip_grad_norm_: norm_type must be a number (2.0: the Euclidean norm; "
                         "inf, 0 and negative orders as torch.linalg.vector_norm), got nan")
    # torch's two levels: the norm of each gradient, then the norm of those norms (the same
    # value for p > 0; for p = 0 it counts the gradients holding a non-zero, as torch does)
    norms = ft.stack([ft.linalg.vector_norm(g, ord=norm_type) for g in grads])
    total = ft.linalg.vector_norm(norms, ord=norm_type)
    if error_if_nonfinite and not bool(ft.isfinite(total)):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           "`parameters` is non-finite, so it cannot be clipped. To disable "
                           "this error and scale the gradients by the non-finite norm anyway, "
                           "set `error_if_nonfinite=False`")
    scale = ft.minimum(max_norm / (total + 1e-6), 1.0)
    for p in parameters:
        if p.grad is not None:
            p.grad = p.grad * scale.astype(p.grad.dtype)
    return total


def parameters_to_vector(parameters: Array | Iterable[Array]) -> Array:
    """Concatenate the flattened parameters into one 1-d array.

    Args:
        parameters: an array or an iterable of them (``model.parameters()``).

    Returns:
        A 1-d array of all their values, in order.

    Example:
        >>> ft.nn.utils.parameters_to_vector(ft.nn.Linear(2, 3).parameters()).shape
        (9,)
    """
    return ft.concatenate([ft.reshape(p, (-1,)) for p in _as_list(parameters)])


def vector_to_parameters(vec: Array, parameters: Array | Iterable[Array]) -> None:
    """Write consecutive slices of the 1-d ``vec`` into the parameters (in place).

    Args:
        vec: a 1-d array with as many elements as the parameters hold together.
        parameters: ``Parameter`` boxes (``model.parameters()``), rebound in order.

    Raises:
        TypeError: ``vec`` is not a 1-d array or a parameter is not a ``Parameter`` box.
        ValueError: ``vec`` has the wrong length.

    Example:
        >>> layer = ft.nn.Linear(2, 1)
        >>> ft.nn.utils.vector_to_parameters(ft.zeros(3), layer.parameters())
        >>> layer.weight.tolist(), layer.bias.tolist()
        ([[0.0, 0.0]], [0.0])
    """
    if not isinstance(vec, ft.Array) or vec.ndim != 1:
        raise TypeError(f"expected a 1-d array for vec, got {type(vec).__name__}")
    params = _as_list(parameters)
    total = sum(p.size for p in params)
    if vec.shape[0] != total:
        raise ValueError(f"vector_to_parameters: vec has {vec.shape[0]} elements but the "
                         f"parameters need {total}")
    offset = 0
    for p in params:
        if not isinstance(p, Parameter):
            raise TypeError(f"vector_to_parameters: expected ft.nn.Parameter boxes, got "
                            f"{type(p).__name__}")
        p.data = ft.reshape(vec[offset:offset + p.size], p.shape).astype(p.dtype)
        offset += p.size
