"""A first-order linear recurrence along an axis, ``y[i] = b[i] + a[i] * y[i - 1]`` with
``y[-1] = 0``: the scan behind the derivatives of ``cumprod``.

With it ``cumprod``'s rules need no division, so they are exact when inputs are zero, to
every order (its own rules are recurrences again). The impl is a log-depth (Hillis-Steele)
scan: ``ceil(log2(n))`` vectorised steps, composing the affine maps ``y -> a y + b``.
"""

from __future__ import annotations

import numpy as np

from funtorch import ops
from funtorch.core import Primitive, bind
from funtorch.ops import registry as R


def _recurrence_impl(xp, b, a, axis):
    b = xp.moveaxis(xp.array(b, copy=True), axis, -1)
    a = xp.moveaxis(xp.array(a, copy=True), axis, -1)
    step = 1
    while step < b.shape[-1]:
        # (a, b)[i] <- (a, b)[i] o (a, b)[i - step]: earlier values first, so copy them
        earlier_b, earlier_a = b[..., :-step].copy(), a[..., :-step].copy()
        b[..., step:] += a[..., step:] * earlier_b
        a[..., step:] *= earlier_a
        step *= 2
    return xp.moveaxis(b, -1, axis)


def shift(x, axis, fill=0.0):
    """``x`` moved one step forward along ``axis``: ``out[0] = fill``, ``out[i] = x[i - 1]``."""
    index = [slice(None)] * x.ndim
    index[axis] = slice(None, -1)
    head_shape = tuple(1 if i == axis else n for i, n in enumerate(x.shape))
    head = ops.full(head_shape, fill, dtype=x.dtype)
    return ops.concatenate([head, x[tuple(index)]], axis=axis)


def _unshift(x, axis):
    """``x`` moved one step back along ``axis`` (``out[i] = x[i + 1]``, 0 at the end)."""
    return ops.flip(shift(ops.flip(x, axis), axis), axis)


def recurrence(b, a, axis, reverse=False):
    """``y[i] = b[i] + a[i] * y[i - 1]`` along ``axis`` (``y[i + 1]`` when ``reverse``)."""
    b, a = R.promote(R.as_array(b), R.as_array(a))  # an integer one takes the float dtype
    b, a = R.to_float(b), R.to_float(a)
    dtype = np.result_type(b.dtype, a.dtype)
    b, a = ops.astype(b, dtype), ops.astype(a, dtype)
    if reverse:
        return ops.flip(recurrence(ops.flip(b, axis), ops.flip(a, axis), axis), axis)
    return bind(recurrence_p, b, a, axis=axis)


def _cotangent_b(g, ans, b, a, axis):
    # y = L^-1 b with L bidiagonal (1 on the diagonal, -a[i] below): L^-T g runs backwards
    return recurrence(g, _unshift(a, axis), axis, reverse=True)


def _cotangent_a(g, ans, b, a, axis):
    return _cotangent_b(g, ans, b, a, axis) * shift(ans, axis)


def _recurrence_batch(args, bdims, axis):
    b, a = (R.move_bdim(x, d) for x, d in zip(args, bdims))
    size = b.shape[0] if bdims[0] is not None else a.shape[0]
    b = b if bdims[0] is not None else ops.broadcast_to(b, (size,) + b.shape)
    a = a if bdims[1] is not None else ops.broadcast_to(a, (size,) + a.shape)
    return bind(recurrence_p, b, a, axis=axis + 1), 0


def _recurrence_samples(s):
    return (s.array((3, 5)), s.array((3, 5), domain=(-1.5, 1.5))), {"axis": s.choice([0, 1])}


recurrence_p = Primitive(
    "linear_recurrence", _recurrence_impl,
    shape=lambda b, a, axis: (b.shape, b.dtype),
    vjp=(_cotangent_b, _cotangent_a),
    jvp=(lambda t, ans, b, a, axis: recurrence(t, a, axis),
         lambda t, ans, b, a, axis: recurrence(t * shift(ans, axis), a, axis)),
    batch=_recurrence_batch, samples=_recurrence_samples)


def cumprod_vjp(g, ans, x, axis):
    """``x_i``'s cotangent: ``prod_{k<i} x_k * sum_{j>=i} g_j prod_{i<k<=j} x_k``."""
    before = shift(ans, axis, 1.0)
    return before * recurrence(g, _unshift(x, axis), axis, reverse=True)


def cumprod_jvp(t, ans, x, axis):
    """``d ans_j = sum_{i<=j} t_i prod_{k<i} x_k prod_{i<k<=j} x_k``, as a recurrence."""
    return recurrence(t * shift(ans, axis, 1.0), x, axis)
