"""jax.nn's extra activations and their torch.nn.functional spellings: values against
NumPy closed forms, derivatives against finite differences (order 2), kinks as JAX."""

import decimal
import math

import numpy as np
import pytest

import funtorch as ft
import funtorch.nn.functional as F

RNG = np.random.default_rng(0)
# away from every kink (0, +-1, +-3, 6) so finite differences are meaningful
X = np.array([-7.3, -3.4, -2.2, -1.6, -0.7, -0.3, 0.4, 0.9, 1.3, 2.6, 3.7, 5.2, 6.8])
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _relu6(x):
    return np.minimum(np.maximum(x, 0.0), 6.0)


CLOSED_FORMS = {
    "celu": lambda x: np.maximum(x, 0) + np.minimum(0, np.expm1(x)),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)),
    "relu6": _relu6,
    "hard_sigmoid": lambda x: _relu6(x + 3) / 6,
    "hard_silu": lambda x: x * _relu6(x + 3) / 6,
    "hard_swish": lambda x: x * _relu6(x + 3) / 6,
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "identity": lambda x: x,
    "log_sigmoid": lambda x: -np.logaddexp(0.0, -x),
    "soft_sign": lambda x: x / (np.abs(x) + 1),
    "mish": lambda x: x * np.tanh(np.logaddexp(0.0, x)),
    "swish": lambda x: x * _sigmoid(x),
    "sparse_plus": lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
    "sparse_sigmoid": lambda x: np.clip(x + 1, 0, 2) / 2,
    "squareplus": lambda x: (x + np.sqrt(x * x + 4)) / 2,
}
TORCH_SPELLINGS = {  # torch name -> jax name: the same implementation
    "hardtanh": "hard_tanh", "hardsigmoid": "hard_sigmoid", "hardswish": "hard_silu",
    "logsigmoid": "log_sigmoid", "softsign": "soft_sign",
}
SAME_NAME_TORCH = ["relu6", "selu", "celu", "mish", "glu"]


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_values_match_closed_form(name):
    out = getattr(F, name)(ft.array(X))
    np.testing.assert_allclose(np.asarray(out), CLOSED_FORMS[name](X), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_derivatives_match_finite_differences(name):
    ft.testing.check_grads(getattr(F, name), (ft.array(X),), order=2)


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_float32_stays_float32(name):
    assert getattr(F, name)(ft.array(X, dtype=ft.float32)).dtype == np.float32


@pytest.mark.parametrize("torch_name, jax_name", sorted(TORCH_SPELLINGS.items()))
def test_torch_spelling_is_the_same_function(torch_name, jax_name):
    out = getattr(F, torch_name)(ft.array(X))
    np.testing.assert_array_equal(np.asarray(out), np.asarray(getattr(F, jax_name)(ft.array(X))))


@pytest.mark.parametrize("name", SAME_NAME_TORCH + ["hardtanh", "hardsigmoid", "hardswish"])
def test_inplace_is_accepted_and_returns_a_new_array(name):
    x = ft.array(np.array([[-0.5, 0.25], [1.5, 2.0]]))
    fn = getattr(F, name)
    out = fn(x, inplace=True) if name != "glu" else fn(x, dim=1)
    assert out is not x and np.asarray(x)[0, 0] == -0.5


def test_hardtanh_takes_torch_bounds():
    out = F.hardtanh(ft.array(X), min_val=-2.0, max_val=3.0)
    np.testing.assert_array_equal(np.asarray(out), np.clip(X, -2.0, 3.0))


@pytest.mark.parametrize("fn, point, expected", [
    (F.relu6, 0.0, 0.0), (F.relu6, 6.0, 0.0),        # jax.nn.relu6: 0 at both ends
    (F.hard_tanh, 1.0, 1.0), (F.hard_tanh, -1.0, 1.0),  # jax.nn.hard_tanh: 1 at the bounds
    (F.log_sigmoid, 0.0, 0.5), (F.celu, 0.0, 1.0), (F.soft_sign, 0.0, 1.0),
])
def test_derivative_at_kinks_follows_jax(fn, point, expected):
    assert float(ft.grad(fn)(ft.array(point, dtype=ft.float64))) == expected


def test_glu_halves_the_axis():
    x = RNG.standard_normal((3, 4))
    out = F.glu(ft.array(x), axis=1)
    np.testing.assert_allclose(np.asarray(out), x[:, :2] * _sigmoid(x[:, 2:]), rtol=1e-12)
    np.testing.assert_array_equal(np.asarray(F.glu(ft.array(x), dim=1)),
                                  np.asarray(F.glu(ft.array(x), 1)))
    ft.testing.check_grads(lambda v: F.glu(v, axis=1), (ft.array(x),), order=2)
    with pytest.raises(ValueError, match="glu: the halved axis must have even length"):
        F.glu(ft.ones((3, 3)))


def test_log1mexp_is_accurate_on_both_sides_of_log2():
    x = np.array([1e-8, 0.01, 0.5, 0.69, 0.7, 2.0, 30.0])
    with decimal.localcontext() as ctx:  # 40 digits: an exact reference on both sides
        ctx.prec = 40
        expected = np.array([float((1 - (-decimal.Decimal(v)).exp()).ln()) for v in x])
    np.testing.assert_allclose(np.asarray(F.log1mexp(ft.array(x))), expected, rtol=1e-13)
    ft.testing.check_grads(F.log1mexp, (ft.array([0.3, 1.5, 4.0]),), order=2)


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
def test_logsumexp_and_logmeanexp(axis):
    a = RNG.standard_normal((3, 4))
    total = np.log(np.sum(np.exp(a), axis=axis))
    np.testing.assert_allclose(np.asarray(F.logsumexp(ft.array(a), axis=axis)), total,
                               rtol=1e-12)
    count = a.size if axis is None else np.prod([a.shape[n] for n in np.atleast_1d(axis)])
    np.testing.assert_allclose(np.asarray(F.logmeanexp(ft.array(a), axis=axis)),
                               total - np.log(count), rtol=1e-12, atol=1e-14)
    ft.testing.check_grads(lambda v: F.logmeanexp(v, axis=axis), (ft.array(a),), order=2)


def test_logsumexp_weights_sign_and_where():
    a, b = RNG.standard_normal(5), np.array([1.0, -2.0, 0.5, 1.0, -0.1])
    value, sign = F.logsumexp(ft.array(a), b=ft.array(b), return_sign=True)
    total = np.sum(b * np.exp(a))
    np.testing.assert_allclose([float(value), float(sign)], [np.log(abs(total)), np.sign(total)],
                               rtol=1e-12)
    mask = np.array([True, False, True, True, False])
    np.testing.assert_allclose(float(F.logsumexp(ft.array(a), where=ft.array(mask))),
                               np.log(np.exp(a[mask]).sum()), rtol=1e-12)
    np.testing.assert_allclose(float(F.logmeanexp(ft.array(a), where=ft.array(mask))),
                               np.log(np.exp(a[mask]).mean()), rtol=1e-12)


def test_standardize_matches_numpy():
    x = RNG.standard_normal((4, 5))
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    np.testing.assert_allclose(np.asarray(F.standardize(ft.array(x))),
                               (x - mean) / np.sqrt(var + 1e-5), rtol=1e-12)
    out = F.standardize(ft.array(x), axis=0, mean=0.5, variance=2.0, epsilon=0.0)
    np.testing.assert_allclose(np.asarray(out), (x - 0.5) / np.sqrt(2.0), rtol=1e-12)
    mask = RNG.random((4, 5)) > 0.3
    mask[:, 0] = True
    out = np.asarray(F.standardize(ft.array(x), where=ft.array(mask)))
    for row in range(4):
        kept = x[row][mask[row]]
        np.testing.assert_allclose(out[row][mask[row]],
                                   (kept - kept.mean()) / np.sqrt(kept.var() + 1e-5), rtol=1e-12)
    ft.testing.check_grads(F.standardize, (ft.array(x),), order=2)


def _attention_reference(q, k, v, bias=None, mask=None, scale=None):
    """NumPy jax.nn.dot_product_attention, layout (B, T, N, H), grouped heads repeated."""
    groups = q.shape[2] // k.shape[2]
    k, v = np.repeat(k, groups, axis=2), np.repeat(v, groups, axis=2)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    if mask is not None:
        logits = np.where(mask, logits, -0.7 * np.finfo(q.dtype).max)
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", weights, v)


def test_dot_product_attention_matches_numpy():
    q = RNG.standard_normal((2, 3, 4, 8))
    k, v = RNG.standard_normal((2, 5, 2, 8)), RNG.standard_normal((2, 5, 2, 8))
    bias = RNG.standard_normal((1, 4, 3, 5))
    out = F.dot_product_attention(ft.array(q), ft.array(k), ft.array(v), bias=ft.array(bias),
                                  scale=0.3)
    np.testing.assert_allclose(np.asarray(out), _attention_reference(q, k, v, bias, scale=0.3),
                               rtol=1e-10)
    causal = np.tril(np.ones((3, 5), bool))
    out = F.dot_product_attention(ft.array(q), ft.array(k), ft.array(v), is_causal=True)
    np.testing.assert_allclose(np.asarray(out), _attention_reference(q, k, v, mask=causal),
                               rtol=1e-10)
    lengths = np.array([2, 5])
    padded = np.arange(5)[None, None, None, :] < lengths[:, None, None, None]
    out = F.dot_product_attention(ft.array(q), ft.array(k), ft.array(v),
                                  key_value_seq_lengths=lengths)
    np.testing.assert_allclose(np.asarray(out), _attention_reference(q, k, v, mask=padded),
                               rtol=1e-10)
    unbatched = F.dot_product_attention(ft.array(q[0]), ft.array(k[0]), ft.array(v[0]))
    np.testing.assert_allclose(np.asarray(unbatched), _attention_reference(q, k, v)[0],
                               rtol=1e-10)


def test_dot_product_attention_gradients_and_errors():
    q, k, v = (RNG.standard_normal((1, 2, 2, 3)) for _ in range(3))
    ft.testing.check_grads(F.dot_product_attention, (ft.array(q), ft.array(k), ft.array(v)),
                           order=1)
    with pytest.raises(ValueError, match="implementation 'cudnn' is not available"):
        F.dot_product_attention(ft.array(q), ft.array(k), ft.array(v), implementation="cudnn")
    with pytest.raises(ValueError, match="multiple of the key's 2"):
        F.dot_product_attention(ft.ones((1, 2, 3, 4)), ft.ones((1, 2, 2, 4)),
                                ft.ones((1, 2, 2, 4)))
