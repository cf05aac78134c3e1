"""Comparisons, boolean/bitwise logic, ``where``, ``clip``, dtype casts and ``stop_gradient``."""

from __future__ import annotations

import functools
import operator
import warnings
from collections.abc import Callable

import numpy as np

from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.buffer_vjp import bind_buffers, unbroadcast_like
from funtorch.ops.registry import binary, unary
from funtorch import ops
from funtorch.typing import Array, ArrayLike, DTypeLike


def _compare(name, ufunc, complex=False):
    return binary(name, ufunc, nondiff=True,
                  out_dtype=np.bool_, complex=complex)


# complex numbers have no order: <, <=, >, >= refuse them, as torch does (NumPy and JAX
# compare (real, imag) lexicographically, which decompositions such as relu-like
# where(x > 0, ...) would silently apply to complex data)
eq_p = _compare("eq", "equal", complex=True)
ne_p = _compare("ne", "not_equal", complex=True)
lt_p = _compare("lt", "less")
le_p = _compare("le", "less_equal")
gt_p = _compare("gt", "greater")
ge_p = _compare("ge", "greater_equal")
_COMPLEX = R._COMPLEX  # the complex dtypes (funtorch.dtypes)
_NO_ORDER = ("{fn}: complex numbers have no order (got {dtype}); compare their real parts "
             "(z.real) or magnitudes (ft.abs(z)) instead")
and_p = binary("bitwise_and", "bitwise_and", nondiff=True,
               samples=R.bool_samples(2))
or_p = binary("bitwise_or", "bitwise_or", nondiff=True,
              samples=R.bool_samples(2))
xor_p = binary("bitwise_xor", "bitwise_xor", nondiff=True,
               samples=R.bool_samples(2))
invert_p = unary("invert", "invert", nondiff=True, float_only=False,
                 samples=R.bool_samples(1))


def _where_shape(cond, x, y):
    shape = R.broadcast_shapes("where", R.shape_of(cond), R.shape_of(x), R.shape_of(y))
    return shape, np.result_type(R.dtype_of(x), R.dtype_of(y))


def _where_jvp(argnum):
    def rule(t, ans, cond, x, y):
        zero = ops.zeros_like(t)
        return ops.where(cond, t, zero) if argnum == 1 else ops.where(cond, zero, t)
    return rule


def _where_vjp(argnum):
    """``g`` where the output took this operand, 0 elsewhere, summed to its shape; with
    NumPy's ``where`` and ``unbroadcast_like`` (``xp``, ``fit``) the buffer rule."""
    def rule(g, ans, cond, x, y, xp=ops, fit=R.unbroadcast):
        return fit(xp.where(cond, g, 0.0) if argnum == 1 else xp.where(cond, 0.0, g),
                   x if argnum == 1 else y)
    return rule


select_p = Primitive(
    "where", lambda xp, cond, x, y: xp.where(cond, x, y), shape=_where_shape,
    vjp=(None, _where_vjp(1), _where_vjp(2)),
    vjp_buf=(None, *(functools.partial(_where_vjp(n), xp=np, fit=unbroadcast_like)
                     for n in (1, 2))),
    jvp=(None, _where_jvp(1), _where_jvp(2)),
    samples=lambda s: ((s.bool_array((3, 1)), s.array((3, 4)), s.array((4,))), {}),
    torch_name="Where", complex=True)
select_p.batch = R.batch_elementwise(select_p)
select_p.ufunc = "where"  # impl is exactly xp.where: jit calls it directly


def _convert_shape(x, dtype):
    return R.shape_of(x), np.dtype(dtype)


def _convert_vjp(g, ans, x, dtype, bind=bind):  # bind=bind_buffers: the buffer rule
    # (complex to real: the real part, without astype's warning)
    return g if g.dtype == x.dtype else bind(convert_p, g, dtype=x.dtype)


def _convert_impl(xp, x, dtype):
    # complex to real keeps the real part (NumPy's cast, without its ComplexWarning: the
    # public astype warns, and the VJP of a real-to-complex cast is the real part)
    if x.dtype.kind == "c" and dtype.kind in "fiu":
        return x.real.astype(dtype)
    return x.astype(dtype)  # to bool: nonzero, as NumPy


