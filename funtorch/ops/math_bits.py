"""Integer and floating-point representation functions: ``gcd``, ``lcm``, bit shifts and
counts, ``frexp``/``ldexp``, ``modf``, ``divmod``, ``nextafter`` and ``spacing``.

Integer results carry no gradient. ``nextafter`` and ``spacing`` give floats that have no
derivative: they pass through a guard primitive without rules, so ``grad`` and ``jvp`` raise
a TypeError naming the function instead of returning a silent zero.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.registry import binary, unary
from funtorch.typing import Array, ArrayLike


def _int_samples(arity, low, high):
    def samples(s):
        shapes = s.broadcastable_shapes(arity) if arity > 1 else [s.shape()]
        return tuple(s.int_array(shape, low, high) for shape in shapes), {}
    return samples


gcd_p = binary("gcd", "gcd", nondiff=True, samples=_int_samples(2, -30, 30))
lcm_p = binary("lcm", "lcm", nondiff=True, samples=_int_samples(2, -30, 30))
left_shift_p = binary("left_shift", "left_shift", nondiff=True, samples=_int_samples(2, 0, 8))
right_shift_p = binary("right_shift", "right_shift", nondiff=True,
                       samples=_int_samples(2, 0, 8))
bitwise_count_p = unary("bitwise_count", "bitwise_count", nondiff=True, float_only=False,
                        out_dtype=np.uint8, samples=_int_samples(1, -100, 100))
nextafter_p = binary("nextafter", "nextafter", nondiff=True)
spacing_p = unary("spacing", "spacing", nondiff=True, float_only=False)
frexp_exponent_p = unary("frexp_exponent", lambda xp, x: xp.frexp(x)[1], nondiff=True,
                         float_only=False, out_dtype=np.int32)


def _ldexp_shape(x, e):
    return R.broadcast_shapes("ldexp", R.shape_of(x), R.shape_of(e)), x.dtype


def _ldexp_samples(s):
    shapes = s.broadcastable_shapes(2)
    return (s.array(shapes[0]), s.int_array(shapes[1], -4, 5)), {}


ldexp_p = Primitive(
    "ldexp", lambda xp, x, e: xp.ldexp(x, e), shape=_ldexp_shape,
    vjp=(lambda g, ans, x, e: R.unbroadcast(g * ldexp(ops.ones_like(ans), e), x), None),
    jvp=(lambda t, ans, x, e: t * ldexp(ops.ones_like(ans), e), None),
    samples=_ldexp_samples)
ldexp_p.batch = R.batch_elementwise(ldexp_p)


def _guard_shape(*args):
    return R.shape_of(args[-1]), R.dtype_of(args[-1])


def _no_derivative(name):
    """An identity on its last argument, with no VJP/JVP rule for the others: differentiating
    through it raises "primitive '<name>' has no VJP rule" instead of giving zeros."""
    prim = Primitive(name, lambda xp, *args: args[-1], shape=_guard_shape, register=False)
    prim.batch = lambda args, bdims: R.batch_elementwise(prim)(args, bdims)
    return prim


_nextafter_guard = _no_derivative("nextafter")
_spacing_guard = _no_derivative("spacing")


def _integers(name, *args):
    for arg in args:
        if R.dtype_kind(arg) not in "iub":
            raise TypeError(f"{name}: expected integer or bool operands, got dtype "
                            f"{R.dtype_of(arg)}")


def _int_binary(prim: Primitive, name: str, summary: str, example: str,
                result: str) -> Callable[[ArrayLike, ArrayLike], Array]:
    def fn(x1: ArrayLike, x2: ArrayLike) -> Array:
        x1, x2 = R.coerce_pair(x1, x2)
        _integers(name, x1, x2)
        if R.dtype_kind(x1) == "b" and R.dtype_kind(x2) == "b":  # NumPy: bool pairs as int
            x1 = ops.astype(x1, np.int64)
        return bind(prim, x1, x2)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"{summary}\n\n    Args:\n        x1, x2: integer array-likes that "
                  f"broadcast together.\n\n    Returns:\n        An integer array of the broadcast "
                  f"shape in the operands' promoted dtype (a bool pair gives int64).\n\n"
                  f"    Raises:\n        TypeError: for floating "
                  f"operands.\n\n    Example:\n        >>> ft.{name}({example}).tolist()\n"
                  f"        {result}\n    ")
    return fn


gcd = _int_binary(gcd_p, "gcd", "Elementwise greatest common divisor (non-negative).",
                  "ft.array([12, 18]), 8", "[4, 2]")
lcm = _int_binary(lcm_p, "lcm", "Elementwise least common multiple (non-negative).",
                  "ft.array([4, 6]), 10", "[20, 30]")
left_shift = bitwise_left_shift = _int_binary(
    left_shift_p, "left_shift", "Elementwise ``x1 << x2``.", "ft.array([1, 3]), 2",
    "[4, 12]")
right_shift = bitwise_right_shift = _int_binary(
    right_shift_p, "right_shift", "Elementwise ``x1 >> x2`` (arithmetic for signed integers).",
    "ft.array([8, -8]), 2", "[2, -2]")
bitwise_not = bitwise_invert = ops.invert


def bitwise_count(x: ArrayLike) -> Array:
    """Number of 1 bits in ``|x|`` for each integer element (uint8).

    Args:
        x: an integer or bool array-like.

    Returns:
        A uint8 array of ``x``'s shape.

    Raises:
        TypeError: a floating ``x``.

    Example:
        >>> ft.bitwise_count(ft.array([7, -8])).tolist()
        [3, 1]
    """
    x = R.as_array(x)
    _integers("bitwise_count", x)
    return bind(bitwise_count_p, x)


def ldexp(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Elementwise ``x1 * 2 ** x2`` with integer exponents ``x2``; ``x1``'s float dtype
    (integer ``x1`` becomes the default float). Differentiable in ``x1``.

    Args:
        x1: the mantissas (an array-like; integers become the default float).
        x2: integer (or bool) exponents broadcasting with ``x1``.

    Returns:
        A float array of the broadcast shape in ``x1``'s float dtype.

    Raises:
        TypeError: floating exponents ``x2``.

    Example:
        >>> ft.ldexp(ft.array([0.75]), 3).tolist()
        [6.0]
    """
    x1 = R.to_float(x1)
    x2 = R.as_array(x2)
    _integers("ldexp (exponent x2)", x2)
    if x2.dtype.kind == "b":
        x2 = ops.astype(x2, np.int32)
    return bind(ldexp_p, x1, x2)


