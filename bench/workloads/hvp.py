"""Hessian-vector product (issue 18): ``jvp`` of ``grad`` of an elementwise-heavy ``f``.

``f(x) = sum(x_10)`` with ``x_{k+1} = sin(x_k) * 0.9 + x_k * x_k * 0.01 - tanh(x_k)``
(the ``overhead`` loop, 10 steps) on a 10^4-element **float64** vector; one step returns
``(grad f(x), H(x) v)``. Each op now does ~10-50 us of arithmetic, so this measures
forward-over-reverse at a size where NumPy's work is not negligible. The NumPy
baseline is the hand-written backward and its hand-written tangent (forward-over-reverse
by hand); funtorch runs ``ft.jvp(ft.grad(f), (x,), (v,))``, HIPS autograd
``grad`` and ``hessian_tensor_product`` (reverse over reverse), torch
``torch.func.jvp(torch.func.grad(f))``, JAX ``jax.jvp(jax.grad(f))`` eager and jitted.
"""

from __future__ import annotations

import numpy as np

from workloads.base import Impl, baseline_and_funtorch
from workloads.overhead import loop

NAME = "hvp"
DESCRIPTION = "jvp of grad of a 10-step elementwise loop on a 10^4-element float64 vector"

SIZE = 10_000
STEPS = 10
SEED = 0


def make_inputs(size=SIZE, seed=SEED):
    """The point ``x`` (uniform in (-1, 1)) and direction ``v`` (normal), fixed seeds."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, size), rng.normal(size=size)


def numpy_grad_and_hvp(x, v, steps=STEPS):
    """Hand-written ``(grad f(x), H(x) v)``: the backward of ``overhead`` and its tangent.

    Forward stores ``x_k``, ``tanh(x_k)`` and the tangent ``dx_k`` (``dx_0 = v``);
    backward multiplies the gradient by ``d_k = 0.9 cos x_k + 0.02 x_k - (1 - t_k^2)``
    and its tangent by ``d_k`` plus the gradient times ``d_k' dx_k`` with
    ``d_k' = -0.9 sin x_k + 0.02 + 2 t_k (1 - t_k^2)``.

    Example:
        >>> grad, hvp = numpy_grad_and_hvp(np.zeros(2), np.ones(2), steps=1)
        >>> np.round(grad, 12).tolist(), np.round(hvp, 12).tolist()  # d(0) = -0.1, d'(0) = 0.02
        ([-0.1, -0.1], [0.02, 0.02])
    """
    saved, dx = [], v
    for _ in range(steps):
        tanh_x = np.tanh(x)
        sin_x, cos_x = np.sin(x), np.cos(x)
        one_minus = 1.0 - tanh_x * tanh_x
        deriv = 0.9 * cos_x + 0.02 * x - one_minus
        saved.append((deriv, (-0.9 * sin_x + 0.02 + 2.0 * tanh_x * one_minus) * dx))
        x = sin_x * 0.9 + x * x * 0.01 - tanh_x
        dx = deriv * dx
    grad, grad_dot = np.ones_like(x), np.zeros_like(x)
    for deriv, deriv_dot in reversed(saved):
        grad, grad_dot = grad * deriv, grad_dot * deriv + grad * deriv_dot
    return grad, grad_dot


def _make_numpy():
    x, v = make_inputs()
    return (lambda: numpy_grad_and_hvp(x, v)), _fetch


def _ft_hvp():
    import funtorch as ft

    grad = ft.grad(lambda x: ft.sum(loop(x, ft.sin, ft.tanh, STEPS)))
    return lambda x, v: ft.jvp(grad, (x,), (v,))


def _make_funtorch():
    import funtorch as ft

    x, v = (ft.array(a) for a in make_inputs())
    hvp = _ft_hvp()
    return (lambda: hvp(x, v)), _fetch


def _make_funtorch_jit():
    import funtorch as ft

    x, v = (ft.array(a) for a in make_inputs())
    hvp = ft.jit(_ft_hvp())
    return (lambda: hvp(x, v)), _fetch


def _make_autograd():
    import autograd
    import autograd.numpy as anp

    x, v = make_inputs()

    def f(x):
        return anp.sum(loop(x, anp.sin, anp.tanh, STEPS))
    grad, hvp = autograd.grad(f), autograd.hessian_tensor_product(f)
    return (lambda: (grad(x), hvp(x, v))), _fetch


def _make_torch():
    import torch
    from torch.func import grad, jvp

    x, v = (torch.from_numpy(a) for a in make_inputs())
    f_grad = grad(lambda x: loop(x, torch.sin, torch.tanh, STEPS).sum())
    return (lambda: jvp(f_grad, (x,), (v,))), lambda out: tuple(t.numpy() for t in out)


def _jax_hvp():
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    f_grad = jax.grad(lambda x: jnp.sum(loop(x, jnp.sin, jnp.tanh, STEPS)))
    return lambda x, v: jax.block_until_ready(jax.jvp(f_grad, (x,), (v,))), jnp


def _make_jax():
    hvp, jnp = _jax_hvp()
    x, v = (jnp.asarray(a) for a in make_inputs())
    return (lambda: hvp(x, v)), _fetch


def _make_jax_jit():
    import jax

    hvp, jnp = _jax_hvp()
    hvp = jax.jit(hvp)
    x, v = (jnp.asarray(a) for a in make_inputs())
    return (lambda: jax.block_until_ready(hvp(x, v))), _fetch


def _fetch(out):
    return tuple(np.asarray(a, dtype=np.float64) for a in out)


IMPLEMENTATIONS = (
    *baseline_and_funtorch(_make_numpy, _make_funtorch, _make_funtorch_jit),
    Impl("autograd", _make_autograd, traced_memory=True),
    Impl("torch", _make_torch),
    Impl("jax", _make_jax),
    Impl("jax-jit", _make_jax_jit),
)

RTOL, ATOL = 1e-9, 1e-12


def check():
    """Assert the hand-written HVP against finite differences of the hand-written gradient
    and against funtorch's ``jvp`` of ``grad`` (float64)."""
    x, v = make_inputs(size=50, seed=1)
    grad, hvp = numpy_grad_and_hvp(x, v)
    eps = 1e-6
    finite_diff = (numpy_grad_and_hvp(x + eps * v, v)[0]
                   - numpy_grad_and_hvp(x - eps * v, v)[0]) / (2 * eps)
    np.testing.assert_allclose(hvp, finite_diff, rtol=1e-6, atol=1e-8,
                               err_msg="hvp: numpy HVP vs finite differences of the gradient")
    import funtorch as ft

    ft_grad, ft_hvp = _fetch(_ft_hvp()(ft.array(x), ft.array(v)))
    np.testing.assert_allclose(ft_grad, grad, rtol=RTOL, atol=ATOL,
                               err_msg="hvp: funtorch grad vs numpy")
    np.testing.assert_allclose(ft_hvp, hvp, rtol=RTOL, atol=ATOL,
                               err_msg="hvp: funtorch HVP vs numpy")
    return "numpy HVP == finite differences of numpy grad == funtorch jvp(grad) (float64)"


def compare(result, reference):
    """Assert one implementation's ``(grad, hvp)`` equals the baseline's."""
    for got, want, what in zip(result, reference, ("gradient", "HVP")):
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=f"hvp: {what}")
