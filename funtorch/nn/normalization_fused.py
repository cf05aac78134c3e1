"""Layer normalisation as one primitive, ``layer_norm``, with torch's results
``(out, mean, rstd)`` (``rstd = 1 / sqrt(var + eps)``, biased variance over the trailing
``ndim`` axes; ``mean``/``rstd`` keep those axes with size 1).

Statistics are computed in float32 for float16 inputs (torch's accumulation type) and the
output is cast back, so a float16 input with a large offset does not lose its small
variations to a float16 subtraction. The forward pass is a handful of in-place NumPy
passes; the backward pass reads ``x``, ``mean`` and ``rstd`` (nothing of the size of
``x`` is kept besides ``x`` itself). The VJP formula is written once over a namespace of
NumPy-named functions and runs on raw buffers when nothing is traced (see
``nn/functional/attention_fused.py``), on funtorch ops otherwise (``jit``, higher orders,
``vmap``).
"""

from __future__ import annotations

import math

import numpy as np

import funtorch as ft
from funtorch.core import Primitive, bind
from funtorch.nn.functional.attention_fused import Cache, finish, run_rule, shared
from funtorch.nn.functional.attention_fused import _common_dtype, _nonzero
from funtorch.ops.linalg import pad_batched

__all__ = ["layer_norm_p", "fused_layer_norm"]


def _acc(dtype):
    """The accumulation dtype: float32 for half-precision inputs, else the input's."""
    dtype = np.dtype(dtype)
    return np.dtype(np.float32) if dtype.kind == "f" and dtype.itemsize < 4 else dtype


def _shape(x, weight, bias, ndim, eps, cache=None):
    if ndim < 1 or ndim > x.ndim:
        raise ValueError(f"layer_norm: expected 1 to {x.ndim} normalised axes for an input of "
                         f"shape {tuple(x.shape)}, got {ndim}")
    norm = tuple(x.shape[x.ndim - ndim:])
    for name, arg in (("weight", weight), ("bias", bias)):
        if np.broadcast_shapes(tuple(arg.shape), norm) != norm:
            raise ValueError(f"layer_norm: {name} of shape {tuple(arg.shape)} does not match "
                             f"the normalised shape {norm}")
    stats = tuple(x.shape[:x.ndim - ndim]) + (1,) * ndim
    acc = _acc(x.dtype)
    return [(tuple(x.shape), x.dtype), (stats, acc), (stats, acc)]


def _impl(xp, x, weight, bias, ndim, eps, cache=None):
    axes = tuple(range(x.ndim - ndim, x.ndim))
    acc = x.astype(_acc(x.dtype), copy=False)
    mean = xp.mean(acc, axis=axes, keepdims=True)
    centered = acc - mean
    var = xp.mean(xp.square(centered), axis=axes, keepdims=True)
    rstd = 1.0 / xp.sqrt(var + eps)
    centered *= rstd
    centered *= weight
    centered += bias
    return centered.astype(x.dtype, copy=False), mean, rstd


def _backward(ops, x, weight, mean, rstd, g, g_mean, g_rstd, ndim):
    """``(d_x, xhat, g)`` in the accumulation dtype (``d_x`` before the cast)."""
    axes = tuple(range(x.ndim - ndim, x.ndim))
    acc = mean.dtype
    n = math.prod(x.shape[x.ndim - ndim:])
    xhat = (x.astype(acc) - mean) * rstd
    g = g.astype(acc)
    gx = g * weight
    c1 = ops.mean(gx, axis=axes, keepdims=True)
    c2 = ops.mean(gx * xhat, axis=axes, keepdims=True)
    if g_rstd is not None:
        c2 = c2 + g_rstd * (rstd / n)
    if g_mean is not None:
        c1 = c1 - g_mean / (n * rstd)
    return (gx - c1 - xhat * c2) * rstd, xhat, g


