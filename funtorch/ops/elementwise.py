"""Elementwise arithmetic and transcendental primitives, one declaration each.

``deriv(ans, x)`` gives both the VJP (``g * deriv``) and the JVP (``t * deriv``).
Step functions register an explicit zero derivative, as in JAX. The public functions'
docstrings (templates, example outputs, sections) live in ``elementwise_docs.py``.
"""

from __future__ import annotations

import cmath
import math

from collections.abc import Callable
from functools import partial

import numpy as np

from funtorch.core import _TRACER_TYPES, Array, Primitive, bind
from funtorch.dtypes import real_of
from funtorch.ops import registry as R
from funtorch.ops.elementwise_docs import BINARY_DOC as _BINARY_DOC, UNARY_DOC as _UNARY_DOC
from funtorch.ops.elementwise_docs import doc as _doc, sections as _sections
from funtorch.ops.erf_kernels import erf_impl as _erf_impl
from funtorch.ops.registry import MINUS_ONE, ONE, binary, unary
from funtorch import ops
from funtorch.typing import ArrayLike

# Domains where finite differences are meaningful (away from poles and kinks).
POSITIVE = (0.1, 2.0)
NONZERO = ((-2.0, -0.2), (0.2, 2.0))
OPEN_UNIT = (-0.9, 0.9)
STEPS = ((-1.9, -1.1), (-0.9, -0.1), (0.1, 0.9), (1.1, 1.9))  # no integer inside
# Disjoint value sets for the two arguments of maximum/minimum: no ties, both branches.
LOWER_HIGHER = [((-2.0, -1.2), (0.1, 0.9)), ((-0.9, -0.1), (1.2, 2.0))]
HALF_STEPS = ((-1.4, -1.1), (-0.4, -0.1), (0.1, 0.4), (0.6, 0.9), (1.1, 1.4))

# Unary ---------------------------------------------------------------------------------

neg_p = unary("neg", "negative", float_only=False, torch_name="Neg", complex=True)
neg_p.vjp = (lambda g, ans, x: bind(neg_p, g),)
neg_p.vjp_buf = (lambda g, ans, x: -g,)
neg_p.jvp = (lambda t, ans, x: bind(neg_p, t),)
exp_p = unary("exp", "exp", lambda ans, x: ans, complex=True)
log_p = unary("log", "log", lambda ans, x: 1.0 / x, domain=POSITIVE, complex=True)
log1p_p = unary("log1p", "log1p", lambda ans, x: 1.0 / (x + 1.0),
                domain=(-0.8, 2.0), complex=True)
expm1_p = unary("expm1", "expm1", lambda ans, x: ans + 1.0, complex=True)
sqrt_p = unary("sqrt", "sqrt", lambda ans, x: 0.5 / ans, domain=POSITIVE, complex=True)
sin_p = unary("sin", "sin", lambda ans, x: cos(x), complex=True,
              buffer_deriv=lambda ans, x: np.cos(x))
cos_p = unary("cos", "cos", lambda ans, x: -sin(x), complex=True,
              buffer_deriv=lambda ans, x: -np.sin(x))
tan_p = unary("tan", "tan", lambda ans, x: 1.0 + ans * ans,
              domain=(-1.2, 1.2), complex=True)
arcsin_p = unary("arcsin", "arcsin",
                 lambda ans, x: 1.0 / sqrt(1.0 - x * x), domain=OPEN_UNIT, torch_name="Asin")
arccos_p = unary("arccos", "arccos",
                 lambda ans, x: -1.0 / sqrt(1.0 - x * x), domain=OPEN_UNIT, torch_name="Acos")
arctan_p = unary("arctan", "arctan", lambda ans, x: 1.0 / (1.0 + x * x),
                 torch_name="Atan")
sinh_p = unary("sinh", "sinh", lambda ans, x: cosh(x), complex=True)
cosh_p = unary("cosh", "cosh", lambda ans, x: sinh(x), complex=True)
tanh_p = unary("tanh", "tanh", lambda ans, x: 1.0 - ans * ans, complex=True)


