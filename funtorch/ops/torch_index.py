"""Torch spellings of gathers and scatters (``gather``, ``scatter*``, ``index_*``,
``masked_*``), written as NumPy-style indexing and ``x.at[...]`` updates, which carry
the derivatives and the batch rules.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops.torch_args import as_array, one_dim, refuse_out
from funtorch.typing import Array, ArrayLike

_REDUCE_AT = {"sum": "add", "add": "add", "prod": "multiply", "multiply": "multiply",
              "amax": "max", "amin": "min"}


def _along(index, dim):
    """The full index tuple picking ``x[..., index[i, j, ...], ...]`` along ``dim``, with
    aranges for the other dims (torch's gather/scatter addressing)."""
    grids = ops.meshgrid(*[ops.arange(n) for n in index.shape], indexing="ij", sparse=True)
    return tuple(index if d == dim else grid for d, grid in enumerate(grids))


def _check_index(name, x, index):
    if index.ndim != x.ndim:
        raise RuntimeError(f"{name}(): Index tensor must have the same number of dimensions as "
                           f"input tensor, got index.ndim={index.ndim}, input.ndim={x.ndim}")
    if index.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int64 for index, got {index.dtype}")


def gather(input: ArrayLike, dim: int, index: ArrayLike, *, sparse_grad: bool = False,  # noqa: A002
           out: Any = None) -> Array:
    """``out[i][j] = input[index[i][j]][j]`` for ``dim=0`` (torch.gather).

    Example:
        >>> ft.gather(ft.array([[1, 2], [3, 4]]), 1, ft.array([[1], [0]]))
        array([[2],
               [3]])
    """
    refuse_out("gather", out)
    x, index = as_array(input), as_array(index)
    if not x.ndim:
        return ops.take(ops.reshape(x, (1,)), index)
    _check_index("gather", x, index)
    return x[_along(index, one_dim(dim, x.ndim, "gather"))]


def _source(src, index, dtype):
    src = as_array(src) if not isinstance(src, (int, float, bool)) else src
    if isinstance(src, (int, float, bool)) or src.ndim == 0:
        return ops.full(index.shape, src, dtype=dtype) if not hasattr(src, "ndim") else \
            ops.broadcast_to(ops.astype(src, dtype), index.shape)
    return src[tuple(slice(0, n) for n in index.shape)]


def _update(x, where, src, reduce, include_self=True):
    """``x`` with ``src`` combined in at ``where`` by ``reduce`` (None: overwrite)."""
    if reduce is None:
        return x.at[where].set(src)
    if reduce == "mean":
        count = ops.zeros(x.shape, dtype=x.dtype).at[where].add(ops.ones(src.shape, x.dtype))
        base = x if include_self else ops.where(count > 0, ops.zeros((), x.dtype), x)
        total = base.at[where].add(src)
        denominator = count + 1 if include_self else ops.maximum(count, 1)
        if x.dtype.kind in "iu":
            return ops.floor_divide(total, denominator)
        return total / denominator
    if reduce not in _REDUCE_AT:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce!r}")
    method = _REDUCE_AT[reduce]
    if not include_self:
        hit = ops.zeros(x.shape, dtype=bool).at[where].set(True)
        identity = {"add": 0, "multiply": 1, "max": -np.inf if x.dtype.kind == "f" else
                    np.iinfo(x.dtype).min, "min": np.inf if x.dtype.kind == "f" else
                    np.iinfo(x.dtype).max}[method]
        x = ops.where(hit, ops.asarray(identity, dtype=x.dtype), x)
    return getattr(x.at[where], method)(src)


def scatter(input: ArrayLike, dim: int, index: ArrayLike, src: ArrayLike | None = None,
            value: ArrayLike | None = None, *, reduce: str | None = None) -> Array:  # noqa: A002
    """A copy of ``input`` with ``src`` (or ``value``) written at ``index`` along ``dim``;
    ``reduce="add"``/``"multiply"`` combines instead (torch.scatter).

    Example:
        >>> ft.scatter(ft.zeros(3), 0, ft.array([2]), ft.array([5.0]))
        array([0., 0., 5.])
    """
    x, index = as_array(input), as_array(index)
    _check_index("scatter", x, index)
    source = _source(value if src is None else src, index, x.dtype)
    return _update(x, _along(index, one_dim(dim, x.ndim, "scatter")), source, reduce)


def scatter_add(input: ArrayLike, dim: int, index: ArrayLike,  # noqa: A002
                src: ArrayLike) -> Array:
    """``scatter`` that adds ``src`` at ``index`` (repeated indices accumulate).

    Example:
        >>> ft.scatter_add(ft.zeros(3), 0, ft.array([0, 0, 2]), ft.ones(3)).tolist()
        [2.0, 0.0, 1.0]
    """
    return scatter(input, dim, index, src, reduce="add")


