"""Padding: ``pad`` (NumPy's ``pad_width`` forms and its ``constant``, ``edge``,
``reflect``, ``symmetric`` and ``wrap`` modes).

Only constant padding is a primitive (``pad_p``, with static fill values); traced fill
values and the other modes compose it with ``take``, so they are differentiable and
batchable through those.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch.ops.creation import contains_traced
from funtorch import ops
from funtorch.typing import Array, ArrayLike

__all__ = ["pad"]

_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def _pad_shape(x, widths, values):
    if len(widths) != len(x.shape):
        raise ValueError(f"pad: {len(widths)} (before, after) pairs for an array of dimension "
                         f"{len(x.shape)}")
    return tuple(n + before + after for n, (before, after) in zip(x.shape, widths)), x.dtype


def _unpad(g, ans, x, widths, values):
    """The VJP: ``g`` without the padding. Indexing is all it does, so the same rule serves
    funtorch arrays and, as ``vjp_buf``, backend arrays."""
    return g[tuple(slice(before, n - after) for n, (before, after) in zip(g.shape, widths))]


def _pad_constant(x, widths, values):
    if not isinstance(values, tuple):
        values = ((values, values),) * len(widths)
    return bind(pad_p, x, widths=widths, values=values)


def _pad_batch(args, bdims, widths, values):
    x = R.move_bdim(args[0], bdims[0])
    return bind(pad_p, x, widths=((0, 0),) + widths, values=((0, 0),) + values), 0


pad_p = Primitive(
    "pad", lambda xp, x, widths, values: xp.pad(x, widths, mode="constant",
                                                 constant_values=values),
    shape=_pad_shape, vjp=(_unpad,), vjp_buf=(_unpad,),
    jvp=(lambda t, ans, x, widths, values: _pad_constant(t, widths, 0),), batch=_pad_batch,
    samples=lambda s: ((s.array((2, 3)),), {"widths": ((1, 0), (2, 3)),
                                            "values": ((0.5, -1.0), (0.0, 2.0))}),
    torch_name="ConstantPadNd", complex=True)


def _as_pairs(value, ndim, what, integral):
    pairs = np.asarray(value)
    if integral and pairs.dtype.kind not in "iu":
        raise TypeError(f"pad: `{what}` must be of integral type, got {value!r}")
    try:
        pairs = np.broadcast_to(pairs, (ndim, 2))
    except ValueError:
        raise ValueError(f"pad: `{what}` must be an int, a (before, after) pair or one pair per "
                         f"axis ({ndim} axes), got {value!r}") from None
    return tuple((a.item(), b.item()) for a, b in pairs)


def _pad_traced(array, widths, constant_values):
    """Constant padding with traced fill values: zero padding plus a gather of the values
    at each padded position, so their derivatives flow (pad_p takes static values)."""
    ndim = array.ndim
    values = ops.astype(ops.asarray(constant_values), array.dtype)
    try:
        values = ops.reshape(ops.broadcast_to(values, (ndim, 2)), (-1,))
    except ValueError:
        raise ValueError(f"pad: `constant_values` must be a scalar, a (before, after) pair or "
                         f"one pair per axis ({ndim} axes), got shape {values.shape}") from None
    # which value fills each position (NumPy pads axis by axis: later axes win at corners)
    codes = np.pad(np.zeros(array.shape, np.intp), widths, mode="constant",
                   constant_values=np.arange(1, 2 * ndim + 1).reshape(ndim, 2))
    table = ops.concatenate([ops.zeros((1,), dtype=array.dtype, device=array.device), values])
    return _pad_constant(array, widths, 0) + ops.take(table, codes)


def pad(array: ArrayLike, pad_width: Any, mode: str = "constant", constant_values: ArrayLike = 0,
        reflect_type: str = "even") -> Array:
    """Pad an array (NumPy's ``pad_width`` forms: ``n``, ``(before, after)``, per axis).

    Modes: ``"constant"`` (``constant_values``, also per axis), ``"edge"``, ``"reflect"``,
    ``"symmetric"`` and ``"wrap"``, all differentiable; traced ``constant_values`` too.

    Args:
        array: an array-like.
        pad_width: non-negative ints: ``n`` (every side), ``(before, after)`` (every axis)
            or one ``(before, after)`` pair per axis.
        mode: ``"constant"``, ``"edge"``, ``"reflect"``, ``"symmetric"`` or ``"wrap"``.
        constant_values: the fill for ``"constant"``, in ``pad_width``'s forms (may be
            traced).
        reflect_type: only ``"even"`` (NumPy's default).

    Returns:
        An array of ``array``'s dtype, each axis longer by ``before + after``.

    Raises:
        TypeError: a non-integer ``pad_width``.
        ValueError: negative widths, a bad ``pad_width`` shape, another mode, or another
            ``reflect_type``.

    Example:
        >>> ft.pad(ft.array([1, 2, 3]), (2, 1), mode="reflect").tolist()
        [3, 2, 1, 2, 3, 2]
    """
    array = R.as_array(array)
    widths = _as_pairs(pad_width, array.ndim, "pad_width", True)
    if any(n < 0 for pair in widths for n in pair):
        raise ValueError(f"pad: `pad_width` can't contain negative values, got {pad_width!r}")
    if mode == "constant":
        if not any(n for pair in widths for n in pair):
            return array
        if contains_traced(constant_values):
            return _pad_traced(array, widths, constant_values)
        return _pad_constant(array, widths, _as_pairs(constant_values, array.ndim,
                                                      "constant_values", False))
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode {mode!r} is not supported; use one of {_PAD_MODES}")
    if reflect_type != "even":
        raise ValueError(f"pad: only reflect_type='even' is supported, got {reflect_type!r}")
    out = array
    for axis, (before, after) in enumerate(widths):
        if before or after:
            try:  # padding the positions with NumPy gives the source index of each output
                source = np.pad(np.arange(out.shape[axis]), (before, after), mode=mode)
            except ValueError as exc:
                raise ValueError(f"pad: {exc}") from None
            out = ops.take(out, source, axis=axis)
    return out
