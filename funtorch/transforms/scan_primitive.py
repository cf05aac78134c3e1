"""``scan_p``: the primitive behind ``ft.scan``, over a staged body, with every rule here.

The body is a :class:`~funtorch.transforms.replay.Program` staged once from the user's
step function: its inputs are the loop constants (values the step reads without
receiving them: Parameters, closed-over tracers of outer transforms), the carry and one
step of ``xs``; its outputs the new carry and one step of ``ys``. The arguments of
``scan_p`` are ``(*consts, *init, *xs)``; its params (``body``, ``num_consts``,
``num_carry``, ``length``, ``reverse``) are hashable values. The impl replays the body
once per step on plain buffers.

Every rule is again a ``scan_p`` over a program derived from the body (and cached on
it), so outer transforms see one node at any nesting depth:

- reverse mode (JAX's partial evaluation and transposition): the step's joint function
  ``(primals, cotangents) -> (outputs, cotangents)`` is staged once and split
  (``partial_eval.py``) into a forward half, run by the forward scan, which also returns
  the step's residuals (stacked over the steps), and a backward half, run once per step
  by the reverse scan on its step's residuals. The loop constants' cotangents are summed
  in the reverse scan's carry. No step is re-run.
- forward mode scans the body's JVP; vmap scans the vmapped body.
"""

from __future__ import annotations

from funtorch import ops, tree
from funtorch.core import Primitive, bind
from funtorch.dtypes import is_inexact
from funtorch.transforms import partial_eval
from funtorch.transforms.custom import JointVJP
from funtorch.transforms.graph import Var, eliminate_dead_code

__all__ = ["aval_str", "bind_scan", "check_carry", "float_vjp", "scan_p", "stage_step",
           "step_aval", "steps"]

CARRY_CHANGED = (
    "{api}: the carry{where} changed from {old} to {new}; the body must return a carry with "
    "the same structure, shapes and dtypes as its input (cast with .astype, or give the "
    "initial value its final shape)")


def aval_str(x):
    return f"{x.dtype}{list(x.shape)}"


def check_carry(api, old_leaves, new_leaves, where):
    """Raise TypeError if a loop carry changed shape or dtype (``where`` may be a function
    of the leaf index giving the location for the message)."""
    for index, (old, new) in enumerate(zip(old_leaves, new_leaves)):
        if tuple(old.shape) != tuple(new.shape) or old.dtype != new.dtype:
            at = where(index) if callable(where) else where
            raise TypeError(CARRY_CHANGED.format(api=api, where=at, old=aval_str(old),
                                                 new=aval_str(new)))


def steps(length, reverse):
    return range(length - 1, -1, -1) if reverse else range(length)


class _Aval:
    """Shape, dtype and device of one staged input."""

    __slots__ = ("shape", "dtype", "device")

    def __init__(self, shape, dtype, device):
        self.shape, self.dtype, self.device = tuple(shape), dtype, device


def step_aval(x):
    """The aval of one step of a stacked ``xs`` leaf."""
    return _Aval(x.shape[1:], x.dtype, x.device)


def stage_step(fun, avals, name):
    """Stage ``fun`` (a flat function) on ``avals``; return the graph with the values it
    reads besides its arguments moved to the front of its inputs, and those values."""
    from funtorch.transforms.jit import stage

    graph, _, consts = stage(fun, avals, tree.structure(tuple(avals)), name)
    num_args = len(avals)
    graph = graph.replace(invars=graph.invars[num_args:] + graph.invars[:num_args])
    return graph, consts


def _program(graph):
    from funtorch.transforms.replay import Program

    return Program(graph, None)


def _derived(body, key, build):
    program = body.derived.get(key)
    if program is None:
        program = body.derived[key] = build()
    return program


def _stage_derived(fun, avals, name):
    graph, consts = stage_step(fun, avals, name)
    assert not consts, "a program derived from a staged body reads no outside values"
    return _program(graph)


def bind_scan(consts, init, xs, body, length, reverse):
    return bind(scan_p, *consts, *init, *xs, body=body, num_consts=len(consts),
                num_carry=len(init), length=length, reverse=reverse)


# impl and shape ---------------------------------------------------------------------------


def _scan_impl(xp, *bufs, body, num_consts, num_carry, length, reverse):
    split = num_consts + num_carry
    consts, carry, xs = bufs[:num_consts], bufs[num_consts:split], bufs[split:]
    ys = [xp.empty((length,) + v.shape, v.dtype) for v in body.graph.outvars[num_carry:]]
    run = body.run
    for t in steps(length, reverse):
        outs = run(*consts, *carry, *[x[t] for x in xs])
        carry = outs[:num_carry]
        for y, out in zip(ys, outs[num_carry:]):
            y[t] = out
    return tuple(carry) + tuple(ys)


