"""Lowering rule of ``scan``: ONNX ``Scan`` over the lowered body (the loop constants are
read from the outer scope, as ONNX subgraphs may). ``while`` has no rule yet."""

from __future__ import annotations

from funtorch.onnx.context import onnx_dtype
from funtorch.onnx.lowering import align, lower_graph
from funtorch.onnx.registry import UnsupportedPrimitiveError, register_lowering
from funtorch.onnx.rules_shape import INT64_MIN
from funtorch.transforms.scan_primitive import scan_p


def _body_input(sub, var, hint):
    """A body input of ``var``'s dtype and rank (sizes left symbolic)."""
    from onnx import helper

    name = sub.fresh(hint)
    return name, helper.make_tensor_value_info(name, onnx_dtype(var.dtype), [None] * var.ndim)


@register_lowering(scan_p)
def lower_scan(ctx, eqn, *inputs):
    """``Scan`` with the carry as state variables and ``xs`` as scan inputs (``xs`` and
    ``ys`` flipped for ``reverse``, so ``ys[t]`` stays aligned with ``xs[t]``)."""
    from onnx import helper

    params = eqn.params
    body = params["body"].graph
    num_consts, num_carry = params["num_consts"], params["num_carry"]
    num_xs = len(inputs) - num_consts - num_carry
    if num_xs == 0:
        raise UnsupportedPrimitiveError("onnx.export: a scan without xs (a fixed `length`) has "
                                        "no lowering; pass the steps' inputs as xs")
    alt_eqn = ctx.alt_eqns.get(id(eqn))
    if alt_eqn is not None:
        align(ctx, body, alt_eqn.params["body"].graph, body.name)
    sub = ctx.subgraph()
    state = [_body_input(sub, v, "carry") for v in body.invars[num_consts:num_consts + num_carry]]
    steps = [_body_input(sub, v, "x_t") for v in body.invars[num_consts + num_carry:]]
    names = list(inputs[:num_consts]) + [n for n, _ in state + steps]
    outs = lower_graph(sub, body, names)
    out_names = [sub.fresh("body_out") for _ in outs]
    for out, name in zip(outs, out_names):
        sub.nodes.append(helper.make_node("Identity", [out], [name], name=sub.fresh("n")))
    out_infos = [helper.make_tensor_value_info(name, onnx_dtype(v.dtype), [None] * v.ndim)
                 for name, v in zip(out_names, body.outvars)]
    graph = helper.make_graph(sub.nodes, sub.fresh("scan_body"), [i for _, i in state + steps],
                              out_infos)
    xs = list(inputs[num_consts + num_carry:])
    if params["reverse"]:  # flipped, not scan_input_directions: onnx.reference lacks those
        xs = [_flip_steps(ctx, x) for x in xs]
    outs = ctx.node("Scan", list(inputs[num_consts:num_consts + num_carry]) + xs,
                    outputs=len(eqn.outputs), body=graph, num_scan_inputs=num_xs)
    outs = list(outs) if isinstance(outs, tuple) else [outs]
    if params["reverse"]:
        outs[num_carry:] = [_flip_steps(ctx, y) for y in outs[num_carry:]]
    return tuple(outs)


def _flip_steps(ctx, x):
    return ctx.node("Slice", [x, ctx.ints([-1]), ctx.ints([INT64_MIN]), ctx.ints([0]),
                              ctx.ints([-1])])
