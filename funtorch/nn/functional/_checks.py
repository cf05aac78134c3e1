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