def _scan_shape(*avals, body, num_consts, num_carry, length, reverse):
    outs = body.graph.outvars
    return ([(v.shape, v.dtype) for v in outs[:num_carry]]
            + [((length,) + v.shape, v.dtype) for v in outs[num_carry:]])


# reverse mode -----------------------------------------------------------------------------


class _Linearized:
    """The body split for reverse mode: ``fwd`` (the body plus stacked residuals), ``bwd``
    (one transposed step) and where each residual comes from."""

    __slots__ = ("fwd", "bwd", "residuals", "diff", "float_outs", "num_float_consts",
                 "hoisted", "extra_ys")


def float_vjp(fn, primals, diff, float_outs, out_cts):
    """``fn(*primals)`` and the cotangents of the float inputs ``diff`` for the cotangents
    ``out_cts`` of the float outputs ``float_outs`` (zero for the others)."""
    from funtorch.grad import vjp

    def partial(*diff_vals):
        full = list(primals)
        for index, value in zip(diff, diff_vals):
            full[index] = value
        return fn(*full)
    outs, pull = vjp(partial, *[primals[i] for i in diff])
    cts = [ops.zeros_like(o) for o in outs]
    for index, ct in zip(float_outs, out_cts):
        cts[index] = ct
    return outs, pull(tuple(cts))


def _joint(fn, num_ins, diff, float_outs, num_float_consts):
    """``(primals, const cotangent sums, output cotangents) -> (outputs, new sums, input
    cotangents)`` for the float inputs ``diff`` and float outputs ``float_outs``."""
    def joint(*vals):
        sums = vals[num_ins:num_ins + num_float_consts]
        outs, grads = float_vjp(fn, vals[:num_ins], diff, float_outs,
                                vals[num_ins + num_float_consts:])
        new_sums = [s + g for s, g in zip(sums, grads[:num_float_consts])]
        return (*outs, *new_sums, *grads[num_float_consts:])
    return joint


def _linearize(body, num_consts, num_carry):
    from funtorch.transforms.jit import evaluate_graph

    graph = body.graph
    ins, outs = graph.invars, graph.outvars
    lin = _Linearized()
    lin.diff = [i for i, v in enumerate(ins) if is_inexact(v.dtype)]
    lin.float_outs = [i for i, v in enumerate(outs) if is_inexact(v.dtype)]
    lin.num_float_consts = sum(1 for i in lin.diff if i < num_consts)
    joint = _joint(evaluate_graph(graph), len(ins), lin.diff, lin.float_outs,
                   lin.num_float_consts)
    sums = [ins[i] for i in lin.diff[:lin.num_float_consts]]
    out_cts = [outs[i] for i in lin.float_outs]
    joint_graph, _ = stage_step(joint, [*ins, *sums, *out_cts], graph.name + "_joint")
    kinds = ([partial_eval.INVARIANT] * num_consts
             + [partial_eval.KNOWN] * (len(ins) - num_consts)
             + [partial_eval.UNKNOWN] * (len(sums) + len(out_cts)))
    direct = range(num_consts + num_carry, len(ins))  # x inputs: the scan has them stacked
    fwd, bwd, lin.residuals = partial_eval.split(joint_graph, kinds, len(outs), direct)
    # the transposed step's inputs as a scan wants them: constants, carry (the cotangent
    # sums and the carry's cotangents), then per-step values (residuals, ys' cotangents)
    num_res = len(lin.residuals)
    num_ct_carry = len(sums) + sum(1 for i in lin.float_outs if i < num_carry)
    res, unknown = bwd.invars[num_consts:num_consts + num_res], bwd.invars[num_consts + num_res:]
    bwd = bwd.replace(invars=bwd.invars[:num_consts] + unknown[:num_ct_carry] + res
                      + unknown[num_ct_carry:])
    bwd, lin.hoisted, lin.extra_ys = _hoist_products(bwd, num_consts, len(sums), num_ct_carry)
    lin.fwd, lin.bwd = _program(fwd), _program(bwd)
    return lin


def _transposed_input(var, producer, per_step):
    """``(index among per-step inputs, transposed)`` if ``var`` is a per-step input or its
    2-d transpose, else None."""
    if id(var) in per_step:
        return per_step[id(var)], False
    eqn = producer.get(id(var))
    if (eqn is not None and eqn.prim.name == "transpose" and eqn.params.get("perm") == (1, 0)
            and isinstance(eqn.inputs[0], Var) and id(eqn.inputs[0]) in per_step):
        return per_step[id(eqn.inputs[0])], True
    return None


