"""Schedulers of schedulers: PyTorch's ``SequentialLR`` (one after another, switching at
milestones) and ``ChainedScheduler`` (all of them every step, their factors compounding).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from funtorch.optim.lr_scheduler.base import LRScheduler, lrs_of
from funtorch.optim.lr_scheduler.plateau import ReduceLROnPlateau
from funtorch.optim.stateful import Optimizer

__all__ = ["ChainedScheduler", "SequentialLR"]


def _check_schedulers(owner: str, schedulers: Sequence[LRScheduler],
                      optimizer: Optimizer | None) -> None:
    for index, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{owner} at index {index} should have `optimizer` as its "
                            "attribute.")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(f"{owner} does not support `ReduceLROnPlateau` scheduler as it "
                             "requires additional kwargs to be specified when calling `step`, "
                             f"but got one at index {index} in the given schedulers sequence.")
        if optimizer is not scheduler.optimizer:
            raise ValueError(f"{owner} expects all schedulers to belong to the same optimizer, "
                             f"but got scheduler {type(scheduler).__name__} at index {index} "
                             f"with another optimizer than {type(optimizer).__name__}.")


def _initial_step(scheduler: LRScheduler) -> None:
    """PyTorch's ``LRScheduler._initial_step``: recount and take the first step afresh."""
    scheduler._step_count = 0
    scheduler._is_initial = True
    try:
        scheduler.step()
    finally:
        scheduler._is_initial = False


_NO_EPOCH = ("{name}.step takes no epoch (got {epoch}); call step() once per epoch, as "
             "torch.optim.lr_scheduler.{name} does")


def _update_lr_at(scheduler: LRScheduler, epoch: int) -> None:
    """PyTorch's ``LRScheduler._update_lr(epoch)`` (closed form when there is one)."""
    scheduler.last_epoch = epoch
    closed_form = getattr(scheduler, "_get_closed_form_lr", None)
    values = closed_form() if closed_form is not None else scheduler.get_lr()
    for group, lr in zip(scheduler.optimizer.param_groups, values):
        group["lr"] = lr
    scheduler._last_lr = lrs_of(scheduler.optimizer)


class _Nested:
    """``state_dict`` of a scheduler that owns schedulers: theirs, nested."""

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer, the inner schedulers as their ``state_dict()``.

        Returns:
            A dict of plain values; ``_schedulers`` holds the inner schedulers' state dicts.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> sched = ft.optim.lr_scheduler.ChainedScheduler(
            ...     [ft.optim.lr_scheduler.StepLR(opt, step_size=3)])
            >>> [inner["step_size"] for inner in sched.state_dict()["_schedulers"]]
            [3]
        """
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` (the inner schedulers' too).

        Args:
            state_dict: a dict ``state_dict()`` returned, from the same schedulers.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> decay = ft.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
            >>> sched = ft.optim.lr_scheduler.ChainedScheduler([decay])
            >>> saved = sched.state_dict()
            >>> sched.step(); decay.last_epoch
            1
            >>> sched.load_state_dict(saved); decay.last_epoch
            0
        """
        state_dict = dict(state_dict)
        inner = state_dict.pop("_schedulers")
        self.__dict__.update(state_dict)
        for scheduler, saved in zip(self._schedulers, inner):
            scheduler.load_state_dict(saved)

    def get_last_lr(self) -> list[float]:
        """The learning rates after the last ``step()``.

        Returns:
            A list of floats, one per parameter group.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> sched = ft.optim.lr_scheduler.ChainedScheduler(
            ...     [ft.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)])
            >>> sched.step(); sched.get_last_lr()
            [0.05]
        """
        return self._last_lr


