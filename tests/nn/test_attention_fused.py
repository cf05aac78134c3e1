"""The fused attention primitive (nn/functional/attention_fused.py) and MultiheadAttention's
use of it: values against a NumPy softmax, derivatives of every order and mode against
finite differences, the fast (buffer) backward against the traced one, and the module's
paths (packed self-attention projection, need_weights, masks) against each other."""

import numpy as np
import pytest

import funtorch as ft
from funtorch.nn import functional as F
from funtorch.nn.functional.attention_fused import fused_attention
from funtorch.nn.functional.layers import _keep_mask

RNG = np.random.default_rng(0)

SHAPES = [  # query, key, value, mask (None: no mask)
    ((3, 4), (5, 4), (5, 2), None),
    ((2, 3, 4), (2, 5, 4), (2, 5, 3), (3, 5)),
    ((2, 2, 3, 2), (2, 5, 2), (2, 5, 3), (2, 1, 3, 5)),
    ((1, 3, 4), (2, 3, 4), (2, 3, 4), (2, 1, 3, 3)),
]


def _arrays(shapes, dtype=np.float64):
    return [None if s is None else ft.array(RNG.standard_normal(s).astype(dtype))
            for s in shapes]


def _composed(q, k, v, mask, scale, dropout_p=0.0, key=None):
    """The plain composition of funtorch ops (what F's attention was before the primitive)."""
    scores = ft.matmul(q, ft.swapaxes(k, -1, -2)) * scale
    if mask is not None:
        scores = scores + mask
    weights = F.softmax(scores, dim=-1)
    if dropout_p:
        keep = _keep_mask(tuple(weights.shape), 1.0 - dropout_p, key, None)
        weights = ft.where(keep, weights / (1.0 - dropout_p), 0.0)
    return ft.matmul(weights, v), weights


def _numpy_attention(q, k, v, mask, scale):
    scores = np.matmul(q, np.swapaxes(k, -1, -2)) * scale + (0.0 if mask is None else mask)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return weights @ v, weights


@pytest.mark.parametrize("shapes", SHAPES)
def test_values_match_numpy(shapes):
    q, k, v, mask = _arrays(shapes)
    out, weights = fused_attention(q, k, v, mask, scale=0.3, need_weights=True)
    want_out, want_weights = _numpy_attention(*(None if a is None else a.numpy()
                                                for a in (q, k, v, mask)), 0.3)
    np.testing.assert_allclose(out.numpy(), want_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(weights.numpy(), want_weights, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shapes", SHAPES)
def test_derivatives_second_order_both_modes(shapes):
    args = _arrays(shapes)
    mask = args[3]

    def f(q, k, v, *m):
        out, weights = fused_attention(q, k, v, m[0] if m else None, need_weights=True)
        return ft.sum(ft.sin(out)) + ft.sum(weights * weights)

    ft.testing.check_grads(f, tuple(a for a in args if a is not None), order=2,
                           modes=("fwd", "rev"))
    assert mask is None or mask.dtype == ft.float64


def test_buffer_backward_equals_traced_backward():
    """grad (rules on raw buffers) == jit(grad) (rules traced) == the plain composition."""
    q, k, v, mask = _arrays(SHAPES[2])

    def loss(q, k, v, mask):
        return ft.sum(ft.tanh(fused_attention(q, k, v, mask)))

    def composed(q, k, v, mask):
        return ft.sum(ft.tanh(_composed(q, k, v, mask, 1 / np.sqrt(2))[0]))

    grads = ft.grad(loss, argnums=(0, 1, 2, 3))(q, k, v, mask)
    for other in (ft.jit(ft.grad(loss, argnums=(0, 1, 2, 3))),
                  ft.grad(composed, argnums=(0, 1, 2, 3))):
        for got, want in zip(other(q, k, v, mask), grads):
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-12)


def test_vmap_matches_loop():
    q, k, v, _ = _arrays(((4, 3, 2), (5, 2), (5, 3), None))
    got = ft.vmap(lambda q: fused_attention(q, k, v))(q)
    for i in range(4):
        np.testing.assert_allclose(got[i].numpy(), fused_attention(q[i], k, v).numpy(),
                                   rtol=1e-12)


def _mha(batch_first):
    return ft.nn.MultiheadAttention(8, 2, batch_first=batch_first, dtype=ft.float64,
                                    key=ft.random.key(1))


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("masks", ["none", "causal", "padding", "float"])
def test_mha_paths_agree(batch_first, masks):
    """Self-attention (packed in_proj) == the same inputs as distinct arrays, with and without
    weights; and the weights match a NumPy softmax."""
    mha = _mha(batch_first)
    x = ft.array(RNG.standard_normal((2, 5, 8) if batch_first else (5, 2, 8)))
    kwargs = {}
    if masks == "causal":
        kwargs = dict(attn_mask=ft.nn.Transformer.generate_square_subsequent_mask(
            5, dtype=ft.float64), is_causal=True)
    elif masks == "padding":
        kwargs = dict(key_padding_mask=ft.array([[False] * 4 + [True], [False] * 5]))
    elif masks == "float":
        kwargs = dict(attn_mask=ft.array(RNG.standard_normal((5, 5))))
    with ft.no_grad():
        out, weights = mha(x, x, x, **kwargs)
        copy = x + 0.0
        out2, _ = mha(x, copy, copy, need_weights=False, **kwargs)
    np.testing.assert_allclose(out2.numpy(), out.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(weights.numpy().sum(-1), 1.0, rtol=1e-12)

    def loss(m, key_input):
        return ft.sum(ft.sin(m(x, key_input, key_input, need_weights=False, **kwargs)[0]))

    packed = ft.grad(loss)(mha, x)
    separate = ft.grad(loss)(mha, copy)
    for name, p in packed.named_parameters():
        np.testing.assert_allclose(p.detach().numpy(),
                                   dict(separate.named_parameters())[name].detach().numpy(),
                                   rtol=1e-10, atol=1e-12, err_msg=name)


def test_mha_second_order_and_forward_mode():
    """need_weights=False (the fused path) now has forward-mode derivatives."""
    mha = _mha(True)
    x = ft.array(RNG.standard_normal((2, 3, 8)))
    mask = ft.nn.Transformer.generate_square_subsequent_mask(3, dtype=ft.float64)

    def f(x):
        return mha(x, x, x, need_weights=False, attn_mask=mask)[0]

    ft.testing.check_grads(f, (x,), order=2, modes=("fwd", "rev"))


def test_pytorch_style_backward_matches_functional_grad():
    layer = ft.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True,
                                          dtype=ft.float64, key=ft.random.key(2))
    x = ft.array(RNG.standard_normal((2, 4, 8)))

    def loss(m):
        return ft.sum(m(x, is_causal=True,
                        src_mask=ft.nn.Transformer.generate_square_subsequent_mask(4)) ** 2)

    want = ft.grad(loss)(layer)
    layer.zero_grad()
    loss(layer).backward()
    for name, p in layer.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(),
                                   dict(want.named_parameters())[name].detach().numpy(),
                                   rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("masks", ["causal", "bool", "causal+float"])
def test_sdpa_runs_the_fused_path(masks):
    """F.scaled_dot_product_attention's masks (bool True = may attend, is_causal) against
    NumPy; its gradients against the composition."""
    q, k, v, _ = _arrays(SHAPES[1])
    causal = np.triu(np.full((3, 5), -np.inf), 1)
    allowed = RNG.random((3, 5)) < 0.7
    allowed[:, 0] = True
    floats = RNG.standard_normal((3, 5))
    kwargs, additive = {
        "causal": (dict(is_causal=True), causal),
        "bool": (dict(attn_mask=ft.array(allowed)), np.where(allowed, 0.0, -np.inf)),
        "causal+float": (dict(is_causal=True, attn_mask=ft.array(floats)), causal + floats),
    }[masks]
    got = F.scaled_dot_product_attention(q, k, v, **kwargs)
    want = _numpy_attention(q.numpy(), k.numpy(), v.numpy(), additive, 0.5)[0]
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)
    grads = ft.grad(lambda q: ft.sum(ft.sin(F.scaled_dot_product_attention(q, k, v,
                                                                           **kwargs))))(q)
    ref = ft.grad(lambda q: ft.sum(ft.sin(_composed(q, k, v, ft.array(additive), 0.5)[0])))(q)
    np.testing.assert_allclose(grads.numpy(), ref.numpy(), rtol=1e-10, atol=1e-12)


