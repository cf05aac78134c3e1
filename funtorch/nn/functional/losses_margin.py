"""Margin and embedding losses of ``torch.nn.functional``: hinge embedding, margin ranking,
cosine embedding, multi-class and multi-label margins, and the soft margins."""

from __future__ import annotations

import funtorch as ft
from funtorch.nn.functional.activations_torch import logsigmoid
from funtorch.nn.functional.loss import _reduce, _Reduction
from funtorch.typing import Array, ArrayLike

__all__ = ["hinge_embedding_loss", "margin_ranking_loss", "cosine_embedding_loss",
           "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss",
           "soft_margin_loss"]


def hinge_embedding_loss(input: ArrayLike, target: ArrayLike, margin: float = 1.0,
                         reduction: _Reduction = "mean") -> Array:
    """Hinge embedding loss: ``x`` where ``y == 1``, ``max(0, margin - x)`` where ``y == -1``.

    Args:
        input: distances ``x``, any shape.
        target: labels ``y`` in ``{1, -1}`` of ``input``'s shape.
        margin: the margin for the ``y == -1`` pairs.
        reduction: ``"none"`` (the elementwise loss), ``"mean"`` or ``"sum"``.

    Returns:
        A scalar, or an array of ``input``'s shape for ``"none"``.

    Example:
        >>> F.hinge_embedding_loss(ft.array([0.3, 0.3]), ft.array([1, -1])).item()  # (0.3+0.7)/2
        0.5
    """
    hinge = ft.where(target != 1, ft.maximum(margin - input, 0.0), 0.0)
    same = ft.where(target != -1, input, 0.0)
    return _reduce(hinge + same, reduction, "hinge_embedding_loss")


def margin_ranking_loss(input1: ArrayLike, input2: ArrayLike, target: ArrayLike,
                        margin: float = 0.0, reduction: _Reduction = "mean") -> Array:
    """Ranking loss ``max(0, -y * (x1 - x2) + margin)``: ``y == 1`` asks for ``x1 > x2``.

    Args:
        input1: scores ``x1``, shape ``(N,)`` or ``()``.
        input2: scores ``x2`` of the same shape.
        target: ``y`` in ``{1, -1}`` of the same shape.
        margin: the required gap.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (no reduction).

    Returns:
        A scalar, or the broadcast shape of the inputs for ``"none"``.

    Example:
        >>> F.margin_ranking_loss(ft.array([1.0]), ft.array([2.0]), ft.array([1])).item()
        1.0
    """
    loss = ft.maximum(-target * (input1 - input2) + margin, 0.0)
    return _reduce(loss, reduction, "margin_ranking_loss")


def cosine_embedding_loss(input1: ArrayLike, input2: ArrayLike, target: ArrayLike,
                          margin: float = 0.0, reduction: _Reduction = "mean") -> Array:
    """``1 - cos(x1, x2)`` where ``y == 1``, ``max(0, cos(x1, x2) - margin)`` where ``y == -1``
    (the cosine over the last axis).

    Args:
        input1: ``(N, D)`` or ``(D,)``.
        input2: the same shape as ``input1``.
        target: ``y`` in ``{1, -1}``, ``(N,)`` or ``()``.
        margin: for ``y == -1``, cosines below it cost nothing (in [-1, 1]; 0 to 0.5 advised).
        reduction: ``"none"`` (the per-sample loss), ``"mean"`` or ``"sum"``.

    Returns:
        A scalar, or ``(N,)`` for ``"none"``.

    Example:
        >>> x = ft.array([[1.0, 0.0]]); F.cosine_embedding_loss(x, x, ft.array([1])).item()
        0.0
    """
    eps = 1e-12
    axis = input1.ndim - 1
    dot = ft.sum(input1 * input2, axis=axis)
    norm1 = ft.sum(input1 * input1, axis=axis) + eps
    norm2 = ft.sum(input2 * input2, axis=axis) + eps
    cos = dot / ft.sqrt(norm1 * norm2)
    loss = ft.where(target == 1, 1.0 - cos, 0.0) + ft.where(
        target == -1, ft.maximum(cos - margin, 0.0), 0.0)
    return _reduce(loss, reduction, "cosine_embedding_loss")


def _picked(input, target):
    return ft.take_along_axis(input, ft.expand_dims(target.astype(ft.int64), -1), axis=-1)


def multi_margin_loss(input: ArrayLike, target: ArrayLike, p: float = 1, margin: float = 1.0,
                      weight: ArrayLike | None = None, size_average: bool | None = None,
                      reduce: bool | None = None, reduction: _Reduction = "mean") -> Array:
    """Multi-class hinge: ``sum_{i != y} max(0, margin - x[y] + x[i])**p / C`` per sample,
    times ``weight[y]``.

    Args:
        input: scores ``(N, C)`` or ``(C,)``.
        target: class indices ``(N,)`` or ``()``.
        p: 1 or 2, the power of the hinge.
        margin: the required gap between the target's score and the others'.
        weight: optional per-class weights ``(C,)``.
        size_average: deprecated PyTorch argument, ignored (use ``reduction``).
        reduce: deprecated PyTorch argument, ignored (use ``reduction``).
        reduction: ``"none"`` (the per-sample loss), ``"mean"`` or ``"sum"``.

    Returns:
        A scalar, or ``(N,)`` for ``"none"``.

    Raises:
        ValueError: ``p`` is not 1 or 2.

    Example:
        >>> F.multi_margin_loss(ft.array([[0.1, 0.2, 0.4, 0.8]]), ft.array([3])).item()
        0.325
    """
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: only p == 1 and p == 2 are supported, got {p}")
    x = input[None] if input.ndim == 1 else input
    y = ft.reshape(target, (-1,))
    classes = x.shape[-1]
    hinge = ft.relu(margin - _picked(x, y) + x) ** p
    if weight is not None:
        hinge = hinge * ft.expand_dims(ft.take(weight, y.astype(ft.int64)), -1)
    others = ft.arange(classes, device=x.device)[None, :] != ft.expand_dims(y.astype(ft.int64), -1)
    loss = ft.sum(ft.where(others, hinge, 0.0), axis=-1) / classes
    if input.ndim == 1:
        loss = loss[0]
    return _reduce(loss, reduction, "multi_margin_loss")


