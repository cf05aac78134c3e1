"""The pure optimizers Adadelta, Rprop and ASGD with ``torch.optim``'s maths, each a chain
of the pieces in ``transforms_classic.py`` (split from ``optimizers_extra.py``; the same
conventions: PyTorch's keyword names, defaults and messages, and the keyword-only
``maximize``, ``mask``, ``skip_nonfinite``, ``check_finite`` of ``optimizers.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funtorch.optim.base import GradientTransformation
from funtorch.optim.optimizers import _check_lr, _check_nonnegative, _finish
from funtorch.optim.optimizers_extra import _with_decay
from funtorch.optim.transforms import add_decayed_weights, scale
from funtorch.optim.transforms_classic import scale_by_adadelta, scale_by_asgd, scale_by_rprop

__all__ = ["adadelta", "asgd", "rprop"]


def adadelta(lr: float | Callable[[Any], Any] = 1.0, rho: float = 0.9, eps: float = 1e-6,
             weight_decay: float = 0.0, *, maximize: bool = False, mask: Any = None,
             skip_nonfinite: bool = False, check_finite: bool = False) -> GradientTransformation:
    """Adadelta, as PyTorch (the direction is scaled by ``lr``, default 1).

    .. math::
        \\theta_t = \\theta_{t-1} - \\eta \\,
        \\frac{\\sqrt{A_{t-1} + \\epsilon}}{\\sqrt{S_t + \\epsilon}} g_t

    with :math:`S_t` and :math:`A_t` the running averages (rate :math:`\\rho`) of the
    squared gradients and of the squared directions (:func:`scale_by_adadelta`), and
    :math:`g_t` including the L2 term :math:`\\lambda \\theta_{t-1}`.

    Args:
        lr: :math:`\\eta` (a number or a schedule).
        rho: :math:`\\rho` in [0, 1].
        eps: :math:`\\epsilon`, inside both roots.
        weight_decay: L2 penalty :math:`\\lambda`.
        maximize, mask, skip_nonfinite, check_finite: as in :func:`sgd`.

    Returns:
        A ``GradientTransformation`` (``init`` / ``update``) whose state holds a
        :class:`ScaleByAdadeltaState`.

    Raises:
        ValueError: a negative ``lr``, ``eps`` or ``weight_decay``, or ``rho`` outside
            [0, 1].

    Example:
        With :math:`\\rho = 0.5`, :math:`\\epsilon = 1` and :math:`g = 4`, the first
        direction is :math:`\\sqrt{1} / \\sqrt{0.5 \\cdot 16 + 1} \\cdot 4 = 4/3`:

        >>> opt = ft.optim.adadelta(1.0, rho=0.5, eps=1.0)
        >>> params = {"w": ft.array([1.0])}
        >>> updates, state = opt.update({"w": ft.array([4.0])}, opt.init(params), params)
        >>> round(updates["w"].item(), 4)
        -1.3333

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

    Each element moves by its own step size against the gradient's sign,
    :math:`\\theta_t = \\theta_{t-1} - \\eta_t \\operatorname{sign}(g_t)`; the step size
    grows by :math:`\\eta_+` while the sign holds, shrinks by :math:`\\eta_-` (and the
    element stays) when it flips, within ``step_sizes`` (:func:`scale_by_rprop`).

    Args:
        lr: the initial step size :math:`\\eta_0` (a number or a schedule, read at
            ``init``).
        etas: :math:`(\\eta_-, \\eta_+)` with :math:`0 < \\eta_- < 1 < \\eta_+`.
        step_sizes: the (minimum, maximum) step size.
        maximize, skip_nonfinite, check_finite: as in :func:`sgd`.

    Returns:
        A ``GradientTransformation`` (``init`` / ``update``) whose state holds a
        :class:`ScaleByRpropState`.

    Raises:
        ValueError: a negative ``lr`` or not ``0 < etas[0] < 1 < etas[1]``.

    Example:
        The first element keeps its sign (its step grows from 0.1 to 0.12), the second
        flips on the second step (it stays where it is):

        >>> opt = ft.optim.rprop(0.1, etas=(0.5, 1.2), step_sizes=(1e-6, 50))
        >>> params = {"w": ft.array([1.0, 1.0])}
        >>> state = opt.init(params)
        >>> for grad in ([1.0, 1.0], [2.0, -3.0]):
        ...     updates, state = opt.update({"w": ft.array(grad)}, state, params)
        ...     params = ft.optim.apply_updates(params, updates)
        >>> [round(w, 4) for w in params["w"].tolist()]
        [0.78, 0.9]

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

    .. math::
        \\theta_t = \\theta_{t-1}(1 - \\lambda\\eta_t) - \\eta_t g_t, \\quad
        \\bar\\theta_t = \\bar\\theta_{t-1} + \\mu_t (\\theta_t - \\bar\\theta_{t-1})

    with :math:`\\eta_t` and :math:`\\mu_t` PyTorch's schedules (:func:`scale_by_asgd`)
    and :math:`g_t` including the L2 term of ``weight_decay``.

    Args:
        lr: the learning rate (a number or a schedule).
        lambd: :math:`\\lambda`, the decay term.
        alpha: the power of the step-size decay.
        t0: the step at which averaging starts.
        weight_decay: L2 penalty added to the gradient.
        maximize, mask, skip_nonfinite, check_finite: as in :func:`sgd`.

    Returns:
        A ``GradientTransformation`` (``init`` / ``update``); its state's last entry is a
        :class:`ScaleByAsgdState` whose ``ax`` holds the averages.

    Raises:
        ValueError: a negative ``lr`` or ``weight_decay``.

    Example:
        One step from :math:`\\theta = 2` with :math:`g = 1`:
        :math:`2 (1 - 0.5 \\cdot 0.1) - 0.1 = 1.8`; the average starts there:

        >>> opt = ft.optim.asgd(0.1, lambd=0.5)
        >>> params = {"w": ft.array([2.0])}
        >>> updates, state = opt.update({"w": ft.array([1.0])}, opt.init(params), params)
        >>> ft.optim.apply_updates(params, updates)["w"].tolist(), state[-1].ax["w"].tolist()
        ([1.8], [1.8])

    References:
        Polyak and Juditsky, "Acceleration of Stochastic Approximation by Averaging",
        SIAM J. Control Optim. 1992; ``torch.optim.ASGD``.
    """
    _check_lr(lr)
    _check_nonnegative(weight_decay, "weight_decay", "weight_decay")
    decay = [add_decayed_weights(weight_decay, mask)] if weight_decay != 0 else []
    parts = decay + [scale_by_asgd(lr, lambd, alpha, t0)]
    return _finish("asgd", parts, maximize, skip_nonfinite, check_finite)
