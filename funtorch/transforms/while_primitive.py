"""``while_p``: a loop with a data-dependent trip count, staged inside ``ft.jit``.

Outside ``jit`` ``ft.while_loop`` runs eagerly (``control.py``). Inside ``jit`` the
predicate has no value, so ``cond_fun`` and ``body_fun`` are themselves staged into
programs (values they close over, such as other jit inputs, become extra operands, as
in any staged function) and one ``while_p`` equation runs the loop at replay time.
``vmap`` of the staged loop (``jit(vmap(while_loop))``, ``vmap(jit(while_loop))``) is
JAX's batched while: one ``while_p`` whose condition is ``any`` of the batched predicate
and whose body updates only the examples still running (``ft.where``). ``jvp`` of the
staged loop raises a clear error; reverse mode is refused as everywhere.
"""

from __future__ import annotations

from funtorch import ops, tree
from funtorch.core import Primitive, bind
from funtorch.transforms.custom import PerArgument, as_arrays
from funtorch.transforms.scan_primitive import CARRY_CHANGED, aval_str

__all__ = ["staged_while"]

_REVERSE = ("Reverse-mode differentiation does not work for ft.while_loop with a "
            "data-dependent trip count; use ft.scan or ft.fori_loop with static bounds")
_INSIDE = ("while_loop: {what} of a while_loop staged inside ft.jit is not supported yet; "
           "apply ft.{what} outside the jitted function, or use ft.scan/ft.fori_loop")


def _impl(xp, *bufs, cond, body, num_carry, num_cond):
    carry = bufs[:num_carry]
    cond_consts = bufs[num_carry:num_carry + num_cond]
    body_consts = bufs[num_carry + num_cond:]
    while bool(cond.run(*carry, *cond_consts)[0]):
        carry = body.run(*carry, *body_consts)
    return tuple(carry)


def _refuse_reverse(index):
    def rule(*args, **params):
        raise ValueError(_REVERSE)
    return rule


def _refuse(what):
    def rule(*args, **params):
        raise TypeError(_INSIDE.format(what=what))
    return rule


while_p = Primitive(
    "while", _impl,
    shape=lambda *avals, cond, body, num_carry, num_cond: [
        (a.shape, a.dtype) for a in avals[:num_carry]],
    vjp=PerArgument(_refuse_reverse), jvp=_refuse("jvp"), batch=None,
    multiple_results=True, register=False)


def _check_body_outputs(leaves, outs, val_tree, out_tree):
    if out_tree != val_tree:
        raise TypeError(CARRY_CHANGED.format(api="while_loop", where=" of body_fun",
                                             old=val_tree, new=out_tree))
    for old, new in zip(leaves, outs):
        if tuple(old.shape) != tuple(new.shape) or old.dtype != new.dtype:
            raise TypeError(CARRY_CHANGED.format(api="while_loop", where=" of body_fun",
                                                 old=aval_str(old), new=aval_str(new)))


def _stage_and_bind(cond_flat, body_flat, leaves):
    """Stage ``cond_flat``/``body_flat`` (flat functions of the carry leaves) and bind one
    ``while_p``; return the final carry leaves."""
    from funtorch.transforms.jit import stage
    from funtorch.transforms.replay import Program

    flat_tree = tree.structure(tuple(leaves))
    cond_graph, cond_tree, cond_lifted = stage(cond_flat, leaves, flat_tree, cond_flat.__name__)
    body_graph, body_tree, body_lifted = stage(body_flat, leaves, flat_tree, body_flat.__name__)
    return bind(while_p, *leaves, *cond_lifted, *body_lifted, cond=Program(cond_graph, cond_tree),
                body=Program(body_graph, body_tree), num_carry=len(leaves),
                num_cond=len(cond_lifted))


def _batch(args, bdims, cond, body, num_carry, num_cond):
    """JAX's batched while: every carry leaf gets the batch on axis 0, the loop runs while
    any example's predicate holds, and the body updates only the examples still running."""
    from funtorch.transforms.jit import evaluate_graph
    from funtorch.transforms.vmap import vmap

    size = next(a.shape[b] for a, b in zip(args, bdims) if b is not None)
    carry = [ops.broadcast_to(ops.expand_dims(a, 0), (size,) + tuple(a.shape)) if b is None
             else a if b == 0 else ops.moveaxis(a, b, 0)
             for a, b in zip(args[:num_carry], bdims[:num_carry])]
    cond_consts, cond_dims = args[num_carry:num_carry + num_cond], bdims[num_carry:num_carry + num_cond]
    body_consts, body_dims = args[num_carry + num_cond:], bdims[num_carry + num_cond:]
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
    outs = _stage_and_bind(batched_cond, batched_body, carry)
    return tuple(outs), (0,) * num_carry


while_p.batch = _batch


def staged_while(cond_fun, body_fun, leaves, val_tree, name):
    """Stage ``cond_fun``/``body_fun`` over ``leaves`` (arrays, or tracers of transforms
    applied inside the jitted function, e.g. vmap's) and bind one ``while_p``."""
    def cond_flat(*vals):
        return cond_fun(tree.unflatten(val_tree, list(vals)))

    def body_flat(*vals):
        out_leaves, out_tree = tree.flatten(body_fun(tree.unflatten(val_tree, list(vals))))
        out_leaves = list(as_arrays(out_leaves))
        _check_body_outputs(vals, out_leaves, val_tree, out_tree)
        return tuple(out_leaves)
    cond_flat.__name__, body_flat.__name__ = f"{name}_cond", f"{name}_body"
    return tree.unflatten(val_tree, list(_stage_and_bind(cond_flat, body_flat, leaves)))
