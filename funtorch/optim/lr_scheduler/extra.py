"""PyTorch's ``ConstantLR``, ``MultiplicativeLR``, ``PolynomialLR``, ``CyclicLR`` and
``CosineAnnealingWarmRestarts`` on the base class of ``base.py`` (PyTorch's recursive
formulas, so the values match ``torch.optim.lr_scheduler`` to float64 rounding).
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Sequence
from typing import Any, Literal

from funtorch.optim.lr_scheduler.base import LambdaLR, LRScheduler, lrs_of, per_group
from funtorch.optim.stateful import Optimizer

__all__ = ["ConstantLR", "CosineAnnealingWarmRestarts", "CyclicLR", "MultiplicativeLR",
           "PolynomialLR"]


class MultiplicativeLR(LambdaLR):
    """Multiply each group's learning rate by ``lr_lambda(epoch)`` every epoch (after the
    first): :math:`\\eta_t = \\eta_{t-1} \\lambda(t)`.

    Args:
        optimizer, last_epoch: as in :class:`LambdaLR`.
        lr_lambda: ``epoch -> factor`` applied at that epoch, or a list of them, one per
            parameter group.

    Raises:
        ValueError: a list of lambdas whose length differs from the number of groups.
        TypeError: a lambda that is not callable.

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.MultiplicativeLR(opt, lambda epoch: 0.95)
        >>> sched.step()
        >>> sched.get_last_lr()
        [0.095]
    """

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        for fn in (lr_lambda if isinstance(lr_lambda, (list, tuple)) else [lr_lambda]):
            if not callable(fn):
                raise TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")
        super().__init__(optimizer, lr_lambda, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return lrs_of(self.optimizer)
        return [lr * fn(self.last_epoch)
                for fn, lr in zip(self.lr_lambdas, lrs_of(self.optimizer))]


class ConstantLR(LRScheduler):
    """Multiply the learning rate by ``factor`` until epoch ``total_iters``, then restore it.

    Args:
        optimizer: the stateful optimizer whose ``param_groups[i]["lr"]`` it sets.
        factor: the factor in [0, 1] applied before epoch ``total_iters``.
        total_iters: the epoch at which the learning rate is restored.
        last_epoch: the index of the last epoch when resuming (-1 starts afresh).

    Raises:
        ValueError: ``factor`` outside [0, 1].

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=4)
        >>> sched.get_last_lr()
        [0.05]
        >>> for epoch in range(4):
        ...     sched.step()
        >>> sched.get_last_lr()
        [0.1]
    """

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor, self.total_iters = factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.factor for lr in lrs_of(self.optimizer)]
        if self.last_epoch != self.total_iters:
            return lrs_of(self.optimizer)
        return [lr * (1.0 / self.factor) for lr in lrs_of(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
                for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the learning rate as :math:`\\eta_0 (1 - t / T)^{p}` for ``t <= total_iters``
    (0 from then on).

    Args:
        optimizer: the stateful optimizer whose ``param_groups[i]["lr"]`` it sets.
        total_iters: :math:`T`, the epoch at which the learning rate reaches 0.
        power: :math:`p`.
        last_epoch: the index of the last epoch when resuming (-1 starts afresh).

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.PolynomialLR(opt, total_iters=10, power=2.0)
        >>> for epoch in range(5):
        ...     sched.step()
        >>> sched.get_last_lr()  # 0.1 * (1 - 5 / 10) ** 2
        [0.025]
    """

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        self.total_iters, self.power = total_iters, power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial or self.last_epoch > self.total_iters:
            return lrs_of(self.optimizer)
        factor = ((1.0 - self.last_epoch / self.total_iters)
                  / (1.0 - (self.last_epoch - 1) / self.total_iters)) ** self.power
        return [lr * factor for lr in lrs_of(self.optimizer)]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters)
                ** self.power for base in self.base_lrs]