def _hoist_products(bwd, num_consts, num_sums, num_carry):
    """Take ``sum += a @ b`` out of the transposed step when ``a`` and ``b`` change every
    step (a weight's gradient ``h.T @ d_gates``): the step emits ``a`` and ``b`` (or the
    scan reuses their stacked inputs) and one contraction over all steps replaces one
    small product and one add per step, as hand-written BPTT does.

    Returns the new graph, per hoisted sum ``(sum index, a, b)`` with each operand
    ``(where, index, transposed)`` (``where``: "x", a stacked input, or "y", an output),
    and the number of added outputs.
    """
    per_step = {id(v): i for i, v in enumerate(bwd.invars[num_consts + num_carry:])}
    producer = {id(o): e for e in bwd.eqns for o in e.outputs}
    uses: dict = {}
    for eqn in bwd.eqns:
        for v in eqn.inputs:
            uses[id(v)] = uses.get(id(v), 0) + 1
    for v in bwd.outvars:
        uses[id(v)] = uses.get(id(v), 0) + 1
    outvars, extra, hoisted = list(bwd.outvars), [], []
    for index in range(num_sums):
        total, acc = bwd.outvars[index], bwd.invars[num_consts + index]
        add = producer.get(id(total))
        if add is None or add.prim.name != "add" or len(add.inputs) != 2:
            continue
        product = add.inputs[1] if add.inputs[0] is acc else add.inputs[0]
        mm = producer.get(id(product))
        if (acc not in add.inputs or mm is None or mm.prim.name != "matmul" or mm.params
                or uses.get(id(product)) != 1 or any(
                    not isinstance(v, Var) or len(v.shape) != 2 for v in mm.inputs)):
            continue
        operands = []
        for var in mm.inputs:
            found = _transposed_input(var, producer, per_step)
            if found is not None:
                operands.append(("x",) + found)
                continue
            ys = [i for i, v in enumerate(outvars) if v is var and i >= num_carry]
            if not ys:
                ys, extra = [len(outvars) + len(extra)], extra + [var]
            operands.append(("y", ys[0], False))
        outvars[index] = acc
        hoisted.append((index, *operands))
    if not hoisted:
        return bwd, (), 0
    graph = eliminate_dead_code(bwd.replace(outvars=outvars + extra))
    return graph, tuple(hoisted), len(extra)


def _contract(stacks_a, stacks_b, a, b):
    """``sum_t op(a_t) @ op(b_t)`` over stacked operands (``op`` transposes if flagged)."""
    (_, i, a_t), (_, j, b_t) = a, b
    axes_a = [0, 1] if a_t else [0, 2]
    axes_b = [0, 2] if b_t else [0, 1]
    return ops.tensordot(stacks_a[i], stacks_b[j], axes=(axes_a, axes_b))


def _scan_fwd(*args, body, num_consts, num_carry, length, reverse):
    lin = _derived(body, "linearized", lambda: _linearize(body, num_consts, num_carry))
    outs = bind(scan_p, *args, body=lin.fwd, num_consts=num_consts, num_carry=num_carry,
                length=length, reverse=reverse)
    num_outs = len(body.graph.outvars)
    return outs[:num_outs], outs[num_outs:]


def _scan_transpose(cts, ans, *args, body, num_consts, num_carry, length, reverse,
                    residuals=None):
    if residuals is None:  # PyTorch-style backward() records no residuals: compute them
        residuals = _scan_fwd(*args, body=body, num_consts=num_consts, num_carry=num_carry,
                              length=length, reverse=reverse)[1]
    lin = body.derived["linearized"]
    split = num_consts + num_carry
    consts, xs = args[:num_consts], args[split:]
    per_step = [xs[i - split] if kind == "in" else residuals[i] for kind, i in lin.residuals]
    sums = [ops.zeros_like(args[i]) for i in lin.diff[:lin.num_float_consts]]
    float_carry = [i for i in lin.float_outs if i < num_carry]
    ct_carry = [ops.astype(cts[i], args[num_consts + i].dtype)
                if cts[i].dtype != args[num_consts + i].dtype else cts[i] for i in float_carry]
    ct_ys = [cts[i] for i in lin.float_outs if i >= num_carry]
    xs_bwd = [*per_step, *ct_ys]
    outs = list(bind_scan(consts, [*sums, *ct_carry], xs_bwd, lin.bwd, length, not reverse))
    stacks = {"x": xs_bwd, "y": list(outs)}
    for index, a, b in lin.hoisted:
        outs[index] = outs[index] + _contract(stacks[a[0]], stacks[b[0]], a, b)
    outs = outs[:len(outs) - lin.extra_ys]
    grads = [None] * len(args)
    for index, ct in zip(lin.diff, outs):
        grads[index] = ct
    return tuple(ops.zeros_like(a) if g is None else g for g, a in zip(grads, args))


