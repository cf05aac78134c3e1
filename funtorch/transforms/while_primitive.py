"""``while_p``: a loop with a data-dependent trip count over two staged programs.

``ft.while_loop`` stages ``cond_fun`` and ``body_fun`` (values they read without
receiving them, such as Parameters, jit inputs or tracers of outer transforms, become
extra operands) and binds one ``while_p``: arguments ``(*carry, *cond_consts,
*body_consts)``, params ``cond``/``body`` (programs), ``num_carry``, ``num_cond``, all
hashable. The impl replays the two programs on plain buffers. The rules:

- vmap is JAX's batched while: one ``while_p`` whose condition is ``any`` of the batched
  predicate and whose body updates only the examples still running (``ft.where``);
- jvp loops over (primal, tangent) carries with the body's JVP, as JAX does;
- reverse mode through the carry or the body's operands raises (the trip count depends
  on the data; use ``scan``); the predicate's operands get zero cotangents.
"""

from __future__ import annotations

from funtorch import ops, tree
from funtorch.core import Primitive, bind
from funtorch.transforms.custom import as_arrays
from funtorch.transforms.scan_primitive import CARRY_CHANGED, aval_str, stage_step

__all__ = ["bind_while", "stage_while", "while_p"]

REVERSE = ("Reverse-mode differentiation does not work for ft.while_loop with a "
           "data-dependent trip count; use ft.scan or ft.fori_loop with static bounds "
           "(Python ints)")
_NOT_BOOL = ("while_loop: cond_fun must return a bool scalar, got {got}; compare explicitly, "
             "e.g. `x != 0`")


def _impl(xp, *bufs, cond, body, num_carry, num_cond):
    carry = bufs[:num_carry]
    cond_consts = bufs[num_carry:num_carry + num_cond]
    body_consts = bufs[num_carry + num_cond:]
    while bool(cond.run(*carry, *cond_consts)[0]):
        carry = body.run(*carry, *body_consts)
    return tuple(carry)


class _WhileVJP:
    """The predicate's operands have zero cotangents; the carry and the body's do not
    exist (reverse mode of an unbounded loop)."""

    def __getitem__(self, index):
        def rule(cts, ans, *args, cond, body, num_carry, num_cond):
            if num_carry <= index < num_carry + num_cond:
                return ops.zeros_like(args[index])
            raise ValueError(REVERSE)
        return rule


def _program(graph):
    from funtorch.transforms.replay import cached_program

    return cached_program(graph)


def bind_while(carry, cond_graph, cond_consts, body_graph, body_consts):
    return bind(while_p, *carry, *cond_consts, *body_consts, cond=_program(cond_graph),
                body=_program(body_graph), num_carry=len(carry), num_cond=len(cond_consts))


def _split(values, num_carry, num_cond):
    return (values[:num_carry], values[num_carry:num_carry + num_cond],
            values[num_carry + num_cond:])


def _stage(fun, leaves, consts_avals=()):
    """Stage a flat function of the carry (and extra inputs) with its outside values
    last, as while_p's programs take them."""
    avals = list(leaves) + list(consts_avals)
    graph, consts = stage_step(fun, avals, fun.__name__)
    return graph.replace(invars=graph.invars[len(consts):] + graph.invars[:len(consts)]), consts


def _jvp(primals, tangents, cond, body, num_carry, num_cond):
    """JAX's while JVP: the carry is (primals, tangents); the predicate reads primals."""
    from funtorch.transforms.jit import evaluate_graph
    from funtorch.transforms.jvp import jvp

    tangents = [ops.zeros_like(p) if t is None else t for p, t in zip(primals, tangents)]
    carry, cond_consts, body_consts = _split(list(primals), num_carry, num_cond)
    t_carry, _, t_body = _split(tangents, num_carry, num_cond)
    cond_fn, body_fn = evaluate_graph(cond.graph), evaluate_graph(body.graph)
    num_body = len(body_consts)

    def jvp_cond(*vals):
        return cond_fn(*vals[:num_carry], *vals[2 * num_carry:])

    def jvp_body(*vals):
        nc = num_carry
        outs, t_outs = jvp(body_fn, (*vals[:nc], *vals[2 * nc:2 * nc + num_body]),
                           (*vals[nc:2 * nc], *vals[2 * nc + num_body:]))
        return (*outs, *t_outs)
    jvp_cond.__name__, jvp_body.__name__ = cond.graph.name + "_jvp", body.graph.name + "_jvp"
    both = carry + t_carry
    cond_graph, _ = _stage(jvp_cond, both, cond_consts)
    body_graph, _ = _stage(jvp_body, both, body_consts + t_body)
    outs = bind_while(both, cond_graph, cond_consts, body_graph, body_consts + t_body)
    return outs[:num_carry], outs[num_carry:]


