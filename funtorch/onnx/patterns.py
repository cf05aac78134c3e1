"""Recognising composite patterns in the staged graph, so that their ONNX form is the
operator the field uses: softmax and log_softmax are not primitives in funtorch, but
their decompositions (``x - stop_gradient(max(x))``, ``exp``, ``sum``, ``div``/``log``)
become ``Softmax``/``LogSoftmax``. The nodes of the decomposition stay only where
something else reads them (``remove_dead_nodes`` drops the rest)."""

from __future__ import annotations

from funtorch.transforms.graph import Var

__all__ = ["softmax_input", "log_softmax_input"]


def _producer(ctx, value, name):
    """The equation writing ``value`` when it is a Var produced by primitive ``name``."""
    if not isinstance(value, Var):
        return None
    eqn = ctx.eqn_of.get(id(value))
    return eqn if eqn is not None and eqn.prim.name == name else None


def _one_axis(eqn):
    axis = eqn.params.get("axis")
    return axis[0] if eqn.params.get("keepdims") and isinstance(axis, tuple) and len(
        axis) == 1 else None


def _shift_of(ctx, value):
    """``x`` and the axis when ``value`` is ``stop_gradient(max(x, axis, keepdims))``,
    maybe as ``where(isfinite(m), m, 0)``; else ``(None, None)``."""
    where = _producer(ctx, value, "where")
    if where is not None and isinstance(where.inputs[1], Var):
        value = where.inputs[1]
    stop = _producer(ctx, value, "stop_gradient")
    top = _producer(ctx, stop.inputs[0] if stop is not None else value, "max")
    if top is None or _one_axis(top) is None:
        return None, None
    return top.inputs[0], _one_axis(top)


def _centered(ctx, value):
    """``(x, axis)`` when ``value`` is ``x - shift(x)`` along one axis."""
    sub = _producer(ctx, value, "sub")
    if sub is None:
        return None, None
    x, axis = _shift_of(ctx, sub.inputs[1])
    return (x, axis) if x is not None and x is sub.inputs[0] else (None, None)


def _sum_of_exp(ctx, value):
    """``(centered, exp, axis)`` when ``value`` is ``sum(exp(centered), axis, keepdims)``."""
    total = _producer(ctx, value, "sum")
    exp = _producer(ctx, total.inputs[0], "exp") if total is not None else None
    if exp is None:
        return None, None, None
    return exp.inputs[0], total.inputs[0], _one_axis(total)


def softmax_input(ctx, eqn):
    """``(x, axis)`` when ``div`` equation ``eqn`` ends a softmax of ``x``."""
    numerator, denominator = eqn.inputs
    centered, exp, axis = _sum_of_exp(ctx, denominator)
    if exp is None or exp is not numerator:
        return None, None
    x, shift_axis = _centered(ctx, centered)
    return (x, axis) if x is not None and shift_axis == axis else (None, None)


def log_softmax_input(ctx, eqn):
    """``(x, axis)`` when ``sub`` equation ``eqn`` ends a log_softmax of ``x``."""
    centered, log_total = eqn.inputs
    log = _producer(ctx, log_total, "log")
    if log is None:
        return None, None
    inner, _, axis = _sum_of_exp(ctx, log.inputs[0])
    if inner is None or inner is not centered:
        return None, None
    x, shift_axis = _centered(ctx, centered)
    return (x, axis) if x is not None and shift_axis == axis else (None, None)
