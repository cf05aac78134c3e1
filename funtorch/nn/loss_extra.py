"""CTCLoss, TripletMarginLoss, TripletMarginWithDistanceLoss, GaussianNLLLoss,
PoissonNLLLoss, MultiMarginLoss, MultiLabelMarginLoss, MultiLabelSoftMarginLoss,
SoftMarginLoss: layers over ``functional/losses_extra.py``. ``size_average``/``reduce``
(deprecated in torch) are accepted and ignored unless given, then mapped to
``reduction`` as torch does."""

from __future__ import annotations

from collections.abc import Callable

from funtorch.nn import functional as F
from funtorch.nn._layer_docs import repr_doc
from funtorch.nn._stateless import Option, _Stateless, stateless
from funtorch.typing import Array

__all__ = ["CTCLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss", "GaussianNLLLoss",
           "PoissonNLLLoss", "MultiMarginLoss", "MultiLabelMarginLoss",
           "MultiLabelSoftMarginLoss", "SoftMarginLoss"]

_LEGACY = (("size_average", None, None), ("reduce", None, None))
_REDUCTION = ("reduction", "mean", "reduction")


class _LossBase(_Stateless):
    def _check(self) -> None:
        size_average = getattr(self, "size_average", None)
        reduce = getattr(self, "reduce", None)
        if size_average is not None or reduce is not None:  # torch's legacy_get_string
            size_average = True if size_average is None else size_average
            reduce = True if reduce is None else reduce
            self.reduction = "none" if not reduce else ("mean" if size_average else "sum")
        if "weight" in self.__dict__:  # a buffer, as torch's _WeightedLoss
            weight = self.__dict__.pop("weight")
            self.register_buffer("weight", weight)

    @repr_doc('nn.CTCLoss(reduction="sum")', '"reduction=\'sum\'"')
    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


def _loss(name: str, fn: Callable[..., Array],
          options: tuple[Option, ...], doc: str) -> type[_Stateless]:
    return stateless(name, fn, options, doc, base=_LossBase, module=__name__)


CTCLoss = _loss("CTCLoss", F.ctc_loss, (("blank", 0, "blank"), _REDUCTION,
                                        ("zero_infinity", False, "zero_infinity")),
                "Connectionist temporal classification loss: ``forward(log_probs, targets, "
                "input_lengths, target_lengths)``."
    + "\n\nExample:\n"
      "    >>> log_probs = F.log_softmax(ft.zeros((3, 1, 2)), dim=2)  # T=3, N=1, C=2: p = 1/2\n"
      "    >>> ft.nn.CTCLoss()(log_probs, ft.array([[1]]), ft.array([3]), ft.array([1])).item()\n"
      "    0.2877")
TripletMarginLoss = _loss("TripletMarginLoss", F.triplet_margin_loss, (
    ("margin", 1.0, "margin"), ("p", 2.0, "p"), ("eps", 1e-6, "eps"), ("swap", False, "swap"))
    + _LEGACY + (_REDUCTION,), "``max(0, margin + d(a, p) - d(a, n))``."
    + "\n\nExample:\n"
      "    >>> a = ft.ones((1, 2)); ft.nn.TripletMarginLoss()(a, a, 3 * a).item()\n"
      "    0.0")
TripletMarginWithDistanceLoss = _loss(
    "TripletMarginWithDistanceLoss", F.triplet_margin_with_distance_loss, (
        ("distance_function", None, "distance_function"), ("margin", 1.0, "margin"),
        ("swap", False, "swap"), _REDUCTION),
    "Triplet margin loss with any distance function (default: Euclidean)."
    + "\n\nExample:\n"
      "    >>> a = ft.ones((1, 2)); ft.nn.TripletMarginWithDistanceLoss()(a, a, 3 * a).item()\n"
      "    0.0")
GaussianNLLLoss = _loss("GaussianNLLLoss", F.gaussian_nll_loss, (
    ("full", False, "full"), ("eps", 1e-6, "eps"), _REDUCTION),
    "Gaussian negative log-likelihood: ``forward(input, target, var)``."
    + "\n\nExample:\n"
      "    >>> x = ft.array([1.0, 2.0]); ft.nn.GaussianNLLLoss()(x, x, ft.ones(2)).item()\n"
      "    0.0")
PoissonNLLLoss = _loss("PoissonNLLLoss", F.poisson_nll_loss, (
    ("log_input", True, "log_input"), ("full", False, "full"), ("size_average", None, None),
    ("eps", 1e-8, "eps"), ("reduce", None, None), _REDUCTION),
    "Poisson negative log-likelihood."
    + "\n\nExample:\n"
      "    >>> ft.nn.PoissonNLLLoss()(ft.array([0.0]), ft.array([1.0])).item()  # exp(0) - 1 * 0\n"
      "    1.0")
MultiMarginLoss = _loss("MultiMarginLoss", F.multi_margin_loss, (
    ("p", 1, "p"), ("margin", 1.0, "margin"), ("weight", None, "weight")) + _LEGACY
    + (_REDUCTION,), "Multi-class hinge loss (``weight``: a per-class buffer)."
    + "\n\nExample:\n"
      "    >>> ft.nn.MultiMarginLoss()(ft.array([[0.1, 0.2, 0.4, 0.8]]), ft.array([3])).item()\n"
      "    0.325")
MultiLabelMarginLoss = _loss("MultiLabelMarginLoss", F.multilabel_margin_loss,
                             _LEGACY + (_REDUCTION,), "Multi-label hinge loss."
    + "\n\nExample:\n"
      "    >>> x = ft.array([[0.1, 0.2, 0.4, 0.8]])\n"
      "    >>> ft.nn.MultiLabelMarginLoss()(x, ft.array([[3, 0, -1, 1]])).item()  # labels 3, 0\n"
      "    0.85")
MultiLabelSoftMarginLoss = _loss("MultiLabelSoftMarginLoss", F.multilabel_soft_margin_loss, (
    ("weight", None, "weight"),) + _LEGACY + (_REDUCTION,),
    "Multi-label one-versus-all logistic loss (``weight``: a per-class buffer)."
    + "\n\nExample:\n"
      "    >>> ft.nn.MultiLabelSoftMarginLoss()(ft.zeros((1, 2)), ft.array([[1.0, 0.0]])).item()\n"
      "    0.6931")
SoftMarginLoss = _loss("SoftMarginLoss", F.soft_margin_loss, _LEGACY + (_REDUCTION,),
                       "``log(1 + exp(-y x))``, reduced."
    + "\n\nExample:\n"
      "    >>> ft.nn.SoftMarginLoss()(ft.zeros(2), ft.array([1.0, -1.0])).item()  # log 2\n"
      "    0.6931")
