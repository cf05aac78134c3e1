"""Vectorising map: a tracer carrying a batch axis; each primitive's batching rule
moves or adds that axis and makes one backend call for the whole batch."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from funtorch import ops, tree
from funtorch.core import Array, Trace, Tracer, new_trace
from funtorch.typing import P

__all__ = ["vmap", "BatchTracer", "bound_axis", "bound_axis_names"]

_NO_RULE = "vmap: no batching rule for primitive '{name}' (called from {fun})"
_CONCRETE = ("vmap: cannot use {what} on a batched value of `{fun}` (shape {shape} per "
             "example): the value differs across the batch. Use ft.where for elementwise "
             "choices or ft.cond for branches, or move the Python-level decision out of the "
             "vmapped function.")


class _BatchedAval:
    """Shape/dtype of one example; refuses to become a Python value."""

    __slots__ = ("shape", "dtype", "device", "fun_name")

    def __init__(self, shape, dtype, device, fun_name):
        self.shape, self.dtype, self.device, self.fun_name = shape, dtype, device, fun_name

    def _concrete(self, what):
        raise TypeError(_CONCRETE.format(what=what, fun=self.fun_name, shape=self.shape))

    def __repr__(self):
        return f"batched {self.dtype}{list(self.shape)}"


class BatchTracer(Tracer):
    """A batched value: ``val`` holds the whole batch along axis ``bdim``."""

    # shape/dtype/ndim of one example are stored once: rules ask for them on every op,
    # and a property (the tracer's, then the array's) is two Python calls per question
    __slots__ = ("val", "bdim", "shape", "dtype", "ndim")

    def __init__(self, trace, val, bdim):
        self._trace = trace
        self.val = val
        self.bdim = bdim
        self._node = None
        self.grad = None
        if type(val) is Array:  # the usual case: read the buffer without a call
            buf = val._buf
            shape, self.dtype = buf.shape, buf.dtype
        else:
            shape, self.dtype = val.shape, val.dtype
        self.shape = shape[:bdim] + shape[bdim + 1:]
        self.ndim = len(shape) - 1

    @property
    def aval(self):
        return _BatchedAval(self.shape, self.dtype, self.val.device, self._trace.fun_name)


class BatchTrace(Trace):
    __slots__ = ("axis_size", "axis_name", "_axis_index")

    def axis_index(self):
        """This vmap's position along its axis, ``arange(axis_size)`` batched at 0: the
        value of ``ft.axis_index(name)``, and the operand that routes a collective over
        this axis to this trace (the axis is data, so jit, scan and nested vmaps carry it)."""
        if self._axis_index is None:
            self._axis_index = BatchTracer(self, ops.arange(self.axis_size, dtype=np.int32), 0)
        return self._axis_index

    def process_primitive(self, prim, args, params):
        vals, bdims = [], []
        for arg in args:
            if type(arg) is BatchTracer and arg._trace is self:
                vals.append(arg.val)
                bdims.append(arg.bdim)
            else:
                vals.append(arg)
                bdims.append(None)
        rule = prim.batch
        if rule is None:
            raise TypeError(_NO_RULE.format(name=prim.name, fun=self.fun_name))
        if self.axis_name is None:
            out, out_bdim = rule(vals, bdims, **params)
        else:
            out, out_bdim = _run_named_rule(self.axis_name, rule, vals, bdims, params)
        if prim.multiple_results:
            return tuple(o if b is None else BatchTracer(self, o, b) for o, b in zip(out, out_bdim))
        if out_bdim is None:
            return out
        return BatchTracer(self, out, out_bdim)


class _AxisEnv(threading.local):
    """Names bound by the vmaps running in this thread, innermost last (JAX's axis env):
    part of the trace stack, pushed and popped around the vmapped function."""

    def __init__(self):
        self.traces = []
        self.rule_axis = None  # the name of the named vmap whose batching rule is running


_AXES = _AxisEnv()


def _run_named_rule(name, rule, vals, bdims, params):
    """A vmap that a batching rule creates (call_jit, checkpoint, scan, custom_vjp vmap
    their held functions) maps over this trace's axis, so it takes this axis's name, as
    JAX hands the axis to ``batch_jaxpr``: a collective in a held function that runs later
    (checkpoint's backward re-run) still finds its axis."""
    outer, _AXES.rule_axis = _AXES.rule_axis, name
    try:
        return rule(vals, bdims, **params)
    finally:
        _AXES.rule_axis = outer


def bound_axis(name):
    """The innermost running vmap whose ``axis_name`` is ``name``, or None."""
    for trace in reversed(_AXES.traces):
        if trace.axis_name == name and trace.active:
            return trace
    return None


def bound_axis_names():
    """``(name, function name)`` of each running named vmap, outermost first."""
    return [(t.axis_name, t.fun_name) for t in _AXES.traces if t.active]


def _broadcast_prefix(prefix, full_tree, name, treedef=None):
    """Expand an ``in_axes``-style prefix (int/None or a tree) to one entry per leaf
    (``treedef``: ``full_tree``'s structure, when the caller has it)."""
    if treedef is not None:  # the usual prefixes, from the structure, without flattening
        if prefix is None or type(prefix) is int:
            return [prefix] * treedef.num_leaves
        if (type(prefix) is tuple and treedef.node_type is tuple
                and len(prefix) == len(treedef.children)):
            out = []
            for p, child in zip(prefix, treedef.children):
                if p is not None and type(p) is not int:
                    break
                out.extend([p] * child.num_leaves)
            else:
                return out
    out = []
    _expand_prefix(prefix, full_tree, prefix, full_tree, name, out)
    return out


def _expand_prefix(p, sub, prefix, full_tree, name, out):
    # module level rather than a recursive closure: a closure that calls itself is a
    # reference cycle, and this one would hold the batched results until the cyclic GC ran
    if p is None or isinstance(p, (int, np.integer)):
        out.extend([None if p is None else int(p)] * len(tree.leaves(sub)))
        return
    p_def = tree.flatten(p, is_leaf=lambda x: x is None)[1]
    if p_def.node_type is None:  # a leaf that is no axis: 0.0, "0", an array
        raise TypeError(f"vmap: {name} entries must be an int or None (or a container of "
                        f"them), got {p!r} of type {type(p).__name__} in {name}={prefix!r}")
    s_def = tree.structure(sub)
    if p_def.node_type is not s_def.node_type or len(p_def.children) != len(s_def.children):
        raise ValueError(f"vmap: {name} {prefix!r} does not match the structure of the "
                         f"arguments {tree.structure(full_tree)}")
    if isinstance(p, dict) and set(p) != set(sub):  # by key, as JAX: a typo batches nothing
        raise ValueError(f"vmap: {name} {prefix!r} has keys {sorted(map(str, p))} but the "
                         f"argument it describes has keys {sorted(map(str, sub))}; they must "
                         "match")
    for pc, sc in zip(_children(p, s_def), _children(sub, s_def)):
        _expand_prefix(pc, sc, prefix, full_tree, name, out)


def _children(node, s_def):
    if isinstance(node, dict):  # in the argument's flattening order (its keys, in aux)
        return [node[k] for k in s_def.aux]
    if isinstance(node, (tuple, list)):
        return list(node)
    return list(tree.flatten(node)[0])


def _move_out(val, bdim, out_axis, size):
    if bdim is None:
        val = ops.broadcast_to(ops.expand_dims(val, 0), (size,) + tuple(val.shape))
        bdim = 0
    if out_axis is None:
        raise ValueError("vmap: out_axes=None needs an output that does not depend on the "
                         "batch, but this output is batched")
    ndim = val.ndim
    if not -ndim <= out_axis < ndim:
        raise ValueError(f"vmap: out_axes={out_axis} is out of range for an output of shape "
                         f"{tuple(val.shape)} with the batch axis (valid: {-ndim}..{ndim - 1})")
    out_axis %= ndim
    return val if bdim % ndim == out_axis else ops.moveaxis(val, bdim, out_axis)


def vmap(fun: Callable[P, Any], in_axes: Any = 0, out_axes: Any = 0,
         axis_size: int | None = None, *,
         axis_name: Hashable | None = None) -> Callable[P, Any]:
    """Vectorise ``fun`` over a batch axis of its inputs (JAX semantics).

    The batched function keeps ``fun``'s argument list (``P``) and returns a pytree like
    ``fun``'s (typed ``Any``: its leaves gain an axis, which no annotation expresses).

    Args:
        fun: a function of arrays (pytrees allowed).
        in_axes: int, None (broadcast the argument) or a pytree prefix of the arguments.
        out_axes: where the batch axis goes in each output (int or a pytree prefix).
        axis_size: the batch size when no input is batched.
        axis_name: a name (any hashable, usually a str) for the mapped axis, so that
            collectives inside ``fun`` (``ft.psum(x, name)``, ``ft.all_gather``,
            ``ft.axis_index``, ...) act across the batch as across ranks: N examples
            behave as N processes. Nested vmaps bind different names; an inner vmap of
            the same name shadows the outer one.

    Returns:
        The batched function: same arguments, outputs with the batch axis at ``out_axes``.

    Raises:
        ValueError: inconsistent batch sizes (each argument's size is named), an axis out
            of range, or ``in_axes`` not matching the arguments.

    Example:
        >>> dot = ft.vmap(lambda w, x: ft.sum(w * x), in_axes=(None, 0))
        >>> dot(ft.ones(3), ft.ones((5, 3))).tolist()
        [3.0, 3.0, 3.0, 3.0, 3.0]
        >>> ft.vmap(lambda x: x / ft.psum(x, "i"), axis_name="i")(ft.arange(1.0, 4.0))
        array([0.16666667, 0.33333334, 0.5       ])
    """
    if axis_name is None:  # created by a named vmap's batching rule: the same axis
        axis_name = _AXES.rule_axis
    if axis_name is not None:
        try:
            hash(axis_name)
        except TypeError:
            raise TypeError(f"vmap: axis_name must be hashable (a str such as 'batch'), got "
                            f"{axis_name!r} of type {type(axis_name).__name__}") from None
    @functools.wraps(fun)
    def batched_fun(*args: Any) -> Any:
        axes = in_axes if isinstance(in_axes, (tuple, list)) and not isinstance(
            in_axes, int) else (in_axes,) * len(args)
        if isinstance(in_axes, (tuple, list)) and len(in_axes) != len(args):
            raise ValueError(f"vmap: in_axes has {len(in_axes)} entries but `"
                             f"{getattr(fun, '__name__', 'fun')}` got {len(args)} arguments")
        flat, treedef = tree.flatten(args)
        flat_axes = _broadcast_prefix(tuple(axes), args, "in_axes", treedef)
        sizes = []  # (leaf index, size); paths are only spelled out for the error
        for index, (leaf, axis) in enumerate(zip(flat, flat_axes)):
            if axis is None:
                continue
            leaf = flat[index] = leaf if isinstance(leaf, Array) else ops.asarray(leaf)
            shape = leaf.shape
            if not -len(shape) <= axis < len(shape):
                raise ValueError(f"vmap: in_axes={axis} is out of range for an argument of "
                                 f"shape {shape}")
            flat_axes[index] = axis % len(shape)
            sizes.append((index, shape[axis]))
        size = axis_size
        for _, n in sizes:
            if size is None:
                size = n
            elif n != size:
                shown = ", ".join(f"argument leaf {tree.path_of_leaf(treedef, i)}: {s}"
                                  for i, s in sizes)
                raise ValueError(f"vmap: inconsistent sizes of the batched axes ({shown})")
        if size is None:
            raise ValueError("vmap: no argument is batched; pass axis_size= or batch an input")
        trace = new_trace(BatchTrace, "vmap", fun)
        trace.axis_size = size
        trace.axis_name = axis_name
        trace._axis_index = None
        boxed = [leaf if axis is None else BatchTracer(trace, leaf, axis)
                 for leaf, axis in zip(flat, flat_axes)]
        if axis_name is not None:
            _AXES.traces.append(trace)
        rule_axis, _AXES.rule_axis = _AXES.rule_axis, None  # vmaps in fun are fun's own
        try:
            result = fun(*tree.unflatten(treedef, boxed))
        finally:
            trace.active = False
            _AXES.rule_axis = rule_axis
            if axis_name is not None:
                _AXES.traces.remove(trace)
            trace._axis_index = None
        out_flat, out_tree = tree.flatten(result)
        out_ax = _broadcast_prefix(out_axes, result, "out_axes", out_tree)
        moved = []
        for out, axis in zip(out_flat, out_ax):
            if type(out) is BatchTracer and out._trace is trace:
                moved.append(_move_out(out.val, out.bdim, axis, size))
            else:
                out = out if isinstance(out, Array) else ops.asarray(out)
                moved.append(out if axis is None else _move_out(out, None, axis, size))
        return tree.unflatten(out_tree, moved)
    return batched_fun

