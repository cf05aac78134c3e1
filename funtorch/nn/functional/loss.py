"""Losses with PyTorch's ``reduction`` semantics ("none", "mean", "sum"); the margin and
embedding losses are in ``losses_margin.py``, ``kl_div`` in ``losses_extra.py``."""

from __future__ import annotations

from typing import Literal

import funtorch as ft
from funtorch.nn.functional._checks import (check_positive, check_probabilities,
                                            first_out_of_range)
from funtorch.nn.functional.activation import log_softmax
from funtorch.typing import Array, ArrayLike

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits"]

_REDUCTIONS = ("none", "mean", "sum")
_Reduction = Literal["none", "mean", "sum"]  # _REDUCTIONS, to a type checker


def _reduce(loss, reduction, fn):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return ft.mean(loss)
    if reduction == "sum":
        return ft.sum(loss)
    raise ValueError(f"{fn}: {reduction!r} is not a valid value for reduction; use one of "
                     f"{_REDUCTIONS}")


def _check_same_shape(input, target, fn):
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"{fn}: target shape {tuple(target.shape)} must match input shape "
                         f"{tuple(input.shape)}")


def mse_loss(input: ArrayLike, target: ArrayLike, reduction: _Reduction = "mean") -> Array:
    """Mean squared error: ``(input - target)**2``, reduced.

    Args:
        input: an array of any shape.
        target: an array of ``input``'s shape.
        reduction: ``"none"`` (the per-element loss), ``"mean"`` or ``"sum"``.

    Returns:
        A scalar for ``"mean"``/``"sum"``; the loss of ``input``'s shape for ``"none"``.

    Raises:
        ValueError: the shapes differ, or an unknown ``reduction``.

    Example:
        >>> F.mse_loss(ft.array([1.0, 2.0]), ft.array([1.0, 4.0])).item()
        2.0
    """
    _check_same_shape(input, target, "mse_loss")
    return _reduce(ft.square(input - target), reduction, "mse_loss")


def l1_loss(input: ArrayLike, target: ArrayLike, reduction: _Reduction = "mean") -> Array:
    """Mean absolute error: ``|input - target|``, reduced.

    Args:
        input: predictions, any shape.
        target: the same shape as ``input``.
        reduction: ``"none"`` (the per-element loss), ``"mean"`` or ``"sum"``.

    Returns:
        A scalar (``"mean"``, ``"sum"``) or, for ``"none"``, an array shaped like ``input``.

    Raises:
        ValueError: ``target``'s shape is not ``input``'s, or ``reduction`` is unknown.

    Example:
        >>> F.l1_loss(ft.array([1.0, 2.0]), ft.array([2.0, 4.0])).item()
        1.5
    """
    _check_same_shape(input, target, "l1_loss")
    return _reduce(ft.abs(input - target), reduction, "l1_loss")


def smooth_l1_loss(input: ArrayLike, target: ArrayLike, reduction: _Reduction = "mean",
                   beta: float = 1.0) -> Array:
    """Smooth L1: ``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - beta / 2``
    (``d = input - target``; plain L1 when ``beta == 0``), reduced.

    Args:
        input: an array of any shape.
        target: an array of ``input``'s shape.
        reduction: ``"none"`` (the per-element loss), ``"mean"`` or ``"sum"``.
        beta: the non-negative width of the quadratic zone.

    Returns:
        A scalar for ``"mean"``/``"sum"``; the loss of ``input``'s shape for ``"none"``.

    Raises:
        ValueError: the shapes differ, or an unknown ``reduction``.
        RuntimeError: a negative ``beta``.

    Example:
        >>> F.smooth_l1_loss(ft.zeros(2), ft.array([0.5, 3.0])).item()  # (0.125 + 2.5) / 2
        1.3125
    """
    _check_same_shape(input, target, "smooth_l1_loss")
    check_positive(beta, "beta", "smooth_l1_loss", allow_zero=True)
    diff = ft.abs(input - target)
    if beta == 0:
        return _reduce(diff, reduction, "smooth_l1_loss")
    loss = ft.where(diff < beta, 0.5 * diff * diff / beta, diff - 0.5 * beta)
    return _reduce(loss, reduction, "smooth_l1_loss")