class SequentialLR(_Nested, LRScheduler):
    """Run ``schedulers[i]`` between ``milestones[i - 1]`` and ``milestones[i]``; each one
    starts from epoch 0 when its turn comes.

    Args:
        optimizer: the optimizer all the schedulers belong to.
        schedulers: the schedulers, in order (constructed on ``optimizer``; not
            ``ReduceLROnPlateau``).
        milestones: the epochs at which the next scheduler takes over, one fewer than
            ``schedulers``.
        last_epoch: the index of the last epoch when resuming (-1 starts afresh).

    Raises:
        ValueError: no schedulers, ``len(milestones) != len(schedulers) - 1``, a
            ``ReduceLROnPlateau``, or schedulers of another optimizer.

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> warmup = ft.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=5)
        >>> decay = ft.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
        >>> sched = ft.optim.lr_scheduler.SequentialLR(opt, [warmup, decay], milestones=[5])
        >>> for epoch in range(7):
        ...     sched.step()
        >>> sched.get_last_lr()  # 2 epochs of decay: 0.1 * 0.9 ** 2
        [0.081]
    """

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler],
                 milestones: Sequence[int], last_epoch: int = -1) -> None:
        name = type(self).__name__
        if len(schedulers) < 1:
            raise ValueError(f"{name} expects at least one scheduler, but got no scheduler.")
        _check_schedulers(name, schedulers, optimizer)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError("Sequential Schedulers expects number of schedulers provided to be "
                             "one more than the number of milestone points, but got number of "
                             f"schedulers {len(schedulers)} and the number of milestones to be "
                             f"equal to {len(milestones)}")
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:  # undo the steps their constructors took
            scheduler.last_epoch -= 1
        first = self._schedulers[bisect_right(self._milestones, 0)]
        _initial_step(first)
        self._last_lr = first.get_last_lr()

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch: step the scheduler whose turn it is (restarted at epoch 0 on
        the milestone where it takes over).

        Args:
            epoch: must be None (it only keeps the base class's signature: PyTorch's
                ``SequentialLR.step`` takes none).

        Raises:
            TypeError: an ``epoch`` is given.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> sched = ft.optim.lr_scheduler.SequentialLR(opt, [
            ...     ft.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=9),
            ...     ft.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)], milestones=[1])
            >>> sched.get_last_lr()  # ConstantLR's turn: 0.1 * 0.5
            [0.05]
            >>> sched.step(); sched.get_last_lr()  # ExponentialLR from its epoch 0
            [0.1]
        """
        if epoch is not None:
            raise TypeError(_NO_EPOCH.format(name=type(self).__name__, epoch=epoch))
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            _update_lr_at(scheduler, 0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_Nested, LRScheduler):
    """Step every scheduler in ``schedulers`` at each ``step()``: their factors compound.

    Args:
        schedulers: the schedulers to step together, all on the same optimizer (not
            ``ReduceLROnPlateau``).
        optimizer: that optimizer (default: the first scheduler's).

    Raises:
        ValueError: no schedulers, a ``ReduceLROnPlateau``, or schedulers of different
            optimizers.

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.ChainedScheduler(
        ...     [ft.optim.lr_scheduler.ConstantLR(opt, factor=0.1, total_iters=2),
        ...      ft.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)])
        >>> sched.get_last_lr()  # 0.1 * 0.1
        [0.01]
        >>> sched.step(); sched.step()
        >>> sched.get_last_lr()  # ConstantLR is over: 0.1 * 0.9 ** 2
        [0.081]
    """

    def __init__(self, schedulers: Sequence[LRScheduler],
                 optimizer: Optimizer | None = None) -> None:
        name = type(self).__name__
        if len(schedulers) < 1:
            raise ValueError(f"{name} expects at least one scheduler to be chained, but got no "
                             "scheduler.")
        optimizer = optimizer or schedulers[0].optimizer
        _check_schedulers(name, schedulers, optimizer)
        self._schedulers = list(schedulers)
        self.optimizer = optimizer
        self._last_lr = lrs_of(self._schedulers[-1].optimizer)

    def step(self, epoch: int | None = None) -> None:
        """Step every scheduler once, in order (each applies its factor to the rates the
        previous one wrote).

        Args:
            epoch: None; there for the base class's signature only.

        Raises:
            TypeError: an epoch was passed (as to PyTorch's, which has no such parameter).

        Example:
            >>> sgd = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> chained = ft.optim.lr_scheduler.ChainedScheduler(
            ...     [ft.optim.lr_scheduler.ExponentialLR(sgd, gamma=0.5),
            ...      ft.optim.lr_scheduler.StepLR(sgd, step_size=1, gamma=0.5)])
            >>> chained.step(); chained.get_last_lr()  # 0.1 * 0.5 * 0.5
            [0.025]
        """
        if epoch is not None:
            raise TypeError(_NO_EPOCH.format(name=type(self).__name__, epoch=epoch))
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = lrs_of(self._schedulers[-1].optimizer)
