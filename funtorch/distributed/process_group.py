"""``init()`` and the rest of the process-group API (torch.distributed's spellings too).

NOTE (an exception on one rank aborts the job): ``init()`` replaces ``sys.excepthook``. An
uncaught exception on any rank prints ``[rank R]``-prefixed traceback lines and calls
``MPI_Abort``, which makes ``mpiexec`` kill every rank within seconds, instead of leaving
the others blocked forever in their next collective. ``shutdown()`` restores the hook.
"""

from __future__ import annotations

import datetime
import os
import sys
import time
import traceback
from typing import Any

from funtorch.distributed import _backend
from funtorch.distributed._backend import DEFAULT_TIMEOUT, MPIGroup, SingleGroup

__all__ = ["init", "shutdown", "is_initialized", "get_rank", "get_world_size", "barrier",
           "get_backend", "init_process_group", "destroy_process_group"]

_BACKENDS = ("auto", "mpi", "nccl")
_LAUNCHER_SIZE_VARS = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS", "PMIX_SIZE")
_NO_MPI4PY = ("init: this process was launched as one of {size} ranks, but mpi4py could not "
              "be imported ({err}); install it with `pip install mpi4py mpich` (or point "
              "mpi4py at your site MPI)")


class _Hook:
    """The ``sys.excepthook`` that ``init()`` replaced (restored by ``shutdown()``)."""

    previous = None


def _seconds(timeout):
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, datetime.timedelta):
        timeout = timeout.total_seconds()
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(f"init: timeout must be a positive number of seconds or a "
                         f"datetime.timedelta, got {timeout!r}")
    return float(timeout)


def _launched_size():
    """The world size a launcher announced in the environment (1 when none did)."""
    for name in _LAUNCHER_SIZE_VARS:
        value = os.environ.get(name, "")
        if value.isdigit():
            return int(value)
    return 1


def _abort_on_exception(exc_type, exc, tb):
    group = _backend._World.group
    if group is None or group.size == 1:
        return (_Hook.previous or sys.__excepthook__)(exc_type, exc, tb)
    prefix = f"[rank {group.rank}] "
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    lines = [f"funtorch.distributed: rank {group.rank} of {group.size} raised an uncaught "
             "exception; aborting every rank (MPI_Abort)"] + text.rstrip("\n").split("\n")
    sys.stderr.write("".join(prefix + line + "\n" for line in lines))
    sys.stderr.flush()
    time.sleep(0.5)  # let the launcher forward the traceback before it kills every rank
    from mpi4py import MPI
    MPI.COMM_WORLD.Abort(1)


def _mpi_group(timeout, axis_name, debug):
    try:
        from mpi4py import MPI
    except ImportError as err:
        size = _launched_size()
        if size > 1:
            raise RuntimeError(_NO_MPI4PY.format(size=size, err=err)) from None
        return SingleGroup(axis_name)
    return MPIGroup(MPI.COMM_WORLD.Dup(), timeout, axis_name, debug)


def init(backend: str = "auto", timeout: float | datetime.timedelta | None = None,
         axis_name: str = "world", debug: bool | None = None) -> SingleGroup | MPIGroup:
    """Join the job's process group (one per process, launched by ``mpiexec``).

    Args:
        backend: "mpi" (host arrays, mpi4py), "nccl" (CuPy arrays, cupy.cuda.nccl; set up
            over MPI) or "auto" (= "mpi").
        timeout: how long any collective waits for the other ranks before raising
            :class:`DistributedTimeoutError`; seconds or a ``datetime.timedelta``
            (default 30 minutes, as torch).
        axis_name: the name collectives refer to the group by (``ft.psum(x, "world")``).
        debug: check before every collective that all ranks call the same op with the same
            shapes and dtypes (default: ``FUNTORCH_DISTRIBUTED_DEBUG=1`` in the environment).

    Returns:
        The group (``.rank``, ``.size``, ``.axis_name``). Without a launcher, or without
        mpi4py in a single process, a size-1 group whose collectives are identities.

    Raises:
        RuntimeError: called twice; launched on several ranks without mpi4py; "nccl"
            without CuPy.

    Example:
        >>> import funtorch.distributed as dist
        >>> group = dist.init(); dist.get_rank(), dist.get_world_size()
        (0, 1)
        >>> dist.shutdown()
    """
    if backend not in _BACKENDS:
        raise ValueError(f"init: backend must be one of {_BACKENDS}, got {backend!r}")
    if _backend._World.group is not None:
        raise RuntimeError("init: trying to initialize the default process group twice! "
                           "Call ft.distributed.shutdown() first")
    group = _mpi_group(_seconds(timeout), axis_name, debug)
    if backend == "nccl":
        if not isinstance(group, MPIGroup):
            raise RuntimeError("init(backend='nccl'): the NCCL unique id is sent over MPI; "
                               "install mpi4py (pip install mpi4py mpich)")
        from funtorch.distributed._nccl import NcclGroup
        group = NcclGroup(group)
    _backend.set_group(group)
    if sys.excepthook is not _abort_on_exception:
        _Hook.previous = sys.excepthook
        sys.excepthook = _abort_on_exception
    return group


