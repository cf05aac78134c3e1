"""The staged IR of ``jit`` and ``make_graph``: typed variables, equations, constants.

A :class:`Graph` is a flat list of :class:`Eqn` over :class:`Var` (shape, dtype,
device; no data), closed over constants. Passes here are pure functions
``Graph -> Graph``: dead-code elimination, common-subexpression elimination and
constant folding.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["Var", "Literal", "Eqn", "Graph", "optimize"]


class Var:
    """An abstract value in a graph (what a tracer stands for while staging)."""

    __slots__ = ("count", "shape", "dtype", "device", "fun_name", "weak")

    def __init__(self, count, shape, dtype, device, fun_name="", weak=False):
        self.count = count
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.device = device
        self.fun_name = fun_name
        self.weak = weak  # a Python scalar argument: takes the dtype of the arrays it meets

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return math.prod(self.shape)

    def _concrete(self, what):
        from funtorch.transforms.staging import concretization_error

        raise concretization_error(self, what)

    def __repr__(self):
        return f"v{self.count}"

    def type_str(self):
        return f"{self.dtype}{list(self.shape)}{'~weak' if self.weak else ''}"


class Literal:
    """A Python scalar argument kept in the equation (weakly typed, as in eager mode)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return repr(self.value)


class Eqn:
    """``outputs = prim(*inputs, **params)``; ``outputs`` has one Var per result."""

    __slots__ = ("prim", "inputs", "params", "outputs")

    def __init__(self, prim, inputs, params, outputs):
        self.prim = prim
        self.inputs = inputs
        self.params = params
        self.outputs = outputs

    def __repr__(self):
        outs = ", ".join(f"{v}:{v.type_str()}" for v in self.outputs)
        args = ", ".join(repr(i) for i in self.inputs)
        shown = {k: v for k, v in self.params.items() if not callable(v) and k != "cache"}
        extra = "".join(f", {k}={v!r}" for k, v in shown.items())
        return f"{outs} = {self.prim.name}({args}{extra})"


class Graph:
    """A staged program: ``outvars = eqns(invars, constvars)``.

    ``str(graph)`` is a readable listing, ``graph.to_dot()`` Graphviz text.
    """

    def __init__(self, invars, constvars, consts, eqns, outvars, name="fun"):
        self.invars = list(invars)
        self.constvars = list(constvars)
        self.consts = list(consts)
        self.eqns = list(eqns)
        self.outvars = list(outvars)
        self.name = name

    def replace(self, **changes):
        fields = dict(invars=self.invars, constvars=self.constvars, consts=self.consts,
                      eqns=self.eqns, outvars=self.outvars, name=self.name)
        fields.update(changes)
        return Graph(**fields)

    def __str__(self):
        ins = ", ".join(f"{v}:{v.type_str()}" for v in self.invars)
        lines = [f"graph {self.name}({ins}) {{"]
        for var, value in zip(self.constvars, self.consts):
            lines.append(f"  {var}:{var.type_str()} = const")
        lines.extend(f"  {eqn!r}" for eqn in self.eqns)
        lines.append(f"  return {', '.join(repr(v) for v in self.outvars)}")
        lines.append("}")
        return "\n".join(lines)

    __repr__ = __str__

    def to_dot(self) -> str:
        """Graphviz DOT text: inputs as ellipses, equations as boxes, edges for data."""
        lines = [f'digraph "{self.name}" {{', "  rankdir=TB;", "  node [fontsize=10];"]
        for var in self.invars:
            lines.append(f'  {var} [shape=ellipse, label="{var}\\n{var.type_str()}"];')
        for var in self.constvars:
            lines.append(f'  {var} [shape=ellipse, style=dashed, label="{var} const\\n'
                         f'{var.type_str()}"];')
        for index, eqn in enumerate(self.eqns):
            node = f"e{index}"
            lines.append(f'  {node} [shape=box, label="{eqn.prim.name}"];')
            for inp in eqn.inputs:
                if isinstance(inp, Var):
                    lines.append(f"  {inp} -> {node};")
            for out in eqn.outputs:
                lines.append(f'  {out} [shape=plaintext, label="{out}\\n{out.type_str()}"];')
                lines.append(f"  {node} -> {out};")
        for index, var in enumerate(self.outvars):
            lines.append(f'  out{index} [shape=doublecircle, label="out{index}"];')
            if isinstance(var, Var):
                lines.append(f"  {var} -> out{index};")
        lines.append("}")
        return "\n".join(lines)


# Passes ---------------------------------------------------------------------------------


def eliminate_dead_code(graph: Graph) -> Graph:
    """Drop equations none of whose outputs reach an output."""
    live = {id(v) for v in graph.outvars if isinstance(v, Var)}
    kept = []
    for eqn in reversed(graph.eqns):
        if any(id(v) in live for v in eqn.outputs):
            kept.append(eqn)
            live.update(id(v) for v in eqn.inputs if isinstance(v, Var))
    kept.reverse()
    used = [(var, value) for var, value in zip(graph.constvars, graph.consts) if id(var) in live]
    return graph.replace(eqns=kept, constvars=[v for v, _ in used], consts=[c for _, c in used])


def _key_part(value):
    if isinstance(value, Var):
        return ("v", id(value))
    if isinstance(value, Literal):
        return ("l", type(value.value), value.value)
    return value


def eliminate_common_subexpressions(graph: Graph) -> Graph:
    """Reuse the outputs of an earlier identical equation (same primitive, inputs, params)."""
    seen: dict = {}
    rename: dict = {}
    kept = []
    for eqn in graph.eqns:
        inputs = [rename.get(id(v), v) if isinstance(v, Var) else v for v in eqn.inputs]
        eqn = Eqn(eqn.prim, inputs, eqn.params, eqn.outputs)
        try:
            key = (eqn.prim, tuple(_key_part(v) for v in inputs),
                   tuple(sorted(eqn.params.items())))
            hash(key)
        except TypeError:
            kept.append(eqn)
            continue
        if key in seen:
            for old, new in zip(eqn.outputs, seen[key].outputs):
                rename[id(old)] = new
            continue
        seen[key] = eqn
        kept.append(eqn)
    outvars = [rename.get(id(v), v) if isinstance(v, Var) else v for v in graph.outvars]
    return graph.replace(eqns=kept, outvars=outvars)


def fold_constants(graph: Graph, evaluate) -> Graph:
    """Evaluate equations whose inputs are all constants at compile time.

    ``evaluate(eqn, values) -> tuple of buffers`` runs one equation.
    """
    const_values = {id(v): c for v, c in zip(graph.constvars, graph.consts)}
    kept, new_vars, new_consts = [], [], []
    for eqn in graph.eqns:
        inputs = eqn.inputs
        if any(isinstance(v, Var) and id(v) not in const_values for v in inputs) or not any(
                isinstance(v, Var) for v in inputs) or eqn.prim.multiple_results:
            kept.append(eqn)
            continue
        values = [const_values[id(v)] if isinstance(v, Var) else v.value for v in inputs]
        for var, value in zip(eqn.outputs, evaluate(eqn, values)):
            const_values[id(var)] = value
            new_vars.append(var)
            new_consts.append(value)
    constvars = list(graph.constvars) + new_vars
    consts = list(graph.consts) + new_consts
    return graph.replace(eqns=kept, constvars=constvars, consts=consts)


def optimize(graph: Graph, evaluate) -> Graph:
    """The standard pipeline: fold constants, then CSE, then DCE."""
    graph = fold_constants(graph, evaluate)
    graph = eliminate_common_subexpressions(graph)
    return eliminate_dead_code(graph)
