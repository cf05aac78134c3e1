"""Transformer encoder forward+backward (issue 15): 2 layers, d_model 128, 4 heads.

``nn.TransformerEncoder(nn.TransformerEncoderLayer(128, 4, dropout=0.0,
batch_first=True), 2)`` (post-norm, ReLU, torch's default feed-forward width 2048) on a
batch of 16 sequences of 64 tokens, float32, loss ``mse(model(x), target)``; one step
is the forward pass and the gradients of every parameter. Dropout is 0 so that every
implementation computes the same numbers. The NumPy baseline is a hand-written
forward/backward (attention, softmax, LayerNorm and ReLU backward by hand); funtorch
differentiates ``ft.nn.TransformerEncoder`` with ``ft.value_and_grad``, torch calls
``backward()``.
"""

from __future__ import annotations

import numpy as np

from workloads.base import Impl, baseline_and_funtorch
from workloads.common import check_numpy_backward

NAME = "transformer"
DESCRIPTION = ("forward+backward of a 2-layer TransformerEncoder (d_model 128, 4 heads, "
               "ff 2048), batch 16 x seq 64, float32")

D_MODEL, HEADS, FEEDFORWARD, LAYERS = 128, 4, 2048, 2
BATCH, LENGTH = 16, 64
EPS = 1e-5
SEED = 0
PARAM_NAMES = ("self_attn.in_proj_weight", "self_attn.in_proj_bias",
               "self_attn.out_proj.weight", "self_attn.out_proj.bias", "linear1.weight",
               "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight",
               "norm1.bias", "norm2.weight", "norm2.bias")


def keys(layers=LAYERS):
    """torch's state_dict keys of the encoder, in order."""
    return tuple(f"layers.{i}.{name}" for i in range(layers) for name in PARAM_NAMES)


def make_data(d_model=D_MODEL, feedforward=FEEDFORWARD, layers=LAYERS, batch=BATCH,
              length=LENGTH, seed=SEED, dtype=np.float32):
    """Parameters (torch's state_dict keys), inputs and targets from a fixed seed."""
    rng = np.random.default_rng(seed)
    shapes = {"self_attn.in_proj_weight": (3 * d_model, d_model),
              "self_attn.in_proj_bias": (3 * d_model,),
              "self_attn.out_proj.weight": (d_model, d_model),
              "self_attn.out_proj.bias": (d_model,),
              "linear1.weight": (feedforward, d_model), "linear1.bias": (feedforward,),
              "linear2.weight": (d_model, feedforward), "linear2.bias": (d_model,)}
    params = {}
    for i in range(layers):
        for name, shape in shapes.items():
            params[f"layers.{i}.{name}"] = rng.normal(0, shape[-1] ** -0.5, shape)
        for norm in ("norm1", "norm2"):  # not the identity, so their gradients matter
            params[f"layers.{i}.{norm}.weight"] = 1.0 + 0.1 * rng.normal(size=d_model)
            params[f"layers.{i}.{norm}.bias"] = 0.1 * rng.normal(size=d_model)
    x = rng.normal(size=(batch, length, d_model))
    target = rng.normal(size=(batch, length, d_model))
    cast = {key: value.astype(dtype) for key, value in params.items()}
    return cast, x.astype(dtype), target.astype(dtype)


# Hand-written NumPy forward and backward --------------------------------------------------


def _layer_norm(z, weight, bias):
    mean = z.mean(axis=-1, keepdims=True)
    centred = z - mean
    rstd = 1.0 / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + EPS)
    xhat = centred * rstd
    return xhat * weight + bias, (xhat, rstd, weight)


def _layer_norm_backward(dy, cache):
    xhat, rstd, weight = cache
    rows = dy.reshape(-1, dy.shape[-1])
    d_weight = np.einsum("ij,ij->j", rows, xhat.reshape(rows.shape))
    d_xhat = dy * weight
    dz = rstd * (d_xhat - d_xhat.mean(axis=-1, keepdims=True)
                 - xhat * (d_xhat * xhat).mean(axis=-1, keepdims=True))
    return dz, d_weight, rows.sum(axis=0)