def shutdown() -> None:
    """Leave the process group (torch's ``destroy_process_group``); collectives become
    identities again and the exception hook is restored. A no-op when not initialized.

    Example:
        >>> import funtorch.distributed as dist
        >>> dist.shutdown(); dist.is_initialized()
        False
    """
    group = _backend._World.group
    if group is None:
        return
    _backend.set_group(None)
    if sys.excepthook is _abort_on_exception:
        sys.excepthook = _Hook.previous or sys.__excepthook__
    if getattr(group, "backend", None) == "nccl":
        group.destroy()
        group = group.mpi
    if isinstance(group, MPIGroup):
        group.close()


def is_initialized() -> bool:
    """Whether ``init()`` has been called (and not ``shutdown()``).

    Returns:
        True between ``init()`` and ``shutdown()``.

    Example:
        >>> import funtorch.distributed as dist
        >>> dist.is_initialized()
        False
    """
    return _backend._World.group is not None


def get_rank() -> int:
    """This process's rank in the group (0 when not initialized).

    Returns:
        An int in ``[0, get_world_size())``.

    Example:
        >>> import funtorch.distributed as dist
        >>> dist.get_rank()
        0
    """
    return _backend.current_group().rank


def get_world_size() -> int:
    """The number of ranks in the group (1 when not initialized).

    Returns:
        A positive int.

    Example:
        >>> import funtorch.distributed as dist
        >>> dist.get_world_size()
        1
    """
    return _backend.current_group().size


def get_backend() -> str:
    """The group's backend: "mpi", "nccl", or "none" for the size-1 group.

    Returns:
        The backend's name.

    Example:
        >>> import funtorch.distributed as dist
        >>> dist.get_backend()
        'none'
    """
    return _backend.current_group().backend


def barrier() -> None:
    """Return once every rank has called ``barrier()`` (within the group's timeout).

    Example:
        >>> import funtorch.distributed as dist
        >>> dist.barrier()
    """
    _backend.current_group().barrier()


def init_process_group(backend: str = "auto", init_method: str | None = None,
                       timeout: float | datetime.timedelta | None = None,
                       world_size: int | None = -1, rank: int | None = -1, store: Any = None,
                       group_name: str = "", pg_options: Any = None,
                       device_id: Any = None) -> SingleGroup | MPIGroup:
    """torch's spelling of :func:`init`: ``world_size`` and ``rank`` come from the MPI
    launcher (passing others raises); ``init_method``, ``store``, ``group_name``,
    ``pg_options`` and ``device_id`` are ignored (MPI does the rendezvous; "gloo" means
    "mpi").

    Args:
        backend: ``"mpi"``, ``"nccl"``, ``"gloo"`` (``"mpi"``) or ``"auto"``.
        init_method: ignored.
        timeout: as :func:`init`'s.
        world_size: -1/None, or the launcher's size.
        rank: -1/None, or the launcher's rank.
        store: ignored.
        group_name: ignored.
        pg_options: ignored.
        device_id: ignored.

    Returns:
        The group, as :func:`init` returns it.

    Raises:
        ValueError: ``world_size`` or ``rank`` differs from what the launcher started.

    Example:
        >>> import funtorch.distributed as dist
        >>> _ = dist.init_process_group("mpi"); dist.destroy_process_group()
    """
    if backend == "gloo":
        backend = "mpi"
    group = init(backend, timeout=timeout)
    for name, value, actual in (("world_size", world_size, group.size),
                                ("rank", rank, group.rank)):
        if value not in (-1, None, actual):
            shutdown()
            raise ValueError(f"init_process_group: {name}={value} but the launcher started "
                             f"this process with {name}={actual}; ranks come from mpiexec")
    return group


def destroy_process_group(group: Any = None) -> None:
    """torch's spelling of :func:`shutdown`.

    Args:
        group: ignored (the default group is the only one).

    Example:
        >>> import funtorch.distributed as dist
        >>> dist.destroy_process_group()
    """
    shutdown()
