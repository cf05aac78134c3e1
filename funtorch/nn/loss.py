"""Loss layers: each holds its options (and ``weight``/``pos_weight`` buffers) and calls
the matching ``ft.nn.functional`` function."""

from __future__ import annotations

from typing import Literal

from funtorch.nn import functional as F
from funtorch.nn.functional.loss import _Reduction
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike

__all__ = ["MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss",
           "BCELoss", "BCEWithLogitsLoss", "KLDivLoss", "HingeEmbeddingLoss",
           "MarginRankingLoss", "CosineEmbeddingLoss"]


class _Loss(Module):
    def __init__(self, reduction: _Reduction = "mean") -> None:
        super().__init__()
        self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight: ArrayLike | None = None, reduction: _Reduction = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error: ``(input - target)^2`` reduced by ``reduction``.

    Example:
        >>> ft.nn.MSELoss()(ft.array([1.0, 2.0]), ft.array([1.0, 4.0])).item()
        2.0
    """

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.l1_loss(input, target, self.reduction)


class SmoothL1Loss(_Loss):
    def __init__(self, reduction: _Reduction = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class HuberLoss(_Loss):
    def __init__(self, reduction: _Reduction = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.huber_loss(input, target, self.reduction, self.delta)


class CrossEntropyLoss(_WeightedLoss):
    """Cross entropy of logits against class indices or probabilities (see
    ``F.cross_entropy``): ``(N, C)``/``(N, C, *)`` logits, ``(N,)``/``(N, *)`` targets.

    Example:
        >>> logits, target = ft.zeros((2, 4)), ft.array([0, 3])
        >>> ft.nn.CrossEntropyLoss()(logits, target).item()  # log 4
        1.3863
    """

    def __init__(self, weight: ArrayLike | None = None, ignore_index: int = -100,
                 reduction: _Reduction = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(weight, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction,
                               self.label_smoothing)


class NLLLoss(_WeightedLoss):
    def __init__(self, weight: ArrayLike | None = None, ignore_index: int = -100,
                 reduction: _Reduction = "mean") -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCELoss(_WeightedLoss):
    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    def __init__(self, weight: ArrayLike | None = None, reduction: _Reduction = "mean",
                 pos_weight: ArrayLike | None = None) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)


class KLDivLoss(_Loss):
    def __init__(self, reduction: Literal["none", "batchmean", "mean", "sum"] = "mean",
                 log_target: bool = False) -> None:
        super().__init__(reduction)  # type: ignore[arg-type]  # "batchmean": KL only
        self.log_target = log_target

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.kl_div(input, target, self.reduction, self.log_target)


class HingeEmbeddingLoss(_Loss):
    def __init__(self, margin: float = 1.0, reduction: _Reduction = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.hinge_embedding_loss(input, target, self.margin, self.reduction)


class MarginRankingLoss(_Loss):
    def __init__(self, margin: float = 0.0, reduction: _Reduction = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1: ArrayLike, input2: ArrayLike, target: ArrayLike) -> Array:
        return F.margin_ranking_loss(input1, input2, target, self.margin, self.reduction)


class CosineEmbeddingLoss(_Loss):
    def __init__(self, margin: float = 0.0, reduction: _Reduction = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1: ArrayLike, input2: ArrayLike, target: ArrayLike) -> Array:
        return F.cosine_embedding_loss(input1, input2, target, self.margin, self.reduction)
