"""The rest of ``torch.*``: the layer functions torch also offers at top level (over
``ft.nn.functional``), random draws from the global generator, and predicates.

``nn``, ``generator`` and ``autograd`` sit above ``ops``; each adapter imports its
target when called.
"""

from __future__ import annotations

import builtins
import importlib
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import Array
from funtorch.ops.torch_args import as_array, forward, one_dim, refuse_derivative, refuse_out
from funtorch.typing import ArrayLike, Axis, DTypeLike, ShapeLike

_F = "funtorch.nn.functional"
_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}  # torch's internal integer `reduction`


def _functional():
    return importlib.import_module(_F)


def _generator():
    return importlib.import_module("funtorch.generator")


def _reduction(reduction):
    return _REDUCTIONS.get(reduction, reduction)


# same arguments as ft.nn.functional's; where torch has ONE object under both names
# (torch.X is torch.nn.functional.X), funtorch/__init__.py binds ft.X to F.X itself
conv1d, conv2d, layer_norm, group_norm, celu, selu = (
    forward(_F, name) for name in ("conv1d", "conv2d", "layer_norm", "group_norm", "celu", "selu"))
hardshrink, prelu, pixel_shuffle, pixel_unshuffle = (
    forward(_F, name) for name in ("hardshrink", "prelu", "pixel_shuffle", "pixel_unshuffle"))


def softmax(input: ArrayLike, dim: Axis, dtype: DTypeLike = None) -> Array:  # noqa: A002
    """``exp(x) / sum(exp(x))`` along ``dim`` (torch.softmax)."""
    return _functional().softmax(input, dim=dim, dtype=dtype)


def log_softmax(input: ArrayLike, dim: Axis, dtype: DTypeLike = None) -> Array:  # noqa: A002
    """``x - logsumexp(x)`` along ``dim`` (torch.log_softmax)."""
    return _functional().log_softmax(input, dim=dim, dtype=dtype)


def dropout(input: ArrayLike, p: ArrayLike, train: bool) -> Array:  # noqa: A002
    """Zero elements with probability ``p`` and scale by ``1 / (1 - p)`` when ``train``."""
    return _functional().dropout(input, p, training=train)


def batch_norm(input: ArrayLike, weight: ArrayLike, bias: ArrayLike | None,  # noqa: A002
               running_mean: ArrayLike | None, running_var: ArrayLike | None, training: bool,
               momentum: float, eps: float | None, cudnn_enabled: bool = True) -> Array:
    """torch.batch_norm (torch's argument order; ``F.batch_norm`` holds the maths)."""
    return _functional().batch_norm(input, running_mean, running_var, weight, bias, training,
                                    momentum, eps)


def instance_norm(input: ArrayLike, weight: ArrayLike | None = None, bias: ArrayLike | None = None,
                  running_mean: ArrayLike | None = None, running_var: ArrayLike | None = None,
                  use_input_stats: bool = True, momentum: float = 0.1, eps: float | None = 1e-5,
                  cudnn_enabled: bool = True) -> Array:  # noqa: A002
    """Normalise each sample's channel over its spatial dims (instance statistics)."""
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
    ``weight``; ``eps`` defaults to the dtype's machine epsilon, as torch."""
    x = as_array(input)
    n = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    eps = float(np.finfo(x.dtype).eps) if eps is None else eps
    axes = tuple(builtins.range(x.ndim - n, x.ndim))
    out = x * ops.reciprocal(ops.sqrt(ops.mean(x * x, axis=axes, keepdims=True) + eps))
    return out if weight is None else out * weight