def _sigmoid_impl(xp, x):
    # exp(min(x, 0)) / (1 + exp(-|x|)): full relative precision on both tails (the tanh
    # form 0.5 * tanh(x / 2) + 0.5 rounds to 0 below x = -17 in float32)
    den = xp.exp(-xp.abs(x))
    den += 1.0
    num = xp.exp(xp.minimum(x, 0))
    return xp.divide(num, den, out=num) if isinstance(num, xp.ndarray) else num / den


sigmoid_p = unary("sigmoid", _sigmoid_impl, lambda ans, x: ans * (1.0 - ans),
                  domain=(-8.0, 8.0))


# erf: see funtorch/ops/erf_kernels.py. The derivative is the exact
# 2/sqrt(pi) exp(-x^2), so gradients do not inherit the approximation.
_SQRT_PI = 1.7724538509055159


erf_p = unary("erf", R.real_kernel("erf", _erf_impl), lambda ans, x: exp(-x * x) * (2.0 / _SQRT_PI),
              domain=(-3.0, 3.0), torch_name="Erf")
# d|x| = 1 at x >= 0, -1 below: gradient 1 at 0, as JAX's abs rule (select(x >= 0, g, -g))


def _abs_vjp(g, ans, x, xp=ops):  # xp=np: the buffer rule
    # complex x: g conj(x) / |x| (JAX's convention; 0 at x = 0)
    if x.dtype.kind == "c":
        return g * xp.conj(x) / xp.where(ans == 0, 1.0, ans)
    return xp.where(x >= 0, g, -g)


def _abs_jvp(t, ans, x):
    if x.dtype.kind == "c":
        return ops.real(ops.conj(x) * t) / ops.where(ans == 0, 1.0, ans)
    return ops.where(x >= 0, t, -t)


abs_p = unary("abs", "abs", domain=NONZERO, float_only=False, complex=True)
abs_p.vjp, abs_p.jvp, abs_p.vjp_buf = (_abs_vjp,), (_abs_jvp,), (partial(_abs_vjp, xp=np),)
abs_p.shape = lambda x: (R.shape_of(x), real_of(R.dtype_of(x)))  # |complex64| is float32
# g * (ans > 0): one multiply by a mask (NumPy's where on a random mask is ~5x slower);
# the gradient at 0 is 0, as in PyTorch's relu.
relu_p = unary("relu", lambda xp, x: xp.maximum(x, 0), lambda ans, x: ans > 0,
               domain=NONZERO, float_only=False, torch_name="Relu")
square_p = unary("square", "square", lambda ans, x: 2.0 * x,
                 float_only=False, torch_name="Pow", complex=True)
reciprocal_p = unary("reciprocal", "reciprocal",
                     lambda ans, x: -(ans * ans), domain=NONZERO, complex=True)
sign_p = unary("sign", "sign", zero_grad=True, float_only=False,
               domain=NONZERO)
floor_p = unary("floor", "floor", zero_grad=True, domain=STEPS)
ceil_p = unary("ceil", "ceil", zero_grad=True, domain=STEPS)
round_p = unary("round", lambda xp, x, decimals=0: xp.round(x, decimals), zero_grad=True,
                domain=HALF_STEPS)
round_p.vjp = (lambda g, ans, x, decimals=0: ops.zeros_like(x),)
round_p.jvp = (lambda t, ans, x, decimals=0: ops.zeros_like(ans),)

# Binary --------------------------------------------------------------------------------


# pow's and div's partials take Python-scalar operands as they are (scalar_safe): the
# common x ** 3, x ** 0.5 and x / 2.0 cost no extra ops, computed exactly in Python.


def _dpow_x(ans, x, y):
    # y * x ** (y - 1), but 0 at x == y == 0: d(x ** 0)/dx is 0 there too, where the plain
    # formula gives 0 * inf (JAX's rule for integer exponents, autograd's); elsewhere the
    # plain formula, so its own derivative in y stays right at y == 0
    if type(y) in R._SCALARS:
        return y * power(x, y - 1) if y != 0 else ops.zeros_like(ans)
    at_origin = ops.logical_and(y == 0, x == 0)
    return y * power(x, ops.where(at_origin, 1.0, y - 1.0))


