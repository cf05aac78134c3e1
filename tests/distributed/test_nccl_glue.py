"""The NCCL group's glue code, run against a one-rank stand-in for cupy.cuda.nccl (no GPU
here): argument order, buffer sizes, dtypes, the mean and the error without CuPy. The real
library is exercised only where a GPU is lent."""

import importlib.util
import sys
import types

import numpy as np
import pytest

import funtorch.distributed as dist

pytestmark = pytest.mark.skipif(importlib.util.find_spec("mpi4py") is None,
                                reason="the NCCL group is set up over MPI: mpi4py missing")


class DeviceArray(np.ndarray):
    """A host array posing as a CuPy one: ``.data.ptr`` names it in ``BUFFERS``."""

    @property
    def data(self):
        BUFFERS[id(self)] = self
        return types.SimpleNamespace(ptr=id(self))


BUFFERS = {}


def _device(a):
    return np.asarray(a).view(DeviceArray)


class OneRankCommunicator:
    """NCCL on one rank: every collective copies ``count`` elements from send to recv."""

    def __init__(self, ndev, uid, rank):
        assert (ndev, uid, rank) == (1, "uid", 0)
        self.calls = []

    def _copy(self, name, send, recv, count):
        self.calls.append(name)
        np.copyto(BUFFERS[recv].reshape(-1)[:count], BUFFERS[send].reshape(-1)[:count])

    def allReduce(self, send, recv, count, dtype, op, stream):  # noqa: N802 - NCCL's names
        self._copy(("allReduce", dtype, op), send, recv, count)

    def allGather(self, send, recv, count, dtype, stream):  # noqa: N802
        self._copy(("allGather", dtype), send, recv, count)

    def reduceScatter(self, send, recv, count, dtype, op, stream):  # noqa: N802
        self._copy(("reduceScatter", dtype, op), send, recv, count)

    def bcast(self, buf, count, dtype, root, stream):
        self.calls.append(("bcast", dtype, root))

    def destroy(self):
        self.calls.append("destroy")


@pytest.fixture
def fake_cupy(monkeypatch):
    nccl = types.ModuleType("cupy.cuda.nccl")
    nccl.get_unique_id = lambda: "uid"
    nccl.NcclCommunicator = OneRankCommunicator
    for i, name in enumerate(("SUM", "MAX", "MIN", "FLOAT16", "FLOAT32", "FLOAT64", "INT32",
                              "INT64", "UINT8", "INT8")):
        setattr(nccl, f"NCCL_{name}", i)
    cuda = types.ModuleType("cupy.cuda")
    cuda.nccl = nccl
    cuda.Device = lambda index: types.SimpleNamespace(use=lambda: None)
    cuda.runtime = types.SimpleNamespace(getDeviceCount=lambda: 1)
    cuda.Stream = lambda non_blocking: types.SimpleNamespace(ptr=0, done=True)
    cupy = types.ModuleType("cupy")
    cupy.cuda = cuda
    cupy.asarray = _device
    cupy.ascontiguousarray = lambda a: np.ascontiguousarray(a).view(DeviceArray)
    cupy.empty_like = lambda a: np.empty_like(a).view(DeviceArray)
    cupy.empty = lambda shape, dtype: np.empty(shape, dtype).view(DeviceArray)
    for name, module in (("cupy", cupy), ("cupy.cuda", cuda), ("cupy.cuda.nccl", nccl)):
        monkeypatch.setitem(sys.modules, name, module)
    yield
    dist.shutdown()


def test_nccl_group_runs_every_collective_through_the_communicator(fake_cupy):
    group = dist.init(backend="nccl", timeout=5)
    assert dist.get_backend() == "nccl" and (group.rank, group.size) == (0, 1)
    a = np.arange(6.0).reshape(3, 2)
    for op in ("sum", "mean", "max", "min"):
        np.testing.assert_array_equal(group.allreduce(a, op), a)
    np.testing.assert_array_equal(group.start_allreduce(a, "sum").wait(), a)
    np.testing.assert_array_equal(group.allgather(a), a[None])
    np.testing.assert_array_equal(group.reduce_scatter(a, "sum"), a)
    np.testing.assert_array_equal(group.bcast(np.float32(2.5), 0), np.float32(2.5))
    assert group.bcast(np.float32(2.5), 0).shape == ()
    group.barrier()
    assert ("bcast", 4, 0) in group.comm.calls
    with pytest.raises(TypeError, match="NCCL has no type for dtype complex128"):
        group.allreduce(np.ones(2, complex), "sum")
    dist.shutdown()
    assert group.comm.calls[-1] == "destroy"
