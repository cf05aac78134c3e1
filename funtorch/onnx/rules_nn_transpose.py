"""``ConvTranspose`` from the col2im chain of ``nn/functional/conv_extra.conv_transpose_nd``.

A transposed convolution is staged as the VJP of im2col: ``matmul`` of the transposed,
regrouped weight with the input's columns, a ``reshape`` to ``(N, C_out, *kernel, *in)``, a
``transpose`` to ``(N, C_out, *in, *kernel)``, then ``windows_sum`` (the transpose of
``sliding_window_view``: each window's values added into an image that includes the
output padding) and a ``basic_index`` crop removing ``padding`` on both sides. The
``windows_sum`` rule emits ``ConvTranspose`` on the chain's start; the crop that follows
folds into its ``pads``; a bias added after it becomes its third input (``rules_nn``).
Any other ``windows_sum`` takes the plain lowering of ``rules_nn_windows.py``.
"""

from __future__ import annotations

from funtorch.onnx.registry import register_lowering
from funtorch.onnx.rules_nn_windows import lower_windows_sum_plain

__all__ = ["lower_windows_sum", "crop_into_pads", "cropped_result"]


def _link(ctx, name, prim_name):
    from funtorch.onnx.rules_nn import trail_link

    return trail_link(ctx, name, prim_name)


def _columns_source(ctx, x):
    """``(matmul eqn, its input names)`` behind ``windows_sum(transpose(reshape(mm)))``."""
    moved = _link(ctx, x, "transpose")
    shaped = moved and _link(ctx, moved[1][0], "reshape")
    return shaped and _link(ctx, shaped[1][0], "matmul")


def _weight(ctx, mm_eqn, w_cols):
    """``(W name, W var, groups)`` when ``w_cols`` is ``transpose(reshape(W), (0, 2, 1))``."""
    moved = _link(ctx, w_cols, "transpose")
    shaped = moved and _link(ctx, moved[1][0], "reshape")
    if not shaped or tuple(moved[0].params["perm"]) != (0, 2, 1):
        return None
    w_var = shaped[0].inputs[0]
    groups = shaped[0].outputs[0].shape[0]
    return shaped[1][0], w_var, groups


def _input(ctx, x_cols, groups, w_var):
    """The input image's name when ``x_cols`` is ``reshape(x, (N, G, C_in / G, P))``."""
    shaped = _link(ctx, x_cols, "reshape")
    if not shaped:
        return None
    x_var = shaped[0].inputs[0]
    if x_var.ndim != w_var.ndim or x_var.shape[1] != w_var.shape[0] or (
            shaped[0].outputs[0].shape[1:3] != (groups, w_var.shape[0] // groups)):
        return None
    return shaped[1][0], x_var


@register_lowering("windows_sum")
def lower_windows_sum(ctx, eqn, x):
    found = _columns_source(ctx, x)
    if found is None:
        return lower_windows_sum_plain(ctx, eqn, x)
    mm_eqn, (w_cols, x_cols) = found
    weight = _weight(ctx, mm_eqn, w_cols)
    image = weight and _input(ctx, x_cols, weight[2], weight[1])
    params = eqn.params
    nd = len(params["window_shape"])
    if not image or tuple(a % (nd + 2) for a in params["axis"]) != tuple(range(2, 2 + nd)):
        return lower_windows_sum_plain(ctx, eqn, x)
    (w_name, w_var, groups), (x_name, x_var) = weight, image
    kernel, step, dilation = params["window_shape"], params["step"], params["dilation"]
    if tuple(w_var.shape[2:]) != tuple(kernel) or ctx.any_dynamic(w_var):
        return lower_windows_sum_plain(ctx, eqn, x)
    full = eqn.outputs[0].shape[2:]
    reach = [(n - 1) * s + d * (k - 1) + 1 for n, s, d, k in
             zip(x_var.shape[2:], step, dilation, kernel)]
    out = ctx.node("ConvTranspose", [x_name, w_name], kernel_shape=list(kernel),
                   strides=list(step), dilations=list(dilation), group=groups,
                   pads=[0] * (2 * nd), output_padding=[f - r for f, r in zip(full, reach)])
    ctx.__dict__.setdefault("_nn_croppable", {})[out] = eqn.outputs[0]
    return out


def crop_into_pads(ctx, eqn, x):
    """``basic_index`` cropping the spatial axes of a ConvTranspose's result: the same
    ConvTranspose with the crop in its ``pads`` (the uncropped one is left to the dead-node
    pass); ``None`` otherwise."""
    var = ctx.__dict__.get("_nn_croppable", {}).get(x)
    if var is None or ctx.uses.get(id(var)) != 1:
        return None
    entries = eqn.params["index"].entries
    if len(entries) != var.ndim or any(not isinstance(e, tuple) or e[2] != 1 for e in entries):
        return None
    if any(e[:2] != (0, size) for e, size in zip(entries[:2], var.shape[:2])):
        return None
    from onnx import NodeProto

    # a new node, not the old one edited: each ONNX name keeps one shape (value_info)
    node = NodeProto()
    node.CopyFrom(ctx.producers[x])
    out = ctx.fresh("ConvTranspose")
    node.output[0], node.name = out, ctx.fresh("n")
    spatial = list(zip(entries[2:], var.shape[2:]))
    pads = [a for a in node.attribute if a.name == "pads"][0]
    del pads.ints[:]  # ONNX crops the full result by `pads` (output_padding stays at the end)
    pads.ints.extend([e[0] for e, _ in spatial] + [size - e[1] for e, size in spatial])
    ctx.nodes.append(node)
    ctx.producers[out] = node
    ctx.__dict__.setdefault("_nn_cropped", {})[out] = eqn.outputs[0]
    return out


def cropped_result(ctx, name):
    """The Var of a ConvTranspose's output (after its crop, if any), or ``None``: a bias
    added to it may become its third input."""
    found = ctx.__dict__.get("_nn_cropped", {}).get(name)
    return found if found is not None else ctx.__dict__.get("_nn_croppable", {}).get(name)

