"""Per-example gradients: ``vmap(grad(loss))`` of a 64-128-10 tanh MLP, batch 256.

Each example's gradient of its own softmax cross-entropy with respect to every
parameter (a (256, ...) array per parameter). Compared with a Python loop of
``grad`` (what one writes without vmap), hand-written batched NumPy (einsum over
the batch), ``torch.func.vmap(grad)`` and ``jax.vmap(grad)`` when installed.
"""

from __future__ import annotations

import numpy as np

from workloads.base import Impl

NAME = "per_example"
DESCRIPTION = "per-example gradients of a 64-128-10 tanh MLP, batch 256, float32"

SIZES = (64, 128, 10)
BATCH = 256
SEED = 0
KEYS = ("w1", "b1", "w2", "b2")


def make_data(sizes=SIZES, batch=BATCH, seed=SEED, dtype=np.float32):
    """Parameters, inputs and one-hot labels from a fixed seed."""
    rng = np.random.default_rng(seed)
    d_in, d_hidden, d_out = sizes
    params = {"w1": rng.normal(0, d_in ** -0.5, (d_in, d_hidden)),
              "b1": np.zeros(d_hidden), "w2": rng.normal(0, d_hidden ** -0.5, (d_hidden, d_out)),
              "b2": np.zeros(d_out)}
    x = rng.normal(size=(batch, d_in))
    onehot = np.eye(d_out)[rng.integers(0, d_out, batch)]
    cast = {k: v.astype(dtype) for k, v in params.items()}
    return cast, x.astype(dtype), onehot.astype(dtype)


def numpy_per_example_grads(params, x, onehot):
    """Batched hand-written backward: per-example outer products via einsum."""
    h = np.tanh(x @ params["w1"] + params["b1"])
    logits = h @ params["w2"] + params["b2"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    d_logits = probs - onehot
    d_h = (d_logits @ params["w2"].T) * (1 - h * h)
    return {"w1": np.einsum("bi,bj->bij", x, d_h), "b1": d_h,
            "w2": np.einsum("bi,bj->bij", h, d_logits), "b2": d_logits}


def funtorch_loss(params, x, onehot):
    """One example's loss (x: (64,), onehot: (10,))."""
    import funtorch as ft

    h = ft.tanh(x @ params["w1"] + params["b1"])
    logits = h @ params["w2"] + params["b2"]
    return ft.logsumexp(logits) - ft.sum(onehot * logits)


def _ft_inputs():
    import funtorch as ft

    params, x, onehot = make_data()
    return {k: ft.array(v) for k, v in params.items()}, ft.array(x), ft.array(onehot)


def _make_numpy():
    params, x, onehot = make_data()
    return (lambda: numpy_per_example_grads(params, x, onehot)), _fetch


def _make_funtorch_vmap():
    import funtorch as ft

    params, x, onehot = _ft_inputs()
    per_example = ft.vmap(ft.grad(funtorch_loss), in_axes=(None, 0, 0))
    return (lambda: per_example(params, x, onehot)), _fetch


def _make_funtorch_jit():
    import funtorch as ft

    params, x, onehot = _ft_inputs()
    per_example = ft.jit(ft.vmap(ft.grad(funtorch_loss), in_axes=(None, 0, 0)))
    return (lambda: per_example(params, x, onehot)), _fetch


def _make_funtorch_loop():
    import funtorch as ft

    params, x, onehot = _ft_inputs()
    grad = ft.grad(funtorch_loss)

    def step():
        grads = [grad(params, x[i], onehot[i]) for i in range(BATCH)]
        return {k: ft.stack([g[k] for g in grads]) for k in KEYS}
    return step, _fetch


def _make_torch():
    import torch
    from torch.func import grad, vmap

    params, x, onehot = make_data()
    params = {k: torch.tensor(v) for k, v in params.items()}
    x, onehot = torch.tensor(x), torch.tensor(onehot)

    def loss(p, xi, yi):
        h = torch.tanh(xi @ p["w1"] + p["b1"])
        logits = h @ p["w2"] + p["b2"]
        return torch.logsumexp(logits, 0) - (yi * logits).sum()
    per_example = vmap(grad(loss), in_dims=(None, 0, 0))
    return (lambda: per_example(params, x, onehot)), lambda out: {
        k: out[k].numpy() for k in KEYS}


def _make_jax():
    import jax
    import jax.numpy as jnp

    params, x, onehot = make_data()

    def loss(p, xi, yi):
        h = jnp.tanh(xi @ p["w1"] + p["b1"])
        logits = h @ p["w2"] + p["b2"]
        return jax.nn.logsumexp(logits) - jnp.sum(yi * logits)
    per_example = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))
    return (lambda: jax.block_until_ready(per_example(params, x, onehot))), _fetch


def _fetch(out):
    return {k: np.asarray(out[k], dtype=np.float64) for k in KEYS}


IMPLEMENTATIONS = (
    Impl("numpy", _make_numpy, traced_memory=True),
    Impl("funtorch", _make_funtorch_vmap, traced_memory=True),
    Impl("funtorch-jit", _make_funtorch_jit, traced_memory=True),
    Impl("funtorch-loop", _make_funtorch_loop, traced_memory=True),
    Impl("torch", _make_torch),
    Impl("jax", _make_jax),
)


def check():
    """Assert the batched NumPy gradients equal funtorch's per-example ``grad`` (float64)."""
    import funtorch as ft

    params, x, onehot = make_data((5, 4, 3), batch=6, seed=1, dtype=np.float64)
    want = numpy_per_example_grads(params, x, onehot)
    grad = ft.grad(funtorch_loss)
    for i in range(6):
        got = grad({k: ft.array(v) for k, v in params.items()}, ft.array(x[i]),
                   ft.array(onehot[i]))
        for k in KEYS:
            np.testing.assert_allclose(np.asarray(got[k]), want[k][i], rtol=1e-10, atol=1e-14,
                                       err_msg=f"per_example: grad {k} of example {i}")
    return "batched numpy per-example grads == funtorch grad per example (float64)"


def compare(result, reference):
    """Assert one implementation's per-example gradients equal the baseline's."""
    for k in KEYS:
        np.testing.assert_allclose(result[k], reference[k], rtol=1e-4, atol=1e-5,
                                   err_msg=f"per_example: gradient {k}")
