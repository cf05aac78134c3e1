"""Array, Primitive, bind and the trace stack: the whole dispatch core.

Every operation is a :class:`Primitive` run through :func:`bind`. With no tracer
among the arguments ``bind`` calls the primitive's ``impl`` on raw buffers (and, in
PyTorch-style code, records a tape :class:`Node` when an input requires grad).
Otherwise the highest-level trace among the arguments interprets the primitive.
Transforms (reverse mode, forward mode, vmap, jit) are :class:`Trace` subclasses.
"""

from __future__ import annotations

import functools
import threading

import numpy as np

from funtorch import backends, diagnostics
from funtorch.dtypes import _COMPLEX_DTYPES as _COMPLEX, is_inexact

__all__ = ["Array", "Tracer", "Trace", "Primitive", "Node", "OUTPUT", "bind", "new_trace", "wrap"]

_object_new = object.__new__
_TRACER_TYPES: set = set()  # every Tracer subclass, for a cheap ``type(x) in`` test


class _ThreadState(threading.local):
    """Per-thread transform state, as PyTorch's grad mode and JAX's trace state: a thread's
    ``no_grad`` or jit staging never changes what another thread records. A new thread
    starts from the class defaults (recording on, nothing staging)."""

    grad_enabled = True  # PyTorch-style recording switch (no_grad/enable_grad)
    inference = False  # inside ft.inference_mode()
    anomaly = False  # ft.autograd.detect_anomaly(): backward names the op that made a NaN
    staging = None  # while jit stages a function: its trace, which also takes ops on boxes


_STATE = _ThreadState()


class Array:
    """An immutable n-dimensional array on a device (alias ``ft.Tensor``).

    Create arrays with :func:`ft.array`, :func:`ft.zeros`, ... rather than this
    class. ``x.at[i].set(v)`` is the functional form of ``x[i] = v``.

    Example:
        >>> x = ft.array([1.0, 2.0]); (x * 2).tolist()
        [2.0, 4.0]
    """

    # ``_extra`` (unset on most arrays) holds hooks, retain_grad and ``.data``'s box
    __slots__ = ("_buf", "_node", "grad", "_extra", "__weakref__")
    __array_priority__ = 100  # so numpy defers ``ndarray * Array`` to Array.__rmul__

    @property
    def shape(self) -> tuple:
        return self._buf.shape

    @property
    def dtype(self) -> np.dtype:
        return self._buf.dtype

    @property
    def ndim(self) -> int:
        return self._buf.ndim

    @property
    def size(self) -> int:
        return self._buf.size

    @property
    def device(self) -> backends.Device:
        return backends.get_backend_of(self._buf).device_of(self._buf)

    def _concrete(self, what):
        return self._buf

    def __bool__(self):
        return bool(self._concrete("bool()"))

    def __float__(self):
        return float(self._concrete("float()"))

    def __int__(self):
        return int(self._concrete("int()"))

    def __index__(self):
        buf = self._concrete("__index__")
        if buf.dtype.kind not in "iub":
            raise TypeError(f"only integer arrays can be used as an index, got {buf.dtype}")
        return int(buf)

    def __setitem__(self, index, value):
        raise TypeError(
            "funtorch arrays are immutable: `x[idx] = v` is not supported. Use the functional "
            "form `x = x.at[idx].set(v)` (also .add, .multiply, .min, .max)."
        )

    def __hash__(self):
        return id(self)

    @property
    def is_leaf(self) -> bool:
        return self._node is None or self._node.is_leaf

    def __getstate__(self):
        """Pickle the value, node and grad; hooks and ``.data``'s box link stay behind."""
        return None, {"_buf": self._buf, "_node": self._node, "grad": self.grad}

    def __copy__(self):
        """``copy.copy(x)``: a new handle on the same (immutable) buffer, with no grad_fn
        and no ``.grad``, as torch's shallow copy."""
        node = self._node
        out = wrap(self._buf)
        out._node = node if node is not None and node.is_leaf else None
        return out

    def __deepcopy__(self, memo):
        """``copy.deepcopy(x)`` of a leaf: an independent leaf with the same value,
        ``requires_grad`` and ``.grad`` (buffers are immutable, so they are shared)."""
        if id(self) in memo:
            return memo[id(self)]
        if not self.is_leaf:
            raise RuntimeError("deepcopy: only arrays created explicitly by the user (graph "
                               "leaves) support the deepcopy protocol, as in PyTorch; deepcopy "
                               "x.detach() instead")
        out = memo[id(self)] = self.__copy__()
        out.grad = None if self.grad is None else self.grad.__deepcopy__(memo)
        return out

    @property
    def grad_fn(self) -> Node | None:
        node = self._node
        if node is None or node.is_leaf:
            return None
        return node.parents[0] if node.prim is OUTPUT else node


