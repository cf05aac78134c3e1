"""The record that describes one implementation of a workload."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

__all__ = ["Impl", "baseline_and_funtorch"]


class Impl(NamedTuple):
    """One implementation of a workload.

    Attributes:
        name: label in the results table (``"numpy"``, ``"funtorch"``, ``"torch"``, ...).
        make: builds inputs and returns ``(step, fetch)``; raises ``ImportError``
            when the library is not installed.
        traced_memory: True when all of its buffers are NumPy arrays, whose
            allocations ``tracemalloc`` sees, so its peak memory can be measured.
    """

    name: str
    make: Callable
    traced_memory: bool = False


def baseline_and_funtorch(numpy, funtorch, funtorch_jit):
    """The first three rows most workloads share: ``numpy`` (the baseline), ``funtorch``
    and ``funtorch-jit``, all with NumPy buffers (so their peak memory is measured)."""
    return (Impl("numpy", numpy, traced_memory=True),
            Impl("funtorch", funtorch, traced_memory=True),
            Impl("funtorch-jit", funtorch_jit, traced_memory=True))
