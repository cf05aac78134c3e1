"""Lowering a staged :class:`Graph` into the nodes of a :class:`LoweringContext`: the
loop over equations that calls each primitive's rule. Call primitives (``call_jit``,
``custom_vjp``, ``checkpoint``) lower their inner graph through the same loop
(:func:`lower_graph`), so nested programs are inlined."""

from __future__ import annotations

import numpy as np

from funtorch.onnx.registry import UnsupportedPrimitiveError, lowering_rule
from funtorch.transforms.graph import Var

__all__ = ["lower_graph", "align", "initializer"]


def align(ctx, graph, alt_graph, name):
    """Pair the two stagings' variables and equations into ``ctx.alt_shapes`` and
    ``ctx.alt_eqns``; refuse a program that changes with a dynamic axis's size."""
    mismatch = (len(graph.eqns) != len(alt_graph.eqns) or len(graph.consts) != len(
        alt_graph.consts) or any(a.prim is not b.prim for a, b in zip(graph.eqns, alt_graph.eqns)))
    if mismatch:
        raise ValueError(f"onnx.export: `{name}` stages to a different program when a dynamic "
                         f"axis changes size (Python control flow on a shape?); export with "
                         f"static shapes or make the branch shape-independent")
    for var, value, alt_value in zip(graph.constvars, graph.consts, alt_graph.consts):
        if value is alt_value or np.shape(value) == np.shape(alt_value) and (
                np.size(value) > 1 << 16 or np.array_equal(value, alt_value)):
            continue
        flat = np.ravel(value)
        if np.ndim(value) == np.ndim(alt_value) and flat.size and (flat == flat[0]).all() and (
                np.ravel(alt_value) == flat[0]).all():
            ctx.filled[id(var)] = flat[0]  # ft.zeros((x.shape[0], ...)): filled at run time
            continue
        raise ValueError(f"onnx.export: `{name}` builds a constant of shape {var.shape} "
                         f"from a dynamic axis's size that is not filled with one value; "
                         f"derive it from the input instead (broadcasting, ft.zeros_like) "
                         f"or export with a static shape")
    for var, alt in zip(graph.invars + graph.constvars, alt_graph.invars + alt_graph.constvars):
        ctx.alt_shapes[id(var)] = alt.shape
    for eqn, alt in zip(graph.eqns, alt_graph.eqns):
        ctx.alt_eqns[id(eqn)] = alt
        for var, alt_var in zip(eqn.outputs, alt.outputs):
            ctx.alt_shapes[id(var)] = alt_var.shape


def initializer(ctx, name, value):
    """Add ``value`` as an initializer called ``name`` (made unique); return the name."""
    from onnx import numpy_helper

    if name in ctx.taken:
        name = ctx.fresh(name)
    ctx.taken.add(name)
    ctx.initializers.append(numpy_helper.from_array(np.asarray(value, order="C"), name))
    return name


def _literal_dtype(eqn):
    """The dtype a Python scalar input takes: that of the first non-bool array input."""
    for value in eqn.inputs:
        if isinstance(value, Var) and value.dtype.kind != "b":
            return value.dtype
    return eqn.outputs[0].dtype if eqn.outputs else np.dtype(np.float32)


def _where(ctx, eqn):
    found = ctx.sources.get(id(eqn.outputs[0])) if eqn.outputs else None
    return f", {found[1]}" if found and found[1] else ""


def _missing_rule(ctx, graph):
    missing = [(i, e) for i, e in enumerate(graph.eqns) if lowering_rule(e.prim) is None]
    if not missing:
        return None
    position, eqn = missing[0]
    others = sorted({e.prim.name for _, e in missing} - {eqn.prim.name})
    also = f"; also without a rule: {', '.join(others)}" if others else ""
    return UnsupportedPrimitiveError(
        f"onnx.export: primitive '{eqn.prim.name}' has no ONNX lowering rule (equation "
        f"{position} of `{graph.name}`: {eqn!r}{_where(ctx, eqn)}){also}; register one with "
        f"ft.onnx.register_lowering")


def _count_uses(ctx, graph):
    for eqn in graph.eqns:
        for value in eqn.inputs:
            if isinstance(value, Var):
                ctx.uses[id(value)] = ctx.uses.get(id(value), 0) + 1
    for var in graph.outvars:
        ctx.uses[id(var)] = ctx.uses.get(id(var), 0) + 1


def lower_graph(ctx, graph, input_names):
    """Lower ``graph`` with its inputs bound to the ONNX names ``input_names``; its
    constants become initializers (named as in the Module's state when they are in it),
    or ``Expand`` nodes for constants of a dynamic shape filled with one value. Returns the
    ONNX names of its outputs."""
    for var, name in zip(graph.invars, input_names):
        ctx.names[id(var)] = name
        ctx.add_dim_source(var, name)
    for index, (var, value) in enumerate(zip(graph.constvars, graph.consts)):
        if id(var) in ctx.filled:  # its shape depends on a dynamic axis
            ctx.eqn = None
            fill = ctx.const(ctx.filled[id(var)], var.dtype)
            ctx.names[id(var)] = ctx.node("Expand", [fill, ctx.shape_of(var)])
            continue
        name = ctx.state.get(id(value), f"const_{index}")
        ctx.names[id(var)] = initializer(ctx, name, value)
        ctx.const_values[id(var)] = value
    error = _missing_rule(ctx, graph)
    if error is not None:
        raise error
    _count_uses(ctx, graph)
    for eqn in graph.eqns:
        ctx.eqn_of.update((id(var), eqn) for var in eqn.outputs)
    for eqn in graph.eqns:
        ctx.eqn = eqn
        ctx.literal_dtype = dtype = _literal_dtype(eqn)
        inputs = [ctx.name_of(value, dtype) for value in eqn.inputs]
        try:
            out = lowering_rule(eqn.prim)(ctx, eqn, *inputs)
        except UnsupportedPrimitiveError as exc:
            if not getattr(exc, "_located", False):
                exc.args = (f"{exc.args[0]} ({eqn!r}{_where(ctx, eqn)})",)
                exc._located = True
            raise
        outs = out if eqn.prim.multiple_results else (out,)
        for var, name in zip(eqn.outputs, outs):
            ctx.names[id(var)] = name
            ctx.add_dim_source(var, name)
            ctx.results[name] = var  # a fusion that rewrites a node claims its name last
    return [ctx.names[id(v)] for v in graph.outvars]
