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
        made = _run_time_constant(value, alt_value)
        if made is None:
            raise ValueError(f"onnx.export: `{name}` builds a constant of shape {var.shape} "
                             f"from a dynamic axis's size that is neither filled with one "
                             f"value nor a range along one axis; derive it from the input "
                             f"instead (broadcasting, ft.zeros_like) or export with a "
                             f"static shape")
        ctx.filled[id(var)] = made
    for var, alt in zip(graph.invars + graph.constvars, alt_graph.invars + alt_graph.constvars):
        ctx.alt_shapes[id(var)] = alt.shape
    for eqn, alt in zip(graph.eqns, alt_graph.eqns):
        ctx.alt_eqns[id(eqn)] = alt
        for var, alt_var in zip(eqn.outputs, alt.outputs):
            ctx.alt_shapes[id(var)] = alt_var.shape


def _run_time_constant(value, alt_value):
    """How to build at run time a constant whose shape follows a dynamic axis:
    ``("fill", v)`` (``ft.zeros((n, 4))``), ``("range", axis)`` (``ft.arange(n)``, maybe
    reshaped and broadcast), or ``None``."""
    value, alt_value = np.asarray(value), np.asarray(alt_value)
    if value.ndim != alt_value.ndim or not value.size:
        return None
    first = value.flat[0]
    if (value == first).all() and (alt_value == first).all():
        return ("fill", first)
    for axis in range(value.ndim):
        if all(np.array_equal(v, _ramp(v.shape, axis)) for v in (value, alt_value)):
            return ("range", axis)
    return None


def _ramp(shape, axis):
    steps = np.arange(shape[axis]).reshape([-1 if a == axis else 1 for a in range(len(shape))])
    return np.broadcast_to(steps, shape)


def _build_constant(ctx, var):
    """The run-time value of a constant of a dynamic shape (see ``_run_time_constant``)."""
    from funtorch.onnx.context import onnx_dtype

    kind, detail = ctx.filled[id(var)]
    if kind == "fill":
        return ctx.node("Expand", [ctx.const(detail, var.dtype), ctx.shape_of(var)])
    size = ctx.node("Squeeze", [ctx.dim(var, detail)])
    ramp = ctx.node("Range", [ctx.const(0, np.int64), size, ctx.const(1, np.int64)])
    ramp = ctx.node("Cast", [ramp], to=onnx_dtype(var.dtype))
    target = [-1 if a == detail else 1 for a in range(var.ndim)]
    return ctx.node("Expand", [ctx.node("Reshape", [ramp, ctx.ints(target)]), ctx.shape_of(var)])


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
            ctx.names[id(var)] = _build_constant(ctx, var)
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
        if isinstance(out, str):  # the first equation to yield a name made it (no-ops pass
            ctx.lowered_from.setdefault(out, (eqn, inputs))  # their input's name on)
        outs = out if eqn.prim.multiple_results else (out,)
        for var, name in zip(eqn.outputs, outs):
            ctx.names[id(var)] = name
            ctx.add_dim_source(var, name)
            ctx.results[name] = var  # a fusion that rewrites a node claims its name last
    return [ctx.names[id(v)] for v in graph.outvars]