def _dpow_y(ans, x, y):
    # ans * log(x), with log taken as 0 where x <= 0 (0 ** y: JAX's _replace_zero); complex
    # x: the principal log, 0 at x == 0
    if type(x) is complex:
        return ans * (cmath.log(x) if x != 0 else 0.0)
    if type(x) in R._SCALARS:
        return ans * (math.log(x) if x > 0 else 0.0)
    if x.dtype.kind == "c":
        return ans * log(ops.where(x != 0, x, 1.0))
    return ans * log(ops.where(x > 0, x, 1.0))


def _ddiv_x(ans, x, y):
    if type(y) in R._SCALARS:  # IEEE 1 / 0 = inf (Python's would raise ZeroDivisionError)
        return 1.0 / y if y != 0 else math.copysign(math.inf, y)
    return 1.0 / y


def _tie_split_impl(xp, x, y):
    # 1 where x > y, 0.5 where x == y, 0 elsewhere: two comparisons and one add, no
    # `where` (NumPy's where on a random mask is ~5x slower than arithmetic, 128x512)
    win = xp.greater(x, y)
    dtype = xp.result_type(x, y)
    out = win.astype(dtype)
    tie = xp.equal(x, y)
    if tie.any():
        out += 0.5 * tie
    return out


# The partial of maximum(x, y) in x: one backend call, so maximum(h, 0.0)'s VJP costs what
# relu's does (g times one mask). Ties split evenly, as in JAX and PyTorch.
# Samples pair an array with a Python scalar (maximum(h, 0.0)); the rules only ever bind it
# on operands already promoted to one dtype.
tie_split_p = binary("tie_split", _tie_split_impl, nondiff=True, scalar_safe=True,
                     samples=lambda s: ((s.array(s.shape()), 0.25), {}))


def _select_partial(x, y):
    """1 where ``x`` wins over ``y``, 0.5 at ties, in the dtype of ``x`` and ``y``."""
    return bind(tie_split_p, x, y)


add_p = binary("add", "add", ONE, ONE, complex=True)
sub_p = binary("sub", "subtract", ONE, MINUS_ONE, complex=True)
mul_p = binary("mul", "multiply", lambda ans, x, y: y,
               lambda ans, x, y: x, complex=True)
# Hot in every model: direct rules save a Python call per backward step.
# They bind mul_p on (g, other operand) directly: the forward's operands were coerced
# already (one dtype, or a weak Python scalar), and a cotangent is inexact.
mul_p.vjp = (lambda g, ans, x, y: R.unbroadcast(bind(mul_p, g, y), x),
             lambda g, ans, x, y: R.unbroadcast(bind(mul_p, g, x), y))
div_p = binary("div", "true_divide", _ddiv_x, lambda ans, x, y: -ans / y,
               domain=[(-2.0, 2.0), NONZERO], scalar_safe=True, complex=True)
pow_p = binary("pow", "power", _dpow_x, _dpow_y, domain=[POSITIVE, (-2.0, 2.0)],
               scalar_safe=True, complex=True)
maximum_p = binary("maximum", "maximum", lambda ans, x, y: _select_partial(x, y),
                   lambda ans, x, y: _select_partial(y, x), domain=LOWER_HIGHER,
                   scalar_safe=True)
minimum_p = binary("minimum", "minimum", lambda ans, x, y: _select_partial(y, x),
                   lambda ans, x, y: _select_partial(x, y), domain=LOWER_HIGHER,
                   scalar_safe=True)
arctan2_p = binary("arctan2", "arctan2",
                   lambda ans, x, y: y / (x * x + y * y),
                   lambda ans, x, y: -x / (x * x + y * y), domain=[NONZERO, NONZERO],
                   torch_name="Atan2")
logaddexp_p = binary("logaddexp", "logaddexp",
                     lambda ans, x, y: exp(x - ans), lambda ans, x, y: exp(y - ans))
floor_divide_p = binary("floor_divide", "floor_divide",
                        zero_grad=True, domain=[(0.1, 0.9), (1.1, 2.0)])
mod_p = binary("mod", "mod", ONE,
               lambda ans, x, y: -floor_divide(x, y), domain=[(0.1, 0.9), (1.1, 2.0)],
               torch_name="Remainder")

