"""Torch spellings of gathers and scatters (``gather``, ``scatter*``, ``index_*``,
``masked_*``), written as NumPy-style indexing and ``x.at[...]`` updates, which carry
the derivatives and the batch rules.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops.torch_args import as_array, one_dim, refuse_out
from funtorch.ops.torch_index_masked import diagonal_scatter, masked_fill, masked_scatter, \
    masked_select, select_scatter, slice_scatter
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

    Args:
        input: an array-like.
        dim: the axis to index along.
        index: an integer array with ``input``'s number of dims.
        sparse_grad: accepted for torch compatibility (no effect).
        out: unsupported (must be None).

    Returns:
        An array of ``index``'s shape and ``input``'s dtype.

    Raises:
        RuntimeError: ``index`` has another number of dims than ``input``, or is not of an
            integer dtype.

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

    Args:
        input: an array-like.
        dim: the axis ``index`` addresses.
        index: an integer array with ``input``'s number of dims (no larger than ``src``).
        src: the values, read at the positions of ``index`` (``src[:index.shape]``).
        value: a scalar written everywhere ``index`` points, when ``src`` is None.
        reduce: None (overwrite; repeated indices keep one value), ``"add"`` or
            ``"multiply"``.

    Returns:
        An array of ``input``'s shape and dtype.

    Raises:
        RuntimeError: ``index`` has another number of dims than ``input``, is not of an
            integer dtype, or ``reduce`` is unknown.

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

    Args:
        input: an array-like.
        dim: the axis ``index`` addresses.
        index: an integer array with ``input``'s number of dims.
        src: the values added (``src[:index.shape]``).

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> ft.scatter_add(ft.zeros(3), 0, ft.array([0, 0, 2]), ft.ones(3)).tolist()
        [2.0, 0.0, 1.0]
    """
    return scatter(input, dim, index, src, reduce="add")


def scatter_reduce(input: ArrayLike, dim: int, index: ArrayLike, src: ArrayLike, reduce: str, *,
                   include_self: bool = True) -> Array:  # noqa: A002
    """Combine ``src`` into ``input`` at ``index`` along ``dim`` with ``reduce`` ("sum",
    "prod", "mean", "amax", "amin"); ``include_self=False`` leaves the old values out.

    Args:
        input: an array-like.
        dim: the axis ``index`` addresses.
        index: an integer array with ``input``'s number of dims.
        src: the values combined (``src[:index.shape]``).
        reduce: ``"sum"``, ``"prod"``, ``"mean"`` (floor division for integers),
            ``"amax"`` or ``"amin"``.
        include_self: combine with ``input``'s values at the addressed positions too.

    Returns:
        An array of ``input``'s shape and dtype.

    Raises:
        RuntimeError: ``index`` has another number of dims than ``input``, is not of an
            integer dtype, or ``reduce`` is unknown.

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

    Args:
        input: an array-like.
        dim: the axis to select along.
        index: a 1-d integer array.
        out: unsupported (must be None).

    Returns:
        An array of ``input``'s shape with ``dim`` of size ``len(index)``.

    Example:
        >>> ft.index_select(ft.array([[1.0, 2.0], [3.0, 4.0]]), 1, ft.array([1])).tolist()
        [[2.0], [4.0]]
    """
    refuse_out("index_select", out)
    x = as_array(input)
    return ops.take(x, as_array(index), axis=one_dim(dim, x.ndim, "index_select")) if x.ndim \
        else ops.take(ops.reshape(x, (1,)), as_array(index))[0]


def index_add(input: ArrayLike, dim: int, index: ArrayLike, source: ArrayLike, *,  # noqa: A002
              alpha: ArrayLike = 1) -> Array:
    """``input`` plus ``alpha * source`` added at ``index`` along ``dim``.

    Args:
        input: an array-like.
        dim: the axis ``index`` addresses.
        index: a 1-d integer array; repeated indices accumulate.
        source: the slices to add: ``input``'s shape with ``dim`` of size ``len(index)``.
        alpha: a scale for ``source``.

    Returns:
        An array of ``input``'s shape and dtype.

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

    Args:
        input: an array-like.
        dim: the axis ``index`` addresses.
        index: a 1-d integer array.
        source: the new slices: ``input``'s shape with ``dim`` of size ``len(index)``.

    Returns:
        An array of ``input``'s shape and dtype.

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

    Args:
        input: an array-like.
        dim: the axis ``index`` addresses.
        index: a 1-d integer array.
        value: a scalar or 0-d array, cast to ``input``'s dtype.

    Returns:
        An array of ``input``'s shape and dtype.

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

    Args:
        input: an array-like.
        dim: the axis ``index`` addresses.
        index: a 1-d integer array; repeated indices all combine.
        source: the slices: ``input``'s shape with ``dim`` of size ``len(index)``.
        reduce: ``"prod"``, ``"mean"``, ``"amax"`` or ``"amin"``.
        include_self: combine with ``input``'s values at the addressed slices too.

    Returns:
        An array of ``input``'s shape and dtype.

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

    Args:
        input: an array-like.
        indices: a tuple of integer (or bool) index arrays, one per leading dim.
        values: the values, broadcasting to the indexed shape.
        accumulate: add ``values`` (repeated indices accumulate) instead of writing them.

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> ft.index_put(ft.zeros(3), (ft.array([0, 2]),), ft.array([1.0, 2.0])).tolist()
        [1.0, 0.0, 2.0]
    """
    x = as_array(input)
    where = tuple(as_array(i) for i in indices)
    return x.at[where].add(values) if accumulate else x.at[where].set(values)


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
