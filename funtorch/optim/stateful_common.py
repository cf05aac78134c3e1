"""The stateful ``torch.optim`` classes SGD, Adam, AdamW, RMSprop and Adagrad: each an
:class:`~funtorch.optim.Optimizer` running the pure optimizer of the same name (see
``stateful.py`` for how a wrapper steps and saves its state).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funtorch.optim import optimizers, optimizers_adaptive
from funtorch.optim.stateful import Optimizer

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "RMSprop"]


class SGD(Optimizer):
    """``torch.optim.SGD`` on :func:`ft.optim.sgd`'s rule:

    .. math::
        b_1 = g_1, \\; b_t = \\mu b_{t-1} + (1 - \\tau) g_t, \\quad
        \\theta_t = \\theta_{t-1} - \\eta \\, (g_t + \\mu b_t \\text{ (nesterov) or } b_t)

    with :math:`g_t` the gradient plus :math:`\\lambda \\theta_{t-1}`.

    Args:
        params: an iterable of parameters, or of dicts with a ``"params"`` entry and
            per-group hyperparameters (see :class:`Optimizer`).
        lr: :math:`\\eta`, a number or a schedule ``step -> lr``.
        momentum: :math:`\\mu` (0: no momentum buffer).
        dampening: :math:`\\tau`.
        weight_decay: L2 penalty :math:`\\lambda`.
        nesterov: Nesterov momentum (needs ``momentum > 0`` and zero dampening).
        maximize: ascend the objective instead.

    Example:
        Two steps on :math:`\\sum w^2` (gradient :math:`2w`) from :math:`w = (1, -2)`:
        :math:`w_1 = w - 0.1 \\cdot 2w = (0.8, -1.6)`, then the buffer is
        :math:`0.9 \\cdot (2, -4) + (1.6, -3.2) = (3.4, -6.8)` and
        :math:`w_2 = (0.46, -0.92)`:

        >>> w = nn.Parameter(ft.array([1.0, -2.0]))
        >>> opt = ft.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     opt.zero_grad(); (w * w).sum().backward(); opt.step()
        >>> [round(v, 4) for v in w.tolist()]
        [0.46, -0.92]
    """

    _factory = staticmethod(optimizers.sgd)
    _hyper = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov,
                                  "maximize": maximize})


class Adam(Optimizer):
    """``torch.optim.Adam`` on :func:`ft.optim.adam`'s rule:

    .. math::
        m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t, \\;
        v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2, \\;
        \\theta_t = \\theta_{t-1} - \\frac{\\eta \\, m_t / (1 - \\beta_1^t)}
        {\\sqrt{v_t / (1 - \\beta_2^t)} + \\epsilon}

    with :math:`g_t` the gradient plus :math:`\\lambda \\theta_{t-1}` (and the running
    maximum of :math:`v_t` with ``amsgrad``).

    Args:
        params: an iterable of parameters, or of dicts with a ``"params"`` entry and
            per-group hyperparameters (see :class:`Optimizer`).
        lr: :math:`\\eta`, a number or a schedule ``step -> lr``.
        betas: :math:`(\\beta_1, \\beta_2)`, each in [0, 1).
        eps: :math:`\\epsilon`.
        weight_decay: L2 penalty :math:`\\lambda` (see :class:`AdamW` for decoupled decay).
        amsgrad: use the running maximum of :math:`v_t` (AMSGrad).
        maximize: ascend the objective instead.

    Example:
        The first step is :math:`-\\eta \\operatorname{sign}(g)` (up to :math:`\\epsilon`):

        >>> w = nn.Parameter(ft.array([1.0, -2.0]))
        >>> opt = ft.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> [round(v, 4) for v in w.tolist()]
        [0.9, -1.9]
    """

    _factory = staticmethod(optimizers.adam)
    _hyper = ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay, "amsgrad": amsgrad,
                                  "maximize": maximize})


class AdamW(Adam):
    """``torch.optim.AdamW`` on :func:`ft.optim.adamw`'s rule (decoupled weight decay):
    :math:`\\theta_t = \\theta_{t-1}(1 - \\eta\\lambda) - \\eta \\hat m_t /
    (\\sqrt{\\hat v_t} + \\epsilon)`, with Adam's bias-corrected moments
    :math:`\\hat m_t, \\hat v_t` of the plain gradient (see :class:`Adam`).

    Args:
        params, lr, betas, eps, amsgrad, maximize: as in :class:`Adam`.
        weight_decay: decoupled decay :math:`\\lambda` (default 1e-2).

    Example:
        The first step: :math:`w (1 - 0.1 \\cdot 0.5) - 0.1 \\operatorname{sign}(g)`:

        >>> w = nn.Parameter(ft.array([1.0, -2.0]))
        >>> opt = ft.optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> (w * w).sum().backward(); opt.step()
        >>> [round(v, 4) for v in w.tolist()]
        [0.85, -1.8]
    """

    _factory = staticmethod(optimizers.adamw)

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)


class RMSprop(Optimizer):
    """``torch.optim.RMSprop`` on :func:`ft.optim.rmsprop`'s rule:

    .. math::
        s_t = \\alpha s_{t-1} + (1 - \\alpha) g_t^2, \\quad
        b_t = \\mu b_{t-1} + \\frac{g_t}{\\sqrt{s_t} + \\epsilon}, \\quad
        \\theta_t = \\theta_{t-1} - \\eta b_t

    (``centered``: :math:`\\sqrt{s_t - \\bar g_t^2}` with :math:`\\bar g_t` the moving
    average of :math:`g_t`); :math:`g_t` includes the L2 term :math:`\\lambda\\theta_{t-1}`.

    Args:
        params: an iterable of parameters, or of dicts with a ``"params"`` entry and
            per-group hyperparameters (see :class:`Optimizer`).
        lr: :math:`\\eta`, a number or a schedule ``step -> lr``.
        alpha: :math:`\\alpha`, the smoothing constant.
        eps: :math:`\\epsilon`.
        weight_decay: L2 penalty :math:`\\lambda`.
        momentum: :math:`\\mu` (0: no buffer).
        centered: normalise by the variance estimate.
        maximize: ascend the objective instead.

    Example:
        The first step: :math:`s_1 = 0.01 g^2`, so each weight moves by
        :math:`-0.01 \\cdot g / (0.1 |g|) = -0.1 \\operatorname{sign}(g)`:

        >>> w = nn.Parameter(ft.array([1.0, -2.0]))
        >>> w.grad = ft.array([3.0, -0.5])
        >>> ft.optim.RMSprop([w], lr=0.01).step()
        >>> w.tolist()
        [0.9, -1.9]
    """

    _factory = staticmethod(optimizers_adaptive.rmsprop)
    _hyper = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps,
                                  "weight_decay": weight_decay, "momentum": momentum,
                                  "centered": centered, "maximize": maximize})


class Adagrad(Optimizer):
    """``torch.optim.Adagrad`` on :func:`ft.optim.adagrad`'s rule; as in PyTorch, every
    parameter's state (``step`` 0, ``sum`` filled with ``initial_accumulator_value``)
    exists from construction.

    .. math::
        S_t = S_{t-1} + g_t^2, \\quad
        \\theta_t = \\theta_{t-1} - \\frac{\\eta}{1 + (t - 1)\\delta} \\,
        \\frac{g_t}{\\sqrt{S_t} + \\epsilon}

    with :math:`g_t` the gradient plus :math:`\\lambda \\theta_{t-1}`.

    Args:
        params: an iterable of parameters, or of dicts with a ``"params"`` entry and
            per-group hyperparameters (see :class:`Optimizer`).
        lr: :math:`\\eta`, a number or a schedule ``step -> lr``.
        lr_decay: :math:`\\delta`.
        weight_decay: L2 penalty :math:`\\lambda`.
        initial_accumulator_value: :math:`S_0`.
        eps: :math:`\\epsilon`.
        maximize: ascend the objective instead.

    Example:
        Two steps on :math:`\\sum w^2`: :math:`w_1 = w - 0.1 \\operatorname{sign}(w) =
        (0.9, -1.9)`, then :math:`S_2 = (2^2 + 1.8^2, 4^2 + 3.8^2)` and
        :math:`w_2 = w_1 - 0.1 \\cdot 2 w_1 / \\sqrt{S_2}`:

        >>> w = nn.Parameter(ft.array([1.0, -2.0]))
        >>> opt = ft.optim.Adagrad([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.zero_grad(); (w * w).sum().backward(); opt.step()
        >>> [round(v, 4) for v in w.tolist()]
        [0.8331, -1.8311]
    """

    _factory = staticmethod(optimizers_adaptive.adagrad)
    _hyper = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps",
              "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0, eps: float = 1e-10,
                 *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                                  "initial_accumulator_value": initial_accumulator_value,
                                  "eps": eps, "maximize": maximize})
        for group in self.param_groups:
            key, transform = self._transform(group)
            for param in group["params"]:
                self._init_state(param, key, transform)
