"""LayerNorm, GroupNorm, BatchNorm1d/2d.

BatchNorm's running statistics are buffers. In PyTorch-style code (``model.train()``,
calling the module) they are replaced on the module after each batch; under
``ft.nn.functional_call`` (and inside transforms, which run on a rebuilt copy of the
module) only the copy changes and ``functional_call`` returns the new values.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import funtorch as ft
from funtorch.core import Tracer
from funtorch.nn import functional as F
from funtorch.nn._layer_docs import SAME_SHAPE, method_doc, repr_doc
from funtorch.nn._layer_utils import check_sizes, make_param
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike, DTypeLike

__all__ = ["LayerNorm", "GroupNorm", "BatchNorm1d", "BatchNorm2d"]


def _filled(shape, value, dtype):
    return ft.full(shape, value, dtype=dtype or ft.get_default_dtype())


class LayerNorm(Module):
    """Layer normalisation: each sample is normalised by the mean and (biased) variance of its
    trailing ``normalized_shape`` axes, then scaled by ``weight`` and shifted by ``bias``.

    Args:
        normalized_shape: the shape of the trailing axes to normalise over (an int for the
            last axis alone).
        eps: added to the variance for numerical stability.
        elementwise_affine: learn ``weight`` (ones) and ``bias`` (zeros) of shape
            ``normalized_shape`` (False: both are None).
        bias: with ``elementwise_affine``, learn ``bias`` too (False: ``bias`` is None).
        device: the device of the parameters (``"cpu"``; see ``Array.to``), or None.
        dtype: the parameters' float dtype; None for ``ft.get_default_dtype()``.

    Shape:
        Input ``(*, *normalized_shape)``; output the same shape.

    Example:
        >>> ft.nn.LayerNorm(2)(ft.array([[1.0, 3.0]])).tolist()  # (x - 2) / 1
        [[-1.0, 1.0]]
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: Any = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(
            normalized_shape)
        self.normalized_shape, self.eps = shape, eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = make_param(_filled(shape, 1.0, dtype), device)
            if bias:
                self.bias = make_param(_filled(shape, 0.0, dtype), device)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    @method_doc("Normalise ``input`` over its trailing ``normalized_shape`` axes, then scale and "
                "shift.", args="an array ``(*, *normalized_shape)``.", returns=SAME_SHAPE,
                example=">>> nn.LayerNorm(4).forward(ft.array([0.0, 0.0, 2.0, 2.0])).tolist()"
                        "  # mean 1, var 1\n[-1.0, -1.0, 1.0, 1.0]")
    def forward(self, input: ArrayLike) -> Array:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    @repr_doc("nn.LayerNorm(4)", "'(4,), eps=1e-05, elementwise_affine=True'")
    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class GroupNorm(Module):
    """Group normalisation: the channels are split into ``num_groups`` groups and each
    sample's group is normalised by its mean and variance, then every channel is scaled and
    shifted.

    Args:
        num_groups: how many groups (it divides ``num_channels``).
        num_channels: ``C``, the input's channel count.
        eps: added to the variance for numerical stability.
        affine: learn a per-channel ``weight`` (ones) and ``bias`` (zeros) of shape ``(C,)``.
        device: the device of the parameters (``"cpu"``; see ``Array.to``), or None.
        dtype: the parameters' float dtype; None for ``ft.get_default_dtype()``.

    Raises:
        ValueError: a size that is not a non-negative integer, ``num_groups=0``, or
            ``num_channels`` not divisible by ``num_groups``.

    Shape:
        Input ``(N, C, *)``; output the same shape.

    Example:
        >>> ft.nn.GroupNorm(1, 2)(ft.array([[1.0, 3.0]])).tolist()  # (x - 2) / 1
        [[-1.0, 1.0]]
        >>> ft.nn.GroupNorm(2, 4)(ft.randn(3, 4, 5)).shape
        (3, 4, 5)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float | None = 1e-5,
                 affine: bool = True, device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        check_sizes(self, num_groups=num_groups, num_channels=num_channels)
        if num_groups == 0:
            raise ValueError("GroupNorm: num_groups must be positive, got num_groups=0")
        if num_channels % num_groups:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups, self.num_channels, self.eps, self.affine = (num_groups, num_channels,
                                                                     eps, affine)
        if affine:
            self.weight = make_param(_filled((num_channels,), 1.0, dtype), device)
            self.bias = make_param(_filled((num_channels,), 0.0, dtype), device)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    @method_doc("Normalise each sample's channel groups of ``input``, then scale and shift.",
                args="an array ``(N, C, *)``.", returns=SAME_SHAPE,
                example=">>> nn.GroupNorm(2, 4).forward(ft.array([[1.0, 3.0, 5.0, 5.0]])).tolist()"
                        "\n[[-1.0, 1.0, 0.0, 0.0]]")
    def forward(self, input: ArrayLike) -> Array:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    @repr_doc("nn.GroupNorm(2, 4)", "'2, 4, eps=1e-05, affine=True'")
    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


_STATS_ARGS = """Args:
    num_features: ``C``, the number of channels.
    eps: added to the variance for numerical stability.
    momentum: the running statistics' update weight, ``running = (1 - momentum) * running
        + momentum * batch`` (the variance's batch value unbiased, as torch);
        {none}.
    affine: learn a per-channel scale ``weight`` (ones) and shift ``bias`` (zeros) of shape
        ``(C,)`` (default {affine}).
    track_running_stats: keep ``running_mean``/``running_var`` (and
        ``num_batches_tracked``) buffers, updated in training mode and used in eval mode;
        False normalises with the input's own statistics in both modes (default {track}).
    device: the device of the parameters and buffers (``"cpu"``; see ``Array.to``), or None.
    dtype: their float dtype; None for ``ft.get_default_dtype()``.

Raises:
    ValueError: ``num_features`` is not a non-negative integer; when called, an input of
        the wrong rank.

"""


class _BatchNorm(Module):
    """Base of BatchNorm and InstanceNorm: a subclass's docstring gets the Args and Raises
    sections (with its own defaults) from ``_STATS_ARGS`` before its ``Shape:``."""

    _dims = (2, 3)
    _momentum_none = "None: a cumulative average, ``1 / num_batches_tracked``"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        doc = inspect.cleandoc(cls.__doc__ or "")
        if "\nShape:" in doc and "\nArgs:" not in doc:
            params = inspect.signature(cls).parameters
            sections = _STATS_ARGS.format(none=cls._momentum_none,
                                          affine=params["affine"].default,
                                          track=params["track_running_stats"].default)
            head, _, rest = doc.partition("\nShape:")
            cls.__doc__ = f"{head.rstrip()}\n\n{sections}Shape:{rest}"

    def __init__(self, num_features: int, eps: float | None = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        check_sizes(self, num_features=num_features)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = make_param(_filled((num_features,), 1.0, dtype), device)
            self.bias = make_param(_filled((num_features,), 0.0, dtype), device)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", _filled((num_features,), 0.0, dtype))
            self.register_buffer("running_var", _filled((num_features,), 1.0, dtype))
            self.register_buffer("num_batches_tracked", ft.array(0, dtype=ft.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        if device is not None:
            self.to(device)

    @method_doc("Normalise each channel of ``input`` (batch statistics in training mode, running "
                "ones in eval mode), then scale and shift.",
                args="``(N, C)`` or ``(N, C, L)`` for BatchNorm1d, ``(N, C, H, W)`` for 2d, "
                     "``(N, C, D, H, W)`` for 3d.",
                returns="An array of ``input``'s shape and dtype. In training mode the running "
                        "statistics are updated too.",
                raises="ValueError: ``input`` has the wrong number of axes.\nTypeError: running "
                       "statistics to store from inside ``ft.jit`` or ``ft.vmap``.",
                example=">>> bn = nn.BatchNorm1d(1)\n"
                        ">>> bn.forward(ft.array([[1.0], [3.0]])).tolist()  # (x - 2) / 1\n"
                        "[[-1.0], [1.0]]\n"
                        ">>> bn.running_mean.tolist(), bn.running_var.tolist()  # 0.1 * (2, 2) + "
                        "0.9 * (0, 1)\n([0.2], [1.1])")
    def forward(self, input: ArrayLike) -> Array:
        if input.ndim not in self._dims:
            raise ValueError(f"{type(self).__name__}: expected {' or '.join(map(str, self._dims))}"
                             f"-d input, got {input.ndim}-d input of shape {tuple(input.shape)}")
        update = self.training and self.track_running_stats
        momentum = self.momentum
        if update:
            self.num_batches_tracked = self.num_batches_tracked + 1
            if momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked.item())
        batch_stats = self.training or self.running_mean is None
        out, mean, var = F.batch_norm(input, self.running_mean, self.running_var, self.weight,
                                      self.bias, batch_stats, momentum or 0.0, self.eps,
                                      return_stats=True)
        if update:
            self.running_mean = self._stored(self.running_mean, mean)
            self.running_var = self._stored(self.running_var, var)
        return out

    def _stored(self, old, new):
        """The value to keep in a concrete buffer: statistics carry no gradient, so under
        grad/jvp the primal is stored; under jit/vmap there is no single value to store."""
        if isinstance(old, Tracer) or self.__dict__.get("_functional_copy"):
            return new  # a module rebuilt from tracers, or functional_call's private copy
        while isinstance(new, Tracer) and hasattr(new, "primal"):
            new = new.primal
        if isinstance(new, Tracer):
            raise TypeError(f"{type(self).__name__}: cannot write running statistics into "
                            "its buffers from inside ft.jit or ft.vmap (they would hold traced "
                            "values); use ft.nn.functional_call, which returns the updated "
                            "buffers, or call .eval() first")
        return new

    def reset_running_stats(self) -> None:
        """Restart the running statistics: mean 0, variance 1, no batches tracked.

        Example:
            >>> bn = nn.BatchNorm1d(1)
            >>> _ = bn(ft.array([[1.0], [3.0]]))
            >>> bn.reset_running_stats()
            >>> bn.running_mean.tolist(), bn.running_var.tolist(), int(bn.num_batches_tracked)
            ([0.0], [1.0], 0)
        """
        if self.track_running_stats:
            self.running_mean = ft.zeros_like(self.running_mean)
            self.running_var = ft.ones_like(self.running_var)
            self.num_batches_tracked = ft.zeros_like(self.num_batches_tracked)

    @repr_doc("nn.BatchNorm1d(3)",
              "'3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True'")
    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of ``(N, C)`` or ``(N, C, L)`` inputs: each channel is normalised
    by its mean and variance over the batch (and length), then scaled and shifted.

    Shape:
        Input ``(N, C)`` or ``(N, C, L)``; output the same shape.

    Example:
        >>> bn = ft.nn.BatchNorm1d(3)
        >>> out = bn(ft.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]))
        >>> out[:, 0].tolist(), bn.running_mean.tolist()  # (x - 2) / 1; momentum 0.1
        ([-1.0, 1.0], [0.2, 0.2, 0.2])
    """

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of ``(N, C, H, W)`` inputs: each channel is normalised by its
    mean and variance over the batch and both spatial axes, then scaled and shifted.

    Shape:
        Input ``(N, C, H, W)``; output the same shape.

    Example:
        >>> bn = ft.nn.BatchNorm2d(3); _ = bn(ft.randn(4, 3, 2, 2))
        >>> int(bn.num_batches_tracked)
        1
    """

    _dims = (4,)
