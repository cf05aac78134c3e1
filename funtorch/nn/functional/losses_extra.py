"""The remaining losses of ``torch.nn.functional``: Gaussian/Poisson NLL, multi-class and
multi-label margins, soft margin, triplet margins, and CTC.

``ctc_loss`` runs the forward (alpha) recursion over the extended label sequence as one
``ft.scan`` over time, vectorised over the batch and the labels; its gradient is the
scan's reverse pass (no hand-written beta recursion).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

import funtorch as ft
from funtorch.nn.functional._checks import concrete
from funtorch.nn.functional.activations_torch import logsigmoid
from funtorch.nn.functional.loss import _reduce, _Reduction
from funtorch.nn.functional.norms_extra import pairwise_distance
from funtorch.typing import Array, ArrayLike

__all__ = ["gaussian_nll_loss", "poisson_nll_loss", "multi_margin_loss",
           "multilabel_margin_loss", "multilabel_soft_margin_loss", "soft_margin_loss",
           "triplet_margin_loss", "triplet_margin_with_distance_loss", "ctc_loss"]


def _value_clamped_min(x, low):
    """``max(x, low)`` in value with the identity's gradient (torch clamps under no_grad)."""
    return x + ft.stop_gradient(ft.maximum(x, low) - x)


def gaussian_nll_loss(input: ArrayLike, target: ArrayLike, var: ArrayLike, full: bool = False,
                      eps: float = 1e-6, reduction: _Reduction = "mean") -> Array:
    """``0.5 * (log(var) + (input - target)^2 / var)`` (+ ``0.5 log(2 pi)`` with ``full``);
    ``var`` is clamped below at ``eps`` in value only, and may omit the last axis or have
    size 1 there.

    Raises:
        ValueError: ``var``'s shape does not fit the input's, or a negative ``var``.

    Example:
        >>> float(F.gaussian_nll_loss(ft.zeros(3), ft.zeros(3), ft.ones(3)))
        0.0
    """
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = ft.expand_dims(var, -1)
        elif not (tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1):
            raise ValueError(f"gaussian_nll_loss: var of shape {tuple(var.shape)} does not "
                             f"match input of shape {tuple(input.shape)}")
    value = concrete(var)
    if value is not None and bool(ft.any(value < 0)):
        raise ValueError("gaussian_nll_loss: var has negative entry/entries")
    var = _value_clamped_min(var, eps)
    loss = 0.5 * (ft.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction, "gaussian_nll_loss")


def poisson_nll_loss(input: ArrayLike, target: ArrayLike, log_input: bool = True,
                     full: bool = False, size_average: bool | None = None, eps: float = 1e-8,
                     reduce: bool | None = None, reduction: _Reduction = "mean") -> Array:
    """Poisson negative log-likelihood: ``exp(input) - target * input`` (``log_input``) or
    ``input - target * log(input + eps)``; ``full`` adds Stirling's term where
    ``target > 1``.

    Example:
        >>> float(F.poisson_nll_loss(ft.zeros(2), ft.ones(2)))
        1.0
    """
    if log_input:
        loss = ft.exp(input) - target * input
    else:
        loss = input - target * ft.log(input + eps)
    if full:
        safe = ft.where(target > 1, target, 2.0)
        stirling = safe * ft.log(safe) - safe + 0.5 * ft.log(2 * math.pi * safe)
        loss = loss + ft.where(target > 1, stirling, 0.0)
    return _reduce(loss, reduction, "poisson_nll_loss")


def _picked(input, target):
    return ft.take_along_axis(input, ft.expand_dims(target.astype(ft.int64), -1), axis=-1)


def multi_margin_loss(input: ArrayLike, target: ArrayLike, p: float = 1, margin: float = 1.0,
                      weight: ArrayLike | None = None, size_average: bool | None = None,
                      reduce: bool | None = None, reduction: _Reduction = "mean") -> Array:
    """Multi-class hinge: ``sum_{i != y} max(0, margin - x[y] + x[i])^p / C`` per sample,
    times ``weight[y]``.

    Raises:
        ValueError: ``p`` is not 1 or 2.

    Example:
        >>> F.multi_margin_loss(ft.randn(3, 4), ft.array([0, 1, 3])).shape
        ()
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

    Example:
        >>> target = ft.array([[3, 0, -1, 1], [1, -1, 0, 0]])
        >>> F.multilabel_margin_loss(ft.randn(2, 4), target).shape
        ()
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
    sample.

    Example:
        >>> F.multilabel_soft_margin_loss(ft.zeros((2, 3)), ft.ones((2, 3))).shape
        ()
    """
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = ft.mean(loss, axis=-1)
    return _reduce(loss, reduction, "multilabel_soft_margin_loss")


