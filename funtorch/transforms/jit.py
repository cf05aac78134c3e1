"""``jit`` and ``make_graph``: stage a function once per signature into a :class:`Graph`
(``staging.py``: an abstract trace, shapes and dtypes, no data), optimise it, replay it as
generated straight-line Python that calls the primitives' ``impl`` directly.

The jitted call is itself a primitive, ``call_jit``, whose VJP, JVP and batching rules
are jitted programs built from the graph, so ``grad(jit(f))`` runs a jitted backward
pass and ``jit`` composes with every other transform. Binding it with the boxes the
function closes over (Parameters) makes the eager tape record the call.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from funtorch import backends, generator, ops, tree
from funtorch.core import _STATE, Array, Primitive, bind, wrap
from funtorch.transforms.custom import JointVJP
from funtorch.transforms.graph import Graph, Var, optimize
from funtorch.transforms.jit_args import ModuleGuard, StaticArgs, box_of, describe_bad_leaf
from funtorch.transforms.replay import Program
from funtorch.transforms.staging import stage_function
from funtorch.typing import P, R

__all__ = ["jit", "make_graph", "log_compiles"]

log_compiles = [os.environ.get("FUNTORCH_LOG_COMPILES", "") not in ("", "0")]

_WEAK_TYPES = (int, float, complex)


def stage(fun, flat_avals, in_tree, name, passes=True):
    """Trace ``fun`` abstractly; return the graph, the output tree and the values the
    caller passes after the arguments (boxes, then closed-over tracers of outer
    transforms). The global generator is left alone (used by ``while_loop``)."""
    staged = stage_function(fun, flat_avals, [False] * len(flat_avals), in_tree, name,
                            rng=False)
    graph = optimize(staged.graph, _evaluate_eqn) if passes else staged.graph
    return graph, staged.out_tree, staged.boxes + staged.lifted


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


def _call_vjp(cts, ans, *args, program):
    pullback = _derived(program, "vjp", lambda: jit(
        lambda primals, cotangents: vjp(evaluate_graph(program.graph), *primals)[1](
            cotangents)))
    return pullback(tuple(args), tuple(cts))


def _call_jvp(primals, tangents, program):
    pushforward = _derived(program, "jvp", lambda: jit(
        lambda p, t: jvp(evaluate_graph(program.graph), p, t)))
    tangents = tuple(ops.zeros_like(p) if t is None else t for p, t in zip(primals, tangents))
    return pushforward(tuple(primals), tangents)


def _call_batch(args, bdims, program):
    batched = _derived(program, ("vmap", tuple(bdims)), lambda: jit(
        vmap(evaluate_graph(program.graph), in_axes=tuple(bdims))))
    outs = batched(*args)
    return outs, (0,) * len(outs)


def _run(xp, *bufs, program):
    try:
        return program.run(*bufs)
    except Exception as exc:
        if exc.args and isinstance(exc.args[0], str):
            exc.args = (f"{exc.args[0]} (raised by the jitted `{program.graph.name}`)",
                        ) + exc.args[1:]
        raise


call_jit_p = Primitive(
    "call_jit", _run,
    shape=lambda *avals, program: [(v.shape, v.dtype) for v in program.graph.outvars],
    vjp=JointVJP(_call_vjp), jvp=_call_jvp, batch=_call_batch, multiple_results=True,
    register=False)


# jit ----------------------------------------------------------------------------------------


class JitProgram(Program):
    """A program plus what ``jit`` passes besides the arguments: the boxes the function
    closes over (read on every call), the program advancing the generator key, and the
    outputs that are not arrays."""

    def __init__(self, staged, in_tree):
        super().__init__(optimize(staged.graph, _evaluate_eqn), staged.out_tree)
        self.boxes = tuple(staged.boxes)
        self.box_avals = [(b._buf.shape, b._buf.dtype) for b in self.boxes]
        key_graph = staged.key_graph
        self.key_program = None if key_graph is None else Program(key_graph, None)
        self.static_outs = staged.static_outs
        # a Module argument's leaves are passed as their boxes (see jit_args.box_of)
        self.holds_objects = _has_objects(in_tree)

    def stale(self):
        """A box now holds a value of another shape or dtype: stage again."""
        return self.box_avals != [(b._buf.shape, b._buf.dtype) for b in self.boxes]

    def outputs(self, outs):
        """The call's results as the function's output tree."""
        outs = list(outs)
        for index, value in self.static_outs:
            outs.insert(index, value)
        return tree.unflatten(self.out_tree, outs)


_PLAIN_NODES = (tuple, list, dict, type(None))


def _has_objects(treedef):
    nodes = [treedef]
    while nodes:
        node = nodes.pop()
        if node.node_type is not None and node.node_type not in _PLAIN_NODES and not (
                issubclass(node.node_type, tuple)):
            return True
        nodes.extend(node.children)
    return False


def _aval_key(x):
    device = x.device
    if device is backends.CPU:
        return (tuple(x.shape), x.dtype)
    return (tuple(x.shape), x.dtype, str(device))


def _as_input(x):
    """An argument leaf as an array and whether it is weakly typed; ``None`` if it is not
    array-like."""
    if isinstance(x, (np.ndarray, np.generic)):
        return (ops.asarray(x), False) if x.dtype.kind in "biufc" else (None, False)
    if isinstance(x, bool):
        return ops.asarray(x), False
    if isinstance(x, _WEAK_TYPES):
        return ops.asarray(x), True
    if hasattr(x, "__cuda_array_interface__") or hasattr(x, "__array__"):
        x = ops.asarray(x)
        return (x, False) if x.dtype.kind in "biufc" else (None, False)
    return None, False


class _NotAnArray(Exception):
    def __init__(self, index):
        self.index = index


def _input_key(flat):
    """Turn the leaves into arrays in place; return their part of the cache key (Python
    scalars are marked weak). Raises ``_NotAnArray`` for a leaf that is not array-like."""
    key = []
    for index, x in enumerate(flat):
        if type(x) is Array and type(x._buf) is np.ndarray:
            key.append((x._buf.shape, x._buf.dtype))
        elif isinstance(x, Array):
            key.append(_aval_key(x))
        else:
            x, weak = _as_input(x)
            if x is None:
                raise _NotAnArray(index)
            flat[index] = x
            key.append(("weak", x.dtype) if weak else _aval_key(x))
    return tuple(key)


def _flatten_inputs(statics, args, kwargs):
    """``(flat, cache key)`` of one call; the key is the input tree,
    the leaves' avals and the static values."""
    original, static = args, ()
    if statics.active:
        args, kwargs, static = statics.split(args, kwargs)
    flat, in_tree = tree.flatten((args, kwargs))
    try:
        key = (in_tree, _input_key(flat), static)
    except _NotAnArray as bad:
        raise describe_bad_leaf(statics, in_tree, bad.index, flat[bad.index],
                                original) from None
    return flat, key


