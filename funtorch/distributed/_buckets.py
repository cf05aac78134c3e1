"""Buckets: many small arrays travel as a few flat buffers, one per dtype and size cap.

One collective per leaf pays MPI's latency per leaf; one collective per bucket pays it per
bucket and copies each leaf twice (in and out of the flat buffer). The plan depends only on
the leaves' shapes, dtypes and order, so every rank makes the same one.
"""

from __future__ import annotations

import numpy as np

from funtorch import backends
from funtorch.core import Array

__all__ = ["plan", "to_host", "like", "reduce_bucketed", "bcast_bucketed"]


def to_host(leaf):
    """A leaf as a NumPy array (a copy off the GPU; no copy on the host)."""
    if isinstance(leaf, Array):
        return backends.get_backend_of(leaf._buf).to_host(leaf._buf)
    return np.asarray(leaf)


def like(value, leaf):
    """``value`` (a host array) in the type, dtype and device of ``leaf``."""
    if isinstance(leaf, Array):
        from funtorch import ops

        out = ops.asarray(value.astype(leaf.dtype, copy=False))
        device = leaf.device
        return out if str(device) == "cpu" else ops.device_put(out, device)
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


def flatten(hosts, indices):
    """One flat buffer holding the leaves ``indices`` of ``hosts``, in order."""
    if len(indices) == 1:
        return np.ascontiguousarray(hosts[indices[0]]).reshape(-1)
    return np.concatenate([hosts[i].reshape(-1) for i in indices])


def unflatten(flat, hosts, indices, out):
    """Cut ``flat`` back into the shapes of ``hosts[indices]``, into ``out``."""
    offset = 0
    for i in indices:
        count = hosts[i].size
        out[i] = flat[offset:offset + count].reshape(hosts[i].shape)
        offset += count


def _plan_for(hosts, cap_bytes):
    return plan([(h.shape, h.dtype) for h in hosts], cap_bytes)


def reduce_bucketed(group, hosts, op, cap_bytes):
    """Allreduce the host arrays ``hosts`` with ``op`` in buckets (all started before the
    first is waited for); returns the reduced arrays, in order."""
    buckets = _plan_for(hosts, cap_bytes)
    started = [group.start_allreduce(flatten(hosts, indices), op) for indices in buckets]
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
