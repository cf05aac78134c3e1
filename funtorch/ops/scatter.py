"""Scatters: ``scatter`` (set), ``scatter_add``, ``scatter_mul``, ``scatter_min`` and
``scatter_max`` primitives, and JAX's ``x.at[idx].set/add/multiply/min/max/get`` on them.

Each takes ``(operand, updates, indices)`` and the static ``index`` of ``indexing.py``;
``updates`` has exactly the shape of ``operand[index]`` (the public API broadcasts it).
The output is a new array; repeated indices accumulate for add/multiply/min/max, and for
``set`` one of the repeated updates lands (the last one on NumPy).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from funtorch.core import Array, Primitive, bind
from funtorch.typing import ArrayLike
from funtorch.ops import registry as R
from funtorch.ops.buffer_vjp import bind_buffers
from funtorch.ops.indexing import (
    ARRAY, batch_index, batch_position, block_position, build_index, gather, gather_p,
    index_samples, layout, parse_index,
)
from funtorch import ops

_UFUNCS = {"add": "add", "mul": "multiply", "min": "minimum", "max": "maximum"}


def _multiply_in_rounds(xp, flat, positions, values):
    """``flat[positions] *= values`` with repeated positions: round r applies each
    position's r-th update, so no round writes one position twice."""
    order = xp.argsort(positions)
    positions, values = positions[order], values[order]
    rank = xp.arange(positions.size) - xp.searchsorted(positions, positions)
    for r in range(int(rank.max()) + 1 if rank.size else 0):
        hit = rank == r
        flat[positions[hit]] *= values[hit]


def _scatter_impl(mode):
    def impl(xp, operand, updates, indices, index):
        out = xp.array(operand, copy=True, order="C")
        where = build_index(index, indices)
        if mode == "set":
            out[where] = updates
        elif ARRAY not in index:  # basic indexing never reaches an element twice
            out[where] = getattr(xp, _UFUNCS[mode])(out[where], updates)
        elif xp is np:
            getattr(np, _UFUNCS[mode]).at(out, where, updates)
        else:  # CuPy: go through flat positions, which its scatter kernels accept
            flat = out.reshape(-1)
            positions = xp.arange(out.size).reshape(out.shape)[where].reshape(-1)
            values = xp.asarray(updates, dtype=out.dtype).reshape(-1)
            if mode == "mul":
                _multiply_in_rounds(xp, flat, positions, values)
            else:
                import cupyx

                getattr(cupyx, f"scatter_{mode}")(flat, positions, values)
        return out
    return impl


def _scatter(prim, operand, updates, indices, index):
    return bind(prim, operand, updates, indices, index=index)


def _scatter_shape(x, updates, indices, index):
    expected = layout(index, x.shape, indices.shape)[0]
    if tuple(updates.shape) != expected:
        raise ValueError(f"scatter: updates have shape {tuple(updates.shape)} but the indexed "
                         f"part of the array has shape {expected}")
    return tuple(x.shape), x.dtype


def _with_batch(x, bdim, size):
    return R.move_bdim(x, bdim) if bdim is not None else ops.broadcast_to(x, (size,) + x.shape)


def _scatter_batch(prim):
    def rule(args, bdims, index):
        (operand, updates, indices), (bx, bu, bi) = args, bdims
        size = next(a.shape[b] for a, b in zip(args, bdims) if b is not None)
        operand, updates = _with_batch(operand, bx, size), _with_batch(updates, bu, size)
        x, new_index, new_indices, how = batch_index(operand, indices, 0, bi, index)
        at, rank = block_position(index), new_indices.ndim - 2
        if how == "slice":
            updates = ops.moveaxis(updates, 0, batch_position(new_index, x.shape,
                                                              new_indices.shape))
        elif at:  # (batch, *basic[:at], *block, *basic[at:]) -> (batch, *block, *basic)
            updates = ops.transpose(updates, (0,) + tuple(range(1 + at, 1 + at + rank))
                                    + tuple(range(1, 1 + at))
                                    + tuple(range(1 + at + rank, updates.ndim)))
        return _scatter(prim, x, updates, new_indices, new_index), 0
    return rule


def _winners(x, updates, indices, index):
    """True for the updates that landed (with repeated indices only one does)."""
    ids = ops.reshape(ops.arange(1, updates.size + 1, device=x.device), updates.shape)
    landed = _scatter(scatter_p, ops.zeros(x.shape, dtype=np.int64, device=x.device), ids,
                      indices, index)
    return gather(landed, indices, index) == ids


