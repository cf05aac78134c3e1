"""``Trace`` and ``Tracer``: the interpreter of one transform level and the array
look-alike it carries (see ``core.py`` for ``bind``, which hands primitives to them)."""

from __future__ import annotations

import itertools
import math

from funtorch import diagnostics
from funtorch.core import _TRACER_TYPES, Array

__all__ = ["Trace", "Tracer", "new_trace"]



class Trace:
    """An interpreter of primitives at one level of the trace stack.

    Subclasses implement ``process_primitive(prim, args, params)``; ``args`` mixes
    this trace's tracers with lower-level values, which the trace treats as constants.
    """

    __slots__ = ("level", "active", "transform", "fun_name")
    # True: ``process_primitive`` finds the top trace among the arguments itself (and
    # refuses a leaked tracer), so ``bind`` hands it the op unchecked (reverse mode,
    # whose fast path tests every argument anyway)
    finds_top = False

    def __init__(self, level, transform, fun_name):
        self.level = level
        self.active = True
        self.transform = transform
        self.fun_name = fun_name

    def process_primitive(self, prim, args, params):
        raise NotImplementedError


class Tracer(Array):
    """An :class:`Array` look-alike carrying a transform's extra data.

    Subclasses define ``aval`` (a value with ``shape``/``dtype``, concrete when the
    transform has real values) and are registered for the fast type test in ``bind``.
    """

    __slots__ = ("_trace",)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _TRACER_TYPES.add(cls)

    @property
    def aval(self):
        raise NotImplementedError

    @property
    def shape(self):
        return self.aval.shape

    @property
    def dtype(self):
        return self.aval.dtype

    @property
    def ndim(self):
        return len(self.aval.shape)

    @property
    def size(self):
        return math.prod(self.shape)

    @property
    def device(self):
        return self.aval.device

    def _concrete(self, what):
        if not self._trace.active:
            raise diagnostics.leaked_tracer_error(None, self._trace, self)
        return self.aval._concrete(what)

    def __repr__(self):
        return (f"{type(self).__name__}<{self._trace.transform}, level {self._trace.level}>"
                f"({self.aval!r})")

    grad_fn = property(lambda self: None)  # reverse mode keeps its tape in the trace
    requires_grad = property(lambda self: False)
    is_leaf = property(lambda self: True)


# next() on a count is atomic in CPython: levels stay unique and increasing across threads
# (a shared ``+= 1`` could give two threads' traces one level)
_next_level = itertools.count(1).__next__


def new_trace(trace_cls, transform, fun):
    """Create a trace one level above every live trace (so nesting is safe)."""
    name = getattr(fun, "__name__", type(fun).__name__)
    return trace_cls(_next_level(), transform, name)
