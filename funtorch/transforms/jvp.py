"""Forward mode: ``jvp`` carries a tangent beside each primal, using the JVP rules.

Zero tangents are symbolic (``None``) so constants cost nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

from funtorch import ops, tree
from funtorch.core import Array, Trace, Tracer, bind, new_trace
from funtorch.dtypes import is_inexact
from funtorch.typing import PyTree

__all__ = ["jvp", "JVPTracer"]

_NO_JVP = ("{transform}: primitive '{name}' has no JVP rule for argument {index}, so it "
           "cannot be differentiated with respect to it (called from {fun})")


class JVPTracer(Tracer):
    """A primal value with its tangent (``None`` means a zero tangent)."""

    __slots__ = ("primal", "tangent")

    def __init__(self, trace, primal, tangent):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent
        self._node = None
        self.grad = None

    @property
    def aval(self):
        return self.primal


class JVPTrace(Trace):
    __slots__ = ()

    def process_primitive(self, prim, args, params):
        primals = []
        tangents = []
        for arg in args:
            if type(arg) is JVPTracer and arg._trace is self:
                primals.append(arg.primal)
                tangents.append(arg.tangent)
            else:
                primals.append(arg)
                tangents.append(None)
        if prim.multiple_results:
            if callable(prim.jvp):  # a joint rule: (primals, tangents) -> (outs, tangents)
                ans, out_tangents = prim.jvp(primals, tangents, **params)
                return self._wrap(ans, out_tangents)
            return self._results(prim, bind(prim, *primals, **params), primals, tangents,
                                 params)
        ans = bind(prim, *primals, **params)
        if prim.nondiff or not is_inexact(ans.dtype):
            return ans
        out_tangent = None
        for index, tangent in enumerate(tangents):
            if tangent is None:
                continue
            rules = prim.jvp
            if rules is None or rules[index] is None:
                raise TypeError(_NO_JVP.format(transform=self.transform, name=prim.name,
                                               index=index, fun=self.fun_name))
            term = rules[index](tangent, ans, *primals, **params)
            out_tangent = term if out_tangent is None else out_tangent + term
        if out_tangent is None:
            return ans
        if out_tangent.shape != ans.shape:
            out_tangent = ops.broadcast_to(out_tangent, ans.shape)
        if out_tangent.dtype != ans.dtype:
            out_tangent = ops.astype(out_tangent, ans.dtype)
        return JVPTracer(self, ans, out_tangent)

    def _rules(self, prim, tangents):
        for index, tangent in enumerate(tangents):
            if tangent is not None and (prim.jvp is None or prim.jvp[index] is None):
                raise TypeError(_NO_JVP.format(transform=self.transform, name=prim.name,
                                               index=index, fun=self.fun_name))
            if tangent is not None:
                yield prim.jvp[index], tangent

    def _results(self, prim, ans, primals, tangents, params):
        if prim.nondiff:
            return ans
        sums = [None] * len(ans)
        for rule, tangent in self._rules(prim, tangents):
            for index, term in enumerate(rule(tangent, ans, *primals, **params)):
                if term is not None:
                    sums[index] = term if sums[index] is None else sums[index] + term
        return self._wrap(ans, sums)

    def _wrap(self, ans, tangents):
        return tuple(value if t is None or not is_inexact(value.dtype) else JVPTracer(
            self, value, ops.astype(ops.broadcast_to(t, value.shape), value.dtype))
            for value, t in zip(ans, tangents))


def _as_array(x):
    return x if isinstance(x, Array) else ops.asarray(x)


@overload
def jvp(fun: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any],
        has_aux: Literal[False] = False) -> tuple[PyTree, PyTree]: ...
@overload
def jvp(fun: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any],
        has_aux: Literal[True]) -> tuple[PyTree, PyTree, Any]: ...


def jvp(fun: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any],
        has_aux: bool = False) -> tuple[PyTree, PyTree] | tuple[PyTree, PyTree, Any]:
    """Evaluate ``fun(*primals)`` and its directional derivative along ``tangents``.

    Args:
        fun: a function of arrays (pytrees allowed).
        primals: a tuple of arguments.
        tangents: a tuple with the same structure, shapes and dtypes.

    Returns:
        ``(out, tangent_out)`` (and ``aux`` when ``has_aux``).

    Raises:
        TypeError: ``primals``/``tangents`` not tuples, or structures that differ.
        ValueError: a tangent whose shape or dtype differs from its primal.

    Example:
        >>> ft.jvp(ft.sin, (ft.array(0.0),), (ft.array(1.0),))
        (array(0.), array(1.))
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp: primals and tangents must be tuples (or lists) of arguments, "
                        f"got {type(primals).__name__} and {type(tangents).__name__}")
    flat_p, tree_p = tree.flatten(tuple(primals))
    flat_t, tree_t = tree.flatten(tuple(tangents))
    if tree_p != tree_t:
        raise TypeError(f"jvp: primals structure {tree_p} differs from tangents structure {tree_t}")
    trace = new_trace(JVPTrace, "jvp", fun)
    boxed = []
    for p, t in zip(flat_p, flat_t):
        p, t = _as_array(p), _as_array(t)
        if t.shape != p.shape:
            raise ValueError(f"jvp: tangent shape {t.shape} differs from primal shape {p.shape}")
        if is_inexact(p.dtype):
            if t.dtype != p.dtype:
                raise ValueError(f"jvp: tangent dtype {t.dtype} differs from primal dtype "
                                 f"{p.dtype}")
            boxed.append(JVPTracer(trace, p, t))
        else:
            boxed.append(p)
    try:
        result = fun(*tree.unflatten(tree_p, boxed))
    finally:
        trace.active = False
    aux = None
    if has_aux:
        result, aux = result
    out_flat, out_tree = tree.flatten(result)
    primals_out, tangents_out = [], []
    for out in out_flat:
        if type(out) is JVPTracer and out._trace is trace:
            primals_out.append(out.primal)
            tangents_out.append(out.tangent)
        else:
            out = _as_array(out)
            primals_out.append(out)
            tangents_out.append(ops.zeros_like(out))
    result = (tree.unflatten(out_tree, primals_out), tree.unflatten(out_tree, tangents_out))
    if not has_aux:
        return result
    # aux is returned as a value, without its tangent (JAX): unwrap this trace's tracers
    aux = tree.map(lambda a: a.primal if type(a) is JVPTracer and a._trace is trace else a,
                   aux)
    return result + (aux,)
