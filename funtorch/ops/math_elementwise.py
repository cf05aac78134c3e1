"""Elementwise maths beyond the core family: inverse hyperbolics, ``exp2``/``log2``/``log10``,
``cbrt``, ``hypot``, ``logaddexp2``, ``fmod``, sign and rounding helpers, and the
NumPy aliases (``acos`` is ``arccos``, ``pow`` is ``power``, ...).

Functions of floats turn integer and bool inputs into the default float dtype, as ``ft.exp``
does. Step functions (``trunc``, ``rint``, ``heaviside`` in ``x1``) have a zero derivative, as
in JAX; ``angle``, ``imag`` and ``signbit`` are constant on real inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from funtorch import ops
from funtorch.core import Array, Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.elementwise import NONZERO, OPEN_UNIT, POSITIVE
from funtorch.ops.registry import ONE, binary, unary
from funtorch.typing import ArrayLike, Axis

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)

asinh_p = unary("arcsinh", "arcsinh", lambda ans, x: 1.0 / ops.sqrt(x * x + 1.0),
                torch_name="Asinh")
acosh_p = unary("arccosh", "arccosh", lambda ans, x: 1.0 / ops.sqrt((x - 1.0) * (x + 1.0)),
                domain=(1.2, 3.0), torch_name="Acosh")
atanh_p = unary("arctanh", "arctanh", lambda ans, x: 1.0 / (1.0 - x * x), domain=OPEN_UNIT,
                torch_name="Atanh")
cbrt_p = unary("cbrt", "cbrt", lambda ans, x: 1.0 / (3.0 * ans * ans), domain=NONZERO)
exp2_p = unary("exp2", "exp2", lambda ans, x: ans * _LN2)
log2_p = unary("log2", "log2", lambda ans, x: 1.0 / (x * _LN2), domain=POSITIVE)
log10_p = unary("log10", "log10", lambda ans, x: 1.0 / (x * _LN10), domain=POSITIVE)
signbit_p = unary("signbit", "signbit", nondiff=True, float_only=False, out_dtype=np.bool_)
hypot_p = binary("hypot", "hypot", lambda ans, x, y: x / ans, lambda ans, x, y: y / ans,
                 domain=[NONZERO, NONZERO])
logaddexp2_p = binary("logaddexp2", "logaddexp2", lambda ans, x, y: exp2(x - ans),
                      lambda ans, x, y: exp2(y - ans))
# C's fmod: the remainder takes the dividend's sign; d/dy = -trunc(x / y)
fmod_p = binary("fmod", "fmod", ONE, lambda ans, x, y: -trunc(ops.divide(x, y)),
                domain=[(0.1, 0.9), (1.1, 2.0)])


# Public functions ------------------------------------------------------------------------


def _float_unary(prim: Primitive, name: str, summary: str, example: str,
                 result: str) -> Callable[[ArrayLike], Array]:
    def fn(x: ArrayLike) -> Array:
        return bind(prim, R.to_float(x))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"{summary}\n\n    Args:\n        x: an array-like; integer and bool inputs "
                  f"become the default float dtype.\n\n    Returns:\n        An array of "
                  f"``x``'s shape.\n\n    Example:\n        >>> ft.{name}({example}).tolist()\n"
                  f"        {result}\n    ")
    return fn


def float_pair(x1, x2):
    """Coerce two operands as ``ft.add`` does, then make integer pairs floating."""
    x1, x2 = R.coerce_pair(x1, x2)
    if R.dtype_kind(x1) in "iub" and R.dtype_kind(x2) in "iub":
        x1 = R.to_float(x1)
        x2 = x2 if type(x2) in R._SCALARS else R.to_float(x2)
    return x1, x2


def _float_binary(prim: Primitive, name: str, summary: str, example: str,
                  result: str) -> Callable[[ArrayLike, ArrayLike], Array]:
    def fn(x1: ArrayLike, x2: ArrayLike) -> Array:
        return bind(prim, *float_pair(x1, x2))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"{summary}\n\n    Args:\n        x1, x2: array-likes that broadcast "
                  f"together; integer pairs become the default float dtype.\n\n    Returns:\n"
                  f"        A float array of the broadcast shape.\n\n    Raises:\n"
                  f"        ValueError: if the shapes cannot be broadcast.\n\n    Example:\n"
                  f"        >>> ft.{name}({example}).tolist()\n        {result}\n    ")
    return fn


arcsinh = asinh = _float_unary(asinh_p, "arcsinh", "Elementwise inverse hyperbolic sine.",
                               "ft.array([0.5])", "[0.4812118...]")
arccosh = acosh = _float_unary(acosh_p, "arccosh", "Elementwise inverse hyperbolic cosine "
                               "(NaN below 1).", "ft.array([2.0])", "[1.31695...]")
arctanh = atanh = _float_unary(atanh_p, "arctanh", "Elementwise inverse hyperbolic tangent "
                               "(NaN outside [-1, 1]).", "ft.array([0.5])",
                               "[0.549306...]")
cbrt = _float_unary(cbrt_p, "cbrt", "Elementwise real cube root (negative for x < 0).",
                    "ft.array([-8.0, 27.0])", "[-2.0, 3.0]")
exp2 = _float_unary(exp2_p, "exp2", "Elementwise ``2 ** x``.", "ft.array([3.0])", "[8.0]")
log2 = _float_unary(log2_p, "log2", "Elementwise base-2 logarithm.", "ft.array([8.0])",
                    "[3.0]")
log10 = _float_unary(log10_p, "log10", "Elementwise base-10 logarithm.",
                     "ft.array([100.0])", "[2.0]")
hypot = _float_binary(hypot_p, "hypot", "Elementwise ``sqrt(x1**2 + x2**2)`` without "
                      "overflow.", "ft.array([3.0]), 4.0", "[5.0]")
logaddexp2 = _float_binary(logaddexp2_p, "logaddexp2", "Elementwise ``log2(2**x1 + 2**x2)``, "
                           "computed stably.", "ft.array([1.0]), 1.0", "[2.0]")


def i0(x: ArrayLike) -> Array:
    """Modified Bessel function of the first kind, order 0 (``jax.numpy.i0``): the same
    function as :func:`funtorch.special.i0`; its derivative is ``i1``.

    Args:
        x: a real array-like (integers become the default float).

    Returns:
        A float array of ``x``'s shape.

    Example:
        >>> ft.i0(ft.array([0.0, 1.0])).tolist()
        [1.0, 1.266065...]
    """
    from funtorch.special import i0 as special_i0  # special builds on ops: import when called

    return special_i0(x)


def fmod(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Elementwise C remainder: ``x1 - trunc(x1 / x2) * x2``, with the sign of ``x1``
    (:func:`remainder` takes the sign of ``x2``).

    Args:
        x1, x2: array-likes that broadcast together (integers stay integers).

    Returns:
        The remainder; the gradient is 1 in ``x1`` and ``-trunc(x1 / x2)`` in ``x2``.

    Example:
        >>> ft.fmod(ft.array([-3.0, 3.0]), 2.0).tolist()
        [-1.0, 1.0]
    """
    return bind(fmod_p, *R.coerce_pair(x1, x2))