def embedding(weight: ArrayLike, input: ArrayLike, padding_idx: int | None = -1,  # noqa: A002
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Array:
    """torch.embedding: rows of ``weight`` at ``input`` (torch's argument order)."""
    return _functional().embedding(input, weight, None if padding_idx < 0 else padding_idx)


def kl_div(input: ArrayLike, target: ArrayLike, reduction: str | int = 1,  # noqa: A002
           log_target: bool = False) -> Array:
    """torch.kl_div (``reduction`` may be torch's integer code)."""
    return _functional().kl_div(input, target, _reduction(reduction), log_target)


def binary_cross_entropy_with_logits(input: ArrayLike, target: ArrayLike,  # noqa: A002
                                     weight: ArrayLike | None = None,
                                     pos_weight: ArrayLike | None = None,
                                     reduction: str | int = 1) -> Array:
    """torch.binary_cross_entropy_with_logits (integer ``reduction`` codes accepted)."""
    return _functional().binary_cross_entropy_with_logits(
        input, target, weight, _reduction(reduction), pos_weight)




def threshold(input: ArrayLike, threshold: float, value: ArrayLike) -> Array:  # noqa: A002
    """``x`` where ``x > threshold``, else ``value``."""
    x = as_array(input)
    return ops.where(x > threshold, x, ops.asarray(value, dtype=x.dtype))




def rrelu(input: ArrayLike, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          generator: Any = None) -> Array:  # noqa: A002
    """Leaky ReLU with a random slope in ``[lower, upper]`` when training, else the mean
    slope."""
    x = as_array(input)
    if not training:
        slope = (lower + upper) / 2
    else:
        slope = lower + (upper - lower) * rand_like(x)
    return ops.where(x >= 0, x, x * slope)






# Random draws from the global generator (ft.manual_seed) -------------------------------


def rand_like(input: ArrayLike, *, dtype: DTypeLike = None, device: Any = None,  # noqa: A002
              requires_grad: bool = False) -> Array:
    """Uniform [0, 1) draws shaped like ``input``."""
    x = as_array(input)
    return _generator().rand(*x.shape, dtype=dtype or _float_of(x), requires_grad=requires_grad)


def randn_like(input: ArrayLike, *, dtype: DTypeLike = None, device: Any = None,  # noqa: A002
               requires_grad: bool = False) -> Array:
    """Standard normal draws shaped like ``input``."""
    x = as_array(input)
    return _generator().randn(*x.shape, dtype=dtype or _float_of(x),
                              requires_grad=requires_grad)


def randint_like(input: ArrayLike, low: int = 0, high: int | None = None, *,  # noqa: A002
                 dtype: DTypeLike = None, device: Any = None) -> Array:
    """Integers in ``[low, high)`` shaped like ``input`` (``randint_like(x, high)``)."""
    x = as_array(input)
    low, high = (0, low) if high is None else (low, high)
    return ops.astype(_generator().randint(low, high, x.shape), dtype or x.dtype)


def _float_of(x):
    if x.dtype.kind == "c":  # torch draws both parts; funtorch says how to
        raise TypeError(f"random draws of complex dtype ({x.dtype}) are not supported; draw "
                        "the parts and combine them: ft.complex(ft.randn_like(z.real), "
                        "ft.randn_like(z.real))")
    return x.dtype if x.dtype.kind == "f" else None


def randperm(n: int, *, dtype: DTypeLike = np.int64, device: Any = None,
             requires_grad: bool = False) -> Array:
    """A random permutation of ``0..n-1``.

    Example:
        >>> sorted(ft.randperm(4).tolist())
        [0, 1, 2, 3]
    """
    return ops.astype(ops.argsort(_generator().rand(int(n), dtype=np.float64)), dtype)


def bernoulli(input: ArrayLike, p: ArrayLike | None = None, *, generator: Any = None,  # noqa: A002
              out: Any = None) -> Array:
    """0/1 draws with probability ``input`` (or ``p``), in ``input``'s dtype."""
    refuse_out("bernoulli", out)
    x = as_array(input)
    probability = x if p is None else p
    return ops.astype(rand_like(x, dtype=np.float64) < probability, x.dtype)


def multinomial(input: ArrayLike, num_samples: int, replacement: bool = False, *,  # noqa: A002
                generator: Any = None) -> Array:
    """Draw ``num_samples`` category indices per row with probabilities ``input`` (not
    necessarily normalised); without replacement by Gumbel top-k."""
    p = as_array(input)
    logits = ops.log(ops.astype(p, np.float64))
    shape = p.shape[:-1] + (num_samples if replacement else p.shape[-1], p.shape[-1])
    if replacement:
        gumbel = -ops.log(-ops.log(_generator().rand(*shape, dtype=np.float64)))
        return ops.argmax(logits[..., None, :] + gumbel, axis=-1)
    if num_samples > p.shape[-1]:
        raise RuntimeError("multinomial(): cannot sample n_sample > prob_dist.size(-1) "
                           "samples without replacement")
    gumbel = -ops.log(-ops.log(_generator().rand(*p.shape, dtype=np.float64)))
    return ops.argsort(-(logits + gumbel), axis=-1)[..., :num_samples]


def normal(mean: ArrayLike | None, std: ArrayLike = 1.0, size: ShapeLike | None = None, *,
           generator: Any = None, out: Any = None, dtype: DTypeLike = None) -> Array:
    """Normal draws ``mean + std * randn`` (broadcast, or of ``size`` for scalars)."""
    refuse_out("normal", out)
    for arg in (mean, std):
        if getattr(arg, "dtype", None) is not None and arg.dtype.kind == "c":
            _float_of(arg)  # raises for complex, as for randn_like
    shape = tuple(size) if size is not None else np.broadcast_shapes(
        np.shape(mean) if not isinstance(mean, Array) else mean.shape,
        np.shape(std) if not isinstance(std, Array) else std.shape)
    return ops.add(mean, ops.multiply(std, _generator().randn(*shape, dtype=dtype)))


def poisson(input: ArrayLike, generator: Any = None) -> Array:  # noqa: A002
    """Poisson draws with rates ``input`` (counting unit-rate exponential arrivals)."""
    rate = as_array(input)
    seed = int(_generator().randint(0, 2 ** 31 - 1, ()).item())
    counts = np.random.default_rng(seed).poisson(np.asarray(rate.detach().numpy()))
    return ops.asarray(counts.astype(rate.dtype))


_SEED = [67280421310721]


def seed() -> int:
    """Seed the global generator from fresh entropy and return the seed."""
    value = int(np.random.SeedSequence().entropy % (2 ** 63))
    _SEED[0] = value
    _generator().manual_seed(value)
    return value


def initial_seed() -> int:
    """The seed ``ft.seed`` last chose (torch's default seed before that; the seeds given
    to ``ft.manual_seed`` are not recorded)."""
    return _SEED[0]


def get_rng_state() -> Any:
    """The global generator's state (its key array)."""
    return _generator().get_key()


def set_rng_state(new_state: Any) -> None:
    """Restore a state returned by :func:`get_rng_state` (a ``uint32[2]`` key)."""
    state = as_array(new_state)
    if state.dtype != np.uint32 or state.shape != (2,):
        raise TypeError(f"set_rng_state: expected a state from ft.get_rng_state() (uint32[2]), "
                        f"got {state.dtype}{list(state.shape)}")
    _generator().set_key(state)


# Predicates and misc -------------------------------------------------------------------


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a funtorch array.

    Example:
        >>> ft.is_tensor(ft.ones(1)), ft.is_tensor([1.0])
        (True, False)
    """
    return isinstance(obj, Array)


def is_floating_point(input: ArrayLike) -> bool:  # noqa: A002
    """Whether the dtype is a floating-point one.

    Example:
        >>> ft.is_floating_point(ft.ones(1)), ft.is_floating_point(ft.arange(2))
        (True, False)
    """
    return as_array(input).dtype.kind == "f"


is_grad_enabled = forward("funtorch.autograd", "is_grad_enabled")


def detach(input: ArrayLike) -> Array:  # noqa: A002
    """``torch.detach(x)``, the function form of ``x.detach()``: the same values cut out of
    the graph, so no gradient flows back through them (JAX's ``stop_gradient``).

    Args:
        input: an array (or array-like).

    Returns:
        The same values, a constant for every derivative transform and the tape.

    Example:
        >>> ft.grad(lambda x: x * ft.detach(x))(ft.array(3.0)).item()
        3.0
    """
    return ops.stop_gradient(input)


def range(start: ArrayLike = 0, end: ArrayLike | None = None,  # noqa: A001
          step: ArrayLike | None = 1, *, dtype: DTypeLike = None, device: Any = None,
          requires_grad: bool = False) -> Array:
    """``start, start + step, ..., end`` including ``end`` (deprecated in torch; prefer
    ``arange``); the default float dtype unless ``dtype`` is given.

    Example:
        >>> ft.range(0, 2, 0.5).tolist()  # torch.range includes the end
        [0.0, 0.5, 1.0, 1.5, 2.0]
    """
    if end is None:
        start, end = 0, start
    count = int(np.floor((end - start) / step)) + 1
    from funtorch.dtypes import get_default_dtype
    return ops.astype(start + step * ops.arange(max(count, 0)), dtype or get_default_dtype())


def histc(input: ArrayLike, bins: ArrayLike = 100, min: float = 0, max: float = 0, *,  # noqa: A002
          out: Any = None) -> Array:
    """Histogram of ``bins`` equal bins over ``[min, max]`` (the data range when equal).

    Example:
        >>> ft.histc(ft.array([1.0, 2.0, 1.0]), bins=4, min=0, max=3).tolist()
        [0.0, 2.0, 1.0, 0.0]
    """
    refuse_out("histc", out)
    x = as_array(input)
    refuse_derivative("histc", x)
    low, high = float(min), float(max)
    if low == high and x.size:
        low, high = float(ops.min(x).item()), float(ops.max(x).item())
    if low == high:
        low, high = low - 1, high + 1
    # torch's binning: equal widths over [min, max], max itself in the last bin
    flat = ops.reshape(x, (-1,))
    inside = ops.logical_and(flat >= low, flat <= high)
    index = ops.astype(ops.floor((flat - low) * (bins / (high - low))), np.int64)
    index = ops.where(inside, ops.clip(index, 0, bins - 1), bins)
    counts = ops.bincount(index, minlength=bins + 1)[:bins]
    return ops.astype(counts, x.dtype)


def bucketize(input: ArrayLike, boundaries: ArrayLike, *, out_int32: bool = False,  # noqa: A002
              right: bool = False, out: Any = None) -> Array:
    """Index of the bucket of each element: ``boundaries[i-1] < x <= boundaries[i]``
    (``right=True``: ``boundaries[i-1] <= x < boundaries[i]``).

    Example:
        >>> ft.bucketize(ft.array([0.5, 2.0, 3.5]), ft.array([1.0, 2.0, 3.0])).tolist()
        [0, 1, 3]
    """
    refuse_out("bucketize", out)
    index = ops.searchsorted(boundaries, input, side="right" if right else "left")
    return ops.astype(index, np.int32 if out_int32 else np.int64)


def unique_consecutive(input: ArrayLike, return_inverse: bool = False, return_counts: bool = False,
                       dim: Axis = None) -> Array:  # noqa: A002
    """Collapse runs of equal consecutive elements (flattened when ``dim`` is None).

    Example:
        >>> ft.unique_consecutive(ft.array([1, 1, 2, 2, 1])).tolist()
        [1, 2, 1]
    """
    x = as_array(input)
    refuse_derivative("unique_consecutive", x)
    values = np.asarray(x.tolist())
    axis = 0 if dim is None else one_dim(dim, x.ndim, "unique_consecutive")
    values = values.reshape(-1) if dim is None else np.moveaxis(values, axis, 0)
    change = np.ones(len(values), bool)
    if len(values) > 1:
        change[1:] = np.any((values[1:] != values[:-1]).reshape(len(values) - 1, -1), axis=1)
    starts = np.flatnonzero(change)
    out = ops.asarray(np.moveaxis(values[starts], 0, axis).astype(x.dtype))
    extra = []
    if return_inverse:
        inverse = np.cumsum(change) - 1
        extra.append(ops.asarray(inverse.reshape(x.shape) if dim is None else inverse))
    if return_counts:
        extra.append(ops.asarray(np.diff(np.append(starts, len(values)))))
    return (out, *extra) if extra else out


__all__ = ["conv1d", "conv2d", "layer_norm", "group_norm", "celu", "selu", "softmax",
           "log_softmax", "dropout", "batch_norm", "instance_norm", "rms_norm", "embedding",
           "kl_div", "binary_cross_entropy_with_logits", "hardshrink", "threshold", "prelu",
           "rrelu", "pixel_shuffle", "pixel_unshuffle", "rand_like", "randn_like",
           "randint_like", "randperm", "bernoulli", "multinomial", "normal", "poisson",
           "seed", "initial_seed", "get_rng_state", "set_rng_state", "is_tensor",
           "is_floating_point", "is_grad_enabled", "detach", "range", "histc", "bucketize",
           "unique_consecutive"]
