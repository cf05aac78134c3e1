"""The update rules of ``torch.optim``'s NAdam, RAdam and Adamax as transformations
(Adadelta, Rprop and ASGD: ``transforms_classic.py``; Adafactor and Muon:
``transforms_matrix.py``); the factories in ``optimizers_extra.py`` chain them.

As in ``transforms.py``: PyTorch's operation order, state fields named as PyTorch's
per-parameter state (so the stateful wrappers write PyTorch's ``state_dict``), scalars that
depend on the step computed in float64 and cast to each update's dtype. Every branch on the
step count is an ``ft.where``, so the updates trace under ``ft.jit``. A learning rate that
enters a rule (Rprop's initial step size, ASGD's eta, Adafactor's relative step) may be a
number or a schedule ``step -> lr``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import funtorch as ft
from funtorch.optim.base import GradientTransformation, cast_like, zero_count

__all__ = [
    "ScaleByAdamaxState", "ScaleByNadamState", "ScaleByRadamState", "scale_by_adamax",
    "scale_by_nadam", "scale_by_radam",
]


def _f64(count):
    return count.astype(ft.float64)


def _lr_at(lr, count):
    """The learning rate for the update after ``count`` earlier ones, as float64."""
    return ft.asarray(lr(count) if callable(lr) else lr, dtype=ft.float64)


def _zeros(params):
    return ft.tree.map(ft.zeros_like, params)


def _lerp(start, end, weight):
    """PyTorch's ``lerp`` (its two formulas, chosen by the weight)."""
    if isinstance(weight, float):
        if weight < 0.5:
            return start + weight * (end - start)
        return end - (end - start) * (1 - weight)
    w = cast_like(weight, start)
    return ft.where(w < 0.5, start + w * (end - start), end - (end - start) * (1 - w))


class ScaleByNadamState(NamedTuple):
    """PyTorch NAdam's per-parameter state (:func:`scale_by_nadam`).

    Attributes:
        step: a 0-d int64 array, the number of updates taken.
        mu_product: :math:`\\prod_{i \\le t} \\mu_i`, the product of the momentum
            schedule so far (a 0-d float64 array).
        exp_avg: :math:`m_t`, the moving average of the gradients (a pytree like params).
        exp_avg_sq: :math:`v_t`, the moving average of the squared gradients.

    Example:
        >>> ft.optim.scale_by_nadam().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'mu_product', 'exp_avg', 'exp_avg_sq')
    """
    step: Any
    mu_product: Any
    exp_avg: Any
    exp_avg_sq: Any


class ScaleByRadamState(NamedTuple):
    """PyTorch RAdam's per-parameter state (:func:`scale_by_radam`).

    Attributes:
        step: a 0-d int64 array, the number of updates taken.
        exp_avg: :math:`m_t`, the moving average of the gradients (a pytree like params).
        exp_avg_sq: :math:`v_t`, the moving average of the squared gradients.

    Example:
        >>> ft.optim.scale_by_radam().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'exp_avg', 'exp_avg_sq')
    """
    step: Any
    exp_avg: Any
    exp_avg_sq: Any


class ScaleByAdamaxState(NamedTuple):
    """PyTorch Adamax's per-parameter state (:func:`scale_by_adamax`).

    Attributes:
        step: a 0-d int64 array, the number of updates taken.
        exp_avg: :math:`m_t`, the moving average of the gradients (a pytree like params).
        exp_inf: :math:`u^\\infty_t`, the exponentially weighted infinity norm of the
            gradients.

    Example:
        >>> ft.optim.scale_by_adamax().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'exp_avg', 'exp_inf')
    """
    step: Any
    exp_avg: Any
    exp_inf: Any


