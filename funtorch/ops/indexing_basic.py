"""Basic indexing (ints, slices, ``None``, ``...``): the ``basic_index`` primitive and its
transpose ``basic_index_add``, which takes static params and no index arrays.

``x[3]``, ``x[3:10, ::2]``, ``x[:, None]``, ``x[..., 0]`` select a strided view in NumPy
(0.2-0.3 us). Going through ``gather`` cost ~13 us: parsing the index into resolved
entries, building an empty int64 ``indices`` array and rebuilding the NumPy index in
the impl. Here the param is a :class:`BasicIndex` holding the user's index as NumPy
reads it, so the eager path is a type check, one ``bind`` and NumPy's own slicing; the
resolved form (``entries``, used by hashing, equality and the shape rule) is computed
only when asked for. Errors (out of range, too many indices, two ellipses, a zero
step) are NumPy's, reported by the shape rule with the message ``getitem`` always gave.

Rules: the JVP is the same index of the tangent; the VJP writes the cotangent into
zeros of the input's shape (``basic_index_add``; basic indices never repeat an element,
so writing is adding); batching prepends a full slice over the batch axis, so the
output keeps the batch axis first. ``basic_index_add`` is linear with ``basic_index``
as its transpose, so derivatives of every order stay within these two primitives.
"""

from __future__ import annotations

import numpy as np

from funtorch.core import Primitive, bind
from funtorch.ops import registry as R

BASIC_TYPES = (int, slice, type(None), type(Ellipsis))
_BOUNDS = "{fn}: index {index} is out of bounds for axis {axis} with size {size}"


def is_basic(idx):
    """True when ``idx`` uses only ints, slices, ``None`` and ``...`` (bools excluded)."""
    if type(idx) is not tuple:
        return type(idx) in BASIC_TYPES
    for item in idx:
        if type(item) not in BASIC_TYPES:
            return False
    return True


class BasicIndex:
    """A basic index for arrays of one shape: the static param of ``basic_index``.

    Attributes:
        index: the index as NumPy reads it (a tuple of ints, slices, ``None``, ``...``).
        shape: the shape of the indexed array.
        entries: (computed on first use) one entry per indexed position after expanding
            ``...`` and filling trailing axes: ``None`` for a new axis, a non-negative
            int, or ``(start, stop, step)`` with ``slice.indices``' resolved bounds
            (``stop`` None when a negative step runs past the first element), as in
            ``gather``'s ``index`` param.
            Hashing and equality use ``(shape, entries)``, so two spellings of one
            selection are one param.
    """

    __slots__ = ("index", "shape", "_entries")

    def __init__(self, index, shape):
        self.index, self.shape, self._entries = index, shape, None

    @property
    def entries(self):
        if self._entries is None:
            self._entries = resolve(self.index, self.shape)
        return self._entries

    def batched(self, size):
        """The same selection on an array with a new leading axis of ``size``."""
        return BasicIndex((slice(None),) + self.index, (size,) + self.shape)

    def __hash__(self):
        return hash((self.shape, self.entries))

    def __eq__(self, other):
        return (type(other) is BasicIndex and self.shape == other.shape
                and self.entries == other.entries)

    def __repr__(self):
        return f"BasicIndex({self.index!r}, shape={self.shape})"


