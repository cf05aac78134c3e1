"""The scheduler base class and the epoch-indexed decays (StepLR, MultiStepLR, ...).

Each scheduler writes ``param_groups[i]["lr"]`` of its optimizer, with PyTorch's
(recursive, "chainable") formulas so the values match ``torch.optim.lr_scheduler`` to
float64 rounding. Call ``optimizer.step()`` then ``scheduler.step()`` once per epoch (or
per batch for ``OneCycleLR``). ``state_dict()`` holds plain numbers, lists and dicts, so it
survives ``ft.save``/``ft.load``. Pure optimizers take pure schedules instead
(``ft.optim.cosine_decay`` ...).
"""

from __future__ import annotations

import types
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from funtorch.optim.stateful import Optimizer

__all__ = [
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
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
        """The learning rates for ``last_epoch``, which ``step()`` calls once it advanced
        ``last_epoch`` (subclasses define it). Most schedulers compute them from the current
        rates (PyTorch's chainable form), so read them with ``get_last_lr()`` instead:
        calling ``get_lr()`` again would apply that epoch's factor twice.

        Returns:
            A list of floats, one per parameter group.

        Raises:
            NotImplementedError: on ``LRScheduler`` itself, which has no schedule.

        Example:
            >>> class Halving(ft.optim.lr_scheduler.LRScheduler):
            ...     def get_lr(self):
            ...         return [base * 0.5 ** self.last_epoch for base in self.base_lrs]
            >>> sched = Halving(ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1))
            >>> sched.step(); sched.get_lr()  # epoch 1: 0.1 * 0.5
            [0.05]
        """
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` wrote.

        Returns:
            A list of floats, one per parameter group.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> sched = ft.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
            >>> sched.step(); sched.get_last_lr()  # epoch 1: not decayed yet
            [0.1]
        """
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and write the new learning rates into the optimizer's groups
        (call it after the epoch's ``optimizer.step()`` calls).

        Args:
            epoch: jump to this epoch instead (deprecated, as in PyTorch: it warns, and
                uses the closed form when the scheduler has one).

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> sched = ft.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
            >>> opt.step(); sched.step()
            >>> opt.param_groups[0]["lr"]
            0.05
        """
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
        """The scheduler's state: every attribute but the optimizer, as plain Python values
        (it survives ``ft.save``/``ft.load``).

        Returns:
            A dict: ``last_epoch``, ``base_lrs``, the hyperparameters, ...

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> sched = ft.optim.lr_scheduler.StepLR(opt, step_size=2)
            >>> sched.step()
            >>> state = sched.state_dict()
            >>> state["last_epoch"], state["step_size"], "optimizer" in state
            (1, 2, False)
        """
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` (restore the optimizer's first: it holds the rates).

        Args:
            state_dict: a dict ``state_dict()`` returned.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> sched = ft.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
            >>> sched.step(); saved = sched.state_dict()
            >>> again = ft.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
            >>> again.load_state_dict(saved); again.last_epoch, again.get_last_lr()
            (1, [0.05])
        """
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
        (plain functions are not saved), as in PyTorch.

        Returns:
            A dict; its ``lr_lambdas`` holds, per group, the lambda's ``__dict__`` or None.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> sched = ft.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.5 ** epoch)
            >>> sched.state_dict()["lr_lambdas"]  # a function: not saved
            [None]
        """
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