def test_dropout_matches_composition_with_the_same_key():
    """Attention dropout through the fused primitive: same mask as F's composition for one
    key, same values, weights and gradients; derivatives of both modes to order 2."""
    q, k, v, mask = _arrays(SHAPES[1])
    key = ft.random.key(3)
    out, weights = fused_attention(q, k, v, mask, scale=0.5, need_weights=True,
                                   dropout_p=0.3, dropout_key=key)
    want_out, want_weights = _composed(q, k, v, mask, 0.5, 0.3, key)
    np.testing.assert_allclose(out.numpy(), want_out.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(weights.numpy(), want_weights.numpy(), rtol=1e-12, atol=1e-12)

    def f(q, k, v):
        return ft.sum(ft.sin(fused_attention(q, k, v, mask, dropout_p=0.3, dropout_key=key)))

    def composed(q, k, v):
        return ft.sum(ft.sin(_composed(q, k, v, mask, 0.5, 0.3, key)[0]))

    for got, ref in zip(ft.grad(f, argnums=(0, 1, 2))(q, k, v),
                        ft.grad(composed, argnums=(0, 1, 2))(q, k, v)):
        np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-10, atol=1e-12)
    ft.testing.check_grads(f, (q, k, v), order=2, modes=("fwd", "rev"))
    zeros = fused_attention(q, k, v, dropout_p=1.0, dropout_key=key)
    np.testing.assert_array_equal(zeros.numpy(), 0.0)


def test_mha_training_dropout_is_reproducible_under_functional_call_key():
    mha = ft.nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True, dtype=ft.float64,
                                   key=ft.random.key(1))
    x = ft.array(RNG.standard_normal((2, 5, 8)))
    params = dict(mha.named_parameters())
    runs = [ft.nn.functional_call(mha, params, (x, x, x), key=ft.random.key(7))[0][0]
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0].detach().numpy(), runs[1].detach().numpy())
    mha.eval()
    with ft.no_grad():
        assert not np.allclose(mha(x, x, x)[0].numpy(), runs[0].detach().numpy())