convert_p = Primitive(
    "convert", _convert_impl, shape=_convert_shape,
    vjp=(_convert_vjp,), vjp_buf=(functools.partial(_convert_vjp, bind=bind_buffers),), jvp=(lambda t, ans, x, dtype: bind(convert_p, t, dtype=dtype),),
    samples=lambda s: ((s.array((2, 3), dtype=np.float32),), {"dtype": np.dtype("float64")}),
    torch_name="To", complex=True)
convert_p.batch = lambda args, bdims, dtype: (bind(convert_p, args[0], dtype=dtype), bdims[0])

# Its output is a constant for every derivative transform: that is what nondiff means.
stop_gradient_p = Primitive(
    "stop_gradient", lambda xp, x: x, shape=lambda x: (R.shape_of(x), R.dtype_of(x)),
    nondiff=True, samples=lambda s: ((s.array((3,)),), {}), torch_name="Detach", complex=True)
stop_gradient_p.batch = lambda args, bdims: (bind(stop_gradient_p, args[0]), bdims[0])


def _comparison_fn(prim: Primitive, name: str) -> Callable[[ArrayLike, ArrayLike], Array]:
    ordering = not prim.complex

    def fn(x: ArrayLike, y: ArrayLike) -> Array:
        if type(x) is R.Array and type(y) is R.Array:  # as in elementwise._binary_fn
            if x._buf.dtype is not y._buf.dtype:
                x, y = R.coerce_pair(x, y)
            elif ordering and x._buf.dtype in _COMPLEX:
                raise TypeError(_NO_ORDER.format(fn=name, dtype=x.dtype))
            else:
                return bind(prim, x, y)
        elif not isinstance(x, R.Array) or not isinstance(y, R.Array) or x.dtype is not y.dtype:
            x, y = R.coerce_pair(x, y)
        if ordering:  # after coercion a complex operand made both complex, or is one
            for arg in (x, y):
                if R.dtype_kind(arg) == "c":
                    raise TypeError(_NO_ORDER.format(fn=name, dtype=R.dtype_of(arg)))
        return bind(prim, x, y)
    fn.__name__ = fn.__qualname__ = name
    python_op = getattr(operator, _PYTHON_COMPARISON[name])
    expected = [python_op(v, 2.0) for v in (1.0, 2.0, 3.0)]
    fn.__doc__ = (f"Elementwise ``{name}`` with broadcasting; a bool array with no gradient."
                  "\n\nArgs:\n    x: an array or a scalar.\n    y: an array or a scalar.\n\n"
                  "Returns:\n    A bool array of the broadcast shape.\n\n"
                  + "Raises:\n    ValueError: if the shapes cannot be broadcast.\n"
                  + ("    TypeError: a complex operand (complex numbers are not "
                     "ordered).\n" if ordering else "") + "\n"
                  + f"Example:\n    >>> ft.{name}(ft.array([1.0, 2.0, 3.0]), 2.0).tolist()\n"
                  f"    {expected}")
    return fn


_PYTHON_COMPARISON = {"equal": "eq", "not_equal": "ne", "less": "lt", "less_equal": "le",
                      "greater": "gt", "greater_equal": "ge"}


equal = _comparison_fn(eq_p, "equal")
not_equal = _comparison_fn(ne_p, "not_equal")
less = _comparison_fn(lt_p, "less")
less_equal = _comparison_fn(le_p, "less_equal")
greater = _comparison_fn(gt_p, "greater")
greater_equal = _comparison_fn(ge_p, "greater_equal")


