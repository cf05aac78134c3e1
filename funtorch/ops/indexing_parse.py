"""Parsing a NumPy index expression for ``gather`` and the scatters: ``parse_index`` splits
it into the static ``index`` entries and the stacked int64 ``indices`` (see ``indexing.py``).
Boolean masks become integer arrays with ``nonzero`` (their values must be concrete)."""

from __future__ import annotations

import numpy as np

from funtorch.core import Array
from funtorch.ops import registry as R
from funtorch import ops

ARRAY = "array"
_BAD_INDEX = ("{fn}: only integers, slices (`:`), ellipsis (`...`), None and integer or "
              "boolean arrays are valid indices, got {what}")
_BOUNDS = "{fn}: index {index} is out of bounds for axis {axis} with size {size}"
_BOOL_SCALAR = ("{fn}: a scalar boolean index is not supported; use x[None] for True or "
                "x[None][:0] for False")


# Parsing NumPy index expressions ---------------------------------------------------------


def _dims_used(item):
    if item is None or item is Ellipsis:
        return 0
    return item.ndim if isinstance(item, _Mask) else 1


class _Mask:
    """A boolean-mask index awaiting its position (it consumes ``ndim`` axes)."""

    __slots__ = ("values", "ndim")

    def __init__(self, values):
        self.values, self.ndim = values, values.ndim


def _classify(item, fn):
    """One user index item -> None, Ellipsis, slice, int, _Mask, or an integer array."""
    if item is None or item is Ellipsis or isinstance(item, slice):
        return item
    if isinstance(item, (bool, np.bool_)):
        raise IndexError(_BOOL_SCALAR.format(fn=fn))
    if isinstance(item, (int, np.integer)):
        return int(item)
    values = item if isinstance(item, Array) else np.asarray(item)
    if not isinstance(item, Array) and values.size == 0 and values.dtype.kind == "f":
        values = values.astype(np.int64)  # x[[]] selects nothing, as in NumPy
    kind = values.dtype.kind
    if kind == "b":
        if values.ndim == 0:
            raise IndexError(_BOOL_SCALAR.format(fn=fn))
        return _Mask(values)
    if kind not in "iu":
        arraylike = isinstance(item, (Array, np.ndarray, list, tuple))
        raise IndexError(_BAD_INDEX.format(
            fn=fn, what=f"an array of dtype {values.dtype}" if arraylike else repr(item)))
    return values


def _host_values(values):
    """The values of an index array when they are on the host without a transform."""
    if isinstance(values, np.ndarray):
        return values
    if type(values) is Array and values.device.type == "cpu":
        return np.asarray(values)
    return None


def _check_bounds(values, size, axis, fn):
    host = _host_values(values)
    if host is not None and host.size:
        low, high = host.min(), host.max()
        if low < -size or high >= size:
            raise IndexError(_BOUNDS.format(fn=fn, index=high if high >= size else low,
                                            axis=axis, size=size))


def _expand(shape, idx, fn):
    items = [_classify(item, fn) for item in (idx if type(idx) is tuple else (idx,))]
    used = sum(_dims_used(item) for item in items)
    if used > len(shape):
        raise IndexError(f"{fn}: too many indices for array: array is {len(shape)}-dimensional, "
                         f"but {used} were indexed")
    ellipses = [n for n, item in enumerate(items) if item is Ellipsis]
    if len(ellipses) > 1:
        raise IndexError(f"{fn}: an index can only have a single ellipsis ('...')")
    fill = [slice(None)] * (len(shape) - used)
    if ellipses:
        return items[:ellipses[0]] + fill + items[ellipses[0] + 1:]
    return items + fill


def parse_index(x, idx, fn="getitem"):
    """Split a NumPy index into (static ``index`` entries, stacked int64 ``indices``)."""
    index, arrays, dim = [], [], 0
    for item in _expand(x.shape, idx, fn):
        if item is None:
            index.append(None)
            continue
        if isinstance(item, _Mask):
            if tuple(item.values.shape) != tuple(x.shape[dim:dim + item.ndim]):
                raise IndexError(f"{fn}: boolean index of shape {tuple(item.values.shape)} does "
                                 f"not match the indexed axes {tuple(x.shape[dim:dim + item.ndim])}"
                                 f" of an array of shape {tuple(x.shape)}")
            rows = np.nonzero(np.asarray(item.values))
            index.extend([ARRAY] * len(rows))
            arrays.extend(rows)
            dim += item.ndim
            continue
        size = x.shape[dim]
        if isinstance(item, slice):
            try:
                start, stop, step = item.indices(size)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"{fn}: bad slice {item}: {exc}") from None
            index.append((start, None if stop < 0 else stop, step))
        elif isinstance(item, int):
            if not -size <= item < size:
                raise IndexError(_BOUNDS.format(fn=fn, index=item, axis=dim, size=size))
            index.append(item % size)
        else:
            _check_bounds(item, size, dim, fn)
            index.append(ARRAY)
            arrays.append(item)
        dim += 1
    return tuple(index), _stack_indices(arrays, x, fn)


def _stack_indices(arrays, x, fn):
    shapes = [tuple(a.shape) for a in arrays]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError(f"{fn}: shape mismatch: indexing arrays could not be broadcast together "
                         f"with shapes {' '.join(map(str, shapes))}") from None
    if all(isinstance(a, np.ndarray) for a in arrays):
        host = np.stack([np.broadcast_to(a, shape) for a in arrays]) if arrays else ()
        return ops.asarray(np.asarray(host, dtype=np.int64), device=x.device)
    rows = [ops.reshape(ops.broadcast_to(ops.astype(R.as_array(a), np.int64), shape),
                        (1,) + shape) for a in arrays]
    return rows[0] if len(rows) == 1 else ops.concatenate(rows)
