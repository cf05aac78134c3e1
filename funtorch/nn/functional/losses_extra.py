"""The remaining losses of ``torch.nn.functional``: KL divergence, Gaussian/Poisson NLL,
triplet margins and CTC (the multi-class/multi-label and soft margins:
``losses_margin.py``).

``ctc_loss`` runs the forward (alpha) recursion over the extended label sequence as one
``ft.scan`` over time, vectorised over the batch and the labels; its gradient is the
scan's reverse pass (no hand-written beta recursion).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import numpy as np

import funtorch as ft
from funtorch.nn.functional._checks import concrete
from funtorch.nn.functional.loss import _reduce, _Reduction
from funtorch.nn.functional.norms_extra import pairwise_distance
from funtorch.typing import Array, ArrayLike

__all__ = ["kl_div", "gaussian_nll_loss", "poisson_nll_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss", "ctc_loss"]


def kl_div(input: ArrayLike, target: ArrayLike,
           reduction: Literal["none", "batchmean", "mean", "sum"] = "mean",
           log_target: bool = False) -> Array:
    """Pointwise KL divergence ``KL(target || exp(input))``: ``target * (log target - input)``.

    ``input`` holds log-probabilities; ``reduction="batchmean"`` divides the sum by the
    batch size (the true KL mean), ``"mean"`` by the element count (PyTorch's default).

    Args:
        input: log-probabilities, any shape ``(N, *)``.
        target: probabilities (or log-probabilities with ``log_target``) of ``input``'s shape;
            ``0 * log 0`` counts as 0.
        reduction: ``"none"``, ``"batchmean"``, ``"mean"`` or ``"sum"``.
        log_target: ``target`` holds log-probabilities.

    Returns:
        A scalar, or the pointwise loss of ``input``'s shape for ``"none"``.

    Raises:
        ValueError: an unknown ``reduction``.

    Example:
        >>> p = ft.array([0.5, 0.5]); F.kl_div(ft.log(p), p, reduction="sum").item()
        0.0
    """
    if log_target:
        loss = ft.exp(target) * (target - input)
    else:
        positive = target > 0
        log_t = ft.log(ft.where(positive, target, 1.0))
        loss = target * (log_t - input)  # xlogy: 0 * log 0 = 0
    if reduction == "batchmean":
        return ft.sum(loss) / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction, "kl_div")


def _value_clamped_min(x, low):
    """``max(x, low)`` in value with the identity's gradient (torch clamps under no_grad)."""
    return x + ft.stop_gradient(ft.maximum(x, low) - x)


def gaussian_nll_loss(input: ArrayLike, target: ArrayLike, var: ArrayLike, full: bool = False,
                      eps: float = 1e-6, reduction: _Reduction = "mean") -> Array:
    """Gaussian negative log-likelihood ``0.5 * (log(var) + (input - target)**2 / var)``
    (+ ``0.5 log(2 pi)`` with ``full``).

    ``var`` is clamped below at ``eps`` in value only (the gradient is the identity's, as
    torch), and may omit the last axis or have size 1 there.

    Args:
        input: the predicted means, ``(N, *)``.
        target: samples of ``input``'s shape.
        var: the predicted variances: ``input``'s shape, that shape without the last axis,
            or with 1 there.
        full: add the constant ``0.5 log(2 pi)``.
        eps: the clamp of ``var`` (for stability).
        reduction: ``"none"`` (the elementwise loss), ``"mean"`` or ``"sum"``.

    Returns:
        A scalar, or ``input``'s shape for ``"none"``.

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
    ``input - target * log(input + eps)``; ``full`` adds Stirling's term
    ``t log t - t + 0.5 log(2 pi t)`` where ``target > 1``.

    Args:
        input: the predicted rate (its log with ``log_input``), any shape.
        target: counts of ``input``'s shape.
        log_input: ``input`` is the log-rate.
        full: add Stirling's approximation of ``log(target!)``.
        size_average: deprecated PyTorch argument, ignored (use ``reduction``).
        reduce: deprecated PyTorch argument, ignored (use ``reduction``).
        eps: added to the rate inside the log when ``log_input`` is False.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (no reduction).

    Returns:
        A scalar, or (``"none"``) an array of ``input``'s shape.

    Example:
        >>> float(F.poisson_nll_loss(ft.zeros(2), ft.ones(2)))  # exp(0) - 1 * 0
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

    Args:
        anchor: ``(N, D)`` or ``(D,)``.
        positive: the same shape as ``anchor``.
        negative: the same shape as ``anchor``.
        margin: the required gap, positive.
        p: the norm degree of the distance.
        eps: added to the difference inside the norm (as :func:`pairwise_distance`).
        swap: use the positive-negative distance when it is smaller (Balntas et al. 2016).
        size_average: deprecated PyTorch argument, ignored (use ``reduction``).
        reduce: deprecated PyTorch argument, ignored (use ``reduction``).
        reduction: ``"none"`` (the per-triplet loss), ``"mean"`` or ``"sum"``.

    Returns:
        A scalar, or ``(N,)`` for ``"none"``.

    Raises:
        ValueError: ``margin <= 0``.

    Example:
        >>> a, p, n = ft.array([[0.0, 0.0]]), ft.array([[3.0, 4.0]]), ft.array([[0.0, 1.0]])
        >>> round(F.triplet_margin_loss(a, p, n).item(), 4)  # 1 + 5 - 1
        5.0
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

    Args:
        anchor: ``(N, D)`` (or whatever ``distance_function`` takes).
        positive: the same shape as ``anchor``.
        negative: the same shape as ``anchor``.
        distance_function: maps two batches to ``(N,)`` non-negative distances; None for
            :func:`pairwise_distance`.
        margin: the required gap, positive.
        swap: use ``min(d(a, n), d(p, n))`` as the negative distance.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (no reduction).

    Returns:
        A scalar, or ``(N,)`` for ``"none"``.

    Raises:
        ValueError: ``margin <= 0``.

    Example:
        >>> a, p, n = ft.array([[0.0, 0.0]]), ft.array([[3.0, 4.0]]), ft.array([[0.0, 1.0]])
        >>> l1 = lambda x, y: ft.sum(ft.abs(x - y), axis=-1)
        >>> F.triplet_margin_with_distance_loss(a, p, n, distance_function=l1).item()  # 1 + 7 - 1
        7.0
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
        input_lengths: ``(N,)`` input lengths, each at most ``T`` (an array or a sequence
            of ints).
        target_lengths: ``(N,)`` target lengths (with 1-d ``targets``, their sum is its
            length).
        blank: the class index of the blank label.
        reduction: ``"mean"`` divides each loss by its target length, then averages;
            ``"sum"`` adds them; ``"none"`` keeps them.
        zero_infinity: replace infinite losses (impossible alignments) and their
            gradients by zero.

    Returns:
        A scalar, or the ``(N,)`` per-sample losses (``()`` unbatched) for ``"none"``.

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