def scale_by_nadam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
                   momentum_decay: float = 4e-3) -> GradientTransformation:
    """NAdam's direction (scale by ``-lr`` afterwards).

    .. math::
        \\mu_t = \\beta_1 (1 - \\tfrac12 0.96^{t\\psi}), \\quad
        u_t = \\frac{(1 - \\mu_t) g_t / (1 - \\prod_{i \\le t}\\mu_i)
        + \\mu_{t+1} m_t / (1 - \\prod_{i \\le t+1}\\mu_i)}
        {\\sqrt{v_t / (1 - \\beta_2^t)} + \\epsilon}

    with :math:`m_t` and :math:`v_t` Adam's moving averages (rates :math:`\\beta_1`,
    :math:`\\beta_2`).

    Args:
        b1: :math:`\\beta_1`, the base momentum (decay rate of the gradients' average).
        b2: :math:`\\beta_2`, the decay rate of the squared gradients' average.
        eps: :math:`\\epsilon`, added to the denominator.
        momentum_decay: :math:`\\psi`, how fast the momentum schedule :math:`\\mu_t`
            warms up.

    Returns:
        A ``GradientTransformation`` whose state is a :class:`ScaleByNadamState`; the
        updates have the gradients' shapes and dtypes.

    Example:
        On the first step :math:`u = (1 + 0.1\\mu_2 / (1 - \\mu_1\\mu_2))
        \\operatorname{sign}(g)` with :math:`\\mu_1 = 0.9(1 - 0.5 \\cdot 0.96^{0.004})`,
        :math:`\\mu_2 = 0.9(1 - 0.5 \\cdot 0.96^{0.008})`:

        >>> tx = ft.optim.scale_by_nadam()
        >>> grads = {"w": ft.array([2.0, -0.5])}
        >>> updates, state = tx.update(grads, tx.init(grads))
        >>> [round(u, 4) for u in updates["w"].tolist()]
        [1.0565, -1.0565]

    References:
        Dozat, "Incorporating Nesterov Momentum into Adam", ICLR workshop 2016.
    """
    def init(params):
        count = zero_count(params)
        return ScaleByNadamState(count, ft.ones((), dtype=ft.float64, device=count.device),
                                 _zeros(params), _zeros(params))

    def update(updates, state, params=None):
        step = state.step + 1
        t = _f64(step)
        bias_correction2 = 1 - b2 ** t
        mu = b1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = state.mu_product * mu
        coef_grad = (1.0 - mu) / (1.0 - mu_product)
        coef_avg = mu_next / (1.0 - mu_product * mu_next)
        exp_avg = ft.tree.map(lambda m, g: _lerp(m, g, 1 - b1), state.exp_avg, updates)
        exp_avg_sq = ft.tree.map(lambda v, g: v * b2 + (1 - b2) * g * g, state.exp_avg_sq,
                                 updates)

        def direction(g, m, v):
            denom = ft.sqrt(v / cast_like(bias_correction2, v)) + eps
            return g * cast_like(coef_grad, g) / denom + m * cast_like(coef_avg, m) / denom

        updates = ft.tree.map(direction, updates, exp_avg, exp_avg_sq)
        return updates, ScaleByNadamState(step, mu_product, exp_avg, exp_avg_sq)

    return GradientTransformation(init, update)


