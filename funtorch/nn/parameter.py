"""``Parameter``: the mutable box around an immutable array (the stateful side of nn)."""

from __future__ import annotations

import funtorch as ft
from funtorch.typing import Array, ArrayLike

__all__ = ["Parameter", "is_concrete"]

_TRACED_MSG = ("Parameter: cannot box a traced value ({what}); parameters are leaves of "
               "PyTorch-style code. Inside ft.grad/ft.vmap use the arrays directly (a Module "
               "unflattened by a transform holds them as they are).")


def is_concrete(x) -> bool:
    """Whether ``x`` is an array with a value (a plain ``ft.Array`` or a ``Parameter``)."""
    return type(x) is ft.Array or isinstance(x, Parameter)


class Parameter(ft.Array):
    """A mutable box around an immutable array; a leaf that ``backward()`` fills.

    A ``Parameter`` can be used wherever an ``ft.Array`` can: every op reads its current
    value. Optimizers replace the value with ``param.data = new_array`` (the box changes,
    arrays never do); ``.grad`` is written by ``loss.backward()``.

    Args:
        data: the initial value (an array or array-like); ``None`` gives an empty array.
        requires_grad: whether ``backward()`` accumulates into ``.grad``.

    Raises:
        TypeError: ``data`` is a tracer of a transform (``ft.grad``, ``ft.vmap``, ...).

    Example:
        >>> w = ft.nn.Parameter(ft.ones(2)); (w * 3).sum().backward(); w.grad
        array([3., 3.])
        >>> w.data = w.data - 0.1 * w.grad
    """

    __slots__ = ()

    def __init__(self, data: ArrayLike | None = None, requires_grad: bool = True) -> None:
        data = ft.zeros((0,)) if data is None else ft.asarray(data)
        if not is_concrete(data):
            raise TypeError(_TRACED_MSG.format(what=type(data).__name__))
        # A Parameter is a non-tracer Array subclass: bind reads these three slots.
        self._buf = data._buf
        self._node = None
        self.grad = None
        if requires_grad:
            self.requires_grad_()

    @property
    def data(self) -> ft.Array:
        """The current value as a plain (untracked) array; assign to replace it in place.
        An in-place method on it updates the box too (``p.data.mul_(0.9)``), as in torch."""
        out = ft.stop_gradient(self)
        if type(out) is ft.Array:  # not while jit stages (a traced value is no handle)
            out._extra = {"base": self}
        return out

    @data.setter
    def data(self, value):
        value = ft.asarray(value)
        if not is_concrete(value):
            raise TypeError(_TRACED_MSG.format(what=type(value).__name__))
        self._buf = value._buf

    def set_(self, value: ArrayLike) -> "Parameter":
        """Replace the boxed value in place (same as ``param.data = value``): every holder
        of this ``Parameter`` (a module, an optimizer) sees the new value.

        Args:
            value: the new value (an array or array-like; its shape and dtype may differ).

        Returns:
            This ``Parameter``.

        Raises:
            TypeError: ``value`` is a tracer of a transform.

        Example:
            >>> w = ft.nn.Parameter(ft.zeros(2))
            >>> w.set_(ft.array([1.0, 2.0])).tolist(), w.requires_grad
            ([1.0, 2.0], True)
        """
        self.data = value
        return self

    def __repr__(self):
        body = repr(self.data)
        if not self.requires_grad:
            return f"Parameter containing:\n{body}, requires_grad=False"
        return f"Parameter containing:\n{body}"

    def __copy__(self):
        """``copy.copy(p)``: a new box holding the same value (no ``.grad``)."""
        return Parameter(ft.Array.__copy__(self), self.requires_grad)

    def __deepcopy__(self, memo):
        """``copy.deepcopy(p)`` (and of a Module holding it): an independent box with the
        same value, ``requires_grad`` and ``.grad``, as in PyTorch."""
        if id(self) in memo:
            return memo[id(self)]
        out = memo[id(self)] = self.__copy__()
        out.grad = None if self.grad is None else self.grad.__deepcopy__(memo)
        return out

    def __reduce__(self):
        raise TypeError("Parameter: pickling is not supported; use ft.save(model.state_dict())")