# forward mode and batching ----------------------------------------------------------------


def _jvp_body(fn, num_consts, num_carry, num_ins):
    """One step of the scan of (primal, tangent) pairs: inputs and outputs grouped as
    (consts, const tangents, carry, carry tangents, x, x tangents)."""
    from funtorch.transforms.jvp import jvp

    groups = (num_consts, num_carry, num_ins - num_consts - num_carry)

    def step(*vals):
        primals, tangents, start = [], [], 0
        for size in groups:
            primals += vals[start:start + size]
            tangents += vals[start + size:start + 2 * size]
            start += 2 * size
        outs, t_outs = jvp(fn, tuple(primals), tuple(tangents))
        return (*outs[:num_carry], *t_outs[:num_carry], *outs[num_carry:], *t_outs[num_carry:])
    return step


def _interleave(values, num_consts, num_carry):
    split = num_consts + num_carry
    return values[:num_consts], values[num_consts:split], values[split:]


def _scan_jvp(primals, tangents, body, num_consts, num_carry, length, reverse):
    from funtorch.transforms.jit import evaluate_graph

    tangents = [ops.zeros_like(p) if t is None else t for p, t in zip(primals, tangents)]
    ins = body.graph.invars
    program = _derived(body, "jvp", lambda: _stage_derived(
        _jvp_body(evaluate_graph(body.graph), num_consts, num_carry, len(ins)),
        [a for group in zip(_interleave(ins, num_consts, num_carry),
                            _interleave(ins, num_consts, num_carry)) for part in group
         for a in part], body.graph.name + "_jvp"))
    p_groups = _interleave(list(primals), num_consts, num_carry)
    t_groups = _interleave(tangents, num_consts, num_carry)
    outs = bind_scan([*p_groups[0], *t_groups[0]], [*p_groups[1], *t_groups[1]],
                     [*p_groups[2], *t_groups[2]], program, length, reverse)
    num_y = len(body.graph.outvars) - num_carry
    carry, ys = outs[:2 * num_carry], outs[2 * num_carry:]
    return (carry[:num_carry] + ys[:num_y], carry[num_carry:] + ys[num_y:])


def _scan_batch(args, bdims, body, num_consts, num_carry, length, reverse):
    # Every carry is batched up front: an unbatched init next to batched xs becomes batched
    # after one step anyway. Simpler than JAX's fixpoint, which leaves carries that stay
    # unbatched alone; here those are broadcast (memory x batch size).
    from funtorch.transforms.jit import evaluate_graph
    from funtorch.transforms.vmap import vmap

    size = next(a.shape[b] for a, b in zip(args, bdims) if b is not None)
    consts, init, xs = _interleave(list(args), num_consts, num_carry)
    const_dims, init_dims, x_dims = _interleave(list(bdims), num_consts, num_carry)
    consts = [a if b in (None, 0) else ops.moveaxis(a, b, 0) for a, b in zip(consts, const_dims)]
    init = [ops.moveaxis(a, b, 0) if b is not None else ops.broadcast_to(
        ops.expand_dims(a, 0), (size,) + tuple(a.shape)) for a, b in zip(init, init_dims)]
    xs = [a if b is None else ops.moveaxis(a, b, 1)  # time stays axis 0, batch goes to 1
          for a, b in zip(xs, x_dims)]
    in_axes = (tuple(None if b is None else 0 for b in const_dims) + (0,) * num_carry
               + tuple(None if b is None else 0 for b in x_dims))
    ins = body.graph.invars

    def batched_aval(var, axis):
        shape = var.shape if axis is None else (size,) + var.shape
        return _Aval(shape, var.dtype, var.device)
    program = _derived(body, ("vmap", size, in_axes), lambda: _stage_derived(
        vmap(evaluate_graph(body.graph), in_axes=in_axes),
        [batched_aval(v, a) for v, a in zip(ins, in_axes)], body.graph.name + "_vmap"))
    outs = bind_scan(consts, init, xs, program, length, reverse)
    return outs, (0,) * num_carry + (1,) * (len(outs) - num_carry)


scan_p = Primitive(
    "scan", _scan_impl, shape=_scan_shape, vjp=JointVJP(_scan_transpose), jvp=_scan_jvp,
    batch=_scan_batch, multiple_results=True, vjp_fwd=_scan_fwd, register=False)
