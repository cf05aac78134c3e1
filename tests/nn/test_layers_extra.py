"""Behaviour of issue #15's layers beyond the torch fixtures (test_reference_extra.py):
init rules, containers, random layers, second-order gradients, dtypes and errors."""

import math

import numpy as np
import pytest

import funtorch as ft
from funtorch.nn import functional as F


@pytest.fixture(autouse=True)
def _float64():
    ft.set_default_dtype(ft.float64)  # conftest restores the default


def test_generate_square_subsequent_mask():
    mask = ft.nn.Transformer.generate_square_subsequent_mask(4)
    expected = np.where(np.triu(np.ones((4, 4)), k=1) > 0, -np.inf, 0.0)
    np.testing.assert_array_equal(mask.numpy(), expected)
    assert ft.nn.Transformer.generate_square_subsequent_mask(2, dtype=ft.float32).dtype \
        == ft.float32


def test_transformer_init_is_xavier_and_layers_are_independent():
    model = ft.nn.Transformer(8, 2, 2, 2, 16, key=ft.random.key(0))
    for name, p in model.named_parameters():
        if p.ndim > 1:
            bound = math.sqrt(6.0 / (p.shape[0] + p.shape[1]))
            assert float(ft.max(ft.abs(p))) <= bound, name
    first, second = model.encoder.layers
    assert first.linear1.weight is not second.linear1.weight
    first.linear1.weight.data = first.linear1.weight * 0.0
    assert float(ft.max(ft.abs(second.linear1.weight))) > 0


def test_encoder_is_causal_equals_explicit_mask():
    enc = ft.nn.TransformerEncoder(ft.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2)
    x = ft.randn(5, 3, 8)
    mask = ft.nn.Transformer.generate_square_subsequent_mask(5)
    np.testing.assert_allclose(enc(x, is_causal=True).detach().numpy(),
                               enc(x, mask=mask).detach().numpy(), atol=1e-12)


def test_transformer_rejects_wrong_feature_size():
    model = ft.nn.Transformer(8, 2, 1, 1, 16)
    with pytest.raises(RuntimeError, match="d_model=8"):
        model(ft.randn(5, 3, 6), ft.randn(4, 3, 8))


def test_transformer_trains_under_jit_grad():
    model = ft.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0, batch_first=True)
    src, tgt = ft.randn(2, 5, 8), ft.randn(2, 4, 8)
    mask = ft.nn.Transformer.generate_square_subsequent_mask(4)

    def loss(m):
        return ft.mean(m(src, tgt, tgt_mask=mask) ** 2)

    grads = ft.jit(ft.grad(loss))(model)
    eager = ft.grad(loss)(model)
    for (name, a), (_, b) in zip(grads.named_parameters(), eager.named_parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-10,
                                   err_msg=name)


def test_parameter_list_and_dict_register_and_differentiate():
    class Model(ft.nn.Module):
        def __init__(self):
            super().__init__()
            self.scales = ft.nn.ParameterList([ft.ones(3), ft.nn.Parameter(ft.ones(3) * 2)])
            self.shifts = ft.nn.ParameterDict({"a": ft.zeros(3)})

        def forward(self, x):
            return ft.sum(x * self.scales[0] * self.scales[1] + self.shifts["a"])

    model = Model()
    assert list(model.state_dict()) == ["scales.0", "scales.1", "shifts.a"]
    assert all(isinstance(p, ft.nn.Parameter) for p in model.parameters())
    x = ft.arange(3.0)
    grads = ft.grad(lambda m: m(x))(model)
    np.testing.assert_allclose(grads.scales[0].detach().numpy(), 2 * x.numpy())
    np.testing.assert_allclose(grads.shifts["a"].detach().numpy(), np.ones(3))
    stacked = ft.tree.map(lambda a: ft.stack([a, 2 * a]), model)
    np.testing.assert_allclose(ft.vmap(lambda m: m(x))(stacked).numpy(), [6.0, 24.0])
    model.scales.append(ft.ones(1))
    model.shifts["b"] = ft.ones(2)
    assert len(model.scales) == 3 and "b" in model.shifts
    model.load_state_dict({k: v * 0 for k, v in model.state_dict().items()})
    assert float(model(x)) == 0.0


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_max_unpool_inverts_max_pool(nd):
    x = ft.randn(2, 3, *([4] * nd))
    pool = getattr(F, f"max_pool{nd}d")
    out, idx = pool(x, 2, return_indices=True)
    restored = getattr(F, f"max_unpool{nd}d")(out, idx, 2).numpy().reshape(6, -1)
    expected = np.zeros_like(restored)
    np.put_along_axis(expected, idx.numpy().reshape(6, -1), out.numpy().reshape(6, -1), 1)
    np.testing.assert_array_equal(restored, expected)


