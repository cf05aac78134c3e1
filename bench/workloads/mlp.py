"""One SGD training step of a 784-512-512-10 ReLU MLP, float32, batch 128.

Loss: mean softmax cross-entropy, ``mean(logsumexp(logits) - logits[label])``,
with the label's logit picked by a one-hot product so that every library runs
the same ops. Update: ``p <- p - 0.01 * grad`` for all six parameters. Inputs
and weights come from fixed seeds; weights are stored ``(in, out)`` and drawn
from ``N(0, 2 / fan_in)``, biases start at zero. Matrix products dominate, so
this measures what the library adds on top of the BLAS calls: dispatch, taping,
temporaries and the memory they hold.
"""

from __future__ import annotations

import itertools

import numpy as np

from workloads.base import Impl
from workloads.common import check_numpy_backward, fetch_loss_and_params, funtorch_sgd_steps

NAME = "mlp"
DESCRIPTION = "one SGD step of a 784-512-512-10 ReLU MLP, softmax cross-entropy, batch 128, float32"

SIZES = (784, 512, 512, 10)
BATCH = 128
LR = 0.01
SEED = 0
KEYS = ("w1", "b1", "w2", "b2", "w3", "b3")


def make_data(sizes=SIZES, batch=BATCH, seed=SEED, dtype=np.float32):
    """Return ``(params, x, onehot)`` as NumPy arrays drawn from ``seed``.

    Example:
        >>> params, x, onehot = make_data((4, 3, 3, 2), batch=5)
        >>> params["w1"].shape, x.shape, onehot.sum(axis=1).tolist()
        ((4, 3), (5, 4), [1.0, 1.0, 1.0, 1.0, 1.0])
    """
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"w{layer}"] = (rng.normal(size=(fan_in, fan_out))
                               * np.sqrt(2.0 / fan_in)).astype(dtype)
        params[f"b{layer}"] = np.zeros(fan_out, dtype)
    x = rng.normal(size=(batch, sizes[0])).astype(dtype)
    onehot = np.eye(sizes[-1], dtype=dtype)[rng.integers(0, sizes[-1], batch)]
    return params, x, onehot


