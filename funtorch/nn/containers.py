"""Sequential, ModuleList, ModuleDict (children named "0", "1", ... or by key)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from typing import Any

from funtorch.nn.module import Module

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


def _index(index, size, cls):
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of range for {cls} of length {size}")
    return index % size


def _renumber(container, modules):
    """Re-register ``modules`` as children "0", "1", ... (PyTorch renumbers after a delete
    or an insert, so the state_dict keys stay dense)."""
    container._modules.clear()
    for position, module in enumerate(modules):
        container.add_module(str(position), module)


def _delete(container, index, cls):
    modules = list(container._modules.values())
    if isinstance(index, slice):
        del modules[index]
    else:
        del modules[_index(index, len(modules), cls)]
    _renumber(container, modules)


class Sequential(Module):
    """Calls its modules in order, each on the previous one's output.

    Args:
        args: the modules, registered as children ``"0"``, ``"1"``, ...; or a single
            ``OrderedDict`` of ``name -> module`` (children named by its keys).

    Raises:
        TypeError: ``Sequential + x`` where ``x`` is not a Sequential.
        IndexError: an index out of range (``net[5]``, ``del net[5]``, ``insert``).

    Shape:
        Input what the first module takes; output what the last module returns.

    Example:
        >>> net = ft.nn.Sequential(ft.nn.Linear(2, 3), ft.nn.ReLU())
        >>> [name for name, _ in net.named_parameters()]
        ['0.weight', '0.bias']
        >>> net(ft.ones((4, 2))).shape
        (4, 3)
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(args):
                self.add_module(str(index), module)

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            input = module(input)
        return input

    def __getitem__(self, index: Any) -> Any:
        modules = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(modules[index]))
        return modules[_index(index, len(modules), "Sequential")][1]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __setitem__(self, index: Any, module: Module) -> None:
        key = list(self._modules)[_index(index, len(self), "Sequential")]
        self.add_module(key, module)

    def __delitem__(self, index: Any) -> None:
        _delete(self, index, "Sequential")

    def __add__(self, other: Any) -> Sequential:
        if not isinstance(other, Sequential):
            raise TypeError(f"Sequential + {type(other).__name__}: can only add another "
                            "Sequential")
        return Sequential(*self, *other)

    def __iadd__(self, other: Any) -> Sequential:
        return self.extend(other)

    def append(self, module: Module) -> "Sequential":
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Any) -> "Sequential":
        """Add each of ``modules`` at the end, in order; returns self."""
        for module in list(modules):
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> "Sequential":
        """Put ``module`` at position ``index``; returns self."""
        modules = list(self._modules.values())
        if not -len(modules) <= index <= len(modules):
            raise IndexError(f"Sequential.insert: index {index} is out of range for length "
                             f"{len(modules)}")
        modules.insert(index, module)
        _renumber(self, modules)
        return self

    def pop(self, index: int | slice = -1) -> Module:
        """Remove and return the module at ``index`` (the last by default)."""
        module = self[index]
        del self[index]
        return module


class ModuleList(Module):
    """A list of modules whose parameters are registered (``"0.weight"``, ...); it has no
    ``forward``: index or iterate it in the owner's ``forward``.

    Args:
        modules: an iterable of modules to append, in order, or None for an empty list.

    Raises:
        IndexError: an index out of range.

    Example:
        >>> layers = ft.nn.ModuleList([ft.nn.Linear(2, 2) for _ in range(3)])
        >>> len(layers), len(list(layers.parameters()))
        (3, 6)
    """

    def __init__(self, modules: Any = None) -> None:
        super().__init__()
        for module in modules or ():
            self.append(module)

    def __getitem__(self, index: Any) -> Any:
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(modules[index])
        return modules[_index(index, len(modules), "ModuleList")]

    def __setitem__(self, index: Any, module: Module) -> None:
        key = list(self._modules)[_index(index, len(self), "ModuleList")]
        self.add_module(key, module)

    def __delitem__(self, index: Any) -> None:
        _delete(self, index, "ModuleList")

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __add__(self, other: Any) -> ModuleList:
        return ModuleList([*self, *other])

    def __iadd__(self, other: Any) -> ModuleList:
        return self.extend(other)

    def pop(self, index: int | slice = -1) -> Module:
        """Remove and return the module at ``index`` (the last by default)."""
        module = self[index]
        del self[index]
        return module

    def append(self, module: Module) -> "ModuleList":
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Any) -> "ModuleList":
        """Add each of ``modules`` at the end, in order; returns self."""
        for module in list(modules):
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Put ``module`` at position ``index``."""
        modules = list(self._modules.values())
        modules.insert(index, module)
        _renumber(self, modules)


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
        """The names, in insertion order."""
        return self._modules.keys()

    def values(self) -> ValuesView[Module]:
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self) -> ItemsView[str, Module]:
        """``(name, module)`` pairs, in insertion order."""
        return self._modules.items()

    def pop(self, key: str) -> Module:
        """Remove the module named ``key`` and return it."""
        module = self._modules[key]
        del self._modules[key]
        return module

    def clear(self) -> None:
        """Remove every module."""
        self._modules.clear()

    def update(self, modules: Any) -> None:
        """Add (or replace) modules from a mapping or ``(name, module)`` pairs."""
        items = modules.items() if hasattr(modules, "items") else modules
        for key, module in items:
            self.add_module(key, module)
