"""``ft.optim.lr_scheduler``: PyTorch's learning-rate schedulers for the stateful optimizers
(``StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, LinearLR, OneCycleLR,
ReduceLROnPlateau, ConstantLR, MultiplicativeLR, PolynomialLR, CyclicLR,
CosineAnnealingWarmRestarts, SequentialLR, ChainedScheduler``), with PyTorch's formulas,
``get_last_lr()`` and ``state_dict()``.

Example:
    >>> opt = ft.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1)
    >>> sched = ft.optim.lr_scheduler.StepLR(opt, step_size=30)
    >>> for epoch in range(100):
    ...     opt.step()  # (one epoch of training)
    ...     sched.step()
    >>> sched.get_last_lr()  # 0.1 * 0.1 ** 3 after epochs 30, 60, 90
    [0.0001]
"""

from funtorch.optim.lr_scheduler.annealing import CosineAnnealingLR, LinearLR
from funtorch.optim.lr_scheduler.base import (
    ExponentialLR,
    LambdaLR,
    LRScheduler,
    MultiStepLR,
    StepLR,
)
from funtorch.optim.lr_scheduler.extra import (
    ConstantLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    MultiplicativeLR,
    PolynomialLR,
)
from funtorch.optim.lr_scheduler.one_cycle import OneCycleLR
from funtorch.optim.lr_scheduler.plateau import ReduceLROnPlateau
from funtorch.optim.lr_scheduler.sequential import ChainedScheduler, SequentialLR

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "MultiplicativeLR",
    "PolynomialLR",
    "SequentialLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
    "StepLR",
]
