"""Staging for ``jit`` and ``make_graph``: run a function on :class:`StagedTracer` s
(shape rules only, no data) and record a :class:`Graph`.

Values a staged function uses without receiving them become graph inputs or constants:

- plain arrays that do not require grad are constants (immutable, so baking them is safe);
- ``Parameter`` boxes and arrays that require grad are *boxes*: inputs the caller passes
  on every call, so ops read a box's current value and the eager tape records the call;
- tracers of an outer transform are *lifted*: inputs valid for this call only;
- the global generator's key (``ft.rand``, Dropout) is an input, and a second graph
  computes the advanced key from it (``key_graph``).

Python scalar arguments are *weak* (JAX's weak types): their variable takes the dtype of
the arrays it meets, as a Python number does in eager code (``float16 * 2.0`` stays
float16).
"""

from __future__ import annotations

import os
import sys

import numpy as np

from funtorch import backends, generator, ops, tree
from funtorch.core import _STATE, Array, Trace, Tracer, new_trace
from funtorch.errors import ConcretizationError
from funtorch.ops.logic import convert_p
from funtorch.transforms.graph import Eqn, Graph, Literal, Var, eliminate_dead_code

__all__ = ["StagedTracer", "StagingTrace", "Staged", "stage_function", "concretization_error"]

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_CONCRETE = (
    "jit: `{fun}` needs the value of a traced array (shape {shape}, dtype {dtype}) for "
    "{what}{where}, but inside jit values are abstract. Mark Python-level arguments as "
    "static with ft.jit(f, static_argnums=...), choose elementwise with ft.where, or "
    "branch with ft.cond.")
_KEY_DEPENDS = ("jit: `{fun}` leaves the global generator (ft.manual_seed, ft.rand) in a "
                "state computed from its arguments; seed it outside the jitted function, or "
                "pass an ft.random key")


def _is_user_file(filename):
    return not os.path.abspath(filename).startswith(_ROOT)


def _user_frame():
    """The first stack frame outside funtorch (where the user's code touched the value)."""
    frame = sys._getframe(1)
    while frame is not None and not _is_user_file(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:
        return ""
    return f" at {frame.f_code.co_filename}:{frame.f_lineno}"


def concretization_error(var, what):
    exc = ConcretizationError(_CONCRETE.format(fun=var.fun_name, shape=var.shape, dtype=var.dtype,
                                     what=what, where=_user_frame()))
    exc._jit_named = True  # the message names the function and the line already
    return exc


def _name_function_in(exc, name):
    """Add the staged function's name and the user's line to an error raised while
    staging it, keeping its type and traceback (the innermost jit names itself)."""
    if getattr(exc, "_jit_named", False):
        return
    import traceback  # (here: ~2 ms of import funtorch, for a failing staging only)

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _is_user_file(f.filename)]
    where = f", at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    note = f" (raised while ft.jit staged `{name}`{where})"
    try:
        exc._jit_named = True
    except AttributeError:  # an exception type with __slots__: leave it as it is
        return
    if exc.args and isinstance(exc.args[0], str):
        exc.args = (exc.args[0] + note,) + exc.args[1:]
    else:
        exc.add_note(note.strip())


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


# Weak types --------------------------------------------------------------------------------

_STAND_IN = {"i": 1, "u": 1, "f": 1.0, "c": 1j}  # what a weak variable was in eager code
_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _result_dtypes(prim, avals, params):
    result = prim.shape(*avals, **params)
    return [np.dtype(d) for _, d in (result if prim.multiple_results else [result])]


def _resolve_weak(trace, prim, inputs, params):
    """Cast weak inputs that meet arrays to the dtype eager code computes in; returns the
    inputs and whether the outputs stay weak (no array among the inputs)."""
    strong = [v for v in inputs if type(v) is Var and not v.weak]
    if not strong:
        return inputs, True
    avals = [v.value if type(v) is Literal else v for v in inputs]
    stand_ins = [_STAND_IN[v.dtype.kind] if type(v) is Var and v.weak else a
                 for v, a in zip(inputs, avals)]
    try:
        eager = _result_dtypes(prim, stand_ins, params)
        staged = _result_dtypes(prim, avals, params)
    except Exception:  # noqa: BLE001 - the real call below raises the user-facing error
        return inputs, False
    if eager == staged:
        return inputs, False
    rank = max(_RANK[v.dtype.kind] for v in strong)
    resolved = []
    for var in inputs:
        # a float scalar meeting integer arrays keeps its (default float) dtype
        if type(var) is Var and var.weak and _RANK[var.dtype.kind] <= rank:
            var = trace.emit(convert_p, [var], {"dtype": eager[0]}, False)[0]
        resolved.append(var)
    return resolved, False


