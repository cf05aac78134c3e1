"""One SGD training step of a small CNN on a batch of 32 1x28x28 float32 images.

``conv3x3(1->16, padding 1) - ReLU - maxpool2 - conv3x3(16->32, padding 1) - ReLU -
maxpool2 - flatten - linear(1568->10)``, mean softmax cross-entropy against class
indices, then ``p <- p - 0.01 * grad`` for all six parameters. Parameters use PyTorch's
layouts (conv weights ``(out, in, 3, 3)``, linear weight ``(out, in)``) and PyTorch's
default uniform ranges, drawn from a fixed seed. The hand-written NumPy baseline lowers
each convolution to one im2col matrix product in a channels-first ``(C, N, H, W)``
layout, and routes the max-pool gradient through an argmax mask per window corner; the other
implementations call their library's convolution and pooling.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from workloads.base import Impl
from workloads.common import check_numpy_backward, fetch_loss_and_params, funtorch_sgd_steps

NAME = "cnn"
DESCRIPTION = ("one SGD step of conv3x3(16)-ReLU-maxpool2-conv3x3(32)-ReLU-maxpool2-linear(10), "
               "softmax cross-entropy, batch 32 of 1x28x28, float32")

CHANNELS = (1, 16, 32)
IMAGE = 28
CLASSES = 10
BATCH = 32
LR = 0.01
SEED = 0
KEYS = ("w1", "b1", "w2", "b2", "w3", "b3")


def make_data(batch=BATCH, image=IMAGE, channels=CHANNELS, classes=CLASSES, seed=SEED,
              dtype=np.float32):
    """Return ``(params, x, labels)`` as NumPy arrays drawn from ``seed``.

    ``image`` must be divisible by 4 (two 2x2 poolings).

    Example:
        >>> params, x, labels = make_data(batch=3, image=8, channels=(1, 2, 3), classes=4)
        >>> params["w2"].shape, params["w3"].shape, x.shape, labels.shape
        ((3, 2, 3, 3), (4, 12), (3, 1, 8, 8), (3,))
    """
    rng = np.random.default_rng(seed)
    features = channels[2] * (image // 4) ** 2
    shapes = {"w1": (channels[1], channels[0], 3, 3), "b1": (channels[1],),
              "w2": (channels[2], channels[1], 3, 3), "b2": (channels[2],),
              "w3": (classes, features), "b3": (classes,)}
    fan_in = {"w1": channels[0] * 9, "w2": channels[1] * 9, "w3": features}
    params = {}
    for key, shape in shapes.items():
        bound = fan_in["w" + key[1]] ** -0.5
        params[key] = rng.uniform(-bound, bound, shape).astype(dtype)
    x = rng.normal(size=(batch, channels[0], image, image)).astype(dtype)
    labels = rng.integers(0, classes, batch)
    return params, x, labels


def _conv_forward(x, w, b):
    """3x3 convolution, padding 1, on ``(C, N, H, W)``; returns ``(out, cols)``."""
    channels, batch, height, width = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = sliding_window_view(padded, (3, 3), axis=(2, 3))  # (C, N, H, W, 3, 3)
    cols = windows.transpose(0, 4, 5, 1, 2, 3).reshape(channels * 9, batch * height * width)
    out = w.reshape(w.shape[0], -1) @ cols + b[:, None]
    return out.reshape(w.shape[0], batch, height, width), cols


def _conv_backward(d_out, cols, w, x_shape, need_input_grad):
    """Gradients of :func:`_conv_forward`: ``(d_x or None, d_w, d_b)``."""
    out_channels = d_out.shape[0]
    d_out = d_out.reshape(out_channels, -1)
    d_w = (d_out @ cols.T).reshape(w.shape)
    d_b = d_out.sum(axis=1)
    if not need_input_grad:
        return None, d_w, d_b
    channels, batch, height, width = x_shape
    d_cols = (w.reshape(out_channels, -1).T @ d_out).reshape(channels, 3, 3, batch, height,
                                                             width)
    d_padded = np.zeros((channels, batch, height + 2, width + 2), d_out.dtype)
    for i in range(3):
        for j in range(3):
            d_padded[:, :, i:i + height, j:j + width] += d_cols[:, i, j]
    return d_padded[:, :, 1:-1, 1:-1], d_w, d_b


_CORNERS = ((0, 0), (0, 1), (1, 0), (1, 1))  # a 2x2 window in row-major order


def _pool_forward(x):
    """2x2 max pooling on ``(C, N, H, W)``; returns ``(out, masks)``.

    ``masks[k]`` marks the windows whose argmax is corner ``k``: the first maximal
    element in row-major order, the one PyTorch's pooling picks, so ties (ReLU zeros)
    send the gradient to one element only. Strided views avoid a copy into windows.
    """
    corners = [x[:, :, i::2, j::2] for i, j in _CORNERS]
    out = np.maximum(np.maximum(corners[0], corners[1]), np.maximum(corners[2], corners[3]))
    taken = np.zeros(out.shape, bool)
    masks = []
    for corner in corners:
        mask = corner == out
        mask &= ~taken
        taken |= mask
        masks.append(mask)
    return out, masks


def _pool_backward(d_out, masks):
    """Send each window's gradient to its argmax."""
    channels, batch, height, width = d_out.shape
    d_x = np.empty((channels, batch, 2 * height, 2 * width), d_out.dtype)
    for (i, j), mask in zip(_CORNERS, masks, strict=True):
        np.multiply(d_out, mask, out=d_x[:, :, i::2, j::2])
    return d_x


