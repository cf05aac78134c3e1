"""dtype helpers (``result_type``, ``promote_types``, ``can_cast``, ``issubdtype``) with
funtorch's promotion rules, and the bit packers ``packbits``/``unpackbits``."""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import dtypes
from funtorch.ops.arrays_base import as_array, axis_index
from funtorch import ops
from funtorch.typing import Array, ArrayLike, Axis, DTypeLike

_WEAK_KINDS = {bool: "b", int: "i", float: "f", complex: "c"}
_KIND_ORDER = "biufc"


def _dtype_of(value, fn):
    if hasattr(value, "dtype") and not isinstance(value, type):
        return np.dtype(value.dtype)
    try:
        return np.dtype(value)
    except TypeError:
        raise TypeError(f"{fn}: expected an array, a dtype or a Python scalar, got "
                        f"{type(value).__name__} {value!r:.40}") from None


def result_type(*arrays_and_dtypes: Any) -> np.dtype[Any]:
    """The dtype an operation on the arguments gives, by funtorch's rules: NumPy's within
    a kind, an integer/bool meeting a float takes the float (``int64, float32 ->
    float32``), and Python scalars are weak (``float32 array, 2.0 -> float32``; a Python
    float with integers gives the default float dtype).

    Args:
        *arrays_and_dtypes: arrays, dtypes (or anything ``np.dtype`` accepts) and Python
            scalars (``bool``, ``int``, ``float``, ``complex``: weakly typed).

    Returns:
        A ``numpy.dtype``.

    Raises:
        ValueError: no arguments.
        TypeError: an argument that is not an array, a dtype or a Python scalar.

    Example:
        >>> ft.result_type(ft.ones(2, dtype=ft.int32), 1.5)
        dtype('float32')
    """
    if not arrays_and_dtypes:
        raise ValueError("result_type: at least one array or dtype is required")
    strong, weak = [], []
    for value in arrays_and_dtypes:
        if type(value) in _WEAK_KINDS:
            weak.append(_WEAK_KINDS[type(value)])
        else:
            strong.append(_dtype_of(value, "result_type"))
    weakest = max(weak, key=_KIND_ORDER.index) if weak else "b"
    if not strong:
        return {"b": np.dtype(np.bool_), "i": np.dtype(np.int64), "c": np.dtype(np.complex128),
                "f": dtypes.get_default_dtype()}[weakest]
    out = dtypes.result_type(*strong)
    if _KIND_ORDER.index(weakest) <= _KIND_ORDER.index(out.kind):
        return out
    if weakest == "i":
        return np.dtype(np.int64)
    return dtypes.get_default_dtype() if weakest == "f" else np.dtype(np.complex128)


def promote_types(type1: DTypeLike, type2: DTypeLike) -> np.dtype[Any]:
    """The smallest dtype both ``type1`` and ``type2`` can be converted to, by funtorch's
    (PyTorch/JAX) rules: an integer or bool meeting a float gives the float.

    Args:
        type1: a dtype (or anything ``np.dtype`` accepts) or an array.
        type2: a dtype or an array.

    Returns:
        A ``numpy.dtype``.

    Raises:
        TypeError: an argument that is not a dtype or an array.

    Example:
        >>> ft.promote_types(ft.int64, ft.float32)
        dtype('float32')
    """
    return dtypes.result_type(_dtype_of(type1, "promote_types"),
                              _dtype_of(type2, "promote_types"))


def can_cast(from_: DTypeLike, to: DTypeLike, casting: str = "safe") -> bool:
    """Whether a cast from ``from_`` (a dtype or an array) to ``to`` can happen under the
    ``casting`` rule (``"no"``, ``"equiv"``, ``"safe"``, ``"same_kind"``, ``"unsafe"``).

    Args:
        from_: a dtype or an array (not a Python scalar).
        to: a dtype.
        casting: ``"no"``, ``"equiv"``, ``"safe"`` (default), ``"same_kind"`` or ``"unsafe"``.

    Returns:
        A Python bool.

    Raises:
        TypeError: ``from_`` is a Python scalar, or an argument is not a dtype or an array.

    Example:
        >>> ft.can_cast(ft.int32, ft.int64), ft.can_cast(ft.float64, ft.float32)
        (True, False)
    """
    if type(from_) in _WEAK_KINDS:
        raise TypeError("can_cast: Python scalars are not supported for from_ (they have no "
                        "dtype); pass a dtype or an array")
    return bool(np.can_cast(_dtype_of(from_, "can_cast"), _dtype_of(to, "can_cast"), casting))


