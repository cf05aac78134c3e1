"""Collectives over a named axis: JAX's ``psum``/``pmean``/``pmax``/``pmin``/``all_gather``/
``psum_scatter``/``axis_index`` and torch's ``all_reduce``/``all_gather``/``reduce_scatter``/
``broadcast``, on arrays and pytrees.

An axis name is bound either by ``ft.vmap(f, axis_name=name)`` (the collective runs across
the mapped examples, in this process) or is the process group's axis (``"world"`` unless
``init`` chose another): the collective then runs across processes. The innermost binding
wins, so a vmap may shadow the group's name. Because N ranks and a vmap over N slices run
the same primitives, the vmap is the single-process oracle of every distributed program.

Each collective is a primitive (``_coll_prims.py``) with JAX's derivative rules: under
``grad`` each rank's gradient is that of the sum of all ranks' outputs (psum is its own
transpose), so ``grad`` of ``pmean(loss)`` is the local gradient and
``pmean(grad(loss))`` the data-parallel gradient; under ``grad`` of a function that
contains the whole vmap the result is the plain mathematical derivative.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any

import numpy as np

from funtorch import ops, tree
from funtorch.core import bind
from funtorch.distributed import _coll_prims as P
from funtorch.distributed._coll_axes import (
    _group_axis, _names, _op_name, _resolve, _single_name,
)
from funtorch.ops.registry import as_array
from funtorch.transforms.vmap import bound_axis
from funtorch.typing import Array, PyTree

__all__ = ["psum", "pmean", "pmax", "pmin", "all_gather", "psum_scatter", "axis_index",
           "axis_size", "all_reduce", "reduce_scatter", "broadcast"]


def _map(x, one):
    return tree.map(lambda leaf: one(as_array(leaf)), x)


def _reduce(prim, fn, x, axis_name):
    for name in _names(axis_name):
        index, size = _resolve(fn, name)
        x = _map(x, lambda leaf: bind(prim, leaf, index, axis_name=name, axis_size=size))
    return x


def axis_size(axis_name: Hashable) -> int:
    """The number of ranks along ``axis_name`` (a tuple of names: the product).

    Example:
        >>> ft.vmap(lambda x: x * ft.distributed.collectives.axis_size("i"), axis_name="i")(
        ...     ft.ones(3))
        array([3., 3., 3.])
    """
    return _axis_size("axis_size", axis_name)


def _axis_size(fn, axis_name):
    return math.prod(_resolve(fn, name)[1] for name in _names(axis_name))


def psum(x: PyTree, axis_name: Hashable) -> PyTree:
    """Sum ``x`` over the ranks of ``axis_name`` (JAX ``lax.psum``).

    Args:
        x: an array or a pytree of arrays (Python numbers allowed).
        axis_name: an axis bound by ``ft.vmap(..., axis_name=)`` or the process group's,
            or a tuple of names (summed over all of them).

    Returns:
        The sum, the same on every rank. A value that does not vary along a vmap axis
        sums to ``axis_size * x``.

    Raises:
        NameError: ``axis_name`` is bound by no enclosing vmap and is not the group's.

    Example:
        >>> ft.vmap(lambda x: ft.psum(x, "i"), axis_name="i")(ft.array([1.0, 2.0, 3.0]))
        array([6., 6., 6.])
    """
    return _reduce(P.psum_p, "psum", x, axis_name)


def pmean(x: PyTree, axis_name: Hashable) -> PyTree:
    """The mean of ``x`` over the ranks of ``axis_name``: ``psum(x) / axis_size``.

    Args:
        x: an array or a pytree of arrays.
        axis_name: a vmap's axis name, the group's, or a tuple of names.

    Returns:
        The mean, the same on every rank.

    Example:
        >>> ft.vmap(lambda x: ft.pmean(x, "i"), axis_name="i")(ft.array([1.0, 2.0, 3.0]))
        array([2., 2., 2.])
    """
    size = _axis_size("pmean", axis_name)
    return tree.map(lambda total: total / size, psum(x, axis_name))


def pmax(x: PyTree, axis_name: Hashable) -> PyTree:
    """The elementwise maximum of ``x`` over the ranks of ``axis_name`` (JAX ``lax.pmax``).

    Args:
        x: an array or a pytree of arrays.
        axis_name: a vmap's axis name, the group's, or a tuple of names.

    Returns:
        The maximum, the same on every rank. Its derivative goes to the ranks holding the
        maximum, split equally between ties (as the ``max`` reduction's).

    Example:
        >>> ft.vmap(lambda x: ft.pmax(x, "i"), axis_name="i")(ft.array([1.0, 3.0, 2.0]))
        array([3., 3., 3.])
    """
    return _reduce(P.pmax_p, "pmax", x, axis_name)


def pmin(x: PyTree, axis_name: Hashable) -> PyTree:
    """The elementwise minimum of ``x`` over the ranks of ``axis_name`` (JAX ``lax.pmin``);
    arguments, result and derivative as :func:`pmax`.

    Args:
        x: an array or a pytree of arrays.
        axis_name: a vmap's axis name, the group's, or a tuple of names.

    Returns:
        The minimum, the same on every rank.

    Example:
        >>> ft.vmap(lambda x: ft.pmin(x, "i"), axis_name="i")(ft.array([[1.0, 4.0], [3.0, 2.0]]))
        array([[1., 2.],
               [1., 2.]])
    """
    return _reduce(P.pmin_p, "pmin", x, axis_name)


def _gather_axis(leaf, axis, tiled):
    ndim = leaf.ndim
    top = ndim if tiled else ndim + 1
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"all_gather: axis must be an int, got {axis!r}")
    if not -top <= axis < top:
        raise ValueError(f"all_gather: axis={axis} is out of range for a {ndim}-d array "
                         f"with tiled={tiled} (valid: {-top}..{top - 1})")
    return int(axis) % top


def all_gather(x: PyTree, axis_name: Hashable | None = None, *, axis: int = 0,
               tiled: bool = False) -> PyTree:
    """Every rank's ``x``, stacked along a new axis ``axis`` (or concatenated when
    ``tiled``), in rank order (JAX ``lax.all_gather``; torch's ``all_gather`` into one
    array when ``axis_name`` is None, which means the process group).

    Args:
        x: an array or a pytree of arrays.
        axis_name: a vmap's axis name or the group's; None: the process group.
        axis: where the rank axis goes in the result.
        tiled: concatenate along ``axis`` instead of stacking.

    Returns:
        The gathered array(s), the same on every rank; the transpose is ``psum_scatter``.

    Raises:
        ValueError: ``tiled=True`` with a 0-d array.

    Example:
        >>> ft.vmap(lambda x: ft.all_gather(x, "i"), axis_name="i")(ft.array([1.0, 2.0]))
        array([[1., 2.],
               [1., 2.]])
    """
    name = _single_name("all_gather", _group_axis("all_gather", None, axis_name))
    index, size = _resolve("all_gather", name)

    def one(leaf):
        if tiled and leaf.ndim == 0:
            raise ValueError("all_gather: tiled=True needs an array of at least one dimension, "
                             "got a 0-d array; use tiled=False to stack scalars")
        return bind(P.all_gather_p, leaf, index, axis_name=name, axis_size=size,
                    axis=_gather_axis(leaf, axis, tiled), tiled=bool(tiled))
    return _map(x, one)


def _scatter_dim(fn, leaf, dim, size, tiled):
    if leaf.ndim == 0:
        raise ValueError(f"{fn}: needs an array of at least one dimension to scatter, got a "
                         "0-d array")
    if isinstance(dim, (bool, np.bool_)) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{fn}: scatter_dimension must be an int, got {dim!r}")
    if not -leaf.ndim <= dim < leaf.ndim:
        raise ValueError(f"{fn}: scatter_dimension={dim} is out of range for shape "
                         f"{tuple(leaf.shape)}")
    dim = int(dim) % leaf.ndim
    n = leaf.shape[dim]
    if (n % size if tiled else n != size):
        need = f"a multiple of {size}" if tiled else f"{size} (or pass tiled=True)"
        raise ValueError(f"{fn}: dimension {dim} of shape {tuple(leaf.shape)} has "
                         f"size {n} but the axis has {size} ranks: it must be {need}")
    return dim


def psum_scatter(x: PyTree, axis_name: Hashable, *, scatter_dimension: int = 0,
                 tiled: bool = False) -> PyTree:
    """Sum ``x`` over the ranks and give rank ``r`` block ``r`` of the sum along
    ``scatter_dimension`` (JAX ``lax.psum_scatter``, a reduce-scatter).

    Args:
        x: an array or a pytree of arrays.
        axis_name: a vmap's axis name or the group's.
        scatter_dimension: the dimension split between the ranks.
        tiled: False: that dimension's size equals the number of ranks and is removed;
            True: it is a multiple ``N * k`` and each rank keeps ``k``.

    Returns:
        This rank's block of the sum; the transpose is ``all_gather``.

    Example:
        >>> ft.vmap(lambda x: ft.psum_scatter(x, "i"), axis_name="i")(ft.ones((2, 2)))
        array([2., 2.])
    """
    return _psum_scatter("psum_scatter", x, axis_name, scatter_dimension, tiled)


def _psum_scatter(fn, x, axis_name, scatter_dimension, tiled):
    """:func:`psum_scatter`, its errors naming ``fn`` (``reduce_scatter`` calls it too)."""
    name = _single_name(fn, axis_name)
    index, size = _resolve(fn, name)

    def one(leaf):
        dim = _scatter_dim(fn, leaf, scatter_dimension, size, tiled)
        return bind(P.psum_scatter_p, leaf, index, axis_name=name, axis_size=size,
                    scatter_dimension=dim, tiled=bool(tiled))
    return _map(x, one)


def axis_index(axis_name: Hashable) -> Array:
    """This rank's position along ``axis_name`` (int32; JAX ``lax.axis_index``).

    Args:
        axis_name: a vmap's axis name or the group's.

    Returns:
        A 0-d int32 array, different on every rank.

    Example:
        >>> ft.vmap(lambda x: x * ft.axis_index("i"), axis_name="i")(ft.ones(3))
        array([0., 1., 2.])
    """
    name = _single_name("axis_index", axis_name)
    trace = bound_axis(name)
    if trace is not None:
        return trace.axis_index()
    _resolve("axis_index", name)  # the group's axis, or the unbound-name error
    return ops.asarray(np.int32(P.current_group().rank))


def all_reduce(x: PyTree, op: str = "sum", group: Any = None, *,
               axis_name: Hashable | None = None) -> PyTree:
    """Reduce ``x`` over the process group and return the result on every rank (torch's
    ``dist.all_reduce``; arrays are immutable, so the result is returned, not written).

    Args:
        x: an array or a pytree of arrays.
        op: ``"sum"``, ``"mean"`` (``"avg"``), ``"max"`` or ``"min"``.
        group: None (the default group).
        axis_name: reduce over a vmap's axis instead of the process group.

    Returns:
        The reduced value, the same on every rank.

    Example:
        >>> ft.distributed.all_reduce(ft.ones(2), op="mean")   # 1 process: the identity
        array([1., 1.])
    """
    name = _group_axis("all_reduce", group, axis_name)
    reduce = {"sum": psum, "mean": pmean, "max": pmax, "min": pmin}[_op_name("all_reduce", op)]
    return reduce(x, name)


def reduce_scatter(x: PyTree, op: str = "sum", group: Any = None, *,
                   axis_name: Hashable | None = None, scatter_dimension: int = 0) -> PyTree:
    """Reduce ``x`` over the ranks and keep this rank's block of dimension
    ``scatter_dimension``, whose size must be a multiple ``N * k`` of the ranks (torch's
    ``reduce_scatter_tensor``; JAX's ``psum_scatter(..., tiled=True)`` for ``"sum"``).

    Args:
        x: an array or a pytree of arrays, each of at least one dimension.
        op: ``"sum"``, ``"mean"`` (``"avg"``), ``"max"`` or ``"min"``.
        group: None (the default group).
        axis_name: reduce over a vmap's axis instead of the process group.
        scatter_dimension: the dimension split between the ranks; its size must be a
            multiple ``N * k`` of the ``N`` ranks, and each rank keeps ``k``.

    Returns:
        This rank's block of the reduced value, ``x``'s shape with ``scatter_dimension``
        divided by ``N``.

    Raises:
        ValueError: an unknown ``op``, another process group, a 0-d leaf, or a
            ``scatter_dimension`` out of range or whose size is not a multiple of ``N``.
        TypeError: ``scatter_dimension`` is not an int.
        NameError: ``axis_name`` is bound by no enclosing vmap and is not the group's.

    Example:
        >>> ft.vmap(lambda x: ft.distributed.reduce_scatter(x, axis_name="i"),
        ...         axis_name="i")(ft.ones((2, 4)))
        array([[2., 2.],
               [2., 2.]])
    """
    name = _group_axis("reduce_scatter", group, axis_name)
    op = _op_name("reduce_scatter", op)
    if op in ("sum", "mean"):
        out = _psum_scatter("reduce_scatter", x, name, scatter_dimension, True)
        size = _axis_size("reduce_scatter", name)
        return out if op == "sum" else tree.map(lambda v: v / size, out)
    reduced = (pmax if op == "max" else pmin)(x, name)
    index, size = _resolve("reduce_scatter", name)
    rank = P.current_group().rank if index is None else index

    def block(leaf):
        dim = _scatter_dim("reduce_scatter", leaf, scatter_dimension, size, True)
        shape = tuple(leaf.shape)
        split = ops.reshape(leaf, shape[:dim] + (size, shape[dim] // size) + shape[dim + 1:])
        return ops.take(split, rank, axis=dim)
    return tree.map(block, reduced)


def broadcast(x: PyTree, root: int = 0, group: Any = None, *,
              axis_name: Hashable | None = None) -> PyTree:
    """Rank ``root``'s ``x`` on every rank (torch's ``dist.broadcast`` with ``src=root``).

    The transpose sums every rank's cotangent into the root's input (the other ranks'
    inputs get zeros).

    Args:
        x: an array or a pytree of arrays.
        root: the rank whose value is sent.
        group: None (the default group).
        axis_name: broadcast along a vmap's axis instead of the process group.

    Returns:
        ``x`` of rank ``root``.

    Raises:
        ValueError: ``root`` is not a rank of the group.

    Example:
        >>> ft.vmap(lambda x: ft.distributed.broadcast(x, root=1, axis_name="i"),
        ...         axis_name="i")(ft.array([1.0, 2.0]))
        array([2., 2.])
    """
    name = _single_name("broadcast", _group_axis("broadcast", group, axis_name))
    index, size = _resolve("broadcast", name)
    if isinstance(root, (bool, np.bool_)) or not isinstance(root, (int, np.integer)) or not (
            0 <= root < size):
        raise ValueError(f"broadcast: root must be a rank in 0..{size - 1}, got {root!r}")
    return _map(x, lambda leaf: bind(P.broadcast_p, leaf, index, axis_name=name,
                                                  axis_size=size, root=int(root)))