def test_gumbel_softmax_soft_and_hard():
    logits = ft.randn(5, 4)
    soft = F.gumbel_softmax(logits, tau=0.5, key=ft.random.key(1))
    np.testing.assert_allclose(ft.sum(soft, axis=-1).numpy(), np.ones(5))
    hard = F.gumbel_softmax(logits, hard=True, key=ft.random.key(1))
    np.testing.assert_array_equal(hard.numpy(), np.eye(4)[np.argmax(soft.numpy(), -1)])
    g = ft.grad(lambda l: ft.sum(F.gumbel_softmax(l, hard=True, key=ft.random.key(1))
                                 * ft.arange(4.0)))(logits)
    assert np.all(np.isfinite(g.numpy())) and float(ft.max(ft.abs(g))) > 0


def test_rrelu_training_slopes_lie_between_bounds():
    x = -ft.ones(1000)
    slopes = -F.rrelu(x, 0.1, 0.3, training=True, key=ft.random.key(2)).numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03
    layer = ft.nn.RReLU(0.1, 0.3).eval()
    np.testing.assert_allclose(layer(x).numpy(), -0.2 * np.ones(1000))


def test_alpha_dropout_keeps_mean_and_variance():
    x = ft.random.normal(ft.random.key(3), (200000,))
    y = F.alpha_dropout(x, 0.2, training=True, key=ft.random.key(4)).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1.0) < 0.02
    assert F.alpha_dropout(x, 0.2) is x  # training=False by default, as torch


@pytest.mark.parametrize("fn, shape, nd", [(F.dropout1d, (4, 5, 6), 1),
                                           (F.dropout3d, (2, 5, 2, 3, 2), 3),
                                           (F.feature_alpha_dropout, (4, 5, 6), 1)])
def test_channel_dropouts_drop_whole_channels(fn, shape, nd):
    out = fn(ft.ones(shape), 0.5, True, key=ft.random.key(5)).numpy()
    per_channel = out.reshape(shape[:-nd] + (-1,))
    assert np.all(per_channel == per_channel[..., :1])
    assert len(np.unique(per_channel[..., 0])) == 2


