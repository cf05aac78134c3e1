"""The schedule of PyTorch-style ``backward()``: which level-0 tape entries the backward
pass (:func:`funtorch.backprop.backprop`, the one ``ft.grad`` runs) visits, and in which order.

PyTorch's engine counts, for every node reachable from the outputs, the edges into it,
and runs a node once all of them have delivered their gradient; among ready nodes it
runs the one created last (highest sequence number) first, and a leaf (``AccumulateGrad``,
whose sequence number is the largest there is) as soon as it is ready. That order is
what hooks observe, so this module keeps it exactly, down to the order in which its
binary heap releases ready leaves that tie. With ``inputs`` (``autograd.grad``,
``backward(inputs=)``), only entries on a path to an input run, as in PyTorch.
"""

from __future__ import annotations

import heapq
import operator

from funtorch import autograd_hooks, backends, ops
from funtorch.backprop import backprop, backprop_buffers
from funtorch.ops import buffer_vjp
from funtorch.core import _STATE, OUTPUT, Array, Node, wrap
from funtorch.tape import as_arg, twin
from funtorch import complex_grad

__all__ = ["run_backward"]

_FREED = ("backward: trying to backward through the graph a second time (or directly "
          "access saved tensors after they have already been freed). Saved intermediate "
          "values of the graph are freed when you call .backward() or autograd.grad(). "
          "Specify retain_graph=True if you need to backward through the graph a second time.")
_MOVED_LEAF = ("backward(create_graph=True): a leaf of shape {shape} used by {name} was "
               "modified in place (or through .data) after it was used, so the recorded "
               "backward pass cannot both use its old value and track it. Compute the "
               "graph again after modifying the leaf (without create_graph the gradient "
               "uses the value the forward pass saw).")
_LEAF_KEY = -(1 << 64)  # a ready leaf runs first, as AccumulateGrad (sequence number 2**64-1)


def run_backward(roots, root_cts, retain_graph, inputs, accumulate):
    """Pull ``root_cts`` back from ``roots`` (arrays)
    through the level-0 tape. ``accumulate(handle, ct)`` gets the gradient of every leaf
    reached (with ``inputs``: of every array in ``inputs`` instead), as PyTorch's
    ``AccumulateGrad`` would, after its hooks ran; graph entries are freed unless
    ``retain_graph``."""
    # complex values: torch's .grad is the conjugate of the JAX-convention cotangent that
    # backprop computes (complex_grad.py), so the seeds and the leaves' gradients are
    # conjugated here, at the edges of the one backward pass
    root_cts = [complex_grad.torch_convention(ct) for ct in root_cts]
    accumulate = complex_grad.conjugating(accumulate)
    # without create_graph nothing records the pass: it runs on buffers (backprop.py), and
    # hooks, anomaly checks and accumulation see arrays wrapped for them
    buffers = (not _STATE.grad_enabled and backends._cupy_backend is None
               and all(type(ct) is Array and ct._node is None for ct in root_cts))
    if buffers:
        root_cts = [ct._buf for ct in root_cts]
    entries = [_entry(root) for root in roots]
    if (buffers and inputs is None and not autograd_hooks.registered
            and not _STATE.anomaly):  # the common case: nothing can observe the order
        _by_creation(entries, root_cts, not retain_graph, accumulate)
        return
    deps, graph, hooked = _dependencies(entries, buffers)
    wanted = needed = None
    if inputs is not None:
        wanted = {id(_entry(x)): x for x in inputs if x._node is not None}
        needed = _needed(graph, wanted)
    cts: dict = {}
    for entry, ct in zip(entries, root_cts):
        prev = cts.get(id(entry))
        cts[id(entry)] = ct if prev is None else prev + ct
    walk = backprop_buffers if buffers else backprop
    try:
        if hooked or wanted is not None or _STATE.anomaly:
            walk(_Schedule(deps, needed, cts, wanted, accumulate, retain_graph,
                           buffers).run(entries), cts)
        else:  # nothing observes the order (see _by_creation)
            walk(_in_creation_order(graph, not retain_graph), cts)
            for leaf in graph:
                ct = cts.get(id(leaf)) if not isinstance(leaf, Node) else None
                if ct is not None:
                    accumulate(leaf, wrap(ct) if buffers else ct)
    except BaseException:
        _release(graph, True)  # a hook or rule raised: forget the twins, keep the graph
        raise
    if needed is not None:
        _release(graph, retain_graph)


