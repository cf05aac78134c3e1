"""Reverse mode: the tape, and ``vjp``/``grad``/``value_and_grad``.

Functional reverse mode pushes a :class:`VJPTrace` per call; its tracers are the
tape entries (primitive, parent entries, primal inputs, ``primal`` output). PyTorch-style
autograd is level 0 of the same tracer: eager ``bind`` records a
:class:`funtorch.core.Node` with the same fields on arrays that require grad, and
``backward()`` (``autograd.py``) hands those entries to the same backward pass
(``funtorch/backprop.py``) in PyTorch's order. The pass calls the primitives' VJP rules,
written with public ops, so any outer transform (or ``create_graph=True``) differentiates
it; when nothing can (a trace whose entries all recorded plain arrays, ``VJPTrace.plain``)
it runs on the backend arrays instead (``backprop_buffers``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

import numpy as np

from funtorch import backends, diagnostics, ops, tree
from funtorch.backprop import backprop, backprop_tape
from funtorch.core import (OUTPUT, Array, Trace, Tracer, _complex_error, _find_top_trace,
                           bind, evaluate_buffer, new_trace, wrap)
from funtorch import complex_grad
from funtorch.dtypes import is_inexact
from funtorch.typing import P, PyTree, T

__all__ = ["vjp", "grad", "value_and_grad", "VJPTracer", "backprop", "float0"]

float0 = np.dtype([("float0", np.void, 0)])

_NO_VJP = ("{transform}: primitive '{name}' has no VJP rule for argument {index}, so "
           "it cannot be differentiated with respect to it (called from {fun})")
_NOT_SCALAR = ("grad: the function `{fun}` must return a float scalar (shape ()), got "
               "{what}. Use ft.vjp or ft.jacrev for non-scalar outputs, or reduce the output "
               "first, e.g. `loss.sum()`, or extract one element with `out.reshape(())`.")
_INT_INPUT = ("grad: argument {argnum}{path} of `{fun}` has dtype {dtype}; only floating "
              "inputs can be differentiated. Cast it with `x.astype(ft.float32)`, or leave it "
              "out of `argnums`.")

class VJPTracer(Tracer):
    """A value under reverse mode; it is also its own tape node: ``prim`` applied to
    ``args`` (as given: this trace's tracers among them, ``parents`` lists those),
    ``primal`` its value. ``backprop.primal_args`` gives the rules' primal arguments."""

    # ``dtype`` is a slot, not a property: every binary op asks for it (dtype promotion)
    # ``bufs``: the arguments' backend arrays when they were all plain (backprop_buffers)
    # ``pbuf``: the primal's backend array when it is a plain array. The fast path
    # (``VJPTrace.process_primitive``) stores only that: ``primal`` wraps it on first use
    # (most entries never need an Array: one object less per op for the cyclic GC)
    # ``pos``: the entry's index in its trace's tape (an input's: -1, -2, ...), where the
    # first-order backward pass keeps its cotangent (a list, not a dict keyed by id)
    __slots__ = ("_primal", "prim", "parents", "args", "params", "dtype", "bufs", "pbuf",
                 "pos")

    def __init__(self, trace, primal, prim, parents, args, params):
        self._trace = trace
        self.bufs = None
        self._primal = primal
        self.pbuf = primal._buf if type(primal) is Array and primal._node is None else None
        self.dtype = getattr(primal, "dtype", None)  # None: a multiple-results entry's tuple
        self.prim = prim
        self.parents = parents
        self.args = args
        self.params = params
        self._node = self.grad = self.pos = None

    @property
    def primal(self):
        primal = self._primal
        if primal is None:
            primal = self._primal = wrap(self.pbuf)
        return primal

    @property
    def aval(self):
        return self.primal

    @property
    def shape(self):
        buf = self.pbuf
        return self.primal.shape if buf is None else buf.shape

    @property
    def origin(self):
        return f"primitive '{self.prim.name}'" if self.prim is not None else "an input"


_new_tracer = object.__new__


class VJPTrace(Trace):
    """Records every differentiable result in ``tape``, in creation order (a Wengert
    list), so the backward pass needs no topological sort."""

    # ``plain``: every entry recorded plain arrays (no tracer of another level, nothing
    # PyTorch-style autograd tracks), so nothing can trace the backward pass over them
    __slots__ = ("tape", "plain")
    finds_top = True

    def __init__(self, level, transform, fun_name):
        super().__init__(level, transform, fun_name)
        self.tape = []
        self.plain = True

    def process_primitive(self, prim, args, params):
        # bind calls this for the first tracer among the arguments, unchecked (finds_top).
        # The common case (a simple primitive on plain values: this trace's tracers of
        # plain arrays, plain arrays, Python scalars) runs here; anything else goes to the
        # top trace among the arguments, ``_process`` if that is this one.
        if prim.simple_vjp and self.active:
            bufs, parents = [], []
            for arg in args:
                cls = type(arg)
                if cls is VJPTracer and arg._trace is self:
                    buf = arg.pbuf
                    if buf is None:
                        break
                    parents.append(arg)
                else:
                    if cls is Array:
                        if arg._node is not None:
                            break
                        buf = arg._buf
                    elif isinstance(arg, Array):  # a lower level's tracer, or a box
                        break
                    else:
                        buf = arg
                    parents.append(None)
                bufs.append(buf)
            else:
                if params or backends._cupy_backend is not None:
                    buf = evaluate_buffer(prim, bufs, args, params)
                else:  # evaluate_buffer inlined for a ufunc-like call (most ops)
                    try:
                        buf = prim.np_impl(*bufs)
                    except Exception as exc:
                        raise diagnostics.explain_failure(prim, args, params, exc) from exc
                dtype = buf.dtype
                if dtype.kind != "f":
                    if dtype.kind != "c":
                        return wrap(buf)
                    if not prim.complex:
                        raise _complex_error(prim, dtype)
                out = _new_tracer(VJPTracer)  # VJPTracer(...) inlined: this runs once per op
                out._trace, out._primal, out.pbuf, out.dtype = self, None, buf, dtype
                out.prim = prim
                out.parents = parents
                out.args = args
                out.bufs = bufs
                out.params = params
                out._node = out.grad = None
                tape = self.tape
                out.pos = len(tape)
                tape.append(out)
                return out
        top = _find_top_trace(args)  # (bind leaves this to reverse mode: finds_top)
        if top is not self:
            return top.process_primitive(prim, args, params)
        return self._process(prim, args, params)

    def _process(self, prim, args, params):
        primals, parents, kept, plain = [], [], [], True
        for arg in args:
            if type(arg) is VJPTracer and arg._trace is self:
                parents.append(arg)
                kept.append(arg)
                arg = arg.primal
            else:
                parents.append(None)
                # an untracked array is kept as a fresh handle on its buffer: an in-place
                # op may rebind the caller's handle before the backward pass reads it
                kept.append(wrap(arg._buf) if type(arg) is Array and arg._node is None
                            else arg)
            primals.append(arg)
            if type(arg) is Array:
                if arg._node is not None:
                    plain = False
            elif isinstance(arg, Array):  # a lower level's tracer, or a box
                plain = False
        if not plain:
            self.plain = False
        if prim.vjp_fwd is not None:
            ans, residuals = prim.vjp_fwd(*primals, **params)
            params = dict(params, residuals=residuals)
        else:
            ans = bind(prim, *primals, **params)
        if prim.multiple_results:
            return self._record_results(prim, ans, parents, kept, primals, params, plain)
        dtype = (ans._buf if type(ans) is Array else ans).dtype
        if prim.nondiff or dtype.kind not in "fc":
            return ans
        if prim.vjp is None or None in prim.vjp:
            self._check_rules(prim, parents)
        out = VJPTracer(self, ans, prim, parents, kept, params)
        if plain:
            out.bufs = [a._buf if type(a) is Array else a for a in primals]
        self._append(out)
        return out

    def _append(self, entry):
        entry.pos = len(self.tape)
        self.tape.append(entry)

    def _record_results(self, prim, ans, parents, args, primals, params, plain):
        if prim.nondiff:
            return ans
        self._check_rules(prim, parents)
        node = VJPTracer(self, tuple(ans), prim, parents, args, params)
        if plain:
            node.bufs = [a._buf if type(a) is Array else a for a in primals]
        self._append(node)
        outs = []
        for index, value in enumerate(ans):
            if value.dtype.kind in "fc":
                value = VJPTracer(self, value, OUTPUT, (node,), (index,), None)
                self._append(value)
            outs.append(value)
        return tuple(outs)

    def _check_rules(self, prim, parents):
        for index, parent in enumerate(parents):
            if parent is not None and (prim.vjp is None or prim.vjp[index] is None):
                raise TypeError(_NO_VJP.format(transform=self.transform, name=prim.name,
                                               index=index, fun=self.fun_name))


# Functional API ------------------------------------------------------------------------


def _to_input(x):
    return x if isinstance(x, Array) else ops.asarray(x)


def _zero_cotangent(x):
    return ops.zeros_like(x) if is_inexact(x.dtype) else ops.zeros(x.shape, dtype=float0)


def _in_dtype(ct, x):
    """A cotangent in its input's dtype, as JAX and PyTorch return it (a float64 constant
    meeting a float32 input must not widen the float32 input's gradient)."""
    return ct if ct.dtype == x.dtype else ops.astype(ct, x.dtype)


@overload
def vjp(fun: Callable[..., T], *primals: Any,
        has_aux: Literal[False] = False) -> tuple[T, Callable[[Any], tuple[PyTree, ...]]]: ...
@overload
def vjp(fun: Callable[..., tuple[T, Any]], *primals: Any,
        has_aux: Literal[True]) -> tuple[T, Callable[[Any], tuple[PyTree, ...]], Any]: ...
def vjp(fun: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """Evaluate ``fun(*primals)`` and return its output and a function pulling back
    cotangents: ``out, vjp_fn = ft.vjp(f, x)``; ``vjp_fn(ct)`` is a tuple with one
    cotangent per primal (pytrees allowed). Integer inputs get float0 zeros.

    Args:
        fun: returns a pytree of arrays (``(out, aux)`` with ``has_aux=True``).
        *primals: the point to linearise at (pytrees of arrays).
        has_aux: ``fun`` returns ``(out, aux)``; ``aux`` is returned, not differentiated.

    Returns:
        ``(out, vjp_fn)``, or ``(out, vjp_fn, aux)`` with ``has_aux`` (a TypeError if ``fun``
        then returns no pair); ``vjp_fn`` raises ValueError for a cotangent unlike ``out``.

    Example:
        >>> out, f_vjp = ft.vjp(ft.sin, ft.array(0.0)); f_vjp(ft.array(1.0))
        (array(1.),)
    """
    return _vjp(fun, primals, has_aux, "vjp")


def _unbox(trace, x):
    return x.primal if type(x) is VJPTracer and x._trace is trace else x


def _vjp(fun, primals, has_aux, transform):
    trace = new_trace(VJPTrace, transform, fun)
    flat, in_tree = tree.flatten(primals)
    flat = [_to_input(x) for x in flat]
    boxed = [VJPTracer(trace, x, None, (), (), None) if is_inexact(x.dtype) else x for x in flat]
    for index, box in enumerate(boxed):
        if type(box) is VJPTracer:
            box.pos = -1 - index  # inputs' cotangents at the end of backprop_tape's list
    try:
        result = fun(*tree.unflatten(in_tree, boxed))
    finally:
        trace.active = False
    # The tape now belongs to vjp_fn alone: tracers point at the trace, so a trace that
    # kept its tape would form a cycle that only the cyclic GC frees (intermediates of
    # every grad call would linger until then).
    tape, trace.tape = trace.tape, None
    if has_aux:
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError("vjp(has_aux=True): the function must return a pair (output, aux)")
        result, aux = result
        aux = tree.map(lambda x: _unbox(trace, x), aux)
    out_flat, out_tree = tree.flatten(result)
    roots = [(i, x) for i, x in enumerate(out_flat) if type(x) is VJPTracer and x._trace is trace]
    out_flat = [_unbox(trace, x) for x in out_flat]

    def vjp_fn(cotangent):
        ct_flat, ct_tree = tree.flatten(cotangent)
        if ct_tree != out_tree:
            raise ValueError(f"vjp_fn: cotangent structure {ct_tree} does not match the "
                             f"output structure {out_tree}")
        for ct, out in zip(ct_flat, out_flat):
            if tuple(getattr(ct, "shape", ())) != tuple(getattr(out, "shape", ())):
                raise ValueError(f"vjp_fn: cotangent shape {getattr(ct, 'shape', ())} does "
                                 f"not match output shape {getattr(out, 'shape', ())}")
        cts: dict = {}
        seeds = [(root, _to_input(ct_flat[i])) for i, root in roots]
        if trace.plain and backends._cupy_backend is None and all(type(ct) is Array and ct._node is None for _, ct in seeds):
            slots: list = [None] * (len(tape) + len(boxed))  # by tape position
            for root, ct in seeds:  # nothing can trace this pass: run it on buffers
                prev = slots[root.pos]
                slots[root.pos] = ct._buf if prev is None else prev + ct._buf
            backprop_tape(tape, slots)
            cts = {id(b): wrap(slots[b.pos]) for b in boxed
                   if type(b) is VJPTracer and slots[b.pos] is not None}
        else:
            for root, ct in seeds:
                prev = cts.get(id(root))
                cts[id(root)] = ct if prev is None else prev + ct
            backprop(reversed(tape), cts, tracer_args=True)
        grads = [cts.get(id(b), None) if type(b) is VJPTracer else None for b in boxed]
        grads = [_zero_cotangent(x) if g is None else _in_dtype(g, x)
                 for g, x in zip(grads, flat)]
        return tuple(tree.unflatten(in_tree, grads))

    out = tree.unflatten(out_tree, out_flat)
    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def _check_scalar(out, fun, holomorphic=False):
    name = getattr(fun, "__name__", "fun")
    if not isinstance(out, Array):
        what = f"a {type(out).__name__}" if not isinstance(out, float) else "a Python float"
        raise TypeError(_NOT_SCALAR.format(fun=name, what=what))
    if out.shape != () or not is_inexact(out.dtype):
        raise TypeError(_NOT_SCALAR.format(fun=name, what=f"shape {out.shape} dtype {out.dtype}"))
    complex_grad.check_output(out, holomorphic, fun)


def _check_float_inputs(args, argnums, fun, holomorphic=False):
    for argnum in argnums:
        flat, treedef = tree.flatten(args[argnum])
        for index, leaf in enumerate(flat):
            dtype = getattr(leaf, "dtype", None)
            if dtype is None:
                dtype = np.asarray(leaf).dtype
            complex_grad.check_input(dtype, argnum, holomorphic, fun)
            if not is_inexact(dtype):
                path = tree.path_of_leaf(treedef, index)
                raise TypeError(_INT_INPUT.format(argnum=argnum, dtype=dtype, fun=getattr(
                    fun, "__name__", "fun"), path="" if path == "<root>" else f" at {path}"))


def _argnums_tuple(argnums, fn="grad"):
    """``(single, nums)``: whether ``argnums`` is one int, and the ints as a tuple; ``fn``
    names the transform in the TypeError."""
    if isinstance(argnums, (int, np.integer)) and not isinstance(argnums, bool):
        return True, (int(argnums),)
    if isinstance(argnums, (tuple, list)) and all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in argnums):
        return False, tuple(int(n) for n in argnums)
    raise TypeError(f"{fn}: argnums must be an int or a tuple of ints (the positions of the "
                    f"arguments to differentiate), got {argnums!r} of type "
                    f"{type(argnums).__name__}")


@overload
def value_and_grad(fun: Callable[P, Array], argnums: int | Sequence[int] = 0,
                   has_aux: Literal[False] = False,
                   holomorphic: bool = False) -> Callable[P, tuple[Array, PyTree]]: ...
@overload
def value_and_grad(fun: Callable[P, tuple[Array, T]], argnums: int | Sequence[int] = 0, *,
                   has_aux: Literal[True], holomorphic: bool = False
                   ) -> Callable[P, tuple[tuple[Array, T], PyTree]]: ...
def value_and_grad(fun: Callable[..., Any], argnums: int | Sequence[int] = 0,
                   has_aux: bool = False,
                   holomorphic: bool = False) -> Callable[..., tuple[Any, PyTree]]:
    """Return a function computing ``fun``'s value and its gradient w.r.t. ``argnums``.

    Args:
        fun: returns a float scalar (or ``(scalar, aux)`` with ``has_aux=True``).
        argnums: an int or a tuple of ints; pytree arguments give pytree gradients.
        has_aux: ``fun`` returns ``(scalar, aux)``; the value is then ``(scalar, aux)``.
        holomorphic: ``fun`` is complex-differentiable with complex inputs and output; the
            gradient is then ``f'(z)`` (JAX's ``holomorphic``). A real output of complex
            inputs needs no flag: its gradient is ``df/dx - i df/dy``, as in JAX.

    Returns:
        A function of ``fun``'s arguments returning ``(value, grads)``: ``grads`` is shaped
        like argument ``argnums`` (a tuple of them for a tuple ``argnums``).

    Raises:
        TypeError: non-scalar or integer output, or an integer input being differentiated;
            a complex output without ``holomorphic=True``, or a real input or output with it.

    Example:
        >>> ft.value_and_grad(lambda x: (x ** 2).sum())(ft.array([1.0, 2.0]))
        (array(5.), array([2., 4.]))
    """
    single, nums = _argnums_tuple(argnums)

    @functools.wraps(fun)
    def value_and_grad_fun(*args, **kwargs):
        for num in nums:
            if not -len(args) <= num < len(args):
                raise ValueError(f"grad: argnums={argnums} but `{getattr(fun, '__name__', 'fun')}`"
                                 f" was called with {len(args)} positional arguments")
        if len({num % len(args) for num in nums}) != len(nums):
            raise ValueError(f"grad: argnums={argnums} names the same argument twice; each "
                             "argument can be differentiated once")
        _check_float_inputs(args, nums, fun, holomorphic)

        def partial(*diff_args):
            full = list(args)
            for num, value in zip(nums, diff_args):
                full[num] = value
            return fun(*full, **kwargs)
        partial.__name__ = getattr(fun, "__name__", "fun")
        result = _vjp(partial, tuple(args[n] for n in nums), has_aux, "grad")
        out, vjp_fn = result[0], result[1]
        _check_scalar(out, fun, holomorphic)
        grads = vjp_fn(ops.ones_like(out))
        value = (out, result[2]) if has_aux else out
        return value, grads[0] if single else grads
    return value_and_grad_fun


@overload
def grad(fun: Callable[P, Array], argnums: int | Sequence[int] = 0,
         has_aux: Literal[False] = False, holomorphic: bool = False) -> Callable[P, PyTree]: ...
@overload
def grad(fun: Callable[P, tuple[Array, T]], argnums: int | Sequence[int] = 0, *,
         has_aux: Literal[True], holomorphic: bool = False) -> Callable[P, tuple[PyTree, T]]: ...
def grad(fun: Callable[..., Any], argnums: int | Sequence[int] = 0,
         has_aux: bool = False, holomorphic: bool = False) -> Callable[..., Any]:
    """Return a function computing the gradient of a scalar-output ``fun``.

    Args:
        fun: returns a float scalar (or ``(scalar, aux)`` with ``has_aux=True``).
        argnums: an int or a tuple of ints: which positional arguments to differentiate.
        has_aux: ``fun`` returns ``(scalar, aux)``; the result is then ``(grads, aux)``.
        holomorphic: as in :func:`value_and_grad` (JAX's convention for complex inputs).

    Returns:
        A function of ``fun``'s arguments returning the gradient, shaped like argument
        ``argnums`` (a tuple of them for a tuple ``argnums``); it raises TypeError as
        :func:`value_and_grad`'s does.

    Example:
        >>> ft.grad(lambda x: x ** 3)(ft.array(2.0))
        array(12.)
    """
    value_and_grad_fun = value_and_grad(fun, argnums, has_aux, holomorphic)

    @functools.wraps(fun)
    def grad_fun(*args, **kwargs):
        (value, grads) = value_and_grad_fun(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads
    return grad_fun
