"""Buffer-level VJP rules (``Primitive.vjp_buf``) derived from the elementwise declarations.

A first-order reverse pass whose inputs are plain arrays differentiates nothing further,
so its VJP rules need not be bound as primitives: running them on the backend arrays
skips a ``bind`` (dispatch, wrapping, dtype checks) per backward operation, about half
of eager ``grad``'s cost on small arrays (bench/README.md, "Session 6").

The rules are not written twice. An elementwise partial derivative written with
arithmetic operators alone (``1.0 - ans * ans`` for tanh, ``y`` for ``x * y``) computes
the same values on NumPy arrays as on funtorch arrays, so :func:`unary_rules` and
:func:`binary_rule` reuse it when a probe on NumPy arrays returns a NumPy array; a partial
that calls funtorch functions (``cos(x)``) returns a funtorch array there and keeps only
its ``vjp`` rule. ``tests/ops/test_registry_vjp_buf.py`` checks every buffer rule against
its primitive's ``vjp`` (values and dtypes) on the primitive's own samples.

Dtypes: NumPy and funtorch promote arrays alike except an integer array meeting a float
one (NumPy widens float32 to float64, funtorch keeps float32), so ``funtorch/backprop.py``
runs a buffer rule only when every array argument has the output's dtype.
"""

from __future__ import annotations

import threading

import numpy as np

from funtorch.core import Array, wrap

_SCALARS = (int, float, bool, complex)
_PROBE = np.full(2, 0.75)
_WEAK = frozenset(_SCALARS)  # Python scalars: weakly typed in NumPy and funtorch alike


def _probe(fn, arity):
    """How ``fn(ans, *args)`` answers NumPy arrays, probed once at declaration: "buffer"
    (operators only: NumPy arrays back), "wrapped" (it calls funtorch functions, which
    take NumPy arrays and return funtorch arrays: unwrapped after each call), or None."""
    try:
        with np.errstate(all="ignore"):
            out = fn(*(_PROBE,) * (arity + 1))
    except Exception:  # noqa: BLE001 - not computable from NumPy arrays: no buffer rule
        return None
    if type(out) is Array:
        return "wrapped" if out._node is None else None
    return "buffer" if type(out) in (np.ndarray, *_SCALARS) or isinstance(
        out, np.generic) else None


def _unwrapped(fn, kind):
    """``fn`` on backend arrays: as it is, or calling it on wrapped arrays (a funtorch
    function given a NumPy array would convert it, a dozen calls) and unwrapping."""
    if kind == "buffer":
        return fn

    def raw(*args):
        out = fn(*[a if type(a) in _WEAK else wrap(a) for a in args])
        return out._buf if type(out) is Array else out
    return raw


def unbroadcast_buffer(g, shape):
    """Sum ``g`` down to ``shape`` (the VJP of broadcasting), on backend arrays."""
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1)
    if axes:  # float16 accumulates in float32, as ``sum`` does (2048 + 1 is 2048 in float16)
        g = (g.astype(np.float32).sum(axis=axes, keepdims=True).astype(np.float16)
             if g.dtype == np.float16 else g.sum(axis=axes, keepdims=True))
    return g.reshape(shape) if lead else g


def unbroadcast_like(g, target):
    """``registry.unbroadcast`` on backend arrays: ``g`` summed to ``target``'s shape, and
    its real part for a real ``target``."""
    if g.dtype.kind == "c" and target.dtype.kind != "c":
        g = g.real
    return unbroadcast_buffer(g, target.shape)


_PENDING: list = []  # (primitive, rule maker): probed once every op module is imported
_LOCK = threading.Lock()


def derive(prim, make, *args):
    """Give ``prim`` the buffer rules ``make(prim, *args)`` returns (or None), once the partials
    can be probed: they may call funtorch functions declared after ``prim``."""
    _PENDING.append((prim, make, args))


def derive_pending():
    """Probe every declared partial (``backprop_buffers`` calls this before a pass; under
    the lock, two threads' first passes never pop one list at once)."""
    with _LOCK:
        while _PENDING:
            prim, make, args = _PENDING.pop()
            if prim.vjp_buf is None:  # rules given with the declaration win
                prim.vjp_buf = make(prim, *args)


