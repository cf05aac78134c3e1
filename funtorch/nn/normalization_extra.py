"""InstanceNorm1d/2d/3d, RMSNorm, LocalResponseNorm, CosineSimilarity, PairwiseDistance.

InstanceNorm's optional running statistics are buffers updated like BatchNorm's (in place
in PyTorch-style code; on the rebuilt copy under transforms and ``functional_call``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from funtorch.nn import functional as F
from funtorch.nn._layer_utils import check_sizes
from funtorch.nn._layer_docs import SAME_SHAPE, add_shape, method_doc, repr_doc
from funtorch.nn._stateless import REQUIRED, stateless
from funtorch.nn.normalization import LayerNorm, _BatchNorm
from funtorch.typing import Array, ArrayLike, DTypeLike

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "RMSNorm", "BatchNorm3d",
           "LocalResponseNorm", "CosineSimilarity", "PairwiseDistance"]


class _InstanceNorm(_BatchNorm):
    _spatial = 1
    _momentum_none = "None: 0, the running statistics stay as they are (torch's rule)"

    def __init__(self, num_features: int, eps: float | None = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device: Any = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype)

    @method_doc("Normalise each sample's channels of ``input`` by their own statistics, then "
                "scale and shift (with ``affine``).",
                args="``(N, C, *spatial)`` or unbatched ``(C, *spatial)``, with 1 "
                     "(InstanceNorm1d), 2 or 3 spatial axes.", returns=SAME_SHAPE,
                raises="ValueError: ``input`` has the wrong number of axes, or (with ``affine``) "
                       "not ``num_features`` channels.",
                example=">>> nn.InstanceNorm1d(1).forward(ft.array([[1.0, 3.0]])).tolist()\n"
                        "[[-1.0, 1.0]]")
    def forward(self, input: ArrayLike) -> Array:
        nd = self._spatial
        if input.ndim not in (nd + 1, nd + 2):
            raise ValueError(f"{type(self).__name__}: expected {nd + 1}D (unbatched) or "
                             f"{nd + 2}D (batched) input, got shape {tuple(input.shape)}")
        unbatched = input.ndim == nd + 1
        x = input[None] if unbatched else input
        if x.shape[1] != self.num_features and self.affine:
            raise ValueError(f"{type(self).__name__}: expected {self.num_features} channels "
                             f"(axis {0 if unbatched else 1}), got shape {tuple(input.shape)}")
        use_input_stats = self.training or not self.track_running_stats
        update = self.training and self.track_running_stats
        out, mean, var = F.instance_norm(
            x, self.running_mean if update or not use_input_stats else None,
            self.running_var if update or not use_input_stats else None, self.weight, self.bias,
            use_input_stats, self.momentum if self.momentum is not None else 0.0, self.eps,
            return_stats=True)
        if update:
            self.running_mean = self._stored(self.running_mean, mean)
            self.running_var = self._stored(self.running_var, var)
        return out[0] if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of ``(N, C, L)`` (or ``(C, L)``) inputs: each sample's
    channel is normalised by its own mean and variance over its length. ``affine`` and
    ``track_running_stats`` are off by default, as in torch.

    Shape:
        Input ``(N, C, L)`` or ``(C, L)``; output the same shape.

    Example:
        >>> ft.nn.InstanceNorm1d(3)(ft.randn(2, 3, 5)).shape
        (2, 3, 5)
    """

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of ``(N, C, H, W)`` (or ``(C, H, W)``) inputs: each sample's
    channel is normalised by its own mean and variance over ``H`` and ``W``. ``affine`` and
    ``track_running_stats`` are off by default, as in torch.

    Shape:
        Input ``(N, C, H, W)`` or ``(C, H, W)``; output the same shape.

    Example:
        >>> ft.nn.InstanceNorm2d(3)(ft.randn(2, 3, 4, 4)).shape
        (2, 3, 4, 4)
    """

    _spatial = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of ``(N, C, D, H, W)`` (or ``(C, D, H, W)``) inputs: each
    sample's channel is normalised by its own mean and variance over ``D``, ``H`` and ``W``.
    ``affine`` and ``track_running_stats`` are off by default, as in torch.

    Shape:
        Input ``(N, C, D, H, W)`` or ``(C, D, H, W)``; output the same shape.

    Example:
        >>> ft.nn.InstanceNorm3d(3)(ft.randn(2, 3, 2, 4, 4)).shape
        (2, 3, 2, 4, 4)
    """

    _spatial = 3