# Public functions ----------------------------------------------------------------------


def _float_unary(prim: Primitive, name: str, doc: str) -> Callable[[ArrayLike], Array]:
    def fn(x: ArrayLike) -> Array:
        if type(x) is R.Array:
            if x._buf.dtype.kind != "f":
                x = R.to_float(x)
            return bind(prim, x)
        if not isinstance(x, R.Array) or x.dtype.kind != "f":  # a float tracer passes
            x = R.to_float(x)
        if type(x) in _TRACER_TYPES and x._trace.finds_top:  # bind's dispatch, inlined
            return x._trace.process_primitive(prim, (x,), {})
        return bind(prim, x)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def _binary_fn(prim: Primitive, name: str,
               doc: str) -> Callable[[ArrayLike, ArrayLike], Array]:
    array, coerce = R.Array, R.coerce_pair  # closure cells: no module lookups per call

    def fn(x: ArrayLike, y: ArrayLike) -> Array:
        # Equal dtypes are (almost always) one dtype object: plain arrays cost an identity
        # test on their buffers' dtypes (the properties would add ~10% to an eager add).
        if type(x) is array:
            if type(y) is array:
                if x._buf.dtype is not y._buf.dtype:
                    x, y = coerce(x, y)
            elif type(y) is not float or x._buf.dtype.kind != "f":  # `array * 0.5` passes
                x, y = coerce(x, y)
            return bind(prim, x, y)
        if type(y) is float:  # `tracer * 0.5`
            if not isinstance(x, array) or x.dtype.kind != "f":
                x, y = coerce(x, y)
        elif not isinstance(x, array) or not isinstance(y, array) or x.dtype is not y.dtype:
            x, y = coerce(x, y)
        # bind's dispatch, inlined for a trace that finds the top trace itself (reverse mode)
        if type(x) in _TRACER_TYPES and x._trace.finds_top:
            return x._trace.process_primitive(prim, (x, y), {})
        return bind(prim, x, y)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


exp = _float_unary(exp_p, "exp", _doc(_UNARY_DOC, "exp"))
log = _float_unary(log_p, "log", _doc(_UNARY_DOC, "log"))
log1p = _float_unary(log1p_p, "log1p", _doc(_UNARY_DOC, "log1p"))
expm1 = _float_unary(expm1_p, "expm1", _doc(_UNARY_DOC, "expm1"))
sqrt = _float_unary(sqrt_p, "sqrt", _doc(_UNARY_DOC, "sqrt"))
sin = _float_unary(sin_p, "sin", _doc(_UNARY_DOC, "sin"))
cos = _float_unary(cos_p, "cos", _doc(_UNARY_DOC, "cos"))
tan = _float_unary(tan_p, "tan", _doc(_UNARY_DOC, "tan"))
arcsin = _float_unary(arcsin_p, "arcsin", _doc(_UNARY_DOC, "arcsin"))
arccos = _float_unary(arccos_p, "arccos", _doc(_UNARY_DOC, "arccos"))
arctan = _float_unary(arctan_p, "arctan", _doc(_UNARY_DOC, "arctan"))
sinh = _float_unary(sinh_p, "sinh", _doc(_UNARY_DOC, "sinh"))
cosh = _float_unary(cosh_p, "cosh", _doc(_UNARY_DOC, "cosh"))
tanh = _float_unary(tanh_p, "tanh", _doc(_UNARY_DOC, "tanh"))
sigmoid = _float_unary(sigmoid_p, "sigmoid", _doc(_UNARY_DOC, "sigmoid"))
erf = _float_unary(erf_p, "erf", _doc(_UNARY_DOC, "erf"))
reciprocal = _float_unary(reciprocal_p, "reciprocal", _doc(_UNARY_DOC, "reciprocal"))

