"""Buckets: many small arrays travel as a few flat buffers, one per dtype and size cap.

One collective per leaf pays MPI's latency per leaf; one collective per bucket pays it per
bucket and copies each leaf once into the flat buffer (pre-scaled for a mean), which is
then reduced in place by MPI, or, when a few ranks share one machine, is this rank's slot
of a shared-memory window that every rank sums (``_shm.py``); the results are views of
the reduced buffer (no copy out). The plan
depends only on the leaves' shapes, dtypes and order, so every rank makes the same one;
it is computed once per tree layout.

NOTE (recycled buffers): a bucket's flat buffer comes from a small pool keyed by dtype and
length and is reused on a later call only when nothing references it any more (its
reference count is back to the pool's own): the reduced leaves handed out are views of
it, and funtorch arrays are immutable, so a buffer somebody still holds (last step's
gradients, a reduction in flight) is never written; a new one is allocated instead.
Reusing warm pages avoids the page faults of a fresh multi-megabyte buffer every step.
"""

from __future__ import annotations

import functools
import sys
from collections import OrderedDict
from typing import NamedTuple

import numpy as np

from funtorch import backends
from funtorch.core import Array, wrap

__all__ = ["plan", "layout", "Bucket", "to_host", "like", "reduce_bucketed",
           "bcast_bucketed", "start_reduce", "unflatten"]


def to_host(leaf):
    """A leaf as a NumPy array (a copy off the GPU; no copy on the host)."""
    if isinstance(leaf, Array):
        return backends.get_backend_of(leaf._buf).to_host(leaf._buf)
    return np.asarray(leaf)


def like(value, leaf):
    """``value`` (a host array) in the type, dtype and device of ``leaf`` (no copy when
    it already has the dtype: ``value`` must be a buffer nothing else writes to)."""
    if isinstance(leaf, Array):
        from funtorch import ops

        value = value.astype(leaf.dtype, copy=False)
        device = leaf.device
        return wrap(value) if str(device) == "cpu" else ops.device_put(wrap(value), device)
    if isinstance(leaf, np.ndarray):
        return value.astype(leaf.dtype, copy=False)
    if isinstance(leaf, np.generic):
        return type(leaf)(value)
    return type(leaf)(value.item()) if isinstance(leaf, (bool, int, float, complex)) else value


def plan(shapes_dtypes, cap_bytes):
    """Group leaf indices into buckets of one dtype, each closed once it reaches
    ``cap_bytes`` (a larger leaf gets a bucket of its own), in order of each bucket's
    first leaf. Returns a list of index lists."""
    open_buckets, closed = {}, []
    for index, (shape, dtype) in enumerate(shapes_dtypes):
        dtype = np.dtype(dtype)
        bucket = open_buckets.setdefault(dtype, [[], 0])
        bucket[0].append(index)
        bucket[1] += _count(shape) * dtype.itemsize
        if bucket[1] >= cap_bytes:
            closed.append(bucket[0])
            del open_buckets[dtype]
    closed.extend(bucket[0] for bucket in open_buckets.values())
    return sorted(closed, key=lambda indices: indices[0])


def _count(shape):
    count = 1
    for n in shape:
        count *= int(n)
    return count


class Bucket(NamedTuple):
    """One flat buffer's contents: leaf ``indices`` (into the caller's list), where each
    starts (``offsets``, one more than leaves: the last is the length) and the dtype."""

    indices: tuple
    offsets: tuple
    dtype: np.dtype


def bucket_of(indices, shapes_dtypes):
    """The :class:`Bucket` of the leaves ``indices`` of ``shapes_dtypes``."""
    offsets = [0]
    for i in indices:
        offsets.append(offsets[-1] + _count(shapes_dtypes[i][0]))
    return Bucket(tuple(indices), tuple(offsets), np.dtype(shapes_dtypes[indices[0]][1]))


@functools.lru_cache(maxsize=64)
def layout(shapes_dtypes, cap_bytes):
    """:func:`plan` as :class:`Bucket` s, cached per ``shapes_dtypes`` (a tuple of
    ``(shape, dtype)``) and cap."""
    return tuple(bucket_of(indices, shapes_dtypes) for indices in plan(shapes_dtypes,
                                                                        cap_bytes))