def _extreme_shares(ans, x, updates, indices, index):
    """Each input's share of the result: 1 where it attains it, split evenly over ties."""
    hit_x = ops.astype(ans == x, ans.dtype)
    hit_u = ops.astype(gather(ans, indices, index) == updates, ans.dtype)
    count = hit_x + _scatter(scatter_add_p, ops.zeros_like(ans), hit_u, indices, index)
    return hit_x / count, hit_u / gather(count, indices, index)


def _mul_partial(ans, x, updates, indices, index):
    """d ans / d updates, exact when some updates are zero (no division by zero)."""
    is_zero = updates == 0
    zeros = _scatter(scatter_add_p, ops.zeros_like(x), ops.astype(is_zero, x.dtype), indices,
                     index)
    safe = ops.where(is_zero, 1.0, updates)
    rest = gather(_scatter(scatter_mul_p, x, safe, indices, index), indices, index)
    zeros = gather(zeros, indices, index)
    return ops.where(is_zero, ops.where(zeros == 1, rest, 0.0),
                     ops.where(zeros == 0, rest / safe, 0.0))


def _mul_factor(x, updates, indices, index):
    return _scatter(scatter_mul_p, ops.ones_like(x), updates, indices, index)


def _scatter_samples(kind=None):
    """Draws for a scatter; ``"nonzero"`` keeps updates off 0 (scatter_mul's exact-zero
    partial is piecewise), ``"separated"`` keeps every value distinct (min/max ties)."""
    def samples(s):
        x, indices, index = index_samples(s)
        shape = layout(index, x.shape, indices.shape)[0]
        if kind == "separated":
            size = math.prod(shape)
            values = s.separated_array((x.size + size,))
            x, updates = ops.reshape(values[:x.size], x.shape), ops.reshape(values[x.size:], shape)
        elif kind == "nonzero":
            updates = s.array(shape, domain=((-2.0, -0.2), (0.2, 2.0)))
        else:
            updates = s.array(shape)
        return (x, updates, indices), {"index": index}
    return samples


def _scatter_primitive(name, mode, vjp, jvp, torch_name, kind=None, complex=False,
                       vjp_buf=None):
    prim = Primitive(name, _scatter_impl(mode), shape=_scatter_shape, vjp=vjp + (None,),
                     jvp=jvp + (None,), samples=_scatter_samples(kind), torch_name=torch_name,
                     complex=complex, vjp_buf=vjp_buf and vjp_buf + (None,))
    prim.batch = _scatter_batch(prim)
    return prim


scatter_p = _scatter_primitive(
    "scatter", "set",
    (lambda g, ans, x, u, i, index: _scatter(scatter_p, g, ops.zeros_like(u), i, index),
     lambda g, ans, x, u, i, index: ops.where(_winners(x, u, i, index), gather(g, i, index), 0.0)),
    (lambda t, ans, x, u, i, index: _scatter(scatter_p, t, ops.zeros_like(u), i, index),
     lambda t, ans, x, u, i, index: _scatter(scatter_p, ops.zeros_like(ans), t, i, index)),
    torch_name="IndexPut", complex=True)
def _add_vjp_x(g, ans, x, u, i, index):
    return g


def _add_vjp_u(g, ans, x, u, i, index, bind=bind):  # bind=bind_buffers: the buffer rule
    return bind(gather_p, g, i, index=index)


scatter_add_p = _scatter_primitive(
    "scatter_add", "add", (_add_vjp_x, _add_vjp_u),
    (lambda t, ans, x, u, i, index: t,
     lambda t, ans, x, u, i, index: _scatter(scatter_add_p, ops.zeros_like(ans), t, i, index)),
    torch_name="IndexPutAdd", complex=True,
    vjp_buf=(_add_vjp_x, functools.partial(_add_vjp_u, bind=bind_buffers)))
scatter_mul_p = _scatter_primitive(
    "scatter_mul", "mul",
    (lambda g, ans, x, u, i, index: g * _mul_factor(x, u, i, index),
     lambda g, ans, x, u, i, index: gather(g, i, index) * _mul_partial(ans, x, u, i, index)),
    (lambda t, ans, x, u, i, index: t * _mul_factor(x, u, i, index),
     lambda t, ans, x, u, i, index: _scatter(
         scatter_add_p, ops.zeros_like(ans), t * _mul_partial(ans, x, u, i, index), i, index)),
    torch_name="ScatterMul", kind="nonzero")


