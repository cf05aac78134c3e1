"""``ReduceLROnPlateau``: lower the learning rate when a metric stops improving."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any, Literal, SupportsFloat

from funtorch.optim.lr_scheduler.base import EPOCH_DEPRECATED, LRScheduler, lrs_of
from funtorch.optim.stateful import Optimizer

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` once the metric passed to ``step(metric)``
    has not improved for ``patience`` epochs (PyTorch's semantics, thresholds included).

    Args:
        optimizer: a stateful optimizer.
        mode: ``"min"`` (lower is better) or ``"max"``.
        factor: the multiplier, < 1.
        patience: epochs without improvement tolerated before reducing.
        threshold, threshold_mode: what counts as an improvement (``"rel"`` or ``"abs"``).
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: a floor (one per group, or one for all).
        eps: reductions smaller than this are skipped.

    Raises:
        ValueError: ``factor >= 1``, an unknown mode, or a ``min_lr`` list of the wrong
            length.

    Example:
        >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
        >>> sched = ft.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=5)
        >>> for validation_loss in [1.0] * 7:  # no improvement for 6 > 5 epochs
        ...     sched.step(validation_loss)
        >>> opt.param_groups[0]["lr"]  # 0.1 * factor (0.1)
        0.01
    """

    def __init__(self, optimizer: Optimizer, mode: Literal["min", "max"] = "min",
                 factor: float = 0.1, patience: int = 10, threshold: float = 1e-4,
                 threshold_mode: Literal["rel", "abs"] = "rel", cooldown: int = 0,
                 min_lr: float | Sequence[float] = 0, eps: float = 1e-8) -> None:
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.factor = factor
        self.optimizer = optimizer
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(optimizer.param_groups):
                raise ValueError(f"expected {len(optimizer.param_groups)} min_lrs, got "
                                 f"{len(min_lr)}")
            self.default_min_lr, self.min_lrs = None, list(min_lr)
        else:
            self.default_min_lr, self.min_lrs = min_lr, [min_lr] * len(optimizer.param_groups)
        self.patience, self.cooldown, self.eps = patience, cooldown, eps
        self.last_epoch = 0
        self._last_lr = lrs_of(optimizer)
        self._init_is_better(mode, threshold, threshold_mode)
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def step(  # type: ignore[override]  # the metric comes first, as in PyTorch
            self, metrics: SupportsFloat, epoch: int | None = None) -> None:
        """Record ``metrics`` for one epoch and reduce the learning rate if it plateaued.

        Args:
            metrics: the epoch's metric (a number or a 0-d array), e.g. the validation loss.
            epoch: the epoch's index (deprecated, as in PyTorch: it warns); default the
                last one plus one.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> sched = ft.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0)
            >>> sched.step(1.0); sched.step(2.0)  # worse than 1.0: reduced at once
            >>> sched.get_last_lr()
            [0.05]
        """
        current = float(metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn(EPOCH_DEPRECATED, UserWarning, stacklevel=2)
        self.last_epoch = epoch
        if self._is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = lrs_of(self.optimizer)

    @property
    def in_cooldown(self) -> bool:
        """Whether the scheduler is waiting after a reduction."""
        return self.cooldown_counter > 0

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(f"The number of param groups in the `optimizer` "
                                   f"({len(groups)}) differs from when `ReduceLROnPlateau` was "
                                   f"initialized ({len(self.min_lrs)}); set `min_lrs` to one "
                                   "value per group.")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr

    def _is_better(self, current: float, best: float) -> bool:
        if self.mode == "min" and self.threshold_mode == "rel":
            return current < best * (1.0 - self.threshold)
        if self.mode == "min":
            return current < best - self.threshold
        if self.threshold_mode == "rel":
            return current > best * (self.threshold + 1.0)
        return current > best + self.threshold

    def _init_is_better(self, mode: str, threshold: float, threshold_mode: str) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode} is unknown!")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold mode {threshold_mode} is unknown!")
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()`` (and re-check the mode).

        Args:
            state_dict: a dict ``state_dict()`` returned.

        Example:
            >>> opt = ft.optim.SGD([nn.Parameter(ft.ones(2))], lr=0.1)
            >>> sched = ft.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max")
            >>> sched.step(3.0)
            >>> again = ft.optim.lr_scheduler.ReduceLROnPlateau(opt)
            >>> again.load_state_dict(sched.state_dict()); again.mode, again.best
            ('max', 3.0)
        """
        super().load_state_dict(state_dict)
        self._init_is_better(self.mode, self.threshold, self.threshold_mode)
