"""Benchmark workloads: one module per workload, registered in :data:`WORKLOADS`.

A workload module exposes:

- ``NAME`` and ``DESCRIPTION`` (one line each);
- ``IMPLEMENTATIONS``: a tuple of :class:`Impl`, the hand-written NumPy
  baseline first, named ``"numpy"``;
- ``check()``: asserts that the hand-written NumPy backward agrees with
  funtorch's gradients (and with finite differences), so a benchmark of wrong
  maths cannot pass; it returns a one-line summary;
- ``compare(result, reference)``: asserts that one implementation's fetched
  first step equals the baseline's.

An :class:`Impl`'s ``make()`` builds the inputs and returns ``(step, fetch)``:
``step()`` runs one timed step (carrying any state between calls) and returns
the implementation's native result; ``fetch(result)`` converts that result to
NumPy so the runner can compare every implementation's first step with the
baseline's. ``make()`` raises ``ImportError`` when an optional library is
missing; the runner then skips that implementation.
"""

from __future__ import annotations

from workloads import (cnn, data, hvp, indexing, indexing_grad, lstm, mlp, overhead,
                       per_example, transformer)
from workloads.base import Impl

__all__ = ["WORKLOADS", "Impl"]

WORKLOADS = {module.NAME: module for module in (
    overhead, mlp, per_example, cnn, lstm, data, transformer, hvp, indexing, indexing_grad)}
