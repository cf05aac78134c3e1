"""Process groups: the one object every collective talks to.

``current_group()`` is the group ``init()`` made, or a size-1 group whose collectives are
identities, so world-size-1 code needs no MPI and no branch. A group works on host
(NumPy) arrays; the NCCL group (``_nccl.py``) on CuPy arrays. Its methods:

=========================  ===============================================================
``allreduce(a, op)``       op in "sum", "mean", "max", "min"; the same result on every rank
``allgather(a)``           every rank's ``a`` stacked on a new leading axis: (size,)+shape
``reduce_scatter(a, op)``  ``a.shape[0] == size * k``; this rank's k-slice, reduced
``bcast(a, root)``         ``root``'s ``a`` on every rank
``barrier()``              returns once every rank has called it
=========================  ===============================================================

NOTE (never hang silently): the MPI group starts every collective as a non-blocking
request and polls it with short sleeps until a deadline (the group's ``timeout``), then
raises :class:`DistributedTimeoutError` naming the operation. Polling with sleeps is also
what lets two ranks share one core: a blocking MPI call busy-waits. With
``FUNTORCH_DISTRIBUTED_DEBUG=1`` each collective first all-gathers a short signature (op,
shape, dtype) and raises :class:`CollectiveMismatchError` when the ranks disagree.
"""

from __future__ import annotations

import os
import time

import numpy as np

from funtorch.distributed._errors import CollectiveMismatchError, DistributedTimeoutError
from funtorch.distributed._shm import node_sum_for

__all__ = ["current_group", "SingleGroup", "MPIGroup", "REDUCE_OPS"]

REDUCE_OPS = ("sum", "mean", "max", "min")
DEFAULT_TIMEOUT = 1800.0  # seconds, torch's default
_SIGNATURE_BYTES = 160
_SPIN_S = 0.02
_yield_core = getattr(os, "sched_yield", lambda: time.sleep(0))  # (not on every platform)

_TIMEOUT_MSG = ("{what}: rank {rank} of {size} (group '{axis}') waited {timeout:g} s for the "
                "other ranks and gave up: a rank skipped this collective, crashed or is stuck "
                "elsewhere (set FUNTORCH_DISTRIBUTED_DEBUG=1 to check that every rank calls the "
                "same collectives; raise the limit with ft.distributed.init(timeout=...))")
_MISMATCH_MSG = ("{what}: the ranks called different collectives or passed different shapes "
                 "or dtypes (FUNTORCH_DISTRIBUTED_DEBUG=1 check):\n{table}\nranks that differ "
                 "from rank 0: {ranks}")


def debug_enabled() -> bool:
    """Whether ``FUNTORCH_DISTRIBUTED_DEBUG`` asks for the collective signature check."""
    return os.environ.get("FUNTORCH_DISTRIBUTED_DEBUG", "0").strip().lower() not in (
        "", "0", "false", "off", "no")


def shared_memory_enabled() -> bool:
    """Whether buckets may be summed through shared memory (``_shm.py``) when the ranks
    share a machine: yes unless ``FUNTORCH_DISTRIBUTED_SHM=0``."""
    return os.environ.get("FUNTORCH_DISTRIBUTED_SHM", "1").strip().lower() not in (
        "0", "false", "off", "no")


def _check_op(what, op):
    if op not in REDUCE_OPS:
        raise ValueError(f"{what}: op must be one of {REDUCE_OPS}, got {op!r}")


def _check_scatter(what, a, size):
    if a.ndim == 0 or a.shape[0] % size:
        raise ValueError(f"{what}: the leading axis must be a multiple of the group size "
                         f"{size}, got shape {a.shape}")


def _check_root(what, root, size):
    if not isinstance(root, (int, np.integer)) or not 0 <= root < size:
        raise ValueError(f"{what}: root must be a rank in [0, {size}), got {root!r}")


class Done:
    """A started collective that has already finished: ``wait()`` returns its result."""

    def __init__(self, value):
        self.value = value

    def wait(self):
        return self.value


