"""``while_p``: a loop with a data-dependent trip count, staged inside ``ft.jit``.

Outside ``jit`` ``ft.while_loop`` runs eagerly (``control.py``). Inside ``jit`` the
predicate has no value, so ``cond_fun`` and ``body_fun`` are themselves staged into
programs (values they close over, such as other jit inputs, become extra operands, as
in any staged function) and one ``while_p`` equation runs the loop at replay time.
Only plain ``jit`` is supported for now: transforms applied to the staged loop from
inside the jitted function raise a clear error.
"""

from __future__ import annotations

from funtorch import tree
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
    vjp=PerArgument(_refuse_reverse), jvp=_refuse("jvp"), batch=_refuse("vmap"),
    multiple_results=True, register=False)


def _check_body_outputs(leaves, outs, val_tree, out_tree):
    if out_tree != val_tree:
        raise TypeError(CARRY_CHANGED.format(api="while_loop", where=" of body_fun",
                                             old=val_tree, new=out_tree))
    for old, new in zip(leaves, outs):
        if tuple(old.shape) != tuple(new.shape) or old.dtype != new.dtype:
            raise TypeError(CARRY_CHANGED.format(api="while_loop", where=" of body_fun",
                                                 old=aval_str(old), new=aval_str(new)))


def staged_while(cond_fun, body_fun, leaves, val_tree, name):
    """Stage ``cond_fun``/``body_fun`` over ``leaves`` and bind one ``while_p``."""
    from funtorch.transforms.jit import stage
    from funtorch.transforms.replay import Program

    flat_tree = tree.structure(tuple(leaves))

    def cond_flat(*vals):
        return cond_fun(tree.unflatten(val_tree, list(vals)))

    def body_flat(*vals):
        out_leaves, out_tree = tree.flatten(body_fun(tree.unflatten(val_tree, list(vals))))
        out_leaves = list(as_arrays(out_leaves))
        _check_body_outputs(vals, out_leaves, val_tree, out_tree)
        return tuple(out_leaves)
    cond_flat.__name__, body_flat.__name__ = f"{name}_cond", f"{name}_body"
    cond_graph, cond_tree, cond_lifted = stage(cond_flat, leaves, flat_tree, cond_flat.__name__)
    body_graph, body_tree, body_lifted = stage(body_flat, leaves, flat_tree, body_flat.__name__)
    outs = bind(while_p, *leaves, *cond_lifted, *body_lifted, cond=Program(cond_graph, cond_tree),
                body=Program(body_graph, body_tree), num_carry=len(leaves),
                num_cond=len(cond_lifted))
    return tree.unflatten(val_tree, list(outs))
