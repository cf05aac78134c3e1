"""``scan`` -> the ONNX ``Scan`` operator, its body lowered into a subgraph.

This is how recurrent layers export: ``nn.RNN``/``LSTM``/``GRU`` run their time loop
through ``ft.scan``, so their weights, gate order and nonlinearities are the body's own
equations and need no conversion (PyTorch's exporter, by contrast, must reorder its
gates into ONNX's ``LSTM``/``GRU``).

The body is lowered by the same loop as the outer graph, into ``ctx.subgraph()`` (its
own nodes, names unique across scopes); the loop constants of ``scan`` (values the step
reads without receiving them, such as recurrent weights) are read from the outer scope,
as ONNX subgraphs may. ``reverse=True`` scans and stacks backwards, which is
``ft.scan``'s order (``ys[i]`` belongs to ``xs[i]``); it is written as a forward ``Scan``
between reversals of ``xs`` and ``ys``, because ``onnx.reference`` runs only forward
scans. A scan without ``xs`` (``length`` steps) gets a dummy step-index scan input, as
ONNX takes the trip count from the scan inputs.
"""

from __future__ import annotations

import numpy as np

from funtorch.onnx.context import onnx_dtype
from funtorch.onnx.lowering import align, lower_graph
from funtorch.onnx.passes import remove_dead_nodes
from funtorch.onnx.registry import register_lowering
from funtorch.transforms.scan_primitive import scan_p

__all__ = ["lower_scan"]


def _info(ctx, name, var):
    from onnx import helper

    dims = [None if ctx.is_dynamic(var, axis) else size for axis, size in enumerate(var.shape)]
    return helper.make_tensor_value_info(name, onnx_dtype(var.dtype), dims)


def _body_graph(ctx, eqn, consts, dummy):
    """The ONNX body: states ``carry``, scan inputs ``xs`` (or one dummy step index),
    outputs ``(*new carry, *ys)``; ``consts`` are outer names."""
    from onnx import helper

    body = eqn.params["body"].graph
    alt_eqn = ctx.alt_eqns.get(id(eqn))
    if alt_eqn is not None:
        align(ctx, body, alt_eqn.params["body"].graph, body.name)
    sub = ctx.subgraph()
    own = body.invars[len(consts):]
    in_names = [sub.fresh("body_in") for _ in own]
    results = lower_graph(sub, body, list(consts) + in_names)
    out_names = [sub.fresh("body_out") for _ in results]
    for source, name in zip(results, out_names):
        sub.nodes.append(helper.make_node("Identity", [source], [name], name=sub.fresh("n")))
    inputs = [_info(sub, n, v) for n, v in zip(in_names, own)]
    if dummy:
        inputs.append(helper.make_tensor_value_info(sub.fresh("step"), onnx_dtype(np.int64),
                                                    []))
    outputs = [_info(sub, n, v) for n, v in zip(out_names, body.outvars)]
    return helper.make_graph(remove_dead_nodes(sub.nodes, out_names),
                             sub.fresh(body.name or "body"), inputs, outputs)


@register_lowering(scan_p)
def lower_scan(ctx, eqn, *inputs):
    """``scan(*consts, *init, *xs)`` -> ``Scan`` (see the module docstring)."""
    params = eqn.params
    num_consts, num_carry = params["num_consts"], params["num_carry"]
    num_xs = len(inputs) - num_consts - num_carry
    consts, carry = inputs[:num_consts], inputs[num_consts:num_consts + num_carry]
    xs = [_flip(ctx, x) for x in inputs[num_consts + num_carry:]] if params["reverse"] else list(
        inputs[num_consts + num_carry:])
    if num_xs == 0:
        xs = [ctx.const(np.arange(params["length"], dtype=np.int64))]
    graph = _body_graph(ctx, eqn, consts, dummy=num_xs == 0)
    results = ctx.node("Scan", list(carry) + xs, outputs=len(eqn.outputs), body=graph,
                       num_scan_inputs=len(xs))
    results = list(results) if isinstance(results, tuple) else [results]
    if params["reverse"]:
        results[num_carry:] = [_flip(ctx, y) for y in results[num_carry:]]
    return tuple(results)


def _flip(ctx, x):
    """``x[::-1]`` along axis 0."""
    return ctx.node("Slice", [x, ctx.ints([-1]), ctx.ints([np.iinfo(np.int64).min]),
                              ctx.ints([0]), ctx.ints([-1])])
