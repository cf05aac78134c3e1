"""FractionalMaxPool2d/3d and AdaptiveLogSoftmaxWithLoss."""

from __future__ import annotations

import inspect
from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import funtorch as ft
from funtorch.nn import functional as F
from funtorch.nn._layer_utils import split_keys
from funtorch.nn.containers import ModuleList, Sequential
from funtorch.nn.dropout import _DropoutNd
from funtorch.nn.linear import Linear
from funtorch.nn.module import Module
from funtorch.typing import Array, ArrayLike, DTypeLike, Key

__all__ = ["FractionalMaxPool2d", "FractionalMaxPool3d", "AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


_FRACTIONAL_SECTIONS = """Args:
    kernel_size: the window size: an int or a tuple of {nd}.
    output_size: the output's spatial size: an int or a tuple of {nd}.
    output_ratio: the output's size as a fraction of the input's, in ``(0, 1)``: a float or
        a tuple of {nd} (each output size is ``int(input size * ratio)``).
    return_indices: the call gives ``(output, indices)``: the int64 flat position of each
        maximum in its input {volume}.
    _random_samples: torch's fixed window offsets, ``(N, C, {nd})`` floats in ``[0, 1)``;
        None draws fresh ones per call (from ``forward``'s ``key=``, the key
        ``functional_call(..., key=)`` gave the layer, or the global generator).

Raises:
    ValueError: neither or both of ``output_size`` and ``output_ratio``, or a ratio outside
        ``(0, 1)``.

Shape:
    Input ``(N, C, {dims})`` or ``(C, {dims})``;
    output ``(N, C, {out})`` (or without ``N``).

"""


class _FractionalMaxPoolNd(Module):
    """Base of the fractional max pools: a subclass's docstring gets its Args, Raises and
    Shape sections from ``_FRACTIONAL_SECTIONS`` for its ``_dims``."""

    _fn: ClassVar[Callable[..., Any] | None] = None
    _uses_key = True  # functional_call(..., key=) gives it a key for the windows
    _dims: ClassVar[tuple[str, ...]] = ("H", "W")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        head, sep, example = inspect.cleandoc(cls.__doc__ or "").partition("\n\nExample:")
        dims = cls._dims
        sections = _FRACTIONAL_SECTIONS.format(
            nd=len(dims), dims=", ".join(dims), out=", ".join(f"{d}_out" for d in dims),
            volume="plane" if len(dims) == 2 else "volume")
        cls.__doc__ = f"{head}\n\n{sections.rstrip()}{sep}{example}"

    def __init__(self, kernel_size: int | tuple[int, ...],
                 output_size: int | tuple[int, ...] | None = None,
                 output_ratio: float | tuple[float, ...] | None = None,
                 return_indices: bool = False, _random_samples: ArrayLike | None = None) -> None:
        super().__init__()
        if output_size is None and output_ratio is None:
            raise ValueError(f"{type(self).__name__} requires specifying either an output size "
                             "or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        ratios = output_ratio if isinstance(output_ratio, (tuple, list)) else (output_ratio,)
        if output_ratio is not None and not all(0 < r < 1 for r in ratios):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")
        self.kernel_size, self.output_size = kernel_size, output_size
        self.output_ratio, self.return_indices = output_ratio, return_indices
        self.register_buffer("_random_samples", _random_samples)

    def forward(self, input: ArrayLike, key: Key | None = None) -> Any:
        """Max-pool ``input`` over pseudo-random windows.

        Args:
            input: ``(N, C, H, W)`` or ``(C, H, W)`` for FractionalMaxPool2d; ``(N, C, T, H,
                W)`` or ``(C, T, H, W)`` for 3d.
            key: a PRNG key for the window positions (unused when the layer holds
                ``_random_samples``); None takes the next key of the one
                ``functional_call(..., key=)`` gave, else the global generator's.

        Returns:
            The pooled array, its spatial axes ``output_size`` (or scaled by
            ``output_ratio``); with ``return_indices`` the pair ``(output, indices)``, the
            indices int64.

        Example:
            >>> pool = nn.FractionalMaxPool2d(2, output_size=1)  # one window: all of it
            >>> pool.forward(ft.array([[[[1.0, 4.0], [3.0, 2.0]]]]), ft.random.key(0)).tolist()
            [[[[4.0]]]]
        """
        if self._random_samples is None:
            key = _DropoutNd._next_key(self, key)
        return type(self)._fn(input, self.kernel_size, self.output_size, self.output_ratio,
                              self.return_indices, self._random_samples, key=key)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling (Graham, 2014) of ``(N, C, H, W)`` inputs: the maximum over
    ``kernel_size`` windows at pseudo-random positions that shrink each axis by a
    non-integer factor.

    Example:
        >>> ft.nn.FractionalMaxPool2d(2, output_ratio=0.5)(ft.randn(1, 2, 8, 8)).shape
        (1, 2, 4, 4)
    """

    _fn = staticmethod(F.fractional_max_pool2d)


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling (Graham, 2014) of ``(N, C, T, H, W)`` inputs: the maximum
    over ``kernel_size`` windows at pseudo-random positions.

    Example:
        >>> pool = ft.nn.FractionalMaxPool3d(2, output_size=3)
        >>> pool(ft.randn(1, 2, 5, 5, 5)).shape
        (1, 2, 3, 3, 3)
    """

    _fn = staticmethod(F.fractional_max_pool3d)
    _dims = ("T", "H", "W")


class AdaptiveLogSoftmaxWithLoss(Module):
    """Efficient softmax over many classes (Grave et al., 2016): a head over the
    ``cutoffs[0]`` most frequent classes plus one logit per tail cluster, each cluster a
    two-layer projection shrunk by ``div_value``. torch's parameter names and shapes.

    ``forward(input, target)`` returns ``(output, loss)``: each target's log-probability
    and their negative mean; ``log_prob(input)`` gives all ``n_classes`` log-probabilities
    and ``predict(input)`` the most likely class.

    Args:
        in_features: the input's feature count.
        n_classes: how many classes.
        cutoffs: increasing class indices in ``[1, n_classes - 1]`` that split the classes
            (sorted by frequency) into the head's shortlist and the tail clusters.
        div_value: cluster ``i``'s hidden size is ``in_features // div_value ** (i + 1)``.
        head_bias: the head's Linear has a bias.
        device: the device of the parameters (``"cpu"``; see ``Array.to``), or None.
        dtype: the parameters' float dtype; None for ``ft.get_default_dtype()``.
        key: a PRNG key for the initial parameters; None draws them from the global
            generator.

    Raises:
        ValueError: ``cutoffs`` is empty, unsorted, repeats a value or leaves
            ``[1, n_classes - 1]``.

    Shape:
        ``input`` ``(N, in_features)`` or ``(in_features,)``; ``target`` integer classes
        ``(N,)`` or ``()``; ``output`` the target's shape and ``loss`` a scalar. A call
        with another input shape raises RuntimeError.

    Example:
        >>> asm = ft.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 7])
        >>> asm(ft.randn(3, 8), ft.array([0, 5, 9])).output.shape
        (3,)
    """

    def __init__(self, in_features: int, n_classes: int, cutoffs: Sequence[int],
                 div_value: float = 4.0, head_bias: bool = False, device: Any = None,
                 dtype: DTypeLike = None, *, key: Any = None) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if (len(cutoffs) == 0 or cutoffs != sorted(cutoffs) or min(cutoffs) <= 0
                or max(cutoffs) > n_classes - 1 or len(set(cutoffs)) != len(cutoffs)
                or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted "
                             "in an increasing order, where each value is between 1 and "
                             "n_classes-1")
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs, self.div_value, self.head_bias = cutoffs + [n_classes], div_value, head_bias
        self.shortlist_size, self.n_clusters = cutoffs[0], len(cutoffs)
        self.head_size = self.shortlist_size + self.n_clusters
        keys = split_keys(key, 1 + 2 * self.n_clusters)
        self.head = Linear(in_features, self.head_size, head_bias, device, dtype, key=keys[0])
        tail = []
        for i in range(self.n_clusters):
            hsz = int(in_features // (div_value ** (i + 1)))
            osz = self.cutoffs[i + 1] - self.cutoffs[i]
            tail.append(Sequential(
                Linear(in_features, hsz, False, device, dtype, key=keys[1 + 2 * i]),
                Linear(hsz, osz, False, device, dtype, key=keys[2 + 2 * i])))
        self.tail = ModuleList(tail)

    def log_prob(self, input: ArrayLike) -> Array:
        """The log-probabilities of every class.

        Args:
            input: ``(N, in_features)`` or ``(in_features,)``.

        Returns:
            An array ``(N, n_classes)`` (or ``(n_classes,)``): each row's log-probabilities.

        Example:
            >>> logp = nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2]).log_prob(ft.ones((3, 4)))
            >>> logp.shape, ft.exp(logp).sum(-1).tolist()  # probabilities summing to 1
            ((3, 6), [1.0, 1.0, 1.0])
        """
        head = F.log_softmax(self.head(input), dim=-1)
        parts = [head[..., :self.shortlist_size]]
        for i, cluster in enumerate(self.tail):
            gate = head[..., self.shortlist_size + i:self.shortlist_size + i + 1]
            parts.append(F.log_softmax(cluster(input), dim=-1) + gate)
        return ft.concatenate(parts, axis=-1)

    def forward(self, input: ArrayLike, target: ArrayLike) -> Any:
        """Each target's log-probability, and the loss: their negative mean.

        Args:
            input: ``(N, in_features)`` or ``(in_features,)``.
            target: integer classes in ``[0, n_classes)``, ``(N,)`` (or ``()``).

        Returns:
            The named tuple ``(output, loss)``: ``output`` the targets' log-probabilities, of
            ``target``'s shape, and ``loss`` the scalar ``-output.mean()``.

        Raises:
            RuntimeError: ``input`` is not ``(N, in_features)`` or ``(in_features,)``.

        Example:
            >>> asm = nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2])
            >>> out = asm.forward(ft.ones((3, 4)), ft.array([0, 3, 5]))
            >>> out.output.shape, bool(out.loss == -out.output.mean())
            ((3,), True)
        """
        if input.ndim not in (1, 2) or input.shape[-1] != self.in_features:
            raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss: input should be (N, "
                               f"{self.in_features}) or ({self.in_features},), got "
                               f"{tuple(input.shape)}")
        logp = self.log_prob(input)
        output = ft.squeeze(ft.take_along_axis(
            logp, ft.expand_dims(target.astype(ft.int64), -1), axis=-1), -1)
        return _ASMoutput(output, ft.mean(-output))

    def predict(self, input: ArrayLike) -> Array:
        """The most likely class of each row of ``input``.

        Args:
            input: ``(N, in_features)`` or ``(in_features,)``.

        Returns:
            An int64 array ``(N,)`` (or ``()``) of classes in ``[0, n_classes)``.

        Example:
            >>> nn.AdaptiveLogSoftmaxWithLoss(4, 6, [2]).predict(ft.ones((3, 4))).shape
            (3,)
        """
        return ft.argmax(self.log_prob(input), axis=-1)