def numpy_loss_and_grads(params, x, onehot):
    """Hand-written forward and backward pass; return ``(loss, grads)``.

    Example:
        >>> loss, grads = numpy_loss_and_grads(*make_data((4, 3, 3, 2), batch=5))
        >>> sorted(grads) == sorted(KEYS), grads["w2"].shape
        (True, (3, 3))
    """
    z1 = x @ params["w1"] + params["b1"]
    h1 = np.maximum(z1, 0)
    z2 = h1 @ params["w2"] + params["b2"]
    h2 = np.maximum(z2, 0)
    logits = h2 @ params["w3"] + params["b3"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    loss = np.mean(np.log(total)[:, 0] - (onehot * shifted).sum(axis=1))
    d_logits = (exp / total - onehot) / x.shape[0]
    d_z2 = (d_logits @ params["w3"].T) * (z2 > 0)
    d_z1 = (d_z2 @ params["w2"].T) * (z1 > 0)
    grads = {
        "w3": h2.T @ d_logits, "b3": d_logits.sum(axis=0),
        "w2": h1.T @ d_z2, "b2": d_z2.sum(axis=0),
        "w1": x.T @ d_z1, "b1": d_z1.sum(axis=0),
    }
    return loss, grads


def _make_numpy():
    params, x, onehot = make_data()

    def step():
        nonlocal params
        loss, grads = numpy_loss_and_grads(params, x, onehot)
        params = {key: params[key] - LR * grads[key] for key in KEYS}
        return loss, params

    return step, _fetch_dict


def _make_numpy_inplace():
    params, x, onehot = make_data()

    def step():
        loss, grads = numpy_loss_and_grads(params, x, onehot)
        for key in KEYS:
            grads[key] *= LR
            params[key] -= grads[key]
        return loss, params

    return step, _fetch_dict


def funtorch_loss(params, x, onehot):
    """The same loss written with funtorch ops (the function ``ft.value_and_grad`` takes)."""
    import funtorch as ft

    h1 = ft.relu(x @ params["w1"] + params["b1"])
    h2 = ft.relu(h1 @ params["w2"] + params["b2"])
    logits = h2 @ params["w3"] + params["b3"]
    return ft.mean(ft.logsumexp(logits, axis=1) - ft.sum(onehot * logits, axis=1))


def funtorch_loss_maximum(params, x, onehot):
    """:func:`funtorch_loss` with ``ft.maximum(h, 0.0)`` for ``ft.relu(h)``: the VJP of a
    maximum against a Python scalar should cost what relu's does (one mask, one multiply)."""
    import funtorch as ft

    h1 = ft.maximum(x @ params["w1"] + params["b1"], 0.0)
    h2 = ft.maximum(h1 @ params["w2"] + params["b2"], 0.0)
    logits = h2 @ params["w3"] + params["b3"]
    return ft.mean(ft.logsumexp(logits, axis=1) - ft.sum(onehot * logits, axis=1))


def _funtorch_inputs():
    import funtorch as ft

    params, x, onehot = make_data()
    params = {key: ft.array(value) for key, value in params.items()}
    return params, (ft.array(x), ft.array(onehot))


def _make_funtorch():
    params, data = _funtorch_inputs()
    return funtorch_sgd_steps(funtorch_loss, params, data, LR)[0], _fetch_dict


def _make_funtorch_maximum():
    params, data = _funtorch_inputs()
    return funtorch_sgd_steps(funtorch_loss_maximum, params, data, LR)[0], _fetch_dict


def _make_funtorch_jit():
    params, data = _funtorch_inputs()
    return funtorch_sgd_steps(funtorch_loss, params, data, LR)[1], _fetch_dict


def _make_autograd():
    import autograd
    import autograd.numpy as anp

    def loss_fn(params, x, onehot):
        h1 = anp.maximum(anp.dot(x, params["w1"]) + params["b1"], 0.0)
        h2 = anp.maximum(anp.dot(h1, params["w2"]) + params["b2"], 0.0)
        logits = anp.dot(h2, params["w3"]) + params["b3"]
        peak = anp.max(logits, axis=1, keepdims=True)
        lse = anp.log(anp.sum(anp.exp(logits - peak), axis=1)) + peak[:, 0]
        return anp.mean(lse - anp.sum(onehot * logits, axis=1))

    params, x, onehot = make_data()
    value_and_grad = autograd.value_and_grad(loss_fn)

    def step():
        nonlocal params
        loss, grads = value_and_grad(params, x, onehot)
        params = {key: params[key] - LR * grads[key] for key in KEYS}
        return loss, params

    return step, _fetch_dict


def _make_torch():
    import torch

    params, x, onehot = make_data()
    params = {key: torch.tensor(value, requires_grad=True) for key, value in params.items()}
    x, onehot = torch.from_numpy(x), torch.from_numpy(onehot)

    def step():
        for param in params.values():
            param.grad = None
        h1 = torch.relu(x @ params["w1"] + params["b1"])
        h2 = torch.relu(h1 @ params["w2"] + params["b2"])
        logits = h2 @ params["w3"] + params["b3"]
        loss = torch.mean(torch.logsumexp(logits, dim=1) - torch.sum(onehot * logits, dim=1))
        loss.backward()
        with torch.no_grad():
            for param in params.values():
                param.add_(param.grad, alpha=-LR)
        return loss, params

    def fetch(out):
        loss, params = out
        return float(loss.detach()), {key: p.detach().numpy().copy() for key, p in params.items()}

    return step, fetch


def _make_jax():
    import jax
    import jax.numpy as jnp

    def loss_fn(params, x, onehot):
        h1 = jax.nn.relu(x @ params["w1"] + params["b1"])
        h2 = jax.nn.relu(h1 @ params["w2"] + params["b2"])
        logits = h2 @ params["w3"] + params["b3"]
        return jnp.mean(jax.nn.logsumexp(logits, axis=1) - jnp.sum(onehot * logits, axis=1))

    params, x, onehot = make_data()
    params = {key: jnp.asarray(value) for key, value in params.items()}
    x, onehot = jnp.asarray(x), jnp.asarray(onehot)
    value_and_grad = jax.value_and_grad(loss_fn)

    def step():
        nonlocal params
        loss, grads = value_and_grad(params, x, onehot)
        params = jax.tree.map(lambda p, g: p - LR * g, params, grads)
        return jax.block_until_ready((loss, params))

    return step, _fetch_dict


_fetch_dict = fetch_loss_and_params(KEYS)


IMPLEMENTATIONS = (
    Impl("numpy", _make_numpy, traced_memory=True),
    Impl("numpy-inplace", _make_numpy_inplace, traced_memory=True),
    Impl("funtorch", _make_funtorch, traced_memory=True),
    Impl("funtorch-maximum", _make_funtorch_maximum, traced_memory=True),
    Impl("funtorch-jit", _make_funtorch_jit, traced_memory=True),
    Impl("autograd", _make_autograd, traced_memory=True),
    Impl("torch", _make_torch),
    Impl("jax", _make_jax),
)


def check():
    """Assert the NumPy backward matches finite differences and funtorch's gradients.

    Runs a small float64 MLP (12-10-8-5, batch 7) through the same code as the
    benchmark, so the comparison can be tight.

    Returns:
        A one-line summary of what was checked.

    Raises:
        AssertionError: if a comparison fails.
    """
    import funtorch as ft

    params, x, onehot = make_data((12, 10, 8, 5), batch=7, seed=1, dtype=np.float64)
    loss, grads = check_numpy_backward(numpy_loss_and_grads, params, (x, onehot), KEYS,
                                       "mlp: numpy backward")
    ft_loss, ft_grads = ft.value_and_grad(funtorch_loss)(
        {k: ft.array(v) for k, v in params.items()}, ft.array(x), ft.array(onehot))
    np.testing.assert_allclose(float(ft_loss), loss, rtol=1e-12,
                               err_msg="mlp: funtorch loss vs numpy")
    for key in KEYS:
        np.testing.assert_allclose(np.asarray(ft_grads[key]), grads[key], rtol=1e-10,
                                   atol=1e-14, err_msg=f"mlp: funtorch grad {key} vs numpy")
    return "numpy backward == finite differences == funtorch grads (float64, small MLP)"


_INITIAL = {}


def compare(result, reference):
    """Assert one implementation's first step equals the baseline's.

    Compares the losses and the gradients implied by the update,
    ``(initial - updated) / LR``, which a comparison of the updated weights
    alone would hide behind the small learning rate.
    """
    if not _INITIAL:
        _INITIAL.update(make_data()[0])
    np.testing.assert_allclose(result[0], reference[0], rtol=1e-5)
    for key in KEYS:
        implied = (_INITIAL[key] - result[1][key]) / LR
        expected = (_INITIAL[key] - reference[1][key]) / LR
        np.testing.assert_allclose(implied, expected, rtol=1e-3, atol=1e-5,
                                   err_msg=f"mlp: gradient of {key} implied by the update")
