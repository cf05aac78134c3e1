"""Building blocks of the optimizers: scalings, momentum and weight decay (the adaptive
preconditioners, Adam's, RMSprop's, Adagrad's, Lion's and LAMB's, live in
``transforms_adaptive.py`` and are re-exported here).

Each factory returns a :class:`~funtorch.optim.GradientTransformation`. Their maths is
``torch.optim``'s, operation for operation, so that the optimizers in ``optimizers.py``
(chains of these) follow PyTorch's trajectories to float32 rounding. State fields carry
``torch.optim``'s per-parameter state names (``step``, ``exp_avg``, ``momentum_buffer``...),
which is how the stateful wrappers write PyTorch's ``state_dict`` layout.

Scalars that depend on the step count (bias corrections, scheduled learning rates) are
computed in float64 and cast to each update's dtype, as PyTorch computes them in Python
floats: float32 parameters stay float32.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import funtorch as ft
from funtorch.optim.base import (
    EmptyState,
    GradientTransformation,
    cast_like,
    require_params,
    zero_count,
)
from funtorch.optim.combinators import masked
from funtorch.optim.transforms_adaptive import (
    ScaleByAdamState,
    ScaleByLionState,
    ScaleByRmsState,
    ScaleByRssState,
    scale_by_adam,
    scale_by_lion,
    scale_by_rms,
    scale_by_rss,
    scale_by_trust_ratio,
)

__all__ = [
    "ScaleByAdamState",
    "ScaleByLionState",
    "ScaleByRmsState",
    "ScaleByRssState",
    "ScaleByScheduleState",
    "TraceState",
    "add_decayed_weights",
    "require_params",
    "scale",
    "scale_by_adam",
    "scale_by_learning_rate",
    "scale_by_lion",
    "scale_by_rms",
    "scale_by_rss",
    "scale_by_schedule",
    "scale_by_trust_ratio",
    "trace",
    "zero_count",
]


class ScaleByScheduleState(NamedTuple):
    """The state of :func:`scale_by_schedule`.

    Attributes:
        step: a 0-d int64 array, how many updates were scaled (the next one is scaled by
            ``schedule(step)``).

    Example:
        >>> ft.optim.scale_by_schedule(lambda step: 0.1).init({"w": ft.zeros((2, 2))})._fields
        ('step',)
    """
    step: Any


class TraceState(NamedTuple):
    """The state of :func:`trace` (PyTorch SGD's per-parameter state).

    Attributes:
        step: a 0-d int64 array, the number of updates seen (the first one sets the buffer
            to the gradient).
        momentum_buffer: :math:`b_t`, PyTorch's ``momentum_buffer`` (a pytree like params).

    Example:
        >>> ft.optim.trace(0.9).init({"w": ft.zeros((2, 2))})._fields
        ('step', 'momentum_buffer')
    """
    step: Any
    momentum_buffer: Any


def scale(step_size: float) -> GradientTransformation:
    """Multiply updates by a constant: :math:`u \\leftarrow \\alpha u`.

    Args:
        step_size: :math:`\\alpha` (a Python scalar: weakly typed, so float32 updates stay
            float32).

    Returns:
        A stateless ``GradientTransformation`` (its state is ``EmptyState()``).

    Example:
        >>> ft.optim.scale(-0.1).update({"w": ft.ones(1)}, ft.optim.EmptyState())[0]
        {'w': array([-0.1])}
    """
    def update(updates, state, params=None):
        return ft.tree.map(lambda u: u * step_size, updates), state

    return GradientTransformation(lambda params: EmptyState(), update)


def scale_by_schedule(schedule: Callable) -> GradientTransformation:
    """Multiply updates by ``schedule(step)``, where ``step`` counts earlier updates
    (the first update uses ``schedule(0)``): :math:`u_t \\leftarrow s(t) u_t`.

    Args:
        schedule: a callable ``step -> scalar`` (see ``ft.optim.schedules``); it receives a
            0-d int64 array, so it is traceable by ``ft.jit``.

    Returns:
        A ``GradientTransformation`` (``init`` / ``update``).

    Example:
        >>> tx = ft.optim.scale_by_schedule(ft.optim.linear(1.0, 0.0, 10))
        >>> grads = {"w": ft.array([2.0])}
        >>> first, state = tx.update(grads, tx.init(grads))  # schedule(0) = 1
        >>> second, state = tx.update(grads, state)  # schedule(1) = 0.9
        >>> [round(u["w"].item(), 4) for u in (first, second)]
        [2.0, 1.8]
    """
    def init(params):
        return ScaleByScheduleState(zero_count(params))

    def update(updates, state, params=None):
        factor = schedule(state.step)
        updates = ft.tree.map(lambda u: u * cast_like(factor, u), updates)
        return updates, ScaleByScheduleState(state.step + 1)

    return GradientTransformation(init, update)


def scale_by_learning_rate(lr: float | Callable[[Any], Any]) -> GradientTransformation:
    """Scale by ``-lr`` (descent): :math:`u_t \\leftarrow -\\eta_t u_t`.

    Args:
        lr: :math:`\\eta`, a number or a schedule ``step -> lr`` (called with the number of
            earlier updates, starting at 0).

    Returns:
        ``scale(-lr)`` for a number (stateless); for a schedule,
        ``scale_by_schedule(lambda step: -lr(step))`` (its state counts the steps).

    Example:
        >>> tx = ft.optim.scale_by_learning_rate(0.5)
        >>> tx.update({"w": ft.array([2.0])}, ft.optim.EmptyState())[0]["w"].tolist()
        [-1.0]
        >>> tx = ft.optim.scale_by_learning_rate(lambda step: 0.5 ** step)
        >>> grads = {"w": ft.array([2.0])}
        >>> first, state = tx.update(grads, tx.init(grads))
        >>> second, state = tx.update(grads, state)
        >>> first["w"].tolist(), second["w"].tolist()
        ([-2.0], [-1.0])
    """
    if callable(lr):
        return scale_by_schedule(lambda step: -lr(step))
    return scale(-lr)


def add_decayed_weights(weight_decay: float = 0.0, mask: Any = None) -> GradientTransformation:
    """Add weight decay: :math:`u \\leftarrow u + \\lambda \\theta`.

    Before the moment estimates this is PyTorch's (L2) ``weight_decay``; after them, and
    scaled by the learning rate, it is AdamW's decoupled decay
    :math:`\\theta \\leftarrow \\theta (1 - \\eta\\lambda) - \\dots`.

    Args:
        weight_decay: :math:`\\lambda \\ge 0`.
        mask: optional pytree of bools (or ``params -> pytree of bools``) choosing the
            parameters to decay; see :func:`ft.optim.masked`.

    Returns:
        A ``GradientTransformation`` whose ``update`` needs ``params``: stateless
        (``EmptyState``) without a mask, a :class:`MaskedState` with one.

    Raises:
        ValueError: ``weight_decay < 0`` or ``update`` called without ``params``.

    Example:
        >>> tx = ft.optim.add_decayed_weights(0.5)
        >>> params = {"w": ft.array([2.0, -4.0])}
        >>> tx.update({"w": ft.array([1.0, 1.0])}, tx.init(params), params)[0]["w"].tolist()
        [2.0, -1.0]
        >>> decay_matrices = ft.optim.add_decayed_weights(
        ...     1e-4, mask=lambda p: ft.tree.map(lambda x: x.ndim > 1, p))
    """
    if weight_decay < 0:
        raise ValueError(f"Invalid weight_decay value: {weight_decay} (weight_decay must be "
                         ">= 0)")

    def update(updates, state, params=None):
        require_params(params, "add_decayed_weights")
        return ft.tree.map(lambda u, p: u + weight_decay * p, updates, params), state

    transform = GradientTransformation(lambda params: EmptyState(), update)
    if mask is not None:
        return masked(transform, mask)
    return transform


def trace(momentum: float, dampening: float = 0.0, nesterov: bool = False
          ) -> GradientTransformation:
    """PyTorch's SGD momentum.

    .. math::
        b_1 = g_1, \\quad b_t = \\mu b_{t-1} + (1 - \\tau) g_t, \\qquad
        u_t = g_t + \\mu b_t \\text{ (nesterov) or } b_t

    Args:
        momentum: :math:`\\mu`.
        dampening: :math:`\\tau` (not applied to the first step, as in PyTorch).
        nesterov: use Nesterov momentum.

    Returns:
        A ``GradientTransformation`` (``init`` / ``update``).

    Example:
        >>> tx = ft.optim.trace(0.9)
        >>> grads = {"w": ft.array([1.0])}
        >>> first, state = tx.update(grads, tx.init(grads))  # b_1 = g
        >>> second, state = tx.update(grads, state)  # 0.9 * 1 + 1
        >>> [round(u["w"].item(), 4) for u in (first, second)]
        [1.0, 1.9]

    References:
        Sutskever et al., "On the importance of initialization and momentum in deep
        learning", ICML 2013.
    """
    def init(params):
        return TraceState(zero_count(params), ft.tree.map(ft.zeros_like, params))

    def update(updates, state, params=None):
        first = state.step == 0
        buffer = ft.tree.map(
            lambda b, g: ft.where(first, g, b * momentum + (1 - dampening) * g),
            state.momentum_buffer, updates)
        if nesterov:
            updates = ft.tree.map(lambda g, b: g + momentum * b, updates, buffer)
        else:
            updates = buffer
        return updates, TraceState(state.step + 1, buffer)

    return GradientTransformation(init, update)
