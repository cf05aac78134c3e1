"""EmbeddingBag: an Embedding whose lookups are reduced per bag (sum, mean or max)."""

from __future__ import annotations

from typing import Any

from funtorch.nn import functional as F
from funtorch.nn._layer_docs import method_doc, repr_doc
from funtorch.nn.embedding import Embedding
from funtorch.nn.functional.embedding_bag import _BagMode
from funtorch.typing import Array, ArrayLike, DTypeLike, Key

__all__ = ["EmbeddingBag"]


class EmbeddingBag(Embedding):
    """Bags of indices to one vector each: the bag's rows of ``weight`` reduced by ``mode``
    (``sum``, ``mean`` or ``max``), without building the ``(*, embedding_dim)`` lookups.

    ``forward(input, offsets=None, per_sample_weights=None)`` takes ``input`` ``(B, L)`` (B
    bags of L indices), or 1-d with ``offsets``, the start of each bag (see
    ``F.embedding_bag``); ``per_sample_weights`` (``input``'s shape, "sum" mode only) scale
    each row first. ``weight`` is drawn from N(0, 1), the ``padding_idx`` row zero.

    Args:
        num_embeddings: the number of rows (the vocabulary size).
        embedding_dim: the size of each row and of each bag's output.
        max_norm: looked-up rows with a larger ``norm_type``-norm are rescaled to it (None:
            no renormalisation), as in ``Embedding``.
        norm_type: the p of the p-norm for ``max_norm``.
        scale_grad_by_freq: divide each row's gradient by its index's count in the batch.
        mode: how a bag's rows are reduced: "sum", "mean" (default) or "max".
        sparse: must be False (no sparse arrays in funtorch).
        _weight: an initial ``weight`` (torch's private argument).
        include_last_offset: ``offsets`` has one more entry, the end of the last bag (CSR
            style).
        padding_idx: a row that starts at zero and is left out of every bag, or None.
        device: where the weight lives (``"cpu"``; see ``Array.to``), or None.
        dtype: the weight's float dtype; None for ``ft.get_default_dtype()``.
        key: a PRNG key for the initial weight; None for the global generator.

    Raises:
        ValueError: an unknown ``mode``, and what ``Embedding`` refuses.

    Shape:
        ``input`` ``(B, L)``, or ``(total,)`` with ``offsets`` ``(B,)`` (``(B + 1,)`` with
        ``include_last_offset``); output ``(B, embedding_dim)``.

    Example:
        >>> rows = ft.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
        >>> bag = ft.nn.EmbeddingBag(3, 2, mode="sum", _weight=rows)
        >>> bag(ft.array([0, 1, 2, 2]), offsets=ft.array([0, 2])).tolist()  # bags [0, 1], [2, 2]
        [[1.0, 1.0], [4.0, 4.0]]
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

    @classmethod
    def from_pretrained(cls, embeddings: ArrayLike, freeze: bool = True,  # type: ignore[override]
                        max_norm: float | None = None, norm_type: float = 2.0,
                        scale_grad_by_freq: bool = False, mode: _BagMode = "mean",
                        sparse: bool = False, include_last_offset: bool = False,
                        padding_idx: int | None = None) -> EmbeddingBag:
        """An EmbeddingBag whose weight is ``embeddings`` (torch's signature).

        Args:
            embeddings: the weight, ``(num_embeddings, embedding_dim)``.
            freeze: the weight does not require gradients (``requires_grad=False``).
            max_norm: as the constructor's.
            norm_type: as the constructor's.
            scale_grad_by_freq: as the constructor's.
            mode: as the constructor's.
            sparse: as the constructor's (must be False).
            include_last_offset: as the constructor's.
            padding_idx: as the constructor's.

        Returns:
            The EmbeddingBag.

        Example:
            >>> bag = ft.nn.EmbeddingBag.from_pretrained(ft.array([[1.0], [3.0]]))
            >>> bag(ft.array([[0, 1]])).tolist(), bag.weight.requires_grad
            ([[2.0]], False)
        """
        rows, dim = embeddings.shape
        bag = cls(rows, dim, max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
                  include_last_offset, padding_idx)
        if freeze:
            bag.weight.requires_grad_(False)
        return bag

    @method_doc("Each bag's rows of ``weight``, reduced by ``mode``.",
                args={"input": "integer indices ``(B, L)`` (``B`` bags of ``L``), or ``(total,)`` "
                               "with ``offsets``.",
                      "offsets": "where each bag starts in a 1-d ``input``, ``(B,)`` (``(B + 1,)`` "
                                 "with ``include_last_offset``); None for 2-d ``input``.",
                      "per_sample_weights": "``input``'s shape, scaling each looked-up row first "
                                            '("sum" mode only), or None.'},
                returns="An array ``(B, embedding_dim)`` of ``weight``'s dtype.",
                example='>>> bag = nn.EmbeddingBag.from_pretrained(ft.array([[1.0], [3.0]]), '
                        'mode="sum")\n>>> w = ft.array([2.0, 1.0, 0.5])  # bags [0] and [1, 1]\n'
                        ">>> bag.forward(ft.array([0, 1, 1]), ft.array([0, 1]), w).tolist()\n"
                        "[[2.0], [4.5]]")
    def forward(self, input: ArrayLike, offsets: ArrayLike | None = None,
                per_sample_weights: ArrayLike | None = None) -> Array:
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                               self.scale_grad_by_freq, self.mode, self.sparse,
                               per_sample_weights, self.include_last_offset, self.padding_idx)

    @repr_doc("nn.EmbeddingBag(10, 3)", '"10, 3, mode=\'mean\'"')
    def extra_repr(self) -> str:
        return super().extra_repr() + f", mode={self.mode!r}"
