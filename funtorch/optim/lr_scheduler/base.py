"""The scheduler base class and the epoch-indexed schedulers (StepLR, MultiStepLR, ...).

Each scheduler writes ``param_groups[i]["lr"]`` of its optimizer, with PyTorch's
(recursive, "chainable") formulas so the values match ``torch.optim.lr_scheduler`` to
float64 rounding. Call ``optimizer.step()`` then ``scheduler.step()`` once per epoch (or
per batch for ``OneCycleLR``). ``state_dict()`` holds plain numbers, lists and dicts, so it
survives ``ft.save``/``ft.load``. Pure optimizers take pure schedules instead
(``ft.optim.cosine_decay`` ...).
"""

from __future__ import annotations

import math
import types
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from funtorch.optim.stateful import Optimizer

__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "StepLR",
    "lrs_of",
    "per_group",
]

EPOCH_DEPRECATED = ("The epoch parameter in `scheduler.step()` was not necessary and is being "
                     "deprecated where possible. Please use `scheduler.step()` to step the "
                     "scheduler.")


def lrs_of(optimizer: Optimizer) -> list[float]:
    return [group["lr"] for group in optimizer.param_groups]


def per_group(name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name} must have the same length as optimizer.param_groups. "
                             f"{name} has {len(value)} values, param_groups has "
                             f"{len(optimizer.param_groups)}.")
        return list(value)
    return [value] * len(optimizer.param_groups)


class LRScheduler:
    """Base class: subclasses give ``get_lr()`` (the next values from the current ones).

    Args:
        optimizer: a stateful ``ft.optim`` optimizer.
        last_epoch: the index of the last epoch when resuming (-1 starts afresh).

    Raises:
        TypeError: ``optimizer`` is not an ``ft.optim.Optimizer``.
        KeyError: resuming (``last_epoch >= 0``) with groups that have no ``initial_lr``.

    Example:
        >>> opt = ft.optim.SGD([ft.nn.Parameter(ft.ones(2))], lr=0.1)
        >>> sched = ft.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)  # a subclass
        >>> opt.step(); sched.step(); sched.get_last_lr()
        [0.05]
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        for index, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(f"param 'initial_lr' is not specified in param_groups[{index}] "
                               "when resuming a scheduler with last_epoch >= 0; load the "
                               "optimizer's state_dict first")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for ``last_epoch`` (after it was advanced)."""
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` wrote, one per group."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (or jump to ``epoch``, deprecated as in PyTorch)."""
        self._step_count += 1
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            warnings.warn(EPOCH_DEPRECATED, UserWarning, stacklevel=2)
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = lrs_of(self.optimizer)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer, as plain Python values."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``."""
        self.__dict__.update(state_dict)


class LambdaLR(LRScheduler):
    """``lr = initial_lr * lr_lambda(epoch)``, one lambda or one per group.

    Args:
        optimizer: the stateful optimizer whose ``param_groups[i]["lr"]`` it sets.
        lr_lambda: ``epoch -> factor``, or a list of them, one per parameter group.
        last_epoch: the index of the last epoch when resuming (-1 starts afresh).

    Raises:
        ValueError: a list of lambdas whose length is not the number of groups.

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.95 ** epoch)
        >>> sched.step(); sched.step()  # 0.1 * 0.95 ** 2
        >>> sched.get_last_lr()
        [0.09025]
    """

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got "
                                 f"{len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        """As the base class; a lambda is saved as its ``__dict__`` only if it is an object
        (plain functions are not saved), as in PyTorch."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType) else dict(fn.__dict__)
                               for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state_dict = dict(state_dict)
        lr_lambdas = state_dict.pop("lr_lambdas")
        self.__dict__.update(state_dict)
        for fn, saved in zip(self.lr_lambdas, lr_lambdas):
            if saved is not None:
                fn.__dict__.update(saved)

    def get_lr(self) -> list[float]:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs:
    :math:`\\eta_t = \\eta_0 \\gamma^{\\lfloor t / \\text{step\\_size} \\rfloor}`.

    Args:
        optimizer: the stateful optimizer whose ``param_groups[i]["lr"]`` it sets.
        step_size: the period of the decay, in epochs.
        gamma: the factor applied every ``step_size`` epochs.
        last_epoch: the index of the last epoch when resuming (-1 starts afresh).

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.1)
        >>> for epoch in range(30):
        ...     sched.step()
        >>> sched.get_last_lr()
        [0.01]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return lrs_of(self.optimizer)
        return [lr * self.gamma for lr in lrs_of(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size)
                for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` at each milestone epoch.

    Args:
        optimizer: the stateful optimizer whose ``param_groups[i]["lr"]`` it sets.
        milestones: the epochs at which to decay (a milestone listed twice decays
            twice).
        gamma: the factor applied at each milestone.
        last_epoch: the index of the last epoch when resuming (-1 starts afresh).

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.MultiStepLR(opt, milestones=[30, 80], gamma=0.1)
        >>> for epoch in range(80):
        ...     sched.step()
        >>> sched.get_last_lr()  # 0.1 * 0.1 ** 2
        [0.001]
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.milestones, self.gamma = Counter(milestones), gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return lrs_of(self.optimizer)
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [lr * factor for lr in lrs_of(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        passed = sum(count for epoch, count in self.milestones.items()
                     if epoch <= self.last_epoch)
        return [base * self.gamma ** passed for base in self.base_lrs]

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        self.milestones = Counter({int(k): v for k, v in self.milestones.items()})


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch: :math:`\\eta_t = \\eta_0
    \\gamma^t`.

    Args:
        optimizer: the stateful optimizer whose ``param_groups[i]["lr"]`` it sets.
        gamma: the factor applied every epoch.
        last_epoch: the index of the last epoch when resuming (-1 starts afresh).

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
        >>> sched.step(); sched.step()
        >>> sched.get_last_lr()  # 0.1 * 0.9 ** 2
        [0.081]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return lrs_of(self.optimizer)
        return [lr * self.gamma for lr in lrs_of(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


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