add = _binary_fn(add_p, "add", _doc(_BINARY_DOC, "add"))
subtract = _binary_fn(sub_p, "subtract", _doc(_BINARY_DOC, "subtract"))
multiply = _binary_fn(mul_p, "multiply", _doc(_BINARY_DOC, "multiply"))
maximum = _binary_fn(maximum_p, "maximum", _doc(_BINARY_DOC, "maximum"))
minimum = _binary_fn(minimum_p, "minimum", _doc(_BINARY_DOC, "minimum"))
logaddexp = _binary_fn(logaddexp_p, "logaddexp", _doc(_BINARY_DOC, "logaddexp"))
floor_divide = _binary_fn(floor_divide_p, "floor_divide",
                          _doc(_BINARY_DOC, "floor_divide"))
mod = _binary_fn(mod_p, "mod", _doc(_BINARY_DOC, "mod"))


def divide(x, y):
    """Elementwise true division; integer operands divide as the default float dtype."""
    if type(x) is R.Array and type(y) is R.Array:  # as in _binary_fn
        if x._buf.dtype is not y._buf.dtype:
            x, y = R.coerce_pair(x, y)
    elif not isinstance(x, R.Array) or not isinstance(y, R.Array) or x.dtype is not y.dtype:
        x, y = R.coerce_pair(x, y)
    if R.dtype_kind(x) in "iub" and R.dtype_kind(y) in "iub":
        x = R.to_float(x)
        y = y if type(y) in R._SCALARS else R.to_float(y)
    return bind(div_p, x, y)


@_sections
def power(x: ArrayLike, y: ArrayLike) -> Array:
    """Elementwise ``x ** y`` (NumPy broadcasting; ``x ** 2`` on float32 stays float32)."""
    if type(x) is R.Array and type(y) is R.Array:  # as in _binary_fn
        if x._buf.dtype is not y._buf.dtype:
            x, y = R.coerce_pair(x, y)
    elif not isinstance(x, R.Array) or not isinstance(y, R.Array) or x.dtype is not y.dtype:
        x, y = R.coerce_pair(x, y)
    if type(y) is int and y == 2:
        return bind(square_p, x)
    return bind(pow_p, x, y)


@_sections
def arctan2(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Elementwise ``arctan(x1 / x2)`` choosing the quadrant (NumPy's argument order);
    integer operands become the default float dtype."""
    x1, x2 = R.coerce_pair(x1, x2)
    if R.dtype_kind(x1) in "iub" and R.dtype_kind(x2) in "iub":
        x1 = R.to_float(x1)
        x2 = x2 if type(x2) in R._SCALARS else R.to_float(x2)
    return bind(arctan2_p, x1, x2)


@_sections
def negative(x: ArrayLike) -> Array:
    """Elementwise ``-x``."""
    return bind(neg_p, R.as_array(x))


@_sections
def abs(x: ArrayLike) -> Array:  # noqa: A001 - NumPy's name
    """Elementwise absolute value; its gradient at 0 is 1, as in JAX (``x >= 0``)."""
    return bind(abs_p, R.as_array(x))


@_sections
def relu(x: ArrayLike) -> Array:
    """Elementwise ``max(x, 0)``; its gradient is 1 where ``x > 0`` and 0 elsewhere
    (0 at exactly 0, as PyTorch's ``relu``)."""
    return bind(relu_p, R.as_array(x))


@_sections
def square(x: ArrayLike) -> Array:
    """Elementwise ``x * x``."""
    return bind(square_p, R.as_array(x))


@_sections
def sign(x: ArrayLike) -> Array:
    """Elementwise sign (-1, 0 or 1); zero gradient."""
    return bind(sign_p, R.as_array(x))


def _int_passthrough(prim: Primitive, name: str) -> Callable[[ArrayLike], Array]:
    def fn(x: ArrayLike) -> Array:
        x = R.as_array(x)
        if x.dtype.kind in "iub":
            return x
        return bind(prim, x)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name}; integers pass through unchanged; zero gradient."
    return _sections(fn)


floor = _int_passthrough(floor_p, "floor")
ceil = _int_passthrough(ceil_p, "ceil")


@_sections
def round(x: ArrayLike, decimals: int = 0) -> Array:  # noqa: A001 - NumPy's name
    """Round half to even to ``decimals`` places (NumPy semantics); zero gradient."""
    x = R.as_array(x)
    return bind(round_p, x, decimals=decimals)