def huber_loss(input: ArrayLike, target: ArrayLike, reduction: _Reduction = "mean",
               delta: float = 1.0) -> Array:
    """Huber loss: ``0.5 d**2`` where ``|d| <= delta``, else ``delta * (|d| - delta / 2)``
    (``d = input - target``), reduced.

    Args:
        input: predictions, any shape.
        target: the same shape as ``input``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (no reduction).
        delta: the positive threshold between the quadratic and linear zones.

    Returns:
        A scalar, or (``"none"``) an array of ``input``'s shape.

    Raises:
        ValueError: mismatched shapes or an unknown ``reduction``.
        RuntimeError: ``delta <= 0``.

    Example:
        >>> F.huber_loss(ft.zeros(2), ft.array([0.5, 3.0])).item()  # (0.125 + 2.5) / 2
        1.3125
    """
    _check_same_shape(input, target, "huber_loss")
    check_positive(delta, "delta", "huber_loss", allow_zero=False)
    diff = ft.abs(input - target)
    loss = ft.where(diff <= delta, 0.5 * diff * diff, delta * (diff - 0.5 * delta))
    return _reduce(loss, reduction, "huber_loss")


def _class_axis_last(x):
    return x if x.ndim <= 2 else ft.moveaxis(x, 1, -1)


def _check_arrays(fn, **arrays):
    """Refuse a list or other non-array argument, with torch's wording."""
    for position, (name, value) in enumerate(arrays.items(), start=1):
        if not isinstance(value, ft.Array):
            raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be an "
                            f"array (ft.Array), not {type(value).__name__}; wrap it with "
                            f"ft.asarray")


def _check_weight(weight, num_classes, fn):
    if weight is not None and tuple(weight.shape) != (num_classes,):
        raise RuntimeError(f"{fn}: weight tensor should be defined either for all "
                           f"{num_classes} classes or no classes but got weight tensor of "
                           f"shape: {tuple(weight.shape)}")


def _nll_indices(logp, target, weight, ignore_index, label_smoothing, fn):
    """Per-element loss and weight for class-index targets; ``logp`` has classes last."""
    _check_weight(weight, logp.shape[-1], fn)
    if target.dtype.kind not in "iu":
        raise TypeError(f"{fn}: class-index targets must be integers, got {target.dtype}")
    if tuple(target.shape) != tuple(logp.shape[:-1]):
        raise ValueError(f"{fn}: target shape {tuple(target.shape)} must be the input's shape "
                         f"without the class axis, {tuple(logp.shape[:-1])} (expected input "
                         f"batch size to match target batch size)")
    num_classes = logp.shape[-1]
    valid = target != ignore_index
    value = first_out_of_range(target, num_classes, skip=ignore_index)
    if value is not None:
        raise IndexError(f"{fn}: target {value} is out of bounds for {num_classes} classes "
                         f"(valid: 0..{num_classes - 1}, or ignore_index={ignore_index})")
    safe = ft.where(valid, target, 0)
    picked = ft.squeeze(ft.take_along_axis(logp, ft.expand_dims(safe, -1), axis=-1), -1)
    class_w = ft.ones((num_classes,), dtype=logp.dtype) if weight is None else weight
    w = ft.where(valid, ft.take(class_w, safe), 0.0)
    loss = -w * picked
    if label_smoothing > 0:
        smooth = -ft.sum(logp * class_w, axis=-1) / num_classes
        loss = (1.0 - label_smoothing) * loss + label_smoothing * ft.where(valid, smooth, 0.0)
    return loss, w