def scatter_reduce(input: ArrayLike, dim: int, index: ArrayLike, src: ArrayLike, reduce: str, *,
                   include_self: bool = True) -> Array:  # noqa: A002
    """Combine ``src`` into ``input`` at ``index`` along ``dim`` with ``reduce`` ("sum",
    "prod", "mean", "amax", "amin"); ``include_self=False`` leaves the old values out.

    Example:
        >>> src = ft.array([1.0, 5.0, 2.0])
        >>> ft.scatter_reduce(ft.zeros(3), 0, ft.array([0, 0, 2]), src, "amax").tolist()
        [5.0, 0.0, 2.0]
    """
    x, index = as_array(input), as_array(index)
    _check_index("scatter_reduce", x, index)
    source = _source(src, index, x.dtype)
    return _update(x, _along(index, one_dim(dim, x.ndim, "scatter_reduce")), source, reduce,
                   include_self)


def _dim_index(x, dim, index, name):
    axis = one_dim(dim, x.ndim, name)
    return (slice(None),) * axis + (as_array(index),), axis


def index_select(input: ArrayLike, dim: int, index: ArrayLike, *,  # noqa: A002
                 out: Any = None) -> Array:
    """The slices at ``index`` (1-d) along ``dim``.

    Example:
        >>> ft.index_select(ft.array([[1.0, 2.0], [3.0, 4.0]]), 1, ft.array([1])).tolist()
        [[2.0], [4.0]]
    """
    x = as_array(input)
    return ops.take(x, as_array(index), axis=one_dim(dim, x.ndim, "index_select")) if x.ndim \
        else ops.take(ops.reshape(x, (1,)), as_array(index))[0]


def index_add(input: ArrayLike, dim: int, index: ArrayLike, source: ArrayLike, *,  # noqa: A002
              alpha: ArrayLike = 1) -> Array:
    """``input`` plus ``alpha * source`` added at ``index`` along ``dim``.

    Example:
        >>> ft.index_add(ft.zeros(3), 0, ft.array([0, 0, 2]), ft.ones(3)).tolist()
        [2.0, 0.0, 1.0]
    """
    x = as_array(input)
    where, _ = _dim_index(x, dim, index, "index_add")
    return x.at[where].add(as_array(source) * alpha if alpha != 1 else source)


def index_copy(input: ArrayLike, dim: int, index: ArrayLike,  # noqa: A002
               source: ArrayLike) -> Array:
    """``input`` with the slices at ``index`` along ``dim`` replaced by ``source``.

    Example:
        >>> ft.index_copy(ft.zeros(3), 0, ft.array([2]), ft.array([5.0])).tolist()
        [0.0, 0.0, 5.0]
    """
    x = as_array(input)
    where, _ = _dim_index(x, dim, index, "index_copy")
    return x.at[where].set(source)


def index_fill(input: ArrayLike, dim: int, index: ArrayLike,  # noqa: A002
               value: ArrayLike) -> Array:
    """``input`` with the slices at ``index`` along ``dim`` set to ``value``.

    Example:
        >>> ft.index_fill(ft.zeros(3), 0, ft.array([1]), 7.0).tolist()
        [0.0, 7.0, 0.0]
    """
    x = as_array(input)
    where, _ = _dim_index(x, dim, index, "index_fill")
    return x.at[where].set(ops.astype(ops.asarray(value), x.dtype))


def index_reduce(input: ArrayLike, dim: int, index: ArrayLike, source: ArrayLike, reduce: str, *,
                 include_self: bool = True) -> Array:  # noqa: A002
    """Combine ``source`` into the slices at ``index`` along ``dim`` ("prod", "mean",
    "amax", "amin").

    Example:
        >>> ft.index_reduce(ft.ones(2), 0, ft.array([0, 0]), ft.array([2.0, 3.0]), "prod").tolist()
        [6.0, 1.0]
    """
    x = as_array(input)
    where, _ = _dim_index(x, dim, index, "index_reduce")
    return _update(x, where, as_array(source), reduce, include_self)


def index_put(input: ArrayLike, indices: Any, values: ArrayLike,  # noqa: A002
              accumulate: bool = False) -> Array:
    """``input`` with ``values`` at the advanced index ``indices`` (a tuple of arrays);
    ``accumulate=True`` adds.

    Example:
        >>> ft.index_put(ft.zeros(3), (ft.array([0, 2]),), ft.array([1.0, 2.0])).tolist()
        [1.0, 0.0, 2.0]
    """
    x = as_array(input)
    where = tuple(as_array(i) for i in indices)
    return x.at[where].add(values) if accumulate else x.at[where].set(values)