@pytest.mark.parametrize("name, fn, args", [
    ("interpolate_bicubic", lambda x: F.interpolate(x, (5, 3), mode="bicubic"),
     [(1, 2, 3, 4)]),
    ("grid_sample", lambda x, g: F.grid_sample(x, g * 0.7, align_corners=False),
     [(1, 2, 3, 4), (1, 2, 2, 2)]),
    ("instance_norm", lambda x: F.instance_norm(x), [(2, 3, 4)]),
    ("rms_norm", lambda x: F.rms_norm(x, (4,)), [(2, 4)]),
    ("cosine_similarity", lambda a, b: F.cosine_similarity(a, b), [(3, 4), (3, 4)]),
    ("pdist", lambda x: F.pdist(x), [(4, 3)]),
    ("lp_pool2d", lambda x: F.lp_pool2d(ft.abs(x) + 0.5, 3.0, 2), [(1, 2, 4, 4)]),
    ("fold", lambda x: F.fold(x, (3, 4), 2), [(1, 8, 6)]),
    ("local_response_norm", lambda x: F.local_response_norm(x, 3), [(1, 4, 3)]),
    ("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (2, 3)), [(1, 2, 5, 4)]),
    ("conv_transpose3d", lambda x, w: F.conv_transpose3d(x, w, stride=2),
     [(1, 2, 2, 2, 1), (2, 1, 2, 1, 2)]),
    ("multilabel_margin_loss", lambda x: F.multilabel_margin_loss(
        x, ft.array([[2, 0, -1, 1], [1, -1, 3, 3]])), [(2, 4)]),
    ("ctc_loss", lambda lp: F.ctc_loss(F.log_softmax(lp, dim=-1), ft.array([[1, 2], [2, 2]]),
                                       [5, 5], [2, 2]), [(5, 2, 3)]),
    ("embedding_bag", lambda w: F.embedding_bag(ft.array([0, 2, 1, 1]), w, ft.array([0, 1]),
                                                mode="sum"), [(3, 2)]),
])
def test_second_order_gradients(name, fn, args):
    key = ft.random.key(len(name))
    values = [ft.random.normal(k, shape) for k, shape in zip(ft.random.split(key, len(args)),
                                                             args)]
    ft.testing.check_grads(fn, tuple(values), order=2)


@pytest.mark.parametrize("fn", [
    lambda x: F.interpolate(x, scale_factor=2, mode="bilinear"),
    lambda x: F.instance_norm(x),
    lambda x: F.rms_norm(x, (4,)),
    lambda x: F.adaptive_max_pool2d(x, 2),
    lambda x: F.pixel_shuffle(ft.concatenate([x] * 4, axis=1), 2),
    lambda x: F.unfold(x, 2),
    lambda x: F.soft_margin_loss(x, ft.ones_like(x)),
    lambda x: ft.nn.RMSNorm(4, dtype=ft.float32)(x),
])
def test_float32_stays_float32(fn):
    assert fn(ft.randn(2, 3, 4, 4).astype(ft.float32)).dtype == ft.float32


@pytest.mark.parametrize("call, match", [
    (lambda: F.interpolate(ft.ones((1, 1, 2, 2)), 4, mode="cubic"), "interpolate: mode"),
    (lambda: F.interpolate(ft.ones((1, 1, 2)), 4, mode="bilinear"), "needs a 4-d input"),
    (lambda: F.interpolate(ft.ones((1, 1, 2)), 4, scale_factor=2), "exactly one"),
    (lambda: F.pixel_shuffle(ft.ones((1, 3, 2, 2)), 2), "divisible"),
    (lambda: F.multi_margin_loss(ft.ones((2, 3)), ft.array([0, 1]), p=3), "p == 1"),
    (lambda: F.embedding_bag(ft.array([[0]]), ft.ones((2, 2)), mode="median"), "mode"),
    (lambda: F.prelu(ft.ones((2, 3)), ft.ones(2)), "prelu: weight"),
    (lambda: ft.nn.ZeroPad2d((1, 2, 3)), "4 ints"),
])
def test_errors_name_the_function_and_the_problem(call, match):
    with pytest.raises((ValueError, RuntimeError, NotImplementedError), match=match):
        call()


def test_transformer_dropout_follows_functional_call_key():
    model = ft.nn.Transformer(8, 2, 1, 1, 16, dropout=0.3, batch_first=True)
    src, tgt = ft.randn(2, 5, 8), ft.randn(2, 4, 8)
    params = dict(model.named_parameters())

    def run(seed):
        return ft.nn.functional_call(model, params, (src, tgt), key=ft.random.key(seed))[0]

    np.testing.assert_array_equal(run(0).detach().numpy(), run(0).detach().numpy())
    assert float(ft.max(ft.abs(run(0) - run(1)))) > 0


@pytest.mark.parametrize("shapes", [((2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 3), (5, 6)),
                                    ((5, 4), (2, 3, 6, 4), (3, 6, 3), (2, 1, 1, 6))])
def test_fused_attention_matches_the_composition_to_second_order(shapes):
    from funtorch.nn.functional.attention_fused import fused_attention
    from funtorch.nn.functional.layers import attention_with_weights
    args = [ft.random.normal(k, s) for k, s in zip(ft.random.split(ft.random.key(7), 4),
                                                   shapes)]

    def loss(attend):
        return lambda *a: ft.sum(ft.sin(attend(*a)))

    fused = loss(fused_attention)
    plain = loss(lambda *a: attention_with_weights(*a)[0])
    for i in range(4):
        np.testing.assert_allclose(ft.grad(fused, argnums=i)(*args).numpy(),
                                   ft.grad(plain, argnums=i)(*args).numpy(), atol=1e-12)

    def second(f):
        return ft.grad(lambda q: ft.sum(ft.grad(f)(q, *args[1:]) ** 2))(args[0])

    np.testing.assert_allclose(second(fused).numpy(), second(plain).numpy(), atol=1e-11)
    batched = ft.vmap(ft.grad(lambda q: fused(q, *args[1:])))(ft.stack([args[0]] * 2))
    np.testing.assert_allclose(batched[1].numpy(), ft.grad(plain)(*args).numpy(), atol=1e-12)
    np.testing.assert_allclose(ft.jit(ft.grad(fused))(*args).numpy(),
                               ft.grad(plain)(*args).numpy(), atol=1e-12)


@pytest.mark.parametrize("layer, shape", [(ft.nn.RReLU(), (50,)),
                                          (ft.nn.FractionalMaxPool2d(2, 3), (1, 2, 9, 9)),
                                          (ft.nn.AlphaDropout(0.3), (50,))])
def test_random_layers_follow_functional_call_key(layer, shape):
    x = -ft.abs(ft.randn(*shape))

    def run(seed):
        return ft.nn.functional_call(layer, {}, (x,), key=ft.random.key(seed))[0].numpy()

    np.testing.assert_array_equal(run(0), run(0))
    assert not np.array_equal(run(0), run(1))


def test_option_layers_take_torchs_signature():
    with pytest.raises(TypeError, match="PixelShuffle: missing a required argument"):
        ft.nn.PixelShuffle()
    layer = ft.nn.LPPool2d(2, 3, ceil_mode=True)
    assert (layer.norm_type, layer.kernel_size, layer.stride, layer.ceil_mode) == (2, 3, None,
                                                                                   True)
    assert repr(ft.nn.Hardtanh(-2.0, 2.0)) == "Hardtanh(min_val=-2.0, max_val=2.0, inplace=False)"
