"""The rest of ``torch.*``: the layer functions torch also offers at top level (over
``ft.nn.functional``); the random draws (:mod:`.torch_extra_random`) and the predicates
(:mod:`.torch_extra_misc`) are re-exported from here.

``nn`` sits above ``ops``; each adapter imports it when called.
"""

from __future__ import annotations

import builtins
import importlib
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import Array
from funtorch.ops.torch_args import as_array, forward
from funtorch.ops.torch_extra_misc import bucketize, detach, histc, is_floating_point, \
    is_grad_enabled, is_tensor, range, unique_consecutive
from funtorch.ops.torch_extra_random import bernoulli, get_rng_state, initial_seed, \
    multinomial, normal, poisson, rand_like, randint_like, randn_like, randperm, seed, \
    set_rng_state
from funtorch.typing import ArrayLike, Axis, DTypeLike, ShapeLike

_F = "funtorch.nn.functional"
_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}  # torch's internal integer `reduction`


def _functional():
    return importlib.import_module(_F)


def _reduction(reduction):
    return _REDUCTIONS.get(reduction, reduction)


# same arguments as ft.nn.functional's; where torch has ONE object under both names
# (torch.X is torch.nn.functional.X), funtorch/__init__.py binds ft.X to F.X itself
# examples checked by hand: celu(-1) = exp(-1) - 1; selu(1) = its scale 1.0507...
_EXAMPLES = {
    "layer_norm": ("ft.layer_norm(ft.array([[1.0, 3.0]]), (2,), eps=0.0).tolist()",
                   "[[-1.0, 1.0]]"),
    "group_norm": ("ft.group_norm(ft.array([[[1.0], [3.0]]]), 1, eps=0.0).tolist()",
                   "[[[-1.0], [1.0]]]"),
    "celu": ("ft.celu(ft.array([-1.0, 2.0])).tolist()", "[-0.6321, 2.0]"),
    "selu": ("ft.selu(ft.array([0.0, 1.0])).tolist()", "[0.0, 1.0507]"),
}
conv1d, conv2d, layer_norm, group_norm, celu, selu = (
    forward(_F, name, example=_EXAMPLES.get(name))
    for name in ("conv1d", "conv2d", "layer_norm", "group_norm", "celu", "selu"))
hardshrink, prelu, pixel_shuffle, pixel_unshuffle = (
    forward(_F, name) for name in ("hardshrink", "prelu", "pixel_shuffle", "pixel_unshuffle"))


def softmax(input: ArrayLike, dim: Axis, dtype: DTypeLike = None) -> Array:  # noqa: A002
    """``exp(x) / sum(exp(x))`` along ``dim`` (torch.softmax).

    Args:
        input: an array-like.
        dim: the axis to normalise along.
        dtype: cast ``input`` to this dtype first.

    Returns:
        An array of ``input``'s shape, summing to 1 along ``dim``.

    Example:
        >>> ft.softmax(ft.log(ft.array([1.0, 3.0])), 0).tolist()
        [0.25, 0.75]
    """
    return _functional().softmax(input, dim=dim, dtype=dtype)


def log_softmax(input: ArrayLike, dim: Axis, dtype: DTypeLike = None) -> Array:  # noqa: A002
    """``x - logsumexp(x)`` along ``dim`` (torch.log_softmax).

    Args:
        input: an array-like.
        dim: the axis to normalise along.
        dtype: cast ``input`` to this dtype first.

    Returns:
        An array of ``input``'s shape.

    Example:
        >>> ft.log_softmax(ft.array([0.0, 0.0]), 0).tolist()  # log(1 / 2)
        [-0.6931, -0.6931]
    """
    return _functional().log_softmax(input, dim=dim, dtype=dtype)


def dropout(input: ArrayLike, p: ArrayLike, train: bool) -> Array:  # noqa: A002
    """Zero elements with probability ``p`` and scale by ``1 / (1 - p)`` when ``train``.

    Args:
        input: an array-like.
        p: the probability of zeroing an element.
        train: drop (True) or return ``input`` unchanged (False).

    Returns:
        An array of ``input``'s shape and dtype; the draws use the global generator.

    Example:
        >>> ft.dropout(ft.ones(3), 0.5, False).tolist()
        [1.0, 1.0, 1.0]
        >>> set(ft.dropout(ft.ones(100), 0.5, True).tolist()) <= {0.0, 2.0}
        True
    """
    return _functional().dropout(input, p, training=train)


