"""Category helpers that declare primitives in one line each.

``unary`` and ``binary`` build the VJP *and* JVP rule from one partial-derivative
formula, plus the elementwise shape and batching rules. ``primitive`` is the
general form for ops with hand-written rules.
"""

from __future__ import annotations

import numpy as np

from funtorch import dtypes
from funtorch.core import _COMPLEX_MSG, Array, Primitive, bind
from funtorch import ops
from funtorch.ops import buffer_vjp

_SCALARS = (int, float, bool, complex)
_PRIMITIVES = Primitive.registry  # the unary rules' multiply, declared in elementwise.py
_COMPLEX = dtypes._COMPLEX_DTYPES


# Abstract values ------------------------------------------------------------------


def shape_of(x) -> tuple:
    return x.shape if hasattr(x, "shape") else ()


def dtype_of(x):
    """The dtype of an array or the weak stand-in for a Python scalar."""
    return x.dtype if hasattr(x, "dtype") else x


def dtype_kind(x) -> str:
    """NumPy dtype kind of an array, or of a Python scalar ('b', 'i', 'f', 'c')."""
    if hasattr(x, "dtype"):
        return x.dtype.kind
    return "b" if type(x) is bool else "i" if type(x) is int else "c" if type(x) is complex \
        else "f"


def broadcast_shapes(name, *shapes) -> tuple:
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        shown = " and ".join(str(tuple(s)) for s in shapes)
        raise ValueError(
            f"{name}: shapes {shown} cannot be broadcast together (NumPy broadcasting: trailing "
            "dimensions must be equal or 1)"
        ) from None


def elementwise_shape(name, out_dtype=None):
    def rule(*args, **params):
        shape = broadcast_shapes(name, *(shape_of(a) for a in args))
        if out_dtype is not None:
            return shape, np.dtype(out_dtype)
        return shape, np.result_type(*(dtype_of(a) for a in args))
    return rule


def float_shape(name):
    """Shape rule of an op defined on inexact inputs only (integer inputs were cast before
    bind); complex ones reach it only for primitives declared ``complex=True``."""
    def rule(x, **params):
        if x.dtype.kind not in "fc":
            raise TypeError(f"{name}: expected a floating array, got dtype {x.dtype}")
        return shape_of(x), x.dtype
    return rule


# Coercion of public-function arguments --------------------------------------------


def as_array(x) -> Array:
    """Convert array-likes to :class:`Array`; Arrays (and tracers) pass through."""
    if isinstance(x, Array):
        return x
    return ops.asarray(x)


def promote(x, y):
    """Cast the integer/bool one of two arrays to the other's floating dtype.

    PyTorch and JAX give ``float32 * int64`` float32 where NumPy widens to float64.
    Pairs of one kind are left to the primitive's impl (NumPy's rules), so this casts
    only on the rare mixed pair. Public functions call it before ``bind``: primitives
    then see operands that NumPy combines to the promoted dtype, in every transform.
    A real array meeting a complex one is cast to complex (of its own precision) too, as
    JAX does: the cast's VJP takes the real part, so a real input never receives a
    complex cotangent.
    """
    dx, dy = x.dtype, y.dtype
    if dx == dy:
        return x, y
    kx, ky = dx.kind, dy.kind
    x_inexact, y_inexact = kx in "fc", ky in "fc"
    if x_inexact and not y_inexact:
        return x, ops.astype(y, dx)
    if y_inexact and not x_inexact:
        return ops.astype(x, dy), y
    if x_inexact and kx != ky:  # one real, one complex (integers, bools: NumPy's rules)
        if kx == "c":
            return x, ops.astype(y, dtypes.complex_of(dy))
        return ops.astype(x, dtypes.complex_of(dx)), y
    return x, y


def promote_all(arrays) -> list:
    """:func:`promote` for any number of arrays (concatenate, einsum)."""
    dtype = dtypes.result_type(*(a.dtype for a in arrays))
    if dtype.kind not in "fc":
        return list(arrays)
    if dtype.kind == "c":  # real arrays among complex ones become complex (see promote)
        return [a if a.dtype.kind == "c" else ops.astype(
            a, dtypes.complex_of(a.dtype) if a.dtype.kind == "f" else dtype) for a in arrays]
    return [a if a.dtype.kind in "fc" else ops.astype(a, dtype) for a in arrays]