def resolve(index, shape, fn="getitem"):
    """Expand ``...``, check bounds and resolve slices: the ``entries`` of a BasicIndex.

    Raises:
        IndexError: too many indices, more than one ellipsis, an int out of range.
        ValueError: a slice step of zero.
    """
    used = sum(1 for item in index if item is not None and item is not Ellipsis)
    if used > len(shape):
        raise IndexError(f"{fn}: too many indices for array: array is {len(shape)}-dimensional, "
                         f"but {used} were indexed")
    if index.count(Ellipsis) > 1:
        raise IndexError(f"{fn}: an index can only have a single ellipsis ('...')")
    entries, dim = [], 0
    for item in index:
        if item is None:
            entries.append(None)
        elif item is Ellipsis:
            fill = len(shape) - used
            entries.extend((0, n, 1) for n in shape[dim:dim + fill])
            dim += fill
        elif type(item) is slice:
            try:
                start, stop, step = item.indices(shape[dim])
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"{fn}: bad slice {item}: {exc}") from None
            entries.append((start, None if stop < 0 else stop, step))
            dim += 1
        else:
            size = shape[dim]
            if not -size <= item < size:
                raise IndexError(_BOUNDS.format(fn=fn, index=item, axis=dim, size=size))
            entries.append(item % size)
            dim += 1
    entries.extend((0, n, 1) for n in shape[dim:])
    return tuple(entries)


def out_shape(entries):
    """The shape ``x[index]`` has for resolved ``entries``."""
    shape = []
    for entry in entries:
        if entry is None:
            shape.append(1)
        elif type(entry) is tuple:
            start, stop, step = entry
            shape.append(len(range(start, -1 if stop is None else stop, step)))
    return tuple(shape)


def basic_index(x, index):
    """``x[index.index]`` for a :class:`BasicIndex` (the primitive; see ``getitem``)."""
    return bind(basic_index_p, x, index=index)


def basic_index_add(g, index):
    """Zeros of ``index.shape`` with ``g`` written at ``index`` (``basic_index``'s VJP)."""
    return bind(basic_index_add_p, g, index=index)


def _basic_index_shape(x, index):
    return out_shape(index.entries), x.dtype


def _basic_index_batch(args, bdims, index):
    x = R.move_bdim(args[0], bdims[0])
    return basic_index(x, index.batched(x.shape[0])), 0


def _add_impl(xp, g, index):
    out = xp.zeros(index.shape, g.dtype)
    out[index.index] = g
    return out


def _add_shape(g, index):
    if tuple(g.shape) != out_shape(index.entries):
        raise ValueError(f"basic_index_add: a cotangent of shape {out_shape(index.entries)} "
                         f"was expected for {index!r}, got {tuple(g.shape)}")
    return index.shape, g.dtype


def _add_batch(args, bdims, index):
    g = R.move_bdim(args[0], bdims[0])
    return basic_index_add(g, index.batched(g.shape[0])), 0


_SAMPLE_INDICES = (
    (3,), (-1, slice(None, None, -2)), (slice(1, 3), None, Ellipsis), (Ellipsis, 0),
    (slice(None), None, slice(3, 0, -1)), (None, 2, slice(None), -5), (slice(-2, None), 1),
    (Ellipsis, None), (slice(None, None, 3), Ellipsis, slice(4, 1, -2)), (),
)


def _draw_index(s):
    return BasicIndex(s.choice(_SAMPLE_INDICES), (4, 3, 5))


def _index_samples(s):
    return (s.array((4, 3, 5)),), {"index": _draw_index(s)}


def _add_samples(s):
    index = _draw_index(s)
    return (s.array(out_shape(index.entries)),), {"index": index}


basic_index_p = Primitive(
    "basic_index", lambda xp, x, index: x[index.index], shape=_basic_index_shape,
    vjp=(lambda g, ans, x, index: basic_index_add(g, index),),
    vjp_buf=(lambda g, ans, x, index: _add_impl(np, g, index),),
    jvp=(lambda t, ans, x, index: basic_index(t, index),),
    batch=_basic_index_batch, samples=_index_samples, torch_name="Index", complex=True)

basic_index_add_p = Primitive(
    "basic_index_add", _add_impl, shape=_add_shape,
    vjp=(lambda g, ans, x, index: basic_index(g, index),),
    vjp_buf=(lambda g, ans, x, index: g[index.index],),
    jvp=(lambda t, ans, x, index: basic_index_add(t, index),),
    batch=_add_batch, samples=_add_samples, complex=True)