class StagingTrace(Trace):
    __slots__ = ("eqns", "consts", "counter")

    def __init__(self, level, transform, fun_name):
        super().__init__(level, transform, fun_name)
        self.eqns = []
        self.consts = {}  # id(value) -> (Var, value): constants, boxes and lifted tracers
        self.counter = [0]

    def new_var(self, shape, dtype, device, weak=False):
        self.counter[0] += 1
        return Var(self.counter[0], shape, dtype, device, self.fun_name, weak)

    def const_var(self, value):
        entry = self.consts.get(id(value))
        if entry is None:
            entry = (self.new_var(value.shape, value.dtype, value.device), value)
            self.consts[id(value)] = entry
        return entry[0]

    def emit(self, prim, inputs, params, weak):
        """Record ``prim(*inputs)``; return the output variables."""
        avals = [v.value if type(v) is Literal else v for v in inputs]
        result = prim.shape(*avals, **params)
        device = next((v.device for v in inputs if isinstance(v, Var)), backends.CPU)
        results = result if prim.multiple_results else [result]
        outputs = [self.new_var(shape, dtype, device, weak and np.dtype(dtype).kind in "iufc")
                   for shape, dtype in results]
        self.eqns.append(Eqn(prim, inputs, params, outputs))
        return outputs

    def process_primitive(self, prim, args, params):
        inputs = []
        weak = False
        for arg in args:
            if type(arg) is StagedTracer and arg._trace is self:
                inputs.append(arg.var)
                weak = weak or arg.var.weak
            elif isinstance(arg, Array):  # a constant, a box or an outer transform's tracer
                inputs.append(self.const_var(arg))
            else:
                inputs.append(Literal(arg))
        if weak:
            inputs, weak = _resolve_weak(self, prim, inputs, params)
        tracers = tuple(StagedTracer(self, v) for v in self.emit(prim, inputs, params, weak))
        return tracers if prim.multiple_results else tracers[0]


# Staging a function ------------------------------------------------------------------------


class Staged:
    """What staging produced: the graph (inputs: arguments, boxes, lifted tracers, then
    the generator key when used), the output structure, the values the caller passes
    besides the arguments, the key graph and the non-array outputs ``(index, value)``."""

    __slots__ = ("graph", "out_tree", "boxes", "lifted", "key_graph", "static_outs")


def _is_number(value):
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype.kind in "biufc"
    return isinstance(value, (bool, int, float, complex))


def _key_graph(trace, key_var, final_key, name):
    """The graph computing the advanced generator key from the key alone."""
    if type(final_key) is StagedTracer and final_key._trace is trace:
        out = final_key.var
    else:
        out = trace.const_var(final_key)
    graph = Graph([key_var], [], [], trace.eqns, [out], name + "_key")
    consts = {id(v): (v, c) for v, c in trace.consts.values()}
    graph = eliminate_dead_code(graph.replace(
        constvars=[v for v, _ in consts.values()], consts=[c for _, c in consts.values()]))
    defined = {id(key_var)} | {id(v) for e in graph.eqns for v in e.outputs}
    for var, value in zip(graph.constvars, graph.consts):
        if isinstance(value, Tracer) or type(value) is not Array or value._node is not None:
            raise NotImplementedError(_KEY_DEPENDS.format(fun=name))
        defined.add(id(var))
    used = {id(v) for e in graph.eqns for v in e.inputs if isinstance(v, Var)}
    if not used <= defined or (isinstance(out, Var) and id(out) not in defined):
        raise NotImplementedError(_KEY_DEPENDS.format(fun=name))
    return graph.replace(consts=[c._buf for c in graph.consts])


def stage_function(fun, flat_avals, weak, in_tree, name, rng=True):
    """Trace ``fun`` abstractly on arguments with the avals ``flat_avals`` (``weak[i]``:
    argument ``i`` is a Python scalar) and return a :class:`Staged`.

    With ``rng`` the global generator's key is an input while staging (and the real key
    is untouched); without it (``scan``/``cond``/``while_loop`` bodies) a draw raises
    ``ConcretizationError``, so that the loop falls back to running in Python.
    """
    trace = new_trace(StagingTrace, "jit", fun)
    invars = [trace.new_var(a.shape, a.dtype, a.device, w) for a, w in zip(flat_avals, weak)]
    if rng:  # this thread's draws see a key input; other threads' draws the real key
        saved_key = generator.get_key()
        key_var = trace.new_var(saved_key.shape, saved_key.dtype, saved_key.device)
        key_in = StagedTracer(trace, key_var)
        outer_key = generator.override_key(key_in)
    # a body staged without a key input must not draw (see generator.forbid_draws); a jit
    # staged inside such a body has its own key input and may
    outer_forbid = generator.forbid_draws(None if rng else f"staging {name}")
    outer_staging, _STATE.staging = _STATE.staging, trace
    try:
        out = fun(*tree.unflatten(in_tree, [StagedTracer(trace, v) for v in invars]))
    except Exception as exc:
        _name_function_in(exc, name)
        raise
    finally:
        _STATE.staging = outer_staging
        trace.active = False
        generator.forbid_draws(outer_forbid)
        if rng:
            final_key = generator.get_key()
            generator.override_key(outer_key)
    out_flat, out_tree = tree.flatten(out)
    staged = Staged()
    staged.static_outs, outvars = [], []
    for index, value in enumerate(out_flat):
        if type(value) is StagedTracer and value._trace is trace:
            outvars.append(value.var)
        elif isinstance(value, Array) or _is_number(value):
            outvars.append(trace.const_var(ops.asarray(value)))
        else:  # a string or another Python object (e.g. an aux label): returned as it is
            staged.static_outs.append((index, value))
    staged.key_graph = None
    if rng and final_key is not key_in:
        staged.key_graph = _key_graph(trace, key_var, final_key, name)
        invars_extra = [key_var]
    else:
        invars_extra = []
    consts, boxes, lifted = [], [], []
    for var, value in trace.consts.values():
        if isinstance(value, Tracer):
            lifted.append((var, value))
        elif type(value) is Array and value._node is None:
            consts.append((var, value))
        else:  # a Parameter box or an array that requires grad
            boxes.append((var, value))
    staged.graph = Graph(invars + [v for v, _ in boxes + lifted] + invars_extra,
                         [v for v, _ in consts], [c._buf for _, c in consts], trace.eqns,
                         outvars, name)
    staged.out_tree = out_tree
    staged.boxes = [b for _, b in boxes]
    staged.lifted = [t for _, t in lifted]
    return staged