def _extreme_rules():
    def vjp_x(g, ans, x, u, i, index):
        return g * _extreme_shares(ans, x, u, i, index)[0]

    def vjp_u(g, ans, x, u, i, index):
        return gather(g, i, index) * _extreme_shares(ans, x, u, i, index)[1]

    def jvp_x(t, ans, x, u, i, index):
        return t * _extreme_shares(ans, x, u, i, index)[0]

    def jvp_u(t, ans, x, u, i, index):
        share = _extreme_shares(ans, x, u, i, index)[1]
        return _scatter(scatter_add_p, ops.zeros_like(ans), t * share, i, index)
    return (vjp_x, vjp_u), (jvp_x, jvp_u)


scatter_min_p = _scatter_primitive("scatter_min", "min", *_extreme_rules(), "ScatterMin",
                                   kind="separated")
scatter_max_p = _scatter_primitive("scatter_max", "max", *_extreme_rules(), "ScatterMax",
                                   kind="separated")



def scatter_add(operand, updates, indices, index):
    """``operand`` with ``updates`` added at a parsed index (repeats accumulate)."""
    return _scatter(scatter_add_p, operand, updates, indices, index)


# x.at[idx] ------------------------------------------------------------------------------


class _IndexUpdateHelper:
    """``x.at``: index it to get a :class:`_IndexUpdateRef` (JAX's ``x.at[idx]``)."""

    __slots__ = ("array",)

    def __init__(self, array: Array) -> None:
        self.array = array

    def __getitem__(self, idx: Any) -> _IndexUpdateRef:
        return _IndexUpdateRef(self.array, idx)

    def __repr__(self) -> str:
        return f"_IndexUpdateHelper({self.array!r})"


class _IndexUpdateRef:
    """``x.at[idx]``: functional updates of the indexed elements, each returning a new array.

    ``set`` writes, ``add``/``multiply`` accumulate over repeated indices, ``min``/``max``
    keep the extreme; ``values`` broadcast to the indexed shape and are cast to ``x``'s
    dtype. All are differentiable with respect to ``x`` and ``values``.

    Example:
        >>> ft.zeros(3).at[[0, 0, 2]].add(1.0).tolist()
        [2.0, 0.0, 1.0]
    """

    __slots__ = ("array", "index")

    def __init__(self, array: Array, index: Any) -> None:
        self.array, self.index = array, index

    def get(self) -> Array:
        """``x[idx]``."""
        return self.array[self.index]

    def set(self, values: ArrayLike) -> Array:
        """Write ``values`` at the indexed positions."""
        return self._apply(scatter_p, values, "set")

    def add(self, values: ArrayLike) -> Array:
        """Add ``values`` at the indexed positions (repeats accumulate)."""
        return self._apply(scatter_add_p, values, "add")

    def multiply(self, values: ArrayLike) -> Array:
        """Multiply by ``values`` at the indexed positions (repeats accumulate)."""
        return self._apply(scatter_mul_p, values, "multiply")

    mul = multiply

    def min(self, values: ArrayLike) -> Array:  # noqa: A003 - JAX's name
        """Keep the smaller of the element and ``values`` (over all repeats)."""
        return self._apply(scatter_min_p, values, "min")

    def max(self, values: ArrayLike) -> Array:  # noqa: A003 - JAX's name
        """Keep the larger of the element and ``values`` (over all repeats)."""
        return self._apply(scatter_max_p, values, "max")

    def _apply(self, prim: Primitive, values: ArrayLike, method: str) -> Array:
        x = self.array
        fn = f"at[].{method}"
        index, indices = parse_index(x, self.index, fn)
        shape = layout(index, x.shape, indices.shape)[0]
        if isinstance(values, Array):
            values = ops.astype(values, x.dtype)
        else:
            values = ops.asarray(values, dtype=x.dtype, device=x.device)  # traced lists too
        try:
            fits = np.broadcast_shapes(values.shape, shape) == shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"{fn}: cannot broadcast values of shape {tuple(values.shape)} to "
                             f"the indexed shape {shape}; pass values of shape {shape} or one "
                             "that broadcasts to it")
        return _scatter(prim, x, ops.broadcast_to(values, shape), indices, index)


Array.at = property(_IndexUpdateHelper, doc="Functional index updates: ``x.at[idx].set(v)``.")
