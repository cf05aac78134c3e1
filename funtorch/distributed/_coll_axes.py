"""How the collectives name their axis: a vmap's axis or the process group's, resolved to
``(index, size)``, with the error that names the caller when no binding has the name."""

from __future__ import annotations

import os
import sys

from funtorch.distributed import _coll_prims as P
from funtorch.transforms.vmap import bound_axis, bound_axis_names

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_UNBOUND = ("{fn}: unbound axis name {name!r}{where}: no enclosing ft.vmap(..., axis_name="
            "{name!r}) binds it and the process group's axis is {group!r}{bound}. Pass "
            "axis_name={name!r} to the vmap whose examples should act as ranks, or use the "
            "process group's name.")
_OPS = {"sum": "sum", "mean": "mean", "avg": "mean", "max": "max", "min": "min"}


def _caller():
    frame = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        return ""
    return f" (in `{frame.f_code.co_name}` at {frame.f_code.co_filename}:{frame.f_lineno})"


def _resolve(fn, name):
    """``(index, size)`` of the axis called ``name``: a vmap's axis_index tracer, or None
    for the process group."""
    trace = bound_axis(name)
    if trace is not None:
        return trace.axis_index(), trace.axis_size
    group = P.current_group()
    if name == group.axis_name:
        return None, group.size
    bound = ", ".join(f"{n!r} by the vmap of `{f}`" for n, f in bound_axis_names())
    raise NameError(_UNBOUND.format(fn=fn, name=name, where=_caller(), group=group.axis_name,
                                    bound=f" (bound here: {bound})" if bound else ""))


def _names(axis_name):
    return tuple(axis_name) if isinstance(axis_name, (tuple, list)) else (axis_name,)


def _single_name(fn, axis_name):
    if isinstance(axis_name, (tuple, list)):
        raise NotImplementedError(f"{fn}: one axis name at a time, got {axis_name!r}; nest "
                                  "the calls (gather over the inner axis first)")
    return axis_name


def _group_axis(fn, group, axis_name):
    """The axis of torch's spellings: the process group's unless ``axis_name`` is given."""
    if group is not None and group is not P.current_group():
        raise ValueError(f"{fn}: only the default process group is supported; pass "
                         "group=None (got another group object)")
    return P.current_group().axis_name if axis_name is None else axis_name


def _op_name(fn, op):
    key = op.lower() if isinstance(op, str) else getattr(op, "name", op)
    key = key.lower() if isinstance(key, str) else key
    if key not in _OPS:
        raise ValueError(f"{fn}: op must be one of 'sum', 'mean' ('avg'), 'max', 'min'; got "
                         f"{op!r}")
    return _OPS[key]