def numpy_loss_and_grads(params, x, labels):
    """Hand-written forward and backward pass; return ``(loss, grads)``.

    Example:
        >>> loss, grads = numpy_loss_and_grads(*make_data(3, 8, (1, 2, 3), 4))
        >>> sorted(grads) == sorted(KEYS), grads["w1"].shape
        (True, (2, 1, 3, 3))
    """
    batch = x.shape[0]
    x = x.transpose(1, 0, 2, 3)  # (C, N, H, W): the im2col product lands in this layout
    z1, cols1 = _conv_forward(x, params["w1"], params["b1"])
    p1, arg1 = _pool_forward(np.maximum(z1, 0))
    z2, cols2 = _conv_forward(p1, params["w2"], params["b2"])
    p2, arg2 = _pool_forward(np.maximum(z2, 0))
    features = p2.transpose(1, 0, 2, 3).reshape(batch, -1)
    logits = features @ params["w3"].T + params["b3"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    rows = np.arange(batch)
    loss = np.mean(np.log(total)[:, 0] - shifted[rows, labels])
    d_logits = exp / total
    d_logits[rows, labels] -= 1.0
    d_logits /= batch
    channels, _, height, width = p2.shape
    d_p2 = (d_logits @ params["w3"]).reshape(batch, channels, height, width)
    d_p2 = d_p2.transpose(1, 0, 2, 3)
    d_z2 = _pool_backward(d_p2, arg2) * (z2 > 0)
    d_p1, d_w2, d_b2 = _conv_backward(d_z2, cols2, params["w2"], p1.shape, True)
    d_z1 = _pool_backward(d_p1, arg1) * (z1 > 0)
    _, d_w1, d_b1 = _conv_backward(d_z1, cols1, params["w1"], x.shape, False)
    grads = {"w1": d_w1, "b1": d_b1, "w2": d_w2, "b2": d_b2,
             "w3": d_logits.T @ features, "b3": d_logits.sum(axis=0)}
    return loss, grads


def funtorch_loss(params, x, labels):
    """The same loss with ``ft.nn.functional`` (the function ``ft.value_and_grad`` takes)."""
    import funtorch as ft
    from funtorch.nn import functional as F

    h = F.max_pool2d(F.relu(F.conv2d(x, params["w1"], params["b1"], padding=1)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, params["w2"], params["b2"], padding=1)), 2)
    logits = F.linear(ft.reshape(h, (h.shape[0], -1)), params["w3"], params["b3"])
    return F.cross_entropy(logits, labels)


def _make_numpy():
    params, x, labels = make_data()

    def step():
        nonlocal params
        loss, grads = numpy_loss_and_grads(params, x, labels)
        params = {key: params[key] - LR * grads[key] for key in KEYS}
        return loss, params

    return step, _fetch_dict


def _ft_inputs():
    import funtorch as ft

    params, x, labels = make_data()
    return {key: ft.array(value) for key, value in params.items()}, ft.array(x), ft.array(labels)


def _funtorch_inputs():
    params, x, labels = _ft_inputs()
    return params, (x, labels)


def _make_funtorch():
    params, data = _funtorch_inputs()
    return funtorch_sgd_steps(funtorch_loss, params, data, LR)[0], _fetch_dict


