"""Lowering rules of the scatters (``x.at[index].set/add/mul/max/min``) and of
``basic_index_add`` (the VJP of basic indexing), as ``ScatterND``:

- an index of slices, ints and new axes on static shapes: the coordinates of every
  element of ``x[index]`` are a constant (``np.indices`` indexed the same way);
- only slices, some over a dynamic axis: that axis must be whole; it moves to the end,
  where ScatterND keeps whole trailing axes;
- integer arrays (with whole slices elsewhere): the advanced axes move to the front and
  the stacked indices, moved to the last axis, are ScatterND's indices (a cross-entropy's
  ``logits[arange(n), labels]``, an embedding's rows).
"""

from __future__ import annotations

import numpy as np

from funtorch.onnx.context import onnx_dtype
from funtorch.onnx.registry import UnsupportedPrimitiveError, register_lowering
from funtorch.ops.indexing import ARRAY, block_position, build_index, layout

_REDUCTION = {"scatter": "none", "scatter_add": "add", "scatter_mul": "mul",
              "scatter_max": "max", "scatter_min": "min", "basic_index_add": "add"}


def _unsupported(what):
    return UnsupportedPrimitiveError(f"onnx.export: a scatter with {what} has no lowering")


def _whole(entry, size):
    return type(entry) is tuple and entry[0] == 0 and entry[2] == 1 and (
        entry[1] is not None and entry[1] >= size)


def _scatter_nd(ctx, data, coords, updates, reduction):
    if reduction in ("max", "min") and ctx.opset < 18:
        raise _unsupported(f"reduction {reduction!r} below opset 18")
    return ctx.node("ScatterND", [data, coords, updates], reduction=reduction)


def _move(ctx, name, perm):
    return name if perm == sorted(perm) else ctx.node("Transpose", [name], perm=perm)


def _inverse(perm):
    return [int(i) for i in np.argsort(perm)]


def scatter_basic(ctx, data, data_var, updates, entries, reduction):
    """Scatter ``updates`` (shaped like ``x[entries]``) into ``data``."""
    dynamic = [a for a in range(data_var.ndim) if ctx.is_dynamic(data_var, a)]
    if not dynamic:
        grid = np.indices(data_var.shape)
        where = build_index(entries, np.zeros((0,), np.int64))
        coords = np.stack([g[where] for g in grid], axis=-1).astype(np.int64)
        return _scatter_nd(ctx, data, ctx.const(coords), updates, reduction)
    if len(entries) > data_var.ndim or any(type(e) is not tuple for e in entries):
        raise _unsupported("ints or new axes and a dynamic axis")
    entries = list(entries) + [(0, n, 1) for n in data_var.shape[len(entries):]]
    if not all(_whole(entries[a], data_var.shape[a]) for a in dynamic):
        raise _unsupported("a partial slice of a dynamic axis")
    static = [a for a in range(data_var.ndim) if a not in dynamic]
    perm = static + dynamic
    shape = [data_var.shape[a] for a in static]
    grid = np.indices(shape)
    where = tuple(slice(*entries[a]) for a in static)
    coords = np.stack([g[where] for g in grid], axis=-1).astype(np.int64)
    out = _scatter_nd(ctx, _move(ctx, data, perm), ctx.const(coords),
                      _move(ctx, updates, perm), reduction)
    return _move(ctx, out, _inverse(perm))


def scatter_advanced(ctx, data, data_var, updates, indices, index, reduction):
    """Integer-array entries with whole slices elsewhere: ScatterND over the advanced axes
    moved to the front."""
    entries = list(index) + [(0, n, 1) for n in data_var.shape[len(index):]]
    if any(e is None or (type(e) is tuple and not _whole(e, data_var.shape[a]))
           or (type(e) is not tuple and e != ARRAY) for a, e in enumerate(entries)):
        return _scatter_anywhere(ctx, data, data_var, updates, indices, index, reduction)
    advanced = [a for a, e in enumerate(entries) if e == ARRAY]
    rest = [a for a in range(data_var.ndim) if a not in advanced]
    rank = ctx.eqn.inputs[2].ndim - 1  # the block's rank (indices are stacked on axis 0)
    coords = ctx.node("Transpose", [indices], perm=list(range(1, rank + 1)) + [0])
    at = block_position(tuple(index))
    if at:  # updates are (*rest[:at], *block, *rest[at:]): move the block to the front
        perm = list(range(at, at + rank)) + list(range(at)) + list(
            range(at + rank, rank + len(rest)))
        updates = ctx.node("Transpose", [updates], perm=perm)
    perm = advanced + rest
    out = _scatter_nd(ctx, _move(ctx, data, perm), coords, updates, reduction)
    return _move(ctx, out, _inverse(perm))


