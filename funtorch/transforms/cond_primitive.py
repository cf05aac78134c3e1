"""``cond_p``: ``true_fun(*operands) if pred else false_fun(*operands)`` over two staged
programs (``jax.lax.cond``).

``ft.cond`` stages both branches on the operands' shapes; values a branch reads without
receiving them become extra operands that both programs take, so the arguments are
``(pred, *operands, *true_consts, *false_consts)`` and the one param ``branches`` is the
hashable pair ``(false program, true program)``. The impl runs the chosen program on
plain buffers. The rules are again ``cond_p`` over derived programs, cached on the
branches: jvp runs the chosen branch's JVP, reverse mode the chosen branch's VJP (it
re-runs that branch's forward, as ``checkpoint`` does), vmap with an unbatched predicate
runs the vmapped branches, and with a batched one runs both and selects per example with
``ft.where``.
"""

from __future__ import annotations

from funtorch import ops
from funtorch.core import Primitive, bind
from funtorch.dtypes import is_inexact
from funtorch.transforms.custom import JointVJP
from funtorch.transforms.graph import Var
from funtorch.transforms.scan_primitive import float_vjp, stage_step

__all__ = ["bind_cond", "cond_p"]


def _program(graph):
    from funtorch.transforms.replay import cached_program

    return cached_program(graph)


def _unused(values):
    return [Var(0, v.shape, v.dtype, v.device) for v in values]


def _arrange(graph, num_own, before, after):
    """A branch's inputs as cond_p passes them: the operands, then the outside values of
    both branches (this branch ignores the other's)."""
    own, operands = graph.invars[:num_own], graph.invars[num_own:]
    return graph.replace(invars=operands + _unused(before) + own + _unused(after))


def bind_cond(pred, operands, true_graph, true_consts, false_graph, false_consts):
    """Bind ``cond_p``; each graph takes its own outside values first, then the operands
    (as ``scan_primitive.stage_step`` returns them)."""
    true_graph = _arrange(true_graph, len(true_consts), [], false_consts)
    false_graph = _arrange(false_graph, len(false_consts), true_consts, [])
    return bind(cond_p, pred, *operands, *true_consts, *false_consts,
                branches=(_program(false_graph), _program(true_graph)))


def _impl(xp, pred, *bufs, branches):
    return branches[bool(pred)].run(*bufs)


def _shape(pred, *avals, branches):
    return [(v.shape, v.dtype) for v in branches[1].graph.outvars]


def _derived(branches, key, build):
    table = branches[1].derived
    programs = table.get(key)
    if programs is None:
        programs = table[key] = tuple(_program(build(b)) for b in branches)
    return programs


def _stage(fun, avals, name):
    graph, consts = stage_step(fun, avals, name)
    assert not consts, "a program derived from a staged branch reads no outside values"
    return graph


def _jvp(primals, tangents, branches):
    from funtorch.transforms.jit import evaluate_graph
    from funtorch.transforms.jvp import jvp

    pred, vals = primals[0], list(primals[1:])
    tans = [ops.zeros_like(p) if t is None else t for p, t in zip(vals, tangents[1:])]

    def build(branch):
        fn, count = evaluate_graph(branch.graph), len(vals)

        def step(*both):
            outs, t_outs = jvp(fn, both[:count], both[count:])
            return (*outs, *t_outs)
        return _stage(step, [*branch.graph.invars, *branch.graph.invars], "cond_jvp")
    outs = bind(cond_p, pred, *vals, *tans, branches=_derived(branches, "jvp", build))
    half = len(outs) // 2
    return outs[:half], outs[half:]


def _transpose(cts, ans, pred, *args, branches):
    from funtorch.transforms.jit import evaluate_graph

    diff = [i for i, a in enumerate(args) if is_inexact(a.dtype)]
    float_outs = [i for i, v in enumerate(branches[1].graph.outvars) if is_inexact(v.dtype)]

    def build(branch):
        fn, count = evaluate_graph(branch.graph), len(args)

        def pull(*vals):
            return float_vjp(fn, vals[:count], diff, float_outs, vals[count:])[1]
        outvars = branch.graph.outvars
        return _stage(pull, [*branch.graph.invars, *[outvars[i] for i in float_outs]],
                      "cond_vjp")
    grads = bind(cond_p, pred, *args, *[cts[i] for i in float_outs],
                 branches=_derived(branches, "vjp", build))
    out = [ops.zeros_like(a) for a in args]
    for index, g in zip(diff, grads):
        out[index] = g
    return (ops.zeros_like(pred), *out)


def _batch(args, bdims, branches):
    from funtorch.transforms.jit import evaluate_graph
    from funtorch.transforms.vmap import vmap

    fns = [evaluate_graph(b.graph) for b in branches]
    if bdims[0] is not None:  # a predicate per example: run both, select per example
        def select(pred, *vals):
            return tuple(ops.where(pred, t, f) for t, f in zip(fns[1](*vals), fns[0](*vals)))
        outs = vmap(select, in_axes=tuple(bdims))(*args)
        return outs, (0,) * len(outs)
    size = next(a.shape[b] for a, b in zip(args, bdims) if b is not None)
    axes = tuple(bdims[1:])

    def build(branch):
        avals = [Var(0, v.shape if b is None else v.shape[:b] + (size,) + v.shape[b:],
                     v.dtype, v.device) for v, b in zip(branch.graph.invars, axes)]
        return _stage(vmap(evaluate_graph(branch.graph), in_axes=axes), avals, "cond_vmap")
    outs = bind(cond_p, *args, branches=_derived(branches, ("vmap", size, axes), build))
    return outs, (0,) * len(outs)


cond_p = Primitive("cond", _impl, shape=_shape, vjp=JointVJP(_transpose), jvp=_jvp,
                   batch=_batch, multiple_results=True, register=False)
