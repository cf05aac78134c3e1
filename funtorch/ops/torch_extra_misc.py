"""``torch.*``'s predicates and counting helpers: ``is_tensor``, ``is_floating_point``,
``detach``, ``range``, ``histc``, ``bucketize``, ``unique_consecutive`` (re-exported by
:mod:`.torch_extra`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import Array
from funtorch.ops.torch_args import as_array, forward, one_dim, refuse_derivative, refuse_out
from funtorch.typing import ArrayLike, Axis, DTypeLike


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a funtorch array.

    Args:
        obj: any object.

    Returns:
        True for an :class:`~funtorch.Array`, False for lists, NumPy
        arrays and scalars.

    Example:
        >>> ft.is_tensor(ft.ones(1)), ft.is_tensor([1.0])
        (True, False)
    """
    return isinstance(obj, Array)


def is_floating_point(input: ArrayLike) -> bool:  # noqa: A002
    """Whether the dtype is a floating-point one.

    Args:
        input: an array-like.

    Returns:
        True for float16/32/64 (not for complex, integer or bool dtypes).

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

    Args:
        start: the first value (the end when ``end`` is None, starting from 0).
        end: the last value, included when reached by whole steps.
        step: the spacing.
        dtype: the dtype (None: the default float).
        device: accepted for torch compatibility (CPU).
        requires_grad: accepted for torch compatibility (no effect).

    Returns:
        A 1-d array of ``floor((end - start) / step) + 1`` values.

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

    Args:
        input: an array-like (flattened); elements outside ``[min, max]`` are not counted.
        bins: the number of bins.
        min: the lower edge.
        max: the upper edge, counted in the last bin.
        out: unsupported (must be None).

    Returns:
        The counts, a 1-d array of ``bins`` elements of ``input``'s dtype (no derivative:
        differentiating raises NotImplementedError).

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

    Args:
        input: an array-like of values.
        boundaries: a sorted 1-d array of boundaries.
        out_int32: int32 indices instead of int64.
        right: which side of a boundary a value equal to it falls on (see above).
        out: unsupported (must be None).

    Returns:
        An integer array of ``input``'s shape, values in ``0..len(boundaries)``.

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

    Args:
        input: an array-like.
        return_inverse: also return, per element (per slice with ``dim``), the index of its
            run.
        return_counts: also return the length of each run.
        dim: compare whole slices along this axis; None flattens ``input``.

    Returns:
        The values of the runs (1-d, or ``input`` with ``dim`` shortened), followed by the
        inverse indices and the counts when asked for (a tuple then). No derivative:
        differentiating raises NotImplementedError.

    Example:
        >>> ft.unique_consecutive(ft.array([1, 1, 2, 2, 1])).tolist()
        [1, 2, 1]
        >>> ft.unique_consecutive(ft.array([1, 1, 2]), return_counts=True)[1].tolist()
        [2, 1]
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