def _split_heads(t, heads):  # (N, L, E) -> (N, H, L, D)
    n, length, e = t.shape
    return t.reshape(n, length, heads, e // heads).transpose(0, 2, 1, 3)


def _merge_heads(t):  # (N, H, L, D) -> (N, L, E)
    n, h, length, d = t.shape
    return t.transpose(0, 2, 1, 3).reshape(n, length, h * d)


def _layer_forward(p, x, heads):
    e = x.shape[-1]
    qkv = x @ p["self_attn.in_proj_weight"].T + p["self_attn.in_proj_bias"]
    q, k, v = (_split_heads(qkv[..., i * e:(i + 1) * e], heads) for i in range(3))
    scale = (e // heads) ** -0.5
    scores = (q * scale) @ k.transpose(0, 1, 3, 2)
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs = scores / scores.sum(axis=-1, keepdims=True)
    attended = _merge_heads(probs @ v)
    a = attended @ p["self_attn.out_proj.weight"].T + p["self_attn.out_proj.bias"]
    h1, norm1 = _layer_norm(x + a, p["norm1.weight"], p["norm1.bias"])
    hidden = np.maximum(h1 @ p["linear1.weight"].T + p["linear1.bias"], 0)
    f = hidden @ p["linear2.weight"].T + p["linear2.bias"]
    y, norm2 = _layer_norm(h1 + f, p["norm2.weight"], p["norm2.bias"])
    return y, (x, q, k, v, scale, probs, attended, h1, hidden, norm1, norm2)


def _linear_backward(dy, x, weight):
    """Gradients of ``x @ weight.T + b``: ``(dx, d_weight, d_bias)`` (leading axes summed)."""
    rows, inputs = dy.reshape(-1, dy.shape[-1]), x.reshape(-1, x.shape[-1])
    return dy @ weight, rows.T @ inputs, rows.sum(axis=0)


def _layer_backward(p, dy, cache):
    x, q, k, v, scale, probs, attended, h1, hidden, norm1, norm2 = cache
    g = {}
    dz2, g["norm2.weight"], g["norm2.bias"] = _layer_norm_backward(dy, norm2)
    d_hidden, g["linear2.weight"], g["linear2.bias"] = _linear_backward(
        dz2, hidden, p["linear2.weight"])
    d_hidden *= hidden > 0
    d_h1, g["linear1.weight"], g["linear1.bias"] = _linear_backward(
        d_hidden, h1, p["linear1.weight"])
    d_h1 += dz2
    dz1, g["norm1.weight"], g["norm1.bias"] = _layer_norm_backward(d_h1, norm1)
    d_attended, g["self_attn.out_proj.weight"], g["self_attn.out_proj.bias"] = \
        _linear_backward(dz1, attended, p["self_attn.out_proj.weight"])
    d_out = _split_heads(d_attended, q.shape[1])
    d_probs = d_out @ v.transpose(0, 1, 3, 2)
    d_v = probs.transpose(0, 1, 3, 2) @ d_out
    d_scores = probs * (d_probs - (d_probs * probs).sum(axis=-1, keepdims=True))
    d_q = (d_scores @ k) * scale
    d_k = d_scores.transpose(0, 1, 3, 2) @ (q * scale)
    d_qkv = np.concatenate([_merge_heads(t) for t in (d_q, d_k, d_v)], axis=-1)
    dx, g["self_attn.in_proj_weight"], g["self_attn.in_proj_bias"] = _linear_backward(
        d_qkv, x, p["self_attn.in_proj_weight"])
    return dx + dz1, g


def numpy_loss_and_grads(params, x, target, heads=HEADS):
    """Hand-written forward and backward of ``mse(encoder(x), target)``;
    return ``(loss, grads)`` with torch's state_dict keys."""
    layers = len(params) // len(PARAM_NAMES)
    caches, out = [], x
    for i in range(layers):
        out, cache = _layer_forward(_layer_params(params, i), out, heads)
        caches.append(cache)
    diff = out - target
    loss = np.mean(diff * diff)
    d_out, grads = diff * (2.0 / diff.size), {}
    for i in reversed(range(layers)):
        d_out, layer_grads = _layer_backward(_layer_params(params, i), d_out, caches[i])
        grads.update({f"layers.{i}.{name}": value for name, value in layer_grads.items()})
    return loss, grads


def _layer_params(params, i):
    return {name: params[f"layers.{i}.{name}"] for name in PARAM_NAMES}


# Implementations ---------------------------------------------------------------------------


def funtorch_loss(model, x, target):
    """MSE of the encoder's output (the function ``ft.value_and_grad`` takes)."""
    from funtorch.nn import functional as F

    return F.mse_loss(model(x), target)


def _ft_model(params, d_model=D_MODEL, heads=HEADS, feedforward=FEEDFORWARD, layers=LAYERS):
    import funtorch as ft

    dtype = ft.float32 if next(iter(params.values())).dtype == np.float32 else ft.float64
    layer = ft.nn.TransformerEncoderLayer(d_model, heads, feedforward, dropout=0.0,
                                          batch_first=True, dtype=dtype)
    model = ft.nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
    model.load_state_dict({key: ft.array(value) for key, value in params.items()})
    return model


def _make_numpy():
    params, x, target = make_data()
    return (lambda: numpy_loss_and_grads(params, x, target)), _fetch


def _make_funtorch():
    import funtorch as ft

    params, x, target = make_data()
    model, x, target = _ft_model(params), ft.array(x), ft.array(target)
    value_and_grad = ft.value_and_grad(funtorch_loss)
    return (lambda: value_and_grad(model, x, target)), _fetch_module


def _make_funtorch_jit():
    import funtorch as ft

    params, x, target = make_data()
    model, x, target = _ft_model(params), ft.array(x), ft.array(target)
    value_and_grad = ft.jit(ft.value_and_grad(funtorch_loss))
    return (lambda: value_and_grad(model, x, target)), _fetch_module


def _make_torch():
    import torch

    params, x, target = make_data()
    layer = torch.nn.TransformerEncoderLayer(D_MODEL, HEADS, FEEDFORWARD, dropout=0.0,
                                             batch_first=True)
    model = torch.nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
    model.load_state_dict({key: torch.from_numpy(value) for key, value in params.items()})
    x, target = torch.from_numpy(x), torch.from_numpy(target)

    def step():
        model.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(x), target)
        loss.backward()
        return loss, {key: param.grad for key, param in model.named_parameters()}

    return step, lambda out: (float(out[0].detach()), {k: out[1][k].numpy() for k in keys()})


def _fetch(out):
    loss, grads = out
    return float(np.asarray(loss)), {key: np.asarray(grads[key], np.float64) for key in grads}


def _fetch_module(out):
    loss, grads = out  # jit's outputs may be on the tape (the parameters require grad)
    return float(loss.detach()), {key: np.asarray(value.detach(), np.float64)
                                  for key, value in grads.state_dict().items()}


IMPLEMENTATIONS = (
    *baseline_and_funtorch(_make_numpy, _make_funtorch, _make_funtorch_jit),
    Impl("torch", _make_torch),
)


def check():
    """Assert the NumPy backward matches finite differences and funtorch's gradients.

    Runs a small float64 encoder (d_model 8, 2 heads, ff 16, 2 layers, batch 2, length 5)
    through the same code as the benchmark.

    Returns:
        A one-line summary of what was checked.

    Raises:
        AssertionError: if a comparison fails.
    """
    import funtorch as ft

    sizes = {"d_model": 8, "feedforward": 16, "layers": 2, "batch": 2, "length": 5, "seed": 1}
    params, x, target = make_data(dtype=np.float64, **sizes)
    loss, grads = check_numpy_backward(
        lambda p, x, t: numpy_loss_and_grads(p, x, t, heads=2), params, (x, target), keys(),
        "transformer: numpy backward")
    model = _ft_model(params, d_model=8, heads=2, feedforward=16, layers=2)
    ft_loss, ft_grads = _fetch_module(ft.value_and_grad(funtorch_loss)(
        model, ft.array(x), ft.array(target)))
    np.testing.assert_allclose(ft_loss, loss, rtol=1e-12,
                               err_msg="transformer: funtorch loss vs numpy")
    for key in keys():
        np.testing.assert_allclose(ft_grads[key], grads[key], rtol=1e-9, atol=1e-13,
                                   err_msg=f"transformer: funtorch grad {key} vs numpy")
    return "numpy backward == finite differences == funtorch grads (float64, small encoder)"


def compare(result, reference):
    """Assert one implementation's loss and gradients equal the baseline's."""
    np.testing.assert_allclose(result[0], reference[0], rtol=1e-4)
    for key in keys():
        np.testing.assert_allclose(result[1][key], reference[1][key], rtol=2e-3, atol=2e-5,
                                   err_msg=f"transformer: gradient of {key}")
