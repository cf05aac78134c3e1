"""``CosineAnnealingLR`` and ``LinearLR``: anneal between two learning rates over a fixed
number of epochs, with PyTorch's recursive formulas (on the base class of ``base.py``).
"""

from __future__ import annotations

import math

from funtorch.optim.lr_scheduler.base import LRScheduler, lrs_of
from funtorch.optim.stateful import Optimizer

__all__ = ["CosineAnnealingLR", "LinearLR"]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from the initial learning rate to ``eta_min`` over ``T_max`` epochs
    (then back up, periodically, as PyTorch's recursive form does).

    .. math::
        \\eta_t = \\eta_{min} + \\tfrac{1}{2}(\\eta_0 - \\eta_{min})
        (1 + \\cos(\\pi t / T_{max}))

    Args:
        optimizer: the stateful optimizer whose ``param_groups[i]["lr"]`` it sets.
        T_max: :math:`T_{max}`, the half period in epochs.
        eta_min: :math:`\\eta_{min}`, the smallest learning rate.
        last_epoch: the index of the last epoch when resuming (-1 starts afresh).

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
        >>> for epoch in range(50):
        ...     sched.step()
        >>> sched.get_last_lr()  # 0.1 * (1 + cos(pi / 2)) / 2
        [0.0500]

    References:
        Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts",
        ICLR 2017.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        epoch, t_max, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return lrs_of(self.optimizer)
        if self._step_count == 1 and epoch > 0:
            return [eta_min + (base - eta_min) * (1 + math.cos(epoch * math.pi / t_max)) / 2
                    for base in self.base_lrs]
        if (epoch - 1 - t_max) % (2 * t_max) == 0:
            return [lr + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
                    for lr, base in zip(lrs_of(self.optimizer), self.base_lrs)]
        return [(1 + math.cos(math.pi * epoch / t_max))
                / (1 + math.cos(math.pi * (epoch - 1) / t_max)) * (lr - eta_min) + eta_min
                for lr in lrs_of(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [self.eta_min + (base - self.eta_min)
                * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the learning rate by a factor going linearly from ``start_factor`` to
    ``end_factor`` over ``total_iters`` epochs.

    Args:
        optimizer: the stateful optimizer whose ``param_groups[i]["lr"]`` it sets.
        start_factor: the factor at epoch 0, in (0, 1].
        end_factor: the factor from epoch ``total_iters`` on, in [0, 1].
        total_iters: the epochs the factor takes to reach ``end_factor``.
        last_epoch: the index of the last epoch when resuming (-1 starts afresh).

    Raises:
        ValueError: ``start_factor`` outside (0, 1] or ``end_factor`` outside [0, 1].

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=5)
        >>> sched.get_last_lr()
        [0.01]
        >>> for epoch in range(5):
        ...     sched.step()
        >>> sched.get_last_lr()
        [0.1]
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5, last_epoch: int = -1) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError("Starting multiplicative factor expected to be greater than 0 and "
                             "less or equal to 1.")
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in lrs_of(self.optimizer)]
        if self._is_initial or self.last_epoch > self.total_iters:
            return lrs_of(self.optimizer)
        delta = self.end_factor - self.start_factor
        factor = 1.0 + delta / (self.total_iters * self.start_factor
                                + (self.last_epoch - 1) * delta)
        return [lr * factor for lr in lrs_of(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        progress = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (self.start_factor + (self.end_factor - self.start_factor) * progress)
                for base in self.base_lrs]

