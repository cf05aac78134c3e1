"""Reductions: ``sum, max, min, prod, argmax, argmin, cumsum, all, any`` as primitives,
``mean, var, std, logsumexp`` composed from them.

Reduction primitives take a normalised ``axis`` (a sorted tuple of non-negative
ints) and ``keepdims``; the public functions accept NumPy's forms.
"""

from __future__ import annotations

import builtins
import functools
import math
import operator
from collections.abc import Callable

import numpy as np

from funtorch.core import Array, Primitive, bind
from funtorch.ops import buffer_vjp, registry as R
from funtorch import ops
from funtorch.typing import ArrayLike, Axis


def normalize_axis_index(axis, ndim, fn="reduction"):
    """One NumPy ``axis`` (negatives count from the end) -> an int in ``[0, ndim)``.

    Raises:
        TypeError: ``axis`` is not an integer (``axis=0.0``).
        numpy.exceptions.AxisError: out of range (NumPy's message; a ValueError and an
            IndexError, as in NumPy).
    """
    if isinstance(axis, (bool, np.bool_)) or not hasattr(type(axis), "__index__"):
        raise TypeError(f"{fn}: axis must be an integer (or a tuple of integers), got "
                        f"{axis!r} of type {type(axis).__name__}")
    index = operator.index(axis)
    if not -ndim <= index < ndim:
        raise np.exceptions.AxisError(index, ndim, fn)
    return index % ndim


def normalize_axes(axes, ndim, fn):
    """A sequence of axes -> ints in ``[0, ndim)``, in order; a repeated axis raises."""
    out = []
    for axis in axes:  # plain ints in range skip the checks (every reduction passes here)
        out.append(axis % ndim if type(axis) is int and -ndim <= axis < ndim
                   else normalize_axis_index(axis, ndim, fn))
    out = tuple(out)
    if len(set(out)) != len(out):
        raise ValueError(f"{fn}: repeated axis in {tuple(axes)}")
    return out