def frexp(x: ArrayLike) -> Any:
    """Split ``x`` into ``mantissa * 2 ** exponent`` with ``0.5 <= |mantissa| < 1``.

    Args:
        x: an array-like (integers become the default float).

    Returns:
        ``(mantissa, exponent)``: floats in ``x``'s float dtype (differentiable, gradient
        ``2 ** -exponent``) and int32 exponents.

    Example:
        >>> [a.tolist() for a in ft.frexp(ft.array([8.0]))]
        [[0.5], [4]]
    """
    x = R.to_float(x)
    exponent = bind(frexp_exponent_p, x)
    return ldexp(x, -exponent), exponent


def modf(x: ArrayLike) -> Any:
    """Fractional and integral parts of ``x``, both with ``x``'s sign.

    Args:
        x: an array-like.

    Returns:
        ``(fractional, integral)``; the fractional part has gradient 1, the integral part
        (``trunc``) gradient 0. Integer inputs become the default float.

    Example:
        >>> [a.tolist() for a in ft.modf(ft.array([-2.5]))]
        [[-0.5], [-2.0]]
    """
    x = R.to_float(x)
    integral = ops.trunc(x)
    fractional = ops.where(ops.isinf(x), ops.copysign(0.0, x), x - integral)
    return fractional, integral


def divmod(x1: ArrayLike, x2: ArrayLike) -> Any:  # noqa: A001 - NumPy's name
    """``(floor_divide(x1, x2), remainder(x1, x2))`` in one call.

    Args:
        x1: the dividends (an array-like).
        x2: the divisors, broadcasting with ``x1``.

    Returns:
        A tuple ``(quotient, remainder)`` of arrays of the broadcast shape and promoted dtype
        (the remainder has ``x2``'s sign, as Python's ``%``).

    Example:
        >>> [a.tolist() for a in ft.divmod(ft.array([7, -7]), 3)]
        [[2, -3], [1, 2]]
    """
    return ops.floor_divide(x1, x2), ops.mod(x1, x2)


def nextafter(x1: ArrayLike, x2: ArrayLike) -> Array:
    """The next representable float after ``x1`` towards ``x2``. Not differentiable:
    ``grad``/``jvp`` through it raise a TypeError.

    Args:
        x1: the starting values (an array-like; integers become the default float).
        x2: the directions, broadcasting with ``x1``.

    Returns:
        A float array of the broadcast shape and the pair's float dtype.

    Example:
        >>> (ft.nextafter(ft.array(1.0, dtype=ft.float64), 2.0) - 1.0).item()
        2.220446049250313e-16
    """
    from funtorch.ops.math_elementwise import float_pair

    x1, x2 = float_pair(x1, x2)
    if type(x2) in R._SCALARS:
        x2 = ops.full((), x2, dtype=x1.dtype)
    elif type(x1) in R._SCALARS:
        x1 = ops.full((), x1, dtype=x2.dtype)
    return bind(_nextafter_guard, x1, x2, bind(nextafter_p, x1, x2))


def spacing(x: ArrayLike) -> Array:
    """Distance from ``x`` to the next float away from zero (the ULP of ``x``); integers
    become the default float. Not differentiable: ``grad``/``jvp`` raise a TypeError.

    Args:
        x: an array-like.

    Returns:
        A float array of ``x``'s shape and float dtype (negative for negative ``x``, as
        NumPy).

    Example:
        >>> ft.spacing(ft.array(1.0, dtype=ft.float64)).item()
        2.220446049250313e-16
    """
    x = R.to_float(x)
    return bind(_spacing_guard, x, bind(spacing_p, x))