def batch_norm(input: ArrayLike, weight: ArrayLike, bias: ArrayLike | None,  # noqa: A002
               running_mean: ArrayLike | None, running_var: ArrayLike | None, training: bool,
               momentum: float, eps: float | None, cudnn_enabled: bool = True) -> Array:
    """torch.batch_norm (torch's argument order; ``F.batch_norm`` holds the maths).

    Args:
        input: an array ``(N, C)`` or ``(N, C, *)``.
        weight: the per-channel scale (C,), or None.
        bias: the per-channel shift (C,), or None.
        running_mean: the per-channel mean (C,) used when not ``training``, or None.
        running_var: the per-channel variance (C,) used when not ``training``, or None.
        training: normalise with the batch statistics (over every dim but C); the running
            ones are not updated (arrays are immutable: ``F.batch_norm(...,
            return_stats=True)`` returns them).
        momentum: the running statistics' update rate (used by ``F.batch_norm``).
        eps: added to the variance.
        cudnn_enabled: accepted for torch compatibility (no effect).

    Returns:
        An array of ``input``'s shape.

    Example:
        >>> x = ft.array([[1.0], [3.0]])  # N=2, C=1: mean 2, variance 1
        >>> ft.batch_norm(x, None, None, None, None, True, 0.1, 0.0).tolist()
        [[-1.0], [1.0]]
    """
    return _functional().batch_norm(input, running_mean, running_var, weight, bias, training,
                                    momentum, eps)


def instance_norm(input: ArrayLike, weight: ArrayLike | None = None, bias: ArrayLike | None = None,
                  running_mean: ArrayLike | None = None, running_var: ArrayLike | None = None,
                  use_input_stats: bool = True, momentum: float = 0.1, eps: float | None = 1e-5,
                  cudnn_enabled: bool = True) -> Array:  # noqa: A002
    """Normalise each sample's channel over its spatial dims (instance statistics).

    Args:
        input: an array ``(N, C, *)``.
        weight: the per-channel scale (C,), or None.
        bias: the per-channel shift (C,), or None.
        running_mean: the per-channel mean (C,), used when not ``use_input_stats``.
        running_var: the per-channel variance (C,), used when not ``use_input_stats``.
        use_input_stats: normalise with each instance's statistics (True) or the running
            ones.
        momentum: the running statistics' update rate (they are not updated in place).
        eps: added to the variance.
        cudnn_enabled: accepted for torch compatibility (no effect).

    Returns:
        An array of ``input``'s shape.

    Example:
        >>> ft.instance_norm(ft.array([[[1.0, 3.0]]]), eps=0.0).tolist()
        [[[-1.0, 1.0]]]
    """
    x = as_array(input)
    if not use_input_stats:
        return batch_norm(x, weight, bias, running_mean, running_var, False, momentum, eps)
    batch, channels = x.shape[:2]
    grouped = ops.reshape(x, (1, batch * channels) + x.shape[2:])
    out = ops.reshape(_functional().batch_norm(grouped, None, None, None, None, True,
                                               momentum, eps), x.shape)
    shape = (1, channels) + (1,) * (x.ndim - 2)
    out = out if weight is None else out * ops.reshape(weight, shape)
    return out if bias is None else out + ops.reshape(bias, shape)


def rms_norm(input: ArrayLike, normalized_shape: ShapeLike, weight: ArrayLike | None = None,
             eps: float | None = None) -> Array:  # noqa: A002
    """``x / sqrt(mean(x^2) + eps)`` over the last ``len(normalized_shape)`` dims, times
    ``weight``; ``eps`` defaults to the dtype's machine epsilon, as torch.

    Args:
        input: a floating array-like.
        normalized_shape: the trailing shape normalised over (an int for one dim).
        weight: a scale of shape ``normalized_shape``, or None.
        eps: added to the mean square (None: ``finfo(dtype).eps``).

    Returns:
        An array of ``input``'s shape.

    Example:
        >>> ft.rms_norm(ft.array([[3.0, 4.0]]), (2,), eps=0.0).tolist()  # / sqrt(12.5)
        [[0.8485, 1.1314]]
    """
    x = as_array(input)
    n = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    eps = float(np.finfo(x.dtype).eps) if eps is None else eps
    axes = tuple(builtins.range(x.ndim - n, x.ndim))
    out = x * ops.reciprocal(ops.sqrt(ops.mean(x * x, axis=axes, keepdims=True) + eps))
    return out if weight is None else out * weight