def scale_by_radam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> GradientTransformation:
    """RAdam's direction: Adam's, rectified while the variance estimate is reliable
    (:math:`\\rho_t > 5`), else the bias-corrected momentum alone.

    .. math::
        \\rho_\\infty = \\frac{2}{1 - \\beta_2} - 1, \\quad
        \\rho_t = \\rho_\\infty - \\frac{2 t \\beta_2^t}{1 - \\beta_2^t}, \\quad
        r_t = \\sqrt{\\frac{(\\rho_t - 4)(\\rho_t - 2)\\rho_\\infty}
        {(\\rho_\\infty - 4)(\\rho_\\infty - 2)\\rho_t}}

        u_t = \\frac{m_t}{1 - \\beta_1^t} \\cdot
        \\frac{r_t \\sqrt{1 - \\beta_2^t}}{\\sqrt{v_t} + \\epsilon}
        \\text{ if } \\rho_t > 5 \\text{, else } \\frac{m_t}{1 - \\beta_1^t}

    Args:
        b1: :math:`\\beta_1`, the decay rate of the gradients' moving average.
        b2: :math:`\\beta_2`, the decay rate of the squared gradients' moving average.
        eps: :math:`\\epsilon`, added to the denominator.

    Returns:
        A ``GradientTransformation`` whose state is a :class:`ScaleByRadamState`; the
        updates have the gradients' shapes and dtypes.

    Example:
        On the first step :math:`\\rho_1 = 1`, so the update is the bias-corrected
        momentum, the gradient itself:

        >>> tx = ft.optim.scale_by_radam()
        >>> grads = {"w": ft.array([2.0, -0.5])}
        >>> updates, state = tx.update(grads, tx.init(grads))
        >>> [round(u, 4) for u in updates["w"].tolist()]
        [2.0, -0.5]

    References:
        Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020.
    """
    rho_inf = 2 / (1 - b2) - 1

    def init(params):
        return ScaleByRadamState(zero_count(params), _zeros(params), _zeros(params))

    def update(updates, state, params=None):
        step = state.step + 1
        t = _f64(step)
        exp_avg = ft.tree.map(lambda m, g: _lerp(m, g, 1 - b1), state.exp_avg, updates)
        exp_avg_sq = ft.tree.map(lambda v, g: v * b2 + (1 - b2) * g * g, state.exp_avg_sq,
                                 updates)
        bias_correction1 = 1 - b1 ** t
        bias_correction2 = 1 - b2 ** t
        rho_t = rho_inf - 2 * t * (b2 ** t) / bias_correction2
        rectified = rho_t > 5.0
        safe_rho = ft.where(rectified, rho_t, 6.0)
        rect = ft.sqrt((safe_rho - 4) * (safe_rho - 2) * rho_inf
                       / ((rho_inf - 4) * (rho_inf - 2) * safe_rho))

        def direction(m, v):
            corrected = m / cast_like(bias_correction1, m)
            adaptive = cast_like(ft.sqrt(bias_correction2), v) / (ft.sqrt(v) + eps)
            return ft.where(rectified, corrected * adaptive * cast_like(rect, m), corrected)

        updates = ft.tree.map(direction, exp_avg, exp_avg_sq)
        return updates, ScaleByRadamState(step, exp_avg, exp_avg_sq)

    return GradientTransformation(init, update)


def scale_by_adamax(b1: float = 0.9, b2: float = 0.999,
                    eps: float = 1e-8) -> GradientTransformation:
    """Adamax's direction: :math:`u_t = m_t / ((1 - \\beta_1^t) \\, u^\\infty_t)` with
    :math:`u^\\infty_t = \\max(\\beta_2 u^\\infty_{t-1}, |g_t| + \\epsilon)` and
    :math:`m_t = m_{t-1} + (1 - \\beta_1)(g_t - m_{t-1})`.

    Args:
        b1: :math:`\\beta_1`, the decay rate of the gradients' moving average.
        b2: :math:`\\beta_2`, the decay of the infinity norm.
        eps: :math:`\\epsilon`, added to :math:`|g_t|`.

    Returns:
        A ``GradientTransformation`` whose state is a :class:`ScaleByAdamaxState`; the
        updates have the gradients' shapes and dtypes.

    Example:
        On the first step :math:`m_1 / (1 - \\beta_1) = g` and
        :math:`u^\\infty_1 = |g| + \\epsilon`, so :math:`u \\approx \\operatorname{sign}(g)`:

        >>> tx = ft.optim.scale_by_adamax()
        >>> grads = {"w": ft.array([2.0, -0.5])}
        >>> updates, state = tx.update(grads, tx.init(grads))
        >>> [round(u, 4) for u in updates["w"].tolist()]
        [1.0, -1.0]

    References:
        Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 7.
    """
    def init(params):
        return ScaleByAdamaxState(zero_count(params), _zeros(params), _zeros(params))

    def update(updates, state, params=None):
        step = state.step + 1
        exp_avg = ft.tree.map(lambda m, g: _lerp(m, g, 1 - b1), state.exp_avg, updates)
        exp_inf = ft.tree.map(lambda u, g: ft.maximum(u * b2, ft.abs(g) + eps),
                              state.exp_inf, updates)
        bias_correction = 1 - b1 ** _f64(step)
        updates = ft.tree.map(lambda m, u: m / u / cast_like(bias_correction, m),
                              exp_avg, exp_inf)
        return updates, ScaleByAdamaxState(step, exp_avg, exp_inf)

    return GradientTransformation(init, update)
