"""Embedding: a lookup table of ``num_embeddings`` vectors."""

from __future__ import annotations

import funtorch as ft
from funtorch.nn import functional as F
from funtorch.nn import init
from funtorch.nn._layer_utils import make_param
from funtorch.nn.module import Module

__all__ = ["Embedding"]


class Embedding(Module):
    """``(*)`` integer indices -> ``(*, embedding_dim)`` vectors; weight drawn from N(0, 1)
    (the ``padding_idx`` row is zero and receives no gradient).

    Example:
        >>> ft.nn.Embedding(10, 3)(ft.array([[1, 2]])).shape
        (1, 2, 3)
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
                 norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None,
                 _freeze=False, device=None, dtype=None, *, key=None):
        super().__init__()
        if max_norm is not None or scale_grad_by_freq or sparse:
            raise NotImplementedError("Embedding: max_norm, scale_grad_by_freq and sparse are "
                                      "not supported")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError("Padding_idx must be within num_embeddings")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = padding_idx
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
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None):
        rows, dim = embeddings.shape
        return cls(rows, dim, padding_idx=padding_idx, _weight=embeddings, _freeze=freeze)

    def forward(self, input):
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None
                       else "")
