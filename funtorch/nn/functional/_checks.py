"""Input checks shared by the functional layers."""

from __future__ import annotations

import funtorch as ft
from funtorch.core import Tracer


def first_out_of_range(indices, count, skip=None):
    """The first entry of integer ``indices`` outside ``0..count-1`` (entries equal to
    ``skip`` allowed), or None; traced indices are not checked (that would need their
    values)."""
    if isinstance(indices, Tracer):
        return None
    bad = (indices < 0) | (indices >= count)
    if skip is not None:
        bad = bad & (indices != skip)
    return int(indices[bad][0]) if bool(ft.any(bad)) else None


def concrete(x):
    """``x``'s value as an untracked array when it is known (eager code, or under
    ``grad``/``jvp``, whose tracers carry their primal), else None (``jit``, ``vmap``)."""
    while isinstance(x, Tracer) and hasattr(x, "primal"):
        x = x.primal
    if isinstance(x, Tracer):
        return None
    return ft.asarray(x).detach()


def check_probabilities(p, fn):
    """Raise as torch does when a concrete ``p`` has a value outside [0, 1] (or NaN)."""
    value = concrete(p)
    if value is not None and not bool(ft.all((value >= 0) & (value <= 1))):
        raise RuntimeError(f"{fn}: all elements of input should be between 0 and 1 (input "
                           "holds probabilities; for logits use "
                           "binary_cross_entropy_with_logits)")


def check_positive(value, name, fn, allow_zero):
    """Raise for a negative (or, without ``allow_zero``, zero) scalar hyperparameter."""
    if value < 0 or (value == 0 and not allow_zero):
        kind = "negative" if allow_zero else "non-positive"
        raise RuntimeError(f"{fn} does not support {kind} values for {name}, got {value}")
