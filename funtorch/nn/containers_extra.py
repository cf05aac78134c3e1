"""ParameterList: parameters registered as "0", "1", ...; ParameterDict, re-exported
here, lives in ``containers_dict.py``.

Plain arrays given to it are wrapped in ``Parameter`` (as torch does); under transforms the
rebuilt containers hold tracers like every other module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from funtorch.nn.containers import _index
from funtorch.nn.containers_dict import ParameterDict, _as_parameter  # noqa: F401
from funtorch.nn.module import Module
from funtorch.nn.parameter import Parameter

__all__ = ["ParameterList", "ParameterDict"]


class ParameterList(Module):
    """A list of parameters (``state_dict`` keys ``"0"``, ``"1"``, ...); plain arrays are
    wrapped in ``Parameter``.

    Args:
        values: an iterable of parameters or arrays (anything ``ft.asarray`` takes) to append,
            or None for an empty list.

    Raises:
        IndexError: an index out of range.

    Example:
        >>> params = ft.nn.ParameterList([ft.nn.Parameter(ft.ones(2)) for _ in range(3)])
        >>> len(params), list(params.state_dict())
        (3, ['0', '1', '2'])
    """

    def __init__(self, values: Any = None) -> None:
        super().__init__()
        for value in values or ():
            self.append(value)

    def _set(self, name, value):
        value = _as_parameter(value)
        if isinstance(value, Parameter) or value is None:
            self.register_parameter(name, value)
        else:  # a tracer inside a transform
            self._parameters[name] = value

    def __getitem__(self, index: Any) -> Any:
        values = list(self._parameters.values())
        if isinstance(index, slice):
            return ParameterList(values[index])
        return values[_index(index, len(values), "ParameterList")]

    def __setitem__(self, index: Any, value: Any) -> None:
        self._set(str(_index(index, len(self), "ParameterList")), value)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self._parameters.values())

    def __iadd__(self, values: Any) -> "ParameterList":
        return self.extend(values)

    def append(self, value: Any) -> "ParameterList":
        """Register ``value`` as the last entry (key ``str(len(self))``), wrapped in a
        ``Parameter`` unless it is one.

        Args:
            value: a ``Parameter``, an array or anything ``ft.asarray`` takes, or None.

        Returns:
            This ParameterList.

        Example:
            >>> params = ft.nn.ParameterList().append(ft.zeros(3))
            >>> type(params[0]).__name__, params[0].shape
            ('Parameter', (3,))
        """
        self._set(str(len(self)), value)
        return self

    def extend(self, values: Any) -> "ParameterList":
        """Register each of ``values`` after the current entries, in order (``+=`` does
        the same).

        Args:
            values: an iterable of parameters or arrays.

        Returns:
            This ParameterList.

        Example:
            >>> params = ft.nn.ParameterList([ft.ones(2)]).extend([ft.ones(1), ft.ones(3)])
            >>> list(params.state_dict())
            ['0', '1', '2']
        """
        for value in list(values):
            self.append(value)
        return self

    def extra_repr(self) -> str:
        """One line per parameter with its index and shape, shown by ``repr``.

        Returns:
            The lines joined with newlines.

        Example:
            >>> print(ft.nn.ParameterList([ft.ones(2), ft.ones((1, 3))]).extra_repr())
            (0): Parameter containing: (2,)
            (1): Parameter containing: (1, 3)
        """
        return "\n".join(f"({i}): Parameter containing: {tuple(p.shape)}"
                         for i, p in enumerate(self))
