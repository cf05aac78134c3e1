"""Instance, RMS and local-response normalisation; ``normalize``, ``cosine_similarity``,
``pairwise_distance`` and ``pdist`` (torch's formulas, eps placements included)."""

from __future__ import annotations

from typing import Any, Literal, overload

import numpy as np

import funtorch as ft
from funtorch.typing import Array, ArrayLike, ShapeLike
from funtorch.typing import Axis

__all__ = ["instance_norm", "rms_norm", "local_response_norm", "normalize",
           "cosine_similarity", "pairwise_distance", "pdist"]


def _channel_shape(x):
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


@overload
def instance_norm(input: ArrayLike, running_mean: ArrayLike | None = ...,
                  running_var: ArrayLike | None = ..., weight: ArrayLike | None = ...,
                  bias: ArrayLike | None = ..., use_input_stats: bool = ..., momentum: float = ...,
                  eps: float = ..., return_stats: Literal[False] = ...) -> Array: ...
@overload
def instance_norm(input: ArrayLike, running_mean: ArrayLike | None = ...,
                  running_var: ArrayLike | None = ..., weight: ArrayLike | None = ...,
                  bias: ArrayLike | None = ..., use_input_stats: bool = ..., momentum: float = ...,
                  eps: float = ..., *,
                  return_stats: Literal[True]) -> tuple[Array, Array | None, Array | None]: ...
@overload
def instance_norm(input: ArrayLike, running_mean: ArrayLike | None = ...,
                  running_var: ArrayLike | None = ..., weight: ArrayLike | None = ...,
                  bias: ArrayLike | None = ..., use_input_stats: bool = ..., momentum: float = ...,
                  eps: float = ..., return_stats: bool = ...) -> Any: ...


def instance_norm(input: ArrayLike, running_mean: ArrayLike | None = None,
                  running_var: ArrayLike | None = None, weight: ArrayLike | None = None,
                  bias: ArrayLike | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5, return_stats: bool = False) -> Any:
    """Normalise each ``(sample, channel)`` plane of an ``(N, C, *)`` input over its spatial
    axes, then scale/shift per channel.

    With ``use_input_stats=False`` the running statistics are used instead. torch updates
    the running statistics in place; here ``return_stats=True`` returns ``(out,
    new_running_mean, new_running_var)`` (the batch mean of the per-instance mean and
    unbiased variance, blended with ``momentum``).

    Args:
        input: ``(N, C, *)`` with at least one spatial axis.
        running_mean: optional ``(C,)`` running mean.
        running_var: optional ``(C,)`` running variance.
        weight: optional per-channel scale ``(C,)``.
        bias: optional per-channel shift ``(C,)``.
        use_input_stats: normalise with each instance's statistics (True) or the running
            ones (False).
        momentum: the weight of the new statistics in the running-statistics update.
        eps: added to the variance.
        return_stats: also return the running statistics (updated when given and
            ``use_input_stats``).

    Returns:
        An array of ``input``'s shape; with ``return_stats``, ``(out, running_mean,
        running_var)``.

    Raises:
        ValueError: an input without a spatial axis, or ``use_input_stats=False`` without
            running statistics.

    Example:
        >>> F.instance_norm(ft.array([[[1.0, 3.0]]])).tolist()
        [[[-1.0, 1.0]]]
    """
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected an (N, C, *) input with at least one "
                         f"spatial axis, got shape {tuple(input.shape)}")
    axes = tuple(range(2, input.ndim))
    stats = (running_mean, running_var)
    if use_input_stats:
        mean = ft.mean(input, axis=axes, keepdims=True)
        var = ft.var(input, axis=axes, keepdims=True)
        out = (input - mean) / ft.sqrt(var + eps)
        if running_mean is not None:
            count = int(np.prod(input.shape[2:]))
            inst_mean = ft.mean(ft.stop_gradient(mean), axis=(0,) + axes)
            inst_var = ft.mean(ft.stop_gradient(var), axis=(0,) + axes) * (count / max(
                count - 1, 1))
            stats = ((1.0 - momentum) * running_mean + momentum * inst_mean.astype(
                running_mean.dtype), (1.0 - momentum) * running_var + momentum * inst_var.astype(
                running_var.dtype))
    else:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: use_input_stats=False needs running_mean and "
                             "running_var")
        shape = _channel_shape(input)
        out = ((input - ft.reshape(running_mean, shape))
               / ft.sqrt(ft.reshape(running_var, shape) + eps))
    if weight is not None:
        out = out * ft.reshape(weight, _channel_shape(input))
    if bias is not None:
        out = out + ft.reshape(bias, _channel_shape(input))
    return (out,) + tuple(stats) if return_stats else out


