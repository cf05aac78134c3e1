"""Ordinary differential equations: ``odeint``, adaptive Dormand-Prince (RK45) with error
control, differentiable by the adjoint method (``jax.experimental.ode.odeint``).

Reverse mode does not differentiate through the solver's steps (their number depends on
the data, and their intermediates would all have to be kept): a ``custom_vjp`` integrates
the adjoint system ``(y, a = dL/dy, dL/dt0, dL/dargs)`` backwards between the output times
instead, as in Chen et al. 2018, "Neural Ordinary Differential Equations", Appendix B.
The forward solve runs under ``vmap`` (the batched ``while_loop`` steps each example with
its own step size) and under ``jit``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch import ops, tree
from funtorch.core import Array, Tracer
from funtorch.grad import vjp
from funtorch.transforms import custom_vjp, while_loop
from funtorch.transforms.custom import ClosureError
from funtorch.typing import ArrayLike, PyTree

__all__ = ["odeint"]

# Dormand-Prince 5(4) Butcher tableau
_ALPHA = (1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0)
_BETA = (
    (1 / 5,),
    (3 / 40, 9 / 40),
    (44 / 45, -56 / 15, 32 / 9),
    (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
    (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
    (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
)
_C_SOL = (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0)
_C_ERROR = (35 / 384 - 1951 / 21600, 0.0, 500 / 1113 - 22642 / 50085, 125 / 192 - 451 / 720,
            -2187 / 6784 + 12231 / 42400, 11 / 84 - 649 / 6300, -1.0 / 60.0)
# weights of the stages for the solution at the step's midpoint (Shampine 1986), halved
_C_MID = (6025192743 / 30085553152 / 2, 0.0, 51252292925 / 65400821598 / 2,
          -2691868925 / 45128329728 / 2, 187940372067 / 1594534317056 / 2,
          -1776094331 / 19743644256 / 2, 11237099 / 235043384 / 2)


def _combine(weights, stages):
    """``sum_i weights[i] * stages[i]`` over the nonzero weights."""
    total = None
    for weight, stage in zip(weights, stages):
        if weight != 0.0:
            total = weight * stage if total is None else total + weight * stage
    return total


def _runge_kutta_step(func, y0, f0, t0, dt):
    """One Dormand-Prince step: ``(y1, f1, error estimate, stages)``."""
    stages = [f0]
    for alpha, beta in zip(_ALPHA, _BETA):
        stages.append(func(y0 + dt * _combine(beta, stages), t0 + dt * alpha))
    y1 = y0 + dt * _combine(_C_SOL, stages)
    return y1, stages[-1], dt * _combine(_C_ERROR, stages), stages


def _interp_fit(y0, y1, stages, dt):
    """Coefficients (highest power first) of the quartic through the step, for dense
    output at the requested times."""
    y_mid = y0 + dt * _combine(_C_MID, stages)
    dy0, dy1 = dt * stages[0], dt * stages[-1]
    return ops.stack([
        -2.0 * dy0 + 2.0 * dy1 - 8.0 * y0 - 8.0 * y1 + 16.0 * y_mid,
        5.0 * dy0 - 3.0 * dy1 + 18.0 * y0 + 14.0 * y1 - 32.0 * y_mid,
        -4.0 * dy0 + dy1 - 11.0 * y0 - 5.0 * y1 + 16.0 * y_mid,
        dy0, y0])


def _polyval(coeffs, s):
    out = coeffs[0]
    for coeff in coeffs[1:]:
        out = out * s + coeff
    return out


def _positive(x):
    """``x`` raised to the dtype's smallest normal number: a divisor for a branch that
    ``where`` discards when ``x`` is 0 (no division warning, no inf)."""
    return ops.maximum(x, float(np.finfo(x.dtype).tiny))


def _rms(x):
    return ops.sqrt(ops.mean(x * x))


def _initial_step_size(func, t0, y0, f0, rtol, atol, order=4):
    """Hairer, Norsett & Wanner, "Solving ODEs I", section II.4: a step whose first
    explicit Euler error is about the tolerance."""
    scale = atol + ops.abs(y0) * rtol
    d0, d1 = _rms(y0 / scale), _rms(f0 / scale)
    h0 = ops.where((d0 < 1e-5) | (d1 < 1e-5), 1e-6, 0.01 * d0 / _positive(d1))
    f1 = func(y0 + h0 * f0, t0 + h0)
    d2 = _rms((f1 - f0) / scale) / h0
    small = (d1 <= 1e-15) & (d2 <= 1e-15)
    h1 = ops.where(small, ops.maximum(h0 * 1e-3, 1e-6),
                   ops.power(0.01 / _positive(ops.maximum(d1, d2)),
                             1.0 / (order + 1.0)))
    return ops.minimum(100.0 * h0, h1)


def _error_ratio(error, rtol, atol, y0, y1):
    return _rms(error / (atol + rtol * ops.maximum(ops.abs(y0), ops.abs(y1))))


def _next_step_size(dt, ratio, safety=0.9, ifactor=10.0, dfactor=0.2, order=5.0):
    dfactor = ops.where(ratio < 1.0, 1.0, dfactor)
    factor = ops.minimum(ifactor, ops.maximum(
        ops.power(_positive(ratio), -1.0 / order) * safety, dfactor))
    return ops.where(ratio == 0.0, dt * ifactor, dt * factor)


def _solve(func, rtol, atol, mxstep, hmax, y0, ts, *args):
    """The states at ``ts`` (``(len(ts), n)``) of ``dy/dt = func(y, t, *args)`` for a flat
    ``y0`` of shape ``(n,)``; not differentiable (``_odeint`` adds the adjoint)."""
    def fun(y, t):
        return func(y, t, *args)

    f0 = fun(y0, ts[0])
    if _is_traced(f0) and not any(_is_traced(x) for x in (y0, ts, *tree.leaves(args))):
        raise ClosureError(_CLOSURE.format(name=getattr(func, "__name__", "func")))
    dt = ops.clip(_initial_step_size(fun, ts[0], y0, f0, rtol, atol), 0.0, hmax)
    coeffs = ops.stack([y0] * 5)
    carry = (y0, f0, ts[0], dt, ts[0], coeffs)
    outputs = [y0]
    for index in range(1, ts.shape[0]):
        carry = _advance(fun, carry, ts[index], rtol, atol, mxstep, hmax)
        _, _, t, _, last_t, coeffs = carry
        # no accepted step yet (t[index] == t[0]): the fit is y0 at s = 0
        span = ops.where(t == last_t, 1.0, t - last_t)
        outputs.append(_polyval(coeffs, (ts[index] - last_t) / span))
    return ops.stack(outputs)


def _is_traced(x):
    """Traced by a transform (a Tracer) or recorded by reverse mode (a graph node)."""
    return isinstance(x, Tracer) or getattr(x, "_node", None) is not None


def _advance(fun, carry, target_t, rtol, atol, mxstep, hmax):
    """Step until the accepted steps pass ``target_t``; rejected steps only shrink ``dt``."""
    def cond(state):
        steps, _, _, t, dt, _, _ = state
        return (t < target_t) & (steps < mxstep) & (dt > 0)

    def body(state):
        steps, y, f, t, dt, last_t, coeffs = state
        next_y, next_f, error, stages = _runge_kutta_step(fun, y, f, t, dt)
        ratio = _error_ratio(error, rtol, atol, y, next_y)
        new_dt = ops.clip(_next_step_size(dt, ratio), 0.0, hmax)
        accepted = ratio <= 1.0
        new = (next_y, next_f, t + dt, _interp_fit(y, next_y, stages, dt), t)
        old = (y, f, t, coeffs, last_t)
        next_y, next_f, next_t, next_coeffs, next_last = (
            ops.where(accepted, a, b) for a, b in zip(new, old))
        return steps + 1, next_y, next_f, next_t, new_dt, next_last, next_coeffs

    y, f, t, dt, last_t, coeffs = carry
    state = while_loop(cond, body, (ops.asarray(0), y, f, t, dt, last_t, coeffs))
    return state[1:]


# reverse mode: the adjoint system ------------------------------------------------------


def _odeint_fwd(func, rtol, atol, mxstep, hmax, y0, ts, *args):
    # through the custom_vjp again, so that an enclosing grad (grad of grad) sees the
    # solve as one differentiable call rather than the while_loop inside it
    ys = _odeint(func, rtol, atol, mxstep, hmax, y0, ts, *args)
    return ys, (ys, ts, args)


def _odeint_bwd(func, rtol, atol, mxstep, hmax, residuals, g):
    """Integrate ``(y, y_bar, t0_bar, args_bar)`` backwards over each output interval,
    adding the output cotangent at each output time (Chen et al. 2018, Algorithm 2)."""
    ys, ts, args = residuals

    def augmented(state, minus_t, *args):
        y, y_bar, _, _ = state
        y_dot, pull = vjp(lambda y, t, *args: func(y, t, *args), y, -minus_t, *args)
        y_bar_dot, t_bar_dot, *args_bar_dot = pull(y_bar)
        return (-y_dot, y_bar_dot, t_bar_dot, tuple(args_bar_dot))

    y_bar, t0_bar = g[-1], ops.zeros_like(ts[0])
    args_bar = tree.map(ops.zeros_like, args)
    ts_bar = []
    for index in range(ts.shape[0] - 1, 0, -1):
        t_bar = ops.sum(func(ys[index], ts[index], *args) * g[index])
        ts_bar.append(t_bar)
        t0_bar = t0_bar - t_bar
        state = (ys[index], y_bar, t0_bar, args_bar)
        flat, unravel = _ravel(state)
        ends = ops.stack([-ts[index], -ts[index - 1]])
        out = _odeint(_flat_func(augmented, unravel), rtol, atol, mxstep, hmax, flat, ends,
                     *args)
        _, y_bar, t0_bar, args_bar = unravel(out[-1])
        y_bar = y_bar + g[index - 1]
    ts_bar = ops.stack([t0_bar] + ts_bar[::-1])
    return (y_bar, ts_bar, *args_bar)


_odeint = custom_vjp(_solve, nondiff_argnums=(0, 1, 2, 3, 4))
_odeint.defvjp(_odeint_fwd, _odeint_bwd)


# pytrees <-> one flat vector -------------------------------------------------------------


def _ravel(values):
    """``values`` (a pytree of arrays) as one flat vector, and the function taking a
    ``(..., n)`` array back to the pytree (with the leading axes on every leaf)."""
    leaves, treedef = tree.flatten(values)
    leaves = [ops.asarray(leaf) for leaf in leaves]
    shapes = [tuple(leaf.shape) for leaf in leaves]
    sizes = [int(np.prod(shape)) for shape in shapes]
    flat = ops.concatenate([ops.reshape(leaf, (-1,)) for leaf in leaves])

    def unravel(vector):
        lead = tuple(vector.shape[:-1])
        parts, start = [], 0
        for shape, size in zip(shapes, sizes):
            parts.append(ops.reshape(vector[..., start:start + size], lead + shape))
            start += size
        return tree.unflatten(treedef, parts)
    return flat, unravel


def _flat_func(func, unravel):
    def flat_func(y, t, *args):
        return _ravel(func(unravel(y), t, *args))[0]
    flat_func.__name__ = getattr(func, "__name__", "func")
    return flat_func


_CLOSURE = ("odeint: `{name}` reads a value that an enclosing grad/vmap/jvp/jit is tracing "
            "(a closure); pass it through odeint's *args instead: "
            "odeint(func, y0, t, value) with func(y, t, value)")


def odeint(func: Callable[..., PyTree], y0: PyTree, t: ArrayLike, *args: Any,
           rtol: float = 1.4e-8, atol: float = 1.4e-8, mxstep: float = math.inf,
           hmax: float = math.inf) -> PyTree:
    """Solve ``dy/dt = func(y, t, *args)`` from ``y(t[0]) = y0`` and return ``y`` at every
    time in ``t`` (``jax.experimental.ode.odeint``).

    Adaptive Dormand-Prince (RK45) steps with local error control (each component's error
    below ``atol + rtol * |y|``), and quartic dense output at the requested times.
    Differentiable in reverse mode with respect to ``y0``, ``t`` and ``args`` by the adjoint
    method (a second ODE solved backwards, constant memory in the number of steps);
    ``vmap`` and ``jit`` apply. Forward mode (``jvp``) is not supported.

    Args:
        func: ``func(y, t, *args)`` returning ``dy/dt`` with the structure of ``y``. Values
            it depends on and that you differentiate must come through ``args``, not a
            closure.
        y0: the initial state, a pytree of float arrays.
        t: a 1-d array of increasing times; ``t[0]`` is the initial time.
        *args: extra arguments (pytrees of float arrays) passed to ``func``.
        rtol, atol: relative and absolute local error tolerances.
        mxstep: the most steps (accepted or rejected) between two output times.
        hmax: the largest step.

    Returns:
        ``y`` at the times ``t``: ``y0``'s structure, each leaf with a leading ``len(t)``
        axis.

    Raises:
        ValueError: ``t`` is not one-dimensional, or (when it has a value) decreases.
        TypeError: ``func`` closes over a traced value (pass it in ``args``).

    Example:
        >>> ys = ft.integrate.odeint(lambda y, t, k: -k * y, ft.array(1.0),
        ...                          ft.array([0.0, 1.0]), ft.array(0.5))
        >>> float(ys[-1])  # exp(-0.5)
        0.6065
    """
    flat_y0, unravel = _ravel(y0)
    t = ops.asarray(t)
    if t.ndim != 1:
        raise ValueError(f"odeint: t must be a one-dimensional array of times, got shape "
                         f"{tuple(t.shape)}")
    if not _is_traced(t) and np.any(np.diff(np.asarray(t)) < 0):
        raise ValueError(f"odeint: the times t must be non-decreasing, got {np.asarray(t)}; "
                         "to integrate backwards, substitute s = -t in func")
    dtype = np.result_type(flat_y0.dtype, t.dtype)
    if dtype.kind != "f":
        raise TypeError(f"odeint: y0 and t must be floating point, got {flat_y0.dtype} and "
                        f"{t.dtype}; pass float arrays (ft.array([1.0]))")
    flat_y0, t = ops.astype(flat_y0, dtype), ops.astype(t, dtype)
    args = tuple(tree.map(lambda a: a if isinstance(a, Array) else ops.asarray(a), args))
    try:
        out = _odeint(_flat_func(func, unravel), rtol, atol, mxstep, hmax, flat_y0, t, *args)
    except ClosureError as error:
        message = str(error) if str(error).startswith("odeint") else _CLOSURE.format(
            name=getattr(func, "__name__", "func"))
        raise TypeError(message) from None
    return unravel(out)