def signbit(x: ArrayLike) -> Array:
    """Elementwise test of the sign bit (true for ``-0.0`` and negative values); bool.

    Args:
        x: a real array-like (integers and floats; ``-0.0`` and ``-nan`` count as negative).

    Returns:
        A bool array of ``x``'s shape.

    Example:
        >>> ft.signbit(ft.array([-0.0, 1.0])).tolist()
        [True, False]
    """
    return bind(signbit_p, R.as_array(x))


def _steps(x):
    return R.as_array(x).dtype.kind in "iub"


def trunc(x: ArrayLike) -> Array:
    """Round towards zero; integers pass through; zero gradient, as JAX.

    Args:
        x: a real array-like.

    Returns:
        An array of ``x``'s shape and dtype (integers unchanged).

    Example:
        >>> ft.trunc(ft.array([-1.5, 1.5])).tolist()
        [-1.0, 1.0]
    """
    x = R.as_array(x)
    if _steps(x):
        return x
    return ops.where(x < 0, ops.ceil(x), ops.floor(x))



def rint(x: ArrayLike) -> Array:
    """Round to the nearest integer, halves to even; integer inputs become the default float
    (as JAX); zero gradient.

    Args:
        x: a real array-like.

    Returns:
        A float array of ``x``'s shape (``x``'s float dtype, or the default float for
        integers).

    Example:
        >>> ft.rint(ft.array([0.5, 1.5, 2.4])).tolist()
        [0.0, 2.0, 2.0]
    """
    return ops.round(R.to_float(x))


