"""Derivatives of the functional forms against finite differences (float64), plus erf
accuracy and numerical stability."""

import math

import numpy as np
import pytest

import funtorch as ft
from funtorch.nn import functional as F


def r(*shape, seed=0):
    return ft.array(np.random.default_rng(seed).standard_normal(shape))


def idx(high, *shape):
    return ft.array(np.random.default_rng(1).integers(0, high, shape))


def unit(*shape):
    return ft.array(np.random.default_rng(2).uniform(0.1, 0.9, shape))


# name -> (function of the differentiated arrays, arguments)
GRAD_CASES = {
    "relu": (F.relu, (r(3, 4) + 0.05,)),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), (r(3, 4) + 0.05,)),
    "elu": (F.elu, (r(3, 4) + 0.05,)),
    "gelu": (F.gelu, (r(3, 4),)),
    "gelu_tanh": (lambda x: F.gelu(x, "tanh"), (r(3, 4),)),
    "silu": (F.silu, (r(3, 4),)),
    "softplus": (lambda x: F.softplus(x, 2.0, 3.0), (r(3, 4),)),
    "softmax": (lambda x: F.softmax(x, -1), (r(3, 4),)),
    "log_softmax": (lambda x: F.log_softmax(x, 1), (r(3, 4),)),
    "linear": (F.linear, (r(2, 3), r(4, 3), r(4))),
    "bilinear": (F.bilinear, (r(2, 3), r(2, 2), r(4, 3, 2), r(4))),
    "conv1d": (lambda x, w: F.conv1d(x, w, stride=2, padding=1), (r(1, 2, 7), r(3, 2, 3))),
    "conv2d_groups": (lambda x, w, b: F.conv2d(x, w, b, padding="same", groups=2),
                      (r(1, 4, 4, 4), r(2, 2, 3, 3), r(2))),
    "conv_transpose2d": (lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1,
                                                         output_padding=1),
                         (r(1, 2, 3, 3), r(2, 3, 3, 3))),
    "max_pool2d": (lambda x: F.max_pool2d(x, 2, 1, ceil_mode=True), (r(1, 2, 4, 5),)),
    "avg_pool2d": (lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
                   (r(1, 2, 5, 5),)),
    "adaptive_avg_pool2d": (lambda x: F.adaptive_avg_pool2d(x, (2, 3)), (r(1, 2, 5, 4),)),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (4,), w, b), (r(3, 4), r(4), r(4))),
    "group_norm": (lambda x, w, b: F.group_norm(x, 2, w, b), (r(2, 4, 3), r(4), r(4))),
    "batch_norm": (lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                   (r(5, 3), r(3), r(3))),
    "attention": (lambda q, k, v: F.scaled_dot_product_attention(q, k, v),
                  (r(2, 3, 4), r(2, 5, 4), r(2, 5, 4))),
    "mse": (F.mse_loss, (r(3, 4), r(3, 4))),
    "smooth_l1": (lambda x, y: F.smooth_l1_loss(x, y, beta=0.5), (r(3, 4), r(3, 4))),
    "huber": (lambda x, y: F.huber_loss(x, y, delta=0.5), (r(3, 4), r(3, 4))),
    "cross_entropy": (lambda x: F.cross_entropy(x, idx(4, 5), label_smoothing=0.1),
                      (r(5, 4),)),
    "cross_entropy_probs": (lambda x, p: F.cross_entropy(x, F.softmax(p, 1)),
                            (r(5, 4), r(5, 4))),
    "nll": (lambda x, w: F.nll_loss(x, idx(4, 5), weight=F.softplus(w)), (r(5, 4), r(4))),
    "bce": (F.binary_cross_entropy, (unit(3, 4), unit(3, 4))),
    "bce_logits": (lambda x, y, pw: F.binary_cross_entropy_with_logits(
        x, y, pos_weight=F.softplus(pw)), (r(3, 4), unit(3, 4), r(4))),
    "kl_div": (lambda x, t: F.kl_div(x, t, reduction="batchmean"),
               (F.log_softmax(r(3, 4), 1), unit(3, 4))),
    "margin_ranking": (lambda a, b: F.margin_ranking_loss(a, b, ft.array([1.0, -1.0, 1.0])),
                       (r(3), r(3, seed=5))),
    "cosine_embedding": (lambda a, b: F.cosine_embedding_loss(a, b, ft.array([1.0, -1.0])),
                         (r(2, 3), r(2, 3, seed=5))),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_functional_gradients_match_finite_differences(name):
    fn, args = GRAD_CASES[name]
    ft.testing.check_grads(fn, args, order=1, modes=("rev",))


@pytest.mark.parametrize("name", ["gelu", "softmax", "conv1d", "layer_norm", "cross_entropy"])
def test_forward_mode_and_second_order(name):
    fn, args = GRAD_CASES[name]
    ft.testing.check_grads(fn, args, order=2)


def test_erf_accuracy():
    xs = np.linspace(-6, 6, 2001)
    ours = F.erf(ft.array(xs)).numpy()
    expected = np.array([math.erf(v) for v in xs])
    assert np.abs(ours - expected).max() < 1e-7


def test_log_softmax_and_bce_with_logits_are_stable():
    x = ft.array([[1000.0, 0.0, -1000.0]], dtype=ft.float64)
    assert np.isfinite(F.log_softmax(x, 1).numpy()).all()
    logits = ft.array([800.0, -800.0], dtype=ft.float64)
    loss = F.binary_cross_entropy_with_logits(logits, ft.array([0.0, 1.0], dtype=ft.float64),
                                              reduction="none")
    np.testing.assert_allclose(loss.numpy(), [800.0, 800.0])


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_cross_entropy_all_ignored_gives_nan_like_pytorch():
    out = F.cross_entropy(ft.zeros((2, 3)), ft.array([-100, -100]))
    assert np.isnan(out.item())


def test_vmap_of_functional_layers():
    x, w = r(4, 1, 2, 5), r(3, 2, 3)
    batched = ft.vmap(lambda xi: F.conv1d(xi, w, padding=1))(x)
    looped = np.stack([F.conv1d(x[i], w, padding=1).numpy() for i in range(4)])
    np.testing.assert_allclose(batched.numpy(), looped, rtol=1e-10)