def _entry(x):
    """The tape entry of array ``x``: the leaf itself, or its node."""
    node = x._node
    return x if node.is_leaf else node


def _by_creation(entries, root_cts, free, accumulate):
    """``backward()`` when nothing observes its order (no hooks registered, no ``inputs``,
    no anomaly mode) and nothing records it: walk the nodes on buffers, the one created
    last first, then give each leaf reached its gradient. PyTorch's ready queue runs the
    ready node created last: the node created last among those not yet run is always
    ready (its consumers were created after it), so unobserved the order is this one,
    kept by a heap of the nodes that have a cotangent (no edge count first)."""
    cts: dict = {}
    heap: list = []
    leaves: list = []
    for entry, ct in zip(entries, root_cts):
        key = id(entry)
        prev = cts.get(key)
        if prev is not None:
            cts[key] = prev + ct
            continue
        cts[key] = ct
        if isinstance(entry, Node):
            heap.append((-entry.seq, key, entry))
        else:
            leaves.append(entry)
    heapq.heapify(heap)
    _walk_buffers(heap, cts, leaves, free)
    for leaf in leaves:
        accumulate(leaf, wrap(cts[id(leaf)]))


def _walk_buffers(heap, cts, leaves, free):
    """:func:`backprop.backprop_buffers` for :func:`_by_creation`: the heap holds the nodes
    with a cotangent; a parent joins it (a leaf joins ``leaves``) when it gets its first."""
    if buffer_vjp._PENDING:
        buffer_vjp.derive_pending()
    pop, push, get = heapq.heappop, heapq.heappush, cts.get
    while heap:
        node = pop(heap)[2]
        ct = cts.pop(id(node))
        prim = node.prim
        rules = None if prim is OUTPUT else prim.vjp_buf
        if node.bufs is None:
            raise RuntimeError(_FREED)
        if rules is None:  # a multiple-results output, or no buffer rules: the general step
            fresh = [p for p in node.parents if p is not None and id(p) not in cts]
            cts[id(node)] = ct
            backprop_buffers((node,), cts)
            for parent in fresh:
                if id(parent) in cts:
                    _join(parent, heap, leaves)
        else:
            ans, bufs, params = node.pbuf, node.bufs, node.params
            for index, parent in enumerate(node.parents):
                if parent is not None:
                    g = rules[index](ct, ans, *bufs, **params) if params else rules[index](
                        ct, ans, *bufs)
                    key = id(parent)
                    prev = get(key)
                    if prev is not None:
                        cts[key] = prev + g
                        continue
                    cts[key] = g
                    if isinstance(parent, Node):
                        push(heap, (-parent.seq, key, parent))
                    else:
                        leaves.append(parent)
        if free and prim is not OUTPUT:  # _free (on buffers nothing else to drop)
            node.bufs = node.pbuf = node.primal = node.params = None


def _join(parent, heap, leaves):
    if isinstance(parent, Node):
        heapq.heappush(heap, (-parent.seq, id(parent), parent))
    else:
        leaves.append(parent)


def _in_creation_order(graph, free):
    """The nodes of ``graph`` (all reached already), the one created last first, each
    freed as ``_Schedule`` frees it."""
    nodes = [e for e in graph if isinstance(e, Node)]
    nodes.sort(key=_seq, reverse=True)
    for entry in nodes:
        yield entry
        if entry.prim is not OUTPUT:
            _free(entry, free)


_seq = operator.attrgetter("seq")


