"""ModuleDict and ParameterDict: modules or parameters registered by key (insertion order).

Plain arrays given to a ParameterDict are wrapped in ``Parameter`` (as torch does); under
transforms the rebuilt containers hold tracers like every other module.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from typing import Any

import funtorch as ft
from funtorch.nn.module import Module
from funtorch.nn.parameter import Parameter

__all__ = ["ModuleDict", "ParameterDict"]


def _as_parameter(value):
    if value is None or isinstance(value, (Parameter, ft.core.Tracer)):
        return value
    return Parameter(ft.asarray(value))


class ModuleDict(Module):
    """A dict of modules (insertion order) whose parameters are registered
    (``"key.weight"``); it has no ``forward``.

    Args:
        modules: a mapping ``name -> module`` or an iterable of ``(name, module)`` pairs, or
            None for an empty dict.

    Example:
        >>> heads = ft.nn.ModuleDict({'a': ft.nn.Linear(2, 1), 'b': ft.nn.Linear(2, 3)})
        >>> [name for name, _ in heads.named_parameters()]
        ['a.weight', 'a.bias', 'b.weight', 'b.bias']
    """

    def __init__(self, modules: Any = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def keys(self) -> KeysView[str]:
        """The names of the modules, as ``dict.keys``.

        Returns:
            A live view of the names, in insertion order.

        Example:
            >>> heads = ft.nn.ModuleDict({'cls': ft.nn.Linear(4, 2), 'box': ft.nn.Linear(4, 4)})
            >>> list(heads.keys())
            ['cls', 'box']
        """
        return self._modules.keys()

    def values(self) -> ValuesView[Module]:
        """The modules themselves, as ``dict.values``.

        Returns:
            A live view of the modules, in insertion order.

        Example:
            >>> acts = ft.nn.ModuleDict({'relu': ft.nn.ReLU(), 'tanh': ft.nn.Tanh()})
            >>> [type(m).__name__ for m in acts.values()]
            ['ReLU', 'Tanh']
        """
        return self._modules.values()

    def items(self) -> ItemsView[str, Module]:
        """``(name, module)`` pairs, as ``dict.items``.

        Returns:
            A live view of the pairs, in insertion order.

        Example:
            >>> acts = ft.nn.ModuleDict([('a', ft.nn.ReLU()), ('b', ft.nn.Tanh())])
            >>> [(name, type(m).__name__) for name, m in acts.items()]
            [('a', 'ReLU'), ('b', 'Tanh')]
        """
        return self._modules.items()

    def pop(self, key: str) -> Module:
        """Unregister the module named ``key`` (its parameters leave ``state_dict``).

        Args:
            key: the name.

        Returns:
            The removed module.

        Raises:
            KeyError: no module has that name.

        Example:
            >>> heads = ft.nn.ModuleDict({'a': ft.nn.Linear(2, 1), 'b': ft.nn.Linear(2, 3)})
            >>> heads.pop('a').out_features, list(heads.state_dict())
            (1, ['b.weight', 'b.bias'])
        """
        module = self._modules[key]
        del self._modules[key]
        return module

    def clear(self) -> None:
        """Unregister every module.

        Example:
            >>> heads = ft.nn.ModuleDict({'a': ft.nn.Linear(2, 1)}); heads.clear()
            >>> len(heads), list(heads.parameters())
            (0, [])
        """
        self._modules.clear()

    def update(self, modules: Any) -> None:
        """Register modules by name; a name already present is replaced in its place.

        Args:
            modules: a mapping ``name -> module`` or an iterable of ``(name, module)``
                pairs (their order is kept).

        Example:
            >>> acts = ft.nn.ModuleDict({'a': ft.nn.ReLU()})
            >>> acts.update([('b', ft.nn.Tanh()), ('a', ft.nn.Sigmoid())])
            >>> [(name, type(m).__name__) for name, m in acts.items()]
            [('a', 'Sigmoid'), ('b', 'Tanh')]
        """
        items = modules.items() if hasattr(modules, "items") else modules
        for key, module in items:
            self.add_module(key, module)


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
        """The parameters' names (their ``state_dict`` keys).

        Returns:
            A live view of the names, in insertion order.

        Example:
            >>> params = ft.nn.ParameterDict({'scale': ft.ones(2), 'shift': ft.zeros(2)})
            >>> list(params.keys()) == list(params.state_dict())
            True
        """
        return self._parameters.keys()

    def values(self) -> ValuesView[Parameter]:
        """The ``Parameter`` boxes (what an optimizer takes).

        Returns:
            A live view of the parameters, in insertion order.

        Example:
            >>> params = ft.nn.ParameterDict({'w': ft.ones((2, 3)), 'b': ft.zeros(3)})
            >>> [p.shape for p in params.values()]
            [(2, 3), (3,)]
        """
        return self._parameters.values()

    def items(self) -> ItemsView[str, Parameter]:
        """``(name, parameter)`` pairs, like ``named_parameters(recurse=False)``.

        Returns:
            A live view of the pairs, in insertion order.

        Example:
            >>> params = ft.nn.ParameterDict({'w': ft.ones(2)})
            >>> [(name, p.tolist()) for name, p in params.items()]
            [('w', [1.0, 1.0])]
        """
        return self._parameters.items()

    def get(self, key: str, default: Any = None) -> Any:
        """The parameter named ``key``, or ``default`` when there is none (``dict.get``).

        Args:
            key: the name.
            default: what to return for a missing name.

        Returns:
            The ``Parameter``, or ``default``.

        Example:
            >>> params = ft.nn.ParameterDict({'w': ft.ones(2)})
            >>> params.get('w').shape, params.get('b'), params.get('b', 0)
            ((2,), None, 0)
        """
        return self._parameters.get(key, default)

    def pop(self, key: str) -> Parameter:
        """Unregister the parameter named ``key``.

        Args:
            key: the name.

        Returns:
            The removed ``Parameter``.

        Raises:
            KeyError: no parameter has that name.

        Example:
            >>> params = ft.nn.ParameterDict({'w': ft.ones(2), 'b': ft.zeros(2)})
            >>> params.pop('w').tolist(), list(params)
            ([1.0, 1.0], ['b'])
        """
        value = self._parameters[key]
        del self[key]
        return value

    def clear(self) -> None:
        """Unregister every parameter.

        Example:
            >>> params = ft.nn.ParameterDict({'w': ft.ones(2)}); params.clear()
            >>> len(params), params.state_dict()
            (0, OrderedDict())
        """
        self._parameters.clear()

    def update(self, parameters: Any) -> None:
        """Register parameters by name (arrays are wrapped in ``Parameter``); a name
        already present gets the new value.

        Args:
            parameters: a mapping ``name -> parameter or array`` or an iterable of
                ``(name, value)`` pairs.

        Example:
            >>> params = ft.nn.ParameterDict({'w': ft.ones(2)})
            >>> params.update({'b': ft.zeros(2)}); list(params), type(params['b']).__name__
            (['w', 'b'], 'Parameter')
        """
        items = parameters.items() if hasattr(parameters, "items") else parameters
        for key, value in items:
            self[key] = value

    def copy(self) -> "ParameterDict":
        """A shallow copy: a new ParameterDict holding the same ``Parameter`` boxes.

        Returns:
            The new ParameterDict.

        Example:
            >>> params = ft.nn.ParameterDict({'w': ft.ones(2)}); twin = params.copy()
            >>> twin is params, twin['w'] is params['w']
            (False, True)
        """
        return ParameterDict(dict(self.items()))
