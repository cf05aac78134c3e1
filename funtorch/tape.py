"""The level-0 tape (PyTorch-style ``backward()``): :class:`Node`, the entry ``bind``
records on an eager result when an argument requires grad, the ``LEAF`` marker of arrays
created with ``requires_grad=True``, and the frozen twins that keep recorded arguments
intact when an in-place method rebinds a handle. See ``core.py`` for ``bind`` and
``autograd_engine.py`` for the walk."""

from __future__ import annotations

import itertools
import weakref

from funtorch.core import _TRACER_TYPES, Array, _object_new, wrap

__all__ = ["Node", "LeafNode", "LEAF", "OUTPUT", "record", "canonical"]


class _Output:
    """The ``prim`` of a tape entry that selects output ``args[0]`` of a multiple-results
    primitive's entry (its one parent), at every level of the tracer."""

    name = "output of a multiple-results primitive"


OUTPUT = _Output()

# Creation order of level-0 entries: backward() runs the ready one created last first, as
# PyTorch's engine orders its nodes by sequence number (next() on a count is atomic)
_next_seq = itertools.count().__next__


class Node:
    """One entry of the level-0 tape (PyTorch-style ``backward()``), made by
    :func:`record`: the primitive, its inputs (``args``, see :func:`record`) and
    parameters, and ``seq``, its creation order. With ``parents`` (the tracked inputs'
    entries: their nodes, or the leaves themselves) and ``primal`` (the output, the rules'
    ``ans``), which ``backward()`` fills in while it runs, these are the fields of a
    reverse-mode tracer, so ``backprop.backprop`` walks both.

    ``type(node).__name__`` is the PyTorch-like ``grad_fn`` name (``MulBackward0``).
    ``args`` is set to ``None`` once ``backward()`` has freed the graph.
    """

    # ``bufs``: the arguments' backend arrays, filled by backward() (backprop_buffers)
    __slots__ = ("prim", "args", "params", "parents", "primal", "seq", "twin", "hooks",
                 "bufs")
    is_leaf = False

    def __repr__(self):
        return f"<{type(self).__name__}>"

    @property
    def pbuf(self):
        """The output's backend array (``backprop_buffers`` reads it, as from a tracer)."""
        return self.primal._buf

    @property
    def next_functions(self) -> tuple:
        if self.args is None:
            return ()
        nodes = [a._node for a in self.args if isinstance(a, Array) and a._node is not None]
        return tuple(n.parents[0] if n.prim is OUTPUT else n for n in nodes)


class LeafNode(Node):
    """Marks an array created with ``requires_grad=True``; ``backward`` fills its ``.grad``."""

    __slots__ = ()
    is_leaf = True

    def __init__(self):
        self.prim = self.args = self.params = self.parents = self.hooks = None


LEAF = LeafNode()


def _output_node(shared, index):
    """The entry of output ``index`` of the multiple-results entry ``shared``."""
    node = _object_new(Node)
    node.prim, node.args, node.params, node.parents = OUTPUT, (index,), None, (shared,)
    node.primal = node.twin = node.hooks = None
    node.seq = _next_seq()
    return node


def record(prim, args, params):
    """The level-0 tape entry of ``prim`` applied to ``args``. The entry's view of the
    arguments: arrays with a recorded node become that node's frozen twin, untracked
    arrays a fresh handle on their buffer (so rebinding the caller's handle later changes
    neither); leaves stay themselves (``.grad`` goes there). ``parents`` is filled in by
    ``backward()`` (one container less per op: eager code that never calls ``backward()``
    pays nothing for it)."""
    captured = []
    for arg in args:
        if type(arg) is Array or isinstance(arg, Array) and type(arg) not in _TRACER_TYPES:
            node = arg._node
            if node is None:
                arg = wrap(arg._buf)
            elif not node.is_leaf:  # _twin, inlined: this runs for every recorded argument
                ref = node.twin
                twin = None if ref is None else ref()
                if twin is None:
                    twin = _object_new(Array)
                    twin._buf, twin._node, twin.grad = arg._buf, node, None
                    node.twin = weakref.ref(twin)
                arg = twin
        captured.append(arg)
    node = _object_new(prim.node_cls)
    node.prim, node.args, node.params = prim, tuple(captured), params
    node.parents = node.primal = node.twin = node.hooks = None
    node.seq = _next_seq()
    return node


def canonical(x):
    """The array the tape knows ``x``'s current value by: its twin, or ``x`` for a leaf."""
    node = x._node
    return x if node is None or node.is_leaf else _twin(x, node)


def _twin(x, node):
    """The frozen twin of handle ``x`` (same buffer, same node): the tape's arguments are
    twins, so an in-place method that rebinds the handle ``x`` to a new buffer and node
    leaves the graph recorded before intact. Made on first use; the node holds it weakly
    (the twin holds the node), so no reference cycle keeps a graph alive."""
    ref = node.twin
    twin = None if ref is None else ref()
    if twin is None:
        twin = _object_new(Array)
        twin._buf = x._buf
        twin._node = node
        twin.grad = None
        node.twin = weakref.ref(twin)
    return twin