def soft_margin_loss(input: ArrayLike, target: ArrayLike, size_average: bool | None = None,
                     reduce: bool | None = None, reduction: _Reduction = "mean") -> Array:
    """``log(1 + exp(-y x))`` with ``y`` in ``{-1, 1}``.

    Example:
        >>> round(float(F.soft_margin_loss(ft.zeros(2), ft.ones(2))), 4)
        0.6931
    """
    return _reduce(ft.logaddexp(0.0, -target * input), reduction, "soft_margin_loss")


def _triplet(d_ap, d_an, d_pn, margin, swap, reduction, fn):
    if margin <= 0:
        raise ValueError(f"{fn}: margin must be greater than 0, got {margin}")
    if swap:
        d_an = ft.minimum(d_an, d_pn)
    return _reduce(ft.relu(margin + d_ap - d_an), reduction, fn)


def triplet_margin_loss(anchor: ArrayLike, positive: ArrayLike, negative: ArrayLike,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-6, swap: bool = False,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: _Reduction = "mean") -> Array:
    """``max(0, margin + d(a, p) - d(a, n))`` with ``d`` the ``p``-norm pairwise distance
    (``swap``: ``d(a, n)`` becomes ``min(d(a, n), d(p, n))``).

    Example:
        >>> F.triplet_margin_loss(ft.randn(4, 3), ft.randn(4, 3), ft.randn(4, 3)).shape
        ()
    """
    def dist(a, b):
        return pairwise_distance(a, b, p, eps)

    d_pn = dist(positive, negative) if swap else None
    return _triplet(dist(anchor, positive), dist(anchor, negative), d_pn, margin, swap,
                    reduction, "triplet_margin_loss")


def triplet_margin_with_distance_loss(
    anchor: ArrayLike,
    positive: ArrayLike,
    negative: ArrayLike,
    *,
    distance_function: Callable[[Array, Array], Array] | None = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: _Reduction = "mean",
) -> Array:
    """:func:`triplet_margin_loss` with any ``distance_function(x, y)`` (default: the
    Euclidean :func:`pairwise_distance`).

    Example:
        >>> F.triplet_margin_with_distance_loss(ft.randn(4, 3), ft.randn(4, 3),
        ...                                     ft.randn(4, 3)).shape
        ()
    """
    dist = pairwise_distance if distance_function is None else distance_function
    d_pn = dist(positive, negative) if swap else None
    return _triplet(dist(anchor, positive), dist(anchor, negative), d_pn, margin, swap,
                    reduction, "triplet_margin_with_distance_loss")


