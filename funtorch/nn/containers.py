"""Sequential and ModuleList (children named "0", "1", ...); ModuleDict, re-exported here,
lives in ``containers_dict.py``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from funtorch.nn.containers_dict import ModuleDict  # noqa: F401  (re-exported)
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
        """Call each module on the previous one's output, the first on ``input``.

        Args:
            input: what the first module takes.

        Returns:
            What the last module returns (``input`` itself when there is none).

        Example:
            >>> net = ft.nn.Sequential(ft.nn.ReLU(), ft.nn.Hardtanh(-1.0, 1.0))
            >>> net.forward(ft.array([-1.0, 0.5, 3.0])).tolist()
            [0.0, 0.5, 1.0]
        """
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
        """Add ``module`` at the end (child ``str(len(self))``).

        Args:
            module: the module to call last.

        Returns:
            This Sequential.

        Example:
            >>> net = ft.nn.Sequential(ft.nn.Linear(2, 2)).append(ft.nn.ReLU())
            >>> [type(m).__name__ for m in net]
            ['Linear', 'ReLU']
        """
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Any) -> "Sequential":
        """Add each of ``modules`` at the end, in order (``net += other`` does the same).

        Args:
            modules: an iterable of modules (another Sequential, a list).

        Returns:
            This Sequential.

        Example:
            >>> net = ft.nn.Sequential(ft.nn.ReLU()).extend([ft.nn.Tanh(), ft.nn.ReLU()])
            >>> len(net), type(net[1]).__name__
            (3, 'Tanh')
        """
        for module in list(modules):
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> "Sequential":
        """Put ``module`` at position ``index``; the children are renumbered
        ``"0"``, ``"1"``, ... (so the ``state_dict`` keys after it shift).

        Args:
            index: the position, ``-len(self) <= index <= len(self)``.
            module: the module to insert.

        Returns:
            This Sequential.

        Raises:
            IndexError: ``index`` is out of that range.

        Example:
            >>> net = ft.nn.Sequential(ft.nn.Linear(2, 2), ft.nn.ReLU())
            >>> [type(m).__name__ for m in net.insert(1, ft.nn.Tanh())]
            ['Linear', 'Tanh', 'ReLU']
        """
        modules = list(self._modules.values())
        if not -len(modules) <= index <= len(modules):
            raise IndexError(f"Sequential.insert: index {index} is out of range for length "
                             f"{len(modules)}")
        modules.insert(index, module)
        _renumber(self, modules)
        return self

    def pop(self, index: int | slice = -1) -> Module:
        """Remove the module at ``index`` and return it; the rest are renumbered.

        Args:
            index: a position (the last by default) or a slice.

        Returns:
            The removed module (a Sequential of them for a slice).

        Raises:
            IndexError: ``index`` is out of range.

        Example:
            >>> net = ft.nn.Sequential(ft.nn.Linear(2, 2), ft.nn.Tanh(), ft.nn.ReLU())
            >>> type(net.pop(1)).__name__, [name for name, _ in net.named_children()]
            ('Tanh', ['0', '1'])
        """
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
        """Take the module at ``index`` out of the list; the entries after it move down one
        (``"2"`` becomes ``"1"``, ...).

        Args:
            index: which entry: a position, negative ones counting from the end (default
                ``-1``, the last), or a slice.

        Returns:
            The module taken out, or a ModuleList of those a slice selects.

        Raises:
            IndexError: no entry at ``index``.

        Example:
            >>> layers = ft.nn.ModuleList([ft.nn.Tanh(), ft.nn.ReLU()])
            >>> type(layers.pop(0)).__name__, len(layers)
            ('Tanh', 1)
        """
        module = self[index]
        del self[index]
        return module

    def append(self, module: Module) -> "ModuleList":
        """Register ``module`` as the last entry (child ``str(len(self))``).

        Args:
            module: the module to add.

        Returns:
            This ModuleList.

        Example:
            >>> layers = ft.nn.ModuleList().append(ft.nn.Linear(2, 1))
            >>> list(layers.state_dict())
            ['0.weight', '0.bias']
        """
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Any) -> "ModuleList":
        """Register each of ``modules`` after the current entries, in order.

        Args:
            modules: an iterable of modules.

        Returns:
            This ModuleList.

        Example:
            >>> layers = ft.nn.ModuleList([ft.nn.ReLU()])
            >>> len(layers.extend(ft.nn.Tanh() for _ in range(2)))
            3
        """
        for module in list(modules):
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Put ``module`` at position ``index`` (as ``list.insert``: an index past either
        end inserts at that end); the entries are renumbered.

        Args:
            index: the position.
            module: the module to insert.

        Example:
            >>> layers = ft.nn.ModuleList([ft.nn.ReLU()]); layers.insert(0, ft.nn.Tanh())
            >>> [type(m).__name__ for m in layers]
            ['Tanh', 'ReLU']
        """
        modules = list(self._modules.values())
        modules.insert(index, module)
        _renumber(self, modules)