def _refs(slots, i):
    return sys.getrefcount(slots[i])


_UNREFERENCED = _refs([np.empty(0)], 0)  # the count of a buffer only the pool holds
_POOL_LAYOUTS, _POOL_PER_LAYOUT = 32, 4


class _Pool:
    """Flat buffers kept between calls (see the module's NOTE)."""

    def __init__(self):
        self.slots = OrderedDict()  # (dtype, length) -> [buffers], least recent first

    def take(self, dtype, length):
        key = (dtype, length)
        slots = self.slots.pop(key, None)
        if slots is None:
            slots = []
            while len(self.slots) >= _POOL_LAYOUTS:
                self.slots.popitem(last=False)
        self.slots[key] = slots
        for i in range(len(slots)):
            if _refs(slots, i) <= _UNREFERENCED:
                return slots[i]
        buf = np.empty(length, dtype)
        if len(slots) < _POOL_PER_LAYOUT:
            slots.append(buf)
        return buf


_POOL = _Pool()


def flatten(hosts, bucket, scale=None, out=None):
    """The leaves of ``bucket`` in one flat buffer (``out``, or a new one), each
    multiplied by ``scale`` on the way in when given (one pass for copy and scaling)."""
    flat = np.empty(bucket.offsets[-1], bucket.dtype) if out is None else out
    offsets = bucket.offsets
    for k, i in enumerate(bucket.indices):
        part, leaf = flat[offsets[k]:offsets[k + 1]], hosts[i].reshape(-1)
        if scale is None:
            part[...] = leaf
        else:
            np.multiply(leaf, scale, out=part, casting="same_kind")
    return flat


def unflatten(flat, hosts, bucket, out):
    """Views of ``flat`` in the shapes of the leaves of ``bucket``, into ``out``."""
    offsets = bucket.offsets
    for k, i in enumerate(bucket.indices):
        out[i] = flat[offsets[k]:offsets[k + 1]].reshape(hosts[i].shape)


def _layout_of(hosts, cap_bytes):
    return layout(tuple((h.shape, h.dtype) for h in hosts), cap_bytes)


def _scale(op, dtype, size):
    """The factor to pre-multiply with so that a sum is a mean (floats only): one pass
    less than dividing the sum, and the same bits on every rank."""
    return 1.0 / size if op == "mean" and np.dtype(dtype).kind in "fc" else None


def start_reduce(group, hosts, bucket, op, key=None):
    """Start the allreduce of one bucket; ``.wait()`` returns the reduced flat buffer.

    With ``key`` (naming this bucket: used at most once per call, waited for before the
    call returns) a sum on ranks sharing one machine goes through shared memory
    (``_shm.py``); otherwise MPI reduces it in place in a pooled buffer."""
    scale = _scale(op, bucket.dtype, group.size)
    op, length = op if scale is None else "sum", bucket.offsets[-1]
    node = getattr(group, "node", None)
    if node is not None and key is not None and op == "sum":
        slot = node.slot(key, bucket.dtype, length)
        if slot is not None:
            flatten(hosts, bucket, scale, slot)
            return node.start(key, _POOL.take(bucket.dtype, length))
    flat = flatten(hosts, bucket, scale, _POOL.take(bucket.dtype, length))
    return group.start_allreduce(flat, op, inplace=True)


def reduce_bucketed(group, hosts, op, cap_bytes):
    """Allreduce the host arrays ``hosts`` with ``op`` in buckets (all started before the
    first is waited for); returns the reduced arrays, in order."""
    buckets = _layout_of(hosts, cap_bytes)
    # a bucket's key: its place and contents (trees that share a bucket share its window)
    started = [start_reduce(group, hosts, bucket, op, ("tree", i, bucket))
               for i, bucket in enumerate(buckets)]
    out = [None] * len(hosts)
    for bucket, pending in zip(buckets, started):
        unflatten(pending.wait(), hosts, bucket, out)
    return out


def bcast_bucketed(group, hosts, root, cap_bytes):
    """Broadcast the host arrays ``hosts`` from ``root`` in buckets; returns them."""
    out = [None] * len(hosts)
    for bucket in _layout_of(hosts, cap_bytes):
        unflatten(group.bcast(flatten(hosts, bucket), root), hosts, bucket, out)
    return out
