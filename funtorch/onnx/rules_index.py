"""Lowering rule of ``gather`` (``x[index]``): static slices and ints become ``Slice``
and ``Squeeze``, new axes ``Unsqueeze``, integer-array indices ``Gather`` (one array) or
``GatherND`` over the advanced axes moved to the front (several); new axes next to
integer arrays are added by a final ``Reshape``."""

from __future__ import annotations

import numpy as np

from funtorch.core import Primitive
from funtorch.onnx.registry import UnsupportedPrimitiveError, register_lowering
from funtorch.ops.indexing import ARRAY, block_position

INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min


def _bound(ctx, value, alt_value, size, alt_size, what):
    """A slice bound that holds for both stagings: as given, counted from the end, or a
    size read at run time (``x[:y.shape[0]]``: the name of a 1-element tensor)."""
    if value == alt_value:
        return value
    if value is not None and alt_value is not None and value - size == alt_value - alt_size:
        return value - size if value != size else INT64_MAX
    dim = ctx.dim_of_sizes((value, alt_value))
    if dim is not None:
        return dim
    raise ValueError(f"onnx.export: a slice {what} that changes with a dynamic axis is neither "
                     f"fixed, a fixed distance from the end, nor a dynamic size; export with a "
                     f"static shape")


def _slices(ctx, x_var, index, alt_index):
    """``(starts, ends, axes, steps)`` of the basic entries (ints as length-1 slices) and
    the input axes indexed by ints."""
    starts, ends, axes, steps, int_axes = [], [], [], [], []
    dim = 0
    alt_shape = ctx.alt_shape(x_var)
    for entry, alt_entry in zip(index, alt_index):
        if entry is None:
            continue
        size, alt_size = x_var.shape[dim], alt_shape[dim]
        if type(entry) is tuple:
            start, stop, step = entry
            if not (start == 0 and step == 1 and stop is not None and stop >= size):
                starts.append(_bound(ctx, start, alt_entry[0], size, alt_size, "start"))
                stop = INT64_MIN if stop is None else stop
                alt_stop = INT64_MIN if alt_entry[1] is None else alt_entry[1]
                ends.append(_bound(ctx, stop, alt_stop, size, alt_size, "stop"))
                axes.append(dim)
                steps.append(step)
        elif entry != ARRAY:
            start = _bound(ctx, entry, alt_entry, size, alt_size, "index")
            starts.append(start)
            ends.append(INT64_MAX if start == -1 else ctx.node("Add", [start, ctx.ints([1])])
                        if isinstance(start, str) else start + 1)
            axes.append(dim)
            steps.append(1)
            int_axes.append(dim)
        dim += 1
    return (starts, ends, axes, steps), int_axes


def _new_axes(index):
    """Positions of ``None`` entries in the result (ints drop their axis)."""
    out, positions = 0, []
    for entry in index:
        if entry is None:
            positions.append(out)
            out += 1
        elif type(entry) is tuple:
            out += 1
    return positions


def _slice(ctx, x, x_var, index, alt_index):
    """``x`` sliced by the basic entries of ``index``; the axes indexed by ints."""
    (starts, ends, axes, steps), int_axes = _slices(ctx, x_var, index, alt_index)
    if axes:
        x = ctx.node("Slice", [x, ctx.ints(starts), ctx.ints(ends), ctx.ints(axes),
                              ctx.ints(steps)])
    return x, int_axes


def _basic(ctx, x, x_var, index, alt_index):
    """``x[index]`` for an index of slices, ints and new axes."""
    x, int_axes = _slice(ctx, x, x_var, index, alt_index)
    if int_axes:
        x = ctx.node("Squeeze", [x, ctx.ints(int_axes)])
    new_axes = _new_axes(index)
    return ctx.node("Unsqueeze", [x, ctx.ints(new_axes)]) if new_axes else x


if "basic_index" in Primitive.registry:
    @register_lowering("basic_index")
    def lower_basic_index(ctx, eqn, x):
        entries = eqn.params["index"].entries
        return _basic(ctx, x, eqn.inputs[0], entries, ctx.alt_params()["index"].entries)


@register_lowering("gather")
def lower_gather(ctx, eqn, x, indices):
    index, alt_index = eqn.params["index"], ctx.alt_params()["index"]
    if ARRAY not in index:
        return _basic(ctx, x, eqn.inputs[0], index, alt_index)
    x, _ = _slice(ctx, x, eqn.inputs[0], index, alt_index)
    if None not in index:
        return _advanced(ctx, eqn, x, indices, index, eqn.outputs[0].ndim)
    stripped = tuple(entry for entry in index if entry is not None)
    if [label for label in _order(index) if label != "new"] != _order(stripped):
        raise UnsupportedPrimitiveError("onnx.export: an index where new axes (None) change "
                                        "where the integer-array block lands has no lowering; "
                                        "index in two steps")
    out = eqn.outputs[0]
    y = _advanced(ctx, eqn, x, indices, stripped, out.ndim - index.count(None))
    return ctx.node("Reshape", [y, ctx.shape_of(out, infer_one=True)])  # adds the new axes


def _order(index):
    """The result's axes in order: basic entries by position, new axes, the block."""
    labels, count = [], 0
    for entry in index:
        if entry is None:
            labels.append("new")
        elif type(entry) is tuple:
            labels.append(count)
            count += 1
    at = block_position(index)
    return labels[:at] + ["block"] + labels[at:]


def _advanced(ctx, eqn, x, indices, index, out_ndim):
    x_var, indices_var = eqn.inputs
    advanced = [pos for pos, entry in enumerate(index) if type(entry) is not tuple]
    block = indices_var.shape[1:]
    if len(advanced) == 1:
        rows = ctx.node("Squeeze", [indices, ctx.ints([0])])
        return ctx.node("Gather", [x, rows], axis=advanced[0])
    rows, row = [], 0
    zeros = ctx.const(np.zeros((1,) + block, np.int64))
    for pos in advanced:  # an int index is a length-1 slice by now: its row is 0
        if index[pos] == ARRAY:
            rows.append(slice_rows(ctx, indices, row))
            row += 1
        else:
            rows.append(zeros)
    stacked = ctx.node("Concat", rows, axis=0)
    last = ctx.node("Transpose", [stacked], perm=list(range(1, len(block) + 1)) + [0])
    rest = [d for d in range(x_var.ndim) if d not in advanced]
    front = ctx.node("Transpose", [x], perm=advanced + rest)
    out = ctx.node("GatherND", [front, last])
    at = block_position(index)
    if not at:
        return out
    rank = len(block)
    perm = list(range(rank, rank + at)) + list(range(rank)) + list(
        range(rank + at, out_ndim))
    return ctx.node("Transpose", [out], perm=perm)


def slice_rows(ctx, indices, row):
    return ctx.node("Slice", [indices, ctx.ints([row]), ctx.ints([row + 1]), ctx.ints([0])])
