"""Distributed training: process groups on MPI (or NCCL), differentiable collectives and
data-parallel helpers. See ``funtorch/distributed/README.md``.

World size 1 needs nothing: before ``init()`` (or without mpi4py in a single process)
every collective is the identity, so single-process code needs no branch. mpi4py is
imported by ``init()`` only.

Example:
    >>> import funtorch as ft
    >>> import funtorch.distributed as dist
    >>> dist.get_world_size()
    1
    >>> dist.all_reduce(ft.array([1.0, 2.0]), op="mean")
    array([1., 2.])
"""

from funtorch.distributed._backend import current_group  # noqa: F401
from funtorch.distributed._errors import (  # noqa: F401
    CollectiveMismatchError, DistributedTimeoutError,
)
from funtorch.distributed.process_group import (  # noqa: F401
    barrier, destroy_process_group, get_backend, get_rank, get_world_size, init,
    init_process_group, is_initialized, shutdown,
)
from funtorch.distributed.ddp import (  # noqa: F401
    DistributedDataParallel, average_gradients, broadcast_optimizer_state,
    broadcast_parameters,
)

# The collectives (funtorch/distributed/collectives.py) load on first use.
_COLLECTIVES = ("all_reduce", "all_gather", "reduce_scatter", "broadcast", "psum", "pmean",
                "pmax", "pmin", "psum_scatter", "axis_index")


def __getattr__(name):
    if name not in _COLLECTIVES:
        raise AttributeError(f"module 'funtorch.distributed' has no attribute {name!r}")
    from funtorch.distributed import collectives

    value = getattr(collectives, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_COLLECTIVES))