def nll_loss(input: ArrayLike, target: ArrayLike, weight: ArrayLike | None = None,
             ignore_index: int = -100, reduction: _Reduction = "mean") -> Array:
    """Negative log-likelihood of class indices given log-probabilities.

    ``loss[n] = -weight[t] * input[n, t]`` for the target class ``t = target[n]``; ``"mean"``
    divides the sum by the summed weights of the non-ignored targets.

    Args:
        input: log-probabilities ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``.
        target: integer class indices ``(N,)``, ``(N, d1, ...)`` or ``()``.
        weight: optional per-class weights ``(C,)``.
        ignore_index: a target value that contributes nothing (nor to the mean's divisor).
        reduction: ``"none"`` (the per-element loss), ``"mean"`` or ``"sum"``.

    Returns:
        A scalar, or ``target``'s shape for ``"none"``.

    Raises:
        TypeError: a non-array argument, or non-integer targets.
        ValueError: ``target``'s shape is not ``input``'s without the class axis.
        IndexError: a target outside ``0..C-1`` (other than ``ignore_index``).
        RuntimeError: ``weight`` not of shape ``(C,)``.

    Example:
        >>> F.nll_loss(ft.log(ft.array([[0.25, 0.75]])), ft.array([1])).item()  # -log 0.75
        0.2877
    """
    _check_arrays("nll_loss", input=input, target=target)
    loss, w = _nll_indices(_class_axis_last(input), target, weight, ignore_index, 0.0,
                           "nll_loss")
    if reduction == "mean":
        return ft.sum(loss) / ft.sum(w)
    return _reduce(loss, reduction, "nll_loss")