def _dependencies(entries, buffers=False):
    """``({id(entry): number of edges into it}, entries reachable, hooked)``, ``hooked``
    when an entry or a leaf reached has hooks (or retains its grad). Without ``buffers`` (the pass is recorded) gives each node its rules' ``args`` and
    ``ans`` as tracked arrays (``tape.twin``), so create_graph=True differentiates the
    rules (and then drops the residuals ``vjp_fwd`` computed untracked, so the rules
    recompute them)."""
    recording = _STATE.grad_enabled  # create_graph=True
    deps: dict = {}
    graph, stack = [], []
    for entry in entries:
        count = deps.get(id(entry))
        deps[id(entry)] = 1 if count is None else count + 1
        if count is None:
            stack.append(entry)
    hooked = False
    while stack:
        node = stack.pop()
        graph.append(node)
        if not isinstance(node, Node):  # a leaf
            hooked = hooked or getattr(node, "_extra", None) is not None
            continue
        if node.hooks is not None:
            hooked = True
        parents = node.parents
        if node.prim is OUTPUT:
            parent = parents[0]
            count = deps.get(id(parent))
            if count is None:
                deps[id(parent)] = 1
                stack.append(parent)
            else:
                deps[id(parent)] = count + 1
            continue
        bufs = node.bufs
        if bufs is None:
            raise RuntimeError(_FREED)
        if recording and node.prim.vjp_fwd is not None:
            _drop_residuals(node)
        for parent in parents:  # this runs once per recorded argument
            if parent is not None:
                key = id(parent)
                count = deps.get(key)
                if count is None:
                    deps[key] = 1
                    stack.append(parent)
                else:
                    deps[key] = count + 1
        if not buffers:
            _tracked_args(node)
    return deps, graph, hooked


def _tracked_args(node):
    """A node's rules' arguments and ``ans`` as arrays a recorded pass tracks: a recorded
    argument is a handle tracked as its node's output, a leaf itself, an untracked array
    a fresh handle on its buffer."""
    args = []
    for parent, buf in zip(node.parents, node.bufs):
        if parent is None:
            args.append(as_arg(buf))
        elif isinstance(parent, Node):
            args.append(twin(buf, parent))
        elif parent._buf is not buf:  # the pass must track the leaf, which has moved on
            raise RuntimeError(_MOVED_LEAF.format(shape=tuple(parent.shape), name=node))
        else:
            args.append(parent)
    node.args = args
    if not node.prim.multiple_results:
        node.primal = twin(node.pbuf, node)


def _drop_residuals(node):
    params = node.params
    if "residuals" in params:
        node.params = {k: v for k, v in params.items() if k != "residuals"}


def _needed(graph, wanted):
    """Ids of the entries on a path to an entry in ``wanted`` (PyTorch runs only those)."""
    needed = set()
    for entry in sorted(graph, key=_creation_order):  # every entry after its parents
        key = id(entry)
        if key in wanted or (isinstance(entry, Node) and any(
                p is not None and id(p) in needed for p in entry.parents)):
            needed.add(key)
    return needed


def _creation_order(entry):
    return entry.seq if isinstance(entry, Node) else -1


class _Tie:
    """A ready leaf in the heap: ready leaves compare equal, so the heap releases them in
    the order PyTorch's (the same binary-heap algorithm) does."""

    __slots__ = ("entry",)

    def __init__(self, entry):
        self.entry = entry

    def __eq__(self, other):
        return True

    __hash__ = None