def embedding(weight: ArrayLike, input: ArrayLike, padding_idx: int | None = -1,  # noqa: A002
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Array:
    """torch.embedding: rows of ``weight`` at ``input`` (torch's argument order).

    Args:
        weight: the table (num_embeddings, embedding_dim).
        input: integer indices of any shape.
        padding_idx: the row that gets no gradient (negative: none).
        scale_grad_by_freq: divide each row's gradient by its index's count in ``input``.
        sparse: must be False (funtorch has no sparse arrays).

    Returns:
        An array of shape ``input.shape + (embedding_dim,)``.

    Example:
        >>> ft.embedding(ft.array([[0.0, 1.0], [2.0, 3.0]]), ft.array([1, 0])).tolist()
        [[2.0, 3.0], [0.0, 1.0]]
    """
    return _functional().embedding(input, weight, None if padding_idx < 0 else padding_idx,
                                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def kl_div(input: ArrayLike, target: ArrayLike, reduction: str | int = 1,  # noqa: A002
           log_target: bool = False) -> Array:
    """torch.kl_div (``reduction`` may be torch's integer code): ``target * (log(target) -
    input)`` with ``input`` the log-probabilities.

    Args:
        input: log-probabilities.
        target: probabilities (log-probabilities with ``log_target``), of ``input``'s
            shape.
        reduction: ``"none"``, ``"batchmean"``, ``"mean"`` or ``"sum"``, or torch's code
            0 (none), 1 (mean), 2 (sum).
        log_target: ``target`` holds log-probabilities.

    Returns:
        The pointwise losses (``"none"``) or a 0-d array.

    Example:
        >>> q, p = ft.array([0.5, 0.5]), ft.array([0.25, 0.75])
        >>> round(ft.kl_div(ft.log(q), p, 2).item(), 4)  # .25 log .5 + .75 log 1.5
        0.1308
    """
    return _functional().kl_div(input, target, _reduction(reduction), log_target)


def binary_cross_entropy_with_logits(input: ArrayLike, target: ArrayLike,  # noqa: A002
                                     weight: ArrayLike | None = None,
                                     pos_weight: ArrayLike | None = None,
                                     reduction: str | int = 1) -> Array:
    """torch.binary_cross_entropy_with_logits (integer ``reduction`` codes accepted).

    Args:
        input: the logits.
        target: the labels in ``[0, 1]``, of ``input``'s shape.
        weight: a per-element weight broadcasting with ``input``, or None.
        pos_weight: a weight of the positive term, broadcasting with ``input``, or None.
        reduction: ``"none"``, ``"mean"`` or ``"sum"``, or torch's code 0, 1, 2.

    Returns:
        The pointwise losses (``"none"``) or a 0-d array.

    Example:
        >>> ft.binary_cross_entropy_with_logits(ft.zeros(2), ft.array([0.0, 1.0])).item()
        0.6931
    """
    return _functional().binary_cross_entropy_with_logits(
        input, target, weight, _reduction(reduction), pos_weight)


def threshold(input: ArrayLike, threshold: float, value: ArrayLike) -> Array:  # noqa: A002
    """``x`` where ``x > threshold``, else ``value``.

    Args:
        input: an array-like.
        threshold: the cutoff (elements equal to it are replaced).
        value: the replacement, cast to ``input``'s dtype.

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> ft.threshold(ft.array([-1.0, 1.0, 2.0]), 1.0, 0.0).tolist()
        [0.0, 0.0, 2.0]
    """
    x = as_array(input)
    return ops.where(x > threshold, x, ops.asarray(value, dtype=x.dtype))


def rrelu(input: ArrayLike, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          generator: Any = None) -> Array:  # noqa: A002
    """Leaky ReLU with a random slope in ``[lower, upper]`` when training, else the mean
    slope.

    Args:
        input: an array-like.
        lower: the smallest negative slope.
        upper: the largest negative slope.
        training: draw a slope per element (the global generator) instead of using
            ``(lower + upper) / 2``.
        generator: accepted for torch compatibility (the global generator is used).

    Returns:
        An array of ``input``'s shape.

    Example:
        >>> ft.rrelu(ft.array([-48.0, 2.0])).tolist()  # slope (1/8 + 1/3) / 2 = 11/48
        [-11.0, 2.0]
    """
    x = as_array(input)
    if not training:
        slope = (lower + upper) / 2
    else:
        slope = lower + (upper - lower) * rand_like(x)
    return ops.where(x >= 0, x, x * slope)


__all__ = ["conv1d", "conv2d", "layer_norm", "group_norm", "celu", "selu", "softmax",
           "log_softmax", "dropout", "batch_norm", "instance_norm", "rms_norm", "embedding",
           "kl_div", "binary_cross_entropy_with_logits", "hardshrink", "threshold", "prelu",
           "rrelu", "pixel_shuffle", "pixel_unshuffle", "rand_like", "randn_like",
           "randint_like", "randperm", "bernoulli", "multinomial", "normal", "poisson",
           "seed", "initial_seed", "get_rng_state", "set_rng_state", "is_tensor",
           "is_floating_point", "is_grad_enabled", "detach", "range", "histc", "bucketize",
           "unique_consecutive"]
