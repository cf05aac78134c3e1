"""Loss layers: each holds its options (and ``weight``/``pos_weight`` buffers) and calls
the matching ``ft.nn.functional`` function."""

from __future__ import annotations

import inspect
from typing import Any, Literal

from funtorch.nn import functional as F
from funtorch.nn._loss_docs import loss_forward_doc
from funtorch.nn.functional.loss import _Reduction
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike

__all__ = ["MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss",
           "BCELoss", "BCEWithLogitsLoss", "KLDivLoss", "HingeEmbeddingLoss",
           "MarginRankingLoss", "CosineEmbeddingLoss"]


_REDUCTION = ('    reduction: "mean" (default), "sum", or "none" for the unreduced per-element'
              ' losses.')
_SAME_SHAPE = ('Shape:\n    ``input`` any shape ``(*)``, ``target`` the same shape; output a '
               'scalar,\n    or ``(*)`` with ``reduction="none"``.')


def _with_sections(cls: type) -> str:
    """The loss's docstring with the ``reduction`` argument added to its ``Args:`` (first or
    last, as in the signature) and, unless it has one, the elementwise ``Shape:``."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    head, sep, example = doc.partition("\n\nExample:")
    if "    reduction:" not in head:
        if "\nArgs:\n" not in head:
            head += "\n\nArgs:\n" + _REDUCTION
        elif next(iter(inspect.signature(cls).parameters)) == "reduction":
            head = head.replace("\nArgs:\n", "\nArgs:\n" + _REDUCTION + "\n")
        else:
            start = head.index("\nArgs:\n")
            end = head.find("\n\n", start + 1)
            end = len(head) if end < 0 else end
            head = head[:end] + "\n" + _REDUCTION + head[end:]
    if "\nShape:\n" not in head:
        head += "\n\n" + _SAME_SHAPE
    return head + sep + example


class _Loss(Module):
    """Base of the losses: subclasses' docstrings get the ``reduction`` argument (and the
    elementwise shape, unless they give theirs) from :func:`_with_sections`, their
    ``forward``'s from ``_loss_docs.py``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):
            cls.__doc__ = _with_sections(cls)
        if "forward" in vars(cls) and loss_forward_doc(cls.__name__):
            cls.forward.__doc__ = loss_forward_doc(cls.__name__)

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
    """Mean absolute error: ``|input - target|`` reduced by ``reduction``.

    Example:
        >>> ft.nn.L1Loss()(ft.array([1.0, 2.0]), ft.array([2.0, 4.0])).item()  # (1 + 2) / 2
        1.5
    """

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.l1_loss(input, target, self.reduction)