def coerce_pair(x, y):
    """Prepare two operands: keep Python scalars weak, convert other array-likes, and
    :func:`promote` mixed float/integer arrays.

    A Python float meeting an integer/bool array turns that array into the default
    float dtype (PyTorch/JAX behaviour; NumPy would give float64).
    """
    if type(y) is float:  # the common `array * 0.5`, or `tracer * 0.5`
        if type(x) is Array:
            if x._buf.dtype.kind == "f":
                return x, y
        elif isinstance(x, Array) and x.dtype.kind == "f":
            return x, y
    elif type(x) is float:  # and `1.0 - array` (tanh's VJP)
        if type(y) is Array:
            if y._buf.dtype.kind == "f":
                return x, y
        elif isinstance(y, Array) and y.dtype.kind == "f":
            return x, y
    x_scalar, y_scalar = type(x) in _SCALARS, type(y) in _SCALARS
    if x_scalar and y_scalar:
        return ops.asarray(x), y
    if not x_scalar:
        x = as_array(x)
    if not y_scalar:
        y = as_array(y)
    if x_scalar:
        return x, _weak_partner(y, type(x))
    if y_scalar:
        return _weak_partner(x, type(y)), y
    return promote(x, y)


def _weak_partner(x, scalar_type):
    """The array a weak Python scalar meets, cast where the scalar's kind is higher: a float
    makes integers the default float, a complex makes real arrays complex of their precision
    (integers the default complex dtype), as PyTorch and JAX."""
    if scalar_type is float and x.dtype.kind in "iub":
        return ops.astype(x, dtypes.get_default_dtype())
    if scalar_type is complex and x.dtype.kind != "c":
        return ops.astype(x, dtypes.complex_of(x.dtype))
    return x


def to_float(x):
    """Integer and bool arrays become the default float dtype (for exp, sin, ...); complex
    ones pass (the primitive refuses them unless declared ``complex=True``)."""
    if not isinstance(x, Array):  # as_array, inlined: every unary op on a tracer runs this
        x = ops.asarray(x)
    if x.dtype.kind not in "fc":
        return ops.astype(x, dtypes.get_default_dtype())
    return x


# Shared rule pieces ----------------------------------------------------------------


def unbroadcast(g, target):
    """Sum ``g`` down to ``target``'s shape (the VJP of NumPy broadcasting), and to its
    real part for a real ``target`` (a primitive bound on a real and a complex operand)."""
    if type(g) is Array and type(target) is Array:  # the backward pass of plain arrays
        buf = g._buf
        if buf.shape == target._buf.shape and buf.dtype not in _COMPLEX:
            return g
    shape = target._buf.shape if type(target) is Array else target.shape
    gshape = g._buf.shape if type(g) is Array else g.shape
    if g.dtype in _COMPLEX and target.dtype.kind != "c":
        g = ops.real(g)
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1
    )
    if axes:
        g = ops.sum(g, axis=axes, keepdims=True)
    if lead:
        g = ops.reshape(g, shape)
    return g


def move_bdim(x, bdim):
    """Move the batch axis to the front; ``None`` stays unbatched."""
    if bdim is None or bdim == 0:
        return x
    return ops.moveaxis(x, bdim, 0)


def _rank(x):
    # _buf.ndim skips the property call: this runs for every elementwise op under vmap
    return x._buf.ndim if type(x) is Array else len(shape_of(x))


def batch_elementwise(prim):
    def rule(args, bdims, **params):
        ranks = [_rank(a) for a in args]
        rank = max([r - (b is not None) for r, b in zip(ranks, bdims)])
        moved = []
        for a, b, r in zip(args, bdims, ranks):
            if b is None:
                moved.append(a)
                continue
            if b:
                a = ops.moveaxis(a, b, 0)
            if rank != r - 1:
                shape = a.shape
                a = ops.reshape(a, (shape[0],) + (1,) * (rank - r + 1) + shape[1:])
            moved.append(a)
        return bind(prim, *moved, **params), 0
    return rule