def _logic_fn(prim: Primitive, name: str, truth: bool = False
              ) -> Callable[[ArrayLike, ArrayLike], Array]:
    # truth: logical_* read any operand as its truth value (nonzero is True), as NumPy and
    # torch do; the bitwise primitive on the integers themselves gave 2 & 1 == 0
    def fn(x: ArrayLike, y: ArrayLike) -> Array:
        x, y = R.coerce_pair(x, y)
        if truth:
            return bind(prim, astype(x, np.bool_), astype(y, np.bool_))
        for arg in (x, y):
            if R.dtype_kind(arg) not in "biu":
                raise TypeError(f"{name}: expected bool or integer operands, got dtype "
                                f"{R.dtype_of(arg)}")
        return bind(prim, x, y)
    fn.__name__ = fn.__qualname__ = name
    python_op = {"and": operator.and_, "or": operator.or_, "xor": operator.xor}[name.split("_")[1]]
    pairs = ((0, 1), (1, 1), (2, 0)) if truth else ((12, 10), (10, 6))
    expected = [python_op(bool(a), bool(b)) if truth else python_op(a, b) for a, b in pairs]
    left, right = [a for a, _ in pairs], [b for _, b in pairs]
    fn.__doc__ = ((f"Elementwise ``{name}`` of the operands' truth values (nonzero is True), "
                   f"with broadcasting; a bool array." if truth else
                   f"Elementwise ``{name}`` of bool or integer arrays.")
                  + "\n\nArgs:\n    x: an array or a scalar.\n    y: an array or a scalar.\n\n"
                  "Returns:\n    " + ("A bool array" if truth else "An array of the operands' "
                                        "promoted dtype") + " of the broadcast shape.\n\n"
                  + "Raises:\n    ValueError: if the shapes cannot be broadcast.\n"
                  + ("\n" if truth else "    TypeError: a float or complex operand.\n\n")
                  + f"Example:\n    >>> ft.{name}(ft.array({left}), ft.array({right})).tolist()\n"
                  f"    {expected}")
    return fn


bitwise_and = _logic_fn(and_p, "bitwise_and")
bitwise_or = _logic_fn(or_p, "bitwise_or")
bitwise_xor = _logic_fn(xor_p, "bitwise_xor")
logical_and = _logic_fn(and_p, "logical_and", truth=True)
logical_or = _logic_fn(or_p, "logical_or", truth=True)
logical_xor = _logic_fn(xor_p, "logical_xor", truth=True)


def invert(x: ArrayLike) -> Array:
    """Elementwise ``~x`` (logical not on bools, bitwise not on integers).

    Args:
        x: a bool or integer array (or scalar).

    Returns:
        An array of ``x``'s shape and dtype.

    Raises:
        TypeError: a float or complex ``x``.

    Example:
        >>> ft.invert(ft.array([True, False])).tolist(), ft.invert(ft.array([0, 5])).tolist()
        ([False, True], [-1, -6])
    """
    x = R.as_array(x)
    if x.dtype.kind not in "biu":
        raise TypeError(f"invert: expected a bool or integer array, got dtype {x.dtype}")
    return bind(invert_p, x)


def logical_not(x: ArrayLike) -> Array:
    """Elementwise logical not (any array: true where ``x`` is zero).

    Args:
        x: an array or a scalar of any dtype.

    Returns:
        A bool array of ``x``'s shape.

    Example:
        >>> ft.logical_not(ft.array([0.0, 2.5])).tolist()
        [True, False]
    """
    return invert(astype(R.as_array(x), np.bool_))


def where(condition: ArrayLike, x: ArrayLike | None = None, y: ArrayLike | None = None) -> Array:
    """Choose ``x`` where ``condition`` holds and ``y`` elsewhere (broadcasting).

    ``where(condition)`` alone returns the indices of true elements, like NumPy.

    Args:
        condition: an array; nonzero entries count as true.
        x: the values where ``condition`` holds (an array or a scalar), or None.
        y: the values elsewhere, or None.

    Returns:
        An array of the broadcast shape of the three, in ``x`` and ``y``'s promoted dtype;
        without ``x`` and ``y`` a tuple of int64 index arrays, one per axis.

    Raises:
        TypeError: only one of ``x`` and ``y`` given.
        ValueError: shapes that do not broadcast.

    Example:
        >>> ft.where(ft.array([True, False]), 1.0, ft.array([5.0, 6.0])).tolist()
        [1.0, 6.0]
    """
    if x is None and y is None:
        return ops.nonzero(condition)
    if x is None or y is None:
        raise TypeError("where: pass both x and y, or neither (to get the indices)")
    cond = R.as_array(condition)
    if cond.dtype.kind != "b":
        cond = astype(cond, np.bool_)
    x, y = R.coerce_pair(x, y)
    return bind(select_p, cond, x, y)


def clip(a: ArrayLike, a_min: ArrayLike | None = None, a_max: ArrayLike | None = None) -> Array:
    """Limit values to ``[a_min, a_max]`` (scalars or arrays; either may be ``None``).

    ``maximum(a, a_min)`` then ``minimum(., a_max)``, as in JAX: the gradient is 1 inside
    the interval, 0 outside and 0.5 exactly at a bound (the tie is split with the bound,
    which gets the rest when it is traced).

    Example:
        >>> ft.clip(ft.array([-2.0, 0.5, 3.0]), 0.0, 1.0).tolist()
        [0.0, 0.5, 1.0]
    """
    if a_min is None and a_max is None:
        raise ValueError("clip: at least one of a_min and a_max must be given")
    out = R.as_array(a)
    if a_min is not None:
        out = ops.maximum(out, a_min)
    if a_max is not None:
        out = ops.minimum(out, a_max)
    return out


