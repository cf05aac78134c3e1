"""``torch.optim``'s NAdam, RAdam, Adamax, Adafactor and Muon as stateful classes (Adadelta,
Rprop, ASGD: ``stateful_classic.py``): each is ``Optimizer`` over the pure rule of the same
name in ``optimizers_extra.py`` (one implementation; see ``stateful.py``). ``state_dict()`` has
PyTorch's per-parameter keys, so a PyTorch state converted to arrays loads and continues.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funtorch.optim import optimizers_extra as rules
from funtorch.optim.stateful import Optimizer

__all__ = ["Adafactor", "Adamax", "Muon", "NAdam", "RAdam"]


class NAdam(Optimizer):
    """``torch.optim.NAdam`` on :func:`ft.optim.nadam`'s rule:

    .. math::
        \\mu_t = \\beta_1 (1 - \\tfrac12 0.96^{t\\psi}), \\quad
        \\theta_t = \\theta_{t-1} - \\eta \\, \\frac{(1 - \\mu_t) g_t / (1 - \\prod_{i \\le t}
        \\mu_i) + \\mu_{t+1} m_t / (1 - \\prod_{i \\le t+1} \\mu_i)}
        {\\sqrt{v_t / (1 - \\beta_2^t)} + \\epsilon}

    with Adam's moving averages :math:`m_t, v_t`.

    Args:
        params, lr, betas, eps: as in :class:`Adam`.
        weight_decay: :math:`\\lambda`, L2 (added to the gradient) or decoupled.
        momentum_decay: :math:`\\psi`.
        decoupled_weight_decay: decay the weights directly (NAdamW).
        maximize: ascend the objective instead.

    Example:
        The first step moves each weight by :math:`-0.1 (1 + 0.1\\mu_2 / (1 - \\mu_1\\mu_2))
        \\operatorname{sign}(g) \\approx -0.10565 \\operatorname{sign}(g)`:

        >>> w = nn.Parameter(ft.array([1.0, -2.0]))
        >>> opt = ft.optim.NAdam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> [round(v, 4) for v in w.tolist()]
        [0.8944, -1.8944]
    """

    _factory = staticmethod(rules.nadam)
    _hyper = ("lr", "betas", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay",
              "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay,
                                  "momentum_decay": momentum_decay,
                                  "decoupled_weight_decay": decoupled_weight_decay,
                                  "maximize": maximize})


class RAdam(Optimizer):
    """``torch.optim.RAdam`` on :func:`ft.optim.radam`'s rule: Adam's step times the
    rectification :math:`r_t` while the variance estimate is reliable (:math:`\\rho_t >
    5`), else the bias-corrected momentum step
    :math:`\\theta_t = \\theta_{t-1} - \\eta \\, m_t / (1 - \\beta_1^t)`
    (see :func:`scale_by_radam`).

    Args:
        params, lr, betas, eps: as in :class:`Adam`.
        weight_decay: :math:`\\lambda`, L2 (added to the gradient) or decoupled.
        decoupled_weight_decay: decay the weights directly (RAdamW).
        maximize: ascend the objective instead.

    Example:
        The first step (:math:`\\rho_1 = 1`) is :math:`-\\eta g = -0.1 \\cdot 2w`:

        >>> w = nn.Parameter(ft.array([1.0, -2.0]))
        >>> opt = ft.optim.RAdam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> [round(v, 4) for v in w.tolist()]
        [0.8, -1.6]
    """

    _factory = staticmethod(rules.radam)
    _hyper = ("lr", "betas", "eps", "weight_decay", "decoupled_weight_decay", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay,
                                  "decoupled_weight_decay": decoupled_weight_decay,
                                  "maximize": maximize})


class Adamax(Optimizer):
    """``torch.optim.Adamax`` on :func:`ft.optim.adamax`'s rule:

    .. math::
        u_t = \\max(\\beta_2 u_{t-1}, |g_t| + \\epsilon), \\quad
        \\theta_t = \\theta_{t-1} - \\frac{\\eta}{1 - \\beta_1^t} \\frac{m_t}{u_t}

    with :math:`m_t` the moving average of the gradients (rate :math:`\\beta_1`).

    Args:
        params, lr, betas, eps: as in :class:`Adam`.
        weight_decay: L2 penalty added to the gradient.
        maximize: ascend the objective instead.

    Example:
        The first step is :math:`-\\eta g / (|g| + \\epsilon)`:

        >>> w = nn.Parameter(ft.array([1.0, -2.0]))
        >>> w.grad = ft.array([0.5, -8.0])
        >>> ft.optim.Adamax([w], lr=0.1).step()
        >>> w.tolist()
        [0.9, -1.9]
    """

    _factory = staticmethod(rules.adamax)
    _hyper = ("lr", "betas", "eps", "weight_decay", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay, "maximize": maximize})


class Adafactor(Optimizer):
    """``torch.optim.Adafactor`` on :func:`ft.optim.adafactor`'s rule: factored second
    moments, the update :math:`g / \\sqrt{\\hat V}` clipped to RMS ``d`` and scaled by
    :math:`\\max(\\epsilon_2, \\mathrm{RMS}(\\theta)) \\min(lr, 1/\\sqrt t)` (see
    :func:`scale_by_adafactor`).

    Args:
        params: an iterable of parameters, or of dicts with a ``"params"`` entry and
            per-group hyperparameters (see :class:`Optimizer`).
        lr: the relative step size cap, a number or a schedule ``step -> lr``.
        beta2_decay: the exponent :math:`c` of the decay rate :math:`1 - t^c`.
        eps: (floor of the second moments or ``None`` for the dtype's epsilon, floor of
            :math:`\\mathrm{RMS}(\\theta)`).
        d: the clipping threshold of the update's RMS.
        weight_decay: decoupled weight decay (scaled by ``lr``).
        maximize: ascend the objective instead.

    Example:
        The first step is :math:`-lr \\, \\mathrm{RMS}(\\theta) \\operatorname{sign}(g)`, here
        with :math:`\\mathrm{RMS}(\\theta) = 1`:

        >>> w = nn.Parameter(ft.array([1.0, -1.0]))
        >>> w.grad = ft.array([2.0, -0.5])
        >>> ft.optim.Adafactor([w], lr=0.1).step()
        >>> w.tolist()
        [0.9, -0.9]
    """

    _factory = staticmethod(rules.adafactor)
    _hyper = ("lr", "beta2_decay", "eps", "d", "weight_decay", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1e-2,
                 beta2_decay: float = -0.8, eps: tuple[float | None, float] = (None, 1e-3),
                 d: float = 1.0,
                 weight_decay: float = 0.0, *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "beta2_decay": beta2_decay, "eps": tuple(eps),
                                  "d": d, "weight_decay": weight_decay, "maximize": maximize})


class Muon(Optimizer):
    """``torch.optim.Muon`` on :func:`ft.optim.muon`'s rule (2-d parameters only):

    .. math::
        b_t = \\mu b_{t-1} + (1 - \\mu) g_t, \\quad
        \\theta_t = \\theta_{t-1}(1 - \\eta\\lambda) - \\eta \\, r \\,
        \\operatorname{NS}(\\mu b_t + (1 - \\mu) g_t \\text{ (nesterov) or } b_t)

    with :math:`\\operatorname{NS}` :func:`newton_schulz` and :math:`r` the shape factor
    of ``adjust_lr_fn`` (see :func:`scale_by_muon`).

    Args:
        params: an iterable of parameters, or of dicts with a ``"params"`` entry and
            per-group hyperparameters (see :class:`Optimizer`).
        lr: :math:`\\eta`.
        weight_decay: decoupled decay :math:`\\lambda`.
        momentum: :math:`\\mu`.
        nesterov: orthogonalise the Nesterov lookahead instead of the buffer.
        ns_coefficients: the :math:`(a, b, c)` of the Newton-Schulz iteration.
        eps: the lower bound of the norm the iteration divides by.
        ns_steps: the number of Newton-Schulz iterations.
        adjust_lr_fn: ``None``/``"original"`` or ``"match_rms_adamw"``.

    Raises:
        ValueError: a parameter that is not 2-d (PyTorch's message).

    Example:
        From zero weights the first step is :math:`-\\eta \\operatorname{NS}(g)`, and
        :math:`\\operatorname{NS}(\\operatorname{diag}(3, 4)) \\approx
        \\operatorname{diag}(0.723, 1.119)`:

        >>> w = nn.Parameter(ft.zeros((2, 2)))
        >>> w.grad = ft.array([[3.0, 0.0], [0.0, 4.0]])
        >>> ft.optim.Muon([w], lr=0.5).step()
        >>> [round(v, 3) for v in ft.diagonal(w.detach()).tolist()]
        [-0.361, -0.56]
    """

    _factory = staticmethod(rules.muon)
    _hyper = ("lr", "weight_decay", "momentum", "nesterov", "ns_coefficients", "eps",
              "ns_steps", "adjust_lr_fn")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1e-3,
                 weight_decay: float = 0.1, momentum: float = 0.95, nesterov: bool = True,
                 ns_coefficients: tuple[float, float, float] = (3.4445, -4.7750, 2.0315),
                 eps: float = 1e-7,
                 ns_steps: int = 5, adjust_lr_fn: str | None = None) -> None:
        super().__init__(params, {"lr": lr, "weight_decay": weight_decay, "momentum": momentum,
                                  "nesterov": nesterov,
                                  "ns_coefficients": tuple(ns_coefficients), "eps": eps,
                                  "ns_steps": ns_steps, "adjust_lr_fn": adjust_lr_fn})
        for group in self.param_groups:
            for param in group["params"]:
                if param.data.ndim != 2:
                    raise ValueError("Muon only supports 2D parameters whereas we found a "
                                     f"parameter with size: {tuple(param.data.shape)}")
