"""Functional forms of the parameterised layers: linear, dropout, norms, attention
(embedding: ``embedding.py``). Pure: state updates (BatchNorm running statistics) are
returned."""

from __future__ import annotations

import math
from typing import Any

import funtorch as ft
from funtorch.nn.functional._checks import first_out_of_range
from funtorch.typing import Array, ArrayLike, Key, ShapeLike

__all__ = ["linear", "bilinear", "dropout", "dropout2d", "layer_norm", "group_norm", "batch_norm",
           "scaled_dot_product_attention", "one_hot"]


def linear(input: ArrayLike, weight: ArrayLike | None, bias: ArrayLike | None = None) -> Array:
    """``input @ weight.T + bias``: ``(*, in_features) -> (*, out_features)``.

    Args:
        input: ``(*, in_features)``.
        weight: ``(out_features, in_features)`` (or 1-d ``(in_features,)``, giving no
            feature axis).
        bias: optional ``(out_features,)`` (or anything broadcasting with the product).

    Returns:
        ``(*, out_features)`` of the promoted dtype.

    Example:
        >>> F.linear(ft.ones((2, 3)), ft.ones((4, 3)), ft.zeros(4)).tolist()
        [[3.0, 3.0, 3.0, 3.0], [3.0, 3.0, 3.0, 3.0]]
    """
    out = ft.matmul(input, ft.swapaxes(weight, -1, -2)) if weight.ndim > 1 else ft.matmul(
        input, weight)
    return out if bias is None else out + bias


def bilinear(input1: ArrayLike, input2: ArrayLike, weight: ArrayLike | None,
             bias: ArrayLike | None = None) -> Array:
    """``x1^T A_o x2 + b_o`` for each output feature ``o``: ``(*, in1), (*, in2) -> (*, out)``.

    Args:
        input1: ``(*, in1_features)``.
        input2: ``(*, in2_features)`` (the same leading shape).
        weight: ``(out_features, in1_features, in2_features)``.
        bias: optional ``(out_features,)``.

    Returns:
        ``(*, out_features)``.

    Example:
        >>> F.bilinear(ft.ones((5, 2)), ft.ones((5, 3)), ft.ones((4, 2, 3))).tolist()[0]  # 2 * 3
        [6.0, 6.0, 6.0, 6.0]
    """
    out = ft.einsum("...i,oij,...j->...o", input1, weight, input2)
    return out if bias is None else out + bias


def _keep_mask(shape, keep, key, device):
    if key is not None:
        return ft.random.bernoulli(key, keep, shape)
    return ft.rand(*shape, device=device) < keep


def dropout(input: ArrayLike, p: float = 0.5, training: bool = True, inplace: bool = False,
            key: Key | None = None) -> Array:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    Randomness comes from ``key`` (an ``ft.random`` key) in functional code, or from the
    global generator (``ft.manual_seed``) when ``key`` is ``None``.

    Args:
        input: an array of any shape.
        p: the probability of zeroing each element, in [0, 1].
        training: apply dropout (False returns ``input`` unchanged).
        inplace: accepted for PyTorch compatibility (a new array is returned).
        key: a ``ft.random`` key, or None for the global generator.

    Returns:
        An array of ``input``'s shape and dtype.

    Raises:
        ValueError: ``p`` outside [0, 1].

    Example:
        >>> F.dropout(ft.ones(4), 0.5, key=ft.random.key(0)).shape
        (4,)
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    keep = _keep_mask(tuple(input.shape), 1.0 - p, key, input.device)
    return ft.where(keep, input / (1.0 - p), 0.0)


