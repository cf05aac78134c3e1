"""``split`` as one multiple-results primitive: its VJP is a single ``concatenate`` of the
pieces' cotangents (slicing piece by piece would cost a gather per piece forward and a
zero-filled scatter per piece backward, which dominated LSTM/GRU gate splitting)."""

from __future__ import annotations

import functools

import numpy as np

from funtorch.core import Primitive, bind
from funtorch.ops import registry as R
from funtorch import ops


def _bounds(size, indices):
    return [0] + [int(i) for i in indices] + [size]


def _split_shape(x, indices, axis):
    bounds = _bounds(x.shape[axis], indices)
    out = []
    for start, stop in zip(bounds, bounds[1:]):
        piece = list(x.shape)
        piece[axis] = len(range(x.shape[axis])[start:stop])
        out.append((tuple(piece), x.dtype))
    return out


def _split_batch(args, bdims, indices, axis):
    x = R.move_bdim(args[0], bdims[0])
    outs = bind(split_p, x, indices=indices, axis=axis + 1)
    return outs, (0,) * len(outs)


def _split_samples(s):
    x = s.array((3, 7))
    return (x,), {"indices": s.choice([(2, 5), (0, 3), (7,), (3, 3)]), "axis": 1}


def _split_vjp(cts, ans, x, indices, axis, xp=ops):
    """One concatenation of the pieces' cotangents; with ``xp=np`` the buffer rule, whose
    ``cts`` holds None for a piece that got no cotangent (and ``ans`` may be None)."""
    if any(ct is None for ct in cts):
        cts = [np.zeros(shape, dtype) if ct is None else ct
               for ct, (shape, dtype) in zip(cts, _split_shape(x, indices, axis))]
    return xp.concatenate(list(cts), axis=axis)


split_p = Primitive(
    "split", lambda xp, x, indices, axis: tuple(xp.split(x, list(indices), axis=axis)),
    shape=_split_shape, vjp=(_split_vjp,), vjp_buf=(functools.partial(_split_vjp, xp=np),),
    jvp=(lambda t, ans, x, indices, axis: tuple(bind(split_p, t, indices=indices, axis=axis)),),
    batch=_split_batch, samples=_split_samples, multiple_results=True, complex=True)


def split(ary, indices_or_sections, axis=0):
    """Split into a list of sub-arrays along ``axis`` (NumPy semantics).

    An int ``N`` gives ``N`` equal parts (an error if they cannot be equal); a sequence of
    indices gives the slices between them, e.g. ``[2, 3]`` -> ``[:2], [2:3], [3:]``.

    Example:
        >>> [p.shape for p in ft.split(ft.zeros((6, 2)), [2, 5])]
        [(2, 2), (3, 2), (1, 2)]
    """
    ary = R.as_array(ary)
    axis = ops.normalize_axis(axis, ary.ndim, "split")[0]
    size = ary.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"split: number of sections must be larger than 0, got {sections}")
        if size % sections:
            raise ValueError(f"split: array split does not result in an equal division: an axis "
                             f"of size {size} into {sections} sections; use a list of indices")
        indices = tuple(n * (size // sections) for n in range(1, sections))
    else:
        indices = tuple(int(i) for i in indices_or_sections)
    if any(i < 0 or i > size for i in indices) or list(indices) != sorted(indices):
        # NumPy's slice semantics for unsorted or out-of-range indices: pieces may overlap
        # or be empty, so the concatenate VJP does not apply; slice piece by piece.
        bounds = _bounds(size, indices)
        index = [slice(None)] * ary.ndim
        pieces = []
        for start, stop in zip(bounds, bounds[1:]):
            index[axis] = slice(start, stop)
            pieces.append(ary[tuple(index)])
        return pieces
    return list(bind(split_p, ary, indices=indices, axis=axis))
