"""``IndexIterator``: the resumable iterator the samplers return (a fixed index order and a
position; ``state()`` is a small JSON-able dict), and the samplers' argument checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["IndexIterator"]


def _check_positive_int(name: str, value: Any) -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value}")


def _check_bool(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise ValueError(f"{name} should be a boolean value, but got {name}={value}")


class IndexIterator:
    """An iterator over a fixed index order; ``state()`` is ``meta`` plus the position."""

    __slots__ = ("_order", "_pos", "_meta")

    def __init__(self, order: Sequence[int], pos: int = 0,
                 meta: dict[str, Any] | None = None) -> None:
        self._order = order
        self._pos = int(pos)
        self._meta = meta or {}

    def __iter__(self) -> IndexIterator:
        return self

    def __next__(self) -> int:
        pos = self._pos
        if pos >= len(self._order):
            raise StopIteration
        self._pos = pos + 1
        return self._order[pos]

    def take(self, n: int) -> list[int]:
        """The next ``n`` indices (fewer at the end) as a list."""
        pos = self._pos
        chunk = self._order[pos:pos + n]
        self._pos = pos + len(chunk)
        return list(chunk)

    def __len__(self) -> int:
        return max(0, len(self._order) - self._pos)

    def state(self) -> dict[str, Any]:
        return {**self._meta, "pos": self._pos}