def _padded_targets(targets, target_lengths, batch):
    """``(N, S)`` int targets and ``(N,)`` lengths from torch's padded ``(N, S)`` or
    concatenated 1-d form (which needs concrete values: its layout depends on them)."""
    lengths = ft.reshape(ft.asarray(target_lengths, device=targets.device), (-1,)).astype(
        ft.int64)
    if targets.ndim == 2:
        return targets.astype(ft.int64), lengths
    flat, sizes = concrete(targets), concrete(lengths)
    if flat is None or sizes is None:
        raise TypeError("ctc_loss: 1-d (concatenated) targets need concrete values under jit "
                        "and vmap; pass padded (N, S) targets instead")
    flat, sizes = flat.numpy().astype(np.int64), sizes.numpy()
    padded = np.zeros((batch, max(int(sizes.max(initial=0)), 1)), dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    for n in range(batch):  # a loop over samples building a constant table, not over time
        padded[n, :sizes[n]] = flat[offsets[n]:offsets[n + 1]]
    return ft.asarray(padded, device=targets.device), lengths


def _logsumexp_finite(x, axis):
    """logsumexp that is ``-inf`` with a zero (not NaN) gradient where every term is
    ``-inf`` (unreachable CTC states)."""
    top = ft.stop_gradient(ft.max(x, axis=axis, keepdims=True))
    top = ft.where(ft.isfinite(top), top, 0.0)
    total = ft.sum(ft.exp(x - top), axis=axis)
    hit = total > 0
    return ft.where(hit, ft.log(ft.where(hit, total, 1.0)) + ft.squeeze(top, axis), -np.inf)


def ctc_loss(log_probs: ArrayLike, targets: ArrayLike, input_lengths: ArrayLike,
             target_lengths: ArrayLike, blank: int = 0, reduction: _Reduction = "mean",
             zero_infinity: bool = False) -> Array:
    """Connectionist temporal classification loss (``-log p(target | input)``).

    Args:
        log_probs: ``(T, N, C)`` log-probabilities (unbatched: ``(T, C)``).
        targets: ``(N, S)`` padded or 1-d concatenated label indices (never ``blank``).
        input_lengths, target_lengths: per-sample lengths (arrays or sequences of ints).
        reduction: ``mean`` divides each loss by its target length, then averages.
        zero_infinity: replace infinite losses (impossible alignments) and their
            gradients by zero.

    Example:
        >>> lp = F.log_softmax(ft.randn(6, 2, 4), dim=-1)
        >>> F.ctc_loss(lp, ft.array([[1, 2], [3, 3]]), [6, 5], [2, 2]).shape
        ()
    """
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs = log_probs[:, None]
        targets = targets[None] if targets.ndim == 1 else targets
    steps, batch, _ = log_probs.shape
    targets, lengths = _padded_targets(targets, target_lengths, batch)
    device = log_probs.device
    in_lengths = ft.reshape(ft.asarray(input_lengths, device=device), (-1,)).astype(ft.int64)
    width = targets.shape[1]
    ext_len = 2 * width + 1
    ext = ft.full((batch, ext_len), blank, dtype=ft.int64, device=device)
    ext = ft.where(ft.asarray(np.arange(ext_len) % 2 == 1, device=device)[None, :],
                   ft.repeat(ft.concatenate([targets, targets[:, -1:]], axis=1), 2, axis=1)[
                       :, :ext_len], ext)
    skip_ok = ft.concatenate([ft.zeros((batch, 2), dtype=ft.bool_, device=device),
                              (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])], axis=1)
    neg_inf = ft.asarray(-np.inf, dtype=log_probs.dtype, device=device)
    emit = ft.take_along_axis(log_probs, ft.broadcast_to(ext[None], (steps, batch, ext_len)),
                              axis=2)  # (T, N, 2S+1)
    start = ft.asarray(np.arange(ext_len) < 2, device=device)[None, :]
    alpha0 = ft.where(start, emit[0], neg_inf)

    pad = ft.full((batch, 2), neg_inf, device=device)

    def step(alpha, inputs):
        t, e = inputs
        prev1 = ft.concatenate([pad[:, :1], alpha[:, :-1]], axis=1)
        prev2 = ft.concatenate([pad, alpha[:, :-2]], axis=1)
        prev2 = ft.where(skip_ok, prev2, neg_inf)
        new = _logsumexp_finite(ft.stack([alpha, prev1, prev2]), 0) + e
        return ft.where(ft.expand_dims(t < in_lengths, -1), new, alpha), None

    times = ft.arange(1, steps, device=device)
    alpha, _ = ft.scan(step, alpha0, (times, emit[1:]))
    last = 2 * lengths[:, None]
    ends = ft.take_along_axis(alpha, ft.concatenate([last, ft.maximum(last - 1, 0)], axis=1),
                              axis=1)
    ends = ft.where((lengths == 0)[:, None] & ft.asarray([False, True], device=device)[None, :],
                    neg_inf, ends)
    loss = -_logsumexp_finite(ends, 1)
    if zero_infinity:
        loss = ft.where(ft.isinf(loss), 0.0, loss)
    if reduction == "mean":
        return ft.mean(loss / ft.maximum(lengths, 1).astype(loss.dtype))
    if unbatched and reduction == "none":
        loss = loss[0]
    return _reduce(loss, reduction, "ctc_loss")