class SingleGroup:
    """The group of one process: every collective returns its input (``allgather`` adds
    the leading axis of size 1)."""

    rank = 0
    size = 1
    backend = "none"

    def __init__(self, axis_name: str = "world"):
        self.axis_name = axis_name

    def allreduce(self, a, op="sum"):
        _check_op("allreduce", op)
        return a

    def allgather(self, a):
        return a[None]

    def reduce_scatter(self, a, op="sum"):
        _check_op("reduce_scatter", op)
        _check_scatter("reduce_scatter", a, 1)
        return a

    def bcast(self, a, root=0):
        _check_root("bcast", root, 1)
        return a

    def start_allreduce(self, a, op="sum", inplace=False):
        _check_op("start_allreduce", op)
        return Done(a)

    def barrier(self):
        return None

    def __repr__(self):
        return f"SingleGroup(axis_name={self.axis_name!r})"


# Host dtypes MPI has no reduction for travel as a wider type and come back.
_WIDER = {np.dtype(np.bool_): np.dtype(np.uint8), np.dtype(np.float16): np.dtype(np.float32)}


def _to_wire(a):
    if not a.flags.c_contiguous:  # (np.ascontiguousarray would make a 0-d array 1-d)
        a = a.copy(order="C")
    wide = _WIDER.get(a.dtype)
    return a if wide is None else a.astype(wide)


def _from_wire(buf, dtype):
    return buf if buf.dtype == dtype else buf.astype(dtype)


def wait(request, what, group):
    """Poll ``request`` until it completes or ``group.timeout`` passes (then raise
    :class:`DistributedTimeoutError` naming ``what``). For the first ``_SPIN_S`` seconds
    it yields the core between polls (as MPICH's own wait loop does), then sleeps for
    5% of the time waited so far, at most 1 ms, so that an idle rank costs nothing."""
    if request.Test():
        return
    start = time.monotonic()
    while not request.Test():
        waited = time.monotonic() - start
        if waited < _SPIN_S:
            _yield_core()
            continue
        if waited > group.timeout:
            error = DistributedTimeoutError(_TIMEOUT_MSG.format(
                what=what, rank=group.rank, size=group.size, axis=group.axis_name,
                timeout=group.timeout))
            error.request = request  # still pending: only waiting on it can free it
            raise error
        time.sleep(min(1e-3, 0.05 * waited))


def check_signatures(what, table):
    """Raise CollectiveMismatchError naming ``what`` when the rows of ``table`` (every
    rank's signature, :meth:`MPIGroup.start_signature`) differ."""
    rows = [bytes(row).rstrip(b"\0").decode(errors="replace") for row in table]
    differ = [rank for rank, row in enumerate(rows) if row != rows[0]]
    if differ:
        listing = "\n".join(f"  rank {rank}: {row}" for rank, row in enumerate(rows))
        raise CollectiveMismatchError(_MISMATCH_MSG.format(what=what, table=listing,
                                                           ranks=differ))