def cross_entropy(input: ArrayLike, target: ArrayLike, weight: ArrayLike | None = None,
                  ignore_index: int = -100, reduction: _Reduction = "mean",
                  label_smoothing: float = 0.0) -> Array:
    """Cross entropy of logits against class indices or class probabilities.

    ``log_softmax`` over the class axis (axis 1, or 0 for ``(C,)`` input), then
    :func:`nll_loss` for index targets or ``-sum(target * log_softmax)`` for probabilities.

    Args:
        input: logits ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``.
        target: integer class indices (``input`` without the class axis) or float
            probabilities of ``input``'s shape.
        weight: per-class weights ``(C,)``.
        ignore_index: class index whose targets contribute nothing (index targets only).
        reduction: "none", "mean" or "sum".
        label_smoothing: mixes the target with the uniform distribution.

    Returns:
        A scalar for "mean"/"sum" ("mean" over index targets divides by the summed weights
        of the non-ignored targets); for "none" the loss of ``input``'s shape without the
        class axis.

    Raises:
        ValueError: ``label_smoothing`` outside [0, 1], a target of the wrong shape, or an
            unknown ``reduction``.
        TypeError: a non-array argument, or index targets that are not integers.
        IndexError: a class index outside ``0..C-1`` (other than ``ignore_index``).
        RuntimeError: ``weight`` not of shape ``(C,)``.

    Example:
        >>> F.cross_entropy(ft.zeros((2, 4)), ft.array([0, 3])).item()  # log(4)
        1.3862943...
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got "
                         f"{label_smoothing}")
    _check_arrays("cross_entropy", input=input, target=target)
    logp = _class_axis_last(log_softmax(input, dim=1 if input.ndim > 1 else 0))
    if target.dtype.kind == "f":
        _check_same_shape(input, target, "cross_entropy")
        _check_weight(weight, logp.shape[-1], "cross_entropy")
        probs = _class_axis_last(target)
        num_classes = logp.shape[-1]
        if label_smoothing > 0:
            probs = probs * (1.0 - label_smoothing) + label_smoothing / num_classes
        weighted = logp if weight is None else logp * weight
        loss = -ft.sum(weighted * probs, axis=-1)
        return _reduce(loss, reduction, "cross_entropy")
    loss, w = _nll_indices(logp, target, weight, ignore_index, label_smoothing,
                           "cross_entropy")
    if reduction == "mean":
        return ft.sum(loss) / ft.sum(w)
    return _reduce(loss, reduction, "cross_entropy")


def _clamped_logs(p):
    return ft.maximum(ft.log(p), -100.0), ft.maximum(ft.log(1.0 - p), -100.0)


@ft.custom_vjp
def _bce(p, y):
    log_p, log_q = _clamped_logs(p)
    return -(y * log_p + (1.0 - y) * log_q)


def _bce_fwd(p, y):
    return _bce(p, y), (p, y)


def _bce_bwd(residuals, g):
    # PyTorch's rule, not the derivative of the clamped forward: (p - y) / max(p (1 - p), eps)
    # stays finite at p = 0 and p = 1, where differentiating log(0) gives 0 * inf = nan
    p, y = residuals
    log_p, log_q = _clamped_logs(p)
    return (g * (p - y) / ft.maximum(p * (1.0 - p), 1e-12), g * (log_q - log_p))


_bce.defvjp(_bce_fwd, _bce_bwd)


def binary_cross_entropy(input: ArrayLike, target: ArrayLike, weight: ArrayLike | None = None,
                         reduction: _Reduction = "mean") -> Array:
    """``-(y log p + (1 - y) log(1 - p))`` with logs clamped at -100, as PyTorch does; the
    gradient is PyTorch's ``(p - y) / max(p (1 - p), 1e-12)``, finite for p in {0, 1}.

    Args:
        input: probabilities ``p`` in [0, 1], any shape.
        target: ``y`` of ``input``'s shape (cast to its dtype).
        weight: optional rescaling broadcasting with ``input``.
        reduction: ``"none"`` (the per-element loss), ``"mean"`` or ``"sum"``.

    Returns:
        A scalar for ``"mean"``/``"sum"``; the loss of ``input``'s shape for ``"none"``.

    Raises:
        ValueError: the shapes differ, or an unknown ``reduction``.
        RuntimeError: (concrete) ``input`` values outside [0, 1].

    Example:
        >>> F.binary_cross_entropy(ft.array([0.5]), ft.array([1.0])).item()  # log 2
        0.6931
    """
    _check_same_shape(input, target, "binary_cross_entropy")
    check_probabilities(input, "binary_cross_entropy")
    target = ft.astype(target, input.dtype) if target.dtype != input.dtype else target
    loss = _bce(input, target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(input: ArrayLike, target: ArrayLike,
                                     weight: ArrayLike | None = None,
                                     reduction: _Reduction = "mean",
                                     pos_weight: ArrayLike | None = None) -> Array:
    """Sigmoid + binary cross entropy in one stable formula:
    ``-(pos_weight * y * log sigmoid(x) + (1 - y) * log(1 - sigmoid(x)))``.

    Args:
        input: logits ``x``, any shape ``(*, C)``.
        target: ``y`` in [0, 1] of ``input``'s shape.
        weight: optional rescaling broadcasting with ``input``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (no reduction).
        pos_weight: optional weight of the positive term, broadcasting against the last
            axis (the classes), e.g. ``(C,)``.

    Returns:
        A scalar, or (``"none"``) an array of ``input``'s shape.

    Raises:
        ValueError: mismatched shapes or an unknown ``reduction``.

    Example:
        >>> F.binary_cross_entropy_with_logits(ft.array([0.0]), ft.array([1.0])).item()
        0.6931
    """
    _check_same_shape(input, target, "binary_cross_entropy_with_logits")
    softplus_neg = ft.log1p(ft.exp(-ft.abs(input))) + ft.maximum(-input, 0.0)  # log(1+e^-x)
    if pos_weight is None:
        loss = (1.0 - target) * input + softplus_neg
    else:
        loss = (1.0 - target) * input + (1.0 + (pos_weight - 1.0) * target) * softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction, "binary_cross_entropy_with_logits")
