"""Lowering rules of the nn-level patterns: convolutions become ``Conv`` (every number of
spatial axes, groups, strides, dilations, zero padding folded in) or ``ConvTranspose``,
pooling becomes ``MaxPool``/``AveragePool``.

funtorch has no convolution primitive: ``nn/functional/conv.py`` stages a convolution as
im2col, ``sliding_window_view`` of the (padded) input, a ``transpose`` moving the window
axes in front of the output positions, a ``reshape`` into columns and one batched
``matmul`` with the reshaped weight; pooling reduces the same columns with ``max`` or
``sum``. The rules here recognise those chains at the equation that consumes them
(``matmul``, ``max``, ``sum``) and emit the ONNX operator on the chain's start; a constant
``pad`` before the windows folds into ``pads``, a per-channel bias added after the
``reshape`` of the result becomes the Conv's third input. Transposed convolutions
(``windows_sum``) are in ``rules_nn_transpose.py``, batch norm in ``rules_nn_norm.py``.

How: the links of the chains (``pad``, ``transpose``, ``reshape``, ``matmul``,
``sliding_window_view``) are lowered by their own rules as usual; the exporter notes which
equation made each ONNX result (``ctx.lowered_from``), and a consumer's rule walks those
links back (:func:`trail_link`), wrapping the basic rule of its primitive (:func:`wrap_rule`). A
chain that does not match still exports through the plain rules (``rules_nn_windows.py``:
one strided ``Slice`` per kernel offset, never a gather), and the links a matched chain
made unnecessary are removed as dead nodes by the exporter.

float64 models keep their ``Conv``/``ConvTranspose``/``AveragePool`` nodes: valid ONNX
(the checker passes, ``onnx.reference`` runs them), but onnxruntime 1.32 has no float64
kernel for those three and refuses to load such a model; export in float32 to deploy.
"""

from __future__ import annotations

import math

import numpy as np

import funtorch.onnx.rules_elementwise  # noqa: F401  (the rules wrapped below, loaded first)
import funtorch.onnx.rules_index  # noqa: F401
import funtorch.onnx.rules_linalg  # noqa: F401
import funtorch.onnx.rules_reduce  # noqa: F401
import funtorch.onnx.rules_shape  # noqa: F401
from funtorch.core import Primitive
from funtorch.onnx import registry
from funtorch.onnx.registry import register_lowering
from funtorch.onnx.rules_nn_transpose import crop_into_pads, cropped_result
from funtorch.onnx.rules_nn_windows import lower_sliding_window_view

__all__ = ["trail_link", "wrap_rule", "unpadded"]


def _state(ctx):
    """This module's notes on ``ctx``: the Conv nodes awaiting a bias."""
    return ctx.__dict__.setdefault("_nn_state", {"conv": {}, "biasable": {},
                                                   "window_sums": {}})


def trail_link(ctx, name, prim_name):
    """``(eqn, input names)`` of the ``prim_name`` equation whose ONNX result is ``name``,
    or ``None`` when ``name`` came from anything else."""
    found = ctx.lowered_from.get(name)
    return found if found is not None and found[0].prim.name == prim_name else None


def _current_rule(prim_name):
    # the table itself, not lowering_rule(): that one loads every rules module, and this
    # runs while they load
    return registry._TABLE[Primitive.registry[prim_name]]


register_lowering("sliding_window_view")(lower_sliding_window_view)


class Windows:
    """A recognised ``reshape(transpose(sliding_window_view(x)))`` over the spatial axes."""

    def __init__(self, x, x_var, params, out_sizes):
        self.x, self.x_var = x, x_var
        self.kernel = list(params["window_shape"])
        self.strides, self.dilations = list(params["step"]), list(params["dilation"])
        self.out_sizes = list(out_sizes)
        self.nd = len(self.kernel)