def jit(fun: Callable[P, R], static_argnums: int | Sequence[int] = (),
        static_argnames: str | Sequence[str] | None = None,
        donate_argnums: int | Sequence[int] = ()) -> Callable[P, R]:
    """Compile ``fun``: stage it once per input signature (pytree structure, shapes,
    dtypes, device, static values) into an optimised graph, then replay it.

    Python numbers passed as arguments are weakly typed, as in eager code (``x * s``
    keeps ``x``'s dtype). Parameters and arrays that require grad which ``fun``
    closes over (or finds in a Module argument) are read on every call and recorded by
    ``backward()``; draws from the global generator (``ft.rand``, Dropout) advance it.
    Modules that ``fun`` closes over (found in its closure, globals, defaults or bound
    object when it is first called) are guarded, as ``torch.compile`` does: their
    ``training`` flags select the program (``model.eval()`` takes effect), and their
    buffers are inputs read on every call, and outputs written back when ``fun``
    replaces them (BatchNorm's running statistics in training mode).

    Args:
        fun: a function of arrays (pytrees allowed).
        static_argnums: positions of hashable Python arguments that select the program
            (negative counts from the end); completed from ``static_argnames``.
        static_argnames: names of static arguments (passed by keyword or by position).
        donate_argnums: accepted for JAX compatibility; buffers are never reused in place.

    Returns:
        A function with ``fun``'s signature and results (the type checker sees the same).

    Raises:
        TypeError: using a traced value's Python value (``if x > 0``, ``float(x)``) inside
            (the message names the function, the line and the fixes); an argument that is
            neither an array, a number nor a pytree of them and is not static.
        ValueError: a static position the call does not provide.

    Example:
        >>> step = ft.jit(ft.value_and_grad(lambda w: ft.sum(w ** 2)))
        >>> value, grad = step(ft.ones(3))
        >>> float(value), grad.tolist()
        (3.0, [2.0, 2.0, 2.0])
    """
    name = getattr(fun, "__name__", type(fun).__name__)
    statics = StaticArgs(fun, static_argnums, static_argnames, name)
    cache: dict = {}
    watched = [None]  # the modules fun closes over (see jit_args), found at the first call

    @functools.wraps(fun)
    def jitted(*args: Any, **kwargs: Any) -> Any:
        flat, key = _flatten_inputs(statics, args, kwargs)
        modules = watched[0]
        if modules is None:
            guard = ModuleGuard(fun)
            modules = watched[0] = guard if guard.modules else ()  # () costs nothing below
        guarded, buffers = key, ()
        if modules:
            buffers = modules.buffers()
            guarded = (key, modules.modes(), *[(b.shape, b.dtype) for b in buffers])
        program = cache.get(guarded)
        lifted = ()
        if program is None or program.boxes and program.stale():
            if log_compiles[0]:
                print(f"jit: compiling `{name}` for {[_aval_key(x) for x in flat]}",
                      file=sys.stderr)
            staged = _stage_call(fun, name, statics, flat, key, modules, buffers)
            program, lifted = JitProgram(staged, key[0]), tuple(staged.lifted)
            if not lifted:  # closing over an outer transform's tracer: valid for this call
                cache[guarded] = program
        if program.holds_objects and _STATE.grad_enabled:
            flat = [box_of(x) for x in flat]
        boxes = (*buffers, *program.boxes) if buffers else program.boxes
        if program.key_program is None:
            outs = bind(call_jit_p, *flat, *boxes, *lifted, program=program)
        else:
            rng_key = generator.advance_key(  # atomic: no other thread draws with rng_key
                lambda key: bind(call_jit_p, key, program=program.key_program)[0])
            outs = bind(call_jit_p, *flat, *boxes, *lifted, rng_key, program=program)
        if buffers:
            outs, new_buffers, changed = program.outputs(outs)
            if changed.indices:
                modules.write_back(new_buffers, changed, name)
            return outs
        return program.outputs(outs)
    jitted.cache = cache
    return jitted


