"""The level-0 tape (PyTorch-style ``backward()``): :class:`Node`, the entry ``bind``
records on an eager result when an argument requires grad, and the ``LEAF`` marker of
arrays created with ``requires_grad=True``. An entry keeps its edges (the parent entries)
and the backend arrays of its arguments and output, never the caller's handles, so an
in-place method that rebinds a handle later leaves the recorded graph intact. See
``core.py`` for ``bind`` and ``autograd_engine.py`` for the walk."""

from __future__ import annotations

import itertools

import numpy as np

from funtorch import backends

from funtorch.core import _TRACER_TYPES, Array, _object_new, wrap

__all__ = ["Node", "LeafNode", "LEAF", "OUTPUT", "record", "twin", "as_arg"]


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
    :func:`record`: the primitive, its ``params``, ``seq`` (its creation order),
    ``parents`` (per argument: the entry of a tracked argument - its node, or the leaf
    array itself - or None), ``bufs`` (per argument: its backend array when recorded, or
    the Python scalar) and ``pbuf`` (the output's backend array). These are the fields of
    a reverse-mode tracer, so ``backprop`` walks both. ``args`` and ``primal`` (the rules'
    arguments and ``ans`` as tracked arrays) are made by ``backward()`` only when the
    backward pass is itself recorded (``create_graph=True``).

    ``type(node).__name__`` is the PyTorch-like ``grad_fn`` name (``MulBackward0``).
    ``bufs`` is set to ``None`` once ``backward()`` has freed the graph.
    """

    __slots__ = ("prim", "args", "params", "parents", "primal", "seq", "hooks", "bufs",
                 "pbuf")
    is_leaf = False

    def __repr__(self):
        return f"<{type(self).__name__}>"

    @property
    def next_functions(self) -> tuple:
        entries = []
        for parent in self.parents or ():
            if isinstance(parent, Node):
                entries.append(parent.parents[0] if parent.prim is OUTPUT else parent)
            elif parent is not None and parent._node is not None:
                entries.append(parent._node)  # a leaf: LEAF (torch's AccumulateGrad)
        return tuple(entries)


class LeafNode(Node):
    """Marks an array created with ``requires_grad=True``; ``backward`` fills its ``.grad``."""

    __slots__ = ()
    is_leaf = True

    def __init__(self):
        self.prim = self.args = self.params = self.parents = self.hooks = None
        self.bufs = self.pbuf = self.primal = None


LEAF = LeafNode()


def _output_node(shared, index, buf):
    """The entry of output ``index`` (backend array ``buf``) of the multiple-results
    entry ``shared``."""
    node = _object_new(Node)
    node.prim, node.args, node.params, node.parents = OUTPUT, (index,), None, (shared,)
    node.primal = node.hooks = None
    node.bufs, node.pbuf = (), buf
    node.seq = _next_seq()
    return node


def record(prim, args, params, pbuf, bufs=None):
    """The level-0 tape entry of ``prim`` applied to ``args`` (whose backend arrays are
    ``bufs``, computed here if not given), with output ``pbuf``. ``parents`` holds, per
    argument, its node, the leaf itself (``.grad`` goes there), or None (untracked)."""
    parents = []
    for arg in args:
        if type(arg) is Array or isinstance(arg, Array) and type(arg) not in _TRACER_TYPES:
            node = arg._node
            parents.append(None if node is None else arg if node.is_leaf else node)
        else:
            parents.append(None)
    if bufs is None:
        bufs = [arg._buf if isinstance(arg, Array) else arg for arg in args]
    node = _object_new(prim.node_cls)
    node.prim, node.params, node.parents, node.bufs, node.pbuf = prim, params, parents, bufs, pbuf
    node.args = node.primal = node.hooks = None
    node.seq = _next_seq()
    return node


def as_arg(buf):
    """A recorded argument for a rule: a backend array wrapped, a Python scalar as is."""
    return wrap(buf) if type(buf) is np.ndarray or type(buf) in backends._XP_BY_TYPE else buf


def twin(buf, node):
    """A handle on ``buf`` tracked as ``node``'s output: what the rules of a recorded
    backward pass (``create_graph=True``) get for a recorded argument or ``ans``."""
    out = _object_new(Array)
    out._buf, out._node, out.grad = buf, node, None
    return out
