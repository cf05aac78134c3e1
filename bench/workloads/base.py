"""The record that describes one implementation of a workload."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

__all__ = ["Impl"]


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
