"""Forward and backward of a single-layer LSTM: input 32, hidden 128, 50 steps, batch 32.

``loss = mean((output - target)^2)`` over the ``(50, 32, 128)`` output sequence against a
fixed target, starting from zero states; the gradients of all four parameters
(PyTorch's names, shapes and gate order i, f, g, o) are the result, with no update.
Parameters, inputs and target are float32 from a fixed seed; the weights follow
PyTorch's default ``U(-1/sqrt(hidden), 1/sqrt(hidden))``. The hand-written NumPy
baseline projects the whole input sequence in one matrix product, loops over time for
the recurrence and for backpropagation through time, and forms the weight gradients as
one product over all time steps. funtorch runs ``ft.nn.LSTM`` (one ``ft.scan`` over time)
through ``ft.value_and_grad`` over the module; ``funtorch-backward`` is the same loss in
PyTorch style (``loss.backward()`` filling the Parameters' ``.grad``).

Eager JAX (``jax``) differentiates ``lax.scan`` into a new forward scan and a transposed
scan on every call and compiles both with XLA each time, so that row is dominated by
compilation; ``jax-jit`` is the same function under ``jax.jit``, compiled once.
"""

from __future__ import annotations

import numpy as np

from workloads.base import Impl
from workloads.common import check_numpy_backward

NAME = "lstm"
DESCRIPTION = ("forward+backward of a 1-layer LSTM (input 32, hidden 128, sequence 50, batch 32), "
               "MSE to a fixed target, float32")

INPUT = 32
HIDDEN = 128
LENGTH = 50
BATCH = 32
SEED = 0
KEYS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


def make_data(input_size=INPUT, hidden=HIDDEN, length=LENGTH, batch=BATCH, seed=SEED,
              dtype=np.float32):
    """Return ``(params, x, target)``: PyTorch-named LSTM parameters, ``x`` of shape
    ``(length, batch, input_size)`` and ``target`` of shape ``(length, batch, hidden)``.

    Example:
        >>> params, x, target = make_data(3, 4, 5, 2)
        >>> params["weight_hh_l0"].shape, x.shape, target.shape
        ((16, 4), (5, 2, 3), (5, 2, 4))
    """
    rng = np.random.default_rng(seed)
    bound = hidden ** -0.5
    shapes = dict(zip(KEYS, ((4 * hidden, input_size), (4 * hidden, hidden), (4 * hidden,),
                             (4 * hidden,)), strict=True))
    params = {key: rng.uniform(-bound, bound, shape).astype(dtype)
              for key, shape in shapes.items()}
    x = rng.normal(size=(length, batch, input_size)).astype(dtype)
    target = rng.uniform(-0.5, 0.5, (length, batch, hidden)).astype(dtype)
    return params, x, target


def _sigmoid(z):
    return 0.5 * (np.tanh(0.5 * z) + 1.0)  # one ufunc, no overflow warning for large |z|