class SmoothL1Loss(_Loss):
    """Smooth L1: ``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - beta / 2``
    (``d = input - target``; plain L1 when ``beta == 0``).

    Args:
        beta: where the quadratic part turns linear (``>= 0``).

    Example:
        >>> loss = ft.nn.SmoothL1Loss(reduction="none")
        >>> loss(ft.array([0.0, 3.0]), ft.array([0.5, 0.0])).tolist()  # [0.5 * 0.25, 3 - 0.5]
        [0.125, 2.5]
    """

    def __init__(self, reduction: _Reduction = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class HuberLoss(_Loss):
    """Huber loss: ``0.5 d^2`` where ``|d| <= delta``, else ``delta * (|d| - delta / 2)``
    (``d = input - target``).

    Args:
        delta: where the quadratic part turns linear (``> 0``).

    Example:
        >>> loss = ft.nn.HuberLoss(reduction="none", delta=2.0)
        >>> loss(ft.array([0.0, 3.0]), ft.array([0.5, 0.0])).tolist()  # [0.5 * 0.25, 2 * 2]
        [0.125, 4.0]
    """

    def __init__(self, reduction: _Reduction = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.huber_loss(input, target, self.reduction, self.delta)


class CrossEntropyLoss(_WeightedLoss):
    """Cross entropy of logits against class indices or class probabilities
    (``F.cross_entropy``).

    Args:
        weight: per-class weights of shape ``(C,)``, or None for ones.
        ignore_index: a class-index target that contributes nothing (and is left out of the
            mean); unused with probability targets.
        reduction: "mean" (default), "sum", or "none" for the unreduced per-element losses.
        label_smoothing: in ``[0, 1]``; mixes the target with the uniform distribution over
            the ``C`` classes.

    Shape:
        ``input`` logits ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``; ``target`` integer
        class indices of the input's shape without the class axis, or float probabilities of
        the input's shape; output a scalar, or the per-sample losses (``(N,)``,
        ``(N, d1, ...)``) with ``reduction="none"``.

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
    """Negative log-likelihood of class indices given log-probabilities (``F.nll_loss``):
    ``-weight[t] * input[n, t]`` per target ``t``.

    Args:
        weight: per-class weights of shape ``(C,)``, or None for ones.
        ignore_index: a target value that contributes nothing (and is left out of the mean).

    Shape:
        ``input`` log-probabilities ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``; ``target``
        integer class indices ``(N,)``, ``(N, d1, ...)`` or ``()``; output a scalar, or the
        target's shape with ``reduction="none"``. "mean" divides by the summed weights of
        the targets kept.

    Example:
        >>> logp = ft.array([[-1.0, -2.0], [-3.0, -4.0]])
        >>> ft.nn.NLLLoss()(logp, ft.array([1, 0])).item()  # (2 + 3) / 2
        2.5
    """

    def __init__(self, weight: ArrayLike | None = None, ignore_index: int = -100,
                 reduction: _Reduction = "mean") -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross entropy of probabilities: ``-(y log p + (1 - y) log(1 - p))``, the logs
    clamped at -100 as torch does.

    Args:
        weight: an array broadcasting with ``input`` that scales each element's loss, or
            None.

    Shape:
        ``input`` probabilities in ``[0, 1]`` of any shape ``(*)``, ``target`` the same shape;
        output a scalar, or ``(*)`` with ``reduction="none"``.

    Example:
        >>> ft.nn.BCELoss()(ft.array([0.5, 0.5]), ft.array([1.0, 0.0])).item()  # log 2
        0.6931
    """

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid and binary cross entropy in one stable formula
    (``F.binary_cross_entropy_with_logits``).

    Args:
        weight: an array broadcasting with ``input`` that scales each element's loss, or
            None.
        reduction: "mean" (default), "sum", or "none" for the unreduced per-element losses.
        pos_weight: weights of the positive term, broadcasting against the last axis (the
            classes), e.g. ``(C,)``; None for ones.

    Shape:
        ``input`` logits of any shape ``(*)``, ``target`` the same shape; output a scalar, or
        ``(*)`` with ``reduction="none"``.

    Example:
        >>> loss = ft.nn.BCEWithLogitsLoss(pos_weight=ft.array([2.0]))
        >>> loss(ft.zeros(2), ft.array([1.0, 0.0])).item()  # (2 log 2 + log 2) / 2
        1.0397
    """

    def __init__(self, weight: ArrayLike | None = None, reduction: _Reduction = "mean",
                 pos_weight: ArrayLike | None = None) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence ``KL(target || exp(input))`` pointwise:
    ``target * (log target - input)`` (``input`` holds log-probabilities).

    Args:
        reduction: "mean" (default, over every element), "batchmean" (the sum divided by
            the batch size, the true KL mean), "sum", or "none".
        log_target: ``target`` holds log-probabilities too.

    Shape:
        ``input`` any shape ``(*)`` (batch first for "batchmean"), ``target`` the same shape;
        output a scalar, or ``(*)`` with ``reduction="none"``.

    Example:
        >>> loss = ft.nn.KLDivLoss(reduction="batchmean")
        >>> p, q = ft.array([[0.25, 0.75]]), ft.array([[0.5, 0.5]])
        >>> round(loss(ft.log(q), p).item(), 4)  # 0.25 log 0.5 + 0.75 log 1.5
        0.1308
    """

    def __init__(self, reduction: Literal["none", "batchmean", "mean", "sum"] = "mean",
                 log_target: bool = False) -> None:
        super().__init__(reduction)  # type: ignore[arg-type]  # "batchmean": KL only
        self.log_target = log_target

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.kl_div(input, target, self.reduction, self.log_target)


class HingeEmbeddingLoss(_Loss):
    """Hinge embedding loss: ``x`` where ``y == 1``, ``max(0, margin - x)`` where ``y == -1``.

    Args:
        margin: the margin for the ``y == -1`` elements.

    Shape:
        ``input`` any shape ``(*)``, ``target`` (1 or -1) the same shape; output a scalar, or
        ``(*)`` with ``reduction="none"``.

    Example:
        >>> loss = ft.nn.HingeEmbeddingLoss(reduction="none")
        >>> loss(ft.array([0.25, 0.25]), ft.array([1, -1])).tolist()
        [0.25, 0.75]
    """

    def __init__(self, margin: float = 1.0, reduction: _Reduction = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input: ArrayLike, target: ArrayLike) -> Array:
        return F.hinge_embedding_loss(input, target, self.margin, self.reduction)


class MarginRankingLoss(_Loss):
    """Margin ranking loss ``max(0, -y * (x1 - x2) + margin)``: ``y == 1`` asks for
    ``x1 > x2``, ``y == -1`` for ``x1 < x2``.

    Args:
        margin: by how much the right input must win before the loss is zero.

    Shape:
        ``input1``, ``input2`` and ``target`` (1 or -1) of one shape ``(N,)`` or ``()``;
        output a scalar, or ``(N,)`` with ``reduction="none"``.

    Example:
        >>> loss = ft.nn.MarginRankingLoss(reduction="none")
        >>> loss(ft.array([1.0, 2.0]), ft.array([2.0, 1.0]), ft.array([1, 1])).tolist()
        [1.0, 0.0]
    """

    def __init__(self, margin: float = 0.0, reduction: _Reduction = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1: ArrayLike, input2: ArrayLike, target: ArrayLike) -> Array:
        return F.margin_ranking_loss(input1, input2, target, self.margin, self.reduction)


class CosineEmbeddingLoss(_Loss):
    """Cosine embedding loss: ``1 - cos(x1, x2)`` where ``y == 1``, ``max(0, cos(x1, x2) -
    margin)`` where ``y == -1``.

    Args:
        margin: the cosine below which ``y == -1`` pairs cost nothing (in ``[-1, 1]``).

    Shape:
        ``input1`` and ``input2`` ``(N, D)`` or ``(D,)``, ``target`` (1 or -1) ``(N,)`` or
        ``()``; output a scalar, or ``(N,)`` with ``reduction="none"``.

    Example:
        >>> x1, x2 = ft.array([[1.0, 0.0], [1.0, 0.0]]), ft.array([[1.0, 0.0], [0.0, 1.0]])
        >>> ft.nn.CosineEmbeddingLoss(reduction="none")(x1, x2, ft.array([-1, 1])).tolist()
        [1.0, 1.0]
    """

    def __init__(self, margin: float = 0.0, reduction: _Reduction = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input1: ArrayLike, input2: ArrayLike, target: ArrayLike) -> Array:
        return F.cosine_embedding_loss(input1, input2, target, self.margin, self.reduction)
