"""The adaptive preconditioners: Adam's, RMSprop's and Adagrad's second-moment scalings,
Lion's sign update and LAMB's trust ratio (split from ``transforms.py``, which re-exports
them; the same conventions hold: ``torch.optim``'s order of operations and state names,
step-dependent scalars in float64 cast to each update's dtype).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import funtorch as ft
from funtorch.optim.base import (
    EmptyState,
    GradientTransformation,
    cast_like,
    require_params,
    zero_count,
)

__all__ = [
    "ScaleByAdamState",
    "ScaleByLionState",
    "ScaleByRmsState",
    "ScaleByRssState",
    "scale_by_adam",
    "scale_by_lion",
    "scale_by_rms",
    "scale_by_rss",
    "scale_by_trust_ratio",
]


def _as_f64(count):
    return count.astype(ft.float64)


class ScaleByAdamState(NamedTuple):
    """PyTorch Adam's per-parameter state (:func:`scale_by_adam`).

    Attributes:
        step: a 0-d int64 array, the number of updates taken.
        exp_avg: :math:`m_t`, the moving average of the gradients (a pytree like params).
        exp_avg_sq: :math:`v_t`, the moving average of the squared gradients.
        max_exp_avg_sq: the running maximum of ``exp_avg_sq`` with ``amsgrad``, else
            ``None``.

    Example:
        >>> ft.optim.scale_by_adam().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq')
    """
    step: Any
    exp_avg: Any
    exp_avg_sq: Any
    max_exp_avg_sq: Any


class ScaleByRmsState(NamedTuple):
    """PyTorch RMSprop's per-parameter state (:func:`scale_by_rms`).

    Attributes:
        step: a 0-d int64 array, the number of updates taken.
        square_avg: :math:`s_t`, the moving average of the squared gradients.
        grad_avg: :math:`\\bar g_t`, the moving average of the gradients with
            ``centered``, else ``None``.

    Example:
        >>> ft.optim.scale_by_rms().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'square_avg', 'grad_avg')
    """
    step: Any
    square_avg: Any
    grad_avg: Any


class ScaleByRssState(NamedTuple):
    """PyTorch Adagrad's state (:func:`scale_by_rss`).

    Attributes:
        sum: :math:`S_t`, the initial value plus the sum of the squared gradients so far
            (a pytree like params).

    Example:
        >>> ft.optim.scale_by_rss().init({"w": ft.zeros((2, 2))})._fields
        ('sum',)
    """
    sum: Any


class ScaleByLionState(NamedTuple):
    """Lion's state (:func:`scale_by_lion`).

    Attributes:
        exp_avg: :math:`m_t`, the momentum (a moving average of the gradients with rate
            :math:`\\beta_2`), a pytree like params.

    Example:
        >>> ft.optim.scale_by_lion().init({"w": ft.zeros((2, 2))})._fields
        ('exp_avg',)
    """
    exp_avg: Any


def scale_by_adam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
                  amsgrad: bool = False) -> GradientTransformation:
    """Adam's preconditioning (PyTorch's order of operations).

    .. math::
        m_t = m_{t-1} + (1 - \\beta_1)(g_t - m_{t-1}), \\quad
        v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2, \\quad
        \\hat v_t = \\max(\\hat v_{t-1}, v_t) \\text{ (amsgrad) or } v_t

        u_t = \\frac{m_t / (1 - \\beta_1^t)}{\\sqrt{\\hat v_t} / \\sqrt{1 - \\beta_2^t}
              + \\epsilon}

    Args:
        b1: :math:`\\beta_1`, the decay rate of the gradients' moving average.
        b2: :math:`\\beta_2`, the decay rate of the squared gradients' moving average.
        eps: :math:`\\epsilon`, added to the denominator (outside the square root).
        amsgrad: divide by the running maximum of :math:`v_t` (AMSGrad).

    Returns:
        A ``GradientTransformation`` whose state is a :class:`ScaleByAdamState`; the
        updates have the gradients' shapes and dtypes (the step is not negated: chain a
        ``scale(-lr)``).

    Example:
        On the first step the bias-corrected moments are :math:`g` and :math:`g^2`, so the
        update is :math:`g / (|g| + \\epsilon) \\approx \\operatorname{sign}(g)`:

        >>> tx = ft.optim.scale_by_adam()
        >>> grads = {"w": ft.array([2.0, -0.5])}
        >>> updates, state = tx.update(grads, tx.init(grads))
        >>> [round(u, 4) for u in updates["w"].tolist()]
        [1.0, -1.0]

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

    Args:
        alpha: :math:`\\alpha`, the smoothing constant of the moving averages.
        eps: :math:`\\epsilon`, added to the denominator.
        centered: divide by an estimate of the variance (subtract :math:`\\bar g_t^2`).

    Returns:
        A ``GradientTransformation`` whose state is a :class:`ScaleByRmsState`; the
        updates have the gradients' shapes and dtypes.

    Example:
        On the first step :math:`s_1 = (1 - \\alpha) g^2 = 0.01 g^2`, so
        :math:`u = g / (0.1 |g|) = 10 \\operatorname{sign}(g)`:

        >>> tx = ft.optim.scale_by_rms(alpha=0.99)
        >>> grads = {"w": ft.array([2.0, -0.5])}
        >>> updates, state = tx.update(grads, tx.init(grads))
        >>> [round(u, 3) for u in updates["w"].tolist()]
        [10.0, -10.0]

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
    """Adagrad's preconditioning by the root of the sum of squared gradients.

    .. math::
        S_t = S_{t-1} + g_t^2, \\quad u_t = g_t / (\\sqrt{S_t} + \\epsilon)

    Args:
        initial_accumulator_value: :math:`S_0`, the starting value of every sum.
        eps: :math:`\\epsilon`, added to the denominator.

    Returns:
        A ``GradientTransformation`` whose state is a :class:`ScaleByRssState`; the
        updates have the gradients' shapes and dtypes.

    Example:
        With :math:`S_0 = 16` and :math:`g = 3`: :math:`S_1 = 25`, :math:`u = 3/5`:

        >>> tx = ft.optim.scale_by_rss(initial_accumulator_value=16.0)
        >>> grads = {"w": ft.array([3.0])}
        >>> updates, state = tx.update(grads, tx.init(grads))
        >>> round(updates["w"].item(), 4), state.sum["w"].tolist()
        (0.6, [25.0])

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

    Args:
        b1: :math:`\\beta_1`, the interpolation between momentum and gradient in the sign.
        b2: :math:`\\beta_2`, the decay rate of the momentum.

    Returns:
        A ``GradientTransformation`` whose state is a :class:`ScaleByLionState`; every
        update element is -1, 0 or 1, in the gradients' dtype.

    Example:
        >>> tx = ft.optim.scale_by_lion()
        >>> grads = {"w": ft.array([2.0, -0.5, 0.0])}
        >>> updates, state = tx.update(grads, tx.init(grads))
        >>> updates["w"].tolist()
        [1.0, -1.0, 0.0]

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

    Returns:
        A stateless ``GradientTransformation`` whose ``update`` needs ``params`` (it raises
        ``ValueError`` without them); the updates keep their shapes and dtypes.

    Example:
        :math:`\\lVert\\theta\\rVert = 5` and :math:`\\lVert u\\rVert = 0.5`, so the update
        is scaled by 10:

        >>> tx = ft.optim.scale_by_trust_ratio()
        >>> params = {"w": ft.array([3.0, 4.0])}
        >>> updates, _ = tx.update({"w": ft.array([0.0, 0.5])}, tx.init(params), params)
        >>> updates["w"].tolist()
        [0.0, 5.0]

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