def _scatter_anywhere(ctx, data, data_var, updates, indices, index, reduction):
    """Any index on static shapes: each element's coordinates, constant along the basic
    entries and read from ``indices`` along the advanced ones, stacked on a last axis."""
    i_var = ctx.eqn.inputs[2]
    if not ctx.is_static_shape(data_var) or not ctx.is_static_shape(i_var):
        raise _unsupported("integer arrays mixed with ints, new axes or partial slices on a "
                           "dynamic axis")
    out_shape, at, rank = layout(index, data_var.shape, i_var.shape)
    columns, row, basic = [], 0, 0
    entries = list(index) + [(0, n, 1) for n in data_var.shape[len(index) - index.count(None):]]
    for entry in entries:
        position = basic + (rank if basic >= at else 0)
        if entry is None:
            basic += 1
        elif entry == ARRAY:
            rows = ctx.node("Slice", [indices, ctx.ints([row]), ctx.ints([row + 1]),
                                      ctx.ints([0])])
            target = [1] * at + list(i_var.shape[1:]) + [1] * (len(out_shape) - at - rank)
            columns.append(ctx.node("Expand", [ctx.node("Reshape", [rows, ctx.ints(target)]),
                                               ctx.ints(out_shape)]))
            row += 1
        elif type(entry) is tuple:
            ramp = np.arange(*entry).reshape([-1 if a == position else 1
                                              for a in range(len(out_shape))])
            columns.append(ctx.const(np.broadcast_to(ramp, out_shape).astype(np.int64)))
            basic += 1
        else:
            columns.append(ctx.const(np.full(out_shape, entry, np.int64)))
    stacked = ctx.node("Concat", [ctx.node("Unsqueeze", [c, ctx.ints([-1])]) for c in columns],
                       axis=-1)
    return _scatter_nd(ctx, data, stacked, updates, reduction)


def _full_updates(ctx, eqn, updates):
    """The updates broadcast to the shape of ``x[index]`` (NumPy broadcasts them)."""
    x_var, u_var, i_var = eqn.inputs
    target = layout(eqn.params["index"], x_var.shape, i_var.shape)[0]
    if tuple(u_var.shape) == tuple(target) and ctx.is_static_shape(u_var) or (
            not ctx.is_static_shape(u_var) and u_var.ndim == len(target)):
        return updates
    if not ctx.is_static_shape(x_var):
        raise _unsupported("updates that broadcast over a dynamic axis")
    updates = ctx.node("Cast", [updates], to=onnx_dtype(x_var.dtype))
    return ctx.node("Expand", [updates, ctx.ints(target)])


@register_lowering(*_REDUCTION.keys() - {"basic_index_add"})
def lower_scatter(ctx, eqn, x, updates, indices):
    index = eqn.params["index"]
    reduction = _REDUCTION[eqn.prim.name]
    updates = _full_updates(ctx, eqn, updates)
    if ARRAY in index:
        return scatter_advanced(ctx, x, eqn.inputs[0], updates, indices, index, reduction)
    return scatter_basic(ctx, x, eqn.inputs[0], updates, tuple(index), reduction)


def lower_basic_index_add(ctx, eqn, g):
    """Zeros of the indexed array's shape with ``g`` added at the index."""
    out = eqn.outputs[0]
    zeros = ctx.node("Expand", [ctx.const(0, out.dtype), ctx.shape_of(out)])
    return scatter_basic(ctx, zeros, out, g, eqn.params["index"].entries, "add")


try:
    register_lowering("basic_index_add")(lower_basic_index_add)
except ValueError:  # a funtorch without basic_index
    pass