def fabs(x: ArrayLike) -> Array:
    """Elementwise absolute value as a float (integer inputs become the default float);
    complex inputs are refused, as NumPy's and JAX's ``fabs`` (use ``abs``).

    Args:
        x: a real array-like.

    Returns:
        ``|x|`` with ``x``'s shape, as floats (the default float dtype for integers).

    Raises:
        TypeError: a complex ``x``.

    Example:
        >>> ft.fabs(ft.array([-2, 3])).dtype
        dtype('float32')
    """
    x = R.to_float(x)
    if x.dtype.kind == "c":
        raise TypeError(f"fabs: complex inputs are not supported (got {x.dtype}); use ft.abs")
    return ops.abs(x)


def positive(x: ArrayLike) -> Array:
    """Elementwise ``+x`` (a copy of the values).

    Args:
        x: a numeric (not bool) array-like.

    Returns:
        ``x`` as an array (same shape and dtype).

    Raises:
        TypeError: a bool ``x``.

    Example:
        >>> ft.positive(ft.array([-1.0])).tolist()
        [-1.0]
    """
    x = R.as_array(x)
    if x.dtype.kind == "b":
        raise TypeError("positive: expected a numeric array, got dtype bool (NumPy has no "
                        "unary + for bool)")
    return x


_SINC_TERMS = 8  # Taylor terms of sin(pi x)/(pi x) below |x| = 0.1: error < 1e-20


def sinc(x: ArrayLike) -> Array:
    """Normalised sinc, ``sin(pi x) / (pi x)`` with ``sinc(0) = 1``.

    Near 0 it is evaluated by its Taylor polynomial, so derivatives of every order are
    exact there too (``sinc''(0) = -pi**2 / 3``), as JAX's custom rule gives.

    Args:
        x: a real array-like (integers become the default float).

    Returns:
        A float array of ``x``'s shape.

    Example:
        >>> ft.sinc(ft.array([0.0, 0.5])).tolist()
        [1.0, 0.636619...]
    """
    x = R.to_float(x)
    small = ops.abs(x) < 0.1
    u = (math.pi * x) ** 2
    series = 0.0
    for k in reversed(range(_SINC_TERMS)):
        series = series * u + (-1.0) ** k / math.factorial(2 * k + 1)
    safe = math.pi * ops.where(small, 1.0, x)
    return ops.where(small, series, ops.sin(safe) / safe)


def unwrap(p: ArrayLike, discont: float | None = None, axis: Axis = -1,
           period: float | None = 2 * math.pi) -> Array:
    """Undo jumps larger than ``discont`` along ``axis`` by adding multiples of ``period``
    (NumPy's algorithm; integer inputs become the default float).

    Args:
        p: input angles.
        discont: the largest jump left alone (default ``period / 2``).
        axis: the axis to unwrap along.
        period: the period of the values (default ``2 pi``).

    Returns:
        The unwrapped array; its gradient is that of the identity.

    Example:
        >>> ft.unwrap(ft.array([0.0, 6.0])).tolist()
        [0.0, -0.283185...]
    """
    p = R.to_float(p)
    axis = ops.normalize_axis(axis, p.ndim, "unwrap")[0]
    discont = period / 2 if discont is None else discont
    high = period / 2
    dd = ops.stop_gradient(ops.diff(p, axis=axis))
    ddmod = ops.mod(dd + high, period) - high
    ddmod = ops.where((ddmod == -high) & (dd > 0), high, ddmod)
    correct = ops.where(ops.abs(dd) < discont, 0.0, ddmod - dd)
    zero = ops.zeros_like(ops.take(p, ops.array([0]), axis=axis))
    return p + ops.concatenate([zero, ops.cumsum(correct, axis=axis)], axis=axis)


absolute = ops.abs
acos = ops.arccos
asin = ops.arcsin
atan = ops.arctan
atan2 = ops.arctan2
around = ops.round
pow = ops.power  # noqa: A001 - NumPy's name
remainder = ops.mod
true_divide = ops.divide