def _windows(ctx, name):
    """The :class:`Windows` behind the columns ``name``, or ``None``."""
    columns = trail_link(ctx, name, "reshape")  # none when it would not change the shape
    moved = trail_link(ctx, columns[1][0] if columns else name, "transpose")
    view = moved and trail_link(ctx, moved[1][0], "sliding_window_view")
    if not view:
        return None
    eqn = view[0]
    x_var, nd = eqn.inputs[0], len(eqn.params["window_shape"])
    spatial = tuple(range(2, 2 + nd))
    perm = (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + spatial
    axes = tuple(a % x_var.ndim for a in eqn.params["axis"])
    if x_var.ndim != nd + 2 or axes != spatial or tuple(moved[0].params["perm"]) != perm:
        return None
    return Windows(view[1][0], x_var, eqn.params, eqn.outputs[0].shape[2:2 + nd])


def unpadded(ctx, x, fill, nd, below=None):
    """``(input, ONNX pads)``: a constant ``Pad`` of the ``nd`` spatial axes by ``fill`` is
    folded into the operator's ``pads`` (all zeros when ``x`` is not such a Pad, or, with
    ``below`` (MaxPool's kernel), a pad is not smaller than it: onnxruntime refuses that)."""
    link = trail_link(ctx, x, "pad")
    if link is not None:
        widths, values = link[0].params["widths"], link[0].params["values"]
        spatial = widths[2:]
        fits = below is None or all(max(w) < k for w, k in zip(spatial, below))
        if tuple(widths[0]) == tuple(widths[1]) == (0, 0) and fits and all(
                v == fill for pair in values[2:] for v in pair):
            return link[1][0], [w[0] for w in spatial] + [w[1] for w in spatial]
    return x, [0] * (2 * nd)


def _conv_attrs(win, groups, pads):
    return dict(kernel_shape=win.kernel, strides=win.strides, dilations=win.dilations,
                pads=pads, group=groups)


def _lower_conv(ctx, eqn, w_cols, columns):
    """``matmul(reshape(W), columns)`` of ``convnd`` -> ``Conv`` (or ``ConvTranspose``)."""
    win = _windows(ctx, columns)
    weight = trail_link(ctx, w_cols, "reshape")
    if win is None or weight is None or eqn.outputs[0].dtype.kind != "f":
        return None
    groups, per_out, per_group = eqn.inputs[0].shape
    w_var, cols_var = weight[0].inputs[0], eqn.inputs[1]
    kernel_size = math.prod(win.kernel)
    if (w_var.shape != (groups * per_out, per_group // kernel_size, *win.kernel)
            or cols_var.ndim != 4 or cols_var.shape[1:] != (groups, per_group,
                                                             math.prod(win.out_sizes))
            or ctx.any_dynamic(w_var)):
        return None
    x, pads = unpadded(ctx, win.x, 0, win.nd)
    conv = ctx.node("Conv", [x, weight[1][0]], **_conv_attrs(win, groups, pads))
    out = ctx.node("Reshape", [conv, ctx.shape_of(eqn.outputs[0], infer_one=True)])
    _state(ctx)["conv"][out] = (conv, (cols_var.shape[0], groups * per_out, *win.out_sizes),
                                eqn.outputs[0])
    return out


def wrap_rule(prim_name, first):
    """Make ``first(ctx, eqn, *inputs)`` the rule of ``prim_name``, falling back to the
    current rule when it returns ``None``."""
    inner = _current_rule(prim_name)

    def rule(ctx, eqn, *inputs):
        out = first(ctx, eqn, *inputs)
        return inner(ctx, eqn, *inputs) if out is None else out
    rule.__name__ = f"lower_{prim_name}_nn"
    rule.__module__ = inner.__module__
    register_lowering(prim_name)(rule)


def _matmul_first(ctx, eqn, x, y):
    if len(eqn.inputs) == 2 and eqn.inputs[0].ndim == 3:
        return _lower_conv(ctx, eqn, x, y)
    return None


def _reshape_first(ctx, eqn, x):
    """The reshape of the matmul's result to ``(N, C_out, *out)`` is the Conv's result."""
    found = _state(ctx)["conv"].get(x)
    if found is None or eqn.outputs[0].shape != found[1]:
        return None
    conv, _, matmul_var = found
    if ctx.uses.get(id(matmul_var)) == 1:
        _state(ctx)["biasable"][conv] = eqn.outputs[0]
    return conv


def _add_first(ctx, eqn, x, y):
    """``Conv(x, W) + reshape(b, (1, C, 1, ...))`` -> ``Conv(x, W, b)``."""
    biasable = _state(ctx)["biasable"]
    for conv, bias, bias_var in ((x, y, eqn.inputs[1]), (y, x, eqn.inputs[0])):
        var = biasable.get(conv) or cropped_result(ctx, conv)
        link = trail_link(ctx, bias, "reshape")
        if var is None or link is None or ctx.uses.get(id(var)) != 1:
            continue
        channels = var.shape[1]
        source = link[0].inputs[0]
        if (bias_var.shape == (1, channels) + (1,) * (var.ndim - 2) and source.shape == (
                channels,) and source.dtype == var.dtype and eqn.outputs[0].shape == var.shape):
            node = ctx.producers[conv]
            if len(node.input) == 2:
                node.input.append(link[1][0])
                biasable.pop(conv, None)
                return conv
    return None


def _pool_first(ctx, eqn, x):
    """``max``/``sum`` over the window axis of pooling's columns -> MaxPool/AveragePool."""
    var = eqn.inputs[0]
    axis = eqn.params.get("axis")
    axis = (axis,) if isinstance(axis, int) else axis
    if (axis is None or tuple(a % var.ndim for a in axis) != (2,) or eqn.params.get("keepdims")
            or var.dtype.kind != "f"):
        return None
    win = _windows(ctx, x)
    if win is None or var.shape[2:] != (math.prod(win.kernel), *win.out_sizes):
        return None
    if eqn.prim.name == "max":
        source, pads = unpadded(ctx, win.x, -np.inf, win.nd, below=win.kernel)
        return ctx.node("MaxPool", [source], kernel_shape=win.kernel, strides=win.strides,
                        dilations=win.dilations, pads=pads)
    if any(d != 1 for d in win.dilations) and ctx.opset < 19:
        return None  # AveragePool takes dilations from opset 19
    extra = {"dilations": win.dilations} if ctx.opset >= 19 else {}
    mean = ctx.node("AveragePool", [win.x], kernel_shape=win.kernel, strides=win.strides,
                    count_include_pad=1, **extra)  # every window is whole: padded by `pad`
    total = ctx.node("Mul", [mean, ctx.const(math.prod(win.kernel), var.dtype)])
    _state(ctx)["window_sums"][total] = (win, extra)
    return total


def _divisors(win, pads, include_pad):
    """The divisor of every window that ONNX's AveragePool uses on the unpadded input with
    ``pads``: the kernel size, or (``include_pad`` false) the real elements it covers."""
    table = np.ones((), dtype=np.float64)
    sizes = win.x_var.shape[2:]
    for axis, (k, s, n) in enumerate(zip(win.kernel, win.strides, win.out_sizes)):
        start = np.arange(n) * s - pads[axis]
        real = sizes[axis] - pads[axis] - pads[axis + win.nd]
        count = np.full(n, k) if include_pad else (
            np.minimum(start + k, real) - np.maximum(start, 0))
        table = np.multiply.outer(table, count)
    return table


def _div_first(ctx, eqn, x, y):
    """``window sum / divisors`` of ``avg_pool`` -> one AveragePool, when the divisors are
    the kernel size (``count_include_pad``) or the real elements of each window."""
    found = _state(ctx)["window_sums"].get(x)
    divisor = ctx.const_values.get(id(eqn.inputs[1]))
    if found is None or divisor is None:
        return None
    win, extra = found
    source, pads = unpadded(ctx, win.x, 0, win.nd)
    divisor = np.broadcast_to(np.asarray(divisor, dtype=np.float64), eqn.outputs[0].shape[2:])
    for include_pad in (1, 0):
        if np.array_equal(divisor, _divisors(win, pads, include_pad)):
            return ctx.node("AveragePool", [source], kernel_shape=win.kernel,
                            strides=win.strides, pads=pads, count_include_pad=include_pad,
                            **extra)
    return None


wrap_rule("matmul", _matmul_first)
wrap_rule("reshape", _reshape_first)
wrap_rule("add", _add_first)
wrap_rule("basic_index", crop_into_pads)
wrap_rule("max", _pool_first)
wrap_rule("sum", _pool_first)
wrap_rule("div", _div_first)
