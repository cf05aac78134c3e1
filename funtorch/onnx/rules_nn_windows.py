"""The plain lowerings of ``sliding_window_view`` and ``windows_sum`` (ops/windows.py), used
where no Conv/ConvTranspose/pool pattern consumes them (``rules_nn.py``).

Both follow the primitives' own implementations: one strided ``Slice`` per window offset
(``prod(window_shape)`` of them, never a loop over positions and never a gather).
``sliding_window_view`` stacks the slices on new trailing axes; ``windows_sum`` places
each offset's values at their strided positions (interleaving zeros by a pad and a
reshape on the last axis, then padding to the offset) and adds the pieces with ``Sum``.
An axis may be windowed more than once (NumPy's semantics): offsets add up.
"""

from __future__ import annotations

import itertools

import numpy as np

__all__ = ["lower_sliding_window_view", "lower_windows_sum_plain"]


def _offsets(ndim, params):
    """``(starts per axis, the offset tuple)`` for every window offset, in window order."""
    for offset in itertools.product(*(range(w) for w in params["window_shape"])):
        starts = [0] * ndim
        for a, o, d in zip(params["axis"], offset, params["dilation"]):
            starts[a % ndim] += o * d
        yield starts, offset


def _steps(ndim, params):
    steps = [1] * ndim
    for a, s in zip(params["axis"], params["step"]):
        steps[a % ndim] = s
    return steps


def lower_sliding_window_view(ctx, eqn, x):
    """Stacked strided slices, one per window offset."""
    var, params = eqn.inputs[0], eqn.params
    ndim = var.ndim
    axes = sorted({a % ndim for a in params["axis"]})
    steps = _steps(ndim, params)
    positions = eqn.outputs[0].shape[:ndim]
    pieces = []
    for starts, _ in _offsets(ndim, params):
        ends = [starts[a] + steps[a] * (positions[a] - 1) + 1 for a in axes]
        piece = ctx.node("Slice", [x, ctx.ints([starts[a] for a in axes]), ctx.ints(ends),
                                   ctx.ints(axes), ctx.ints([steps[a] for a in axes])])
        pieces.append(ctx.node("Unsqueeze", [piece, ctx.ints([ndim])]))
    stacked = pieces[0] if len(pieces) == 1 else ctx.node("Concat", pieces, axis=ndim)
    return ctx.node("Reshape", [stacked, ctx.shape_of(eqn.outputs[0], infer_one=True)])


def _spread(ctx, x, axis, ndim, step, count, dtype):
    """``x`` with ``step - 1`` zeros between neighbours along ``axis`` (``count`` of them):
    moved last, each element padded to a block of ``step``, blocks merged, tail cut."""
    perm = [a for a in range(ndim) if a != axis] + [axis]
    back = list(np.argsort(perm))
    moved = ctx.node("Transpose", [x], perm=perm)
    blocks = ctx.node("Unsqueeze", [moved, ctx.ints([ndim])])
    pads = [0] * (ndim + 1) + [0] * ndim + [step - 1]
    blocks = ctx.node("Pad", [blocks, ctx.ints(pads), ctx.const(0, dtype)])
    merged = ctx.node("Reshape", [blocks, ctx.ints([0] * (ndim - 1) + [-1])])
    cut = ctx.node("Slice", [merged, ctx.ints([0]), ctx.ints([(count - 1) * step + 1]),
                             ctx.ints([ndim - 1])])
    return ctx.node("Transpose", [cut], perm=[int(a) for a in back])


def lower_windows_sum_plain(ctx, eqn, g):
    """``sum`` over window offsets of each offset's values placed at their positions."""
    var, params = eqn.inputs[0], eqn.params
    shape, dtype = eqn.outputs[0].shape, eqn.outputs[0].dtype
    ndim = len(shape)
    steps = _steps(ndim, params)
    positions = var.shape[:ndim]
    window_axes = list(range(ndim, var.ndim))
    pieces = []
    for starts, offset in _offsets(ndim, params):
        piece = ctx.node("Slice", [g, ctx.ints(offset), ctx.ints([o + 1 for o in offset]),
                                   ctx.ints(window_axes)]) if window_axes else g
        if window_axes:
            piece = ctx.node("Squeeze", [piece, ctx.ints(window_axes)])
        pads_begin, pads_end = [0] * ndim, [0] * ndim
        for a in sorted({a % ndim for a in params["axis"]}):
            if steps[a] > 1 and positions[a] > 1:
                piece = _spread(ctx, piece, a, ndim, steps[a], positions[a], dtype)
            reach = starts[a] + steps[a] * (positions[a] - 1) + 1 if positions[a] else starts[a]
            pads_begin[a], pads_end[a] = starts[a], shape[a] - reach
        piece = ctx.node("Pad", [piece, ctx.ints(pads_begin + pads_end), ctx.const(0, dtype)])
        pieces.append(piece)
    return pieces[0] if len(pieces) == 1 else ctx.node("Sum", pieces)
