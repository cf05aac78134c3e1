"""Structured control flow (JAX semantics): ``scan``, ``fori_loop``, ``cond``, ``while_loop``.

``scan`` stages its body once (``scan_primitive.stage_step``: shapes only, no data) and
binds one ``scan_p`` over the staged program. Values the body reads without receiving them
(Parameters, arrays that require grad, tracers of outer transforms) become loop constants:
inputs of ``scan_p`` that every rule differentiates, batches and forwards like the others.
A body that needs a traced value's Python value (``if x > 0``, ``float(x)``) cannot be
staged (a ``ConcretizationError``): it then runs as a Python loop that the active
transforms record step by step, correct under every transform, with all steps in the
graph as a Python loop's would be.
``cond``, ``while_loop`` and ``fori_loop`` with traced bounds run define-by-run on concrete
values; under vmap a batched predicate selects per example with ``ft.where``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from funtorch import ops, tree
from funtorch.autograd import is_grad_enabled
from funtorch.core import Array, Tracer
from funtorch.errors import ConcretizationError
from funtorch.transforms.custom import as_arrays, OutTree
from funtorch.transforms.partial_eval import hoist_invariants
from funtorch.transforms.scan_primitive import (
    CARRY_CHANGED,
    aval_str,
    bind_scan,
    check_carry,
    stage_step,
    step_aval,
    steps,
)

__all__ = ["cond", "fori_loop", "scan", "while_loop"]

_C = TypeVar("_C")  # the carry / loop value
_Y = TypeVar("_Y")  # what each scan step emits (stacked along a new leading axis)
_T = TypeVar("_T")  # what both cond branches return

_NOT_PAIR = ("scan: `{fun}` must return a pair (carry, y), got {got}; return `(carry, None)` "
             "when there is nothing to stack")
_REVERSE = ("Reverse-mode differentiation does not work for ft.while_loop with a data-dependent "
            "trip count; use ft.scan or ft.fori_loop with static bounds (Python ints)")
_PRED = ("{api}: the predicate must be a scalar boolean or number, got {got}; reduce it "
         "first, e.g. `ft.all(p)` or `ft.any(p)`")
_BRANCHES = ("cond: true_fun `{t}` and false_fun `{f}` must return the same structure, shapes "
             "and dtypes; {what}")


def _name(fun):
    return getattr(fun, "__name__", type(fun).__name__)


def _flat_body(f, carry_tree, x_tree, num_carry, out):
    def body(*leaves):
        result = f(tree.unflatten(carry_tree, leaves[:num_carry]),
                   tree.unflatten(x_tree, leaves[num_carry:]))
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError(_NOT_PAIR.format(fun=_name(f), got=type(result).__name__))
        carry_leaves, new_tree = tree.flatten(result[0])
        if new_tree != carry_tree:
            raise TypeError(CARRY_CHANGED.format(api="scan", where=f" of `{_name(f)}`",
                                                 old=carry_tree, new=new_tree))
        y_leaves, out.treedef = tree.flatten(result[1])
        return as_arrays(carry_leaves) + as_arrays(y_leaves)
    body.__name__ = _name(f)
    return body


def _scan_length(x_leaves, length):
    sizes = set()
    for x in x_leaves:
        if x.ndim == 0:
            raise ValueError("scan: every leaf of xs needs a leading axis to scan over, got a "
                             f"scalar {aval_str(x)}")
        sizes.add(x.shape[0])
    if length is not None:
        sizes.add(operator.index(length))
    if not sizes:
        raise ValueError("scan: xs is None and no length was given; pass length= (the number "
                         "of steps) when there is nothing to scan over")
    if len(sizes) > 1:
        raise ValueError(f"scan: the leading axes of xs and length disagree on the number of "
                         f"steps ({sorted(sizes)}); they must all be equal")
    return sizes.pop()


def _unroll(body, init, x_leaves, num_carry, length, reverse):
    """Define-by-run: call the body step by step; the active traces record every step."""
    carry, per_step, raw = list(init), [None] * length, init
    for t in steps(length, reverse):
        outs = body(*carry, *[x[t] for x in x_leaves])
        new = list(outs[:num_carry])
        promoted = _promote_weak(raw, carry, new)
        raw, carry = carry, promoted
        check_carry("scan", carry, new, f" at step {t}")
        carry, per_step[t] = new, outs[num_carry:]
    ys = [ops.stack([step[i] for step in per_step]) for i in range(len(per_step[0]))]
    return carry, ys


def _promote_weak(raw, leaves, new_leaves):
    """Python scalars in an initial carry take the dtype the body gives them (JAX's weak
    types), so ``scan(f, 0.0, xs)`` works for float64 ``xs``."""
    out = [ops.astype(leaf, new.dtype) if not isinstance(r, Array) and new.dtype != leaf.dtype
           else leaf for r, leaf, new in zip(raw, leaves, new_leaves)]
    return out if any(a is not b for a, b in zip(out, leaves)) else leaves


def _where(f, carry_tree):
    def at(index):
        path = tree.path_of_leaf(carry_tree, index)
        return f" of `{_name(f)}` at {path} (step 0)"
    return at


def _stage_body(body, init_leaves, x_leaves):
    avals = list(init_leaves) + [step_aval(x) for x in x_leaves]
    return stage_step(body, avals, body.__name__)


def scan(f: Callable[[_C, Any], tuple[_C, _Y]], init: _C, xs: Any = None,
         length: int | None = None, reverse: bool = False) -> tuple[_C, _Y]:
    """Loop ``f`` over the leading axis of ``xs``, carrying state (``jax.lax.scan``).

    Equivalent to ``for x in xs: carry, y = f(carry, x)`` with the ``y`` stacked, but as one
    primitive over ``f`` staged once: reverse mode stores each step's residuals and runs
    one transposed step per step, forward mode and vmap scan the transformed step.

    Args:
        f: ``f(carry, x) -> (carry, y)``; the carry keeps its structure, shapes and dtypes.
        init: the initial carry (a pytree of arrays).
        xs: a pytree of arrays with a common leading axis, or None (then give ``length``).
        length: the number of steps (checked against ``xs``).
        reverse: run from the last element of ``xs`` to the first (``ys`` stay aligned).

    Returns:
        ``(final_carry, ys)``, ``ys`` stacked along a new leading axis.

    Raises:
        TypeError: ``f`` not returning a pair, or a carry that changes structure/shape/dtype.
        ValueError: ``xs`` leaves of different lengths, or neither ``xs`` nor ``length``.

    ``f`` may close over any array, Parameter or traced value (they become inputs of the
    loop). A body that needs a traced value's Python value (``if x > 0``) runs as a
    Python loop instead (see this module's docstring).

    Example:
        >>> ft.scan(lambda c, x: (c + x, c), ft.array(0.0), ft.arange(4.0))
        (array(6.), array([0., 0., 1., 3.]))
    """
    raw_init, carry_tree = tree.flatten(init)
    init_leaves = list(as_arrays(raw_init))
    x_leaves, x_tree = tree.flatten(xs)
    x_leaves = list(as_arrays(x_leaves))
    length = _scan_length(x_leaves, length)
    out, num_carry = OutTree(), len(init_leaves)
    body = _flat_body(f, carry_tree, x_tree, num_carry, out)
    try:
        graph, consts = _stage_body(body, init_leaves, x_leaves)
        new_carry = graph.outvars[:num_carry]
        promoted = _promote_weak(raw_init, init_leaves, new_carry)
        if promoted is not init_leaves:
            init_leaves = promoted
            graph, consts = _stage_body(body, init_leaves, x_leaves)
    except ConcretizationError:
        if not length:
            raise
        carry, ys = _unroll(body, init_leaves, x_leaves, num_carry, length, reverse)
    else:
        check_carry("scan", init_leaves, graph.outvars[:num_carry], _where(f, carry_tree))
        from funtorch.transforms.replay import cached_program

        graph, consts = hoist_invariants(graph, consts, len(consts))  # once, not per step
        outs = bind_scan(consts, init_leaves, x_leaves, cached_program(graph), length, reverse)
        carry, ys = outs[:num_carry], outs[num_carry:]
    return tree.unflatten(carry_tree, carry), tree.unflatten(out.treedef, ys)


def _static_int(x):
    if isinstance(x, (bool, float)) or (isinstance(x, Array) and x.dtype.kind not in "iu"):
        raise TypeError(f"fori_loop: lower and upper must be integers, got {x!r}")
    if isinstance(x, Tracer):
        return None
    return operator.index(x)


def fori_loop(lower: int | Array, upper: int | Array, body_fun: Callable[[Any, _C], _C],
              init_val: _C) -> _C:
    """``for i in range(lower, upper): val = body_fun(i, val)`` (``jax.lax.fori_loop``).

    With static bounds (Python ints or untraced integer arrays) it is a ``scan`` over
    ``ft.arange(lower, upper)``, so every transform (reverse mode included) applies; with
    traced bounds it is a ``while_loop``.

    Args:
        lower: the first index (an int or an integer scalar array).
        upper: one past the last index.
        body_fun: ``body_fun(i, val) -> val``, keeping ``val``'s structure, shapes, dtypes.
        init_val: the initial value (a pytree of arrays).

    Returns:
        The value after the last step (``init_val`` when ``upper <= lower``).

    Raises:
        TypeError: a body that changes the value's structure, shapes or dtypes.

    Example:
        >>> ft.fori_loop(0, 3, lambda i, v: v * 2.0, ft.array(1.0))
        array(8.)
    """
    low, high = _static_int(lower), _static_int(upper)
    if low is None or high is None:
        return while_loop(lambda s: s[0] < upper, lambda s: (s[0] + 1, body_fun(s[0], s[1])),
                          (ops.asarray(lower), init_val))[1]
    if high <= low:
        return init_val
    return scan(lambda val, i: (body_fun(i, val), None), init_val, ops.arange(low, high))[0]


# cond and while_loop ----------------------------------------------------------------------


def _check_pred(pred, api):
    if isinstance(pred, (bool, int, float, np.bool_, np.number)):
        return
    if not isinstance(pred, (Array, np.ndarray)):
        raise TypeError(_PRED.format(api=api, got=type(pred).__name__))
    if tuple(pred.shape) != () or pred.dtype.kind not in "biuf":
        raise TypeError(_PRED.format(api=api, got=aval_str(pred)))


def _flat_branch(fun, out):
    def branch(*operands):
        leaves, out.treedef = tree.flatten(fun(*operands))
        return as_arrays(leaves)
    branch.__name__ = _name(fun)
    return branch


def _check_branches(true_fun, false_fun, t_graph, f_graph, t_tree, f_tree):
    names = {"t": _name(true_fun), "f": _name(false_fun)}
    if t_tree != f_tree:
        raise TypeError(_BRANCHES.format(what=f"true_fun returned {t_tree} but false_fun "
                                         f"returned {f_tree}", **names))
    for index, (a, b) in enumerate(zip(t_graph.outvars, f_graph.outvars)):
        if tuple(a.shape) != tuple(b.shape) or a.dtype != b.dtype:
            path = tree.path_of_leaf(t_tree, index)
            raise TypeError(_BRANCHES.format(what=f"at {path} true_fun returned {aval_str(a)} "
                                             f"but false_fun returned {aval_str(b)}", **names))


def _concrete_or_raise(pred, error):
    """``bool(pred)`` for a Python-level fallback, or ``error`` if ``pred`` has no value."""
    try:
        return bool(pred)
    except Exception:  # noqa: BLE001 - the predicate is traced too: report the body's error
        raise error from None


def cond(pred: Any, true_fun: Callable[..., _T], false_fun: Callable[..., _T],
         *operands: Any) -> _T:
    """``true_fun(*operands) if pred else false_fun(*operands)`` (``jax.lax.cond``).

    Both branches are staged (shapes only) and one ``cond_p`` runs the chosen one, so
    every transform applies: under ``vmap`` a batched predicate runs both branches and
    selects per example (``ft.where``), inside ``jit`` the choice is made on every call.
    Both branches must return the same structure, shapes and dtypes. A branch that needs
    a traced value's Python value runs as plain Python when ``pred`` is concrete.

    Args:
        pred: a scalar bool or number (an array or a Python value).
        true_fun: called with ``operands`` when ``pred`` holds.
        false_fun: called with ``operands`` otherwise.
        *operands: the branches' arguments (pytrees of arrays).

    Returns:
        The chosen branch's result.

    Raises:
        TypeError: a non-scalar ``pred``, or branches that disagree.

    Example:
        >>> ft.cond(ft.array(1.0) > 0, ft.sin, ft.cos, ft.array(0.0))
        array(0.)
    """
    from funtorch.transforms.cond_primitive import bind_cond

    _check_pred(pred, "cond")
    leaves, in_tree = tree.flatten(operands)
    leaves = list(as_arrays(leaves))
    t_out, f_out = OutTree(), OutTree()

    def flat(fun, out):
        return _flat_branch(lambda *vals: fun(*tree.unflatten(in_tree, list(vals))), out)
    try:
        t_graph, t_consts = stage_step(flat(true_fun, t_out), leaves, _name(true_fun))
        f_graph, f_consts = stage_step(flat(false_fun, f_out), leaves, _name(false_fun))
    except ConcretizationError as error:
        return (true_fun if _concrete_or_raise(pred, error) else false_fun)(*operands)
    _check_branches(true_fun, false_fun, t_graph, f_graph, t_out.treedef, f_out.treedef)
    pred = ops.asarray(pred) if not isinstance(pred, Array) else pred
    outs = bind_cond(ops.astype(pred, bool) if pred.dtype.kind != "b" else pred, leaves,
                     t_graph, t_consts, f_graph, f_consts)
    return tree.unflatten(t_out.treedef, list(outs))


def _requires_grad(leaves):
    return is_grad_enabled() and any(getattr(x, "requires_grad", False) for x in leaves)


def _python_while(cond_fun, body_fun, leaves, raw, val_tree, error):
    """A loop whose functions need concrete values: run it as Python code."""
    while _concrete_or_raise(cond_fun(tree.unflatten(val_tree, leaves)), error):
        new_leaves, new_tree = tree.flatten(body_fun(tree.unflatten(val_tree, leaves)))
        if new_tree != val_tree:
            raise TypeError(CARRY_CHANGED.format(api="while_loop", where=" of body_fun",
                                                 old=val_tree, new=new_tree))
        new_leaves = list(as_arrays(new_leaves))
        leaves, raw = _promote_weak(raw, leaves, new_leaves), leaves
        check_carry("while_loop", leaves, new_leaves, " of body_fun")
        if _requires_grad(new_leaves):
            raise ValueError(_REVERSE)
        leaves = new_leaves
    return tree.unflatten(val_tree, leaves)


def while_loop(cond_fun: Callable[[_C], Any], body_fun: Callable[[_C], _C],
               init_val: _C) -> _C:
    """``while cond_fun(val): val = body_fun(val)`` (``jax.lax.while_loop``).

    ``cond_fun`` and ``body_fun`` are staged (shapes only) and one ``while_p`` runs the
    loop (``while_primitive.py``), so ``jit``, ``jvp`` and ``vmap`` apply: under ``vmap``
    a batched predicate keeps looping while any example is still running, and only those
    examples are updated. Reverse mode is refused: the trip count depends on the data;
    use ``scan`` or ``fori_loop`` with static bounds.

    Args:
        cond_fun: ``cond_fun(val)``, a scalar bool: loop while it holds.
        body_fun: ``body_fun(val) -> val``, keeping the structure, shapes and dtypes.
        init_val: the initial value (a pytree of arrays).

    Returns:
        The value once ``cond_fun`` is false.

    Raises:
        ValueError: under reverse-mode differentiation of the loop values.
        TypeError: a predicate that is not a bool scalar, or a body changing
            structure/shapes/dtypes.

    Example:
        >>> ft.while_loop(lambda v: v < 10.0, lambda v: v * 2.0, ft.array(1.0))
        array(16.)
    """
    from funtorch.transforms.while_primitive import bind_while, stage_while

    raw, val_tree = tree.flatten(init_val)
    leaves = list(as_arrays(raw))
    if _requires_grad(leaves):
        raise ValueError(_REVERSE)
    try:
        leaves, cond_graph, cond_consts, body_graph, body_consts = stage_while(
            cond_fun, body_fun, leaves, val_tree, _name(body_fun),
            lambda pred: _check_pred(pred, "while_loop: cond_fun"),
            lambda old, new: _promote_weak(raw, old, new))
    except ConcretizationError as error:
        return _python_while(cond_fun, body_fun, leaves, raw, val_tree, error)
    if _requires_grad(body_consts):
        raise ValueError(_REVERSE)
    return tree.unflatten(val_tree, list(bind_while(leaves, cond_graph, cond_consts,
                                                    body_graph, body_consts)))