def clamp(input: ArrayLike, min: ArrayLike | None = None,  # noqa: A002
          max: ArrayLike | None = None) -> Array:
    """Clamp every element into ``[min, max]``: PyTorch's spelling of :func:`clip`.

    Args:
        input: an array.
        min: the lower bound (a scalar or an array broadcasting with ``input``), or None.
        max: the upper bound, or None.

    Returns:
        An array of the broadcast shape in the operands' promoted dtype.

    Raises:
        ValueError: both bounds are None.

    Example:
        >>> ft.clamp(ft.array([-2.0, 0.5, 3.0]), -1.0, 1.0).tolist()
        [-1.0, 0.5, 1.0]
    """
    return clip(input, min, max)


def astype(x: ArrayLike, dtype: DTypeLike) -> Array:
    """Cast to ``dtype``; differentiable between float and complex dtypes. A complex to
    real cast keeps the real part and warns, as NumPy's (ComplexWarning).

    Args:
        x: an array or a scalar.
        dtype: the target dtype (``ft.float32``, ``"int64"``, ``np.bool_``, ...); a cast to
            bool tests for nonzero, a float to int cast truncates towards zero.

    Returns:
        ``x`` itself when it has that dtype already, else a new array of ``x``'s shape.

    Warns:
        ComplexWarning: a complex ``x`` cast to a real or integer dtype.

    Example:
        >>> ft.astype(ft.array([1.7, -1.7, 0.0]), ft.int64).tolist()
        [1, -1, 0]
    """
    x = R.as_array(x)
    dtype = np.dtype(dtype)
    if x.dtype == dtype:
        return x
    if x.dtype.kind == "c" and dtype.kind in "fiu":
        warnings.warn("astype: casting complex values to real discards the imaginary part",
                      np.exceptions.ComplexWarning, stacklevel=2)
    return bind(convert_p, x, dtype=dtype)


def stop_gradient(x: ArrayLike) -> Array:
    """Return ``x`` unchanged, but treated as a constant by every derivative transform.

    Args:
        x: an array, or a pytree (lists, tuples, dicts...) of arrays.

    Returns:
        The same values in the same structure, carrying no derivative.

    Example:
        >>> ft.grad(lambda x: x * ft.stop_gradient(x))(ft.array(3.0)).item()
        3.0
    """
    from funtorch import tree

    return tree.map(lambda leaf: bind(stop_gradient_p, R.as_array(leaf)), x)


isfinite_p = unary("isfinite", "isfinite", nondiff=True, float_only=False,
               out_dtype=np.bool_, complex=True)
isnan_p = unary("isnan", "isnan", nondiff=True, float_only=False,
               out_dtype=np.bool_, complex=True)
isinf_p = unary("isinf", "isinf", nondiff=True, float_only=False,
               out_dtype=np.bool_, complex=True)


def isfinite(x: ArrayLike) -> Array:
    return bind(isfinite_p, R.as_array(x))


def isnan(x: ArrayLike) -> Array:
    return bind(isnan_p, R.as_array(x))


def isinf(x: ArrayLike) -> Array:
    return bind(isinf_p, R.as_array(x))


_TEST_DOC = """Elementwise test for {what}; bool, no gradient.

    Args:
        x: an array or a scalar of any dtype (a complex number: {complex}).

    Returns:
        A bool array of ``x``'s shape (integers and bools are always finite).

    Example:
        >>> ft.{name}(ft.array([1.0, float("inf"), float("nan")])).tolist()
        {out}
    """
isfinite.__doc__ = _TEST_DOC.format(what="finite values (not inf, not NaN)", name="isfinite",
                                    complex="both parts finite", out=[True, False, False])
isnan.__doc__ = _TEST_DOC.format(what="NaN", name="isnan", complex="either part NaN",
                                 out=[False, False, True])
isinf.__doc__ = _TEST_DOC.format(what="positive or negative infinity", name="isinf",
                                 complex="either part infinite", out=[False, True, False])
