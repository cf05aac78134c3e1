"""User-defined derivative rules (``custom_vjp``, ``custom_jvp``), each a multiple-results
"call" primitive holding flat functions (``checkpoint.py`` builds rematerialisation on the
same helpers).

The functions are flattened once per call (pytrees in, tuples of arrays out), so the
primitives' rules only see tuples. Reverse mode of ``custom_jvp`` transposes the user's
linear tangent map by reverse-differentiating it (JAX linearises and transposes).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

if sys.version_info >= (3, 11):  # typing_extensions' import is ~3 ms of import funtorch
    from typing import Self
else:
    from typing_extensions import Self

from funtorch import ops, tree
from funtorch.core import Array, Primitive, Tracer, bind, wrap
from funtorch.grad import vjp
from funtorch.transforms.jvp import jvp
from funtorch.transforms.vmap import vmap

__all__ = ["custom_vjp", "custom_jvp"]

_R = TypeVar("_R")  # what the wrapped function returns
_F = TypeVar("_F", bound=Callable[..., Any])


class OutTree:
    """Where a flat function records its output structure when it runs."""

    __slots__ = ("treedef",)

    def __init__(self):
        self.treedef = None


def as_arrays(values):
    return tuple(v if isinstance(v, Array) else ops.asarray(v) for v in values)


def _flatten_fun(fun, in_tree, static, out):
    """``fun`` over pytree args -> a function of leaves returning a tuple of arrays."""
    def flat(*leaves):
        args = _insert_static(tree.unflatten(in_tree, leaves), static)
        flat_out, out.treedef = tree.flatten(fun(*args))
        return as_arrays(flat_out)
    flat.__name__ = getattr(fun, "__name__", "fun")
    return flat


def _insert_static(args, static):
    args = list(args)
    for index, value in static:
        args.insert(index, value)
    return tuple(args)


def _split_args(args, static_argnums, name):
    static = tuple((i, args[i]) for i in sorted(static_argnums))
    dynamic = tuple(a for i, a in enumerate(args) if i not in static_argnums)
    for i in static_argnums:
        if i >= len(args):
            raise ValueError(f"{name}: nondiff_argnums contains {i} but only {len(args)} "
                             "arguments were given")
    leaves, in_tree = tree.flatten(dynamic)
    return static, as_arrays(leaves), in_tree


class ClosureError(TypeError):
    """The function of a call primitive read a traced value that is not one of its
    arguments (a closure over a value some enclosing transform is tracing)."""


_CLOSURE = ("{what}: `{fun}` reads a traced value from an enclosing scope (a closure over an "
            "array that an outer grad/vmap/jvp/jit is tracing); pass that value as an "
            "argument of the function instead")


def _concrete_outputs(outs, fun):
    for out in outs:
        if isinstance(out, Tracer):
            name = getattr(fun, "__name__", "fun")
            raise ClosureError(_CLOSURE.format(what="custom_vjp/custom_jvp/checkpoint",
                                               fun=name))
    return outs


def _impl(xp, *bufs, fun, **unused):
    outs = _concrete_outputs(fun(*[wrap(b) if hasattr(b, "dtype") else b for b in bufs]), fun)
    return tuple(out._buf for out in outs)


def _shape(*avals, fun, **unused):
    outs = _concrete_outputs(fun(*[ops.zeros(a.shape, a.dtype) for a in avals]), fun)
    return [(o.shape, o.dtype) for o in outs]


def _batched_fun(fun, bdims, out_axes=0):
    return vmap(fun, in_axes=tuple(bdims), out_axes=out_axes)


# custom_vjp ------------------------------------------------------------------------------


def _custom_vjp_fwd(*args, fun, fwd, bwd):
    return fwd(*args)


def _custom_vjp_rule(cts, ans, *args, fun, fwd, bwd, residuals=None):
    return bwd(fwd(*args)[1] if residuals is None else residuals, cts)


def _custom_vjp_no_jvp(*unused, **params):
    raise TypeError("jvp: can't apply forward-mode autodiff (jvp) to a custom_vjp function; "
                    "use ft.custom_jvp for forward mode, or reverse mode (ft.grad/ft.vjp)")


def _custom_vjp_batch(args, bdims, fun, fwd, bwd):
    axes = tuple(bdims)
    per_example = vmap(bwd, in_axes=(0, 0))

    def batched_bwd(res, cts):
        # per-example cotangents come out on axis 0: an unbatched argument's are summed
        # over the batch (it was shared by every example), a batched one's go to its axis
        grads = per_example(res, cts)
        return tuple(ops.sum(g, axis=0) if axis is None else ops.moveaxis(g, 0, axis)
                     for g, axis in zip(grads, axes))
    params = dict(fun=vmap(fun, in_axes=axes), fwd=vmap(fwd, in_axes=axes), bwd=batched_bwd)
    return _all_at_zero(bind(custom_vjp_call_p, *args, **params))


class JointVJP:
    """Rule table of a call primitive whose cotangents are computed together:
    ``joint(cts, ans, *args, **params)`` returns one cotangent per argument, and
    ``table[i]`` is the per-argument rule the backward walk calls. The walk calls the
    rules of one node with the same ``cts`` object, so ``joint`` runs once per node: the
    result is kept for the last few ``cts`` objects (held, so their ids stay unique), not
    in the primitive's params, which stay hashable values.
    """

    _KEEP = 8  # nodes whose results are kept (nested backward passes interleave a few)

    def __init__(self, joint):
        self.joint = joint
        self.rules = {}
        self.results = {}

    def __getitem__(self, index):
        rule = self.rules.get(index)
        if rule is None:
            rule = self.rules[index] = functools.partial(self._rule, index)
        return rule

    def _rule(self, index, cts, ans, *args, **params):
        entry = self.results.get(id(cts))
        if entry is None or entry[0] is not cts or entry[1] is not ans:
            entry = (cts, ans, self.joint(cts, ans, *args, **params))
            results = self.results
            results[id(cts)] = entry
            if len(results) > self._KEEP:
                del results[next(iter(results))]
        return entry[2][index]


custom_vjp_call_p = Primitive(
    "custom_vjp_call", _impl, shape=_shape, vjp=JointVJP(_custom_vjp_rule),
    jvp=_custom_vjp_no_jvp, batch=_custom_vjp_batch,
    multiple_results=True, vjp_fwd=_custom_vjp_fwd, register=False)


_BWD_STRUCTURE = ("custom_vjp: bwd of `{name}` must return a tuple with one cotangent per "
                  "differentiable argument, structured like the arguments {expected}; got {got}")


def _check_cotangents(name, grads, in_tree, leaves):
    """Validate a user bwd's output against the primal inputs; return flat cotangents."""
    if not isinstance(grads, tuple):
        raise TypeError(_BWD_STRUCTURE.format(name=name, expected=in_tree,
                                              got=type(grads).__name__))
    flat, got_tree = tree.flatten(grads, is_leaf=lambda x: x is None)
    if len(flat) != len(leaves):
        raise TypeError(_BWD_STRUCTURE.format(name=name, expected=in_tree, got=got_tree))
    out = []
    for index, (g, leaf) in enumerate(zip(flat, leaves)):
        if g is None:
            out.append(ops.zeros_like(leaf))
            continue
        g = ops.asarray(g)
        if tuple(g.shape) != tuple(leaf.shape):
            raise ValueError(f"custom_vjp: bwd of `{name}` returned a cotangent of shape "
                             f"{tuple(g.shape)} for argument leaf "
                             f"{tree.path_of_leaf(in_tree, index)}"
                             f" of shape {tuple(leaf.shape)}; they must match")
        out.append(g)
    return tuple(out)