def numpy_loss_and_grads(params, x, target):
    """Hand-written forward pass and backpropagation through time; return ``(loss, grads)``.

    Example:
        >>> loss, grads = numpy_loss_and_grads(*make_data(3, 4, 5, 2))
        >>> sorted(grads) == sorted(KEYS), grads["weight_ih_l0"].shape
        (True, (16, 3))
    """
    w_ih, w_hh = params["weight_ih_l0"], params["weight_hh_l0"]
    length, batch, _ = x.shape
    hidden = w_hh.shape[1]
    projected = (x.reshape(length * batch, -1) @ w_ih.T
                 + (params["bias_ih_l0"] + params["bias_hh_l0"])).reshape(length, batch, -1)
    hs = np.zeros((length + 1, batch, hidden), x.dtype)  # hs[t + 1] is the output at t
    cs = np.zeros((length + 1, batch, hidden), x.dtype)
    acts = np.empty((length, batch, 4 * hidden), x.dtype)  # sigmoid(i, f), tanh(g), sigmoid(o)
    for t in range(length):
        z = projected[t] + hs[t] @ w_hh.T
        act = acts[t]
        act[:, :2 * hidden] = _sigmoid(z[:, :2 * hidden])
        act[:, 2 * hidden:3 * hidden] = np.tanh(z[:, 2 * hidden:3 * hidden])
        act[:, 3 * hidden:] = _sigmoid(z[:, 3 * hidden:])
        i, f, g, o = np.split(act, 4, axis=1)
        cs[t + 1] = f * cs[t] + i * g
        hs[t + 1] = o * np.tanh(cs[t + 1])
    diff = hs[1:] - target
    loss = np.mean(diff * diff)
    d_out = diff * (2.0 / diff.size)
    d_z = np.empty_like(acts)
    d_h = np.zeros((batch, hidden), x.dtype)
    d_c = np.zeros((batch, hidden), x.dtype)
    for t in reversed(range(length)):
        i, f, g, o = np.split(acts[t], 4, axis=1)
        d_h += d_out[t]
        tanh_c = np.tanh(cs[t + 1])
        d_c += d_h * o * (1.0 - tanh_c * tanh_c)
        d_i, d_f, d_g, d_o = np.split(d_z[t], 4, axis=1)
        np.multiply(d_c * g, i * (1.0 - i), out=d_i)
        np.multiply(d_c * cs[t], f * (1.0 - f), out=d_f)
        np.multiply(d_c * i, 1.0 - g * g, out=d_g)
        np.multiply(d_h * tanh_c, o * (1.0 - o), out=d_o)
        d_h = d_z[t] @ w_hh
        d_c = d_c * f
    d_z_flat = d_z.reshape(length * batch, -1)
    d_bias = d_z_flat.sum(axis=0)
    grads = {"weight_ih_l0": d_z_flat.T @ x.reshape(length * batch, -1),
             "weight_hh_l0": d_z_flat.T @ hs[:-1].reshape(length * batch, -1),
             "bias_ih_l0": d_bias, "bias_hh_l0": d_bias.copy()}
    return loss, grads


def funtorch_loss(model, x, target):
    """MSE of ``model(x)``'s output sequence (the function ``ft.value_and_grad`` takes)."""
    from funtorch.nn import functional as F

    return F.mse_loss(model(x)[0], target)


def _ft_inputs(dtype=np.float32, **sizes):
    import funtorch as ft

    params, x, target = make_data(dtype=dtype, **sizes)
    model = ft.nn.LSTM(x.shape[2], target.shape[2], dtype=ft.float32 if dtype == np.float32
                       else ft.float64)
    model.load_state_dict({key: ft.array(value) for key, value in params.items()})
    return model, ft.array(x), ft.array(target)


def _make_numpy():
    params, x, target = make_data()
    return (lambda: numpy_loss_and_grads(params, x, target)), _fetch


def _make_funtorch():
    import funtorch as ft

    model, x, target = _ft_inputs()
    value_and_grad = ft.value_and_grad(funtorch_loss)
    return (lambda: value_and_grad(model, x, target)), _fetch_module


def _make_funtorch_backward():
    # PyTorch-style: the module's Parameters are level-0 leaves and backward() fills .grad
    model, x, target = _ft_inputs()

    def step():
        model.zero_grad(set_to_none=True)
        loss = funtorch_loss(model, x, target)
        loss.backward()
        return loss, {key: param.grad for key, param in model.named_parameters()}
    return step, lambda out: (float(out[0].detach()), {key: np.asarray(out[1][key], np.float64)
                                                       for key in KEYS})


def _make_funtorch_jit():
    import funtorch as ft

    model, x, target = _ft_inputs()
    value_and_grad = ft.jit(ft.value_and_grad(funtorch_loss))
    return (lambda: value_and_grad(model, x, target)), _fetch_module