def _vjp_rule(index):
    def rule(cts, ans, x, weight, bias, ndim, eps, cache=None):
        def compute():
            ops, (d_x, xhat, g) = run_rule(
                (x, weight, ans[1], ans[2], cts[0], _nonzero(cts[1]), _nonzero(cts[2])),
                _backward, ndim)
            return [finish(ops, d.astype(a.dtype), tuple(a.shape))
                    for d, a in zip((d_x, g * xhat, g), (x, weight, bias))]

        return shared(cache, cts, index, compute)

    return rule


def _stats_tangents(t, ans, x, ndim):
    axes = tuple(range(x.ndim - ndim, x.ndim))
    _, mean, rstd = ans
    acc = mean.dtype
    t = t.astype(acc)
    xhat = (x.astype(acc) - mean) * rstd
    d_mean = ft.mean(t, axis=axes, keepdims=True)
    proj = ft.mean(xhat * t, axis=axes, keepdims=True)
    d_xhat = rstd * (t - d_mean - xhat * proj)
    return d_xhat, d_mean, -rstd * rstd * proj


def _jvp_x(t, ans, x, weight, bias, ndim, eps, cache=None):
    d_xhat, d_mean, d_rstd = _stats_tangents(t, ans, x, ndim)
    return (d_xhat * weight).astype(x.dtype), d_mean, d_rstd


def _jvp_weight(t, ans, x, weight, bias, ndim, eps, cache=None):
    _, mean, rstd = ans
    xhat = (x.astype(mean.dtype) - mean) * rstd
    return (xhat * t).astype(x.dtype), None, None


def _jvp_bias(t, ans, x, weight, bias, ndim, eps, cache=None):
    return ft.broadcast_to(t, tuple(x.shape)).astype(x.dtype), None, None


def _batch(args, bdims, ndim, eps, cache=None):
    x, weight, bias = pad_batched(args, bdims)
    if bdims[0] is None:  # every result gets the batch axis
        size = next(a.shape[d] for a, d in zip(args, bdims) if d is not None)
        x = ft.broadcast_to(ft.expand_dims(x, 0), (size,) + tuple(x.shape))
    return bind(layer_norm_p, x, weight, bias, ndim=ndim, eps=eps), (0, 0, 0)


def _samples(s):
    shapes, ndim = s.choice([(((3, 4), (4,), (4,)), 1), (((2, 3, 4), (3, 4), (4,)), 2),
                             (((5,), (), (5,)), 1)])
    x, weight, bias = (s.array(shape) for shape in shapes)
    # a ramp keeps every normalised slice's variance away from 0: on a constant slice
    # rstd = eps ** -0.5 and the second derivatives (~ rstd ** 3) defeat finite differences
    ramp = np.linspace(-1.0, 1.0, int(np.prod(shapes[0]))).reshape(shapes[0])
    return (x + ft.asarray(ramp, dtype=x.dtype), weight, bias), {"ndim": ndim, "eps": 1e-5}


layer_norm_p = Primitive(
    "layer_norm", _impl, shape=_shape, vjp=tuple(_vjp_rule(i) for i in range(3)),
    jvp=(_jvp_x, _jvp_weight, _jvp_bias), batch=_batch, samples=_samples,
    multiple_results=True, torch_name="NativeLayerNorm")


def fused_layer_norm(input, ndim, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Layer normalisation over the trailing ``ndim`` axes of ``input`` through one
    primitive; float16 statistics are computed in float32.

    Args:
        input: any float array with at least ``ndim`` axes.
        ndim: how many trailing axes to normalise.
        weight, bias: optional, broadcasting to the trailing shape.
        eps: added to the variance.

    Returns:
        The normalised, scaled and shifted array, shape and dtype of ``input``.

    Example:
        >>> fused_layer_norm(ft.ones((2, 3)), 1, ft.ones(3), ft.zeros(3)).shape
        (2, 3)
    """
    if weight is None:
        weight = ft.ones((), dtype=input.dtype, device=input.device)
    if bias is None:
        bias = ft.zeros((), dtype=input.dtype, device=input.device)
    if not input.dtype == weight.dtype == bias.dtype:
        input, weight, bias = _common_dtype([input, weight, bias])
    return bind(layer_norm_p, input, weight, bias, ndim=ndim, eps=float(eps),
                cache=Cache())[0]
