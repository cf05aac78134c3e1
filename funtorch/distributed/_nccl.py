"""The NCCL process group (GPUs, through ``cupy.cuda.nccl``).

Rank 0 makes NCCL's unique id and sends it over MPI; every rank then opens an NCCL
communicator on GPU ``rank % device_count``. Collectives take CuPy arrays (NumPy arrays
are copied to the GPU) and return CuPy arrays; completion is polled on the stream with the
group's deadline, as the MPI group does. ``barrier`` and setup use the MPI group.
"""

from __future__ import annotations

import time

from funtorch.distributed._backend import (
    _TIMEOUT_MSG, DistributedTimeoutError, Done, _check_op, _check_root, _check_scatter,
)

__all__ = ["NcclGroup"]

_NO_CUPY = ("init(backend='nccl'): NCCL runs through cupy.cuda.nccl, and CuPy could not be "
            "imported ({err}); install a CuPy wheel that matches your CUDA "
            "(pip install cupy-cuda12x) or use backend='mpi'")


def _import_nccl():
    try:
        import cupy
        from cupy.cuda import nccl
    except ImportError as err:
        raise RuntimeError(_NO_CUPY.format(err=err)) from None
    return cupy, nccl


class NcclGroup:
    """A process group on NCCL, set up through the MPI group ``mpi_group``."""

    backend = "nccl"

    def __init__(self, mpi_group):
        cupy, nccl = _import_nccl()
        self._cupy, self._nccl, self.mpi = cupy, nccl, mpi_group
        self.rank, self.size = mpi_group.rank, mpi_group.size
        self.axis_name, self.timeout = mpi_group.axis_name, mpi_group.timeout
        cupy.cuda.Device(self.rank % cupy.cuda.runtime.getDeviceCount()).use()
        uid = nccl.get_unique_id() if self.rank == 0 else None
        uid = mpi_group.comm.bcast(uid, root=0)
        self.comm = nccl.NcclCommunicator(self.size, uid, self.rank)
        self.stream = cupy.cuda.Stream(non_blocking=True)
        self._ops = {"sum": nccl.NCCL_SUM, "mean": nccl.NCCL_SUM, "max": nccl.NCCL_MAX,
                     "min": nccl.NCCL_MIN}
        self._types = {"float16": nccl.NCCL_FLOAT16, "float32": nccl.NCCL_FLOAT32,
                       "float64": nccl.NCCL_FLOAT64, "int32": nccl.NCCL_INT32,
                       "int64": nccl.NCCL_INT64, "uint8": nccl.NCCL_UINT8,
                       "int8": nccl.NCCL_INT8}

    def _prepare(self, what, a):
        a = self._cupy.asarray(a)
        a = self._cupy.ascontiguousarray(a).reshape(a.shape)  # (keeps a 0-d array 0-d)
        if str(a.dtype) not in self._types:
            raise TypeError(f"{what}: NCCL has no type for dtype {a.dtype}; cast to one of "
                            f"{sorted(self._types)}")
        if self.mpi.debug:
            self.mpi._check_signature(what, f"{what} shape={a.shape} dtype={a.dtype}")
        return a

    def _wait(self, what):
        deadline = time.monotonic() + self.timeout
        while not self.stream.done:
            time.sleep(1e-4)
            if time.monotonic() > deadline:
                raise DistributedTimeoutError(_TIMEOUT_MSG.format(
                    what=what, rank=self.rank, size=self.size, axis=self.axis_name,
                    timeout=self.timeout))

    def allreduce(self, a, op="sum"):
        _check_op("allreduce", op)
        a = self._prepare("allreduce", a)
        out = self._cupy.empty_like(a)
        self.comm.allReduce(a.data.ptr, out.data.ptr, a.size, self._types[str(a.dtype)],
                            self._ops[op], self.stream.ptr)
        self._wait(f"allreduce(op={op!r})")
        return out / self.size if op == "mean" else out

    def start_allreduce(self, a, op="sum", inplace=False):
        return Done(self.allreduce(a, op))

    def allgather(self, a):
        a = self._prepare("allgather", a)
        out = self._cupy.empty((self.size,) + a.shape, a.dtype)
        self.comm.allGather(a.data.ptr, out.data.ptr, a.size, self._types[str(a.dtype)],
                            self.stream.ptr)
        self._wait("allgather")
        return out

    def reduce_scatter(self, a, op="sum"):
        _check_op("reduce_scatter", op)
        _check_scatter("reduce_scatter", a, self.size)
        a = self._prepare("reduce_scatter", a)
        out = self._cupy.empty((a.shape[0] // self.size,) + a.shape[1:], a.dtype)
        self.comm.reduceScatter(a.data.ptr, out.data.ptr, out.size, self._types[str(a.dtype)],
                                self._ops[op], self.stream.ptr)
        self._wait(f"reduce_scatter(op={op!r})")
        return out / self.size if op == "mean" else out

    def bcast(self, a, root=0):
        _check_root("bcast", root, self.size)
        buf = self._prepare("bcast", a).copy()
        self.comm.bcast(buf.data.ptr, buf.size, self._types[str(buf.dtype)], int(root),
                        self.stream.ptr)
        self._wait(f"bcast(root={int(root)})")
        return buf

    def barrier(self):
        self.mpi.barrier()

    def destroy(self):
        self.comm.destroy()

    def __repr__(self):
        return f"NcclGroup(rank={self.rank}, size={self.size}, axis_name={self.axis_name!r})"
