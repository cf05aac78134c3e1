"""The errors ``funtorch.distributed`` raises instead of hanging."""

from __future__ import annotations

__all__ = ["DistributedTimeoutError", "CollectiveMismatchError"]


class DistributedTimeoutError(RuntimeError):
    """A collective did not complete within the process group's timeout.

    Usually one rank skipped the collective, crashed, or is stuck elsewhere. The group
    cannot be used afterwards (the pending MPI request cannot be cancelled): let the
    exception propagate so that ``init()``'s exception hook aborts the whole job.

    Example:
        >>> issubclass(ft.distributed.DistributedTimeoutError, RuntimeError)  # catch either
        True
    """


class CollectiveMismatchError(RuntimeError):
    """With ``FUNTORCH_DISTRIBUTED_DEBUG=1``: ranks called different collectives, or the
    same collective with different shapes or dtypes.

    Example:
        >>> issubclass(ft.distributed.CollectiveMismatchError, RuntimeError)
        True
    """