class RMSNorm(LayerNorm):
    """Root-mean-square normalisation: ``x / sqrt(mean(x^2) + eps) * weight``, the mean over
    the trailing ``normalized_shape`` axes.

    Args:
        normalized_shape: the shape of the trailing axes to normalise over (an int for the
            last axis alone).
        eps: added to the mean square; None for the input dtype's machine epsilon.
        elementwise_affine: learn ``weight`` (ones) of shape ``normalized_shape`` (False:
            ``weight`` is None). There is no bias.
        device: the device of the weight (``"cpu"``; see ``Array.to``), or None.
        dtype: the weight's float dtype; None for ``ft.get_default_dtype()``.

    Shape:
        Input ``(*, *normalized_shape)``; output the same shape.

    Example:
        >>> ft.nn.RMSNorm(2, eps=0.0)(ft.array([[3.0, 4.0]])).tolist()  # rms = sqrt(12.5)
        [[0.8485, 1.1314]]
        >>> ft.nn.RMSNorm(4)(ft.randn(2, 4)).shape
        (2, 4)
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__(normalized_shape, eps, elementwise_affine, False, device, dtype)
        del self.bias  # RMSNorm has no bias (not even a None entry)

    @method_doc("``input / sqrt(mean(input^2) + eps) * weight`` over the trailing axes.",
                args="an array ``(*, *normalized_shape)``.", returns=SAME_SHAPE,
                example=">>> nn.RMSNorm(2, eps=0.0).forward(ft.array([1.0, 7.0])).tolist()"
                        "  # rms 5\n[0.2, 1.4]")
    def forward(self, input: ArrayLike) -> Array:
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    @repr_doc("nn.RMSNorm(2)", "'(2,), eps=None, elementwise_affine=True'")
    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class LocalResponseNorm(stateless("_LRN", F.local_response_norm, (
        ("size", REQUIRED, "size"), ("alpha", 1e-4, "alpha"), ("beta", 0.75, "beta"),
        ("k", 1.0, "k")), "")):
    """Local response normalisation: each channel is divided by
    ``(k + alpha * mean(x^2)) ** beta``, the mean over ``size`` neighbouring channels
    (zero-padded at the ends).

    Args:
        size: how many neighbouring channels (itself included) the mean takes.
        alpha: the multiplier of the mean square.
        beta: the exponent.
        k: the additive constant.

    Raises:
        ValueError: ``size`` is not a non-negative integer.

    Shape:
        Input ``(N, C, *)`` (at least 3-d); output the same shape.

    Example:
        >>> lrn = ft.nn.LocalResponseNorm(1, alpha=1.0, beta=1.0, k=1.0)
        >>> lrn(ft.full((1, 1, 1), 2.0)).tolist()  # 2 / (1 + 2^2)
        [[[0.4]]]
        >>> ft.nn.LocalResponseNorm(2)(ft.randn(1, 4, 3, 3)).shape
        (1, 4, 3, 3)
    """

    def _check(self):
        check_sizes(self, size=self.size)


CosineSimilarity = add_shape(stateless(
    "CosineSimilarity", F.cosine_similarity, (("dim", 1, "dim"), ("eps", 1e-8, "eps")),
    "Cosine similarity of two inputs along ``dim``.\n\nExample:\n"
    "    >>> ft.nn.CosineSimilarity()(ft.ones((2, 3)), ft.ones((2, 3))).shape\n    (2,)\n",
    module=__name__), "Inputs ``(*, D, *)`` broadcasting together (``D`` on axis ``dim``); "
    "output their broadcast shape without axis ``dim``.")
PairwiseDistance = add_shape(stateless(
    "PairwiseDistance", F.pairwise_distance,
    (("p", 2.0, "p"), ("eps", 1e-6, "eps"), ("keepdim", False, "keepdim")),
    "``||x1 - x2 + eps||_p`` along the last axis.\n\nExample:\n"
    "    >>> ft.nn.PairwiseDistance()(ft.ones((2, 3)), ft.zeros((2, 3))).shape\n    (2,)\n",
    module=__name__), "Inputs ``(N, D)`` or ``(D,)``; output ``(N,)`` or ``()`` (``(N, 1)``, "
    "``(1,)`` with ``keepdim``).")


class BatchNorm3d(_BatchNorm):
    """Batch normalisation of ``(N, C, D, H, W)`` inputs: each channel is normalised by its
    mean and variance over the batch and the three spatial axes, then scaled and shifted.

    Shape:
        Input ``(N, C, D, H, W)``; output the same shape.

    Example:
        >>> ft.nn.BatchNorm3d(2)(ft.randn(3, 2, 2, 2, 2)).shape
        (3, 2, 2, 2, 2)
    """

    _dims = (5,)
