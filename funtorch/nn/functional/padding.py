"""``F.pad`` with PyTorch's argument order and modes, and the padding the convolution
layers apply for ``padding_mode`` (``"reflect"``, ``"replicate"``, ``"circular"``).

Every mode is ``ft.pad`` (NumPy's ``"reflect"``, ``"edge"``, ``"wrap"``: differentiable,
batched under ``vmap``) plus a slice for negative widths; PyTorch's size limits are
checked here because NumPy would silently reflect or wrap more than once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import funtorch as ft
from funtorch.typing import Array, ArrayLike

__all__ = ["pad", "pad_widths", "pad_spatial", "PADDING_MODES"]

_NUMPY_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge",
                "circular": "wrap"}
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
_REFLECT_TOO_BIG = ("{fn}: padding size should be less than the corresponding input dimension "
                    "for padding_mode='reflect', but got: padding {pair} at dimension {axis} of "
                    "input {shape}")
_WRAPS_TWICE = ("{fn}: padding value causes wrapping around more than once (padding {pair} at "
                "dimension {axis} of input {shape}); circular padding needs padding <= the "
                "input size")


def _check_sizes(shape, widths, mode, fn):
    for axis, pair in enumerate(widths):
        size = shape[axis]
        if mode == "reflect" and max(pair) >= size:
            raise RuntimeError(_REFLECT_TOO_BIG.format(fn=fn, pair=pair, axis=axis,
                                                       shape=list(shape)))
        if mode == "circular" and max(pair) > size:
            raise RuntimeError(_WRAPS_TWICE.format(fn=fn, pair=pair, axis=axis,
                                                   shape=list(shape)))
        if mode == "replicate" and size == 0 and any(pair):
            raise RuntimeError(f"{fn}: padding_mode='replicate' needs a non-empty dimension "
                               f"{axis} (input {list(shape)})")


def _crop(x, widths):
    """Apply the negative widths of ``widths`` (per axis ``(before, after)``) as a slice."""
    if not any(n < 0 for pair in widths for n in pair):
        return x
    return x[tuple(slice(-min(lo, 0), x.shape[axis] + min(hi, 0))
                   for axis, (lo, hi) in enumerate(widths))]


def _grow(x, widths, mode, value):
    widths = tuple((max(lo, 0), max(hi, 0)) for lo, hi in widths)
    if not any(n for pair in widths for n in pair):
        return x
    if mode == "constant":
        return ft.pad(x, widths, constant_values=value)
    return ft.pad(x, widths, mode=_NUMPY_MODES[mode])


def pad_widths(x, widths, mode, value=0.0, fn="pad"):
    """Pad ``x`` by ``widths`` (one ``(before, after)`` per axis, negative = crop).

    PyTorch crops before a circular pad (so the wrap sees the cropped data) and after the
    other modes (a reflection or replication of the original data).
    """
    if mode == "circular":
        x = _crop(x, widths)
        _check_sizes(x.shape, widths, mode, fn)
        return _grow(x, widths, mode, value)
    _check_sizes(x.shape, widths, mode, fn)
    return _crop(_grow(x, widths, mode, value), tuple(
        (min(lo, 0), min(hi, 0)) for lo, hi in widths))


def pad_spatial(x, pads, mode, fn):
    """Pad the axes after ``(N, C)`` of ``x`` by ``pads`` (one ``(before, after)`` each)
    with a convolution's ``padding_mode`` (``"zeros"``, ``"reflect"``, ``"replicate"``,
    ``"circular"``)."""
    widths = ((0, 0),) * (x.ndim - len(pads)) + tuple(pads)
    return pad_widths(x, widths, "constant" if mode == "zeros" else mode, 0.0, fn)


def pad(input: ArrayLike, pad: Sequence[int],
        mode: Literal["constant", "reflect", "replicate", "circular"] = "constant",
        value: ArrayLike | None = None) -> Array:
    """Pad ``input`` as PyTorch's ``F.pad``: ``pad`` lists ``(before, after)`` widths from
    the *last* axis backwards, ``(left, right, top, bottom, ...)``; negative widths crop.

    Modes: ``"constant"`` (fill ``value``, default 0), ``"reflect"`` (mirror without
    repeating the edge), ``"replicate"`` (repeat the edge), ``"circular"`` (wrap around).
    Unlike PyTorch, the non-constant modes pad any number of trailing axes.

    Args:
        input: the array.
        pad: an even-length sequence of ints, at most ``2 * input.ndim`` long.
        mode: one of the four modes above.
        value: the fill value of ``"constant"``; other modes take none.

    Returns:
        The padded array (differentiable w.r.t. ``input`` in every mode, and w.r.t. a
        traced ``value``).

    Raises:
        ValueError: an odd or too long ``pad``, an unknown mode, or ``value`` with a
            non-constant mode.
        RuntimeError: reflect padding not smaller than the axis, or circular padding
            larger than it (PyTorch's limits).

    Example:
        >>> F.pad(ft.array([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect").tolist()
        [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]]
    """
    pad = tuple(int(n) for n in pad)
    if len(pad) % 2:
        raise ValueError(f"pad: padding length must be divisible by 2, got {pad}")
    if len(pad) > 2 * input.ndim:
        raise ValueError(f"pad: padding length should be less than or equal to two times the "
                         f"input dimension but got padding length {len(pad)} and input of "
                         f"dimension {input.ndim}")
    if mode not in _NUMPY_MODES:
        raise ValueError(f"pad: unrecognised padding mode {mode!r}; use one of "
                         f"{tuple(_NUMPY_MODES)}")
    if mode != "constant" and value is not None:
        raise ValueError(f"pad: padding mode {mode!r} doesn't take in value argument")
    pairs = [(pad[i], pad[i + 1]) for i in range(0, len(pad), 2)][::-1]
    widths = ((0, 0),) * (input.ndim - len(pairs)) + tuple(pairs)
    return pad_widths(input, widths, mode, 0.0 if value is None else value)