def _batch(args, bdims, cond, body, num_carry, num_cond):
    """JAX's batched while: every carry leaf gets the batch on axis 0, the loop runs while
    any example's predicate holds, and the body updates only the examples still running."""
    from funtorch.transforms.jit import evaluate_graph
    from funtorch.transforms.vmap import vmap

    size = next(a.shape[b] for a, b in zip(args, bdims) if b is not None)
    carry = [ops.broadcast_to(ops.expand_dims(a, 0), (size,) + tuple(a.shape)) if b is None
             else a if b == 0 else ops.moveaxis(a, b, 0)
             for a, b in zip(args[:num_carry], bdims[:num_carry])]
    _, cond_consts, body_consts = _split(list(args), num_carry, num_cond)
    _, cond_dims, body_dims = _split(list(bdims), num_carry, num_cond)
    cond_fn, body_fn = evaluate_graph(cond.graph), evaluate_graph(body.graph)

    def one_pred(*vals):
        return cond_fn(*vals)[0]

    def one_step(*vals):
        old = vals[:num_carry]
        pred = cond_fn(*old, *vals[num_carry:num_carry + num_cond])[0]
        new = body_fn(*old, *vals[num_carry + num_cond:])
        return tuple(ops.where(pred, n, o) for n, o in zip(new, old))

    carry_axes = (0,) * num_carry
    preds = vmap(one_pred, in_axes=carry_axes + tuple(cond_dims))
    step = vmap(one_step, in_axes=carry_axes + tuple(cond_dims) + tuple(body_dims))

    def batched_cond(*vals):
        return ops.any(preds(*vals, *cond_consts))

    def batched_body(*vals):
        return tuple(step(*vals, *cond_consts, *body_consts))
    batched_cond.__name__ = f"{cond.graph.name}_batched"
    batched_body.__name__ = f"{body.graph.name}_batched"
    cond_graph, new_cond_consts = _stage(batched_cond, carry)
    body_graph, new_body_consts = _stage(batched_body, carry)
    outs = bind_while(carry, cond_graph, new_cond_consts, body_graph, new_body_consts)
    return tuple(outs), (0,) * num_carry


while_p = Primitive(
    "while", _impl,
    shape=lambda *avals, cond, body, num_carry, num_cond: [
        (a.shape, a.dtype) for a in avals[:num_carry]],
    vjp=_WhileVJP(), jvp=_jvp, batch=_batch, multiple_results=True, register=False)


def _check_body_outputs(leaves, outs, val_tree, out_tree):
    if out_tree != val_tree:
        raise TypeError(CARRY_CHANGED.format(api="while_loop", where=" of body_fun",
                                             old=val_tree, new=out_tree))
    for old, new in zip(leaves, outs):
        if tuple(old.shape) != tuple(new.shape) or old.dtype != new.dtype:
            raise TypeError(CARRY_CHANGED.format(api="while_loop", where=" of body_fun",
                                                 old=aval_str(old), new=aval_str(new)))


def stage_while(cond_fun, body_fun, leaves, val_tree, name, check_pred, promote):
    """Stage ``cond_fun``/``body_fun`` over ``leaves``; return ``(carry leaves, cond graph,
    its outside values, body graph, its outside values)``. ``check_pred(pred)`` validates
    the staged predicate; ``promote(leaves, new_leaves)`` gives weakly typed leaves the
    dtype the body returns for them (then the body is staged again)."""
    def cond_flat(*vals):
        pred = cond_fun(tree.unflatten(val_tree, list(vals)))
        check_pred(pred)
        if pred.dtype.kind != "b":
            raise TypeError(_NOT_BOOL.format(got=aval_str(pred)))
        return (pred,)

    def body_flat(*vals):
        out_leaves, out_tree = tree.flatten(body_fun(tree.unflatten(val_tree, list(vals))))
        if out_tree != val_tree:
            raise TypeError(CARRY_CHANGED.format(api="while_loop", where=" of body_fun",
                                                 old=val_tree, new=out_tree))
        return as_arrays(out_leaves)
    cond_flat.__name__, body_flat.__name__ = f"{name}_cond", f"{name}_body"
    body_graph, body_consts = _stage(body_flat, leaves)
    promoted = promote(leaves, body_graph.outvars)
    if promoted is not leaves:
        leaves = promoted
        body_graph, body_consts = _stage(body_flat, leaves)
    _check_body_outputs(leaves, body_graph.outvars, val_tree, val_tree)
    cond_graph, cond_consts = _stage(cond_flat, leaves)
    return leaves, cond_graph, cond_consts, body_graph, body_consts
