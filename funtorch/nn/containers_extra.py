"""ParameterList and ParameterDict: parameters registered as "0", "1", ... or by key.

Plain arrays given to them are wrapped in ``Parameter`` (as torch does); under transforms
the rebuilt containers hold tracers like every other module.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from typing import Any

import funtorch as ft
from funtorch.nn.containers import _index
from funtorch.nn.module import Module
from funtorch.nn.parameter import Parameter

__all__ = ["ParameterList", "ParameterDict"]


def _as_parameter(value):
    if value is None or isinstance(value, (Parameter, ft.core.Tracer)):
        return value
    return Parameter(ft.asarray(value))


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
        """Add ``value`` (wrapped in a ``Parameter`` if needed) at the end; returns self."""
        self._set(str(len(self)), value)
        return self

    def extend(self, values: Any) -> "ParameterList":
        """Add each of ``values`` at the end, in order; returns self."""
        for value in list(values):
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"({i}): Parameter containing: {tuple(p.shape)}"
                         for i, p in enumerate(self))


class ParameterDict(Module):
    """A dict of parameters (insertion order; ``state_dict`` keys are the dict's keys); plain
    arrays are wrapped in ``Parameter``.

    Args:
        parameters: a mapping ``name -> parameter or array`` or an iterable of
            ``(name, value)`` pairs, or None for an empty dict.

    Example:
        >>> params = ft.nn.ParameterDict({"scale": ft.ones(2)})
        >>> list(params.keys()), type(params["scale"]).__name__
        (['scale'], 'Parameter')
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Parameter:
        return self._parameters[key]

    def __setitem__(self, key: str, value: Any) -> None:
        value = _as_parameter(value)
        if isinstance(value, Parameter) or value is None:
            self.register_parameter(key, value)
        else:
            self._parameters[key] = value

    def __delitem__(self, key: str) -> None:
        del self._parameters[key]

    def __contains__(self, key: str) -> bool:
        return key in self._parameters

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def keys(self) -> KeysView[str]:
        """The names, in insertion order."""
        return self._parameters.keys()

    def values(self) -> ValuesView[Parameter]:
        """The parameters, in insertion order."""
        return self._parameters.values()

    def items(self) -> ItemsView[str, Parameter]:
        """``(name, parameter)`` pairs, in insertion order."""
        return self._parameters.items()

    def get(self, key: str, default: Any = None) -> Any:
        """The parameter named ``key``, or ``default``."""
        return self._parameters.get(key, default)

    def pop(self, key: str) -> Parameter:
        """Remove the parameter named ``key`` and return it."""
        value = self._parameters[key]
        del self[key]
        return value

    def clear(self) -> None:
        """Remove every parameter."""
        self._parameters.clear()

    def update(self, parameters: Any) -> None:
        """Add (or replace) parameters from a mapping or ``(name, value)`` pairs."""
        items = parameters.items() if hasattr(parameters, "items") else parameters
        for key, value in items:
            self[key] = value

    def copy(self) -> "ParameterDict":
        """A new ParameterDict holding the same parameters."""
        return ParameterDict(dict(self.items()))