def _make_funtorch_jit():
    params, data = _funtorch_inputs()
    return funtorch_sgd_steps(funtorch_loss, params, data, LR)[1], _fetch_dict


def _make_torch():
    import torch
    import torch.nn.functional as F

    params, x, labels = make_data()
    params = {key: torch.tensor(value, requires_grad=True) for key, value in params.items()}
    x, labels = torch.from_numpy(x), torch.from_numpy(labels)

    def step():
        for param in params.values():
            param.grad = None
        h = F.max_pool2d(F.relu(F.conv2d(x, params["w1"], params["b1"], padding=1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, params["w2"], params["b2"], padding=1)), 2)
        logits = F.linear(h.flatten(1), params["w3"], params["b3"])
        loss = F.cross_entropy(logits, labels)
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

    def conv(x, w, b):
        out = jax.lax.conv_general_dilated(x, w, (1, 1), ((1, 1), (1, 1)),
                                           dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return out + b[None, :, None, None]

    def pool(x):
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2),
                                     "VALID")

    def loss_fn(params, x, labels):
        h = pool(jax.nn.relu(conv(x, params["w1"], params["b1"])))
        h = pool(jax.nn.relu(conv(h, params["w2"], params["b2"])))
        logits = h.reshape(h.shape[0], -1) @ params["w3"].T + params["b3"]
        logp = jax.nn.log_softmax(logits, axis=1)
        return -jnp.mean(jnp.take_along_axis(logp, labels[:, None], axis=1))

    params, x, labels = make_data()
    params = {key: jnp.asarray(value) for key, value in params.items()}
    x, labels = jnp.asarray(x), jnp.asarray(labels)
    value_and_grad = jax.value_and_grad(loss_fn)

    def step():
        nonlocal params
        loss, grads = value_and_grad(params, x, labels)
        params = jax.tree.map(lambda p, g: p - LR * g, params, grads)
        return jax.block_until_ready((loss, params))

    return step, _fetch_dict


_fetch_dict = fetch_loss_and_params(KEYS)


IMPLEMENTATIONS = (
    Impl("numpy", _make_numpy, traced_memory=True),
    Impl("funtorch", _make_funtorch, traced_memory=True),
    Impl("funtorch-jit", _make_funtorch_jit, traced_memory=True),
    Impl("torch", _make_torch),
    Impl("jax", _make_jax),
)


def check():
    """Assert the NumPy backward matches finite differences and funtorch's gradients.

    Runs a small float64 CNN (channels 1-2-3, 8x8 images, 4 classes, batch 3) through
    the same code as the benchmark, so the comparison can be tight.

    Returns:
        A one-line summary of what was checked.

    Raises:
        AssertionError: if a comparison fails.
    """
    import funtorch as ft

    params, x, labels = make_data(3, 8, (1, 2, 3), 4, seed=1, dtype=np.float64)
    loss, grads = check_numpy_backward(numpy_loss_and_grads, params, (x, labels), KEYS,
                                       "cnn: numpy backward")
    ft_loss, ft_grads = ft.value_and_grad(funtorch_loss)(
        {k: ft.array(v) for k, v in params.items()}, ft.array(x), ft.array(labels))
    np.testing.assert_allclose(float(ft_loss), loss, rtol=1e-12,
                               err_msg="cnn: funtorch loss vs numpy")
    for key in KEYS:
        np.testing.assert_allclose(np.asarray(ft_grads[key]), grads[key], rtol=1e-10,
                                   atol=1e-14, err_msg=f"cnn: funtorch grad {key} vs numpy")
    return "numpy backward == finite differences == funtorch grads (float64, small CNN)"


_INITIAL = {}


def compare(result, reference):
    """Assert one implementation's first step equals the baseline's.

    Compares the losses and the gradients implied by the update,
    ``(initial - updated) / LR`` (see ``mlp.compare``).
    """
    if not _INITIAL:
        _INITIAL.update(make_data()[0])
    np.testing.assert_allclose(result[0], reference[0], rtol=1e-5)
    for key in KEYS:
        implied = (_INITIAL[key] - result[1][key]) / LR
        expected = (_INITIAL[key] - reference[1][key]) / LR
        np.testing.assert_allclose(implied, expected, rtol=1e-3, atol=1e-4,
                                   err_msg=f"cnn: gradient of {key} implied by the update")