class custom_vjp(Generic[_R]):
    """A function with a hand-written VJP (JAX's ``jax.custom_vjp``).

    ``f.defvjp(fwd, bwd)``: ``fwd(*args) -> (out, residuals)``,
    ``bwd(*nondiff_args, residuals, g) -> tuple`` with one cotangent per other argument.

    Args:
        fun: the function (pytrees of arrays in and out).
        nondiff_argnums: positions of arguments passed as Python values (not
            differentiated); ``bwd`` gets them first.

    Example:
        >>> @ft.custom_vjp
        ... def clip_grad(x): return x
        >>> _ = clip_grad.defvjp(lambda x: (x, None), lambda res, g: (ft.clip(g, -1.0, 1.0),))
        >>> float(ft.grad(lambda x: 3.0 * clip_grad(x))(ft.array(2.0)))  # 3 clipped to 1
        1.0
    """

    def __init__(self, fun: Callable[..., _R], nondiff_argnums: Sequence[int] = ()) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd: Callable[..., tuple[Any, Any]] | None = None
        self.bwd: Callable[..., Any] | None = None

    def defvjp(self, fwd: Callable[..., tuple[Any, Any]], bwd: Callable[..., Any]) -> Self:
        """Set the rule: ``fwd(*args) -> (out, residuals)`` and
        ``bwd(*nondiff_args, residuals, g) -> tuple`` (one cotangent per other argument).

        Args:
            fwd: takes ``fun``'s arguments and returns ``fun``'s output with the residuals
                ``bwd`` needs (any pytree).
            bwd: takes the ``nondiff_argnums`` arguments, the residuals and the output's
                cotangent ``g``; returns a tuple with one cotangent per differentiated
                argument, each structured and shaped as that argument.

        Returns:
            ``self``, the ``custom_vjp`` (now callable).

        Example:
            >>> @ft.custom_vjp
            ... def square(x): return x * x
            >>> def square_fwd(x): return x * x, x
            >>> def square_bwd(x, g): return (2.0 * x * g,)
            >>> square.defvjp(square_fwd, square_bwd) is square
            True
            >>> float(ft.grad(square)(ft.array(3.0)))
            6.0
        """
        self.fwd, self.bwd = fwd, bwd
        return self

    def __call__(self, *args: Any) -> _R:
        """``fun(*args)``, differentiated through ``fwd``/``bwd`` (TypeError before defvjp)."""
        if self.fwd is None:
            raise TypeError(f"custom_vjp: `{self.__name__}` has no rule yet; call "
                            f"{self.__name__}.defvjp(fwd, bwd) before calling it")
        static, leaves, in_tree = _split_args(args, self.nondiff_argnums, "custom_vjp")
        out = OutTree()
        fun = _flatten_fun(self.fun, in_tree, static, out)
        def fwd(*flat):
            primal_out, res = self.fwd(*_insert_static(tree.unflatten(in_tree, flat), static))
            flat_out, out.treedef = tree.flatten(primal_out)
            return as_arrays(flat_out), res

        def bwd(res, cts):
            statics = tuple(value for _, value in static)
            grads = self.bwd(*statics, res, tree.unflatten(out.treedef, list(cts)))
            return _check_cotangents(self.__name__, grads, in_tree, leaves)
        outs = bind(custom_vjp_call_p, *leaves, fun=fun, fwd=fwd, bwd=bwd)
        return tree.unflatten(out.treedef, list(outs))


