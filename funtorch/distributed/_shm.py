"""Bucket sums through MPI shared memory, for a few ranks on one machine.

NOTE (why, and why it is safe): on one machine MPI's allreduce of a bucket moves it
through a rendezvous (request, copy across processes, acknowledgement), and every step of
that protocol waits for the other rank to be scheduled. Here each rank instead writes its
(pre-scaled) bucket into its own slot of an MPI-3 shared-memory window
(``MPI_Win_allocate_shared`` on the node's communicator), the ranks meet in one barrier
(non-blocking, polled against the group's deadline like every collective), and every rank
adds all the slots, in rank order, into a private buffer: the same additions in the same
order on every rank, so the same bits everywhere, and no copy through MPI.

Slots are double-buffered: a bucket's k-th use writes phase k % 2. A rank writes phase p
again only after the barrier of the use in between, which the other ranks enter only once
they have finished reading phase p (they read a bucket before they return from the call
that started it). So each key (one bucket of one tree layout, or of one DDP wrapper) must
be used at most once per call and waited for before the call returns, which
``_buckets.reduce_bucketed`` and DDP do. Windows are allocated collectively on a key's
first use (after a barrier with the deadline, so a missing rank still times out), which is
the same point of the same call on every rank since every rank reduces the same layouts in
the same order; at most ``MAX_KEYS`` keys get one, later keys use MPI's allreduce.
"""

from __future__ import annotations

import numpy as np

__all__ = ["NodeSum", "node_sum_for"]

MAX_RANKS = 4  # each rank reads every slot: fine for a few ranks
MAX_KEYS = 16
_DTYPES = frozenset(np.dtype(t) for t in ("float32", "float64", "int32", "int64"))


def node_sum_for(group):
    """A :class:`NodeSum` when ``group`` has 2 to ``MAX_RANKS`` ranks that all share one
    machine's memory, else None (collective: every rank of ``group`` calls it)."""
    mpi = group._mpi
    if not 2 <= group.size <= MAX_RANKS:
        return None
    node = group.comm.Split_type(mpi.COMM_TYPE_SHARED)
    if node.Get_size() != group.size:  # (the same answer on every rank)
        node.Free()
        return None
    return NodeSum(group, node)


class _Window:
    def __init__(self, mpi, node, dtype, length, group_rank_of):
        itemsize = dtype.itemsize
        self.win = mpi.Win.Allocate_shared(2 * length * itemsize, itemsize, comm=node)
        self.win.Lock_all()
        self.slots = [[], []]  # per phase, one slot per group rank (in group rank order)
        segments = {}
        for r in range(node.Get_size()):
            buf, _ = self.win.Shared_query(r)
            segments[group_rank_of[r]] = np.frombuffer(buf, dtype, 2 * length)
        for phase in (0, 1):
            self.slots[phase] = [segments[r][phase * length:(phase + 1) * length]
                                 for r in range(len(segments))]
        self.dtype, self.length, self.uses = dtype, length, 0

    def free(self):
        self.win.Unlock_all()
        self.win.Free()


class NodeSum:
    """Sums of flat buffers over the ranks of ``group`` through shared memory (see the
    module's NOTE): :meth:`slot`, then :meth:`start` and ``.wait()``."""

    def __init__(self, group, node):
        self.group, self.node = group, node
        ranks = group.comm.allgather(node.Get_rank())  # group rank -> node rank
        self._group_rank_of = {node_rank: r for r, node_rank in enumerate(ranks)}
        self._windows = {}

    def slot(self, key, dtype, length):
        """This rank's slot for the next use of ``key`` (write the bucket there), or None
        when this bucket goes through MPI's allreduce instead."""
        dtype, group = np.dtype(dtype), self.group
        window = self._windows.get(key)
        if window is None and (dtype not in _DTYPES or len(self._windows) >= MAX_KEYS):
            return None
        if group.debug:
            group._check_signature("allreduce", f"allreduce(op=sum) shape=({length},) "
                                                f"dtype={dtype}")
        if window is None:
            from funtorch.distributed._backend import wait

            wait(group.comm.Ibarrier(), "allreduce (shared-memory setup)", group)
            window = self._windows[key] = _Window(group._mpi, self.node, dtype, length,
                                                  self._group_rank_of)
        elif (window.dtype, window.length) != (dtype, length):
            raise ValueError(f"allreduce: bucket {key!r} changed from {window.length} "
                             f"{window.dtype} to {length} {dtype} values")
        return window.slots[window.uses % 2][self.group.rank]

    def start(self, key, out):
        """Start the sum of every rank's slot of ``key`` (written since :meth:`slot`) into
        ``out``; ``.wait()`` returns ``out``."""
        window = self._windows[key]
        slots = window.slots[window.uses % 2]
        window.uses += 1
        window.win.Sync()  # (this rank's writes, before the others may read them)
        return _Summing(self.group, window.win, self.group.comm.Ibarrier(), slots, out)

    def close(self):
        for window in self._windows.values():
            window.free()
        self._windows.clear()
        self.node.Free()


class _Summing:
    def __init__(self, group, win, request, slots, out):
        self.group, self.win, self.request, self.slots, self.out = group, win, request, slots, out

    def wait(self):
        from funtorch.distributed._backend import wait

        wait(self.request, "allreduce(op='sum') (shared memory)", self.group)
        self.win.Sync()  # (the others' writes, before this rank reads them)
        out, slots = self.out, self.slots
        np.add(slots[0], slots[1], out=out)
        for slot in slots[2:]:
            np.add(out, slot, out=out)
        return out