def normalize_axis(axis, ndim, fn="reduction"):
    """NumPy ``axis`` (None, int or tuple, negatives allowed) -> sorted tuple. A 0-d
    array takes axis 0 or -1, meaning no axis (as torch)."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (list, tuple)):
        axes = tuple(axis)
    elif hasattr(type(axis), "__index__") or isinstance(axis, float):
        axes = (axis,)
    else:
        raise TypeError(f"{fn}: axis must be None, an integer or a tuple of integers, got "
                        f"{axis!r} of type {type(axis).__name__}")
    out = tuple(sorted(normalize_axes(axes, builtins.max(ndim, 1), fn)))
    return out if ndim else ()


def reduced_shape(shape, axis, keepdims):
    if keepdims:
        return tuple(1 if i in axis else n for i, n in enumerate(shape))
    return tuple(n for i, n in enumerate(shape) if i not in axis)


def keep_shape(g, shape, axis):
    """Reshape a reduced ``g`` so it broadcasts against the unreduced ``shape``."""
    return ops.reshape(g, reduced_shape(shape, axis, True))


def _reduction_shape(out_dtype=None):
    def rule(x, axis, keepdims):
        dtype = x.dtype if out_dtype is None else np.dtype(out_dtype(x.dtype))
        return reduced_shape(x.shape, axis, keepdims), dtype
    return rule


def _batch_reduction(prim):
    def rule(args, bdims, axis, keepdims):
        x = R.move_bdim(args[0], bdims[0])
        return bind(prim, x, axis=tuple(a + 1 for a in axis), keepdims=keepdims), 0
    return rule


def _reduction(name, impl, vjp, jvp, out_dtype=None, nondiff=False, torch_name=None,
               samples=None, complex=False, vjp_buf=None):
    prim = Primitive(name, impl, shape=_reduction_shape(out_dtype), vjp=vjp, jvp=jvp,
                     nondiff=nondiff, torch_name=torch_name, vjp_buf=vjp_buf,
                     samples=samples or (lambda s: _axis_sample(s)), complex=complex)
    prim.batch = _batch_reduction(prim)
    return prim


def _axis_sample(s, domain=None, separated=False):
    shape = s.shape(min_dims=1, max_dims=3)
    axis = normalize_axis(s.axes(len(shape)), len(shape))
    x = s.separated_array(shape) if separated else s.array(shape, domain=domain)
    return (x,), {"axis": axis, "keepdims": s.boolean()}


def _sum_dtype(dtype):
    return np.int64 if dtype.kind in "bi" else np.uint64 if dtype.kind == "u" else dtype


def _sum_vjp(g, ans, x, axis, keepdims):
    if not keepdims and g.ndim:  # a 0-d g (a full sum) broadcasts as it is
        g = keep_shape(g, x.shape, axis)
    return ops.broadcast_to(g, x.shape)


def _chooser_mask(ans, x, axis, keepdims):
    """Where ``x`` attains the reduced extreme, divided by the number of ties."""
    location = ops.astype(x == (ans if keepdims else keep_shape(ans, x.shape, axis)), x.dtype)
    return location / ops.sum(location, axis=axis, keepdims=True)


def _ties(location, axis, dtype, xp):
    """How many positions attain the extreme in each reduced slot (keepdims, in ``dtype``).
    Over a few trailing axes (pooling windows) int8 slices are added: NumPy's bool sum over
    small inner axes is ~15x slower (2x2 windows of a (32, 16, 28, 28) array: 4.1 ms
    against 0.25 ms, ~40% of max pooling's backward pass)."""
    lead = location.ndim - len(axis)
    size = math.prod(location.shape[lead:])
    if axis != tuple(range(lead, location.ndim)) or not 1 < size <= 16:
        return xp.sum(location, axis=axis, keepdims=True).astype(dtype)
    flat = xp.reshape(location, location.shape[:lead] + (size,))
    ties = flat[..., 0].astype(np.int8)
    for i in range(1, size):
        ties = ties + flat[..., i].astype(np.int8)
    return xp.reshape(ties, ties.shape + (1,) * len(axis)).astype(dtype)


def _chooser_vjp(g, ans, x, axis, keepdims, xp=ops):
    """``g`` split evenly over the positions attaining the extreme: the division happens on
    the reduced array, so the full-size work is one comparison and one multiply (this is
    max pooling's backward pass). ``xp``: funtorch's ops, or NumPy for the buffer rule
    (every array here has ``ans``'s dtype, so both compute alike)."""
    if not keepdims:
        kept = reduced_shape(x.shape, axis, True)
        g, ans = xp.reshape(g, kept), xp.reshape(ans, kept)
    location = x == ans
    return location * (g / _ties(location, axis, g.dtype, xp))  # bool * float: g's dtype


def _chooser_jvp(t, ans, x, axis, keepdims):
    return ops.sum(t * _chooser_mask(ans, x, axis, keepdims), axis=axis, keepdims=keepdims)


def _prod_partial(ans, x, axis, keepdims, xp=ops, bind=bind):
    """d prod / d x_i, exact when some x_j are zero (no division by zero); with NumPy and
    ``bind_buffers`` (``xp``, ``bind``) on backend arrays.

    Its own derivative is exact except where two or more inputs are exactly zero
    (there it is 0 instead of the product of the others).
    """
    is_zero = x == 0
    zeros = xp.sum(is_zero, axis=axis, keepdims=True)  # (an int64 count)
    safe_x = xp.where(is_zero, 1.0, x)
    others_nonzero = bind(prod_p, safe_x, axis=axis, keepdims=True)
    no_zero = others_nonzero / safe_x
    one_zero = xp.where(is_zero, others_nonzero, 0.0)
    return xp.where(zeros == 0, no_zero, xp.where(zeros == 1, one_zero, 0.0))


def _prod_vjp(g, ans, x, axis, keepdims, xp=ops, bind=bind):
    if not keepdims:
        g = xp.reshape(g, reduced_shape(x.shape, axis, True))
    return g * _prod_partial(ans, x, axis, keepdims, xp, bind)


def _cumsum_vjp(g, ans, x, axis, xp=ops, bind=bind):  # NumPy's and bind_buffers: buffer rule
    return xp.flip(bind(cumsum_p, xp.flip(g, axis), axis=axis), axis)


def _accumulating(impl):
    """float16 accumulates in float32 and is rounded once at the end, as torch and NumPy's
    ``mean`` do (a float16 running sum loses every addend once it passes 2048)."""
    def accumulate(xp, x, **params):
        if x.dtype == np.float16:
            return impl(xp, x.astype(np.float32), **params).astype(np.float16)
        return impl(xp, x, **params)
    return accumulate


sum_p = _reduction("sum", _accumulating(lambda xp, x, axis, keepdims: xp.sum(
    x, axis=axis, keepdims=keepdims)),
                   (_sum_vjp,), (lambda t, ans, x, axis, keepdims:
                                 ops.sum(t, axis=axis, keepdims=keepdims),),
                   out_dtype=_sum_dtype, complex=True, vjp_buf=(buffer_vjp.sum_rule,))
_CHOOSER_BUF = (functools.partial(_chooser_vjp, xp=np),)
max_p = _reduction("max", lambda xp, x, axis, keepdims: xp.max(x, axis=axis, keepdims=keepdims),
                   (_chooser_vjp,), (_chooser_jvp,), torch_name="Max", vjp_buf=_CHOOSER_BUF,
                   samples=lambda s: _axis_sample(s, separated=True))
min_p = _reduction("min", lambda xp, x, axis, keepdims: xp.min(x, axis=axis, keepdims=keepdims),
                   (_chooser_vjp,), (_chooser_jvp,), torch_name="Min", vjp_buf=_CHOOSER_BUF,
                   samples=lambda s: _axis_sample(s, separated=True))
prod_p = _reduction(
    "prod", _accumulating(lambda xp, x, axis, keepdims: xp.prod(x, axis=axis,
                                                                keepdims=keepdims)),
    (_prod_vjp,), (lambda t, ans, x, axis, keepdims: ops.sum(
        t * _prod_partial(ans, x, axis, keepdims), axis=axis, keepdims=keepdims),),
    out_dtype=_sum_dtype, vjp_buf=(functools.partial(_prod_vjp, xp=np,
                                                     bind=buffer_vjp.bind_buffers),), samples=lambda s: _axis_sample(s, domain=((-2.0, -0.2), (0.2, 2.0))),
    complex=True)
all_p = _reduction("all", lambda xp, x, axis, keepdims: xp.all(x, axis=axis, keepdims=keepdims),
                   None, None, out_dtype=lambda d: np.bool_, nondiff=True, complex=True)
any_p = _reduction("any", lambda xp, x, axis, keepdims: xp.any(x, axis=axis, keepdims=keepdims),
                   None, None, out_dtype=lambda d: np.bool_, nondiff=True, complex=True)


def _arg_shape(x, axis, keepdims):
    shape = x.shape if axis is None else reduced_shape(x.shape, (axis,), keepdims)
    if axis is None:
        shape = (1,) * len(x.shape) if keepdims else ()
    return shape, np.dtype(np.int64)


def _arg_batch(prim):
    def rule(args, bdims, axis, keepdims):
        x = R.move_bdim(args[0], bdims[0])
        if axis is None:
            flat = ops.reshape(x, (x.shape[0], -1))
            out = bind(prim, flat, axis=1, keepdims=False)
            if keepdims:
                out = ops.reshape(out, (x.shape[0],) + (1,) * (x.ndim - 1))
            return out, 0
        return bind(prim, x, axis=axis + 1, keepdims=keepdims), 0
    return rule


def _arg_samples(s):
    shape = s.shape(min_dims=1, max_dims=3)
    return (s.array(shape),), {"axis": s.choice([None, *range(len(shape))]),
                               "keepdims": s.boolean()}


def _arg_reduction(name, fn):
    prim = Primitive(name, lambda xp, x, axis, keepdims: getattr(xp, fn)(
        x, axis=axis, keepdims=keepdims), shape=_arg_shape, nondiff=True, samples=_arg_samples,
        complex=True)  # complex: lexicographic (real, imag) order, as NumPy and JAX
    prim.batch = _arg_batch(prim)
    return prim


argmax_p = _arg_reduction("argmax", "argmax")
argmin_p = _arg_reduction("argmin", "argmin")


def _cumsum_batch(args, bdims, axis):
    return bind(cumsum_p, R.move_bdim(args[0], bdims[0]), axis=axis + 1), 0


cumsum_p = Primitive(
    "cumsum", _accumulating(lambda xp, x, axis: xp.cumsum(x, axis=axis)),
    shape=lambda x, axis: (x.shape, _sum_dtype(x.dtype)), vjp=(_cumsum_vjp,),
    vjp_buf=(functools.partial(_cumsum_vjp, xp=np, bind=buffer_vjp.bind_buffers),),
    jvp=(lambda t, ans, x, axis: cumsum(t, axis),), batch=_cumsum_batch,
    samples=lambda s: ((s.array((3, 4)),), {"axis": s.choice([0, 1])}), complex=True)


# Public functions ----------------------------------------------------------------------


# The examples' outputs along axis 1 of [[1, 0, 3], [4, 5, 6]], as NumPy gives them
_EXAMPLE_OUT = {"sum": "[4.0, 15.0]", "prod": "[0.0, 120.0]", "max": "[3.0, 6.0]",
                "min": "[0.0, 4.0]", "all": "[False, True]", "any": "[True, True]"}


def _reduce(prim: Primitive, fn: str) -> Callable[..., Array]:
    # ``Callable[..., Array]``: ft.<fn> is also torch's spelling (``dim=``, ``keepdim=``)
    # through torch_functions' dual, which a type checker does not see
    def reduce(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
        a = R.as_array(a)
        return bind(prim, a, axis=normalize_axis(axis, a.ndim, fn), keepdims=bool(keepdims))
    reduce.__name__ = reduce.__qualname__ = fn
    reduce.__doc__ = (f"``{fn}`` over ``axis`` (None, int or tuple) with NumPy's "
                      f"``keepdims``.\n\n    Example:\n"
                      f"        >>> ft.{fn}(ft.array([[1.0, 0.0, 3.0], [4.0, 5.0, 6.0]]), "
                      f"axis=1).tolist()\n        {_EXAMPLE_OUT[fn]}")
    return reduce


sum = _reduce(sum_p, "sum")  # noqa: A001 - NumPy's names
max = _reduce(max_p, "max")  # noqa: A001
min = _reduce(min_p, "min")  # noqa: A001
prod = _reduce(prod_p, "prod")
all = _reduce(all_p, "all")  # noqa: A001
any = _reduce(any_p, "any")  # noqa: A001


def _arg(prim: Primitive, fn: str) -> Callable[..., Array]:
    def reduce(a: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Array:
        a = R.as_array(a)
        if axis is not None:
            axis = normalize_axis(axis, a.ndim, fn)[0]
        return bind(prim, a, axis=axis, keepdims=bool(keepdims))
    reduce.__name__ = reduce.__qualname__ = fn
    reduce.__doc__ = f"Indices of the {fn[3:]} along ``axis`` (flattened when None); int64."
    return reduce


argmax = _arg(argmax_p, "argmax")
argmin = _arg(argmin_p, "argmin")


def cumsum(a: ArrayLike, axis: int | None = None) -> Array:
    """Cumulative sum along ``axis`` (the flattened array when None), as NumPy."""
    a = R.as_array(a)
    if axis is None:
        a, axis = ops.reshape(a, (-1,)), 0
    return bind(cumsum_p, a, axis=normalize_axis(axis, a.ndim, "cumsum")[0])


def _logsumexp_impl(xp, x, axis, keepdims):
    peak = xp.max(x, axis=axis, keepdims=True)
    peak = xp.where(xp.isfinite(peak), peak, 0)  # all -inf (or an inf): no inf - inf
    with np.errstate(divide="ignore"):
        out = xp.log(xp.sum(xp.exp(x - peak), axis=axis, keepdims=True)) + peak
    return out if keepdims else out.reshape(reduced_shape(x.shape, axis, False))


def _logsumexp_vjp(g, ans, x, axis, keepdims, xp=ops):  # xp=np: the buffer rule
    if not keepdims and g.ndim:  # a 0-d g and ans (a full reduction) broadcast as they are
        kept = reduced_shape(x.shape, axis, True)
        g, ans = xp.reshape(g, kept), xp.reshape(ans, kept)
    return g * xp.exp(x - ans)


def _logsumexp_jvp(t, ans, x, axis, keepdims):
    ans = ans if keepdims or not ans.ndim else keep_shape(ans, x.shape, axis)
    return ops.sum(t * ops.exp(x - ans), axis=axis, keepdims=keepdims)


# one primitive rather than nine composed ops: under vmap of grad (per-example gradients
# of a softmax cross-entropy) each op costs several Python layers
logsumexp_p = _reduction("logsumexp", _logsumexp_impl, vjp=(_logsumexp_vjp,),
                         jvp=(_logsumexp_jvp,), torch_name="Logsumexp",
                         vjp_buf=(functools.partial(_logsumexp_vjp, xp=np),))


def logsumexp(a: ArrayLike, axis: Axis = None,
              keepdims: bool = False) -> Array:
    """``log(sum(exp(a)))`` over ``axis``, computed stably (SciPy's signature).

    Example:
        >>> ft.logsumexp(ft.array([1000.0, 1000.0])).item()  # no overflow
        1000.6931...
    """
    a = R.to_float(a)
    return bind(logsumexp_p, a, axis=normalize_axis(axis, a.ndim, "logsumexp"),
                keepdims=bool(keepdims))


from funtorch.ops.reductions_moments import mean, std, var  # noqa: E402  (moved out)

__all__ = ["sum", "max", "min", "prod", "all", "any", "argmax", "argmin", "cumsum", "mean",
           "var", "std", "logsumexp", "normalize_axis", "normalize_axis_index", "normalize_axes"]
