"""How the special functions are declared: one elementwise primitive per function.

Every impl computes in float64 (``impl64`` takes float64 buffers) and casts back to the
inputs' floating dtype, so float32 results are the float64 ones correctly rounded.
Integer arguments (polygamma's ``n``, ``expn``'s ``n``) travel as integer arrays: no
transform differentiates them, and they do not decide the output dtype.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch import dtypes, ops
from funtorch.core import Array, bind
from funtorch.ops import registry as R
from funtorch.typing import P

__all__ = ["special_primitive", "float_args", "int_arg", "computed_in_float64"]


def _out_dtype(args):
    kinds = [R.dtype_of(a) for a in args if R.dtype_kind(a) == "f"]
    arrays = [d for d in kinds if isinstance(d, np.dtype)]
    if arrays:
        return np.result_type(*arrays)
    return np.dtype(np.float64)


def _shape_rule(name):
    def rule(*args, **params):
        shape = R.broadcast_shapes(name, *(R.shape_of(a) for a in args))
        return shape, _out_dtype(args)
    return rule


def _impl(impl64):
    def impl(xp, *args, **params):
        dtype = _out_dtype(args)
        wide = [xp.asarray(a, dtype=xp.float64) for a in args]
        with np.errstate(all="ignore"):
            out = impl64(xp, *wide, **params)
        out = xp.asarray(out).astype(dtype, copy=False)
        return out if out.ndim else out[()]
    return impl


def _vjp(partial, argnum):
    if partial is None:
        return None

    def rule(g, ans, *args, **params):
        return R.unbroadcast(g * partial(ans, *args, **params), args[argnum])
    return rule


def _jvp(partial):
    if partial is None:
        return None
    return lambda t, ans, *args, **params: t * partial(ans, *args, **params)


def special_primitive(name, impl64, partials, *, domain=(-2.0, 2.0), samples=None, tol=None,
                      nondiff=False):
    """Declare an elementwise special function from its float64 impl and its partials.

    ``partials`` holds one ``partial(ans, *args, **params)`` per argument, written with
    public ops, or ``None`` for an argument without a derivative (integer orders, or
    parameters with no closed form: differentiating them raises, never a silent zero).
    """
    arity = len(partials)
    prim = R.primitive(
        name, R.real_kernel(name, _impl(impl64)), shape=_shape_rule(name), nondiff=nondiff,
        vjp=None if nondiff else tuple(_vjp(p, i) for i, p in enumerate(partials)),
        jvp=None if nondiff else tuple(_jvp(p) for p in partials),
        domain=domain, samples=samples or R.elementwise_samples(arity, domain), tol=tol,
        torch_name="Special" + "".join(p.capitalize() for p in name.split("_")))
    prim.batch = R.batch_elementwise(prim)
    return prim


def float_args(*args):
    """Arrays of one floating dtype: the promoted dtype of the floating arrays among
    ``args`` (Python scalars stay weak), or the default float dtype when none is."""
    arrays = [a if isinstance(a, Array) else ops.asarray(a) for a in args
              if not isinstance(a, (int, float, bool))]
    floats = [a.dtype for a in arrays if a.dtype.kind == "f"]
    dtype = dtypes.result_type(*floats) if floats else dtypes.get_default_dtype()
    out = []
    for a in args:
        if isinstance(a, (int, float, bool)):
            out.append(ops.asarray(a, dtype=dtype))
            continue
        a = R.as_array(a)
        # complex arrays pass as they are: the primitive refuses them, naming itself
        out.append(a if a.dtype == dtype or a.dtype.kind == "c" else ops.astype(a, dtype))
    return out


def int_arg(name, arg, value):
    """An integer order as an int64 array; floats are truncated (JAX casts them too)."""
    arr = value if isinstance(value, Array) else ops.asarray(value)
    if arr.dtype.kind == "f":
        return ops.astype(ops.stop_gradient(arr), np.int64)
    if arr.dtype.kind not in "iub":
        raise TypeError(f"{name}: {arg} must be an integer array, got dtype {arr.dtype}")
    return arr if arr.dtype == np.int64 else ops.astype(arr, np.int64)


def computed_in_float64(nargs: int) -> Callable[[Callable[P, Array]], Callable[P, Array]]:
    """Run a composition of special functions in float64 and cast the result back to the
    arguments' floating dtype, as the primitives do: float32 results then stay within an
    ulp instead of collecting each float32 step's rounding (exp(betaln) would amplify it
    by |betaln|). Casts are ops, so derivatives flow through in the caller's dtype.
    ``nargs`` leading arguments are the floating ones."""
    def decorate(fn: Callable[P, Array]) -> Callable[P, Array]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Array:
            floats = float_args(*args[:nargs])
            for a in floats:
                if a.dtype.kind == "c":
                    raise TypeError(f"{fn.__name__}: complex inputs are not supported (got "
                                    f"{a.dtype}); ft.special's functions are real")
            dtype = floats[0].dtype
            wide = [a if a.dtype == np.float64 else ops.astype(a, np.float64) for a in floats]
            out = fn(*wide, *args[nargs:], **kwargs)  # type: ignore[arg-type]  # P's floats
            return out if dtype == np.float64 else ops.astype(out, dtype)
        return wrapper
    return decorate


def exact_integers(name, count, *args):
    """``exact=True`` of SciPy's ``factorial``/``comb``: the arguments' concrete values as
    int64 NumPy arrays (the answer is an exact integer, not a differentiable float)."""
    values = []
    for arg in args:
        try:
            host = np.asarray(ops.stop_gradient(ops.asarray(arg)))
        except TypeError:
            raise TypeError(f"{name}: exact=True needs concrete values, not a value traced by "
                            f"jit/vmap; use exact=False") from None
        if host.dtype.kind == "f" and not np.all(host == np.round(host)):
            raise ValueError(f"{name}: exact=True needs integer arguments, got {host!r}")
        values.append(host.astype(np.int64))
    return np.broadcast_arrays(*values) if count > 1 else values


def exact_result(name, fun, *values):
    """``fun`` of Python ints element by element (exact big integers), as an int64 Array;
    an OverflowError names the function when a result does not fit in int64."""
    out = np.empty(values[0].shape, dtype=np.int64)
    for index in np.ndindex(out.shape):
        result = fun(*(int(v[index]) for v in values))
        if result > np.iinfo(np.int64).max:
            raise OverflowError(f"{name}: the exact result {result} does not fit in int64; use "
                                f"exact=False for a floating approximation")
        out[index] = result
    return ops.asarray(out)