def dropout2d(input: ArrayLike, p: float = 0.5, training: bool = True, inplace: bool = False,
              key: Key | None = None) -> Array:
    """Zero whole channels (each ``H x W`` plane with probability ``p``) of ``(N, C, H, W)`` or
    ``(C, H, W)`` inputs, scaling the kept ones by ``1 / (1 - p)``.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        p: the probability that a channel is zeroed, in [0, 1].
        training: apply dropout (False: identity).
        inplace: accepted for PyTorch compatibility (a new array is returned).
        key: a ``ft.random`` key; None draws from the global generator.

    Returns:
        An array of ``input``'s shape and dtype.

    Raises:
        ValueError: ``p`` outside [0, 1], or an input that is not 3-d or 4-d.

    Example:
        >>> F.dropout2d(ft.ones((1, 2, 1, 1)), 0.5, training=False).tolist()  # eval: identity
        [[[[1.0]], [[1.0]]]]
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if input.ndim not in (3, 4):
        raise ValueError(f"dropout2d: expected a 3-d or 4-d input, got shape {input.shape}")
    channels = tuple(input.shape[:-2]) + (1, 1)
    if p == 1.0:
        return input * 0.0
    keep = _keep_mask(channels, 1.0 - p, key, input.device)
    return ft.where(keep, input / (1.0 - p), 0.0)


def _normalize(x, axes, eps):
    mean = ft.mean(x, axis=axes, keepdims=True)
    centered = x - mean
    var = ft.mean(centered * centered, axis=axes, keepdims=True)
    return centered / ft.sqrt(var + eps)


def layer_norm(input: ArrayLike, normalized_shape: ShapeLike, weight: ArrayLike | None = None,
               bias: ArrayLike | None = None, eps: float = 1e-5) -> Array:
    """Normalise over the trailing ``normalized_shape`` axes, then scale and shift.

    ``(x - mean) / sqrt(var + eps) * weight + bias`` with the mean and biased variance over
    those axes.

    Args:
        input: ``(*, *normalized_shape)``.
        normalized_shape: an int or the tuple of trailing axes to normalise over.
        weight: optional scale of shape ``normalized_shape``.
        bias: optional shift of shape ``normalized_shape``.
        eps: added to the variance.

    Returns:
        An array of ``input``'s shape and dtype.

    Raises:
        ValueError: the input's trailing shape is not ``normalized_shape``.

    Example:
        >>> F.layer_norm(ft.array([[1.0, 3.0]]), (2,)).tolist()
        [[-1.0, 1.0]]
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(
        normalized_shape)
    if tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise ValueError(f"layer_norm: expected input with trailing shape {shape}, got "
                         f"{tuple(input.shape)}")
    # one primitive with torch's float32 statistics for float16 (nn/normalization_fused.py)
    from funtorch.nn.normalization_fused import fused_layer_norm  # noqa: PLC0415 (cycle)

    return fused_layer_norm(input, len(shape), weight, bias, eps)


def _channel_shape(x, n):
    return (1, n) + (1,) * (x.ndim - 2)


def group_norm(input: ArrayLike, num_groups: int, weight: ArrayLike | None = None,
               bias: ArrayLike | None = None, eps: float = 1e-5) -> Array:
    """Normalise each group of channels of ``(N, C, *)`` inputs, then an affine per channel.

    The ``C`` channels split into ``num_groups`` groups of ``C / num_groups``; each sample's
    group is normalised by its mean and biased variance.

    Args:
        input: ``(N, C, *)``.
        num_groups: the number of groups (divides ``C``).
        weight: optional per-channel scale ``(C,)``.
        bias: optional per-channel shift ``(C,)``.
        eps: added to the variance.

    Returns:
        An array of ``input``'s shape.

    Raises:
        ValueError: the channel count is not divisible by ``num_groups``.

    Example:
        >>> F.group_norm(ft.array([[1.0, 3.0]]), 1).tolist()
        [[-1.0, 1.0]]
    """
    n, c = input.shape[:2]
    if c % num_groups:
        raise ValueError(f"group_norm: num_channels ({c}) must be divisible by num_groups "
                         f"({num_groups})")
    grouped = ft.reshape(input, (n, num_groups, -1))
    out = ft.reshape(_normalize(grouped, (2,), eps), input.shape)
    if weight is not None:
        out = out * ft.reshape(weight, _channel_shape(input, c))
    return out if bias is None else out + ft.reshape(bias, _channel_shape(input, c))


