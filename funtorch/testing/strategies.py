"""Hypothesis strategies for funtorch arrays and pytrees that respect an op's domain.

``domain`` is ``(low, high)`` or a tuple of such intervals (a union), as declared
on primitives. :class:`Sampler` adapts a hypothesis ``draw`` to the ``samples``
functions that primitives declare, so generated tests draw their arguments.

Example:
    >>> from hypothesis import given
    >>> @given(ft.testing.strategies.arrays(shape=(3,), domain=(0.1, 2.0)))
    ... def test_log(x): ft.testing.check_grads(ft.log, (x,))
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from funtorch import ops

__all__ = ["arrays", "shapes", "broadcastable_shapes", "pytrees", "Sampler", "elements"]


def _intervals(domain):
    if domain is None:
        return [(-2.0, 2.0)]
    if isinstance(domain[0], (tuple, list)):
        return [tuple(d) for d in domain]
    return [tuple(domain)]


def elements(domain=(-2.0, 2.0), dtype=np.float64):
    """Floats inside ``domain`` (a union of intervals allowed), exactly representable."""
    width = 32 if np.dtype(dtype).itemsize <= 4 else 64
    parts = [st.floats(lo, hi, width=width, exclude_min=True, exclude_max=True)
             for lo, hi in _intervals(domain)]
    return st.one_of(*parts) if len(parts) > 1 else parts[0]


def shapes(min_dims=0, max_dims=3, min_side=1, max_side=4):
    """Array shapes (tuples of ints)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4):
    """Lists of shapes that broadcast together under NumPy's rules."""
    return hnp.mutually_broadcastable_shapes(num_shapes=num_shapes, min_dims=min_dims,
                                             max_dims=max_dims, max_side=max_side).map(
        lambda result: list(result.input_shapes))


@st.composite
def arrays(draw, shape=None, dtype=np.float64, domain=(-2.0, 2.0), device=None, unique=False):
    """funtorch arrays of ``dtype`` with values inside ``domain``.

    Integer and bool dtypes ignore ``domain`` (ints are drawn from [-5, 5]).
    ``unique=True`` draws distinct values (no ties for max/min/sort).
    """
    dtype = np.dtype(dtype)
    if shape is None:
        shape = draw(shapes())
    if dtype.kind == "b":
        values = draw(hnp.arrays(dtype, shape, elements=st.booleans()))
    elif dtype.kind in "iu":
        low = 0 if dtype.kind == "u" else -5
        values = draw(hnp.arrays(dtype, shape, elements=st.integers(low, 5)))
    else:
        values = draw(hnp.arrays(dtype, shape, elements=elements(domain, dtype), unique=unique))
    return ops.array(values, device=device)


def pytrees(leaves=None, max_leaves=4):
    """Nested tuples/lists/dicts whose leaves are drawn from ``leaves`` (float64 arrays)."""
    leaves = leaves if leaves is not None else arrays()
    return st.recursive(leaves, lambda children: st.one_of(
        st.tuples(children, children), st.lists(children, min_size=1, max_size=3),
        st.dictionaries(st.sampled_from("abcd"), children, min_size=1, max_size=3)),
        max_leaves=max_leaves)


class Sampler:
    """What a primitive's ``samples(s)`` function draws from (wraps hypothesis ``draw``)."""

    def __init__(self, draw, dtype=np.float64, device=None):
        self.draw = draw
        self.dtype = np.dtype(dtype)
        self.device = device

    def array(self, shape, domain=None, dtype=None, unique=False):
        return self.draw(arrays(tuple(shape), dtype or self.dtype, domain or (-2.0, 2.0),
                                self.device, unique))

    def complex_array(self, shape, domain=None, imag=(-1.0, 1.0)):
        """A complex array (complex64 for a float32 sampler, else complex128): the real
        part inside ``domain``, the imaginary part inside ``imag``."""
        real = self.array(shape, domain)
        part = self.array(shape, imag)
        return ops.complex(real, part)

    def bool_array(self, shape):
        return self.draw(arrays(tuple(shape), np.bool_, device=self.device))

    def int_array(self, shape, low, high):
        values = self.draw(hnp.arrays(np.int64, tuple(shape), elements=st.integers(low, high - 1)))
        return ops.array(values, device=self.device)

    def separated_array(self, shape, gap=0.3):
        """Distinct values at least ``gap`` apart (no ties, even after a finite-difference
        step): a random permutation of a grid plus small noise."""
        shape = tuple(shape)
        size = int(np.prod(shape))
        order = np.array(self.draw(st.permutations(range(size))), dtype=np.float64)
        noise = np.asarray(self.array(shape, domain=(-gap / 4, gap / 4)))
        values = (order.reshape(shape) - size / 2) * gap + noise
        return ops.array(values.astype(self.dtype), device=self.device)

    def shape(self, min_dims=0, max_dims=3, min_side=1, max_side=4):
        return self.draw(shapes(min_dims, max_dims, min_side, max_side))

    def broadcastable_shapes(self, num_shapes=2, max_dims=3):
        return self.draw(broadcastable_shapes(num_shapes, max_dims=max_dims))

    def axes(self, ndim):
        """None, a single axis (maybe negative) or a tuple of distinct axes."""
        if ndim == 0:
            return None
        single = st.integers(-ndim, ndim - 1)
        several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim,
                           unique=True).map(tuple)
        return self.draw(st.one_of(st.none(), single, several))

    def choice(self, options):
        return self.draw(st.sampled_from(list(options)))

    def boolean(self):
        return self.draw(st.booleans())

    def integer(self, low, high):
        return self.draw(st.integers(low, high))
