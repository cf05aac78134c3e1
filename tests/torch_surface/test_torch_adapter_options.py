"""Options of the torch adapters that used to be accepted and ignored (found while writing
their docstrings, #20): ``out=`` of ``index_select``/``masked_select`` is refused like every
other torch spelling's, ``torch.embedding`` passes ``scale_grad_by_freq``/``sparse`` on
to ``F.embedding``, and ``solve(..., left=False)`` solves ``X A = B``."""

import numpy as np
import pytest

import funtorch as ft


@pytest.mark.parametrize("call", [
    lambda x: ft.index_select(x, 0, ft.array([1]), out=x),
    lambda x: ft.masked_select(x, x > 1, out=x),
], ids=["index_select", "masked_select"])
def test_out_is_refused(call):
    with pytest.raises(TypeError, match=r"\(out=...\): funtorch arrays are immutable"):
        call(ft.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("scale, expected", [(False, [2.0, 1.0, 0.0]), (True, [1.0, 1.0, 0.0])])
def test_embedding_scales_the_gradient_by_frequency(scale, expected):
    index = ft.array([0, 0, 1])  # row 0 twice: torch divides its gradient by 2

    def loss(weight):
        return ft.sum(ft.embedding(weight, index, scale_grad_by_freq=scale))
    grad = ft.grad(loss)(ft.ones((3, 2), dtype=ft.float64))
    np.testing.assert_allclose(np.asarray(grad)[:, 0], expected)


def test_embedding_refuses_sparse_as_the_functional_form_does():
    with pytest.raises(ValueError, match="sparse"):
        ft.embedding(ft.ones((3, 2)), ft.array([0]), sparse=True)


@pytest.mark.parametrize("b_shape", [(3, 3), (2, 3), (4, 2, 3), (3,)])
def test_solve_left_false_solves_x_a_equals_b(b_shape):
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    b = rng.normal(size=b_shape)
    x = np.asarray(ft.solve(ft.array(a), ft.array(b), left=False))
    assert x.shape == b.shape
    np.testing.assert_allclose(x @ a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dim, shape", [(None, (1, 1)), ((1, 2), (2, 1, 1)), ((0, 2), (1, 3, 1))])
def test_nuclear_norm_keeps_dims_as_torch(dim, shape):
    # torch.norm(x, "nuc", dim, keepdim=True) keeps the two reduced dims; keepdim was ignored
    x = ft.array(np.arange(24.0).reshape(2, 3, 4) % 5)
    if dim is None:
        x = x[0]
    out = ft.norm(x, p="nuc", dim=dim, keepdim=True)
    assert out.shape == shape
    flat = ft.norm(x, p="nuc", dim=dim)
    np.testing.assert_allclose(out.numpy().reshape(flat.shape), flat.numpy())