def rms_norm(input: ArrayLike, normalized_shape: ShapeLike, weight: ArrayLike | None = None,
             eps: float | None = None) -> Array:
    """``x / sqrt(mean(x**2) + eps) * weight`` over the trailing ``normalized_shape`` axes;
    ``eps=None`` is the dtype's machine epsilon (torch's default).

    Args:
        input: ``(*, *normalized_shape)``.
        normalized_shape: an int or the tuple of trailing axes to normalise over.
        weight: optional scale broadcasting with ``input`` (usually ``normalized_shape``).
        eps: added to the mean square; None for ``finfo(input.dtype).eps``.

    Returns:
        An array of ``input``'s shape.

    Raises:
        ValueError: the input's trailing shape is not ``normalized_shape``.

    Example:
        >>> F.rms_norm(ft.array([[3.0, 4.0]]), (2,), eps=0.0).tolist()  # rms = sqrt(12.5)
        [[0.8485, 1.1314]]
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(
        normalized_shape)
    if tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise ValueError(f"rms_norm: normalized_shape {shape} must match the trailing axes of "
                         f"the input, got shape {tuple(input.shape)}")
    if eps is None:
        eps = float(np.finfo(np.dtype(input.dtype)).eps)
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    out = input / ft.sqrt(ft.mean(input * input, axis=axes, keepdims=True) + eps)
    return out if weight is None else out * weight


def local_response_norm(input: ArrayLike, size: ShapeLike | None, alpha: float = 1e-4,
                        beta: float = 0.75, k: float = 1.0) -> Array:
    """``x / (k + alpha * mean of x**2 over size neighbouring channels) ** beta`` on an
    ``(N, C, *)`` input (zero padding: ``size // 2`` before, ``(size - 1) // 2`` after).

    Args:
        input: ``(N, C, *)`` with at least one axis after the channels.
        size: the number of neighbouring channels in each window.
        alpha: the multiplier of the mean square.
        beta: the exponent.
        k: the additive constant.

    Returns:
        An array of ``input``'s shape.

    Raises:
        ValueError: an input of fewer than 3 dimensions.

    Example:
        >>> F.local_response_norm(ft.ones((1, 4, 3)), 2).shape
        (1, 4, 3)
    """
    if input.ndim < 3:
        raise ValueError(f"local_response_norm: expected 3D or higher input, got shape "
                         f"{tuple(input.shape)}")
    squares = ft.pad(input * input, ((0, 0), (size // 2, (size - 1) // 2))
                     + ((0, 0),) * (input.ndim - 2))
    window = ft.sum(ft.sliding_window_view(squares, size, axis=1), axis=-1) / size
    return input / (window * alpha + k) ** beta


def _norm(x, p, axis, keepdims):
    return ft.linalg.vector_norm(x, ord=p, axis=axis, keepdims=keepdims)


def normalize(input: ArrayLike, p: float = 2.0, dim: int | None = 1, eps: float = 1e-12,
              out: Any = None) -> Array:
    """``x / max(||x||_p, eps)`` along ``dim``.

    Args:
        input: an array of any shape.
        p: the norm degree.
        dim: the axis (or None for all) the norm is taken over.
        eps: the smallest divisor (avoids dividing by zero).
        out: unsupported; must be None.

    Returns:
        An array of ``input``'s shape whose ``p``-norm along ``dim`` is 1 (or less, for
        norms below ``eps``).

    Raises:
        TypeError: ``out`` is given.

    Example:
        >>> F.normalize(ft.array([[3.0, 4.0]], dtype=ft.float64)).tolist()
        [[0.6, 0.8]]
    """
    if out is not None:
        raise TypeError("normalize: out= is not supported (arrays are immutable)")
    return input / ft.maximum(_norm(input, p, dim, True), eps)


def cosine_similarity(x1: ArrayLike, x2: ArrayLike, dim: Axis = 1,
                      eps: float | None = 1e-8) -> Array:
    """``sum(x1 / ||x1|| * x2 / ||x2||)`` along ``dim`` (broadcast), each norm clamped
    below at ``eps`` in value only, as torch does under ``no_grad``.

    Args:
        x1: an array, e.g. ``(N, D)``.
        x2: an array broadcasting with ``x1``.
        dim: the axis of the vectors.
        eps: the smallest norm used as a divisor.

    Returns:
        The broadcast shape of ``x1`` and ``x2`` without ``dim``; values in [-1, 1].

    Raises:
        TypeError: a complex input.

    Example:
        >>> F.cosine_similarity(ft.array([[1.0, 0.0]]), ft.array([[1.0, 1.0]])).tolist()
        [0.7071]
    """
    x1, x2 = ft.broadcast_arrays(x1, x2)
    if x1.dtype.kind == "c" or x2.dtype.kind == "c":  # which argument is conjugated differs
        raise TypeError("cosine_similarity: complex inputs are not supported (torch refuses "
                        "them too); compare ft.real/ft.imag parts or use ft.vdot")

    def unit(x):
        n = _norm(x, 2, dim, True)
        return x / (n + ft.stop_gradient(ft.maximum(n, eps) - n))

    return ft.sum(unit(x1) * unit(x2), axis=dim)


def pairwise_distance(x1: ArrayLike, x2: ArrayLike, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Array:
    """``||x1 - x2 + eps||_p`` along the last axis, row by row (torch's ``eps`` placement).

    Args:
        x1: ``(N, D)`` or ``(D,)``.
        x2: an array broadcasting with ``x1``.
        p: the norm degree.
        eps: added to the difference (keeps the gradient finite at zero distance).
        keepdim: keep the last axis with length 1.

    Returns:
        ``(N,)`` (``(N, 1)`` with ``keepdim``; ``()`` for 1-d inputs).

    Example:
        >>> F.pairwise_distance(ft.zeros((2, 3)), ft.ones((2, 3))).tolist()  # about sqrt(3)
        [1.7321, 1.7321]
    """
    return _norm(x1 - x2 + eps, p, -1, keepdim)


def pdist(input: ArrayLike, p: ArrayLike = 2) -> Array:
    """The ``N (N - 1) / 2`` ``p``-norm distances between the rows of an ``(N, M)`` input
    (pairs ``i < j`` in row-major order, as the upper triangle of the distance matrix).

    Args:
        input: ``(N, M)``.
        p: the norm degree.

    Returns:
        ``(N * (N - 1) / 2,)``.

    Raises:
        ValueError: ``input`` is not 2-d.

    Example:
        >>> F.pdist(ft.eye(3)).tolist()  # sqrt(2) for every pair
        [1.4142, 1.4142, 1.4142]
    """
    if input.ndim != 2:
        raise ValueError(f"pdist: expected a 2-d (N, M) input, got shape {tuple(input.shape)}")
    rows, cols = np.triu_indices(input.shape[0], k=1)
    return _norm(input[rows] - input[cols], p, -1, False)