def unary_rules(prim, deriv):
    """``vjp_buf`` of a one-argument elementwise primitive from ``deriv(ans, x)``, or None.
    (No dtype test: ``x`` has ``ans``'s dtype whenever it has a gradient.)"""
    kind = None if deriv is None else _probe(deriv, 1)
    if kind is None:
        return None
    deriv = _unwrapped(deriv, kind)
    return (lambda g, ans, x: g * deriv(ans, x),)


def _typed(value, ans):
    return np.asarray(value, dtype=ans.dtype) if type(value) in _SCALARS else value


def _returned_operand(partial):
    """0 or 1 when ``partial(ans, x, y)`` is ``x`` or ``y`` itself, else None."""
    ans, x, y = np.full(1, 0.5), np.full(1, 0.75), np.full(1, 1.25)
    with np.errstate(all="ignore"):
        out = partial(ans, x, y)
    return 0 if out is x else 1 if out is y else None


def _by_vjp(prim, argnum, g, ans, x, y):
    """An array operand of another dtype than the output (an integer array meeting a
    float one, a real one meeting a complex one): NumPy and funtorch would promote the
    rule's arithmetic differently, so the ``vjp`` rule runs, on wrapped arrays."""
    wrapped = [a if type(a) in _WEAK else wrap(a) for a in (g, ans, x, y)]
    return prim.vjp[argnum](*wrapped)._buf


def binary_rule(prim, partial, argnum, scalar_safe, one, minus_one):
    """The buffer rule of argument ``argnum`` of a two-argument elementwise primitive
    (``registry.binary``'s partials: ``one``/``minus_one`` are its exact-partial markers),
    or None."""
    if partial is None:
        return None
    other = None
    if partial is one or partial is minus_one:
        form = "g" if partial is one else "-g"
    else:
        kind = _probe(partial, 2)
        if kind is None:
            return None
        other = _returned_operand(partial)  # ``x * y``'s partials: the other operand
        form = "product" if other is not None else "partial"
        partial = _unwrapped(partial, kind)

    def rule(g, ans, x, y):
        dtype = ans.dtype  # an operand of another dtype: NumPy would promote unlike funtorch
        if ((type(x) not in _WEAK and x.dtype is not dtype)
                or (type(y) not in _WEAK and y.dtype is not dtype)):
            return _by_vjp(prim, argnum, g, ans, x, y)
        shape = (y if argnum else x).shape  # an array: a scalar operand has no gradient
        if form == "-g":
            g = -g
        elif form == "product":
            g = g * (y if other else x)
        elif form != "g":
            if not scalar_safe and (type(x) in _SCALARS or type(y) in _SCALARS):
                x, y = _typed(x, ans), _typed(y, ans)  # as vjp: a scalar takes ans's dtype
            g = g * partial(ans, x, y)
        return g if g.shape == shape else unbroadcast_buffer(g, shape)
    return rule


def binary_rules(prim, dx, dy, scalar_safe, one, minus_one):
    """``vjp_buf`` of a two-argument elementwise primitive, or None unless both partials
    have buffer rules."""
    rules = (binary_rule(prim, dx, 0, scalar_safe, one, minus_one),
             binary_rule(prim, dy, 1, scalar_safe, one, minus_one))
    return None if None in rules else rules


def bind_buffers(prim, *args, **params):
    """``bind(prim, *args, **params)`` on backend arrays: the primitive's NumPy impl. A VJP
    rule that binds other primitives takes ``bind=`` and serves as the buffer rule too."""
    return prim.np_impl(*args, **params)


def sum_rule(g, ans, x, axis, keepdims):
    """``sum``'s buffer rule: ``g`` broadcast back over the summed axes."""
    shape = x.shape
    if not g.ndim and shape:  # a full sum (every loss): a read-only zero-stride view of
        g = np.asarray(g)     # the one value, a third of np.broadcast_to's cost
        out = np.ndarray(shape, g.dtype, buffer=g, strides=(0,) * len(shape))
        out.flags.writeable = False
        return out
    if not keepdims and g.ndim:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, shape)