def elementwise_samples(arity, domain):
    """Default test arguments: broadcastable shapes, values inside each argument's domain."""
    domains = domain if isinstance(domain, list) else [domain] * arity

    def samples(s):
        shapes = s.broadcastable_shapes(arity) if arity > 1 else [s.shape()]
        return tuple(s.array(shape, domain=d) for shape, d in zip(shapes, domains)), {}
    return samples


def bool_samples(arity):
    """Test arguments for logical ops: bool arrays of broadcastable shapes."""
    def samples(s):
        shapes = s.broadcastable_shapes(arity) if arity > 1 else [s.shape()]
        return tuple(s.bool_array(shape) for shape in shapes), {}
    return samples


# Helpers that declare primitives ----------------------------------------------------


def _ufunc_impl(impl):
    """A string names a ufunc of the array module: one impl for NumPy and CuPy, and jit
    can call the ufunc directly."""
    if not isinstance(impl, str):
        return impl, None
    name = impl
    return (lambda xp, *args: getattr(xp, name)(*args)), name


def real_kernel(name, impl):
    """``impl`` refusing complex buffers, for kernels that compute in float64 or return a
    real result (special functions, ``logabsdet``): ``bind`` refuses complex *outputs* of
    primitives not declared ``complex=True``, which these never produce."""
    def checked(xp, *args, **params):
        for arg in args:
            if getattr(arg, "dtype", None) in _COMPLEX:
                raise TypeError(_COMPLEX_MSG.format(name=name, dtype=arg.dtype))
        return impl(xp, *args, **params)
    return checked


def primitive(name, impl, **rules) -> Primitive:
    """Declare a primitive with hand-written rules (see :class:`Primitive`)."""
    return Primitive(name, impl, **rules)


def unary(name, impl, deriv=None, *, zero_grad=False, nondiff=False, domain=(-2.0, 2.0),
          torch_name=None, float_only=True, samples=None, tol=None, out_dtype=None,
          complex=False, buffer_deriv=None):
    """Declare an elementwise one-argument primitive from ``deriv(ans, x)``.

    ``zero_grad=True`` registers an explicit zero derivative (step functions);
    ``nondiff=True`` marks an op whose output is never differentiated; ``complex=True``
    one whose ``deriv`` is the complex derivative too (holomorphic ops);
    ``buffer_deriv`` the same derivative on NumPy arrays when ``deriv`` calls funtorch
    functions (``np.cos`` for ``cos``: see ``ops/buffer_vjp.py``).
    """
    impl, ufunc = _ufunc_impl(impl)
    if zero_grad:
        vjp = (lambda g, ans, x: ops.zeros_like(x),)
        jvp = (lambda t, ans, x: ops.zeros_like(ans),)
    elif nondiff:
        vjp = jvp = None
    else:  # bind mul directly: g is inexact and deriv's value needs no coercion for NumPy
        vjp = (lambda g, ans, x: bind(_PRIMITIVES["mul"], g, deriv(ans, x)),)
        jvp = (lambda t, ans, x: bind(_PRIMITIVES["mul"], t, deriv(ans, x)),)
    prim = Primitive(name, impl, shape=float_shape(name) if float_only else
                     elementwise_shape(name, out_dtype), vjp=vjp, jvp=jvp, nondiff=nondiff,
                     domain=domain, torch_name=torch_name,
                     samples=samples or elementwise_samples(1, domain), tol=tol, complex=complex)
    if not (zero_grad or nondiff):
        buffer_vjp.derive(prim, buffer_vjp.unary_rules, buffer_deriv or deriv)
    prim.batch = batch_elementwise(prim)
    prim.ufunc = ufunc
    return prim


ONE = object()  # partial derivative that is exactly 1 (skip the multiply)
MINUS_ONE = object()