class _Schedule:
    """PyTorch's ready queue over the level-0 tape (see the module docstring). ``run``
    yields the entries ``backprop`` pulls back through; before yielding one it runs the
    entry's tensor hooks and ``retain_grad`` on its cotangent in ``cts`` (a multiple-
    results entry runs its outputs' too, in registration order). It finishes leaves itself
    (hooks, then ``accumulate``). An entry's parents are released once ``backprop`` has
    pulled its cotangent back into them (anomaly mode checks their cotangents for NaN
    then), and the entry is freed then."""

    def __init__(self, deps, needed, cts, wanted, accumulate, retain_graph, buffers=False):
        self.deps, self.needed, self.cts, self.wanted = deps, needed, cts, wanted
        self.accumulate, self.retain_graph = accumulate, retain_graph
        # cotangents are backend arrays (backprop_buffers): hooks see them wrapped
        self.wrap, self.raw = (wrap, _raw) if buffers else (_same, _same)

    def run(self, roots):
        deps, needed, cts, wanted = self.deps, self.needed, self.cts, self.wanted
        free, anomaly = not self.retain_graph, _STATE.anomaly
        heap: list = []
        push, pop = heapq.heappush, heapq.heappop
        outputs: list = []  # output entries run since the last multiple-results entry
        parents = roots  # the graph root's edges
        while True:
            for parent in parents:
                if parent is None:
                    continue
                key = id(parent)
                count = deps[key] - 1
                deps[key] = count
                if count == 0 and (needed is None or key in needed):
                    if isinstance(parent, Node):
                        push(heap, (-parent.seq, parent))
                    else:
                        push(heap, (_LEAF_KEY, _Tie(parent)))
            if not heap:
                return
            entry = pop(heap)[1]
            if type(entry) is _Tie:
                self._leaf(entry.entry)
                parents = ()
                continue
            if entry.hooks is not None or outputs or wanted is not None:
                self._hooks(entry, outputs)
            yield entry
            parents = entry.parents
            if anomaly:
                _check_nan(entry, parents, cts, self.wrap)
            if entry.prim is not OUTPUT:
                _free(entry, free)

    def _hooks(self, entry, outputs):
        cts, wanted, key = self.cts, self.wanted, id(entry)
        if key not in cts:
            return
        if entry.prim is OUTPUT:
            outputs.append(entry)  # its hooks run with its primitive's entry, next
            return
        wrap_, raw = self.wrap, self.raw
        if outputs:
            slots = [None if ct is None else wrap_(ct) for ct in cts[key]]
            _run_output_hooks(outputs, slots, wanted, self.accumulate)
            cts[key][:] = [None if ct is None else raw(ct) for ct in slots]
            outputs.clear()
        if entry.hooks is not None:
            cts[key] = raw(autograd_hooks.run_hooks(entry.hooks, wrap_(cts[key])))
        if wanted is not None and key in wanted:
            self.accumulate(wanted[key], wrap_(cts[key]))

    def _leaf(self, leaf):
        ct = self.cts.pop(id(leaf), None)
        if ct is None:
            return
        ct = self.wrap(ct)
        hooks = autograd_hooks.hooks_of(leaf)
        if hooks is not None:
            ct = autograd_hooks.run_hooks(hooks, ct)
        if self.wanted is None:
            self.accumulate(leaf, ct)
        elif id(leaf) in self.wanted:
            self.accumulate(self.wanted[id(leaf)], ct)


def _run_output_hooks(outputs, slots, wanted, accumulate):
    """The hooks of a multiple-results primitive's outputs, on their cotangents ``slots``,
    all in registration order (PyTorch keeps them on the one node)."""
    calls = []
    for entry in outputs:
        if entry.hooks is not None:
            calls.extend((handle, entry, fn) for handle, fn in entry.hooks.items())
    for _, entry, fn in sorted(calls, key=_first):
        index = entry.args[0]
        slots[index] = autograd_hooks.call_hook(fn, slots[index])
    for entry in outputs:
        index = entry.args[0]
        if entry.hooks is not None:
            slots[index] = autograd_hooks.retain(entry.hooks, slots[index])
        if wanted is not None and id(entry) in wanted:
            accumulate(wanted[id(entry)], slots[index])


def _check_nan(entry, parents, cts, wrap_):
    """Anomaly mode: name ``entry`` if pulling its cotangent back put a NaN into a
    parent's (an earlier NaN would have stopped the walk at the entry that made it)."""
    for index, parent in enumerate(parents):
        if parent is not None:
            ct = cts.get(id(parent))
            if ct is not None and type(ct) is not list:  # (a multiple-results' slots)
                autograd_hooks.check_nan(entry, index, wrap_(ct))


def _same(value):
    return value


def _raw(value):
    """A hook's result as a backend array (``None``, unchanged, was handled by
    ``call_hook``)."""
    return value._buf if isinstance(value, Array) else ops.asarray(value)._buf


def _first(item):
    return item[0]


def _free(node, free):
    """After the walk: drop the rules' tracked arguments, and unless the graph is
    retained the recorded buffers and residuals, as PyTorch frees saved tensors (the
    edges stay: ``grad_fn.next_functions`` still answers)."""
    if not node.prim.multiple_results:  # (a multiple-results entry's ans is its tuple)
        node.primal = None
    node.args = None
    if free:
        node.bufs = node.pbuf = node.primal = node.params = None


def _release(graph, retain_graph):
    """``_free`` the nodes the walk did not reach (``inputs`` pruned them, or it raised)."""
    for entry in graph:
        if isinstance(entry, Node) and entry.prim is not OUTPUT and entry.bufs is not None:
            _free(entry, not retain_graph)
