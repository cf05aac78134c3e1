"""Bucket sums through MPI shared memory, for a few ranks on one machine.

NOTE (why, and why it is safe): on one machine MPI's allreduce of a bucket moves it
through a rendezvous (request, copy across processes, acknowledgement), and every step of
that protocol waits for the other rank to be scheduled. Here each rank instead writes its
(pre-scaled) bucket into its own slot of an MPI-3 shared-memory window
(``MPI_Win_allocate_shared`` on the node's communicator), the ranks meet once, and every
rank adds all the slots, in rank order, into a private buffer: the same additions in the
same order on every rank, so the same bits everywhere, and no copy through MPI.

The meeting is an all-gather of a short signature (op, length, dtype and a digest of the
bucket's layout), non-blocking and polled against the group's deadline like every
collective: it is the barrier (nobody reads before everybody wrote) and a check that all
ranks reduce the same bucket (``CollectiveMismatchError`` otherwise, in every mode). It
runs on the node's own communicator, or with ``FUNTORCH_DISTRIBUTED_DEBUG`` on the
group's, where it also catches a rank that called another collective: debug mode adds no
extra round here.

Slots are double-buffered: a bucket's k-th use writes phase k % 2. A rank writes phase p
again only after the meeting of the use in between, which the other ranks enter only once
they have finished reading phase p (they read a bucket before they return from the call
that started it). So each key (a bucket at its place in a tree layout, or of one DDP wrapper) must
be used at most once per call and waited for before the call returns, which
``_buckets.reduce_bucketed`` and DDP do. A key's window is allocated on its first use,
after a meeting (so a missing rank still times out and a different bucket raises), which
is the same point of the same call on every rank since every rank reduces the same
layouts in the same order; at most ``MAX_KEYS`` keys and ``MAX_BYTES`` of windows per
rank get one (windows live until ``shutdown()``: freeing one is collective, and ranks
drop their trees at different moments), later keys use MPI's allreduce.
"""

from __future__ import annotations

import os
import zlib

import numpy as np

__all__ = ["NodeSum", "node_sum_for"]

MAX_RANKS = 4  # each rank reads every slot: fine for a few ranks
MAX_KEYS = 16
MAX_BYTES = 512 << 20
_NEW = object()  # a key not seen yet
_DTYPES = frozenset(np.dtype(t) for t in ("float32", "float64", "int32", "int64"))


def node_sum_for(group):
    """A :class:`NodeSum` when ``group`` has 2 to ``MAX_RANKS`` ranks that all share one
    machine's memory, else None (collective: every rank of ``group`` calls it)."""
    mpi = group._mpi
    if not 2 <= group.size <= MAX_RANKS:
        return None
    node = group.comm.Split_type(mpi.COMM_TYPE_SHARED)  # (key: ranks keep their order)
    same = node.Get_size() == group.size and node.Get_rank() == group.rank
    if same:
        try:  # an MPI without shared-memory windows
            mpi.Win.Allocate_shared(8, 1, comm=node).Free()
        except (mpi.Exception, NotImplementedError):
            same = False
    if not group.comm.allreduce(same, op=mpi.LAND):
        node.Free()
        return None
    return NodeSum(group, node)


class _Window:
    def __init__(self, mpi, node, dtype, length):
        itemsize = dtype.itemsize
        self.win = mpi.Win.Allocate_shared(2 * length * itemsize, itemsize, comm=node)
        self.win.Lock_all()
        segments = [np.frombuffer(self.win.Shared_query(r)[0], dtype, 2 * length)
                    for r in range(node.Get_size())]
        # per phase, one slot per rank (node ranks are the group's: node_sum_for checks)
        self.slots = [[segment[phase * length:(phase + 1) * length] for segment in segments]
                      for phase in (0, 1)]
        self.dtype, self.length, self.uses = dtype, length, 0

    def free(self):
        self.win.Unlock_all()
        self.win.Free()


