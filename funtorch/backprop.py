"""The one backward pass: :func:`backprop`, which ``ft.grad``/``vjp`` and PyTorch-style
``backward()`` both run, and :func:`backprop_buffers`, its first-order form.

``backprop`` pulls cotangents back through the primitives' VJP rules, which are written
with public ops, so an outer transform (or ``create_graph=True``) differentiates the
backward pass itself. When nothing can (reverse mode over plain arrays, called with a
plain cotangent: ``VJPTrace.plain``), ``backprop_buffers`` walks the same tape on the
backend arrays: a primitive with buffer-level rules (``Primitive.vjp_buf``, derived
from the same partials, see ``ops/buffer_vjp.py``) runs them without a ``bind`` per
backward op; any other runs its ``vjp`` rules on arrays wrapped for the call.
"""

from __future__ import annotations

from funtorch import ops
from funtorch.core import OUTPUT, Array, bind, wrap
from funtorch.tape import as_arg
from funtorch.ops import buffer_vjp

__all__ = ["backprop", "backprop_buffers", "backprop_tape"]

_LEAKED = ("backprop_buffers: the VJP rule of primitive '{name}' returned a {kind} while "
           "reverse mode ran over plain arrays; its params hold a traced value. Please "
           "report this: the first-order backward pass assumes params are static.")


def backprop(schedule, cts, tracer_args=False):
    """The backward pass of every level: walk ``schedule`` (tape entries, each after every
    entry that consumes it) and pull each entry's cotangent in ``cts`` (keyed by
    ``id(entry)``) back through its primitive's VJP rules into its parents' cotangents.

    Reverse mode's schedule is its tape reversed; PyTorch-style ``backward()``'s is
    PyTorch's ready queue (``autograd_engine.py``, which also runs hooks on an entry's
    cotangent before it yields the entry). Returns ``cts``, which then holds the
    cotangents of the entries that were not in the schedule (the inputs). With
    ``tracer_args`` (reverse mode's entries, which keep their arguments as given) the
    rules get :func:`primal_args`.
    """
    pop, get = cts.pop, cts.get
    for node in schedule:
        ct = pop(id(node), None)
        if ct is None:
            continue  # not on a path to the outputs
        prim = node.prim
        if prim is OUTPUT:  # collect the cotangents of a multiple-results primitive
            _collect(cts, node, ct)
            continue
        rules, ans, args, params, parents = prim.vjp, node.primal, node.args, node.params, node.parents
        if tracer_args:
            args = primal_args(node)
        if prim.multiple_results:
            ct = tuple(ops.zeros_like(a) if c is None else c for c, a in zip(ct, ans))
        for index, parent in enumerate(parents):
            if parent is not None:  # (an empty **params costs a call ~60 ns)
                g = rules[index](ct, ans, *args, **params) if params else rules[index](
                    ct, ans, *args)
                if g is None:  # no gradient (an autograd.Function's backward said None)
                    continue
                key = id(parent)
                prev = get(key)
                cts[key] = g if prev is None else bind(ops.elementwise.add_p, prev, g)
    return cts


def primal_args(node):
    """The primal arguments of a reverse-mode entry, which keeps its arguments as given:
    each parent's ``primal`` (a tracer's value), the other arguments themselves; an
    untracked array from the buffer it had when the entry was recorded (an in-place op may
    have rebound the caller's handle since)."""
    parents, args, bufs = node.parents, node.args, node.bufs
    if bufs is None:  # not plain: ``_process`` stored fresh handles already
        return [a if p is None else p.primal for p, a in zip(parents, args)]
    return [p.primal if p is not None else wrap(b) if type(a) is Array else a
            for p, a, b in zip(parents, args, bufs)]


def _key(cts, entry):
    """Where ``cts`` keeps ``entry``'s cotangent: a dict by ``id``, :func:`backprop_tape`'s
    list by tape position."""
    return entry.pos if type(cts) is list else id(entry)


def _get(cts, key):
    return cts[key] if type(cts) is list else cts.get(key)


