"""Building blocks of the optimizers: scalings, moment estimates and weight decay.

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

def _as_f64(count):
    return count.astype(ft.float64)


class ScaleByScheduleState(NamedTuple):
    """``step``: how many updates were scaled (the next one uses ``schedule(step)``).

    Example:
        >>> ft.optim.scale_by_schedule(lambda step: 0.1).init({"w": ft.zeros((2, 2))})._fields
        ('step',)
    """
    step: Any


class TraceState(NamedTuple):
    """``step``: updates seen; ``momentum_buffer``: PyTorch's SGD buffer.

    Example:
        >>> ft.optim.trace(0.9).init({"w": ft.zeros((2, 2))})._fields
        ('step', 'momentum_buffer')
    """
    step: Any
    momentum_buffer: Any


class ScaleByAdamState(NamedTuple):
    """PyTorch Adam's per-parameter state; ``max_exp_avg_sq`` is ``None`` without amsgrad.

    Example:
        >>> ft.optim.scale_by_adam().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq')
    """
    step: Any
    exp_avg: Any
    exp_avg_sq: Any
    max_exp_avg_sq: Any


class ScaleByRmsState(NamedTuple):
    """PyTorch RMSprop's state; ``grad_avg`` is ``None`` unless ``centered``.

    Example:
        >>> ft.optim.scale_by_rms().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'square_avg', 'grad_avg')
    """
    step: Any
    square_avg: Any
    grad_avg: Any


class ScaleByRssState(NamedTuple):
    """PyTorch Adagrad's accumulated sum of squared gradients.

    Example:
        >>> ft.optim.scale_by_rss().init({"w": ft.zeros((2, 2))})._fields
        ('sum',)
    """
    sum: Any


class ScaleByLionState(NamedTuple):
    """Lion's momentum (an exponential moving average of gradients).

    Example:
        >>> ft.optim.scale_by_lion().init({"w": ft.zeros((2, 2))})._fields
        ('exp_avg',)
    """
    exp_avg: Any


def scale(step_size: float) -> GradientTransformation:
    """Multiply updates by a constant: :math:`u \\leftarrow \\alpha u`.

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
    """
    def init(params):
        return ScaleByScheduleState(zero_count(params))

    def update(updates, state, params=None):
        factor = schedule(state.step)
        updates = ft.tree.map(lambda u: u * cast_like(factor, u), updates)
        return updates, ScaleByScheduleState(state.step + 1)

    return GradientTransformation(init, update)


def scale_by_learning_rate(lr: float | Callable[[Any], Any]) -> GradientTransformation:
    """Scale by ``-lr`` (descent); ``lr`` is a number or a schedule ``step -> lr``.

    Example:
        >>> tx = ft.optim.scale_by_learning_rate(0.1)
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

    Raises:
        ValueError: ``weight_decay < 0`` or ``update`` called without ``params``.

    Example:
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
        >>> tx = ft.optim.chain(ft.optim.trace(0.9), ft.optim.scale(-0.1))

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


def scale_by_adam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
                  amsgrad: bool = False) -> GradientTransformation:
    """Adam's preconditioning (PyTorch's order of operations).

    .. math::
        m_t = m_{t-1} + (1 - \\beta_1)(g_t - m_{t-1}), \\quad
        v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2, \\quad
        \\hat v_t = \\max(\\hat v_{t-1}, v_t) \\text{ (amsgrad) or } v_t

        u_t = \\frac{m_t / (1 - \\beta_1^t)}{\\sqrt{\\hat v_t} / \\sqrt{1 - \\beta_2^t}
              + \\epsilon}

    Example:
        >>> tx = ft.optim.chain(ft.optim.scale_by_adam(), ft.optim.scale(-1e-3))

    References:
        Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
        Reddi et al., "On the Convergence of Adam and Beyond", ICLR 2018 (amsgrad).
    """
    def init(params):
        def zeros():
            return ft.tree.map(ft.zeros_like, params)
        return ScaleByAdamState(zero_count(params), zeros(), zeros(),
                                zeros() if amsgrad else None)

    def update(updates, state, params=None):
        step = state.step + 1
        exp_avg = ft.tree.map(lambda m, g: m + (1 - b1) * (g - m), state.exp_avg, updates)
        exp_avg_sq = ft.tree.map(lambda v, g: v * b2 + (1 - b2) * g * g,
                                 state.exp_avg_sq, updates)
        max_sq = (ft.tree.map(ft.maximum, state.max_exp_avg_sq, exp_avg_sq) if amsgrad
                  else None)
        bias_correction1 = 1 - b1 ** _as_f64(step)
        bias_correction2_sqrt = ft.sqrt(1 - b2 ** _as_f64(step))

        def precondition(m, v):
            denom = ft.sqrt(v) / cast_like(bias_correction2_sqrt, v) + eps
            return (m / denom) / cast_like(bias_correction1, m)

        updates = ft.tree.map(precondition, exp_avg, max_sq if amsgrad else exp_avg_sq)
        return updates, ScaleByAdamState(step, exp_avg, exp_avg_sq, max_sq)

    return GradientTransformation(init, update)