class NodeSum:
    """Sums of flat buffers over the ranks of ``group`` through shared memory (see the
    module's NOTE): :meth:`slot`, then :meth:`start` and ``.wait()``."""

    def __init__(self, group, node):
        self.group, self.node = group, node
        self._windows = {}
        self._bytes = 0  # in this rank's windows

    def _meet(self, key, dtype, length):
        """Start the signature all-gather that is this use's barrier."""
        group, window = self.group, self._windows.get(key)
        if window is None:  # (first use)
            signature = (f"allreduce(op=sum) shape=({length},) dtype={dtype} bucket="
                         f"{zlib.crc32(repr(key).encode()):08x}")
        else:
            signature = window.signature
        return group.start_signature(signature, None if group.debug else self.node)

    def slot(self, key, dtype, length):
        """This rank's slot for the next use of ``key`` (write the bucket there), or None
        when this bucket goes through MPI's allreduce instead."""
        dtype = np.dtype(dtype)
        window = self._windows.get(key, _NEW)
        if window is _NEW:
            nbytes = 2 * length * dtype.itemsize
            if (dtype not in _DTYPES or len(self._windows) >= MAX_KEYS
                    or self._bytes + nbytes > MAX_BYTES):
                return None
            meeting = self._meet(key, dtype, length)
            _Summing(self.group, None, meeting, None, None).wait()
            window = None
            if self._room_everywhere(nbytes):
                window = _Window(self.group._mpi, self.node, dtype, length)
                self._bytes += nbytes
                window.signature = bytes(meeting[1][self.group.rank]).rstrip(b"\0").decode()
            self._windows[key] = window  # (None: this bucket goes through MPI for good)
        return None if window is None else window.slots[window.uses % 2][self.group.rank]

    def _room_everywhere(self, nbytes):
        """Whether every rank sees room for the window in ``/dev/shm`` (where MPICH maps
        it; a container's is often 64 MB, and a mapping past its end faults on first
        touch). The ranks agree (one small all-reduce), so they all take the same path."""
        try:
            stat = os.statvfs("/dev/shm")
            room = stat.f_bavail * stat.f_frsize >= 2 * nbytes * self.node.Get_size()
        except OSError:  # no /dev/shm: the MPI library maps shared memory its own way
            room = True
        group = self.group
        mine, every = np.array([room], np.uint8), np.zeros(1, np.uint8)
        comm = group.comm if group.debug else self.node
        from funtorch.distributed._backend import wait

        wait(comm.Iallreduce(mine, every, group._mpi.MIN), "allreduce (shared-memory setup)",
             group)
        return bool(every[0])

    def start(self, key, out):
        """Start the sum of every rank's slot of ``key`` (written since :meth:`slot`) into
        ``out``; ``.wait()`` returns ``out``."""
        window = self._windows[key]
        slots = window.slots[window.uses % 2]
        window.uses += 1
        window.win.Sync()  # (this rank's writes, before the others may read them)
        meeting = self._meet(key, window.dtype, window.length)
        return _Summing(self.group, window, meeting, slots, out)

    def close(self):
        for window in self._windows.values():
            if window is not None:
                window.free()
        self._windows.clear()
        self.node.Free()


class _Summing:
    def __init__(self, group, window, meeting, slots, out):
        self.group, self.window, self.meeting, self.slots, self.out = (group, window, meeting,
                                                                       slots, out)

    def wait(self):
        from funtorch.distributed._backend import check_signatures, wait

        request, table = self.meeting
        wait(request, "allreduce(op='sum') (shared memory)", self.group)
        try:
            check_signatures("allreduce", table)
        except Exception:
            if self.window is not None:  # this use did not happen: phases stay in step
                self.window.uses -= 1
            raise
        if self.window is None:
            return None
        self.window.win.Sync()  # (the others' writes, before this rank reads them)
        out, slots = self.out, self.slots
        np.add(slots[0], slots[1], out=out)
        for slot in slots[2:]:
            np.add(out, slot, out=out)
        return out
