"""Staging for export: ``jit``'s tracer, plus the user's source line of every equation.

The line is recorded by a subclass of ``StagingTrace`` whose ``emit`` notes the first
stack frame outside funtorch; ``stage_function`` picks the trace class from its module,
so the subclass is installed there for the duration of one staging (no core file knows
about the exporter).
"""

from __future__ import annotations

import threading

from funtorch.transforms import staging as core_staging
from funtorch.transforms.jit import _evaluate_eqn
from funtorch.transforms.graph import optimize

__all__ = ["stage_for_export"]

_LOCK = threading.RLock()  # an exported function may itself export


def _recording_trace(sources):
    class SourceStagingTrace(core_staging.StagingTrace):
        def emit(self, prim, inputs, params, weak):
            outputs = super().emit(prim, inputs, params, weak)
            if outputs:
                sources[id(outputs[0])] = (outputs[0], core_staging._user_frame().strip())
            return outputs
    return SourceStagingTrace


def stage_for_export(fun, flat, in_tree, name, weak=None):
    """Stage ``fun`` on the argument leaves ``flat`` (arrays or avals; ``in_tree`` their
    structure; ``weak[i]``: leaf ``i`` stands for a Python scalar);
    return ``(staged, graph, sources)``: the :class:`Staged`, its optimised graph and
    ``{id(first output Var): (Var, "at file:line")}``."""
    sources: dict = {}
    with _LOCK:
        saved = core_staging.StagingTrace
        core_staging.StagingTrace = _recording_trace(sources)
        try:
            staged = core_staging.stage_function(
                fun, flat, weak or [False] * len(flat), in_tree, name)
        finally:
            core_staging.StagingTrace = saved
    return staged, optimize(staged.graph, _evaluate_eqn), sources

