"""Helpers shared by the ``arrays_*`` families: argument normalisation, concrete values
for data-dependent shapes, and fixed-size compaction (the ``size=`` path of ``unique``,
``argwhere``, ``compress``, ... that works under ``jit`` and ``vmap``)."""

from __future__ import annotations

import numpy as np

from funtorch import dtypes
from funtorch.core import Array
from funtorch.ops import registry as R
from funtorch import ops

_SIZE_HINT = ("{fn}: the output shape depends on the values of the input, which are not known "
              "here (inside ft.jit or ft.vmap values are abstract or batched); {fix}")
SIZE_FIX = "pass a static size= (and optionally fill_value=) to get a fixed-size result"
_INPLACE = ("{fn}: funtorch arrays are immutable, so {fn} cannot modify its input in place; "
            "pass inplace=False to get an updated copy, or use the functional form "
            "x.at[...].set(values)")


def as_array(x) -> Array:
    return R.as_array(x)


def is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def default_float(*arrays):
    """The floating dtype of a float result: the arrays' float dtype, else the default."""
    kinds = [a.dtype for a in arrays if a.dtype.kind in "fc"]
    return dtypes.result_type(*kinds) if kinds else dtypes.get_default_dtype()


def to_float(x):
    x = as_array(x)
    return x if x.dtype.kind in "fc" else ops.astype(x, dtypes.get_default_dtype())


def axis_index(axis, ndim, fn):
    return ops.normalize_axis(axis, ndim, fn)[0]


def _values(x):
    # the values only steer shapes and checks, so they are read without their derivatives
    return np.asarray(ops.stop_gradient(x) if isinstance(x, Array) else x)


def host(x, fn, fix=SIZE_FIX):
    """The values of ``x`` as a NumPy array, or a clear error inside ``jit``/``vmap``."""
    try:
        return _values(x)
    except TypeError as exc:
        raise TypeError(_SIZE_HINT.format(fn=fn, fix=fix) + f". Cause: {exc}") from None


def host_or_none(x):
    """The values of ``x`` when known (eager, grad, jvp), else None (jit, vmap)."""
    try:
        return _values(x)
    except TypeError:
        return None


def count_true(mask, fn):
    """How many elements of a boolean array are true, as a Python int (concrete values)."""
    return int(host(ops.sum(mask), fn))


def refuse_inplace(inplace, fn):
    if inplace:
        raise ValueError(_INPLACE.format(fn=fn))


def check_size(size, fn):
    if size is None:
        return None
    if not is_int(size) or size < 0:
        raise ValueError(f"{fn}: size must be a non-negative int, got {size!r}")
    return int(size)


def along(axis, ndim, index):
    """An index tuple selecting ``index`` along ``axis`` and everything elsewhere."""
    return (slice(None),) * axis + (index,) + (slice(None),) * (ndim - axis - 1)


def true_positions(mask, size, fill_value=0):
    """Positions of the true entries of a 1-d boolean ``mask``, in order, as ``size`` int64s
    padded with ``fill_value``; also returns the count of true entries (an Array)."""
    count = ops.sum(ops.astype(mask, np.int64))
    length = mask.shape[0]
    order = ops.argsort(ops.logical_not(mask))  # stable: the true ones first, in order
    if size > length:
        padding = ops.zeros((size - length,), dtype=np.int64, device=mask.device)
        order = ops.concatenate([order, padding])
    order = order[:size]
    valid = ops.arange(size, device=mask.device) < count
    return ops.where(valid, order, fill_value), count


def compact(values, mask, size, fill_value, fn):
    """The elements of ``values`` (along its first axis) where ``mask`` holds, as exactly
    ``size`` entries (the count of true ones when ``size`` is None, which needs concrete
    values) padded with ``fill_value`` (None: the first kept element, as JAX)."""
    if size is None:
        size = count_true(mask, fn)
    positions, count = true_positions(mask, size)
    if values.shape[0] == 0:
        fill = 0 if fill_value is None else fill_value
        return ops.full((size,) + tuple(values.shape[1:]), fill, dtype=values.dtype,
                        device=values.device)
    out = values[positions]
    if size:
        valid = ops.reshape(ops.arange(size, device=count.device) < count,
                            (size,) + (1,) * (values.ndim - 1))
        fill = out[:1] if fill_value is None else ops.astype(as_array(fill_value), values.dtype)
        out = ops.where(valid, out, fill)
    return out
