"""Per-op overhead: ``value_and_grad`` through ~350 tiny elementwise ops.

``f(x) = sum(x_50)`` where ``x_{k+1} = sin(x_k) * 0.9 + x_k * x_k * 0.01 - tanh(x_k)``
and ``x_0`` is a 16-element float64 vector. Each of the 50 steps runs 7 ops
(sin, mul, mul, mul, add, tanh, sub), so the work per op is a few nanoseconds
of arithmetic and the time measured is the library's per-op dispatch, taping
and backward bookkeeping. float64 is used so that every library computes the
same numbers and the check below can be tight.
"""

from __future__ import annotations

import numpy as np

from workloads.base import Impl

NAME = "overhead"
DESCRIPTION = "value_and_grad of a 50-step loop of 7 elementwise ops on a 16-element float64 vector"

SIZE = 16
STEPS = 50
SEED = 0


def make_input(size=SIZE, seed=SEED):
    """Return the float64 input vector, uniform in (-1, 1), from a fixed seed."""
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size)


def loop(x, sin, tanh, steps=STEPS):
    """Run the workload's forward loop with the given ``sin``/``tanh``; return ``x_steps``.

    Every implementation calls this same function, so they all run the same ops
    in the same order; only the array type and the two functions differ.

    Example:
        >>> import numpy as np
        >>> loop(np.zeros(2), np.sin, np.tanh).tolist()
        [0.0, 0.0]
    """
    for _ in range(steps):
        x = sin(x) * 0.9 + x * x * 0.01 - tanh(x)
    return x


def numpy_value_and_grad(x, steps=STEPS):
    """Hand-written forward and backward of ``sum(loop(x))``; return ``(value, grad)``.

    The forward pass stores each step's input and ``tanh``; the backward pass
    multiplies the upstream gradient by the step's derivative
    ``0.9 cos(x) + 0.02 x - (1 - tanh(x)^2)``.

    Example:
        >>> value, grad = numpy_value_and_grad(np.zeros(3), steps=1)
        >>> float(value), np.round(grad, 12).tolist()  # 0.9 + 0 - 1 at x = 0
        (0.0, [-0.1, -0.1, -0.1])
    """
    inputs, tanhs = [], []
    for _ in range(steps):
        tanh_x = np.tanh(x)
        inputs.append(x)
        tanhs.append(tanh_x)
        x = np.sin(x) * 0.9 + x * x * 0.01 - tanh_x
    value = x.sum()
    grad = np.ones_like(x)
    for x_k, tanh_k in zip(reversed(inputs), reversed(tanhs), strict=True):
        grad = grad * (0.9 * np.cos(x_k) + 0.02 * x_k - (1.0 - tanh_k * tanh_k))
    return value, grad


def _make_numpy():
    x = make_input()
    return (lambda: numpy_value_and_grad(x)), _fetch_pair


def _make_funtorch():
    import funtorch as ft

    x = ft.array(make_input())
    value_and_grad = ft.value_and_grad(lambda x: ft.sum(loop(x, ft.sin, ft.tanh)))
    return (lambda: value_and_grad(x)), _fetch_pair


def backward_step(x, sin, tanh, total):
    """A PyTorch-style step on the leaf ``x``: clear ``x.grad``, run the loop, ``backward()``."""
    def step():
        x.grad = None
        value = total(loop(x, sin, tanh))
        value.backward()
        return value, x.grad
    return step


def _make_funtorch_backward():
    import funtorch as ft

    x = ft.array(make_input(), requires_grad=True)
    step = backward_step(x, ft.sin, ft.tanh, ft.sum)
    return step, lambda out: (float(out[0].detach()), np.asarray(out[1]))


def _make_funtorch_jit():
    import funtorch as ft

    x = ft.array(make_input())
    step = ft.jit(ft.value_and_grad(lambda x: ft.sum(loop(x, ft.sin, ft.tanh))))
    return (lambda: step(x)), _fetch_pair


def _make_autograd():
    import autograd
    import autograd.numpy as anp

    x = make_input()
    value_and_grad = autograd.value_and_grad(lambda x: anp.sum(loop(x, anp.sin, anp.tanh)))
    return (lambda: value_and_grad(x)), _fetch_pair


def _make_torch():
    import torch

    x = torch.tensor(make_input(), dtype=torch.float64, requires_grad=True)
    step = backward_step(x, torch.sin, torch.tanh, torch.sum)
    return step, lambda out: (float(out[0].detach()), out[1].numpy())


def _make_jax():
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    x = jnp.asarray(make_input(), dtype=jnp.float64)
    value_and_grad = jax.value_and_grad(lambda x: jnp.sum(loop(x, jnp.sin, jnp.tanh)))

    def step():
        return jax.block_until_ready(value_and_grad(x))

    return step, _fetch_pair


def _fetch_pair(out):
    value, grad = out
    return float(np.asarray(value)), np.asarray(grad, dtype=np.float64)


IMPLEMENTATIONS = (
    Impl("numpy", _make_numpy, traced_memory=True),
    Impl("funtorch", _make_funtorch, traced_memory=True),
    Impl("funtorch-backward", _make_funtorch_backward, traced_memory=True),
    Impl("funtorch-jit", _make_funtorch_jit, traced_memory=True),
    Impl("autograd", _make_autograd, traced_memory=True),
    Impl("torch", _make_torch),
    Impl("jax", _make_jax),
)

# Tolerance for comparing any implementation's (value, grad) with the baseline's:
# the same float64 ops in the same order, up to libm differences.
RTOL, ATOL = 1e-9, 1e-12


def check():
    """Assert the NumPy backward matches finite differences and funtorch's gradient.

    Returns:
        A one-line summary of what was checked.

    Raises:
        AssertionError: if either comparison fails.
    """
    import funtorch as ft

    x = make_input()
    value, grad = numpy_value_and_grad(x)
    direction = np.random.default_rng(1).normal(size=x.shape)
    eps = 1e-6
    upper = numpy_value_and_grad(x + eps * direction)[0]
    lower = numpy_value_and_grad(x - eps * direction)[0]
    finite_diff = (upper - lower) / (2 * eps)
    np.testing.assert_allclose(grad @ direction, finite_diff, rtol=1e-6,
                               err_msg="overhead: numpy backward vs finite differences")
    ft_value, ft_grad = ft.value_and_grad(lambda x: ft.sum(loop(x, ft.sin, ft.tanh)))(
        ft.array(x))
    np.testing.assert_allclose(float(ft_value), value, rtol=RTOL, atol=ATOL,
                               err_msg="overhead: funtorch value vs numpy")
    np.testing.assert_allclose(np.asarray(ft_grad), grad, rtol=RTOL, atol=ATOL,
                               err_msg="overhead: funtorch grad vs numpy backward")
    return "numpy backward == finite differences == funtorch grad (float64)"


def compare(result, reference):
    """Assert one implementation's fetched ``(value, grad)`` equals the baseline's."""
    np.testing.assert_allclose(result[0], reference[0], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(result[1], reference[1], rtol=RTOL, atol=ATOL)
