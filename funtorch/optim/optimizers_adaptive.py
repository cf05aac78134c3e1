"""The pure optimizers RMSprop and Adagrad (per-coordinate second moments), Lion (sign
momentum) and LAMB (layer-wise trust ratio), split from ``optimizers.py``, which re-exports
them; the conventions (PyTorch's keyword names, defaults and messages; ``lr`` a number or a
schedule; the keyword-only ``maximize``, ``mask``, ``skip_nonfinite`` and ``check_finite``)
are described there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import funtorch as ft
from funtorch.optim.base import GradientTransformation
from funtorch.optim.optimizers import _check_betas, _check_lr, _check_nonnegative, _finish
from funtorch.optim.transforms import (
    add_decayed_weights, scale_by_learning_rate, scale_by_schedule, trace)
from funtorch.optim.transforms_adaptive import (
    scale_by_adam, scale_by_lion, scale_by_rms, scale_by_rss, scale_by_trust_ratio)

__all__ = ["adagrad", "lamb", "lion", "rmsprop"]


def rmsprop(lr: float | Callable[[Any], Any] = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
            weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False, *,
            maximize: bool = False, mask: Any = None, skip_nonfinite: bool = False,
            check_finite: bool = False) -> GradientTransformation:
    """RMSprop as in PyTorch (:math:`\\epsilon` outside the root, optional centering and
    momentum).

    .. math::
        s_t = \\alpha s_{t-1} + (1 - \\alpha) g_t^2, \\quad
        d_t = \\sqrt{s_t - \\bar g_t^2} + \\epsilon \\text{ (centered, }
        \\bar g_t = \\alpha \\bar g_{t-1} + (1 - \\alpha) g_t \\text{) or }
        \\sqrt{s_t} + \\epsilon

        b_t = \\mu b_{t-1} + g_t / d_t, \\quad \\theta_t = \\theta_{t-1} - \\eta b_t
        \\quad (\\theta_t = \\theta_{t-1} - \\eta g_t / d_t \\text{ when } \\mu = 0)

    Args:
        lr: :math:`\\eta`; alpha: smoothing :math:`\\alpha`; eps: :math:`\\epsilon`;
        weight_decay: L2 penalty added to the gradient; momentum: :math:`\\mu`;
        centered: normalise by the variance estimate; maximize: ascend.

    Returns:
        A ``GradientTransformation``: ``init(params)`` builds the state,
            ``update(grads, state, params)`` returns ``(updates, new_state)``.

    Raises:
        ValueError: a negative ``lr``, ``eps``, ``momentum``, ``weight_decay`` or ``alpha``.

    Example:
        The first step: :math:`s_1 = 0.01 g^2`, so :math:`-0.01 g / (0.1 |g|)`:

        >>> opt = ft.optim.rmsprop(1e-2)
        >>> params, grads = {"w": ft.array([1.0, 2.0])}, {"w": ft.array([0.5, -1.0])}
        >>> updates, state = opt.update(grads, opt.init(params), params)
        >>> [round(u, 4) for u in updates["w"].tolist()]
        [-0.1, 0.1]
        >>> opt = ft.optim.rmsprop(1e-2, momentum=0.9, centered=True)

    References:
        Tieleman and Hinton, Lecture 6.5, COURSERA 2012; Graves, "Generating Sequences
        With Recurrent Neural Networks", 2013; ``torch.optim.RMSprop``.
    """
    _check_lr(lr)
    _check_nonnegative(eps, "epsilon", "eps")
    _check_nonnegative(momentum, "momentum", "momentum")
    _check_nonnegative(weight_decay, "weight_decay", "weight_decay")
    _check_nonnegative(alpha, "alpha", "alpha")
    parts = [add_decayed_weights(weight_decay, mask)] if weight_decay != 0 else []
    parts.append(scale_by_rms(alpha, eps, centered))
    if momentum > 0:
        parts.append(trace(momentum))
    parts.append(scale_by_learning_rate(lr))
    return _finish("rmsprop", parts, maximize, skip_nonfinite, check_finite)


def adagrad(lr: float | Callable[[Any], Any] = 1e-2, lr_decay: float = 0.0,
            weight_decay: float = 0.0, initial_accumulator_value: float = 0.0, eps: float = 1e-10,
            *, maximize: bool = False, mask: Any = None, skip_nonfinite: bool = False,
            check_finite: bool = False) -> GradientTransformation:
    """Adagrad as in PyTorch.

    .. math::
        S_t = S_{t-1} + g_t^2, \\quad
        \\theta_t = \\theta_{t-1} - \\frac{\\eta_t}{1 + (t - 1)\\,\\delta} \\,
        \\frac{g_t}{\\sqrt{S_t} + \\epsilon}

    with :math:`S_0` = ``initial_accumulator_value``, :math:`\\delta` = ``lr_decay`` and
    :math:`g_t` including the L2 term :math:`\\lambda\\theta_{t-1}`.

    Args:
        lr: :math:`\\eta` (a number or a schedule).
        lr_decay: :math:`\\delta`, the learning rate's decay per step.
        weight_decay: L2 penalty :math:`\\lambda` added to the gradient.
        initial_accumulator_value: :math:`S_0`.
        eps: :math:`\\epsilon`, added to the root.
        maximize, mask, skip_nonfinite, check_finite: as in :func:`sgd`.

    Returns:
        A ``GradientTransformation`` (``init(params)``, ``update(grads, state, params) ->
        (updates, state)``); its state holds the sums (:class:`ScaleByRssState`) and the
        step count of the decayed learning rate.

    Raises:
        ValueError: a negative ``lr``, ``lr_decay``, ``weight_decay``,
            ``initial_accumulator_value`` or ``eps``.

    Example:
        The same gradient twice: :math:`-0.1 \\operatorname{sign}(g)`, then
        :math:`-\\frac{0.1}{1 + 1} \\frac{g}{\\sqrt{2} |g|}`:

        >>> opt = ft.optim.adagrad(0.1, lr_decay=1.0)
        >>> params, grads = {"w": ft.array([1.0, 2.0])}, {"w": ft.array([0.5, -1.0])}
        >>> first, state = opt.update(grads, opt.init(params), params)
        >>> second, state = opt.update(grads, state, params)
        >>> [round(u, 4) for u in first["w"].tolist() + second["w"].tolist()]
        [-0.1, 0.1, -0.0354, 0.0354]

    References:
        Duchi et al., "Adaptive Subgradient Methods for Online Learning and Stochastic
        Optimization", JMLR 2011; ``torch.optim.Adagrad``.
    """
    _check_lr(lr)
    _check_nonnegative(lr_decay, "lr_decay", "lr_decay")
    _check_nonnegative(weight_decay, "weight_decay", "weight_decay")
    _check_nonnegative(initial_accumulator_value, "initial_accumulator_value",
                       "initial_accumulator_value")
    _check_nonnegative(eps, "epsilon", "eps")

    def decayed_lr(step):
        base = lr(step) if callable(lr) else lr
        return -base / (1 + step.astype(ft.float64) * lr_decay)

    parts = [add_decayed_weights(weight_decay, mask)] if weight_decay != 0 else []
    parts += [scale_by_rss(initial_accumulator_value, eps), scale_by_schedule(decayed_lr)]
    return _finish("adagrad", parts, maximize, skip_nonfinite, check_finite)


def lion(lr: float | Callable[[Any], Any] = 1e-4, betas: tuple[float, float] = (0.9, 0.99),
         weight_decay: float = 0.0, *, maximize: bool = False, mask: Any = None,
         skip_nonfinite: bool = False, check_finite: bool = False) -> GradientTransformation:
    """Lion (evolved sign momentum) with decoupled weight decay.

    .. math::
        \\theta_t = \\theta_{t-1}(1 - \\eta\\lambda)
        - \\eta \\operatorname{sign}(\\beta_1 m_{t-1} + (1 - \\beta_1) g_t), \\quad
        m_t = \\beta_2 m_{t-1} + (1 - \\beta_2) g_t

    Args:
        lr: :math:`\\eta` (a number or a schedule).
        betas: :math:`(\\beta_1, \\beta_2)`, each in [0, 1).
        weight_decay: decoupled decay :math:`\\lambda`.
        maximize, mask, skip_nonfinite, check_finite: as in :func:`sgd`.

    Returns:
        A ``GradientTransformation`` (``init`` / ``update``) whose state holds Lion's
        momentum (:class:`ScaleByLionState`).

    Raises:
        ValueError: a negative ``lr`` or ``weight_decay``, or a beta outside [0, 1).

    Example:
        The first step: :math:`\\theta (1 - 0.1 \\cdot 0.5) - 0.1 \\operatorname{sign}(g)`:

        >>> opt = ft.optim.lion(0.1, weight_decay=0.5)
        >>> params, grads = {"w": ft.array([1.0, 2.0])}, {"w": ft.array([0.5, -1.0])}
        >>> updates, state = opt.update(grads, opt.init(params), params)
        >>> [round(w, 4) for w in ft.optim.apply_updates(params, updates)["w"].tolist()]
        [0.85, 2.0]

    References:
        Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023.
    """
    _check_lr(lr)
    _check_betas(betas)
    _check_nonnegative(weight_decay, "weight_decay", "weight_decay")
    parts = [scale_by_lion(betas[0], betas[1])]
    if weight_decay != 0:
        parts.append(add_decayed_weights(weight_decay, mask))
    parts.append(scale_by_learning_rate(lr))
    return _finish("lion", parts, maximize, skip_nonfinite, check_finite)


def lamb(lr: float | Callable[[Any], Any] = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
         eps: float = 1e-6, weight_decay: float = 0.0, *, maximize: bool = False, mask: Any = None,
         skip_nonfinite: bool = False, check_finite: bool = False) -> GradientTransformation:
    """LAMB: Adam's direction plus decoupled decay, rescaled per parameter array by the
    trust ratio.

    .. math::
        r_t = \\frac{m_t / (1 - \\beta_1^t)}{\\sqrt{v_t / (1 - \\beta_2^t)} + \\epsilon}
        + \\lambda \\theta_{t-1}, \\quad
        \\theta_t = \\theta_{t-1} - \\eta \\frac{\\lVert\\theta_{t-1}\\rVert}
        {\\lVert r_t \\rVert} r_t

    (the ratio is 1 when either norm is zero).

    Args:
        lr: :math:`\\eta` (a number or a schedule).
        betas: :math:`(\\beta_1, \\beta_2)`, each in [0, 1).
        eps: :math:`\\epsilon`, added to the bias-corrected root.
        weight_decay: decoupled decay :math:`\\lambda`, added before the trust ratio.
        maximize, mask, skip_nonfinite, check_finite: as in :func:`sgd`.

    Returns:
        A ``GradientTransformation`` (``init`` / ``update``) whose state holds Adam's
        moments (:class:`ScaleByAdamState`); the trust ratio keeps no state.

    Raises:
        ValueError: as :func:`adam`.

    Example:
        The first Adam direction is about :math:`\\operatorname{sign}(g) = (1, -1)`; the
        trust ratio scales it to the parameters' norm, 5:

        >>> opt = ft.optim.lamb(0.1)
        >>> params, grads = {"w": ft.array([3.0, 4.0])}, {"w": ft.array([0.5, -1.0])}
        >>> updates, state = opt.update(grads, opt.init(params), params)
        >>> [round(u, 4) for u in updates["w"].tolist()]  # -0.1 * 5 * (1, -1) / sqrt(2)
        [-0.3536, 0.3536]

    References:
        You et al., "Large Batch Optimization for Deep Learning: Training BERT in 76
        minutes", ICLR 2020.
    """
    _check_lr(lr)
    _check_nonnegative(eps, "epsilon", "eps")
    _check_betas(betas)
    _check_nonnegative(weight_decay, "weight_decay", "weight_decay")
    parts = [scale_by_adam(betas[0], betas[1], eps)]
    if weight_decay != 0:
        parts.append(add_decayed_weights(weight_decay, mask))
    parts += [scale_by_trust_ratio(), scale_by_learning_rate(lr)]
    return _finish("lamb", parts, maximize, skip_nonfinite, check_finite)
