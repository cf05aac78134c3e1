"""Embedding: a lookup table of ``num_embeddings`` vectors."""

from __future__ import annotations

from typing import Any

import funtorch as ft
from funtorch.nn import functional as F
from funtorch.nn import init
from funtorch.nn._layer_docs import method_doc, repr_doc
from funtorch.nn._layer_utils import check_sizes, make_param
from funtorch.nn.functional.embedding import SPARSE_MSG
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike, DTypeLike, Key

__all__ = ["Embedding"]


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors: integer indices ``(*)`` give their rows
    ``(*, embedding_dim)`` of ``weight``.

    ``weight`` is ``(num_embeddings, embedding_dim)``, drawn from N(0, 1) with the
    ``padding_idx`` row zero. ``max_norm`` renormalises the looked-up rows and, in
    PyTorch-style code, writes them back into ``weight`` as torch does; under a transform
    (``ft.grad`` over the module, ``vmap``, ``jit``) nothing is written and only the output is
    renormalised (see ``ft.nn.functional.embedding``).

    Args:
        num_embeddings: the number of rows (the vocabulary size).
        embedding_dim: the size of each row.
        padding_idx: a row (negative counts from the end) that starts at zero and gets no
            gradient, or None.
        max_norm: rows looked up with a larger ``norm_type``-norm are rescaled to this norm;
            None leaves them.
        norm_type: the p of the p-norm for ``max_norm``.
        scale_grad_by_freq: divide each row's gradient by its index's count in the batch.
        sparse: must be False: there are no sparse arrays in funtorch.
        _weight: an initial ``weight`` (torch's private argument; ``from_pretrained`` uses it).
        _freeze: make ``weight`` not require gradients.
        device: the device of the weight (``"cpu"``; see ``Array.to``), or None.
        dtype: the weight's float dtype; None for ``ft.get_default_dtype()``.
        key: a PRNG key for the initial weight; None draws it from the global generator.

    Raises:
        ValueError: a size that is not a non-negative integer, ``padding_idx`` outside
            ``[-num_embeddings, num_embeddings)``, or ``sparse=True``.

    Shape:
        Input integer indices of any shape ``(*)``; output ``(*, embedding_dim)``.

    Example:
        >>> table = ft.nn.Embedding.from_pretrained(ft.array([[0.0, 1.0], [2.0, 3.0]]))
        >>> table(ft.array([1, 0, 1])).tolist()
        [[2.0, 3.0], [0.0, 1.0], [2.0, 3.0]]
        >>> ft.nn.Embedding(10, 3)(ft.array([[1, 2]])).shape
        (1, 2, 3)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False,
                 _weight: ArrayLike | None = None, _freeze: bool = False, device: Any = None,
                 dtype: DTypeLike = None, *, key: Key | None = None) -> None:
        super().__init__()
        check_sizes(self, num_embeddings=num_embeddings, embedding_dim=embedding_dim)
        if sparse:
            raise ValueError(SPARSE_MSG.format(fn="Embedding"))
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError("Padding_idx must be within num_embeddings")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = padding_idx
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            weight = init.normal(key, (num_embeddings, embedding_dim), dtype=dtype)
            if padding_idx is not None:
                weight = weight.at[padding_idx].set(0.0)
        else:
            weight = ft.asarray(_weight)
        self.weight = make_param(weight, device)
        if _freeze:
            self.weight.requires_grad_(False)

    @classmethod
    def from_pretrained(cls, embeddings: ArrayLike, freeze: bool = True,
                        padding_idx: int | None = None, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> Embedding:
        """An Embedding whose weight is ``embeddings``, frozen unless ``freeze=False``.

        Args:
            embeddings: the weight, ``(num_embeddings, embedding_dim)``.
            freeze: the weight does not require gradients (``requires_grad=False``).
            padding_idx: as the constructor's (that row is kept as given, not zeroed).
            max_norm: as the constructor's.
            norm_type: as the constructor's.
            scale_grad_by_freq: as the constructor's.
            sparse: as the constructor's (must be False).

        Returns:
            The Embedding.

        Example:
            >>> table = nn.Embedding.from_pretrained(ft.array([[1.0], [3.0]]), freeze=False)
            >>> table(ft.array([1])).tolist(), table.weight.requires_grad
            ([[3.0]], True)
        """
        rows, dim = embeddings.shape
        return cls(rows, dim, padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type,
                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse, _weight=embeddings,
                   _freeze=freeze)

    @method_doc("The rows of ``weight`` that ``input`` indexes.",
                args="integer indices of any shape ``(*)``, in ``[0, num_embeddings)``.",
                returns="An array ``(*, embedding_dim)`` of ``weight``'s dtype (rows renormalised "
                        "with ``max_norm``).",
                example=">>> rows = ft.array([[0.0, 1.0], [2.0, 3.0]])\n"
                        ">>> table = nn.Embedding.from_pretrained(rows)\n"
                        ">>> table.forward(ft.array([[1], [0]])).tolist()\n"
                        "[[[2.0, 3.0]], [[0.0, 1.0]]]")
    def forward(self, input: ArrayLike) -> Array:
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    @repr_doc("nn.Embedding(10, 3, padding_idx=0)", "'10, 3, padding_idx=0'")
    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        return text
