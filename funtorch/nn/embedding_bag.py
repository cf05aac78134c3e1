"""EmbeddingBag: an Embedding whose lookups are reduced per bag (sum, mean or max)."""

from __future__ import annotations

from funtorch.nn import functional as F
from funtorch.nn.embedding import Embedding

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

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, mode="mean", sparse=False, _weight=None,
                 include_last_offset=False, padding_idx=None, device=None, dtype=None, *,
                 key=None):
        super().__init__(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type,
                         scale_grad_by_freq, sparse, _weight, False, device, dtype, key=key)
        if mode not in ("sum", "mean", "max"):
            raise ValueError(f"EmbeddingBag: mode has to be one of sum, mean or max, got "
                             f"{mode!r}")
        self.mode, self.include_last_offset = mode, include_last_offset

    def forward(self, input, offsets=None, per_sample_weights=None):
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                               self.scale_grad_by_freq, self.mode, self.sparse,
                               per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self):
        return super().extra_repr() + f", mode={self.mode!r}"