def wrap(buf) -> Array:
    """Wrap a backend buffer (never copied) in a new untracked :class:`Array`."""
    out = _object_new(Array)
    out._buf = buf
    out._node = None
    out.grad = None
    return out


_VJP_FIELDS = frozenset({"vjp", "vjp_fwd", "multiple_results", "nondiff"})


def _simple_vjp(prim):
    """One result, differentiable, a VJP rule for every argument and no ``vjp_fwd``: what
    reverse mode's plain-primal path needs (``simple_vjp``, kept current on assignment)."""
    vjp = getattr(prim, "vjp", None)  # a joint rule object (call primitives) is not simple
    return (getattr(prim, "vjp_fwd", None) is None and not getattr(prim, "nondiff", False)
            and not getattr(prim, "multiple_results", False) and type(vjp) is tuple
            and None not in vjp)


class Primitive:
    """An operation and all of its rules, declared once in ``funtorch/ops/``.

    Attributes:
        name: the primitive's name.
        impl: ``impl(xp, *buffers, **params) -> buffer``.
        shape: ``shape(*avals, **params) -> (shape, dtype)``; avals have ``.shape``/``.dtype``.
        vjp: one rule per argument, ``rule(g, ans, *args, **params) -> cotangent``,
            written with public ops; ``None`` marks an argument with no gradient (a rule
            may also return None: no contribution, as an ``autograd.Function``'s None).
        jvp: one rule per argument, ``rule(t, ans, *args, **params) -> tangent``.
        batch: ``batch(args, bdims, **params) -> (out, out_bdim)`` for vmap.
        nondiff: the output is never differentiated (comparisons, argmax, ...).
        domain: ``(low, high)`` of real inputs where the op is smooth, for generated tests.
        samples: ``samples(s) -> (args, params)`` draws test arguments from a sampler ``s``.
        multiple_results: ``impl`` returns a tuple; ``shape`` a list of (shape, dtype);
            VJP rules take a tuple of cotangents (zeros where an output got none) and the
            tuple of outputs; JVP rules return a tuple (``None`` for zero); batch rules
            return ``(outs, out_bdims)``.
        vjp_fwd: optional ``vjp_fwd(*args, **params) -> (ans, residuals)`` run instead of
            ``impl`` under reverse mode; the VJP rules then get ``residuals=`` too.
        complex: the primitive and its rules accept complex inputs (JAX's convention: a
            VJP is the transpose of the JVP, without conjugation). ``bind`` refuses a
            complex output of any other primitive, and the shape rule (what ``jit``
            stages with) a complex input.
        vjp_buf: optional buffer-level VJP rules, ``rule(g, ans, *args, **params)`` on the
            backend arrays themselves (Python scalars stay scalars), computing exactly what
            ``vjp`` computes; reverse mode runs them when nothing traces its backward pass
            (``funtorch/backprop.py``). ``ops.registry`` derives them for elementwise
            primitives; ``tests/ops/test_registry_vjp_buf.py`` checks them against ``vjp``.
    """

    __slots__ = ("name", "_impl", "vjp", "jvp", "batch", "nondiff", "domain",
                 "samples", "node_cls", "tol", "multiple_results", "vjp_fwd", "_ufunc",
                 "np_impl", "complex", "_shape", "vjp_buf", "simple_vjp")
    registry: dict = {}

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if name in _VJP_FIELDS:  # reverse mode's fast path tests one flag (grad.py)
            object.__setattr__(self, "simple_vjp", _simple_vjp(self))

    def __init__(self, name, impl, *, shape, vjp=None, jvp=None, batch=None, nondiff=False,
                 domain=(-2.0, 2.0), samples=None, torch_name=None, tol=None, register=True,
                 multiple_results=False, vjp_fwd=None, complex=False, vjp_buf=None):
        if register and name in Primitive.registry:
            raise ValueError(f"Primitive: {name!r} is declared twice")
        self.name = name
        self.impl = impl
        self.shape = shape
        self.vjp = vjp
        self.jvp = jvp
        self.batch = batch
        self.nondiff = nondiff
        self.domain = domain
        self.samples = samples
        self.tol = tol
        self.multiple_results = multiple_results
        self.vjp_fwd = vjp_fwd
        self.vjp_buf = vjp_buf
        # unregistered primitives (jit, cond, scan, custom rules, autograd.Function) run
        # other primitives, which check their own outputs
        self.complex = complex or not register
        self.ufunc = None  # the name of an xp ufunc that *is* impl (set by ops.registry)
        title = torch_name or "".join(p.capitalize() for p in name.split("_"))
        self.node_cls = type(f"{title}Backward0", (Node,), {"__slots__": ()})
        if register:  # user-defined ones (autograd.Function) stay out of the generated tests
            Primitive.registry[name] = self

    @property
    def impl(self):
        return self._impl

    @impl.setter
    def impl(self, impl):
        self._impl = impl
        self.np_impl = functools.partial(impl, np)  # bind's CPU path skips the xp argument

    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, rule):
        self._shape = _refusing_complex(self, rule)

    @property
    def ufunc(self):
        return self._ufunc

    @ufunc.setter
    def ufunc(self, name):
        """Naming the xp ufunc that *is* impl lets bind and jit call it directly."""
        self._ufunc = name
        if name is not None:
            self.np_impl = getattr(np, name)

    def __repr__(self):
        return f"Primitive({self.name!r})"

    def __call__(self, *args, **params):
        return bind(self, *args, **params)


