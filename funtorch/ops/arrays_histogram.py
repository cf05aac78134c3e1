"""Counting into bins: ``bincount``, ``histogram_bin_edges``, ``histogram``,
``histogram2d`` and ``histogramdd``.

Bins are found with ``searchsorted`` and counts accumulated with a scatter-add, so with
a static number of bins everything works under ``jit``/``vmap`` and is differentiable in
the ``weights`` (and, through ``density``, in explicit edges). ``bincount`` without
``length`` reads its size from the values.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from funtorch.ops.arrays_base import (
    as_array, default_float, host, host_or_none, is_int, to_float,
)
from funtorch.ops.arrays_search import searchsorted
from funtorch import ops
from funtorch.typing import Array, ArrayLike


def bincount(x: ArrayLike, weights: ArrayLike | None = None, minlength: int = 0, *,
             length: int | None = None) -> Array:
    """The number of occurrences of each value ``0..n-1`` in the non-negative integer 1-d
    ``x`` (the sum of ``weights`` at those positions, if given), with ``n =
    max(max(x) + 1, minlength)``.

    ``length`` fixes ``n`` (larger values are dropped) so it works under ``jit``/``vmap``;
    without it the values of ``x`` must be concrete. Differentiable in ``weights``.

    Args:
        x: a 1-D array of non-negative integers (or bools).
        weights: None, or an array of ``x``'s shape whose entries are summed per value.
        minlength: the least length of the result.
        length: the exact length of the result (values ``>= length`` are dropped); needed
            under ``jit``/``vmap``.

    Returns:
        A 1-D array of length ``n``: int64 counts, or the float sums of ``weights``.

    Raises:
        ValueError: ``x`` not 1-d, negative entries (when known), a negative ``minlength``,
            or ``weights`` of another shape.
        ValueError: ``x`` not 1-d, or negative entries (when known).
        TypeError: a non-integer ``x``.

    Example:
        >>> ft.bincount(ft.array([0, 2, 2])).tolist()
        [1, 0, 2]
    """
    x = as_array(x)
    if x.ndim != 1:
        raise ValueError(f"bincount: x must be a 1-d array, got shape {tuple(x.shape)}")
    if x.dtype.kind not in "iub":
        raise TypeError(f"bincount: x must be an array of non-negative integers, got dtype "
                        f"{x.dtype}")
    values = host_or_none(x)
    if values is not None and values.size and values.min() < 0:
        raise ValueError("bincount: 'x' argument must have no negative elements")
    if minlength is None or minlength < 0:
        raise ValueError(f"bincount: minlength must be a non-negative int, got {minlength!r}")
    if length is None:
        values = host(x, "bincount", "pass a static length=")
        length = max(int(values.max()) + 1 if values.size else 0, int(minlength))
    length = int(length)
    x = ops.astype(x, np.int64)
    w = ops.ones(x.shape, dtype=np.int64, device=x.device) if weights is None else to_float(weights)
    if w.shape != x.shape:
        raise ValueError(f"bincount: weights of shape {tuple(w.shape)} do not match x of shape "
                         f"{tuple(x.shape)}")
    if length == 0:
        return ops.zeros((0,), dtype=w.dtype, device=w.device)
    w = ops.where(x < length, w, ops.zeros_like(w))
    total = ops.zeros((length,), dtype=w.dtype, device=w.device)
    return total.at[ops.clip(x, 0, length - 1)].add(w)


def histogram_bin_edges(a: ArrayLike, bins: ArrayLike = 10, range: Any = None,  # noqa: A002
                        weights: ArrayLike | None = None) -> Array:
    """The bin edges :func:`histogram` uses: ``bins + 1`` equal steps over ``range``
    (default: the data's min to max; widened by 0.5 each side if they are equal), or the
    given increasing edges.

    Args:
        a: the data (any shape; only its min and max matter for an int ``bins``).
        bins: the number of equal-width bins, a 1-D array of increasing edges, or the name of
            a NumPy estimator (``"auto"``, ``"fd"``, ``"sturges"``...).
        range: ``(low, high)``, or None for the data's min and max.
        weights: accepted for NumPy's signature; ignored.

    Returns:
        A 1-D float array of ``bins + 1`` edges.

    Raises:
        ValueError: ``bins`` not positive or an array that is not 1-D, a reversed ``range``,
            or decreasing edges.
        ValueError: ``bins`` not positive, a reversed ``range``, or decreasing edges.
        TypeError: a string estimator such as ``"auto"`` under ``jit``/``vmap`` (the number
            of bins depends on the data's values).

    Example:
        >>> ft.histogram_bin_edges(ft.array([0.0, 1.0]), bins=2).tolist()
        [0.0, 0.5, 1.0]
    """
    a = to_float(a)
    if isinstance(bins, str):
        bins = _estimated_bins(a, bins, range)
    if not is_int(bins):
        edges = as_array(bins)
        if edges.ndim != 1:
            raise ValueError(f"histogram_bin_edges: bins must be an int or a 1-d array of "
                             f"edges, got shape {tuple(edges.shape)}")
        known = host_or_none(edges)
        if known is not None and (np.diff(known) < 0).any():
            raise ValueError("histogram_bin_edges: `bins` must increase monotonically, when an "
                             "array")
        return ops.astype(edges, default_float(a, edges))
    if bins < 1:
        raise ValueError(f"histogram_bin_edges: `bins` must be positive, when an integer, got "
                         f"{bins}")
    if range is not None:
        low, high = (to_float(v) for v in range)
        known = [host_or_none(v) for v in (low, high)]
        if known[0] is not None and known[1] is not None and known[0] > known[1]:
            raise ValueError(f"histogram_bin_edges: max must be larger than min in range "
                             f"parameter, got {tuple(range)}")
    elif a.size == 0:
        low, high = ops.zeros((), dtype=a.dtype), ops.ones((), dtype=a.dtype)
    else:
        low, high = ops.min(a), ops.max(a)
    dtype = default_float(a, low, high)
    low, high = ops.astype(low, dtype), ops.astype(high, dtype)
    same = low == high
    low, high = ops.where(same, low - 0.5, low), ops.where(same, high + 0.5, high)
    steps = ops.asarray(np.arange(bins + 1, dtype=dtype) / bins, device=a.device)
    edges = low + (high - low) * steps
    return ops.concatenate([edges[:-1], ops.reshape(high, (1,))])


def _estimated_bins(a, estimator, range):  # noqa: A002
    """The number of bins NumPy's estimator (``"auto"``, ``"fd"``, ``"sturges"``, ...) picks
    for the data's values; the edges are then equal steps, differentiable in ``range``."""
    known = host_or_none(a)
    if known is None:
        raise TypeError(f"histogram_bin_edges: the bin estimator {estimator!r} needs the data's "
                        f"values, which are not known under jit/vmap; pass the number of bins "
                        f"or the edges")
    limits = None if range is None else tuple(float(np.asarray(host_or_none(as_array(v))))
                                               for v in range)
    return len(np.histogram_bin_edges(known, bins=estimator, range=limits)) - 1


def _bin_index(values, edges):
    """The bin of each value (the last edge is inclusive) and whether it is in range."""
    count = edges.shape[0] - 1
    index = searchsorted(edges, values, side="right") - 1
    index = ops.where(values == edges[-1], count - 1, index)
    valid = ops.logical_and(index >= 0, index < count)
    return ops.clip(index, 0, max(count - 1, 0)), valid


def _accumulate(flat_index, valid, weights, total, dtype):
    w = ops.ravel(as_array(weights)) if weights is not None else ops.ones(
        valid.shape, dtype=dtype, device=valid.device)
    if weights is not None and w.shape != valid.shape:
        raise ValueError(f"histogram: weights should have the same shape as the data, got "
                         f"{w.shape[0]} weights for {valid.shape[0]} points")
    w = ops.where(valid, w, ops.zeros_like(w))
    return ops.zeros((total,), dtype=w.dtype, device=w.device).at[flat_index].add(w)


def histogram(a, bins=10, range=None, weights=None, density=None):  # noqa: A002
    """Counts of the (flattened) ``a`` in each bin, and the bin edges (see
    :func:`histogram_bin_edges`); values outside the edges are ignored, the last bin
    includes its right edge. ``density=True`` normalises to a probability density.

    Example:
        >>> counts, edges = ft.histogram(ft.array([0.0, 0.2, 0.9]), bins=2)
        >>> counts.tolist()
        [2, 1]
    """
    a = ops.ravel(to_float(a) if weights is None else as_array(a))
    edges = histogram_bin_edges(a, bins, range)
    index, valid = _bin_index(ops.astype(a, edges.dtype), edges)
    counts = _accumulate(index, valid, weights, edges.shape[0] - 1, np.int64)
    if density:
        widths = edges[1:] - edges[:-1]
        counts = ops.astype(counts, edges.dtype) if counts.dtype.kind != "f" else counts
        counts = counts / ops.sum(counts) / widths
    return counts, edges


def _samples(sample):
    if isinstance(sample, (list, tuple)):
        return ops.stack([ops.ravel(as_array(s)) for s in sample], axis=1)
    sample = as_array(sample)
    return sample if sample.ndim == 2 else ops.reshape(sample, (-1, 1))


def histogramdd(sample: ArrayLike, bins: ArrayLike = 10, range: Any = None,  # noqa: A002
                weights: ArrayLike | None = None, density: bool | None = None) -> Any:
    """A D-dimensional histogram of ``sample`` (shape ``(N, D)``, or a sequence of D
    1-d arrays); ``bins`` and ``range`` per dimension or shared. Returns ``(hist,
    edges)`` with ``edges`` a list of D arrays.

    Args:
        sample: an ``(N, D)`` array (a 1-D array is read as ``(N, 1)``), or a sequence of D
            arrays of N points.
        bins: an int or edges shared by every dimension, or a sequence of D of them.
        range: None, or a sequence of D ``(low, high)`` pairs (or Nones).
        weights: None, or N weights summed per bin.
        density: normalise so that the histogram integrates to 1.

    Returns:
        ``(hist, edges)``: ``hist`` a float array of shape ``(bins_0, ..., bins_{D-1})``,
        ``edges`` a list of D 1-D arrays of edges.

    Raises:
        ValueError: ``bins`` or ``range`` of the wrong length.

    Example:
        >>> hist, edges = ft.histogramdd(ft.array([[0.0, 0.0], [1.0, 1.0]]), bins=2)
        >>> hist.tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    sample = to_float(_samples(sample))
    dims = sample.shape[1]
    per_dim = list(bins) if isinstance(bins, (list, tuple)) else [bins] * dims
    ranges = list(range) if range is not None else [None] * dims
    if len(per_dim) != dims or len(ranges) != dims:
        raise ValueError(f"histogramdd: the dimension of bins and range must equal the "
                         f"dimension of the sample ({dims}), got {len(per_dim)} and "
                         f"{len(ranges)}")
    edges, shape, flat, valid = [], [], 0, None
    for dim, (how, span) in enumerate(zip(per_dim, ranges)):
        column = sample[:, dim]
        dim_edges = histogram_bin_edges(column, how, span)
        index, ok = _bin_index(ops.astype(column, dim_edges.dtype), dim_edges)
        edges.append(dim_edges)
        shape.append(dim_edges.shape[0] - 1)
        flat = flat * shape[-1] + index
        valid = ok if valid is None else ops.logical_and(valid, ok)
    dtype = default_float(sample, *edges)
    hist = ops.reshape(_accumulate(flat, valid, weights, math.prod(shape), dtype), tuple(shape))
    hist = ops.astype(hist, dtype) if hist.dtype.kind != "f" else hist
    if density:
        hist = hist / ops.sum(hist)
        for dim, dim_edges in enumerate(edges):
            widths = dim_edges[1:] - dim_edges[:-1]
            hist = hist / ops.reshape(widths, tuple(-1 if d == dim else 1 for d in
                                                    builtins.range(dims)))
    return hist, edges


def histogram2d(x: ArrayLike, y: ArrayLike, bins: ArrayLike = 10, range: Any = None,  # noqa: A002
                weights: ArrayLike | None = None, density: bool | None = None) -> Any:
    """A 2-d histogram of the points ``(x, y)``; ``bins`` is an int, a pair of ints, one
    array of edges for both, or a pair of arrays. Returns ``(hist, xedges, yedges)``.

    Args:
        x: the points' first coordinates (1-D).
        y: the points' second coordinates, as many as ``x``.
        bins: an int, a pair of ints, one array of edges for both, or a pair of arrays.
        range: None, or ``[(xlow, xhigh), (ylow, yhigh)]``.
        weights: None, or one weight per point, summed per bin.
        density: normalise so that the histogram integrates to 1.

    Returns:
        ``(hist, xedges, yedges)``: ``hist`` a float array of shape ``(nx, ny)``, the edges
        1-D arrays of ``nx + 1`` and ``ny + 1`` entries.

    Raises:
        ValueError: ``bins`` or ``range`` of the wrong length, or weights of another length.

    Example:
        >>> hist, xe, ye = ft.histogram2d(ft.array([0.0, 1.0]), ft.array([0.0, 1.0]), bins=2)
        >>> hist.tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    if not is_int(bins) and not isinstance(bins, str):
        count = len(bins) if isinstance(bins, (list, tuple)) else as_array(bins).shape[0]
        if count not in (1, 2):
            bins = [bins, bins]
    hist, edges = histogramdd([x, y], bins, range, weights, density)
    return hist, edges[0], edges[1]