# custom_jvp ------------------------------------------------------------------------------


def _custom_jvp_joint(primals, tangents, fun, jvp_rule):
    tangents = tuple(ops.zeros_like(p) if t is None else t for p, t in zip(primals, tangents))
    return jvp_rule(primals, tangents)


def _custom_jvp_transposed(cts, ans, *args, fun, jvp_rule):
    zeros = tuple(ops.zeros_like(a) for a in args)
    return vjp(lambda *tangents: jvp_rule(args, tangents)[1], *zeros)[1](cts)


def _custom_jvp_batch(args, bdims, fun, jvp_rule):
    axes = tuple(bdims)
    return _all_at_zero(bind(custom_jvp_call_p, *args, fun=vmap(fun, in_axes=axes),
                             jvp_rule=vmap(jvp_rule, in_axes=(axes, axes))))


custom_jvp_call_p = Primitive(
    "custom_jvp_call", _impl, shape=_shape, vjp=JointVJP(_custom_jvp_transposed),
    jvp=_custom_jvp_joint, batch=_custom_jvp_batch, multiple_results=True, register=False)


def _check_tangents(name, primals, tangents, out_tree, t_tree):
    """A custom_jvp rule's tangent output must be structured and shaped as its primal
    output (JAX's rule): a wrong shape would otherwise broadcast into a wrong derivative."""
    if len(primals) != len(tangents):
        raise TypeError(f"custom_jvp: the rule of `{name}` returned a tangent output "
                        f"structured as {t_tree} but the primal output is {out_tree}; they "
                        "must match")
    for index, (p, t) in enumerate(zip(primals, tangents)):
        if tuple(p.shape) != tuple(t.shape):
            path = tree.path_of_leaf(out_tree, index)
            where = "the output" if path == "<root>" else f"output leaf {path}"
            raise ValueError(f"custom_jvp: the rule of `{name}` returned a tangent of shape "
                             f"{tuple(t.shape)} for {where} of shape "
                             f"{tuple(p.shape)}; they must match")


