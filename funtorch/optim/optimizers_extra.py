"""More pure optimizers with ``torch.optim``'s maths: ``nadam, radam, adamax, adadelta,
rprop, asgd, adafactor, muon``, each a chain of the pieces in ``transforms_extra.py``.

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
from funtorch.optim.transforms import add_decayed_weights, scale, scale_by_learning_rate
from funtorch.optim.transforms_classic import scale_by_adadelta, scale_by_asgd, scale_by_rprop
from funtorch.optim.transforms_extra import scale_by_adamax, scale_by_nadam, scale_by_radam
from funtorch.optim.transforms_matrix import scale_by_adafactor, scale_by_muon

__all__ = ["adadelta", "adafactor", "adamax", "asgd", "muon", "nadam", "radam", "rprop"]

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

    Raises:
        ValueError: as :func:`ft.optim.adam`.

    Example:
        >>> opt = ft.optim.radam(1e-3)

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

    Raises:
        ValueError: as :func:`ft.optim.adam`.

    Example:
        >>> opt = ft.optim.adamax(2e-3)

    References:
        Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
        ``torch.optim.Adamax``.
    """
    _check_adam_args(lr, eps, betas)
    return _with_decay("adamax", scale_by_adamax(betas[0], betas[1], eps), lr, weight_decay,
                       False, mask, maximize, skip_nonfinite, check_finite)


def adadelta(lr: float | Callable[[Any], Any] = 1.0, rho: float = 0.9, eps: float = 1e-6,
             weight_decay: float = 0.0, *, maximize: bool = False, mask: Any = None,
             skip_nonfinite: bool = False, check_finite: bool = False) -> GradientTransformation:
    """Adadelta, as PyTorch (the direction is scaled by ``lr``, default 1).

    Raises:
        ValueError: a negative ``lr``, ``eps`` or ``weight_decay``, or ``rho`` outside
            [0, 1].

    Example:
        >>> opt = ft.optim.adadelta(1.0, rho=0.95)

    References:
        Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012; ``torch.optim.Adadelta``.
    """
    _check_lr(lr)
    if not 0.0 <= rho <= 1.0:
        raise ValueError(f"Invalid rho value: {rho} (rho must be in [0, 1])")
    _check_nonnegative(eps, "epsilon", "eps")
    return _with_decay("adadelta", scale_by_adadelta(rho, eps), lr, weight_decay, False, mask,
                       maximize, skip_nonfinite, check_finite)


def rprop(lr: float | Callable[[Any], Any] = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
          step_sizes: tuple[float, float] = (1e-6, 50.0), *, maximize: bool = False,
          skip_nonfinite: bool = False, check_finite: bool = False) -> GradientTransformation:
    """Rprop (resilient backpropagation), as PyTorch: ``lr`` is the initial step size.

    Raises:
        ValueError: a negative ``lr`` or not ``0 < etas[0] < 1 < etas[1]``.

    Example:
        >>> opt = ft.optim.rprop(1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50))

    References:
        Riedmiller and Braun, "A direct adaptive method for faster backpropagation
        learning: the RPROP algorithm", ICNN 1993; ``torch.optim.Rprop``.
    """
    _check_lr(lr)
    if not 0.0 < etas[0] < 1.0 < etas[1]:
        raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]} (need 0 < etas[0] < 1 < "
                         "etas[1])")
    parts = [scale_by_rprop(lr, tuple(etas), tuple(step_sizes)), scale(-1.0)]
    return _finish("rprop", parts, maximize, skip_nonfinite, check_finite)


def asgd(lr: float | Callable[[Any], Any] = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
         t0: float = 1e6, weight_decay: float = 0.0, *, maximize: bool = False, mask: Any = None,
         skip_nonfinite: bool = False, check_finite: bool = False) -> GradientTransformation:
    """Averaged SGD, as PyTorch: the state's ``ax`` holds the averaged parameters.

    Raises:
        ValueError: a negative ``lr`` or ``weight_decay``.

    Example:
        >>> opt = ft.optim.asgd(1e-2, t0=100)
        >>> # after training: ft.tree.leaves(state)... ``state[-1].ax`` are the averages

    References:
        Polyak and Juditsky, "Acceleration of Stochastic Approximation by Averaging",
        SIAM J. Control Optim. 1992; ``torch.optim.ASGD``.
    """
    _check_lr(lr)
    _check_nonnegative(weight_decay, "weight_decay", "weight_decay")
    decay = [add_decayed_weights(weight_decay, mask)] if weight_decay != 0 else []
    parts = decay + [scale_by_asgd(lr, lambd, alpha, t0)]
    return _finish("asgd", parts, maximize, skip_nonfinite, check_finite)


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
        >>> opt = ft.optim.adafactor(1e-2)

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
        >>> opt = ft.optim.muon(0.02, momentum=0.95)

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
