"""More pure optimizers with ``torch.optim``'s maths: ``nadam, radam, adamax, adafactor,
muon``, each a chain of the pieces in ``transforms_extra.py`` and ``transforms_matrix.py``
(``adadelta, rprop, asgd``: ``optimizers_classic.py``).

They take PyTorch's keyword names and defaults, raise PyTorch's messages for invalid
hyperparameters, and share the keyword-only options of ``optimizers.py`` (``maximize``,
``mask`` for the weight decay where it is a separate step, ``skip_nonfinite``,
``check_finite``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funtorch.optim.base import GradientTransformation
from funtorch.optim.optimizers import _check_betas, _check_lr, _check_nonnegative, _finish
from funtorch.optim.transforms import add_decayed_weights, scale_by_learning_rate
from funtorch.optim.transforms_extra import scale_by_adamax, scale_by_nadam, scale_by_radam
from funtorch.optim.transforms_matrix import scale_by_adafactor, scale_by_muon

__all__ = ["adafactor", "adamax", "muon", "nadam", "radam"]


def _check_adam_args(lr, eps, betas):
    _check_lr(lr)
    _check_nonnegative(eps, "epsilon", "eps")
    _check_betas(betas)


def _with_decay(name, core, lr, weight_decay, decoupled, mask, maximize, skip, check):
    """``core`` preceded by L2 decay, or followed by decoupled decay, then ``-lr``."""
    _check_nonnegative(weight_decay, "weight_decay", "weight_decay")
    decay = [add_decayed_weights(weight_decay, mask)] if weight_decay != 0 else []
    parts = [core] + decay if decoupled else decay + [core]
    return _finish(name, parts + [scale_by_learning_rate(lr)], maximize, skip, check)


def nadam(lr: float | Callable[[Any], Any] = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
          eps: float = 1e-8, weight_decay: float = 0.0, momentum_decay: float = 4e-3,
          decoupled_weight_decay: bool = False, *, maximize: bool = False, mask: Any = None,
          skip_nonfinite: bool = False, check_finite: bool = False) -> GradientTransformation:
    """NAdam (Adam with Nesterov momentum and Dozat's momentum schedule), as PyTorch.

    Args:
        lr: :math:`\\eta` (a number or a schedule); betas: :math:`(\\beta_1, \\beta_2)`;
        eps: added to the root; weight_decay: :math:`\\lambda` (L2, or decoupled with
        ``decoupled_weight_decay=True``, PyTorch's NAdamW); momentum_decay: :math:`\\psi`.

    Returns:
        A ``GradientTransformation``: ``init(params)`` builds the state,
            ``update(grads, state, params)`` returns ``(updates, new_state)``.

    Raises:
        ValueError: a negative ``lr``, ``eps``, ``weight_decay`` or ``momentum_decay``, or
            a beta outside [0, 1).

    Example:
        The first step is :math:`-\\eta (1 + 0.1\\mu_2 / (1 - \\mu_1\\mu_2))
        \\operatorname{sign}(g) \\approx -1.0565 \\, \\eta \\operatorname{sign}(g)` (see
        :func:`scale_by_nadam`):

        >>> opt = ft.optim.nadam(0.1)
        >>> params, grads = {"w": ft.array([1.0, 2.0])}, {"w": ft.array([0.5, -1.0])}
        >>> updates, state = opt.update(grads, opt.init(params), params)
        >>> [round(u, 4) for u in updates["w"].tolist()]
        [-0.1056, 0.1056]
        >>> opt = ft.optim.nadam(2e-3, decoupled_weight_decay=True, weight_decay=1e-2)

    References:
        Dozat, "Incorporating Nesterov Momentum into Adam", ICLR workshop 2016;
        ``torch.optim.NAdam``.
    """
    _check_adam_args(lr, eps, betas)
    _check_nonnegative(momentum_decay, "momentum_decay", "momentum_decay")
    return _with_decay("nadam", scale_by_nadam(betas[0], betas[1], eps, momentum_decay), lr,
                       weight_decay, decoupled_weight_decay, mask, maximize, skip_nonfinite,
                       check_finite)


def radam(lr: float | Callable[[Any], Any] = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
          eps: float = 1e-8, weight_decay: float = 0.0, decoupled_weight_decay: bool = False, *,
          maximize: bool = False, mask: Any = None, skip_nonfinite: bool = False,
          check_finite: bool = False) -> GradientTransformation:
    """RAdam (rectified Adam), as PyTorch; ``decoupled_weight_decay`` gives RAdamW.

    .. math::
        \\theta_t = \\theta_{t-1} - \\eta \\, \\frac{m_t}{1 - \\beta_1^t}
        \\left(r_t \\frac{\\sqrt{1 - \\beta_2^t}}{\\sqrt{v_t} + \\epsilon}
        \\text{ if } \\rho_t > 5 \\text{ else } 1\\right)

    with Adam's moments :math:`m_t, v_t` and the rectification :math:`r_t`,
    :math:`\\rho_t` of :func:`scale_by_radam`.

    Args:
        lr: :math:`\\eta` (a number or a schedule).
        betas: :math:`(\\beta_1, \\beta_2)`, each in [0, 1).
        eps: :math:`\\epsilon`.
        weight_decay: :math:`\\lambda`: L2 (added to the gradient), or decoupled
            (:math:`\\theta \\leftarrow \\theta(1 - \\eta\\lambda)`) with
            ``decoupled_weight_decay=True``.
        decoupled_weight_decay: decay the weights directly (RAdamW).
        maximize, mask, skip_nonfinite, check_finite: as in :func:`sgd`.

    Returns:
        A ``GradientTransformation`` (``init`` / ``update``) whose state holds a
        :class:`ScaleByRadamState`.

    Raises:
        ValueError: as :func:`ft.optim.adam`.

    Example:
        While :math:`\\rho_t \\le 5` (the first five steps with the default betas) the
        step is plain momentum SGD; the first is :math:`-\\eta g`:

        >>> opt = ft.optim.radam(0.1)
        >>> params, grads = {"w": ft.array([1.0, 2.0])}, {"w": ft.array([0.5, -1.0])}
        >>> updates, state = opt.update(grads, opt.init(params), params)
        >>> [round(u, 4) for u in updates["w"].tolist()]
        [-0.05, 0.1]

    References:
        Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020;
        ``torch.optim.RAdam``.
    """
    _check_adam_args(lr, eps, betas)
    return _with_decay("radam", scale_by_radam(betas[0], betas[1], eps), lr, weight_decay,
                       decoupled_weight_decay, mask, maximize, skip_nonfinite, check_finite)


def adamax(lr: float | Callable[[Any], Any] = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
           eps: float = 1e-8, weight_decay: float = 0.0, *, maximize: bool = False,
           mask: Any = None, skip_nonfinite: bool = False,
           check_finite: bool = False) -> GradientTransformation:
    """Adamax (Adam with the infinity norm), as PyTorch (L2 ``weight_decay``).

    .. math::
        m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t, \\quad
        u_t = \\max(\\beta_2 u_{t-1}, |g_t| + \\epsilon), \\quad
        \\theta_t = \\theta_{t-1} - \\frac{\\eta}{1 - \\beta_1^t} \\frac{m_t}{u_t}

    with :math:`g_t` including the L2 term :math:`\\lambda \\theta_{t-1}`.

    Args:
        lr: :math:`\\eta` (a number or a schedule).
        betas: :math:`(\\beta_1, \\beta_2)`, each in [0, 1).
        eps: :math:`\\epsilon`.
        weight_decay: L2 penalty :math:`\\lambda`.
        maximize, mask, skip_nonfinite, check_finite: as in :func:`sgd`.

    Returns:
        A ``GradientTransformation`` (``init`` / ``update``) whose state holds a
        :class:`ScaleByAdamaxState`.

    Raises:
        ValueError: as :func:`ft.optim.adam`.

    Example:
        The first step is :math:`-\\eta g / (|g| + \\epsilon) \\approx -\\eta
        \\operatorname{sign}(g)`:

        >>> opt = ft.optim.adamax(0.1)
        >>> params, grads = {"w": ft.array([1.0, 2.0])}, {"w": ft.array([0.5, -1.0])}
        >>> updates, state = opt.update(grads, opt.init(params), params)
        >>> [round(u, 4) for u in updates["w"].tolist()]
        [-0.1, 0.1]

    References:
        Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
        ``torch.optim.Adamax``.
    """
    _check_adam_args(lr, eps, betas)
    return _with_decay("adamax", scale_by_adamax(betas[0], betas[1], eps), lr, weight_decay,
                       False, mask, maximize, skip_nonfinite, check_finite)


def adafactor(lr: float | Callable[[Any], Any] = 1e-2, beta2_decay: float = -0.8,
              eps: tuple[float | None, float] = (None, 1e-3), d: float = 1.0,
              weight_decay: float = 0.0, *,
              maximize: bool = False, skip_nonfinite: bool = False,
              check_finite: bool = False) -> GradientTransformation:
    """Adafactor, as PyTorch (factored second moments, relative step sizes, update
    clipping, decoupled weight decay).

    Args:
        lr: caps the relative step :math:`\\rho_t = \\min(lr, 1/\\sqrt t)`.
        beta2_decay: :math:`c \\le 0` in :math:`\\hat\\beta_{2,t} = 1 - t^c`.
        eps: ``(eps1, eps2)``: eps1 bounds the variance (``None``: the dtype's machine
            epsilon), eps2 the parameter RMS.
        d: update clipping threshold (>= 1).
        weight_decay: decoupled decay.

    Returns:
        A ``GradientTransformation``: ``init(params)`` builds the state,
            ``update(grads, state, params)`` returns ``(updates, new_state)``.

    Raises:
        ValueError: PyTorch's messages for out-of-range arguments.

    Example:
        The first step is :math:`-lr \\, \\mathrm{RMS}(\\theta) \\operatorname{sign}(g)`:

        >>> opt = ft.optim.adafactor(0.1)
        >>> params, grads = {"w": ft.array([1.0, -1.0])}, {"w": ft.array([2.0, -0.5])}
        >>> updates, state = opt.update(grads, opt.init(params), params)
        >>> [round(u, 4) for u in updates["w"].tolist()]
        [-0.1, 0.1]

    References:
        Shazeer and Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
        ICML 2018; ``torch.optim.Adafactor``.
    """
    if not callable(lr) and not 0.0 <= lr:
        raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
    if not 0.0 >= beta2_decay:
        raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
    if eps[0] is not None and not 0.0 <= eps[0]:
        raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
    if not 0.0 <= eps[1]:
        raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
    if not 1.0 <= d:
        raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
    parts = [scale_by_adafactor(lr, beta2_decay, tuple(eps), d, weight_decay)]
    return _finish("adafactor", parts, maximize, skip_nonfinite, check_finite)


def muon(lr: float | Callable[[Any], Any] = 1e-3, weight_decay: float = 0.1,
         momentum: float = 0.95, nesterov: bool = True,
         ns_coefficients: tuple[float, float, float] = (3.4445, -4.7750, 2.0315),
         eps: float = 1e-7, ns_steps: int = 5,
         adjust_lr_fn: str | None = None, *, skip_nonfinite: bool = False,
         check_finite: bool = False) -> GradientTransformation:
    """Muon (momentum orthogonalised by Newton-Schulz), as PyTorch, for 2-d parameters.

    The Newton-Schulz iteration runs in the parameters' dtype (PyTorch runs it in
    bfloat16); see ``README.md``.

    Args:
        lr: the learning rate, a number.
        weight_decay: decoupled weight decay.
        momentum, nesterov: the momentum and whether it is Nesterov's.
        ns_coefficients, ns_steps, eps: see :func:`newton_schulz`.
        adjust_lr_fn: ``None``/``"original"`` (:math:`\\sqrt{\\max(1, A/B)}`) or
            ``"match_rms_adamw"`` (:math:`0.2\\sqrt{\\max(A, B)}`).

    Returns:
        A ``GradientTransformation``: ``init(params)`` builds the state,
            ``update(grads, state, params)`` returns ``(updates, new_state)``.

    Raises:
        ValueError: PyTorch's messages for out-of-range arguments; a parameter that is
            not 2-d (at the first update).
        TypeError: a schedule as ``lr``.

    Example:
        From zero weights the first step is :math:`-lr` times the Newton-Schulz image of
        the gradient, :math:`\\operatorname{NS}(\\operatorname{diag}(3, 4)) \\approx
        \\operatorname{diag}(0.723, 1.119)`:

        >>> opt = ft.optim.muon(0.5, momentum=0.95)
        >>> params = {"w": ft.zeros((2, 2))}
        >>> grads = {"w": ft.array([[3.0, 0.0], [0.0, 4.0]])}
        >>> updates, state = opt.update(grads, opt.init(params), params)
        >>> [round(v, 3) for v in ft.diagonal(updates["w"]).tolist()]
        [-0.361, -0.56]

    References:
        Jordan et al., "Muon: An optimizer for hidden layers in neural networks", 2024;
        ``torch.optim.Muon``.
    """
    if callable(lr):
        raise TypeError("muon: lr must be a number (schedules are not supported)")
    if not 0.0 <= lr:
        raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
    if not 0.0 <= momentum:
        raise ValueError(f"momentum should be >= 0 but is: {momentum}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
    if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
        raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
    parts = [scale_by_muon(lr, weight_decay, momentum, nesterov, tuple(ns_coefficients), eps,
                           ns_steps, adjust_lr_fn)]
    return _finish("muon", parts, False, skip_nonfinite, check_finite)