def _collect(cts, node, ct):
    shared = node.parents[0]
    key = _key(cts, shared)
    slots = _get(cts, key)
    if slots is None:
        slots = cts[key] = [None] * len(shared.primal)
    index = node.args[0]
    slots[index] = ct if slots[index] is None else slots[index] + ct


def backprop_tape(tape, cts):
    """:func:`backprop_buffers` over a reverse-mode ``tape`` whose entries all recorded
    plain arrays: ``cts[entry.pos]`` is an entry's cotangent (its index in the tape; the
    inputs' at negative positions), a list where a dict keyed by ``id`` would cost three
    calls per edge."""
    if buffer_vjp._PENDING:
        buffer_vjp.derive_pending()
    for pos in range(len(tape) - 1, -1, -1):
        ct = cts[pos]
        if ct is None:
            continue
        cts[pos] = None  # (released as the walk goes)
        node = tape[pos]
        prim = node.prim
        if prim is OUTPUT:
            _collect(cts, node, ct)
            continue
        rules = prim.vjp_buf
        if rules is None:
            _pull_wrapped(node, ct, cts, True)
            continue
        ans, bufs, params = node.pbuf, node.bufs, node.params
        for index, parent in enumerate(node.parents):
            if parent is not None:
                g = rules[index](ct, ans, *bufs, **params) if params else rules[index](
                    ct, ans, *bufs)
                key = parent.pos
                prev = cts[key]
                cts[key] = g if prev is None else prev + g
    return cts


def backprop_buffers(schedule, cts, tracer_args=False):
    """:func:`backprop` over backend arrays: ``cts`` maps ``id(entry)`` to a NumPy array.

    Only where nothing traces this pass (a plain cotangent; a reverse-mode tape whose
    entries recorded plain arrays, see also :func:`backprop_tape`; PyTorch-style
    ``backward()`` without ``create_graph``), so a buffer rule computes what the ``vjp``
    rule would, minus the dispatch (a buffer rule defers to the ``vjp`` rule where
    NumPy's promotion would differ from funtorch's, see ``ops/buffer_vjp.py``).
    """
    if buffer_vjp._PENDING:
        buffer_vjp.derive_pending()
    pop, get = cts.pop, cts.get
    for node in schedule:
        ct = pop(id(node), None)
        if ct is None:
            continue
        prim = node.prim
        if prim is OUTPUT:
            _collect(cts, node, ct)
            continue
        rules = prim.vjp_buf
        if rules is None:
            _pull_wrapped(node, ct, cts, tracer_args)
            continue
        ans, bufs, params = node.pbuf, node.bufs, node.params
        for index, parent in enumerate(node.parents):
            if parent is not None:
                g = rules[index](ct, ans, *bufs, **params) if params else rules[index](
                    ct, ans, *bufs)
                key = id(parent)
                prev = get(key)
                cts[key] = g if prev is None else prev + g
    return cts


def _pull_wrapped(node, ct, cts, tracer_args):
    """One entry of :func:`backprop_buffers` through its ``vjp`` rules, on wrapped arrays."""
    prim, ans, args, params, parents = node.prim, node.primal, node.args, node.params, node.parents
    if tracer_args:
        args = primal_args(node)
    elif args is None:  # a level-0 entry walked on buffers
        args = [as_arg(buf) for buf in node.bufs]
    if ans is None:
        ans = wrap(node.pbuf)
    if prim.multiple_results:
        ct = tuple(ops.zeros_like(a) if c is None else wrap(c) for c, a in zip(ct, ans))
    else:
        ct = wrap(ct)
    for index, parent in enumerate(parents):
        if parent is not None:
            g = prim.vjp[index](ct, ans, *args, **params)
            if g is None:  # no gradient for this argument
                continue
            if type(g) is not Array or g._node is not None:
                raise RuntimeError(_LEAKED.format(name=prim.name, kind=type(g).__name__))
            key = _key(cts, parent)
            prev = _get(cts, key)
            cts[key] = g._buf if prev is None else prev + g._buf