def _stage_call(fun, name, statics, flat, key, modules=None, buffers=()):
    """Stage ``fun`` for one call signature: its dynamic arguments are the leaves
    ``flat``; ``key`` holds the input tree, the weak flags and the static values. The
    buffers of closed-over ``modules`` are extra inputs and outputs, after ``flat``."""
    in_tree, avals, static = key

    def flat_fun(dyn, kw):
        return fun(*statics.rebuild(static, dyn), **statics.rebuild_kwargs(static, kw))
    flat_fun.__name__ = name
    weak = [aval[0] == "weak" for aval in avals]
    if not buffers:
        return stage_function(flat_fun, flat, weak, in_tree, name)
    return stage_function(modules.staged(flat_fun), [*flat, *buffers],
                          weak + [False] * len(buffers), modules.in_tree(in_tree), name)


def make_graph(fun: Callable[..., Any], optimize_graph: bool = False,
               static_argnums: int | Sequence[int] = (),
               static_argnames: str | Sequence[str] | None = None) -> Callable[..., Graph]:
    """Return a function that stages ``fun`` on example arguments and returns its
    :class:`Graph` (``str()`` lists it, ``.to_dot()`` draws it). Arguments are taken as
    ``jit`` takes them (keywords, static arguments, Python numbers weakly typed).

    Args:
        fun: the function to stage.
        optimize_graph: run constant folding, CSE and DCE on the graph, as jit does.
        static_argnums, static_argnames: as for :func:`jit`.

    Returns:
        A function of ``fun``'s arguments returning the staged :class:`Graph`.

    Example:
        >>> graph = str(ft.make_graph(lambda x, w, b: w * x + b)(2.0, 3.0, 1.0))
        >>> [op for op in ("mul(", "add(") if op in graph]  # one equation each
        ['mul(', 'add(']
    """
    name = getattr(fun, "__name__", type(fun).__name__)
    statics = StaticArgs(fun, static_argnums, static_argnames, name)

    @functools.wraps(fun)
    def staged(*args: Any, **kwargs: Any) -> Graph:
        flat, key = _flatten_inputs(statics, args, kwargs)
        graph = _stage_call(fun, name, statics, flat, key).graph
        return optimize(graph, _evaluate_eqn) if optimize_graph else graph
    return staged


from funtorch.grad import vjp  # noqa: E402  (the rules above build on the other transforms)
from funtorch.transforms.jvp import jvp  # noqa: E402
from funtorch.transforms.vmap import vmap  # noqa: E402