class custom_jvp(Generic[_R]):
    """A function with a hand-written JVP (JAX's ``jax.custom_jvp``); reverse mode
    transposes the same rule, so one rule serves ``grad`` and ``jvp``.

    ``f.defjvp(rule)``: ``rule(primals, tangents) -> (primal_out, tangent_out)``, linear in
    ``tangents``. ``nondiff_argnums`` arguments are passed first to ``rule``.

    Args:
        fun: the function (pytrees of arrays in and out).
        nondiff_argnums: positions of arguments passed as Python values (not
            differentiated); the rule gets them first.

    Example:
        >>> @ft.custom_jvp
        ... def log1pexp(x): return ft.log1p(ft.exp(x))
        >>> @log1pexp.defjvp
        ... def rule(primals, tangents):
        ...     (x,), (t,) = primals, tangents
        ...     return log1pexp(x), t * ft.sigmoid(x)
    """

    def __init__(self, fun: Callable[..., _R], nondiff_argnums: Sequence[int] = ()) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp_rule: Callable[..., tuple[Any, Any]] | None = None

    def defjvp(self, jvp_rule: _F) -> _F:
        """Set the rule ``rule(primals, tangents) -> (primal_out, tangent_out)``; returns
        the rule, so ``defjvp`` works as a decorator.

        Args:
            jvp_rule: ``(*nondiff_args, primals, tangents) -> (primal_out, tangent_out)``,
                ``primals`` and ``tangents`` tuples of the differentiated arguments,
                ``tangent_out`` linear in ``tangents`` and shaped as ``primal_out``.

        Returns:
            ``jvp_rule`` itself.

        Example:
            >>> @ft.custom_jvp
            ... def cube(x): return x ** 3
            >>> @cube.defjvp
            ... def cube_jvp(primals, tangents):
            ...     (x,), (t,) = primals, tangents
            ...     return cube(x), 3.0 * x ** 2 * t
            >>> float(ft.jvp(cube, (ft.array(2.0),), (ft.array(1.0),))[1])
            12.0
            >>> float(ft.grad(cube)(ft.array(2.0)))  # the same rule, transposed
            12.0
        """
        self.jvp_rule = jvp_rule
        return jvp_rule

    def __call__(self, *args: Any) -> _R:
        """``fun(*args)``, differentiated through the rule (TypeError before defjvp)."""
        if self.jvp_rule is None:
            raise TypeError(f"custom_jvp: `{self.__name__}` has no rule yet; decorate one "
                            f"with @{self.__name__}.defjvp before calling it")
        static, leaves, in_tree = _split_args(args, self.nondiff_argnums, "custom_jvp")
        out = OutTree()
        fun = _flatten_fun(self.fun, in_tree, static, out)
        statics = tuple(value for _, value in static)

        def jvp_rule(primal_leaves, tangent_leaves):
            primals = tree.unflatten(in_tree, list(primal_leaves))
            tangents = tree.unflatten(in_tree, list(tangent_leaves))
            primal_out, tangent_out = self.jvp_rule(*statics, primals, tangents) if statics \
                else self.jvp_rule(primals, tangents)
            flat_out, out.treedef = tree.flatten(primal_out)
            flat_t, t_tree = tree.flatten(tangent_out)
            flat_out, flat_t = as_arrays(flat_out), as_arrays(flat_t)
            _check_tangents(self.__name__, flat_out, flat_t, out.treedef, t_tree)
            return flat_out, flat_t
        outs = bind(custom_jvp_call_p, *leaves, fun=fun, jvp_rule=jvp_rule)
        return tree.unflatten(out.treedef, list(outs))


def _all_at_zero(outs):
    return outs, (0,) * len(outs)