def masked_fill(input: ArrayLike, mask: ArrayLike, value: ArrayLike) -> Array:  # noqa: A002
    """``input`` with ``value`` where ``mask`` (broadcast) is true; keeps input's dtype.

    Example:
        >>> ft.masked_fill(ft.array([1.0, 2.0]), ft.array([True, False]), 0.0)
        array([0., 2.])
    """
    x = as_array(input)
    value = value if hasattr(value, "ndim") else ops.asarray(value, dtype=x.dtype)
    return ops.astype(ops.where(mask, value, x), x.dtype)


def masked_scatter(input: ArrayLike, mask: ArrayLike, source: ArrayLike) -> Array:  # noqa: A002
    """``input`` with consecutive elements of ``source`` at the true positions of ``mask``.

    Example:
        >>> mask = ft.array([True, False, True])
        >>> ft.masked_scatter(ft.zeros(3), mask, ft.array([1.0, 2.0])).tolist()
        [1.0, 0.0, 2.0]
    """
    x = as_array(input)
    mask = ops.broadcast_to(as_array(mask), x.shape)
    flat = ops.reshape(as_array(source), (-1,))
    position = ops.cumsum(ops.astype(ops.reshape(mask, (-1,)), np.int64)) - 1
    picked = ops.take(flat, ops.clip(position, 0, max(flat.shape[0] - 1, 0)))
    return ops.where(mask, ops.reshape(picked, x.shape), x)


def masked_select(input: ArrayLike, mask: ArrayLike, *, out: Any = None) -> Array:  # noqa: A002
    """The elements where ``mask`` (broadcast) is true, as a 1-d array.

    Example:
        >>> ft.masked_select(ft.array([1.0, 2.0, 3.0]), ft.array([True, False, True])).tolist()
        [1.0, 3.0]
    """
    x, mask = ops.broadcast_arrays(as_array(input), as_array(mask))
    return x[mask]


def select_scatter(input: ArrayLike, src: ArrayLike, dim: int, index: int) -> Array:  # noqa: A002
    """``input`` with the slice at ``index`` of ``dim`` replaced by ``src``.

    Example:
        >>> ft.select_scatter(ft.zeros((2, 2)), ft.ones(2), 0, 1).tolist()
        [[0.0, 0.0], [1.0, 1.0]]
    """
    x = as_array(input)
    axis = one_dim(dim, x.ndim, "select_scatter")
    return x.at[(slice(None),) * axis + (int(index),)].set(src)


def slice_scatter(input: ArrayLike, src: ArrayLike, dim: int = 0, start: int | None = None,
                  end: int | None = None, step: int = 1) -> Array:  # noqa: A002
    """``input`` with ``x[start:end:step]`` along ``dim`` replaced by ``src``.

    Example:
        >>> ft.slice_scatter(ft.zeros(4), ft.ones(2), start=2).tolist()
        [0.0, 0.0, 1.0, 1.0]
    """
    x = as_array(input)
    axis = one_dim(dim, x.ndim, "slice_scatter")
    return x.at[(slice(None),) * axis + (slice(start, end, step),)].set(src)


def diagonal_scatter(input: ArrayLike, src: ArrayLike, offset: int = 0, dim1: int = 0,  # noqa: A002
                     dim2: int = 1) -> Array:
    """``input`` with the diagonal of the plane ``dim1, dim2`` replaced by ``src``.

    Example:
        >>> ft.diagonal_scatter(ft.zeros((2, 2)), ft.ones(2)).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    x = as_array(input)
    first, second = one_dim(dim1, x.ndim, "diagonal_scatter"), one_dim(dim2, x.ndim,
                                                                       "diagonal_scatter")
    moved = ops.moveaxis(x, (first, second), (-2, -1))
    n = as_array(src).shape[-1]
    rows = ops.arange(n) + max(0, -offset)
    out = moved.at[..., rows, rows + offset].set(src)
    return ops.moveaxis(out, (-2, -1), (first, second))


def torch_put(input: ArrayLike, index: ArrayLike, source: ArrayLike,  # noqa: A002
              accumulate: bool = False) -> Array:
    """``input`` with ``source`` at the flat positions ``index`` (torch.put)."""
    x = as_array(input)
    flat = ops.reshape(x, (-1,))
    where = as_array(index)
    out = flat.at[where].add(source) if accumulate else flat.at[where].set(source)
    return ops.reshape(out, x.shape)


__all__ = ["gather", "scatter", "scatter_add", "scatter_reduce", "index_select", "index_add",
           "index_copy", "index_fill", "index_reduce", "index_put", "masked_fill",
           "masked_scatter", "masked_select", "select_scatter", "slice_scatter",
           "diagonal_scatter"]
