"""Exception types that callers may want to catch by type (``ft.errors``)."""

from __future__ import annotations

__all__ = ["ConcretizationError"]


class ConcretizationError(TypeError):
    """A traced value's Python value was needed (``if x > 0``, ``float(x)``, ``int(x)``)
    where values are abstract: inside ``ft.jit`` or a staged ``scan``/``cond``/``while_loop``
    body.

    A ``TypeError`` (as before it had a type of its own), so existing handlers still catch
    it. ``ft.scan`` catches it to run a body that branches on data as a Python loop.

    Example:
        >>> try:
        ...     ft.jit(lambda x: x if x > 0 else -x)(ft.array(1.0))
        ... except ft.errors.ConcretizationError as err:
        ...     print("static_argnums" in str(err))
        True
    """
