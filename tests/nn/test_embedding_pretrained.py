"""Embedding.from_pretrained and EmbeddingBag.from_pretrained (torch's signatures): the
weight is the given table, frozen unless ``freeze=False``, and the options reach the layer."""

import numpy as np
import pytest

import funtorch as ft
from funtorch import nn

TABLE = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]])


@pytest.mark.parametrize("freeze", [True, False])
def test_embedding_bag_from_pretrained(freeze):
    bag = nn.EmbeddingBag.from_pretrained(ft.array(TABLE), freeze=freeze, mode="sum")
    assert bag.weight.requires_grad is not freeze
    assert (bag.num_embeddings, bag.embedding_dim, bag.mode) == (3, 2, "sum")
    out = bag(ft.array([0, 1, 2]), offsets=ft.array([0, 2]))
    np.testing.assert_allclose(np.array(out.tolist()), [TABLE[0] + TABLE[1], TABLE[2]])


def test_embedding_bag_from_pretrained_options():
    bag = nn.EmbeddingBag.from_pretrained(ft.array(TABLE), include_last_offset=True,
                                          padding_idx=1, mode="max")
    assert (bag.include_last_offset, bag.padding_idx, bag.mode) == (True, 1, "max")
    out = bag(ft.array([0, 2, 1]), offsets=ft.array([0, 2, 3]))
    np.testing.assert_allclose(np.array(out.tolist()), [np.maximum(TABLE[0], TABLE[2]), [0.0, 0.0]])


@pytest.mark.parametrize("freeze", [True, False])
def test_embedding_from_pretrained(freeze):
    emb = nn.Embedding.from_pretrained(ft.array(TABLE), freeze=freeze)
    assert emb.weight.requires_grad is not freeze
    np.testing.assert_allclose(np.array(emb(ft.array([2, 0])).tolist()), TABLE[[2, 0]])


def test_max_mode_refuses_frequency_scaling_as_torch():
    # torch raises; funtorch returned a gradient scaled by nothing in particular
    with pytest.raises(ValueError, match="embedding_bag: max mode does not support scaling"):
        ft.nn.functional.embedding_bag(ft.array([[0, 1]]), ft.eye(3), mode="max",
                                       scale_grad_by_freq=True)
    with pytest.raises(ValueError, match="max mode"):
        ft.nn.EmbeddingBag(3, 2, mode="max", scale_grad_by_freq=True)(ft.array([[0, 1]]))