def scale_by_rms(alpha: float = 0.99, eps: float = 1e-8, centered: bool = False
                 ) -> GradientTransformation:
    """RMSprop's preconditioning (PyTorch's: :math:`\\epsilon` outside the square root).

    .. math::
        s_t = \\alpha s_{t-1} + (1 - \\alpha) g_t^2, \\quad
        \\bar g_t = \\bar g_{t-1} + (1 - \\alpha)(g_t - \\bar g_{t-1}) \\text{ (centered)}

        u_t = g_t / (\\sqrt{s_t - \\bar g_t^2} + \\epsilon)
        \\text{ (centered) or } g_t / (\\sqrt{s_t} + \\epsilon)

    Example:
        >>> tx = ft.optim.chain(ft.optim.scale_by_rms(), ft.optim.scale(-1e-2))

    References:
        Tieleman and Hinton, Lecture 6.5 (RMSprop), COURSERA 2012;
        Graves, "Generating Sequences With Recurrent Neural Networks", 2013 (centered).
    """
    def init(params):
        return ScaleByRmsState(zero_count(params), ft.tree.map(ft.zeros_like, params),
                               ft.tree.map(ft.zeros_like, params) if centered else None)

    def update(updates, state, params=None):
        square_avg = ft.tree.map(lambda s, g: s * alpha + (1 - alpha) * g * g,
                                 state.square_avg, updates)
        grad_avg = None
        if centered:
            grad_avg = ft.tree.map(lambda a, g: a + (1 - alpha) * (g - a), state.grad_avg,
                                   updates)
            avg = ft.tree.map(lambda s, a: ft.sqrt(s - a * a) + eps, square_avg, grad_avg)
        else:
            avg = ft.tree.map(lambda s: ft.sqrt(s) + eps, square_avg)
        updates = ft.tree.map(lambda g, a: g / a, updates, avg)
        return updates, ScaleByRmsState(state.step + 1, square_avg, grad_avg)

    return GradientTransformation(init, update)


def scale_by_rss(initial_accumulator_value: float = 0.0, eps: float = 1e-10
                 ) -> GradientTransformation:
    """Adagrad's preconditioning: :math:`S_t = S_{t-1} + g_t^2`,
    :math:`u_t = g_t / (\\sqrt{S_t} + \\epsilon)` with :math:`S_0` the initial value.

    Example:
        >>> tx = ft.optim.chain(ft.optim.scale_by_rss(), ft.optim.scale(-1e-2))

    References:
        Duchi et al., "Adaptive Subgradient Methods for Online Learning and Stochastic
        Optimization", JMLR 2011.
    """
    def init(params):
        return ScaleByRssState(ft.tree.map(
            lambda p: ft.full_like(p, initial_accumulator_value), params))

    def update(updates, state, params=None):
        total = ft.tree.map(lambda s, g: s + g * g, state.sum, updates)
        updates = ft.tree.map(lambda g, s: g / (ft.sqrt(s) + eps), updates, total)
        return updates, ScaleByRssState(total)

    return GradientTransformation(init, update)


def scale_by_lion(b1: float = 0.9, b2: float = 0.99) -> GradientTransformation:
    """Lion's sign update.

    .. math::
        u_t = \\operatorname{sign}(\\beta_1 m_{t-1} + (1 - \\beta_1) g_t), \\quad
        m_t = \\beta_2 m_{t-1} + (1 - \\beta_2) g_t

    Example:
        >>> tx = ft.optim.chain(ft.optim.scale_by_lion(), ft.optim.scale(-1e-4))

    References:
        Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023.
    """
    def init(params):
        return ScaleByLionState(ft.tree.map(ft.zeros_like, params))

    def update(updates, state, params=None):
        signs = ft.tree.map(lambda m, g: ft.sign(m * b1 + (1 - b1) * g), state.exp_avg,
                            updates)
        exp_avg = ft.tree.map(lambda m, g: m * b2 + (1 - b2) * g, state.exp_avg, updates)
        return signs, ScaleByLionState(exp_avg)

    return GradientTransformation(init, update)


def scale_by_trust_ratio() -> GradientTransformation:
    """LAMB's layer-wise trust ratio, per parameter array:
    :math:`u \\leftarrow u \\, \\lVert\\theta\\rVert / \\lVert u\\rVert`, or :math:`u` when
    either norm is zero.

    Example:
        >>> tx = ft.optim.chain(ft.optim.scale_by_adam(), ft.optim.scale_by_trust_ratio())

    References:
        You et al., "Large Batch Optimization for Deep Learning: Training BERT in 76
        minutes", ICLR 2020.
    """
    def rescale(u, p):
        param_norm = ft.sqrt(ft.sum(p * p))
        update_norm = ft.sqrt(ft.sum(u * u))
        degenerate = (param_norm == 0) | (update_norm == 0)
        ratio = ft.where(degenerate, 1.0, param_norm / ft.where(degenerate, 1.0, update_norm))
        return u * ratio

    def update(updates, state, params=None):
        require_params(params, "scale_by_trust_ratio")
        return ft.tree.map(rescale, updates, params), state

    return GradientTransformation(lambda params: EmptyState(), update)
