"""``torch.optim``'s NAdam, RAdam, Adamax, Adadelta, Rprop, ASGD, Adafactor and Muon as
stateful classes: each is ``Optimizer`` over the pure rule of the same name in
``optimizers_extra.py`` (one implementation; see ``stateful.py``). ``state_dict()`` has
PyTorch's per-parameter keys, so a PyTorch state converted to arrays loads and continues.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funtorch.optim import optimizers_extra as rules
from funtorch.optim.stateful import Optimizer

__all__ = ["ASGD", "Adadelta", "Adafactor", "Adamax", "Muon", "NAdam", "RAdam", "Rprop"]


class NAdam(Optimizer):
    """``torch.optim.NAdam`` on :func:`ft.optim.nadam`'s rule.

    Example:
        >>> opt = ft.optim.NAdam(nn.Linear(3, 2).parameters(), lr=2e-3, decoupled_weight_decay=True)
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
    """``torch.optim.RAdam`` on :func:`ft.optim.radam`'s rule.

    Example:
        >>> opt = ft.optim.RAdam(nn.Linear(3, 2).parameters(), lr=1e-3)
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
    """``torch.optim.Adamax`` on :func:`ft.optim.adamax`'s rule.

    Example:
        >>> opt = ft.optim.Adamax(nn.Linear(3, 2).parameters(), lr=2e-3)
    """

    _factory = staticmethod(rules.adamax)
    _hyper = ("lr", "betas", "eps", "weight_decay", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay, "maximize": maximize})


class Adadelta(Optimizer):
    """``torch.optim.Adadelta`` on :func:`ft.optim.adadelta`'s rule.

    Example:
        >>> opt = ft.optim.Adadelta(nn.Linear(3, 2).parameters(), lr=1.0, rho=0.9)
    """

    _factory = staticmethod(rules.adadelta)
    _hyper = ("lr", "rho", "eps", "weight_decay", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1.0, rho: float = 0.9,
                 eps: float = 1e-6, weight_decay: float = 0, *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "rho": rho, "eps": eps,
                                  "weight_decay": weight_decay, "maximize": maximize})


class Rprop(Optimizer):
    """``torch.optim.Rprop`` on :func:`ft.optim.rprop`'s rule (``lr`` is the initial step
    size; changing it later does not touch existing step sizes, as in PyTorch).

    Example:
        >>> opt = ft.optim.Rprop(nn.Linear(3, 2).parameters(), lr=1e-2, etas=(0.5, 1.2))
    """

    _factory = staticmethod(rules.rprop)
    _hyper = ("lr", "etas", "step_sizes", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1e-2,
                 etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "etas": tuple(etas),
                                  "step_sizes": tuple(step_sizes), "maximize": maximize})


class ASGD(Optimizer):
    """``torch.optim.ASGD`` on :func:`ft.optim.asgd`'s rule; ``opt.state[p]["ax"]`` is the
    average of ``p``.

    Example:
        >>> opt = ft.optim.ASGD(nn.Linear(3, 2).parameters(), lr=1e-2, t0=100)
    """

    _factory = staticmethod(rules.asgd)
    _hyper = ("lr", "lambd", "alpha", "t0", "weight_decay", "maximize")

    def __init__(self, params: Any, lr: float | Callable[[Any], Any] = 1e-2, lambd: float = 1e-4,
                 alpha: float = 0.75, t0: float = 1e6, weight_decay: float = 0, *,
                 maximize: bool = False) -> None:
        super().__init__(params, {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                                  "weight_decay": weight_decay, "maximize": maximize})


class Adafactor(Optimizer):
    """``torch.optim.Adafactor`` on :func:`ft.optim.adafactor`'s rule.

    Example:
        >>> opt = ft.optim.Adafactor(nn.Linear(3, 2).parameters(), lr=1e-2)
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
    """``torch.optim.Muon`` on :func:`ft.optim.muon`'s rule (2-d parameters only).

    Raises:
        ValueError: a parameter that is not 2-d (PyTorch's message).

    Example:
        >>> opt = ft.optim.Muon([p for p in nn.Linear(3, 2).parameters() if p.ndim == 2], lr=0.02)
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