def bind(prim, *args, **params):
    """Run ``prim`` on ``args``: eagerly, or through the highest active trace."""
    bufs = []
    tracked = False
    for arg in args:
        cls = type(arg)
        if cls is Array:
            bufs.append(arg._buf)
            if arg._node is not None:
                tracked = True
        elif cls in _TRACER_TYPES:
            top = arg._trace
            if top.finds_top:
                return top.process_primitive(prim, args, params)
            for other in args:  # usually the only trace here: skip the search
                if type(other) in _TRACER_TYPES and other._trace is not top:
                    top = _find_top_trace(args)
                    break
            if not top.active:
                top = _find_top_trace(args)  # raises the leaked-tracer error
            return top.process_primitive(prim, args, params)
        elif isinstance(arg, Array):  # a box (Parameter): a mutable level-0 value
            staging = _STATE.staging
            if staging is not None:  # being staged: the program reads the box on every call
                return _find_top_trace(args, staging).process_primitive(prim, args, params)
            bufs.append(arg._buf)
            tracked = tracked or arg._node is not None
        else:
            bufs.append(arg)
    if tracked and prim.vjp_fwd is not None and _STATE.grad_enabled:
        return _bind_recorded_fwd(prim, args, params)
    return evaluate(prim, bufs, args, params, tracked)


def evaluate_buffer(prim, bufs, args, params):
    """:func:`evaluate` of a one-result primitive, unwrapped: its backend array (reverse
    mode's fast path wraps only what a caller asks for)."""
    try:
        if backends._cupy_backend is not None:
            buf = prim.impl(backends.array_module_of(bufs), *bufs, **params)
        elif params:
            buf = prim.np_impl(*bufs, **params)
        else:
            buf = prim.np_impl(*bufs)
    except Exception as exc:
        raise diagnostics.explain_failure(prim, args, params, exc) from exc
    if not prim.complex and buf.dtype in _COMPLEX:
        raise _complex_error(prim, buf.dtype)
    return buf


