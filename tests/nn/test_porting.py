"""Behaviour PyTorch users port code against: each case was once wrong (values from torch
2.13, written out by hand where short)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import funtorch as ft
from funtorch import nn
from funtorch.nn import functional as F


def test_clip_grad_norm_clips_when_given_a_generator():
    model = nn.Linear(3, 2)
    ft.sum(model(ft.ones((4, 3))) ** 2).backward()
    before = math.sqrt(sum(float(ft.sum(p.grad ** 2)) for p in model.parameters()))
    total = nn.utils.clip_grad_norm_(model.parameters(), 0.1)
    after = math.sqrt(sum(float(ft.sum(p.grad ** 2)) for p in model.parameters()))
    assert float(total) == pytest.approx(before, rel=1e-5)
    assert after == pytest.approx(0.1, rel=1e-4)


def test_binary_cross_entropy_gradient_is_finite_at_zero_and_one():
    p, y = ft.array([0.0, 1.0, 0.5]), ft.array([0.0, 1.0, 1.0])
    loss, grads = ft.value_and_grad(F.binary_cross_entropy, argnums=(0, 1))(p, y)
    # torch 2.13: loss 0.23104906, d/dp [0, 0, -0.6667], d/dy [33.3333, -33.3333, 0]
    assert float(loss) == pytest.approx(math.log(2) / 3, rel=1e-6)
    np.testing.assert_allclose(grads[0].numpy(), [0.0, 0.0, -2 / 3], rtol=1e-6)
    np.testing.assert_allclose(grads[1].numpy(), [100 / 3, -100 / 3, 0.0], rtol=1e-6)
    # the custom rule is itself differentiable: d2/dp2 of -log p is 1/p^2
    second = ft.grad(ft.grad(lambda q: F.binary_cross_entropy(q, ft.array(1.0))))
    assert float(second(ft.array(0.3, dtype=ft.float64))) == pytest.approx(1 / 0.09)


def test_sigmoid_then_bce_on_saturated_logits_has_finite_gradients():
    model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
    model.load_state_dict({"0.weight": np.array([[40.0]], np.float32),
                           "0.bias": np.array([0.0], np.float32)})
    x, y = ft.array([[1.0], [-0.5]]), ft.array([[1.0], [0.0]])
    grads = ft.grad(lambda m: F.binary_cross_entropy(m(x), y))(model)
    assert np.isfinite(grads[0].weight.detach().numpy()).all()


def test_elu_gradient_at_zero_is_alpha():
    got = ft.grad(lambda x: F.elu(x, alpha=1.5).sum())(ft.array([0.0, -1.0, 1.0]))
    np.testing.assert_allclose(got.numpy(), [1.5, 1.5 * math.exp(-1.0), 1.0], rtol=1e-6)


@pytest.mark.parametrize("fn", [F.cross_entropy, lambda x, t: F.nll_loss(F.log_softmax(x, 1), t)])
@pytest.mark.parametrize("bad", [-1, 3])
def test_class_index_out_of_range_raises(fn, bad):
    with pytest.raises(IndexError, match=f"target {bad} is out of bounds for 3 classes"):
        fn(ft.zeros((3, 3)), ft.array([0, bad, 2]))


def test_ignore_index_and_traced_targets_are_not_range_checked():
    assert float(F.cross_entropy(ft.zeros((3, 3)), ft.array([0, -100, 2]))) == pytest.approx(
        math.log(3))
    out = ft.vmap(F.cross_entropy)(ft.zeros((2, 3, 3)), ft.array([[0, 1, 2], [1, 1, 1]]))
    np.testing.assert_allclose(out.numpy(), [math.log(3)] * 2, rtol=1e-6)


def test_cross_entropy_batch_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"target shape \(2,\).*\(3,\)"):
        F.cross_entropy(ft.zeros((3, 4)), ft.array([0, 1]))


def test_batch_norm_checks_channels_and_batch_size():
    with pytest.raises(ValueError, match=r"running_mean has shape \(3,\).*has 4 channels"):
        nn.BatchNorm2d(3)(ft.ones((2, 4, 2, 2)))
    with pytest.raises(ValueError, match="more than 1 value per channel when training"):
        nn.BatchNorm1d(3, track_running_stats=False)(ft.ones((1, 3)))
    layer = nn.BatchNorm1d(3).eval()  # running statistics: one example is fine
    assert layer(ft.ones((1, 3))).shape == (1, 3)


def test_sequential_and_module_list_edit_like_python_lists():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    del seq[1]
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    seq.insert(1, nn.Tanh())
    seq[0] = nn.Linear(2, 3, bias=False)
    assert [type(m).__name__ for m in seq] == ["Linear", "Tanh", "Linear"]
    assert list(seq.state_dict()) == ["0.weight", "2.weight", "2.bias"]
    assert len(seq + nn.Sequential(nn.ReLU())) == 4 and len(seq) == 3
    assert type(seq.pop()).__name__ == "Linear" and len(seq) == 2
    seq.extend([nn.ReLU()])
    assert len(seq) == 3
    layers = nn.ModuleList([nn.ReLU(), nn.Tanh(), nn.Linear(1, 1)])
    del layers[0]
    assert [type(m).__name__ for m in layers] == ["Tanh", "Linear"]
    assert list(layers.state_dict()) == ["1.weight", "1.bias"]
    assert len(layers + [nn.ReLU()]) == 3
    assert type(layers.pop(0)).__name__ == "Tanh"
    table = nn.ModuleDict({"a": nn.ReLU(), "b": nn.Tanh()})
    assert type(table.pop("a")).__name__ == "ReLU" and list(table) == ["b"]
    table.clear()
    assert len(table) == 0


def _numpy_attention(q, k, v):
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    return (weights / weights.sum(-1, keepdims=True)) @ v


def test_scaled_dot_product_attention_returns_one_array_like_torch():
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(2, 4, 3, 5)) for _ in range(3))
    out = F.scaled_dot_product_attention(ft.array(q), ft.array(k), ft.array(v))
    assert isinstance(out, ft.Array)
    np.testing.assert_allclose(out.numpy(), _numpy_attention(q, k, v), rtol=1e-12)


def test_scaled_dot_product_attention_grouped_query_heads():
    rng = np.random.default_rng(1)
    q = rng.normal(size=(1, 4, 3, 5))
    k, v = rng.normal(size=(1, 2, 6, 5)), rng.normal(size=(1, 2, 6, 5))
    out = F.scaled_dot_product_attention(ft.array(q), ft.array(k), ft.array(v), enable_gqa=True)
    want = _numpy_attention(q, np.repeat(k, 2, axis=1), np.repeat(v, 2, axis=1))
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-12)
    with pytest.raises(ValueError, match="multiple of the key's 3"):
        F.scaled_dot_product_attention(ft.array(q), ft.ones((1, 3, 6, 5), dtype=ft.float64),
                                       ft.ones((1, 3, 6, 5), dtype=ft.float64), enable_gqa=True)


def test_model_with_a_shared_child_reloads_its_own_state_dict():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert "2.weight" in model.state_dict()
    result = model.load_state_dict(model.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []


@pytest.mark.parametrize("index", [-1, 5])
def test_embedding_index_out_of_range_raises(index):
    with pytest.raises(IndexError, match=f"index {index} is out of range for 5 embeddings"):
        nn.Embedding(5, 3)(ft.array([0, index]))


def test_batch_norm_statistics_never_hold_traced_values():
    bn = nn.BatchNorm1d(3)
    x = ft.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    ft.grad(lambda v: ft.sum(bn(v) ** 2))(x)  # grad over the input: the primal is stored
    assert type(bn.running_mean) is ft.Array
    np.testing.assert_allclose(bn.running_mean.numpy(), [0.2, 0.2, 0.2], rtol=1e-6)
    with pytest.raises(TypeError, match="cannot write running statistics"):
        ft.vmap(lambda v: bn(v))(ft.ones((2, 2, 3)))
    out, state = ft.jit(lambda v: nn.functional_call(bn, None, (v,)))(x)
    assert all(type(value) is ft.Array for value in state.values())
    np.testing.assert_allclose(state["running_mean"].detach().numpy(), [0.38, 0.38, 0.38],
                               rtol=1e-6)
    np.testing.assert_allclose(bn.running_mean.numpy(), [0.2, 0.2, 0.2], rtol=1e-6)
    ft.jit(lambda v: bn(v))(x)  # a closed-over module's buffers are jit inputs and outputs
    assert type(bn.running_mean) is ft.Array
    np.testing.assert_allclose(bn.running_mean.numpy(), [0.38, 0.38, 0.38], rtol=1e-6)
