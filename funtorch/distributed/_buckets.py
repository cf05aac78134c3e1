"""Buckets: many small arrays travel as a few flat buffers, one per dtype and size cap.

One collective per leaf pays MPI's latency per leaf; one collective per bucket pays it per
bucket and copies each leaf twice (in and out of the flat buffer). The plan depends only on
the leaves' shapes, dtypes and order, so every rank makes the same one.
"""

from __future__ import annotations

import numpy as np

from funtorch import backends
from funtorch.core import Array, wrap

__all__ = ["plan", "to_host", "like", "reduce_bucketed", "bcast_bucketed"]


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
        bucket[1] += int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if bucket[1] >= cap_bytes:
            closed.append(bucket[0])
            del open_buckets[dtype]
    closed.extend(bucket[0] for bucket in open_buckets.values())
    return sorted(closed, key=lambda indices: indices[0])


def flatten(hosts, indices, scale=None):
    """One new flat buffer holding the leaves ``indices`` of ``hosts`` in order, each
    multiplied by ``scale`` on the way in when given (one pass for copy and scaling)."""
    first = hosts[indices[0]]
    count = sum(hosts[i].size for i in indices)
    flat = np.empty(count, first.dtype)
    offset = 0
    for i in indices:
        part, size = flat[offset:offset + hosts[i].size], hosts[i].size
        if scale is None:
            part[...] = hosts[i].reshape(-1)
        else:
            np.multiply(hosts[i].reshape(-1), scale, out=part, casting="same_kind")
        offset += size
    return flat


def unflatten(flat, hosts, indices, out):
    """Cut ``flat`` back into the shapes of ``hosts[indices]``, into ``out``."""
    offset = 0
    for i in indices:
        count = hosts[i].size
        out[i] = flat[offset:offset + count].reshape(hosts[i].shape)
        offset += count


def _plan_for(hosts, cap_bytes):
    return plan([(h.shape, h.dtype) for h in hosts], cap_bytes)


def _scale(op, dtype, size):
    """The factor to pre-multiply with so that a sum is a mean (floats only): one pass
    less than dividing the sum, and the same bits on every rank."""
    return 1.0 / size if op == "mean" and np.dtype(dtype).kind in "fc" else None


def start_reduce(group, hosts, indices, op):
    """Start the allreduce of one bucket; ``.wait()`` returns the reduced flat buffer."""
    scale = _scale(op, hosts[indices[0]].dtype, group.size)
    flat = flatten(hosts, indices, scale)
    return group.start_allreduce(flat, op if scale is None else "sum")


def reduce_bucketed(group, hosts, op, cap_bytes):
    """Allreduce the host arrays ``hosts`` with ``op`` in buckets (all started before the
    first is waited for); returns the reduced arrays, in order."""
    buckets = _plan_for(hosts, cap_bytes)
    started = [start_reduce(group, hosts, indices, op) for indices in buckets]
    out = [None] * len(hosts)
    for indices, pending in zip(buckets, started):
        unflatten(pending.wait(), hosts, indices, out)
    return out


def bcast_bucketed(group, hosts, root, cap_bytes):
    """Broadcast the host arrays ``hosts`` from ``root`` in buckets; returns them."""
    out = [None] * len(hosts)
    for indices in _plan_for(hosts, cap_bytes):
        unflatten(group.bcast(flatten(hosts, indices), root), hosts, indices, out)
    return out
