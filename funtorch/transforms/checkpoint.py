"""``ft.checkpoint``: rematerialisation, a multiple-results "call" primitive (built like
``custom.py``'s) whose reverse mode recomputes ``fun`` instead of keeping its intermediates.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from funtorch import ops, tree
from funtorch.core import Primitive, bind
from funtorch.grad import vjp
from funtorch.transforms.custom import (
    ClosureError, JointVJP, OutTree, _all_at_zero, _flatten_fun, _impl, _shape, _split_args,
)
from funtorch.transforms.jvp import jvp
from funtorch.transforms.vmap import vmap
from funtorch.typing import P

__all__ = ["checkpoint"]

_R = TypeVar("_R")  # what the rematerialised function returns


checkpoint_call_p = Primitive(
    "checkpoint", _impl, shape=_shape,
    vjp=JointVJP(lambda cts, ans, *args, fun: vjp(fun, *args)[1](cts)),
    jvp=lambda primals, tangents, fun: jvp(fun, primals, tuple(
        ops.zeros_like(p) if t is None else t for p, t in zip(primals, tangents))),
    batch=lambda args, bdims, fun: _all_at_zero(
        bind(checkpoint_call_p, *args, fun=vmap(fun, in_axes=tuple(bdims)))),
    multiple_results=True, register=False)


def checkpoint(fun: Callable[P, _R], static_argnums: int | Sequence[int] = ()) -> Callable[P, _R]:
    """Rematerialise: don't keep ``fun``'s intermediates for reverse mode; recompute them
    during the backward pass (saves memory, costs one more forward of ``fun``).

    Args:
        fun: the function to rematerialise (pytrees of arrays in and out).
        static_argnums: positions of arguments passed through as Python values.

    Returns:
        A function with ``fun``'s signature and values.

    Example:
        >>> layer = ft.checkpoint(lambda w, x: ft.tanh(x @ w))
        >>> g = ft.grad(lambda w: ft.sum(layer(w, ft.ones((4, 3)))))(ft.ones((3, 3)))
        >>> g.shape, round(float(g[0, 0]), 6)  # 4 (1 - tanh(3)^2)
        ((3, 3), 0.039464)
    """
    statics = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def remat(*args: Any) -> Any:
        static, leaves, in_tree = _split_args(args, statics, "checkpoint")
        out = OutTree()
        flat = _flatten_fun(fun, in_tree, static, out)
        try:
            outs = bind(checkpoint_call_p, *leaves, fun=flat)
        except ClosureError:
            # fun closes over a value an outer transform traces: rematerialising would
            # need that value as an input (JAX converts closures); run it plainly instead,
            # same values and gradients, without the memory saving
            return fun(*args)
        return tree.unflatten(out.treedef, list(outs))
    return remat
