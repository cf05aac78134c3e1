"""``embedding_bag``: sums, means or maxima of bags of embeddings without materialising
the per-bag lists: one lookup of every index and one ``(bags, indices)`` membership
contraction (``max``: a masked maximum over the same membership)."""

from __future__ import annotations

from typing import Literal

import numpy as np

import funtorch as ft
from funtorch.nn.functional.embedding import embedding
from funtorch.typing import Array, ArrayLike

__all__ = ["embedding_bag"]

_MODES = ("sum", "mean", "max")
_BagMode = Literal["sum", "mean", "max"]  # _MODES, to a type checker


def _bag_of_each_index(input, offsets, include_last_offset, fn):
    """``(flat_indices, bag_id_per_index, bag_count)``."""
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(f"{fn}: offsets has to be None if input is 2D")
        bags, length = input.shape
        bag = ft.asarray(np.repeat(np.arange(bags), length), device=input.device)
        return ft.reshape(input, (-1,)), bag, bags
    if input.ndim != 1 or offsets is None:
        raise ValueError(f"{fn}: expected a 2-d input, or a 1-d input with 1-d offsets, got "
                         f"input of shape {tuple(input.shape)} and offsets={offsets!r}")
    offsets = ft.asarray(offsets, device=input.device).astype(ft.int64)
    starts = offsets[:-1] if include_last_offset else offsets
    positions = ft.arange(input.shape[0], device=input.device)
    bag = ft.sum((starts[None, :] <= positions[:, None]).astype(ft.int64), axis=1) - 1
    return input, bag, starts.shape[0]


def embedding_bag(input: ArrayLike, weight: ArrayLike | None, offsets: ArrayLike | None = None,
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: _BagMode = "mean", sparse: bool = False,
                  per_sample_weights: ArrayLike | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Array:
    """Reduce bags of embedding rows: ``input`` ``(B, L)`` (one bag per row) or 1-d with
    ``offsets`` (each bag's start; ``include_last_offset``: plus the end) -> ``(B, D)``.

    ``mode`` is ``sum``, ``mean`` or ``max``; ``per_sample_weights`` (``sum`` only) scale
    each row; ``padding_idx`` entries are left out of their bag (and of its count); an
    empty bag gives zeros, as in torch.

    Args:
        input: integer indices into ``weight``: ``(B, L)``, or ``(n,)`` with ``offsets``.
        weight: the embedding table ``(num_embeddings, D)``.
        offsets: for 1-d ``input``, the ``(B,)`` start of each bag (``(B + 1,)`` with
            ``include_last_offset``); None for 2-d ``input``.
        max_norm: renormalize looked-up rows whose ``norm_type``-norm exceeds it.
        norm_type: the p of the norm for ``max_norm``.
        scale_grad_by_freq: scale the gradient by the inverse frequency of each index.
        mode: ``"sum"``, ``"mean"`` or ``"max"``.
        sparse: accepted for PyTorch compatibility (gradients are dense).
        per_sample_weights: optional weights of ``input``'s shape scaling each row
            (``mode="sum"`` only).
        include_last_offset: ``offsets`` ends with the end of the last bag.
        padding_idx: an index left out of every bag (negative counts from the end).

    Returns:
        ``(B, D)`` of ``weight``'s dtype.

    Raises:
        ValueError: an unknown ``mode``; ``mode="max"`` with ``scale_grad_by_freq``;
            ``offsets`` with 2-d ``input``; 1-d ``input`` without ``offsets`` (or another
            rank).
        NotImplementedError: ``per_sample_weights`` with a mode other than ``"sum"``.

    Example:
        >>> F.embedding_bag(ft.array([[0, 1], [2, 2]]), ft.eye(3)).tolist()
        [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]]
    """
    fn = "embedding_bag"
    if mode not in _MODES:
        raise ValueError(f"{fn}: mode has to be one of {_MODES}, got {mode!r}")
    if mode == "max" and scale_grad_by_freq:  # as torch: a max has no frequency to scale
        raise ValueError(f"{fn}: max mode does not support scaling the gradient by the "
                         "frequency (scale_grad_by_freq=True)")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"{fn}: per_sample_weights was not None. per_sample_weights "
                                  f"is only supported for mode='sum' (got mode='{mode}')")
    flat, bag, bags = _bag_of_each_index(input, offsets, include_last_offset, fn)
    if padding_idx is not None and padding_idx < 0:
        padding_idx += weight.shape[0]
    rows = embedding(flat, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse)
    member = bag[None, :] == ft.arange(bags, device=weight.device)[:, None]  # (B, n)
    if padding_idx is not None:
        member = member & (flat != padding_idx)[None, :]
    if mode == "max":
        picked = ft.where(member[:, :, None], rows[None, :, :], -np.inf)
        out = ft.max(picked, axis=1)
        return ft.where(ft.any(member, axis=1)[:, None], out, 0.0)
    if per_sample_weights is not None:
        rows = rows * ft.reshape(per_sample_weights, (-1, 1)).astype(rows.dtype)
    out = ft.matmul(member.astype(rows.dtype), rows)
    if mode == "mean":
        count = ft.sum(member.astype(rows.dtype), axis=1, keepdims=True)
        out = out / ft.maximum(count, 1.0)
    return out