def evaluate(prim, bufs, args, params, tracked=False):
    """``bind``'s eager step: run ``prim``'s impl on ``bufs`` (the buffers of ``args``, or
    Python scalars), refuse an undeclared complex output, wrap it, and record a tape node
    when ``tracked`` (an argument requires grad). Reverse mode calls it on plain primals,
    skipping a second dispatch per op. (:func:`evaluate_buffer`'s body is inlined here:
    one call less per eager op.)"""
    try:
        if backends._cupy_backend is not None:
            buf = prim.impl(backends.array_module_of(bufs), *bufs, **params)
        elif params:
            buf = prim.np_impl(*bufs, **params)
        else:  # an empty ``**params`` costs a ufunc call ~100 ns
            buf = prim.np_impl(*bufs)
    except Exception as exc:
        raise diagnostics.explain_failure(prim, args, params, exc) from exc
    if prim.multiple_results:
        return _wrap_results(prim, buf, args, params, tracked)
    # prim.complex first: the hot primitives (arithmetic, matmul, sum, shape ops) are
    # declared complex, and a set lookup on buf.dtype costs ~70 ns, the flag ~8 ns
    if not prim.complex and buf.dtype in _COMPLEX:
        raise _complex_error(prim, buf.dtype)
    out = _object_new(Array)  # what wrap() does, inlined on the hottest path
    out._buf = buf
    out._node = None
    out.grad = None
    if tracked and _STATE.grad_enabled and not prim.nondiff and buf.dtype.kind in "fc":
        out._node = record(prim, args, params, buf, bufs)  # (is_inexact, inlined)
    return out


def _wrap_results(prim, bufs, args, params, tracked):
    if not prim.complex:
        for buf in bufs:
            if buf.dtype in _COMPLEX:
                raise _complex_error(prim, buf.dtype)
    outs = tuple(wrap(buf) for buf in bufs)
    if tracked and _STATE.grad_enabled and not prim.nondiff:
        node = record(prim, args, params, None)
        node.primal = tuple(wrap(buf) for buf in bufs)  # detached: the rules' ``ans``
        for index, out in enumerate(outs):
            if is_inexact(out._buf.dtype):
                out._node = _output_node(node, index, out._buf)
    return outs


_COMPLEX_MSG = ("{name}: complex inputs are not supported (got {dtype}); funtorch's complex "
                "support covers arithmetic, exp/log/trig, reductions, linear algebra products and "
                "shape ops: split z into z.real and z.imag to use {name}")


def _complex_error(prim, dtype):
    return TypeError(_COMPLEX_MSG.format(name=prim.name, dtype=dtype))


def _refusing_complex(prim, rule):
    """``rule`` refusing complex inputs unless ``prim.complex`` (read at call time: the
    declaration may set it after the shape rule). ``jit`` stages with shape rules."""
    if rule is None:
        return None

    def shape(*avals, **params):
        if not prim.complex:
            for aval in avals:
                if getattr(aval, "dtype", None) in _COMPLEX or type(aval) is complex:
                    raise _complex_error(prim, getattr(aval, "dtype", "complex"))
        return rule(*avals, **params)
    shape.rule = rule
    return shape


def _bind_recorded_fwd(prim, args, params):
    """A primitive with ``vjp_fwd`` whose result the level-0 tape records: run ``vjp_fwd``
    instead of ``impl`` (recording paused) and keep its residuals in the node's params,
    as reverse mode does, so ``backward()`` does not recompute them (a scan's forward)."""
    _STATE.grad_enabled = False
    try:
        ans, residuals = prim.vjp_fwd(*args, **params)
    finally:
        _STATE.grad_enabled = True
    params = dict(params, residuals=residuals)
    if prim.multiple_results:
        return _wrap_results(prim, [out._buf for out in ans], args, params, True)
    out = wrap(ans._buf)
    if not prim.nondiff and is_inexact(out._buf.dtype):
        out._node = record(prim, args, params, out._buf)
    return out


def _find_top_trace(args, top=None):
    """The highest trace among the tracers in ``args`` and ``top`` (the staging trace,
    for an op on a box); raises if it has finished (a leaked tracer)."""
    culprit = None
    for arg in args:
        if type(arg) in _TRACER_TYPES:
            trace = arg._trace
            if top is None or trace.level > top.level:
                top, culprit = trace, arg
    if not top.active:
        raise diagnostics.leaked_tracer_error(None, top, culprit)
    return top


# The level-0 tape's entries live in tape.py, traces and tracers in trace.py (imported last:
# they build on Array)
from funtorch.tape import (  # noqa: E402,F401
    LEAF, OUTPUT, LeafNode, Node, _output_node, record, twin,
)
from funtorch.trace import Trace, Tracer, new_trace  # noqa: E402,F401