def multilabel_margin_loss(input: ArrayLike, target: ArrayLike, size_average: bool | None = None,
                           reduce: bool | None = None, reduction: _Reduction = "mean") -> Array:
    """Multi-label hinge: the targets are the class indices in ``target`` before its first
    ``-1``; ``sum_{j target, i not target} max(0, 1 - (x[j] - x[i])) / C`` per sample.

    Args:
        input: scores ``(N, C)`` or ``(C,)``.
        target: ``input``'s shape of class indices, padded after the labels with ``-1``.
        size_average: ignored: PyTorch's deprecated form of ``reduction``.
        reduce: ignored, likewise.
        reduction: ``"mean"`` over the samples (default), ``"sum"`` or ``"none"``.

    Returns:
        The reduced loss, or the ``(N,)`` per-sample losses (``()`` for 1-d input) with
        ``"none"``.

    Example:
        >>> x, y = ft.array([[0.1, 0.2, 0.4, 0.8]]), ft.array([[3, 0, -1, 1]])
        >>> round(F.multilabel_margin_loss(x, y).item(), 4)
        0.85
    """
    x = input[None] if input.ndim == 1 else input
    t = (target[None] if target.ndim == 1 else target).astype(ft.int64)
    classes = x.shape[-1]
    valid = ft.cumprod((t >= 0).astype(ft.int64), axis=-1) > 0  # before the first -1
    safe = ft.where(valid, t, 0)
    is_target = ft.any(ft.expand_dims(valid, -1) & (
        ft.expand_dims(safe, -1) == ft.arange(classes, device=x.device)), axis=-2)  # (N, C)
    picked = ft.take_along_axis(x, safe, axis=-1)  # (N, S)
    hinge = ft.relu(1.0 - (ft.expand_dims(picked, -1) - ft.expand_dims(x, -2)))  # (N, S, C)
    keep = ft.expand_dims(valid, -1) & ft.expand_dims(~is_target, -2)
    loss = ft.sum(ft.where(keep, hinge, 0.0), axis=(-2, -1)) / classes
    if input.ndim == 1:
        loss = loss[0]
    return _reduce(loss, reduction, "multilabel_margin_loss")


def multilabel_soft_margin_loss(input: ArrayLike, target: ArrayLike,
                                weight: ArrayLike | None = None, size_average: bool | None = None,
                                reduce: bool | None = None,
                                reduction: _Reduction = "mean") -> Array:
    """``-mean_c(y log sigmoid(x) + (1 - y) log sigmoid(-x))`` (times ``weight``) per
    sample: a one-vs-all logistic loss.

    Args:
        input: logits ``(N, C)``.
        target: labels in {0, 1} of ``input``'s shape.
        weight: optional per-class weights ``(C,)``.
        size_average: unused (deprecated in PyTorch; ``reduction`` replaces it).
        reduce: unused (deprecated in PyTorch; ``reduction`` replaces it).
        reduction: how the ``(N,)`` per-sample losses combine: ``"mean"``, ``"sum"``, or
            ``"none"`` (kept).

    Returns:
        A scalar for ``"mean"``/``"sum"``; ``(N,)`` for ``"none"``.

    Example:
        >>> round(F.multilabel_soft_margin_loss(ft.zeros((2, 3)), ft.ones((2, 3))).item(), 4)
        0.6931
    """
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = ft.mean(loss, axis=-1)
    return _reduce(loss, reduction, "multilabel_soft_margin_loss")


def soft_margin_loss(input: ArrayLike, target: ArrayLike, size_average: bool | None = None,
                     reduce: bool | None = None, reduction: _Reduction = "mean") -> Array:
    """Two-class logistic loss ``log(1 + exp(-y x))`` with ``y`` in ``{-1, 1}``.

    Args:
        input: scores ``x``, any shape.
        target: ``y`` in ``{-1, 1}`` of ``input``'s shape.
        size_average: PyTorch's deprecated argument; has no effect.
        reduce: PyTorch's deprecated argument; has no effect.
        reduction: ``"none"`` (the elementwise loss), ``"mean"`` or ``"sum"``.

    Returns:
        A scalar, or ``input``'s shape for ``"none"``.

    Example:
        >>> round(float(F.soft_margin_loss(ft.zeros(2), ft.ones(2))), 4)
        0.6931
    """
    return _reduce(ft.logaddexp(0.0, -target * input), reduction, "soft_margin_loss")
