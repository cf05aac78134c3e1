"""``OneCycleLR``: the 1cycle policy (learning rate up then down, momentum the other way)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

from funtorch.optim.lr_scheduler.base import LRScheduler, per_group
from funtorch.optim.stateful import Optimizer

__all__ = ["OneCycleLR"]


def _phase(end_step: float, start_lr: str, end_lr: str, start_momentum: str,
           end_momentum: str) -> dict[str, Any]:
    return {"end_step": end_step, "start_lr": start_lr, "end_lr": end_lr,
            "start_momentum": start_momentum, "end_momentum": end_momentum}


class OneCycleLR(LRScheduler):
    """PyTorch's ``OneCycleLR``: anneal from ``max_lr / div_factor`` up to ``max_lr`` over
    ``pct_start`` of the steps, then down to ``initial_lr / final_div_factor``; with
    ``cycle_momentum`` the momentum (or Adam's beta1) moves the opposite way between
    ``max_momentum`` and ``base_momentum``. Step it once per batch.

    Args:
        optimizer: a stateful optimizer (with ``momentum`` or ``betas`` for cycling).
        max_lr: peak learning rate (one per group, or one for all).
        total_steps: the number of steps, or give ``epochs`` and ``steps_per_epoch``.
        pct_start: the fraction of steps spent increasing the learning rate.
        anneal_strategy: ``"cos"`` or ``"linear"``.
        three_phase: a third phase annihilates the learning rate (fast.ai's variant).

    Raises:
        ValueError: invalid step counts, ``pct_start`` or ``anneal_strategy``, or
            ``cycle_momentum`` with an optimizer that has neither momentum nor betas.

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=1000)
        >>> sched.get_last_lr()  # max_lr / div_factor (25)
        [0.004]

    References:
        Smith and Topin, "Super-Convergence: Very Fast Training of Neural Networks Using
        Large Learning Rates", 2018.
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | Sequence[float],
                 total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: Literal["cos", "linear"] = "cos", cycle_momentum: bool = True,
                 base_momentum: float | Sequence[float] = 0.85,
                 max_momentum: float | Sequence[float] = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.total_steps = self._count_steps(total_steps, epochs, steps_per_epoch)
        self._schedule_phases = self._phases(pct_start, three_phase)
        if pct_start < 0 or pct_start > 1 or not isinstance(pct_start, float):
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError("anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        self._anneal_func_type = anneal_strategy
        if last_epoch == -1:
            for peak, group in zip(per_group("max_lr", optimizer, max_lr),
                                   optimizer.param_groups):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("optimizer must support momentum or beta1 with "
                                 "`cycle_momentum` option enabled")
            self.use_beta1 = "betas" in optimizer.defaults
            if last_epoch == -1:
                highs = per_group("max_momentum", optimizer, max_momentum)
                lows = per_group("base_momentum", optimizer, base_momentum)
                for high, low, group in zip(highs, lows, optimizer.param_groups):
                    self._set_momentum(group, high)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _count_steps(total_steps: int | None, epochs: int | None,
                     steps_per_epoch: int | None) -> int:
        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
            return total_steps
        if epochs is not None and steps_per_epoch is not None:
            if not isinstance(epochs, int) or epochs <= 0:
                raise ValueError(f"Expected positive integer epochs, but got {epochs}")
            if not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0:
                raise ValueError("Expected positive integer steps_per_epoch, but got "
                                 f"{steps_per_epoch}")
            return epochs * steps_per_epoch
        raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")

    def _phases(self, pct_start: float, three_phase: bool) -> list[dict[str, Any]]:
        up_end = float(pct_start * self.total_steps) - 1
        if three_phase:
            return [_phase(up_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                    _phase(float(2 * pct_start * self.total_steps) - 2, "max_lr", "initial_lr",
                           "base_momentum", "max_momentum"),
                    _phase(self.total_steps - 1, "initial_lr", "min_lr", "max_momentum",
                           "max_momentum")]
        return [_phase(up_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                _phase(self.total_steps - 1, "max_lr", "min_lr", "base_momentum",
                       "max_momentum")]

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        """The learning rates at step ``last_epoch`` (a closed form in the current phase's
        start and end values, so calling it again gives the same values); it also sets the
        momentum when it is cycled.

        Returns:
            A list of floats, one per parameter group.

        Raises:
            ValueError: stepped more than ``total_steps`` times.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1, momentum=0.9)
            >>> sched = ft.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
            >>> sched.get_lr()  # step 0: max_lr / div_factor = 1 / 25
            [0.04]
            >>> for _ in range(11):
            ...     sched.step()
            Traceback (most recent call last):
            ...
            ValueError: Tried to step 11 times. The specified number of total steps is 10
        """
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"Tried to step {step} times. The specified number of total steps "
                             f"is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for index, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if step <= end_step or index == len(self._schedule_phases) - 1:
                    pct = (step - start_step) / (end_step - start_step)
                    lrs.append(self._anneal(group[phase["start_lr"]], group[phase["end_lr"]],
                                            pct))
                    if self.cycle_momentum:
                        self._set_momentum(group, self._anneal(
                            group[phase["start_momentum"]], group[phase["end_momentum"]], pct))
                    break
                start_step = phase["end_step"]
        return lrs
