"""The update rules of ``torch.optim``'s NAdam, RAdam, Adamax, Adadelta, Rprop and ASGD as
transformations (Adafactor and Muon: ``transforms_matrix.py``) (the factories in ``optimizers_extra.py`` chain them).

As in ``transforms.py``: PyTorch's operation order, state fields named as PyTorch's
per-parameter state (so the stateful wrappers write PyTorch's ``state_dict``), scalars that
depend on the step computed in float64 and cast to each update's dtype. Every branch on the
step count is an ``ft.where``, so the updates trace under ``ft.jit``. A learning rate that
enters a rule (Rprop's initial step size, ASGD's eta, Adafactor's relative step) may be a
number or a schedule ``step -> lr``.
"""

from __future__ import annotations

from typing import Any, NamedTuple
from collections.abc import Callable

import funtorch as ft
from funtorch.optim.base import GradientTransformation, cast_like, require_params, zero_count

__all__ = [
    "ScaleByAdadeltaState", "ScaleByAdamaxState", "ScaleByAsgdState", "ScaleByNadamState",
    "ScaleByRadamState", "ScaleByRpropState", "scale_by_adadelta", "scale_by_adamax",
    "scale_by_asgd", "scale_by_nadam", "scale_by_radam", "scale_by_rprop",
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
    """PyTorch NAdam's state: ``mu_product`` is the product of the momentum schedule.

    Example:
        >>> ft.optim.scale_by_nadam().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'mu_product', 'exp_avg', 'exp_avg_sq')
    """
    step: Any
    mu_product: Any
    exp_avg: Any
    exp_avg_sq: Any


class ScaleByRadamState(NamedTuple):
    """PyTorch RAdam's state.

    Example:
        >>> ft.optim.scale_by_radam().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'exp_avg', 'exp_avg_sq')
    """
    step: Any
    exp_avg: Any
    exp_avg_sq: Any


class ScaleByAdamaxState(NamedTuple):
    """PyTorch Adamax's state: ``exp_inf`` is the exponentially weighted infinity norm.

    Example:
        >>> ft.optim.scale_by_adamax().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'exp_avg', 'exp_inf')
    """
    step: Any
    exp_avg: Any
    exp_inf: Any


class ScaleByAdadeltaState(NamedTuple):
    """PyTorch Adadelta's state.

    Example:
        >>> ft.optim.scale_by_adadelta().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'square_avg', 'acc_delta')
    """
    step: Any
    square_avg: Any
    acc_delta: Any


class ScaleByRpropState(NamedTuple):
    """PyTorch Rprop's state: the previous (masked) gradient and per-element step sizes.

    Example:
        >>> ft.optim.scale_by_rprop().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'prev', 'step_size')
    """
    step: Any
    prev: Any
    step_size: Any


class ScaleByAsgdState(NamedTuple):
    """PyTorch ASGD's state: ``eta`` (step size), ``mu`` (averaging rate), ``ax`` (average).

    Example:
        >>> ft.optim.scale_by_asgd().init({"w": ft.zeros((2, 2))})._fields
        ('step', 'eta', 'mu', 'ax')
    """
    step: Any
    eta: Any
    mu: Any
    ax: Any


def scale_by_nadam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
                   momentum_decay: float = 4e-3) -> GradientTransformation:
    """NAdam's direction (scale by ``-lr`` afterwards).

    .. math::
        \\mu_t = \\beta_1 (1 - \\tfrac12 0.96^{t\\psi}), \\quad
        u_t = \\frac{(1 - \\mu_t) g_t / (1 - \\prod_{i \\le t}\\mu_i)
        + \\mu_{t+1} m_t / (1 - \\prod_{i \\le t+1}\\mu_i)}
        {\\sqrt{v_t / (1 - \\beta_2^t)} + \\epsilon}

    Example:
        >>> tx = ft.optim.chain(ft.optim.scale_by_nadam(), ft.optim.scale(-2e-3))

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

    Example:
        >>> tx = ft.optim.chain(ft.optim.scale_by_radam(), ft.optim.scale(-1e-3))

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
    :math:`u^\\infty_t = \\max(\\beta_2 u^\\infty_{t-1}, |g_t| + \\epsilon)`.

    Example:
        >>> tx = ft.optim.chain(ft.optim.scale_by_adamax(), ft.optim.scale(-2e-3))

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


def scale_by_adadelta(rho: float = 0.9, eps: float = 1e-6) -> GradientTransformation:
    """Adadelta's direction :math:`\\sqrt{A_{t-1} + \\epsilon} / \\sqrt{S_t + \\epsilon}
    \\, g_t`, with running averages :math:`S` of squared gradients and :math:`A` of squared
    directions.

    Example:
        >>> tx = ft.optim.chain(ft.optim.scale_by_adadelta(), ft.optim.scale(-1.0))

    References:
        Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012.
    """
    def init(params):
        return ScaleByAdadeltaState(zero_count(params), _zeros(params), _zeros(params))

    def update(updates, state, params=None):
        square_avg = ft.tree.map(lambda s, g: s * rho + (1 - rho) * g * g, state.square_avg,
                                 updates)
        delta = ft.tree.map(lambda a, s, g: ft.sqrt(a + eps) / ft.sqrt(s + eps) * g,
                            state.acc_delta, square_avg, updates)
        acc_delta = ft.tree.map(lambda a, d: a * rho + (1 - rho) * d * d, state.acc_delta,
                                delta)
        return delta, ScaleByAdadeltaState(state.step + 1, square_avg, acc_delta)

    return GradientTransformation(init, update)


def scale_by_rprop(lr: float | Callable[[Any], Any] = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                   step_sizes: tuple[float, float] = (1e-6, 50.0)) -> GradientTransformation:
    """Rprop's signed steps (scale by ``-1`` afterwards): each element's step size grows by
    ``etas[1]`` while its gradient keeps its sign and shrinks by ``etas[0]`` (skipping that
    element's move) when the sign flips; step sizes start at ``lr``.

    Example:
        >>> tx = ft.optim.chain(ft.optim.scale_by_rprop(0.01), ft.optim.scale(-1.0))

    References:
        Riedmiller and Braun, "A direct adaptive method for faster backpropagation
        learning: the RPROP algorithm", ICNN 1993.
    """
    etaminus, etaplus = etas
    lo, hi = step_sizes

    def init(params):
        count = zero_count(params)
        start = _lr_at(lr, count)
        return ScaleByRpropState(count, _zeros(params),
                                 ft.tree.map(lambda p: ft.full_like(p, 0) + cast_like(start, p),
                                             params))

    def update(updates, state, params=None):
        def one(g, prev, size):
            sign = ft.sign(g * prev)
            factor = ft.where(sign > 0, etaplus, ft.where(sign < 0, etaminus, 1.0))
            factor = factor.astype(size.dtype)
            size = ft.clip(size * factor, lo, hi)
            g = ft.where(factor == cast_like(etaminus, factor), 0, g)
            return ft.sign(g) * size, g, size

        out = ft.tree.map(one, updates, state.prev, state.step_size)
        pick = [ft.tree.map(lambda o, i=i: o[i], out, is_leaf=lambda o: isinstance(o, tuple))
                for i in range(3)]
        return pick[0], ScaleByRpropState(state.step + 1, pick[1], pick[2])

    return GradientTransformation(init, update)


def scale_by_asgd(lr: float | Callable[[Any], Any] = 1e-2, lambd: float = 1e-4,
                  alpha: float = 0.75, t0: float = 1e6) -> GradientTransformation:
    """ASGD's update (already scaled): :math:`u_t = -\\lambda\\eta_t\\theta - \\eta_t g_t`,
    then the average ``ax`` moves towards the new parameters at rate :math:`\\mu_t`, and
    :math:`\\eta_{t+1} = lr / (1 + \\lambda \\, lr \\, t)^{\\alpha}`,
    :math:`\\mu_{t+1} = 1 / \\max(1, t - t_0)`.

    Example:
        >>> tx = ft.optim.scale_by_asgd(1e-2)

    References:
        Polyak and Juditsky, "Acceleration of Stochastic Approximation by Averaging",
        SIAM J. Control Optim. 1992.
    """
    def init(params):
        count = zero_count(params)
        return ScaleByAsgdState(count, _lr_at(lr, count),
                                ft.ones((), dtype=ft.float64, device=count.device),
                                _zeros(params))

    def update(updates, state, params=None):
        require_params(params, "scale_by_asgd")
        step = state.step + 1
        eta = state.eta

        def move(g, p):
            new = p * (1 - lambd * cast_like(eta, p)) - cast_like(eta, g) * g
            return new - p, new

        out = ft.tree.map(move, updates, params)
        is_pair = lambda o: isinstance(o, tuple)  # noqa: E731
        updates = ft.tree.map(lambda o: o[0], out, is_leaf=is_pair)
        new_params = ft.tree.map(lambda o: o[1], out, is_leaf=is_pair)
        ax = ft.tree.map(lambda a, p: ft.where(state.mu == 1, p,
                                               a + (p - a) * cast_like(state.mu, p)),
                         state.ax, new_params)
        t = _f64(step)
        rate = _lr_at(lr, state.step)
        new_eta = rate / (1 + lambd * rate * t) ** alpha
        new_mu = 1 / ft.maximum(ft.asarray(1.0, dtype=ft.float64), t - t0)
        return updates, ScaleByAsgdState(step, new_eta, new_mu, ax)

    return GradientTransformation(init, update)