class CyclicLR(LRScheduler):
    """Cyclical learning rates between ``base_lr`` and ``max_lr`` (and momentum cycled the
    other way), stepped per batch.

    Args:
        optimizer: a stateful optimizer.
        base_lr, max_lr: the bounds (one value or one per group).
        step_size_up, step_size_down: iterations of the rising and falling halves.
        mode: ``"triangular"``, ``"triangular2"`` (amplitude halves each cycle) or
            ``"exp_range"`` (scaled by ``gamma ** iteration``).
        scale_fn, scale_mode: a custom amplitude scaling of the cycle or the iteration.
        cycle_momentum, base_momentum, max_momentum: cycle ``momentum`` (or Adam's
            ``betas[0]``) between these bounds.

    Raises:
        ValueError: an unknown ``mode`` without ``scale_fn``, or ``cycle_momentum`` with an
            optimizer that has neither ``momentum`` nor ``betas``.

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1,
        ...                                        step_size_up=2000)
        >>> for it in range(1000):
        ...     sched.step()
        >>> sched.get_last_lr()  # half way up: 0.01 + (0.1 - 0.01) / 2
        [0.055]

    References:
        Smith, "Cyclical Learning Rates for Training Neural Networks", WACV 2017.
    """

    def __init__(self, optimizer: Optimizer, base_lr: float | Sequence[float],
                 max_lr: float | Sequence[float], step_size_up: int = 2000,
                 step_size_down: int | None = None,
                 mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
                 gamma: float = 1.0, scale_fn: Callable[[float], float] | None = None,
                 scale_mode: Literal["cycle", "iterations"] = "cycle",
                 cycle_momentum: bool = True, base_momentum: float | Sequence[float] = 0.8,
                 max_momentum: float | Sequence[float] = 0.9, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        base_lrs = per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = per_group("max_lr", optimizer, max_lr)
        step_size_up = float(step_size_up)
        step_size_down = float(step_size_down) if step_size_down is not None else step_size_up
        self.total_size = step_size_up + step_size_down
        self.step_ratio = step_size_up / self.total_size
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        self.mode, self.gamma = mode, gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode
        self._init_scale_fn()
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("optimizer must support momentum or beta1 with "
                                 "`cycle_momentum` option enabled")
            self.use_beta1 = "betas" in optimizer.defaults
            self.base_momentums = per_group("base_momentum", optimizer, base_momentum)
            self.max_momentums = per_group("max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                for top, bottom, group in zip(self.max_momentums, self.base_momentums,
                                              optimizer.param_groups):
                    self._set_momentum(group, top)
                    group["max_momentum"], group["base_momentum"] = top, bottom
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _init_scale_fn(self) -> None:
        if self._scale_fn_custom is not None:
            return
        if self.mode in ("triangular", "triangular2"):
            self.scale_mode = "cycle"
        elif self.mode == "exp_range":
            self.scale_mode = "iterations"

    def scale_fn(self, x: float) -> float:
        """The amplitude scale at cycle (or iteration) ``x``: 1 (``"triangular"``),
        :math:`2^{1 - x}` (``"triangular2"``), :math:`\\gamma^x` (``"exp_range"``) or the
        custom ``scale_fn``'s.

        Args:
            x: the cycle number (from 1) when ``scale_mode`` is ``"cycle"``, else the
                iteration.

        Returns:
            The factor (a float) the cycle's amplitude ``max_lr - base_lr`` is scaled by.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1, momentum=0.9)
            >>> sched = ft.optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1,
            ...                                        mode="triangular2")
            >>> sched.scale_fn(1), sched.scale_fn(3)
            (1.0, 0.25)
        """
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self) -> list[float]:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        at = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base + (top - base) * scale_factor * at
               for base, top in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, bottom, top in zip(self.optimizer.param_groups, self.base_momentums,
                                          self.max_momentums):
                self._set_momentum(group, top - (top - bottom) * scale_factor * at)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """As the base class; a custom ``scale_fn`` is saved as its ``__dict__`` only if it
        is an object (plain functions are not saved), as in PyTorch.

        Returns:
            A dict; ``_scale_fn_custom`` holds that ``__dict__`` or None.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1, momentum=0.9)
            >>> sched = ft.optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1)
            >>> state = sched.state_dict()
            >>> state["mode"], state["_scale_fn_custom"]
            ('triangular', None)
        """
        state = super().state_dict()
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = (dict(fn.__dict__) if fn is not None
                                     and not isinstance(fn, types.FunctionType) else None)
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state_dict = dict(state_dict)
        fn = state_dict.pop("_scale_fn_custom")
        super().load_state_dict(state_dict)
        if fn is not None:
            self._scale_fn_custom.__dict__.update(fn)
        self._init_scale_fn()


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing restarted every ``T_i`` epochs, ``T_i`` growing by ``T_mult``:

    .. math::
        \\eta_t = \\eta_{min} + \\tfrac12 (\\eta_0 - \\eta_{min})
        (1 + \\cos(\\pi T_{cur} / T_i))

    with :math:`T_{cur}` the epochs since the last restart.

    Args:
        optimizer: the stateful optimizer whose ``param_groups[i]["lr"]`` it sets.
        T_0: the length of the first period, in epochs (a positive int).
        T_mult: the factor each period grows by (an int >= 1).
        eta_min: :math:`\\eta_{min}`, the smallest learning rate.
        last_epoch: the index of the last epoch when resuming (-1 starts afresh).

    Raises:
        ValueError: ``T_0`` not a positive integer or ``T_mult`` not an integer >= 1.

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2)
        >>> for epoch in range(5):
        ...     sched.step()
        >>> sched.get_last_lr()  # 0.1 * (1 + cos(pi * 5 / 10)) / 2
        [0.05]

    References:
        Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts",
        ICLR 2017.
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        if T_0 <= 0 or not isinstance(T_0, int):
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if T_mult < 1 or not isinstance(T_mult, int):
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        self.T_0 = self.T_i = T_0
        self.T_mult, self.eta_min = T_mult, eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [self.eta_min + (base - self.eta_min)
                * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2 for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or jump to a (possibly fractional) ``epoch``.

        Args:
            epoch: the epoch to jump to (a float steps within a period, e.g. per batch:
                ``epoch + batch / batches``); default the last one plus one.

        Raises:
            ValueError: a negative ``epoch``.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> sched = ft.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4)
            >>> sched.step(6.0); sched.get_last_lr()  # T_cur = 6 % 4: (1 + cos(pi / 2)) / 20
            [0.05]
        """
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            if epoch < 0:
                raise ValueError(f"Expected non-negative epoch, but got {epoch}")
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:
                    n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult ** n
            else:
                self.T_i, self.T_cur = self.T_0, epoch
        self._step_count += 1
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = lrs_of(self.optimizer)
