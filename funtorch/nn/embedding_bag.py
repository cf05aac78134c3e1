"""EmbeddingBag: an Embedding whose lookups are reduced per bag (sum, mean or max)."""

from __future__ import annotations

from typing import Any

from funtorch.nn import functional as F
from funtorch.nn.embedding import Embedding
from funtorch.nn.functional.embedding_bag import _BagMode
from funtorch.typing import Array, ArrayLike, DTypeLike, Key

__all__ = ["EmbeddingBag"]


class EmbeddingBag(Embedding):
    """Bags of indices -> one ``embedding_dim`` vector per bag (``mode``: ``sum``, ``mean``,
    ``max``); weight drawn from N(0, 1), the ``padding_idx`` row zero.

    ``forward(input, offsets=None, per_sample_weights=None)`` with ``input`` ``(B, L)``, or
    1-d with ``offsets`` (see ``F.embedding_bag``).

    Example:
        >>> ft.nn.EmbeddingBag(10, 3)(ft.array([[1, 2], [3, 4]])).shape
        (2, 3)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: _BagMode = "mean",
                 sparse: bool = False, _weight: ArrayLike | None = None,
                 include_last_offset: bool = False, padding_idx: int | None = None,
                 device: Any = None, dtype: DTypeLike = None, *, key: Key | None = None) -> None:
        super().__init__(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type,
                         scale_grad_by_freq, sparse, _weight, False, device, dtype, key=key)
        if mode not in ("sum", "mean", "max"):
            raise ValueError(f"EmbeddingBag: mode has to be one of sum, mean or max, got "
                             f"{mode!r}")
        self.mode, self.include_last_offset = mode, include_last_offset

    def forward(self, input: ArrayLike, offsets: ArrayLike | None = None,
                per_sample_weights: ArrayLike | None = None) -> Array:
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                               self.scale_grad_by_freq, self.mode, self.sparse,
                               per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", mode={self.mode!r}"
