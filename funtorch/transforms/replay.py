"""Replay of a staged graph: generated straight-line Python (measured ~2x faster than an
interpreter loop, see ``bench/replay.py``) with a memory plan.

The plan deletes every intermediate after its last use, and lets an elementwise ufunc
write in place (``out=``) into an input that dies there. Only buffers a ufunc of the
program allocated are overwritten, and only if no other primitive ever received them
(it may have returned a view); program inputs and constants are never written.
"""

from __future__ import annotations

from funtorch import backends
from funtorch.transforms.graph import Var

__all__ = ["Program", "cached_program"]

_MIN_REUSE = 4096  # elements; below this a fresh allocation costs less than ``out=``


class Program:
    """A compiled graph: ``run(*buffers) -> tuple of buffers``; ``derived`` caches the
    jitted programs of its VJP, JVP and batching rules."""

    def __init__(self, graph, out_tree):
        self.graph = graph
        self.out_tree = out_tree
        self.derived = {}
        device = graph.invars[0].device if graph.invars else backends.CPU
        self.xp = backends.get_backend(device).xp
        self.source, self.run = _generate(graph, self.xp)

    def __repr__(self):
        return f"Program({self.graph.name}, {len(self.graph.eqns)} equations)"


_CACHE_SIZE = 256
_SMALL_CONST = 64  # elements: a constant this small is keyed by value (a fresh fold each
# staging), a larger one by identity (the cache keeps it alive, so ids stay unique)
_cache: dict = {}


def _const_key(value):
    if value.size <= _SMALL_CONST and hasattr(value, "tobytes"):
        return ("value", value.shape, value.dtype.str, value.tobytes())
    return ("id", id(value))


def _fingerprint(graph):
    """A hashable key equal for two graphs that compute the same function: equations,
    params, avals and wiring, with constants by value (small) or identity."""
    where = {id(v): ("in", i) for i, v in enumerate(graph.invars)}
    where.update((id(v), _const_key(c)) for v, c in zip(graph.constvars, graph.consts))
    parts = [tuple((v.shape, v.dtype.str, str(v.device), v.weak) for v in graph.invars)]
    for index, eqn in enumerate(graph.eqns):
        ins = tuple(where[id(v)] if isinstance(v, Var) else ("l", type(v.value), repr(v.value))
                    for v in eqn.inputs)
        parts.append((eqn.prim, ins, tuple(sorted(eqn.params.items())),
                      tuple((o.shape, o.dtype.str) for o in eqn.outputs)))
        where.update((id(o), (index, k)) for k, o in enumerate(eqn.outputs))
    parts.append(tuple(where[id(v)] for v in graph.outvars))
    return tuple(parts)


def cached_program(graph):
    """A :class:`Program` for ``graph``: the one made for an identical graph before when
    there is one (with its derived programs: a ``scan`` called again reuses its compiled
    step, VJP and JVP), else a new one."""
    try:
        key = _fingerprint(graph)
        program = _cache.get(key)
    except TypeError:  # an unhashable param or literal: not cached
        return Program(graph, None)
    if program is None:
        program = _cache[key] = Program(graph, None)
        if len(_cache) > _CACHE_SIZE:
            del _cache[next(iter(_cache))]
    return program


def _last_use(graph):
    last = {}
    for index, eqn in enumerate(graph.eqns):
        for var in eqn.inputs:
            if isinstance(var, Var):
                last[id(var)] = index
    return last


def _elementwise(eqn, xp):
    """A true ufunc call (accepts ``out=``); ``where`` is called directly but is not one."""
    if eqn.prim.ufunc is None or eqn.params or eqn.prim.multiple_results:
        return False
    fn = getattr(xp, eqn.prim.ufunc)
    return hasattr(fn, "nin") and hasattr(fn, "nout")


class _MemoryPlan:
    """``drops[i]``: variables to delete after equation i; ``in_place[i]``: the input that
    equation i overwrites through ``out=``.

    A ufunc may write into an input that dies at that equation when the shapes and dtypes
    match and the buffer was allocated by a ufunc of this program and never passed to any
    other primitive (which could have returned a view of it that is still alive).
    """

    def __init__(self, graph, xp):
        keep = {id(v) for v in graph.outvars} | {id(v) for v in graph.constvars}
        last = _last_use(graph)
        root = {}  # variable -> the buffer it lives in (only for ufunc-allocated buffers)
        tainted = set()  # buffers another primitive has seen (it may hold a view of them)
        self.drops = [[] for _ in graph.eqns]
        self.in_place = {}
        for index, eqn in enumerate(graph.eqns):
            dying = [v for v in eqn.inputs if isinstance(v, Var) and last.get(id(v)) == index
                     and id(v) not in keep]
            out = eqn.outputs[0]
            if _elementwise(eqn, xp):
                target = next((v for v in dying if id(v) in root and root[id(v)] not in tainted
                               and v.shape == out.shape and v.dtype == out.dtype
                               and out.size >= _MIN_REUSE), None)
                if target is not None:
                    self.in_place[index] = target
                    root[id(out)] = root[id(target)]
                else:
                    root[id(out)] = id(out)
            else:
                tainted.update(root[id(v)] for v in eqn.inputs
                               if isinstance(v, Var) and id(v) in root)
            self.drops[index] = list({id(v): v for v in dying}.values())
            self.drops[index] += [v for v in eqn.outputs if id(v) not in last
                                  and id(v) not in keep]


def _generate(graph, xp):
    plan = _MemoryPlan(graph, xp)
    names = {}
    namespace = {"xp": xp}
    for i, var in enumerate(graph.invars):
        names[id(var)] = f"a{i}"
    for i, (var, value) in enumerate(zip(graph.constvars, graph.consts)):
        names[id(var)] = f"c{i}"
        namespace[f"c{i}"] = value
    body = []
    for i, eqn in enumerate(graph.eqns):
        direct = eqn.prim.ufunc is not None and not eqn.params
        args = [] if direct else ["xp"]
        for j, inp in enumerate(eqn.inputs):
            if isinstance(inp, Var):
                args.append(names[id(inp)])
            else:
                namespace[f"l{i}_{j}"] = inp.value
                args.append(f"l{i}_{j}")
        namespace[f"f{i}"] = getattr(xp, eqn.prim.ufunc) if direct else eqn.prim.impl
        if eqn.params:
            namespace[f"p{i}"] = eqn.params
            args.append(f"**p{i}")
        if i in plan.in_place:
            args.append(f"out={names[id(plan.in_place[i])]}")
        for var in eqn.outputs:
            names[id(var)] = f"v{var.count}"
        targets = ", ".join(names[id(v)] for v in eqn.outputs)
        targets += "," if eqn.prim.multiple_results and len(eqn.outputs) == 1 else ""
        body.append(f"    {targets} = f{i}({', '.join(args)})")
        dead = [names[id(v)] for v in plan.drops[i]]
        if dead:
            body.append(f"    del {', '.join(dead)}")
    outs = [names[id(v)] for v in graph.outvars]
    params = ", ".join(f"a{i}" for i in range(len(graph.invars)))
    source = "\n".join([f"def run({params}):", *body,
                        f"    return ({', '.join(outs)}{',' if len(outs) == 1 else ''})"])
    exec(compile(source, f"<jit {graph.name}>", "exec"), namespace)  # noqa: S102 - our codegen
    # popped so that the function's globals don't point back at it: that cycle would keep
    # the constants alive until the cyclic GC ran
    return source, namespace.pop("run")