def binary(name, impl, dx=None, dy=None, *, zero_grad=False, nondiff=False, out_dtype=None,
           domain=(-2.0, 2.0), torch_name=None, samples=None, tol=None, scalar_safe=False,
           complex=False):
    """Declare an elementwise two-argument primitive from partials ``dx``/``dy(ans, x, y)``.

    ``ONE`` and ``MINUS_ONE`` are exact partials that avoid a multiplication. The partials
    see a Python-scalar operand as a 0-d array of the output's dtype (:func:`typed_scalar`)
    unless ``scalar_safe=True`` says they only ever combine it with an array operand.
    """
    impl, ufunc = _ufunc_impl(impl)
    if zero_grad:
        vjp = (lambda g, ans, x, y: ops.zeros_like(x), lambda g, ans, x, y: ops.zeros_like(y))
        jvp = (lambda t, ans, x, y: ops.zeros_like(ans),) * 2
    elif nondiff:
        vjp = jvp = None
    else:
        vjp = (_binary_vjp(dx, 0, scalar_safe), _binary_vjp(dy, 1, scalar_safe))
        jvp = (_binary_jvp(dx, scalar_safe), _binary_jvp(dy, scalar_safe))
    prim = Primitive(name, impl, shape=elementwise_shape(name, out_dtype), vjp=vjp, jvp=jvp,
                     nondiff=nondiff, domain=domain, torch_name=torch_name,
                     samples=samples or elementwise_samples(2, domain), tol=tol, complex=complex)
    if not (zero_grad or nondiff):
        buffer_vjp.derive(prim, buffer_vjp.binary_rules, dx, dy, scalar_safe, ONE, MINUS_ONE)
    prim.batch = batch_elementwise(prim)
    prim.ufunc = ufunc
    return prim


def typed_scalar(value, like):
    """A Python scalar as a 0-d array of ``like``'s dtype and device.

    Rules receive an operand that was a Python scalar as that scalar. Arithmetic between
    two Python scalars inside a rule (``log(2.0)`` in the partial of ``2.0 ** x``) would
    make a default-dtype (float32) constant, and ``1.0 / 0.0`` raises ZeroDivisionError;
    typed, the scalar takes the output's precision and IEEE division, as in JAX, where a
    weak scalar meeting a float64 array is float64 everywhere.
    """
    return ops.full((), value, dtype=like.dtype, device=like.device)


def typed_scalars(ans, x, y):
    """``x`` and ``y`` with Python scalars made :func:`typed_scalar` of ``ans``."""
    if type(x) in _SCALARS:
        x = typed_scalar(x, ans)
    if type(y) in _SCALARS:
        y = typed_scalar(y, ans)
    return x, y


def _binary_vjp(partial, argnum, scalar_safe):
    if partial is None:
        return None
    if partial is ONE:  # one lambda per argnum: no (x, y) tuple per backward step
        if argnum == 0:
            return lambda g, ans, x, y: unbroadcast(g, x)
        return lambda g, ans, x, y: unbroadcast(g, y)
    if partial is MINUS_ONE:  # (binding neg directly skips -g's three wrapper frames)
        if argnum == 0:
            return lambda g, ans, x, y: unbroadcast(bind(_PRIMITIVES["neg"], g), x)
        return lambda g, ans, x, y: unbroadcast(bind(_PRIMITIVES["neg"], g), y)
    if scalar_safe:
        return lambda g, ans, x, y: unbroadcast(g * partial(ans, x, y), (x, y)[argnum])

    def rule(g, ans, x, y):
        target = (x, y)[argnum]
        if type(x) in _SCALARS or type(y) in _SCALARS:
            x, y = typed_scalars(ans, x, y)
        return unbroadcast(g * partial(ans, x, y), target)
    return rule


def _binary_jvp(partial, scalar_safe):
    if partial is None:
        return None
    if partial is ONE:
        return lambda t, ans, x, y: t
    if partial is MINUS_ONE:
        return lambda t, ans, x, y: -t
    if scalar_safe:
        return lambda t, ans, x, y: t * partial(ans, x, y)

    def rule(t, ans, x, y):
        if type(x) in _SCALARS or type(y) in _SCALARS:
            x, y = typed_scalars(ans, x, y)
        return t * partial(ans, x, y)
    return rule
