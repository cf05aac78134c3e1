"""``jit`` and ``make_graph``: stage a function once per signature into a :class:`Graph`
(an abstract trace: shapes and dtypes, no data), optimise it, replay it as generated
straight-line Python that calls the primitives' ``impl`` directly.

The jitted call is itself a primitive, ``call_jit``, whose VJP, JVP and batching rules
are jitted programs built from the graph, so ``grad(jit(f))`` runs a jitted backward
pass and ``jit`` composes with every other transform.
"""

from __future__ import annotations

import functools
import os
import sys

from funtorch import backends, ops, tree
from funtorch.core import Array, Primitive, Trace, Tracer, bind, new_trace, wrap
from funtorch.transforms.custom import PerArgument
from funtorch.transforms.graph import Eqn, Graph, Literal, Var, optimize
from funtorch.transforms.replay import Program

__all__ = ["jit", "make_graph", "log_compiles"]

log_compiles = [os.environ.get("FUNTORCH_LOG_COMPILES", "") not in ("", "0")]

_CONCRETE = (
    "jit: `{fun}` needs the value of a traced array (shape {shape}, dtype {dtype}) for "
    "{what}{where}, but inside jit values are abstract. Mark Python-level arguments as "
    "static with ft.jit(f, static_argnums=...), choose elementwise with ft.where, or "
    "branch with ft.cond.")


def _user_frame():
    """The first stack frame outside funtorch (where the user's code touched the value)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(root):
        frame = frame.f_back
    if frame is None:
        return ""
    return f" at {frame.f_code.co_filename}:{frame.f_lineno}"


def concretization_error(var, what):
    return TypeError(_CONCRETE.format(fun=var.fun_name, shape=var.shape, dtype=var.dtype,
                                      what=what, where=_user_frame()))


class StagedTracer(Tracer):
    """A value being staged: it only knows its :class:`Var` (shape, dtype, device)."""

    __slots__ = ("var",)

    def __init__(self, trace, var):
        self._trace = trace
        self.var = var
        self._node = None
        self.grad = None

    @property
    def aval(self):
        return self.var


class StagingTrace(Trace):
    __slots__ = ("eqns", "consts", "counter", "device")

    def __init__(self, level, transform, fun_name):
        super().__init__(level, transform, fun_name)
        self.eqns = []
        self.consts = {}  # id(value) -> (Var, value)
        self.counter = [0]

    def new_var(self, shape, dtype, device):
        self.counter[0] += 1
        return Var(self.counter[0], shape, dtype, device, self.fun_name)

    def const_var(self, value):
        entry = self.consts.get(id(value))
        if entry is None:
            entry = (self.new_var(value.shape, value.dtype, value.device), value)
            self.consts[id(value)] = entry
        return entry[0]

    def process_primitive(self, prim, args, params):
        inputs = []
        for arg in args:
            if type(arg) is StagedTracer and arg._trace is self:
                inputs.append(arg.var)
            elif isinstance(arg, Array):  # a concrete array or an outer transform's tracer
                inputs.append(self.const_var(arg))
            else:
                inputs.append(Literal(arg))
        avals = [v.value if type(v) is Literal else v for v in inputs]
        result = prim.shape(*avals, **params)
        device = next((v.device for v in inputs if isinstance(v, Var)), backends.CPU)
        results = result if prim.multiple_results else [result]
        outputs = [self.new_var(shape, dtype, device) for shape, dtype in results]
        self.eqns.append(Eqn(prim, inputs, params, outputs))
        tracers = tuple(StagedTracer(self, v) for v in outputs)
        return tracers if prim.multiple_results else tracers[0]


def _aval_key(x):
    return (tuple(x.shape), x.dtype, str(x.device))


def stage(fun, flat_avals, in_tree, name, passes=True):
    """Trace ``fun`` abstractly; return the graph, the output tree and the closed-over
    tracers of outer transforms (which become trailing graph inputs)."""
    trace = new_trace(StagingTrace, "jit", fun)
    invars = [trace.new_var(a.shape, a.dtype, a.device) for a in flat_avals]
    try:
        out = fun(*tree.unflatten(in_tree, [StagedTracer(trace, v) for v in invars]))
    finally:
        trace.active = False
    out_flat, out_tree = tree.flatten(out)
    outvars = []
    for value in out_flat:
        if type(value) is StagedTracer and value._trace is trace:
            outvars.append(value.var)
        else:
            value = value if isinstance(value, Array) else ops.asarray(value)
            outvars.append(trace.const_var(value))
    consts = [(v, c) for v, c in trace.consts.values() if not isinstance(c, Tracer)]
    lifted = [(v, c) for v, c in trace.consts.values() if isinstance(c, Tracer)]
    graph = Graph(invars + [v for v, _ in lifted], [v for v, _ in consts],
                  [c._buf for _, c in consts], trace.eqns, outvars, name)
    if passes:
        graph = optimize(graph, _evaluate_eqn)
    return graph, out_tree, [c for _, c in lifted]


def _evaluate_eqn(eqn, values):
    """Constant folding: run one equation on constant buffers, return buffers."""
    arrays = [wrap(v) if hasattr(v, "dtype") else v for v in values]
    out = bind(eqn.prim, *arrays, **eqn.params)
    return tuple(o._buf for o in out) if eqn.prim.multiple_results else (out._buf,)


def evaluate_graph(graph):
    """The graph as a Python function of arrays that binds every equation (so outer
    transforms see each primitive); used by call_jit's rules."""
    def run(*args):
        env = {id(v): a for v, a in zip(graph.invars, args)}
        env.update({id(v): wrap(c) for v, c in zip(graph.constvars, graph.consts)})
        for eqn in graph.eqns:
            vals = [env[id(v)] if isinstance(v, Var) else v.value for v in eqn.inputs]
            outs = bind(eqn.prim, *vals, **eqn.params)
            outs = outs if eqn.prim.multiple_results else (outs,)
            env.update((id(v), o) for v, o in zip(eqn.outputs, outs))
        return tuple(env[id(v)] for v in graph.outvars)
    run.__name__ = graph.name
    return run


