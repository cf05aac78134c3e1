"""``torch.optim``'s Adadelta, Rprop and ASGD as stateful classes (split from
``stateful_extra.py``): each is ``Optimizer`` over the pure rule of the same name in
``optimizers_classic.py`` (one implementation; see ``stateful.py``), with PyTorch's
``state_dict()`` keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funtorch.optim import optimizers_classic as classic
from funtorch.optim.stateful import Optimizer

__all__ = ["ASGD", "Adadelta", "Rprop"]


class Adadelta(Optimizer):
    """``torch.optim.Adadelta`` on :func:`ft.optim.adadelta`'s rule:

    .. math::
        S_t = \\rho S_{t-1} + (1 - \\rho) g_t^2, \\;
        \\Delta_t = \\frac{\\sqrt{A_{t-1} + \\epsilon}}{\\sqrt{S_t + \\epsilon}} g_t, \\;
        A_t = \\rho A_{t-1} + (1 - \\rho) \\Delta_t^2, \\;
        \\theta_t = \\theta_{t-1} - \\eta \\Delta_t

    with :math:`g_t` the gradient plus :math:`\\lambda \\theta_{t-1}`.

    Args:
        params: an iterable of parameters, or of dicts with a ``"params"`` entry and
            per-group hyperparameters (see :class:`Optimizer`).
        lr: :math:`\\eta` (default 1), a number or a schedule ``step -> lr``.
        rho: :math:`\\rho` in [0, 1].
        eps: :math:`\\epsilon`.
        weight_decay: L2 penalty :math:`\\lambda`.
        maximize: ascend the objective instead.

    Example:
        With :math:`\\rho = 0.5`, :math:`\\epsilon = 1` and :math:`g = 4`:
        :math:`\\Delta_1 = \\sqrt{1} / \\sqrt{8 + 1} \\cdot 4 = 4/3`:

        >>> w = nn.Parameter(ft.array([1.0]))
        >>> w.grad = ft.array([4.0])
        >>> ft.optim.Adadelta([w], lr=1.0, rho=0.5, eps=1.0).step()
        >>> round(w.item(), 4)
        -0.3333
    """

    _factory = staticmethod(classic.adadelta)
    _hyper = ("lr", "rho", "eps", "weight_decay", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1.0, rho: float = 0.9,
                 eps: float = 1e-6, weight_decay: float = 0, *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "rho": rho, "eps": eps,
                                  "weight_decay": weight_decay, "maximize": maximize})


class Rprop(Optimizer):
    """``torch.optim.Rprop`` on :func:`ft.optim.rprop`'s rule (``lr`` is the initial step
    size; changing it later does not touch existing step sizes, as in PyTorch):
    :math:`\\theta_t = \\theta_{t-1} - \\eta_t \\operatorname{sign}(g_t)` per element, with
    :math:`\\eta_t = \\eta_{t-1}\\eta_+` while the gradient's sign holds,
    :math:`\\eta_{t-1}\\eta_-` (and no move) when it flips, clipped to ``step_sizes``.

    Args:
        params: an iterable of parameters, or of dicts with a ``"params"`` entry and
            per-group hyperparameters (see :class:`Optimizer`).
        lr: the initial step size :math:`\\eta_0`.
        etas: :math:`(\\eta_-, \\eta_+)` with :math:`0 < \\eta_- < 1 < \\eta_+`.
        step_sizes: the (minimum, maximum) step size.
        maximize: ascend the objective instead.

    Example:
        Two steps on :math:`\\sum w^2`: the signs hold, so the steps are 0.1 then
        :math:`0.1 \\cdot 1.2`:

        >>> w = nn.Parameter(ft.array([1.0, -2.0]))
        >>> opt = ft.optim.Rprop([w], lr=0.1, etas=(0.5, 1.2))
        >>> for _ in range(2):
        ...     opt.zero_grad(); (w * w).sum().backward(); opt.step()
        >>> [round(v, 4) for v in w.tolist()]
        [0.78, -1.78]
    """

    _factory = staticmethod(classic.rprop)
    _hyper = ("lr", "etas", "step_sizes", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1e-2,
                 etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "etas": tuple(etas),
                                  "step_sizes": tuple(step_sizes), "maximize": maximize})


class ASGD(Optimizer):
    """``torch.optim.ASGD`` on :func:`ft.optim.asgd`'s rule; ``opt.state[p]["ax"]`` is the
    average of ``p``:

    .. math::
        \\theta_t = \\theta_{t-1}(1 - \\lambda\\eta_t) - \\eta_t g_t, \\quad
        \\eta_{t+1} = \\frac{lr}{(1 + \\lambda \\, lr \\, t)^\\alpha}, \\quad
        \\mu_{t+1} = \\frac{1}{\\max(1, t - t_0)}

    and the average moves towards :math:`\\theta_t` at rate :math:`\\mu_t`.

    Args:
        params: an iterable of parameters, or of dicts with a ``"params"`` entry and
            per-group hyperparameters (see :class:`Optimizer`).
        lr: the learning rate :math:`\\eta_1`.
        lambd: :math:`\\lambda`, the decay term.
        alpha: :math:`\\alpha`, the power of the step-size decay.
        t0: :math:`t_0`, the step at which averaging starts.
        weight_decay: L2 penalty added to the gradient.
        maximize: ascend the objective instead.

    Example:
        One step from :math:`\\theta = 2` with :math:`g = 1`:
        :math:`2 (1 - 0.5 \\cdot 0.1) - 0.1 = 1.8`, where the average starts:

        >>> w = nn.Parameter(ft.array([2.0]))
        >>> w.grad = ft.array([1.0])
        >>> opt = ft.optim.ASGD([w], lr=0.1, lambd=0.5)
        >>> opt.step()
        >>> w.tolist(), opt.state[w]["ax"].tolist()
        ([1.8], [1.8])
    """

    _factory = staticmethod(classic.asgd)
    _hyper = ("lr", "lambd", "alpha", "t0", "weight_decay", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1e-2, lambd: float = 1e-4,
                 alpha: float = 0.75, t0: float = 1e6, weight_decay: float = 0, *,
                 maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                                  "weight_decay": weight_decay, "maximize": maximize})