def issubdtype(arg1: DTypeLike, arg2: DTypeLike) -> bool:
    """Whether ``arg1`` is lower than or equal to ``arg2`` in the dtype hierarchy
    (``ft.issubdtype(ft.float32, np.floating)``).

    Args:
        arg1: a dtype, a scalar type or an array (its dtype is used).
        arg2: a dtype or an abstract NumPy type (``np.floating``, ``np.integer``...).

    Returns:
        A Python bool.

    Example:
        >>> ft.issubdtype(ft.int32, np.integer)
        True
    """
    first = arg1.dtype if hasattr(arg1, "dtype") and not isinstance(arg1, type) else arg1
    return bool(np.issubdtype(first, arg2))


# Bits --------------------------------------------------------------------------------


def _bit_weights(bitorder, fn):
    if bitorder not in ("big", "little"):
        raise ValueError(f"{fn}: bitorder must be 'big' or 'little', got {bitorder!r}")
    weights = 2 ** np.arange(8, dtype=np.int64)
    return weights[::-1].copy() if bitorder == "big" else weights


def packbits(a: ArrayLike, axis: Axis = None, bitorder: str = "big") -> Array:
    """Pack the truth values of an integer or bool array into uint8 bytes along ``axis``
    (the flattened array when None), padding the last byte with zeros.

    Args:
        a: an integer or bool array (non-zero counts as a 1 bit).
        axis: the axis to pack along, or None for the flattened array.
        bitorder: ``"big"`` (the first element is the highest bit) or ``"little"``.

    Returns:
        A uint8 array whose length along ``axis`` is ``ceil(n / 8)`` (1-D when ``axis`` is
        None).

    Raises:
        TypeError: a floating input.
        ValueError: ``bitorder`` is not ``"big"`` or ``"little"``.

    Example:
        >>> ft.packbits(ft.array([1, 0, 1])).tolist()
        [160]
    """
    a = as_array(a)
    if a.dtype.kind not in "iub":
        raise TypeError(f"packbits: expected an input array of integer or boolean data type, "
                        f"got {a.dtype}")
    weights = _bit_weights(bitorder, "packbits")
    if axis is None:
        a, axis = ops.ravel(a), 0
    axis = axis_index(axis, a.ndim, "packbits")
    bits = ops.astype(ops.moveaxis(a, axis, -1) != 0, np.int64)
    extra = -bits.shape[-1] % 8
    if extra:
        bits = ops.concatenate([bits, ops.zeros(bits.shape[:-1] + (extra,), dtype=np.int64,
                                                 device=a.device)],
                               axis=-1)
    groups = ops.reshape(bits, bits.shape[:-1] + (bits.shape[-1] // 8, 8))
    packed = ops.astype(ops.sum(groups * ops.asarray(weights, device=a.device), axis=-1), np.uint8)
    return ops.moveaxis(packed, -1, axis)


def unpackbits(a: ArrayLike, axis: Axis = None, count: int | None = None,
               bitorder: str = "big") -> Array:
    """Unpack uint8 bytes into their bits (0/1 uint8) along ``axis`` (flattened when
    None); ``count`` keeps that many bits (negative: drop from the end; more than there
    are: pad with zeros).

    Args:
        a: a uint8 array.
        axis: the axis to unpack along, or None for the flattened array.
        count: how many bits to keep along ``axis`` (None keeps all ``8 * n``).
        bitorder: ``"big"`` (the highest bit first) or ``"little"``.

    Returns:
        A uint8 array of 0s and 1s, of length ``8 * n`` (or ``count``) along ``axis``.

    Raises:
        TypeError: an input that is not uint8.
        ValueError: ``bitorder`` is not ``"big"`` or ``"little"``.

    Example:
        >>> ft.unpackbits(ft.array([5], dtype=ft.uint8), count=4, bitorder="little").tolist()
        [1, 0, 1, 0]
    """
    a = as_array(a)
    if a.dtype != np.uint8:
        raise TypeError(f"unpackbits: expected an input array of unsigned byte data type, got "
                        f"{a.dtype}")
    weights = ops.asarray(_bit_weights(bitorder, "unpackbits"), device=a.device)
    if axis is None:
        a, axis = ops.ravel(a), 0
    axis = axis_index(axis, a.ndim, "unpackbits")
    moved = ops.astype(ops.moveaxis(a, axis, -1), np.int64)
    bits = ops.mod(ops.floor_divide(moved[..., None], weights), 2)
    bits = ops.astype(ops.reshape(bits, bits.shape[:-2] + (-1,)), np.uint8)
    total = bits.shape[-1]
    if count is not None:
        keep = count if count >= 0 else max(total + count, 0)
        if keep > total:
            bits = ops.concatenate([bits, ops.zeros(bits.shape[:-1] + (keep - total,),
                                                    dtype=np.uint8, device=a.device)], axis=-1)
        bits = bits[..., :keep]
    return ops.moveaxis(bits, -1, axis)