class MPIGroup:
    """A process group on an MPI communicator (mpi4py), with a timeout on every collective.

    Args:
        comm: an ``mpi4py.MPI.Comm`` (``init()`` passes a duplicate of ``COMM_WORLD``).
        timeout: seconds any collective may wait for the other ranks.
        axis_name: the name collectives refer to this group by (``psum(x, "world")``).
        debug: check op/shape/dtype agreement before every collective (default: the
            ``FUNTORCH_DISTRIBUTED_DEBUG`` environment variable).
    """

    backend = "mpi"

    def __init__(self, comm, timeout=DEFAULT_TIMEOUT, axis_name="world", debug=None):
        from mpi4py import MPI

        self._mpi = MPI
        self._ops = {"sum": MPI.SUM, "mean": MPI.SUM, "max": MPI.MAX, "min": MPI.MIN}
        self.comm = comm
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()
        self.timeout = float(timeout)
        self.axis_name = axis_name
        self.debug = debug_enabled() if debug is None else bool(debug)
        self.node = node_sum_for(self) if shared_memory_enabled() else None

    def close(self):
        """Free the shared-memory windows and the communicator (the group is unusable
        afterwards)."""
        if self.node is not None:
            self.node.close()
            self.node = None
        self.comm.Free()

    def _check_signature(self, what, signature):
        """All-gather ``signature`` and raise CollectiveMismatchError if any rank differs."""
        request, table = self.start_signature(signature)
        wait(request, f"{what} (debug signature check)", self)
        check_signatures(what, table)

    def start_signature(self, signature, comm=None):
        """Start all-gathering ``signature`` (a short text) over ``comm`` (default: the
        group's): ``(request, table)``; once done, :func:`check_signatures` the table."""
        raw = signature.encode()[:_SIGNATURE_BYTES].ljust(_SIGNATURE_BYTES, b"\0")
        mine = np.frombuffer(raw, dtype=np.uint8).copy()
        table = np.empty((self.size, _SIGNATURE_BYTES), np.uint8)
        return (self.comm if comm is None else comm).Iallgather(mine, table), table

    def _signature(self, what, a, extra=""):
        if self.debug:
            self._check_signature(what, f"{what}{extra} shape={tuple(a.shape)} dtype={a.dtype}")

    def allreduce(self, a, op="sum"):
        return self.start_allreduce(a, op).wait()

    def start_allreduce(self, a, op="sum", inplace=False):
        """Start a non-blocking allreduce; ``.wait()`` on the result returns what
        :meth:`allreduce` would (ranks must start them in the same order). With
        ``inplace=True`` the caller gives ``a`` away: a contiguous ``a`` that MPI can
        reduce as it is receives the result (``MPI.IN_PLACE``: no second buffer)."""
        _check_op("allreduce", op)
        a = np.asarray(a)
        self._signature("allreduce", a, f"(op={op})")
        send = _to_wire(a)
        if inplace and send is a:
            recv, send = a, self._mpi.IN_PLACE
        else:
            recv = np.empty_like(send)
        request = self.comm.Iallreduce(send, recv, self._ops[op])
        return _Pending(self, request, recv, a.dtype, op, send)

    def allgather(self, a):
        a = np.asarray(a)
        self._signature("allgather", a)
        send = _to_wire(a)
        recv = np.empty((self.size,) + send.shape, send.dtype)
        wait(self.comm.Iallgather(send, recv), "allgather", self)
        return _from_wire(recv, a.dtype)

    def reduce_scatter(self, a, op="sum"):
        _check_op("reduce_scatter", op)
        a = np.asarray(a)
        _check_scatter("reduce_scatter", a, self.size)
        self._signature("reduce_scatter", a, f"(op={op})")
        send = _to_wire(a)
        recv = np.empty((a.shape[0] // self.size,) + send.shape[1:], send.dtype)
        wait(self.comm.Ireduce_scatter_block(send, recv, self._ops[op]),
             f"reduce_scatter(op={op!r})", self)
        out = _from_wire(recv, a.dtype)
        return out / self.size if op == "mean" else out

    def bcast(self, a, root=0):
        _check_root("bcast", root, self.size)
        a = np.asarray(a)
        self._signature("bcast", a, f"(root={int(root)})")
        buf = _to_wire(a).copy()
        wait(self.comm.Ibcast(buf, root=int(root)), f"bcast(root={int(root)})", self)
        return _from_wire(buf, a.dtype)

    def barrier(self):
        if self.debug:
            self._check_signature("barrier", "barrier")
        wait(self.comm.Ibarrier(), "barrier", self)

    def __repr__(self):
        return (f"MPIGroup(rank={self.rank}, size={self.size}, axis_name={self.axis_name!r}, "
                f"timeout={self.timeout:g})")


class _Pending:
    """An allreduce in flight (:meth:`MPIGroup.start_allreduce`); keeps its send buffer
    alive until ``wait()``."""

    def __init__(self, group, request, recv, dtype, op, send):
        self.group, self.request, self.recv, self.dtype, self.op = group, request, recv, dtype, op
        self.send = send

    def wait(self):
        wait(self.request, f"allreduce(op={self.op!r})", self.group)
        out = _from_wire(self.recv, self.dtype)
        return out / self.group.size if self.op == "mean" else out


class _World:
    """The process group ``init()`` made (``None`` before ``init()`` and after
    ``shutdown()``)."""

    group = None


_SINGLE = SingleGroup()


def current_group() -> SingleGroup | MPIGroup:
    """The group collectives run on: ``init()``'s, or a size-1 group (identities).

    Returns:
        The group (``.rank``, ``.size``, ``.backend``).

    Example:
        >>> import funtorch.distributed as dist
        >>> dist.current_group().size  # not initialized: one rank
        1
    """
    group = _World.group
    return _SINGLE if group is None else group


def set_group(group):
    """Make ``group`` the current one (``None`` returns to the size-1 group)."""
    _World.group = group