# The jitted call as a primitive ------------------------------------------------------------


def _derived(program, key, build):
    fn = program.derived.get(key)
    if fn is None:
        fn = program.derived[key] = build()
    return fn


def _call_vjp(index):
    def rule(cts, ans, *args, program, cache):
        if cache.get("key") is not cts:
            pullback = _derived(program, "vjp", lambda: jit(
                lambda primals, cotangents: vjp(evaluate_graph(program.graph), *primals)[1](
                    cotangents)))
            cache["key"], cache["value"] = cts, pullback(tuple(args), tuple(cts))
        return cache["value"][index]
    return rule


def _call_jvp(primals, tangents, program, cache):
    pushforward = _derived(program, "jvp", lambda: jit(
        lambda p, t: jvp(evaluate_graph(program.graph), p, t)))
    tangents = tuple(ops.zeros_like(p) if t is None else t for p, t in zip(primals, tangents))
    return pushforward(tuple(primals), tangents)


def _call_batch(args, bdims, program, cache):
    batched = _derived(program, ("vmap", tuple(bdims)), lambda: jit(
        vmap(evaluate_graph(program.graph), in_axes=tuple(bdims))))
    outs = batched(*args)
    return outs, (0,) * len(outs)


call_jit_p = Primitive(
    "call_jit", lambda xp, *bufs, program, cache: program.run(*bufs),
    shape=lambda *avals, program, cache: [(v.shape, v.dtype) for v in program.graph.outvars],
    vjp=PerArgument(_call_vjp), jvp=_call_jvp, batch=_call_batch, multiple_results=True,
    register=False)


def _split_static(args, static_argnums, name):
    static = []
    for index in static_argnums:
        if index >= len(args):
            raise ValueError(f"jit: static_argnums contains {index} but `{name}` got "
                             f"{len(args)} positional arguments")
        try:
            hash(args[index])
        except TypeError:
            raise TypeError(f"jit: static argument {index} of `{name}` must be hashable (it "
                            f"is part of the cache key), got {type(args[index]).__name__}; "
                            "pass arrays as ordinary arguments") from None
        static.append((index, args[index]))
    dynamic = [a for i, a in enumerate(args) if i not in static_argnums]
    return tuple(static), dynamic


def _rebuild(static, dynamic):
    full = list(dynamic)
    for index, value in static:
        full.insert(index, value)
    return full


def jit(fun, static_argnums=(), donate_argnums=()):
    """Compile ``fun``: stage it once per input signature (pytree structure, shapes,
    dtypes, device, static values) into an optimised graph, then replay it.

    Args:
        fun: a pure function of arrays (pytrees allowed).
        static_argnums: positions of hashable Python arguments that select the program.
        donate_argnums: accepted for JAX compatibility; buffers are never reused in place.

    Raises:
        TypeError: using a traced value's Python value (``if x > 0``, ``float(x)``) inside;
            the message names the function, the line and the fixes.

    Example:
        >>> step = ft.jit(ft.value_and_grad(lambda w: ft.sum(w ** 2)))
        >>> step(ft.ones(3))
    """
    static_argnums = (static_argnums,) if isinstance(static_argnums, int) else tuple(
        static_argnums)
    name = getattr(fun, "__name__", type(fun).__name__)
    cache: dict = {}

    @functools.wraps(fun)
    def jitted(*args, **kwargs):
        static, dynamic = _split_static(args, static_argnums, name)
        flat, in_tree = tree.flatten((dynamic, kwargs))
        flat = [x if isinstance(x, Array) else ops.asarray(x) for x in flat]
        key = (in_tree, tuple(_aval_key(x) for x in flat), static)
        program = cache.get(key)
        lifted = ()
        if program is None:
            if log_compiles[0]:
                print(f"jit: compiling `{name}` for {[_aval_key(x) for x in flat]}",
                      file=sys.stderr)

            def flat_fun(dyn, kw):
                return fun(*_rebuild(static, dyn), **kw)
            flat_fun.__name__ = name
            graph, out_tree, lifted = stage(flat_fun, flat, in_tree, name)
            program = Program(graph, out_tree)
            if not lifted:  # closing over an outer transform's tracer: valid for this call
                cache[key] = program
        outs = bind(call_jit_p, *flat, *lifted, program=program, cache={})
        return tree.unflatten(program.out_tree, list(outs))
    jitted.cache = cache
    return jitted


def make_graph(fun, optimize_graph=False):
    """Return a function that stages ``fun`` on example arguments and returns its
    :class:`Graph` (``str()`` lists it, ``.to_dot()`` draws it).

    Example:
        >>> print(ft.make_graph(lambda x, w, b: w * x + b)(2.0, 3.0, 1.0))
    """
    name = getattr(fun, "__name__", type(fun).__name__)

    @functools.wraps(fun)
    def staged(*args):
        flat, in_tree = tree.flatten(args)
        flat = [x if isinstance(x, Array) else ops.asarray(x) for x in flat]
        graph, _, _ = stage(fun, flat, in_tree, name, passes=optimize_graph)
        return graph
    return staged


from funtorch.grad import vjp  # noqa: E402  (the rules above build on the other transforms)
from funtorch.transforms.jvp import jvp  # noqa: E402
from funtorch.transforms.vmap import vmap  # noqa: E402