def batch_norm(input: ArrayLike, running_mean: ArrayLike | None, running_var: ArrayLike | None,
               weight: ArrayLike | None = None, bias: ArrayLike | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5,
               return_stats: bool = False) -> Any:
    """Batch normalisation of ``(N, C)`` or ``(N, C, *)`` inputs over all axes but C.

    In training (or without running statistics) each channel is normalised by its batch
    mean and biased variance, else by ``running_mean``/``running_var``. Unlike PyTorch's
    in-place update, the new running statistics are *returned* when ``return_stats=True``:
    ``new = (1 - momentum) * old + momentum * batch`` (unbiased batch variance);
    ``momentum=None`` is not handled here (the BatchNorm layers pass the cumulative factor).
    They carry no gradient.

    Args:
        input: ``(N, C)`` or ``(N, C, *)``.
        running_mean: ``(C,)`` or None.
        running_var: ``(C,)`` or None.
        weight: optional per-channel scale ``(C,)``.
        bias: optional per-channel shift ``(C,)``.
        training: normalise with the batch statistics (and update the running ones).
        momentum: the weight of the batch statistics in the running-statistics update.
        eps: added to the variance.
        return_stats: also return the (updated in training) running statistics.

    Returns:
        An array of ``input``'s shape; with ``return_stats``, ``(out, new_mean, new_var)``
        (the running statistics as given unless training with them).

    Raises:
        ValueError: an input that is not ``(N, C)`` or ``(N, C, *)``; running
            statistics or affine parameters not of shape ``(C,)``; one value per channel
            in training.

    Example:
        >>> F.batch_norm(ft.array([[1.0], [3.0]]), None, None, training=True).tolist()
        [[-1.0], [1.0]]
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an (N, C) or (N, C, *) input, got shape "
                         f"{tuple(input.shape)}")
    c = input.shape[1]
    for name, stat in (("running_mean", running_mean), ("running_var", running_var),
                       ("weight", weight), ("bias", bias)):
        if stat is not None and tuple(stat.shape) != (c,):
            raise ValueError(f"batch_norm: {name} has shape {tuple(stat.shape)} but the input "
                             f"{tuple(input.shape)} has {c} channels (axis 1)")
    axes = (0,) + tuple(range(2, input.ndim))
    shape = _channel_shape(input, c)
    use_batch = training or running_mean is None
    if training and input.size // c <= 1:
        raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                         f"got input size {tuple(input.shape)}")
    if use_batch:
        mean = ft.mean(input, axis=axes)
        var = ft.var(input, axis=axes)
    else:
        mean, var = running_mean, running_var
    out = (input - ft.reshape(mean, shape)) / ft.sqrt(ft.reshape(var, shape) + eps)
    if weight is not None:
        out = out * ft.reshape(weight, shape)
    if bias is not None:
        out = out + ft.reshape(bias, shape)
    if not return_stats:
        return out
    if not (training and running_mean is not None):
        return out, running_mean, running_var
    count = input.size // c
    batch_mean = ft.stop_gradient(mean)
    batch_var = ft.stop_gradient(var) * (count / (count - 1))
    new_mean = (1.0 - momentum) * running_mean + momentum * batch_mean
    new_var = (1.0 - momentum) * running_var + momentum * batch_var
    return out, new_mean.astype(running_mean.dtype), new_var.astype(running_var.dtype)


def attention_with_weights(query, key, value, attn_mask=None, dropout_p=0.0,
                           is_causal=False, scale=None, dropout_key=None):
    """:func:`scaled_dot_product_attention` that also returns the attention weights:
    ``(out, weights)`` (what ``MultiheadAttention`` needs for ``need_weights``).

    Runs the fused attention primitive (``attention_fused.py``): its backward pass keeps
    only the ``(..., L, S)`` weights (and the boolean dropout mask)."""
    from funtorch.nn.functional.attention_fused import fused_attention  # noqa: PLC0415

    mask = None
    if is_causal:
        length, source = query.shape[-2], key.shape[-2]
        allowed = ft.tril(ft.ones((length, source), dtype=ft.bool_, device=query.device))
        mask = ft.where(allowed, 0.0, -math.inf).astype(query.dtype)
    if attn_mask is not None:
        if attn_mask.dtype.kind == "b":
            attn_mask = ft.where(attn_mask, 0.0, -math.inf).astype(query.dtype)
        mask = attn_mask if mask is None else mask + attn_mask
    return fused_attention(query, key, value, mask, scale, need_weights=True,
                           dropout_p=dropout_p, dropout_key=dropout_key)


def scaled_dot_product_attention(query: ArrayLike, key: ArrayLike, value: ArrayLike,
                                 attn_mask: ArrayLike | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False, dropout_key: Key | None = None) -> Array:
    """softmax(q k^T * scale + mask) v, as ``torch.nn.functional.scaled_dot_product_attention``.

    Args:
        query: ``(..., L, E)``.
        key: ``(..., S, E)``.
        value: ``(..., S, Ev)``.
        attn_mask: boolean (True = may attend) or additive float mask broadcasting to
            ``(..., L, S)``.
        dropout_p: dropout on the attention weights (always applied when > 0, as in
            PyTorch); its randomness comes from ``dropout_key`` or the global generator.
        is_causal: mask out future positions.
        scale: defaults to ``1 / sqrt(E)``.
        enable_gqa: grouped-query attention: ``query`` has a multiple of ``key``'s heads
            (axis -3); each key/value head serves that many query heads.
        dropout_key: a ``ft.random`` key for the dropout; None uses the global generator.

    Returns:
        The attended values, ``(..., L, Ev)``.

    Raises:
        ValueError: ``enable_gqa`` with head counts that do not divide.

    Example:
        >>> F.scaled_dot_product_attention(ft.ones((2, 3, 4)), ft.ones((2, 5, 4)),
        ...                                ft.ones((2, 5, 6))).shape
        (2, 3, 6)
    """
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        heads, kv_heads = query.shape[-3], key.shape[-3]
        if heads % kv_heads:
            raise ValueError(f"scaled_dot_product_attention: enable_gqa needs the query's "
                             f"{heads} heads to be a multiple of the key's {kv_heads}")
        key = ft.repeat(key, heads // kv_heads, axis=-3)
        value = ft.repeat(value, heads // kv_heads, axis=-3)
    return attention_with_weights(query, key, value, attn_mask, dropout_p, is_causal, scale,
                                  dropout_key)[0]


def one_hot(tensor: ArrayLike, num_classes: int = -1) -> Array:
    """Integer classes -> int64 one-hot vectors along a new last axis.

    Args:
        tensor: integer class indices, any shape.
        num_classes: the length of the new axis; ``-1`` takes the largest class + 1.

    Returns:
        An int64 array of shape ``tensor.shape + (num_classes,)``.

    Raises:
        RuntimeError: non-integer classes, or (for concrete inputs) a class that is
            negative or not smaller than ``num_classes``, as torch.

    Example:
        >>> F.one_hot(ft.array([0, 2]), 3).tolist()
        [[1, 0, 0], [0, 0, 1]]
    """
    tensor = ft.asarray(tensor)
    if tensor.dtype.kind not in "iu":
        raise RuntimeError(f"one_hot is only applicable to index tensor of integer type, got "
                           f"{tensor.dtype}; convert the classes with .long()")
    if num_classes < 0:
        num_classes = int(ft.max(tensor).item()) + 1
    bad = first_out_of_range(tensor, num_classes)
    if bad is not None:
        raise RuntimeError(f"one_hot: class values must be non-negative and smaller than "
                           f"num_classes={num_classes}, got {bad}")
    return (ft.expand_dims(tensor, -1) == ft.arange(num_classes, device=tensor.device)).astype(
        ft.int64)
