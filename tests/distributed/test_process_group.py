"""The process group in one process: size-1 identities without init, init/shutdown, the MPI
group's code paths on a one-rank communicator, timeouts, the debug signature check."""

import datetime
import importlib.util
import sys

import numpy as np
import pytest

import funtorch as ft
import funtorch.distributed as dist
from funtorch.distributed import _backend
from funtorch.distributed._backend import MPIGroup, SingleGroup, wait

needs_mpi4py = pytest.mark.skipif(importlib.util.find_spec("mpi4py") is None,
                                  reason="mpi4py not installed (pip install mpi4py mpich)")


@pytest.fixture(autouse=True)
def _no_group_left_behind():
    yield
    dist.shutdown()


def test_before_init_the_world_has_one_rank_and_collectives_are_identities():
    assert (dist.get_rank(), dist.get_world_size(), dist.is_initialized()) == (0, 1, False)
    assert dist.get_backend() == "none"
    group = dist.current_group()
    a = np.arange(6.0).reshape(3, 2)
    for op in ("sum", "mean", "max", "min"):
        assert group.allreduce(a, op) is a
    assert group.allgather(a).shape == (1, 3, 2)
    assert group.reduce_scatter(a, "sum") is a and group.bcast(a, 0) is a
    assert group.start_allreduce(a, "mean").wait() is a
    dist.barrier()


@pytest.mark.parametrize("call, match", [
    (lambda g: g.allreduce(np.ones(2), "prod"), "allreduce: op must be one of"),
    (lambda g: g.bcast(np.ones(2), 1), r"bcast: root must be a rank in \[0, 1\), got 1"),
    (lambda g: g.reduce_scatter(np.ones(()), "sum"), "leading axis must be a multiple"),
])
def test_single_group_checks_its_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call(SingleGroup())


@needs_mpi4py
def test_init_and_shutdown_in_one_process():
    excepthook = sys.excepthook
    group = dist.init(timeout=datetime.timedelta(seconds=5), axis_name="dp")
    assert dist.is_initialized() and dist.current_group() is group
    assert (group.rank, group.size, group.axis_name, group.timeout) == (0, 1, "dp", 5.0)
    assert sys.excepthook is not excepthook
    with pytest.raises(RuntimeError, match="initialize the default process group twice"):
        dist.init()
    dist.destroy_process_group()
    assert not dist.is_initialized() and sys.excepthook is excepthook
    dist.init_process_group("gloo", world_size=1, rank=0)
    assert dist.get_backend() == "mpi"


@needs_mpi4py
def test_init_process_group_refuses_a_world_the_launcher_did_not_start():
    with pytest.raises(ValueError, match="world_size=4 but the launcher started this "
                                         "process with world_size=1"):
        dist.init_process_group(world_size=4)
    assert not dist.is_initialized()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"backend": "tcp"}, ValueError, "init: backend must be one of"),
    ({"timeout": -1}, ValueError, "init: timeout must be a positive number"),
    ({"timeout": "5"}, ValueError, "init: timeout must be a positive number"),
])
def test_init_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        dist.init(**kwargs)


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed")
@needs_mpi4py
def test_nccl_without_cupy_says_how_to_get_it():
    with pytest.raises(RuntimeError, match=r"NCCL runs through cupy.cuda.nccl.*pip install "
                                           r"cupy-cuda12x\) or use backend='mpi'"):
        dist.init(backend="nccl")
    assert not dist.is_initialized()


@needs_mpi4py
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, np.int64, np.bool_])
def test_mpi_group_on_one_rank_returns_its_input(dtype):
    from mpi4py import MPI

    group = MPIGroup(MPI.COMM_SELF.Dup(), timeout=5, debug=True)
    a = (np.arange(6).reshape(3, 2) % 2).astype(dtype)
    for op in ("sum", "max", "min"):
        out = group.allreduce(a, op)
        assert out.dtype == a.dtype and np.array_equal(out, a)
    assert np.array_equal(group.allreduce(np.float64(2.5), "mean"), 2.5)
    assert np.array_equal(group.allgather(a), a[None])
    assert np.array_equal(group.reduce_scatter(a, "sum"), a)
    assert np.array_equal(group.bcast(a[:, ::-1], 0), a[:, ::-1])
    group.barrier()
    group.close()


class _NeverDone:
    def Test(self):
        return False


def test_a_collective_that_never_completes_times_out_naming_the_operation():
    group = SingleGroup("world")
    group.rank, group.size, group.timeout = 1, 3, 0.05
    with pytest.raises(dist.DistributedTimeoutError,
                       match=r"allreduce\(op='sum'\): rank 1 of 3 \(group 'world'\) waited "
                             r"0.05 s for the other ranks and gave up") as info:
        wait(_NeverDone(), "allreduce(op='sum')", group)
    assert isinstance(info.value.request, _NeverDone)


def test_debug_is_read_from_the_environment(monkeypatch):
    for value, expected in (("1", True), ("0", False), ("", False), ("true", True)):
        monkeypatch.setenv("FUNTORCH_DISTRIBUTED_DEBUG", value)
        assert _backend.debug_enabled() is expected


def test_functional_helpers_are_identities_on_one_rank():
    grads = {"w": ft.ones((2, 3)), "b": ft.zeros(3)}
    assert dist.average_gradients(grads) is grads
    state = {"w": ft.ones(2), "step": 3}
    assert dist.broadcast_parameters(state) is state
    assert dist.broadcast_optimizer_state(state) is state
