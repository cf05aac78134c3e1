"""Lowering rules of ``scan`` (ONNX ``Scan``), ``while`` (ONNX ``Loop``) and ``cond``
(ONNX ``If``): the staged bodies become ONNX subgraphs, which read the loop constants and
operands from the outer scope."""

from __future__ import annotations

import numpy as np

from funtorch.onnx.context import onnx_dtype
from funtorch.onnx.lowering import align, lower_graph
from funtorch.onnx.registry import register_lowering
from funtorch.onnx.rules_shape import INT64_MIN
from funtorch.transforms.scan_primitive import scan_p

try:
    from funtorch.transforms.while_primitive import while_p
except ImportError:  # pragma: no cover - a funtorch without the staged while
    while_p = None
try:
    from funtorch.transforms.cond_primitive import cond_p
except ImportError:  # pragma: no cover - a funtorch without the staged cond
    cond_p = None


class _Aval:
    def __init__(self, dtype, ndim):
        self.dtype, self.ndim = np.dtype(dtype), ndim


_BOOL_SCALAR = _Aval(np.bool_, 0)


def _info(name, dtype, ndim):
    """Value info of ``dtype`` and rank ``ndim`` (sizes left symbolic)."""
    from onnx import helper

    return helper.make_tensor_value_info(name, onnx_dtype(dtype), [None] * ndim)


def _body_inputs(sub, variables, hint):
    names = [sub.fresh(hint) for _ in variables]
    return names, [_info(n, v.dtype, v.ndim) for n, v in zip(names, variables)]


def _body_graph(sub, inputs, outs, out_vars, hint):
    """The subgraph of ``sub``'s nodes with outputs copied to fresh names (an output may
    not be an input or an outer value)."""
    from onnx import helper

    names = [sub.fresh(f"{hint}_out") for _ in outs]
    for out, name in zip(outs, names):
        sub.nodes.append(helper.make_node("Identity", [out], [name], name=sub.fresh("n")))
    out_infos = [_info(n, v.dtype, v.ndim) for n, v in zip(names, out_vars)]
    return helper.make_graph(sub.nodes, sub.fresh(hint), inputs, out_infos)


def _align_program(ctx, eqn, key):
    alt_eqn = ctx.alt_eqns.get(id(eqn))
    if alt_eqn is not None:
        graph = eqn.params[key].graph
        align(ctx, graph, alt_eqn.params[key].graph, graph.name)


@register_lowering(scan_p)
def lower_scan(ctx, eqn, *inputs):
    """``Scan`` with the carry as state variables and ``xs`` as scan inputs (``xs`` and
    ``ys`` flipped for ``reverse``, so ``ys[t]`` stays aligned with ``xs[t]``); without
    ``xs``, a ``Loop`` of ``length`` steps."""
    params = eqn.params
    body = params["body"].graph
    num_consts, num_carry = params["num_consts"], params["num_carry"]
    num_xs = len(inputs) - num_consts - num_carry
    _align_program(ctx, eqn, "body")
    sub = ctx.subgraph()
    names, infos = _body_inputs(sub, body.invars[num_consts:], "carry")
    outs = lower_graph(sub, body, list(inputs[:num_consts]) + names)
    carry = list(inputs[num_consts:num_consts + num_carry])
    if num_xs == 0:  # a fixed number of steps: Loop, whose scan outputs stack the ys
        step, going = sub.fresh("iteration"), sub.fresh("cond_in")
        keep = ctx.const(True, np.bool_)
        graph = _body_graph(sub, [_info(step, np.int64, 0), _info(going, np.bool_, 0)] + infos,
                            [keep] + outs, [_BOOL_SCALAR] + body.outvars, "scan_loop")
        trips = ctx.const(np.int64(params["length"]))
        outs = ctx.node("Loop", [trips, keep] + carry, outputs=len(eqn.outputs), body=graph)
    else:
        graph = _body_graph(sub, infos, outs, body.outvars, "scan_body")
        xs = list(inputs[num_consts + num_carry:])
        if params["reverse"]:  # flipped, not scan_input_directions: onnx.reference lacks them
            xs = [_flip_steps(ctx, x) for x in xs]
        outs = ctx.node("Scan", carry + xs, outputs=len(eqn.outputs), body=graph,
                        num_scan_inputs=num_xs)
    outs = list(outs) if isinstance(outs, tuple) else [outs]
    if params["reverse"]:
        outs[num_carry:] = [_flip_steps(ctx, y) for y in outs[num_carry:]]
    return tuple(outs)


def _flip_steps(ctx, x):
    return ctx.node("Slice", [x, ctx.ints([-1]), ctx.ints([INT64_MIN]), ctx.ints([0]),
                              ctx.ints([-1])])


def lower_while(ctx, eqn, *inputs):
    """``Loop`` with no trip count: the condition is evaluated once before the loop and
    again at the end of each iteration, on the new carry."""
    params = eqn.params
    cond, body = params["cond"].graph, params["body"].graph
    num_carry, num_cond = params["num_carry"], params["num_cond"]
    carry = list(inputs[:num_carry])
    cond_consts = list(inputs[num_carry:num_carry + num_cond])
    body_consts = list(inputs[num_carry + num_cond:])
    _align_program(ctx, eqn, "cond")
    _align_program(ctx, eqn, "body")
    first = lower_graph(ctx, cond, carry + cond_consts)[0]
    sub = ctx.subgraph()
    names, infos = _body_inputs(sub, body.invars[:num_carry], "carry")
    step, going = sub.fresh("iteration"), sub.fresh("cond_in")
    new_carry = lower_graph(sub, body, names + body_consts)
    again = lower_graph(sub, cond, new_carry + cond_consts)
    graph = _body_graph(sub, [_info(step, np.int64, 0), _info(going, np.bool_, 0)] + infos,
                        again + new_carry, cond.outvars + body.outvars, "loop_body")
    outs = ctx.node("Loop", ["", first] + carry, outputs=num_carry, body=graph)
    return outs if isinstance(outs, tuple) else (outs,)


def lower_cond(ctx, eqn, pred, *operands):
    """``If`` with both branches as subgraphs without inputs (they read the operands from
    the outer scope); a non-bool predicate is compared with zero, as ``bool()`` does."""
    from onnx import helper

    false_program, true_program = eqn.params["branches"]
    alt_eqn = ctx.alt_eqns.get(id(eqn))
    branches = []
    for index, program in enumerate((true_program, false_program)):
        if alt_eqn is not None:
            alt = alt_eqn.params["branches"][1 - index].graph
            align(ctx, program.graph, alt, program.graph.name)
        sub = ctx.subgraph()
        outs = lower_graph(sub, program.graph, list(operands))
        branches.append(_body_graph(sub, [], outs, program.graph.outvars,
                                    ("then", "else")[index]))
    pred_var = eqn.inputs[0]
    if pred_var.dtype.kind != "b":
        zero = ctx.const(0, pred_var.dtype)
        pred = ctx.node("Not", [ctx.node("Equal", [pred, zero])])
    if pred_var.ndim:
        pred = ctx.node("Reshape", [pred, ctx.ints([])])
    outs = ctx.node("If", [pred], outputs=len(eqn.outputs), then_branch=branches[0],
                    else_branch=branches[1])
    return outs if isinstance(outs, tuple) else (outs,)


if while_p is not None:
    register_lowering(while_p)(lower_while)
if cond_p is not None:
    register_lowering(cond_p)(lower_cond)
