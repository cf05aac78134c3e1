"""``Module``'s walks over its tree and its mode setters (``named_modules``, ``parameters``,
``train``, ``apply``, ...): plain functions of the module, assigned as methods in
``nn/module.py`` (which holds the attribute tables they read)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import funtorch as ft
from funtorch.typing import Array

if TYPE_CHECKING:
    from funtorch.nn.module import Module
    from funtorch.nn.parameter import Parameter

__all__: list[str] = []

_M = TypeVar("_M", bound="Module")


def named_modules(self: Module, memo: set[Any] | None = None, prefix: str = "",
                  remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
    """Yield ``(dotted_name, module)`` for this module (named ``prefix``) and every
    descendant, depth first in registration order.

    Args:
        memo: the ids of modules already yielded (used by the recursion; leave it None).
        prefix: the name of this module, prepended with a dot to its descendants' names.
        remove_duplicate: yield a module reachable under several names once (the first).

    Returns:
        An iterator of ``(name, module)`` pairs; this module's name is ``prefix``.

    Example:
        >>> net = ft.nn.Sequential(ft.nn.Linear(2, 3), ft.nn.ReLU())
        >>> [name for name, _ in net.named_modules()]
        ['', '0', '1']
        >>> [name for name, _ in net.named_modules(prefix='net')]
        ['net', 'net.0', 'net.1']
    """
    memo = set() if memo is None else memo
    if remove_duplicate:
        if id(self) in memo:
            return
        memo.add(id(self))
    yield prefix, self
    for name, module in self._modules.items():
        if module is not None:
            sub = f"{prefix}.{name}" if prefix else name
            yield from module.named_modules(memo, sub, remove_duplicate)


def modules(self: Module) -> Iterator[Module]:
    """Yield this module and every descendant (each once), depth first.

    Returns:
        An iterator of modules, this one first.

    Example:
        >>> net = ft.nn.Sequential(ft.nn.Linear(2, 3), ft.nn.ReLU())
        >>> [type(m).__name__ for m in net.modules()]
        ['Sequential', 'Linear', 'ReLU']
    """
    for _, module in self.named_modules():
        yield module


def named_children(self: Module) -> Iterator[tuple[str, Module]]:
    """Yield ``(name, module)`` for the direct children (a child registered under several
    names once, under the first).

    Returns:
        An iterator of ``(name, module)`` pairs in registration order.

    Example:
        >>> net = ft.nn.Sequential(ft.nn.Linear(2, 3), ft.nn.ReLU())
        >>> [name for name, _ in net.named_children()]
        ['0', '1']
    """
    seen = set()
    for name, module in self._modules.items():
        if module is not None and id(module) not in seen:
            seen.add(id(module))
            yield name, module


def children(self: Module) -> Iterator[Module]:
    """Yield the direct child modules (not their descendants).

    Returns:
        An iterator of modules in registration order.

    Example:
        >>> net = ft.nn.Sequential(ft.nn.Sequential(ft.nn.Linear(2, 2)), ft.nn.ReLU())
        >>> [type(m).__name__ for m in net.children()]
        ['Sequential', 'ReLU']
    """
    for _, module in self.named_children():
        yield module


def named_members(self: Module, table: str, prefix: str,
                  recurse: bool) -> Iterator[tuple[str, Any]]:
    """``(dotted_name, value)`` of the non-None entries of ``table`` (``"_parameters"`` or
    ``"_buffers"``) of this module (and its descendants), each shared value once."""
    seen = set()
    walked = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
    for module_prefix, module in walked:
        for name, value in module.__dict__[table].items():
            if value is None or id(value) in seen:
                continue
            seen.add(id(value))
            yield (f"{module_prefix}.{name}" if module_prefix else name), value


def named_parameters(self: Module, prefix: str = "",
                     recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
    """Yield ``(name, parameter)`` in registration order (``"0.weight"``, ...), each shared
    parameter once.

    Args:
        prefix: prepended (with a dot) to every name.
        recurse: include the descendants' parameters, not only this module's own.

    Returns:
        An iterator of ``(dotted_name, Parameter)`` pairs.

    Example:
        >>> net = ft.nn.Sequential(ft.nn.Linear(2, 3), ft.nn.ReLU())
        >>> [name for name, _ in net.named_parameters(prefix='net')]
        ['net.0.weight', 'net.0.bias']
        >>> list(net.named_parameters(recurse=False))
        []
    """
    yield from named_members(self, "_parameters", prefix, recurse)


def parameters(self: Module, recurse: bool = True) -> Iterator[Parameter]:
    """Yield the parameters (each shared one once), e.g. for an optimizer.

    Args:
        recurse: include the descendants' parameters, not only this module's own.

    Returns:
        An iterator of ``Parameter`` boxes in registration order.

    Example:
        >>> net = ft.nn.Sequential(ft.nn.Linear(2, 3), ft.nn.Linear(3, 1))
        >>> [tuple(p.shape) for p in net.parameters()]
        [(3, 2), (3,), (1, 3), (1,)]
    """
    for _, param in self.named_parameters(recurse=recurse):
        yield param


def named_buffers(self: Module, prefix: str = "",
                  recurse: bool = True) -> Iterator[tuple[str, Array]]:
    """Yield ``(name, buffer)`` in registration order (``"bn.running_mean"``, ...).

    Args:
        prefix: a name for this module: the names become ``prefix + "." + name``.
        recurse: False for this module's own buffers only.

    Returns:
        An iterator of ``(dotted_name, array)`` pairs, those that ``state_dict()`` leaves
        out (``persistent=False``) included.

    Example:
        >>> [name for name, _ in ft.nn.BatchNorm1d(3).named_buffers()]
        ['running_mean', 'running_var', 'num_batches_tracked']
    """
    yield from named_members(self, "_buffers", prefix, recurse)


def buffers(self: Module, recurse: bool = True) -> Iterator[Array]:
    """Yield the buffers (running statistics and other untrained state).

    Args:
        recurse: include the descendants' buffers, not only this module's own.

    Returns:
        An iterator of arrays in registration order.

    Example:
        >>> [b.tolist() for b in ft.nn.BatchNorm1d(2).buffers()]
        [[0.0, 0.0], [1.0, 1.0], 0]
    """
    for _, buf in self.named_buffers(recurse=recurse):
        yield buf


def train(self: _M, mode: bool = True) -> _M:
    """Set training mode on this module and every descendant (Dropout active, BatchNorm
    uses and updates batch statistics).

    Args:
        mode: True for training, False for evaluation.

    Returns:
        This module.

    Raises:
        ValueError: ``mode`` is not a bool.

    Example:
        >>> net = ft.nn.Sequential(ft.nn.Linear(2, 2), ft.nn.Dropout(0.5))
        >>> net.train(False)[1].training, net.train()[1].training
        (False, True)
    """
    if not isinstance(mode, bool):
        raise ValueError("training mode is expected to be boolean")
    for module in self.modules():
        module.__dict__["training"] = mode
    return self


def eval(self: _M) -> _M:
    """Set evaluation mode on this module and every descendant (same as ``train(False)``).

    Returns:
        This module.

    Example:
        >>> net = ft.nn.Sequential(ft.nn.Linear(2, 2), ft.nn.Dropout(0.5)).eval()
        >>> net.training, net[1].training
        (False, False)
    """
    return self.train(False)


def requires_grad_(self: _M, requires_grad: bool = True) -> _M:
    """Set ``requires_grad`` on every parameter (freeze a part of a model with False).

    Args:
        requires_grad: whether ``backward()`` accumulates into the parameters' ``.grad``.

    Returns:
        This module.

    Example:
        >>> layer = ft.nn.Linear(2, 2).requires_grad_(False)
        >>> [p.requires_grad for p in layer.parameters()]
        [False, False]
    """
    for param in self.parameters():
        param.requires_grad_(requires_grad)
    return self


def zero_grad(self: Module, set_to_none: bool = True) -> None:
    """Reset every parameter's ``.grad`` written by ``backward()``.

    Args:
        set_to_none: set the gradients to ``None`` rather than to zeros of their shape.

    Example:
        >>> layer = ft.nn.Linear(2, 1)
        >>> layer(ft.ones((1, 2))).sum().backward()
        >>> layer.zero_grad(set_to_none=False); layer.weight.grad.tolist()
        [[0.0, 0.0]]
        >>> layer.zero_grad(); layer.weight.grad is None
        True
    """
    for param in self.parameters():
        if param.grad is not None:
            param.grad = None if set_to_none else ft.zeros_like(param.grad)


def apply(self: _M, fn: Callable[[Module], None]) -> _M:
    """Call ``fn`` on every submodule (children first, recursively) and then on this module,
    e.g. to initialise weights.

    Args:
        fn: a function of one module; its result is ignored.

    Returns:
        This module.

    Example:
        >>> net = ft.nn.Sequential(ft.nn.Linear(2, 2), ft.nn.ReLU())
        >>> seen = []; _ = net.apply(lambda m: seen.append(type(m).__name__)); seen
        ['Linear', 'ReLU', 'Sequential']
    """
    for module in self.children():
        module.apply(fn)
    fn(self)
    return self
