"""Transformations of updates that do not precondition: clipping, masking, and the guards
against non-finite gradients (``skip_nonfinite`` keeps the step jit-able by selecting with
``ft.where``; ``check_finite`` raises, so it needs concrete values and runs eagerly).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import funtorch as ft
from funtorch.optim.base import (
    EmptyState,
    GradientTransformation,
    _leaf_path,
    cast_like,
    zero_count,
)
from funtorch.typing import Array

__all__ = [
    "MaskedState",
    "SkipNonfiniteState",
    "check_finite",
    "clip",
    "clip_by_global_norm",
    "global_norm",
    "masked",
    "skip_nonfinite",
]

_NONFINITE = ("{api}: the gradient at {path} has {count} non-finite value(s) (nan or inf) out "
              "of {size}; the parameters were not changed. Lower the learning rate, clip the "
              "gradients (ft.optim.clip_by_global_norm), or pass skip_nonfinite=True to skip "
              "such steps.")
_MASK_LEAVES = ("masked: the mask has {got} leaves but the parameters have {want}; give one "
                "bool per parameter array, e.g. mask=lambda params: ft.tree.map(lambda p: "
                "p.ndim > 1, params)")


class MaskedState(NamedTuple):
    """The state of :func:`masked`.

    Attributes:
        inner_state: the inner transformation's state over the selected parameters only
            (the others are ``None`` leaves of the tree it was initialised with).

    Example:
        >>> tx = ft.optim.masked(ft.optim.trace(0.9), {"w": True, "b": False})
        >>> state = tx.init({"w": ft.zeros(2), "b": ft.zeros(1)})
        >>> state.inner_state.momentum_buffer
        {'b': None, 'w': array([0., 0.])}
    """
    inner_state: Any


class SkipNonfiniteState(NamedTuple):
    """The state of :func:`skip_nonfinite`.

    Attributes:
        inner_state: the inner transformation's state as of the last finite step.
        skipped_steps: a 0-d int64 array, how many steps were skipped.

    Example:
        >>> tx = ft.optim.skip_nonfinite(ft.optim.sgd(0.1))
        >>> tx.init({"w": ft.zeros(2)}).skipped_steps.item()
        0
    """
    inner_state: Any
    skipped_steps: Any


def clip(max_delta: float) -> GradientTransformation:
    """Clip every update element to :math:`[-\\delta, \\delta]`.

    Args:
        max_delta: :math:`\\delta \\ge 0`.

    Returns:
        A stateless ``GradientTransformation``; the updates keep their shapes and dtypes.

    Raises:
        ValueError: ``max_delta < 0``.

    Example:
        >>> ft.optim.clip(1.0).update({"w": ft.array([3.0, -0.5])}, ft.optim.EmptyState())[0]
        {'w': array([ 1. , -0.5])}
    """
    if max_delta < 0:
        raise ValueError(f"clip: max_delta must be >= 0, got {max_delta}")

    def update(updates, state, params=None):
        return ft.tree.map(lambda u: ft.clip(u, -max_delta, max_delta), updates), state

    return GradientTransformation(lambda params: EmptyState(), update)


def global_norm(updates: Any) -> Array:
    """The L2 norm of all leaves of ``updates`` taken together:
    :math:`\\sqrt{\\sum_\\text{leaves} \\sum_i u_i^2}`.

    Args:
        updates: a pytree of arrays (gradients, updates).

    Returns:
        A 0-d float64 array (0 for a tree without leaves).

    Example:
        >>> ft.optim.global_norm({"a": ft.array([3.0]), "b": ft.array([4.0])})
        array(5., dtype=float64)
    """
    squares = [ft.sum(u * u).astype(ft.float64) for u in ft.tree.leaves(updates)]
    if not squares:
        return ft.zeros((), dtype=ft.float64)
    total = squares[0]
    for square in squares[1:]:
        total = total + square
    return ft.sqrt(total)


def clip_by_global_norm(max_norm: float) -> GradientTransformation:
    """Rescale all updates together so that their global L2 norm is at most ``max_norm``.

    .. math::
        u \\leftarrow u \\cdot \\frac{c}{\\max(\\lVert u \\rVert_2, c)}

    (Optax's rule; ``ft.nn.utils.clip_grad_norm_`` is PyTorch's, which adds 1e-6 to the
    norm.)

    Args:
        max_norm: :math:`c > 0`.

    Returns:
        A stateless ``GradientTransformation``; the updates keep their shapes and dtypes.

    Raises:
        ValueError: ``max_norm <= 0``.

    Example:
        The global norm of ``[3, 4]`` is 5, so it is scaled by 1/5:

        >>> tx = ft.optim.clip_by_global_norm(1.0)
        >>> tx.update({"w": ft.array([3.0, 4.0])}, ft.optim.EmptyState())[0]["w"].tolist()
        [0.6, 0.8]
        >>> opt = ft.optim.chain(ft.optim.clip_by_global_norm(1.0), ft.optim.sgd(0.1))

    References:
        Pascanu et al., "On the difficulty of training recurrent neural networks", ICML 2013.
    """
    if not max_norm > 0:
        raise ValueError(f"clip_by_global_norm: max_norm must be > 0, got {max_norm}")

    def update(updates, state, params=None):
        norm = global_norm(updates)
        factor = max_norm / ft.maximum(norm, max_norm)
        return ft.tree.map(lambda u: u * cast_like(factor, u), updates), state

    return GradientTransformation(lambda params: EmptyState(), update)


def _mask_flags(mask, tree):
    mask_tree = mask(tree) if callable(mask) else mask
    flags = ft.tree.leaves(mask_tree)
    count = len(ft.tree.leaves(tree))
    if len(flags) != count:
        raise ValueError(_MASK_LEAVES.format(got=len(flags), want=count))
    return [bool(flag) for flag in flags]


def _select(tree, flags):
    leaves, treedef = ft.tree.flatten(tree)
    return ft.tree.unflatten(treedef, [leaf if flag else None
                                       for leaf, flag in zip(leaves, flags)])


def masked(inner: GradientTransformation, mask: Any) -> GradientTransformation:
    """Apply ``inner`` to the parameters selected by ``mask``; pass the others through.

    Args:
        inner: the transformation to restrict.
        mask: a pytree of bools with one leaf per parameter array, or a callable
            ``params -> pytree of bools`` (called at ``init`` and at each ``update``).

    Returns:
        A ``GradientTransformation`` whose state holds ``inner``'s state over the selected
        leaves only.

    Raises:
        ValueError: the mask does not have one leaf per parameter array.

    Example:
        No weight decay on biases and normalisation weights (1-d arrays)::

            >>> decay = lambda params: ft.tree.map(lambda p: p.ndim > 1, params)
            >>> opt = ft.optim.chain(
            ...     ft.optim.masked(ft.optim.add_decayed_weights(1e-2), decay),
            ...     ft.optim.adam(1e-3))
    """
    def init(params):
        return MaskedState(inner.init(_select(params, _mask_flags(mask, params))))

    def update(updates, state, params=None):
        flags = _mask_flags(mask, params if params is not None else updates)
        leaves, treedef = ft.tree.flatten(updates)
        selected_params = None if params is None else _select(params, flags)
        new, inner_state = inner.update(_select(updates, flags), state.inner_state,
                                        selected_params)
        new_leaves = iter(ft.tree.leaves(new))
        merged = [next(new_leaves) if flag else leaf for leaf, flag in zip(leaves, flags)]
        return ft.tree.unflatten(treedef, merged), MaskedState(inner_state)

    return GradientTransformation(init, update)


def _all_finite(tree):
    finite = None
    for leaf in ft.tree.leaves(tree):
        leaf_ok = ft.all(ft.isfinite(leaf))
        finite = leaf_ok if finite is None else finite & leaf_ok
    return ft.array(True) if finite is None else finite


def skip_nonfinite(inner: GradientTransformation) -> GradientTransformation:
    """Skip steps whose gradients contain a nan or an inf: the updates are zero (the
    parameters stay as they are), ``inner``'s state is left as it was, and
    ``skipped_steps`` in the state counts such steps. Works under ``ft.jit``.

    Args:
        inner: the transformation to guard.

    Returns:
        A ``GradientTransformation`` whose state is a :class:`SkipNonfiniteState`.

    Example:
        >>> opt = ft.optim.skip_nonfinite(ft.optim.sgd(0.5))
        >>> params = {"w": ft.array([1.0, 2.0])}
        >>> state = opt.init(params)
        >>> updates, state = opt.update({"w": ft.array([1.0, float("nan")])}, state, params)
        >>> updates["w"].tolist(), state.skipped_steps.item()
        ([0.0, 0.0], 1)
        >>> updates, state = opt.update({"w": ft.array([1.0, 2.0])}, state, params)
        >>> updates["w"].tolist(), state.skipped_steps.item()
        ([-0.5, -1.0], 1)

        ``ft.optim.adam(1e-3, skip_nonfinite=True)`` is ``skip_nonfinite(adam(1e-3))``.
    """
    def init(params):
        return SkipNonfiniteState(inner.init(params), zero_count(params))

    def update(updates, state, params=None):
        finite = _all_finite(updates)
        # zeros in place of a skipped step's gradients keep nan/inf (and numpy's warnings)
        # out of the discarded computation
        updates = ft.tree.map(lambda u: ft.where(finite, u, ft.zeros_like(u)), updates)
        new_updates, new_inner = inner.update(updates, state.inner_state, params)
        new_updates = ft.tree.map(lambda u: ft.where(finite, u, ft.zeros_like(u)),
                                  new_updates)
        new_inner = ft.tree.map(lambda new, old: ft.where(finite, new, old), new_inner,
                                state.inner_state)
        skipped = ft.where(finite, state.skipped_steps, state.skipped_steps + 1)
        return new_updates, SkipNonfiniteState(new_inner, skipped)

    return GradientTransformation(init, update)


def check_finite(inner: GradientTransformation, name: str = "update"
                 ) -> GradientTransformation:
    """Raise before ``inner`` runs if a gradient contains a nan or an inf.

    Reads the gradients' values, so it runs eagerly (under ``ft.jit`` use
    :func:`skip_nonfinite`).

    Args:
        inner: the transformation to guard.
        name: the API named in the error (``"adam.update"``).

    Returns:
        A ``GradientTransformation``: ``init(params)`` builds the state,
            ``update(grads, state, params)`` returns ``(updates, new_state)``.

    Raises:
        RuntimeError: naming the path of the first non-finite gradient.

    Example:
        >>> opt = ft.optim.check_finite(ft.optim.sgd(0.1), "sgd.update")
        >>> # the same as ft.optim.sgd(0.1, check_finite=True)
    """
    def update(updates, state, params=None):
        leaves, treedef = ft.tree.flatten(updates)
        for index, leaf in enumerate(leaves):
            finite = ft.isfinite(leaf)
            if not bool(ft.all(finite)):
                raise RuntimeError(_NONFINITE.format(
                    api=name, path=_leaf_path(treedef, index) or "<root>",
                    count=int(ft.sum(~finite)), size=int(finite.size)))
        return inner.update(updates, state, params)

    return GradientTransformation(inner.init, update)