def _make_torch():
    import torch

    params, x, target = make_data()
    model = torch.nn.LSTM(INPUT, HIDDEN)
    model.load_state_dict({key: torch.from_numpy(value) for key, value in params.items()})
    x, target = torch.from_numpy(x), torch.from_numpy(target)

    def step():
        model.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(x)[0], target)
        loss.backward()
        return loss, {key: param.grad for key, param in model.named_parameters()}

    return step, lambda out: (float(out[0].detach()), {k: out[1][k].numpy() for k in KEYS})


def _jax_value_and_grad():
    import jax
    import jax.numpy as jnp

    def loss_fn(params, x, target):
        projected = x @ params["weight_ih_l0"].T + params["bias_ih_l0"] + params["bias_hh_l0"]

        def cell(state, z_x):
            h, c = state
            i, f, g, o = jnp.split(z_x + h @ params["weight_hh_l0"].T, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), h

        zeros = jnp.zeros(target.shape[1:], x.dtype)
        _, outputs = jax.lax.scan(cell, (zeros, zeros), projected)
        return jnp.mean((outputs - target) ** 2)

    params, x, target = make_data()
    params = {key: jnp.asarray(value) for key, value in params.items()}
    return jax.value_and_grad(loss_fn), params, jnp.asarray(x), jnp.asarray(target)


def _make_jax():
    import jax

    value_and_grad, params, x, target = _jax_value_and_grad()
    return (lambda: jax.block_until_ready(value_and_grad(params, x, target))), _fetch


def _make_jax_jit():
    import jax

    value_and_grad, params, x, target = _jax_value_and_grad()
    value_and_grad = jax.jit(value_and_grad)
    return (lambda: jax.block_until_ready(value_and_grad(params, x, target))), _fetch


def _fetch(out):
    loss, grads = out
    return float(np.asarray(loss)), {key: np.asarray(grads[key], np.float64) for key in KEYS}


def _fetch_module(out):
    loss, grads = out  # the module's gradients are Parameters (requires_grad): detach first
    return float(loss.detach()), {key: np.asarray(getattr(grads, key).detach(), np.float64)
                                  for key in KEYS}


IMPLEMENTATIONS = (
    Impl("numpy", _make_numpy, traced_memory=True),
    Impl("funtorch", _make_funtorch, traced_memory=True),
    Impl("funtorch-backward", _make_funtorch_backward, traced_memory=True),
    Impl("funtorch-jit", _make_funtorch_jit, traced_memory=True),
    Impl("torch", _make_torch),
    Impl("jax", _make_jax),
    Impl("jax-jit", _make_jax_jit),
)


def check():
    """Assert the NumPy BPTT matches finite differences and funtorch's gradients.

    Runs a small float64 LSTM (input 3, hidden 4, 6 steps, batch 2) through the same
    code as the benchmark, so the comparison can be tight.

    Returns:
        A one-line summary of what was checked.

    Raises:
        AssertionError: if a comparison fails.
    """
    import funtorch as ft

    sizes = {"input_size": 3, "hidden": 4, "length": 6, "batch": 2, "seed": 1}
    params, x, target = make_data(dtype=np.float64, **sizes)
    loss, grads = check_numpy_backward(numpy_loss_and_grads, params, (x, target), KEYS,
                                       "lstm: numpy BPTT")
    ft_loss, ft_grads = _fetch_module(ft.value_and_grad(funtorch_loss)(
        *_ft_inputs(np.float64, **sizes)))
    np.testing.assert_allclose(ft_loss, loss, rtol=1e-12, err_msg="lstm: funtorch loss vs numpy")
    for key in KEYS:
        np.testing.assert_allclose(ft_grads[key], grads[key], rtol=1e-10, atol=1e-14,
                                   err_msg=f"lstm: funtorch grad {key} vs numpy")
    return "numpy BPTT == finite differences == funtorch grads (float64, small LSTM)"


def compare(result, reference):
    """Assert one implementation's loss and gradients equal the baseline's."""
    np.testing.assert_allclose(result[0], reference[0], rtol=1e-5)
    for key in KEYS:
        np.testing.assert_allclose(result[1][key], reference[1][key], rtol=1e-3, atol=1e-6,
                                   err_msg=f"lstm: gradient of {key}")
