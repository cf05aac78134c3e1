"""``Module``: PyTorch-style layers that are also pytrees (see ``nn/README.md``).

Fields live in three ordered tables, as in PyTorch: ``_parameters`` (``Parameter`` boxes,
``None``, or bare leaves in a module rebuilt by a transform), ``_buffers`` (arrays) and
``_modules``; everything else in ``__dict__`` is static configuration.
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from typing_extensions import Self

import funtorch as ft
from funtorch.nn import module_hooks
from funtorch.nn.parameter import Parameter
from funtorch.typing import Array

__all__ = ["Module"]

_TABLES = ("_parameters", "_buffers", "_modules")
_RESERVED = frozenset(_TABLES + ("_non_persistent",))

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])

_NOT_INIT = ("cannot assign {what} before Module.__init__() call; call super().__init__() "
             "first in {cls}.__init__")
_BAD_PARAM = ("cannot assign '{type}' as parameter '{name}' (ft.nn.Parameter or None "
              "expected); wrap it with ft.nn.Parameter(...) or use param.data = value")


class Module:
    """Base class of every layer: subclass it, assign layers and Parameters, define forward.

    A Module is a pytree whose leaves are its parameters' and float buffers' arrays, so
    ``ft.grad(loss)(model, x, y)`` returns a Module of gradients and ``ft.tree.map`` builds
    new Modules. The stateful methods (``parameters()``, ``state_dict()``, ``train()``)
    read and write ``Parameter`` boxes, PyTorch style.

    Example:
        >>> class MLP(ft.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = ft.nn.Linear(2, 3)
        ...     def forward(self, x):
        ...         return ft.nn.functional.relu(self.fc(x))
        >>> [name for name, _ in MLP().named_parameters()]
        ['fc.weight', 'fc.bias']
    """

    def __init__(self) -> None:
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent"] = set()
        d["_modules"] = OrderedDict()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        from funtorch.nn import _pytree

        _pytree.register(cls)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation (define it in a subclass); call the module, not ``forward``."""
        raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required "
                                  "\"forward\" function")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        d = self.__dict__
        if "_forward_pre_hooks" in d or "_forward_hooks" in d or "_backward_hooks" in d or (
                "_backward_pre_hooks" in d):
            return module_hooks.call_with_hooks(self, args, kwargs)
        return self.forward(*args, **kwargs)

    # Hooks (PyTorch's; see module_hooks.py). Each returns a handle with ``remove()``.

    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                                  with_kwargs: bool = False) -> Any:
        """``hook(module, args)`` (or ``(module, args, kwargs)``) before ``forward``; a
        non-None result replaces the arguments."""
        return module_hooks.register(self, "_forward_pre_hooks", hook, prepend,
                                     with_kwargs=with_kwargs)

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                              with_kwargs: bool = False, always_call: bool = False) -> Any:
        """``hook(module, args, output)`` after ``forward``; a non-None result replaces the
        output. Example: ``h = m.register_forward_hook(fn); ...; h.remove()``."""
        return module_hooks.register(self, "_forward_hooks", hook, prepend,
                                     with_kwargs=with_kwargs, always_call=always_call)

    def register_full_backward_pre_hook(self, hook: Callable[..., Any],
                                        prepend: bool = False) -> Any:
        """``hook(module, grad_output)`` in ``backward()``; may return a new grad_output."""
        return module_hooks.register(self, "_backward_pre_hooks", hook, prepend)

    def register_full_backward_hook(self, hook: Callable[..., Any], prepend: bool = False) -> Any:
        """``hook(module, grad_input, grad_output)`` in ``backward()``, once the gradients
        w.r.t. the module's tensor inputs are known; may return a new grad_input."""
        return module_hooks.register(self, "_backward_hooks", hook, prepend)

    # Attribute tables ------------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for table in _TABLES:
            entries = d.get(table)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError(_NOT_INIT.format(what="parameters", cls=type(self).__name__))
            self._discard(name)
            params[name] = value
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError(_NOT_INIT.format(what="modules", cls=type(self).__name__))
            self._discard(name)
            d["_modules"][name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(_BAD_PARAM.format(type=type(value).__name__, name=name))
            params[name] = None
        elif params is not None and name in d["_buffers"]:
            d["_buffers"][name] = value
        elif params is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module "
                                f"'{name}' (ft.nn.Module or None expected)")
            d["_modules"][name] = None
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        for table in _TABLES:
            if name in self.__dict__[table]:
                del self.__dict__[table][name]
                self.__dict__["_non_persistent"].discard(name)
                return
        object.__delattr__(self, name)

    def _discard(self, name):
        d = self.__dict__
        d.pop(name, None)
        for table in _TABLES:
            d[table].pop(name, None)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (a ``Parameter`` or ``None``) under ``name``."""
        if "_parameters" not in self.__dict__:
            raise AttributeError(_NOT_INIT.format(what="parameters", cls=type(self).__name__))
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(_BAD_PARAM.format(type=type(param).__name__, name=name))
        self._discard(name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Array | None, persistent: bool = True) -> None:
        """Add a buffer (an array or ``None``): state saved in ``state_dict`` but not trained.

        ``persistent=False`` keeps it out of ``state_dict()``.
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError(_NOT_INIT.format(what="buffers", cls=type(self).__name__))
        if tensor is not None and not isinstance(tensor, ft.Array):
            tensor = ft.asarray(tensor)
        self._discard(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module (or ``None``) under ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {type(module).__name__} is not a Module subclass")
        if name not in self._modules:  # replacing a child keeps its place, as in PyTorch
            self._discard(name)
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        """The submodule at a dotted path such as ``"encoder.0"``."""
        module = self
        for part in target.split(".") if target else ():
            if part not in module._modules:
                raise AttributeError(f"{type(module).__name__} has no submodule `{part}`")
            module = module._modules[part]
        return module

    # Iteration ----------------------------------------------------------------------

    def named_modules(self, memo: set[Module] | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """Yield ``(dotted_name, module)`` for this module and every descendant."""
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

    def modules(self) -> Iterator[Module]:
        """Yield this module and every descendant."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for the direct children."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """Yield the direct child modules."""
        for _, module in self.named_children():
            yield module

    def _named_members(self, table, prefix, recurse):
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in module.__dict__[table].items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix: str = "",
                         recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(name, parameter)`` in registration order (``"0.weight"``, ...)."""
        yield from self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Yield the parameters (each shared one once), e.g. for an optimizer."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Array]]:
        """Yield ``(name, buffer)`` in registration order (``"bn.running_mean"``, ...)."""
        yield from self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Array]:
        """Yield the buffers (running statistics and other untrained state)."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    # Modes and devices ------------------------------------------------------------------

    def train(self, mode: bool = True) -> Self:
        """Set training mode (Dropout active, BatchNorm uses batch statistics); returns self."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            module.__dict__["training"] = mode
        return self

    def eval(self) -> Self:
        """Set evaluation mode (same as ``train(False)``); returns self."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Self:
        """Set ``requires_grad`` on every parameter (freeze with False); returns self."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's ``.grad`` (to ``None``, or zeros)."""
        for param in self.parameters():
            if param.grad is not None:
                param.grad = None if set_to_none else ft.zeros_like(param.grad)

    def apply(self, fn: Callable[[Module], None]) -> Self:
        """Call ``fn`` on every submodule (children first) and on self; returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Self:
        """Move (and/or cast floating) parameters and buffers in place; returns self.

        Accepts ``to(device)``, ``to(dtype)``, ``to(device, dtype)`` and keywords.
        """
        device, dtype = kwargs.pop("device", None), kwargs.pop("dtype", None)
        if kwargs:
            raise TypeError(f"Module.to(): unexpected keyword arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, (str, ft.backends.Device)):
                device = arg
            else:
                dtype = arg

        def convert(x):
            if dtype is not None and x.dtype.kind == "f":
                x = x.astype(dtype)
            return x if device is None else x.to(device)
        for module in self.modules():
            for param in module._parameters.values():
                if isinstance(param, Parameter):
                    param.data = convert(param.data)
                    if param.grad is not None:
                        param.grad = convert(param.grad)
            for name, buf in module._buffers.items():
                if buf is not None:
                    module._buffers[name] = convert(buf)
        return self

    def float(self) -> Self:
        return self.to(dtype=ft.float32)

    def double(self) -> Self:
        return self.to(dtype=ft.float64)

    def cpu(self) -> Self:
        return self.to("cpu")

    def cuda(self, device: Any = None) -> Self:
        return self.to("cuda" if device is None else f"cuda:{int(device)}")

    # state_dict ---------------------------------------------------------------------

    def state_dict(self, destination: dict[str, Any] | None = None, prefix: str = "",
                   keep_vars: bool = False) -> dict[str, Any]:
        """An ``OrderedDict`` of every parameter and persistent buffer by dotted name.

        Values are plain arrays (the boxes themselves with ``keep_vars=True``); the order
        is PyTorch's: a module's parameters, then its buffers, then its children.
        """
        out = OrderedDict() if destination is None else destination
        for name, param in self._parameters.items():
            if param is not None:
                out[prefix + name] = param if keep_vars or not isinstance(
                    param, Parameter) else param.data
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent:
                out[prefix + name] = buf
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(out, prefix + name + ".", keep_vars)
        return out

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> Any:
        """Copy parameters and buffers from ``state_dict`` into this module (in place).

        Values may be funtorch or NumPy arrays (a PyTorch ``state_dict`` converted with
        ``.numpy()`` loads); they are cast to each parameter's dtype and device. With
        ``assign=True`` (PyTorch's) the module takes the loaded arrays instead, keeping their
        dtype and device: each parameter becomes a new ``Parameter`` around the loaded array
        (same ``requires_grad``; a loaded ``Parameter`` is used as it is), so optimizers
        built on the old boxes must be rebuilt.

        Returns:
            ``IncompatibleKeys(missing_keys, unexpected_keys)``.

        Raises:
            RuntimeError: naming every missing/unexpected key (when ``strict``) and every
                shape mismatch (always), as PyTorch does.
        """
        from funtorch.nn._pytree import load_into

        return load_into(self, state_dict, strict, assign)

    # repr ---------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The text inside ``Name(...)`` in ``repr``; layers override it."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self):
        lines = [line for line in self.extra_repr().split("\n") if line]
        for name, module in self._modules.items():
            body = repr(module).replace("\n", "\n  ")
            lines.append(f"({name}): {body}")
        if not self._modules and len(lines) <= 1:
            return f"{self._get_name()}({lines[0] if lines else ''})"
        inner = "\n  ".join(lines)
        return f"{self._get_name()}(\n  {inner}\n)"

    def __dir__(self):
        extra = [k for table in _TABLES for k in self.__dict__.get(table, {})]
        return sorted(set(super().__dir__()) | set(extra))
