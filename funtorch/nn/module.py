"""``Module``: PyTorch-style layers that are also pytrees (see ``nn/README.md``).

Fields live in three ordered tables, as in PyTorch: ``_parameters`` (``Parameter`` boxes,
``None``, or bare leaves in a module rebuilt by a transform), ``_buffers`` (arrays) and
``_modules``; everything else in ``__dict__`` is static configuration.
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Callable
from typing import Any

import funtorch as ft
from funtorch.nn import _module_state as _state
from funtorch.nn import _module_walk as _walk
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
        """The computation: define it in a subclass, then call the module (``m(x)`` runs the
        hooks around ``forward``).

        Args:
            args: the inputs, as the subclass defines them.
            kwargs: keyword inputs, as the subclass defines them.

        Returns:
            Whatever the subclass's computation returns.

        Raises:
            NotImplementedError: the subclass does not define ``forward``.

        Example:
            >>> class Double(ft.nn.Module):
            ...     def forward(self, x):
            ...         return 2 * x
            >>> Double()(ft.ones(2)).tolist()
            [2.0, 2.0]
        """
        raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required "
                                  "\"forward\" function")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        d = self.__dict__
        if "_forward_pre_hooks" in d or "_forward_hooks" in d or "_backward_hooks" in d or (
                "_backward_pre_hooks" in d):
            return module_hooks.call_with_hooks(self, args, kwargs)
        return self.forward(*args, **kwargs)

    # Hooks (PyTorch's; see module_hooks.py)

    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                                  with_kwargs: bool = False) -> Any:
        """Run ``hook(module, args)`` before each ``forward``; a non-None result replaces the
        positional arguments (a non-tuple is one argument).

        Args:
            hook: the function; with ``with_kwargs`` it is ``hook(module, args, kwargs)``
                and returns None or an ``(args, kwargs)`` pair.
            prepend: run it before the forward pre-hooks already registered.
            with_kwargs: pass (and let it replace) the keyword arguments too.

        Returns:
            A handle whose ``remove()`` unregisters the hook.

        Example:
            >>> relu = ft.nn.ReLU()
            >>> handle = relu.register_forward_pre_hook(lambda m, args: (2 * args[0],))
            >>> relu(ft.ones(2)).tolist()
            [2.0, 2.0]
            >>> handle.remove(); relu(ft.ones(2)).tolist()
            [1.0, 1.0]
        """
        return module_hooks.register(self, "_forward_pre_hooks", hook, prepend,
                                     with_kwargs=with_kwargs)

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                              with_kwargs: bool = False, always_call: bool = False) -> Any:
        """Run ``hook(module, args, output)`` after each ``forward``; a non-None result
        replaces the output.

        Args:
            hook: the function; with ``with_kwargs`` it is ``hook(module, args, kwargs,
                output)``.
            prepend: run it before the forward hooks already registered.
            with_kwargs: pass the keyword arguments too.
            always_call: run it even when ``forward`` raises (with ``output=None``).

        Returns:
            A handle whose ``remove()`` unregisters the hook.

        Example:
            >>> relu = ft.nn.ReLU()
            >>> handle = relu.register_forward_hook(lambda m, args, out: out + 1)
            >>> relu(ft.array([-1.0, 2.0])).tolist()
            [1.0, 3.0]
        """
        return module_hooks.register(self, "_forward_hooks", hook, prepend,
                                     with_kwargs=with_kwargs, always_call=always_call)

    def register_full_backward_pre_hook(self, hook: Callable[..., Any],
                                        prepend: bool = False) -> Any:
        """Run ``hook(module, grad_output)`` in ``backward()`` when the gradients w.r.t. the
        module's outputs are known; a non-None result (a tuple) replaces them.

        Args:
            hook: the function of the module and the tuple of output gradients.
            prepend: run it before the backward pre-hooks already registered.

        Returns:
            A handle whose ``remove()`` unregisters the hook.

        Example:
            >>> relu = ft.nn.ReLU()
            >>> _ = relu.register_full_backward_pre_hook(lambda m, g_out: (10 * g_out[0],))
            >>> x = ft.array([-1.0, 2.0]).requires_grad_(); relu(x).sum().backward()
            >>> x.grad.tolist()
            [0.0, 10.0]
        """
        return module_hooks.register(self, "_backward_pre_hooks", hook, prepend)

    def register_full_backward_hook(self, hook: Callable[..., Any], prepend: bool = False) -> Any:
        """Run ``hook(module, grad_input, grad_output)`` in ``backward()``, once the
        gradients w.r.t. the module's array inputs are known; a non-None result (a tuple)
        replaces ``grad_input``. ``ft.grad``/``ft.vjp`` do not call it.

        Args:
            hook: the function of the module and the tuples of input and output gradients.
            prepend: run it before the backward hooks already registered.

        Returns:
            A handle whose ``remove()`` unregisters the hook.

        Example:
            >>> relu, seen = ft.nn.ReLU(), []
            >>> _ = relu.register_full_backward_hook(
            ...     lambda m, g_in, g_out: seen.append(g_in[0].tolist()))
            >>> x = ft.array([-1.0, 2.0]).requires_grad_(); (3 * relu(x)).sum().backward()
            >>> seen
            [[0.0, 3.0]]
        """
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
        """Add a parameter under ``name`` (what ``self.name = Parameter(...)`` does).

        Args:
            name: the attribute name (and ``state_dict`` key suffix).
            param: a ``Parameter``, or None for an absent one (``bias=False``).

        Raises:
            AttributeError: called before ``Module.__init__``.
            TypeError: ``param`` is neither a ``Parameter`` nor None.

        Example:
            >>> m = ft.nn.Module(); m.register_parameter('scale', ft.nn.Parameter(ft.ones(2)))
            >>> [name for name, _ in m.named_parameters()]
            ['scale']
        """
        if "_parameters" not in self.__dict__:
            raise AttributeError(_NOT_INIT.format(what="parameters", cls=type(self).__name__))
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(_BAD_PARAM.format(type=type(param).__name__, name=name))
        self._discard(name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Array | None, persistent: bool = True) -> None:
        """Add a buffer under ``name``: state saved in ``state_dict`` but not trained
        (BatchNorm's running statistics).

        Args:
            name: the attribute name (and ``state_dict`` key suffix).
            tensor: an array (anything ``ft.asarray`` takes), or None.
            persistent: False keeps it out of ``state_dict()``.

        Raises:
            AttributeError: called before ``Module.__init__``.

        Example:
            >>> m = ft.nn.Module(); m.register_buffer('step', ft.zeros(()))
            >>> m.register_buffer('cache', ft.ones(2), persistent=False)
            >>> list(m.state_dict()), [name for name, _ in m.named_buffers()]
            (['step'], ['step', 'cache'])
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
        """Add a child module under ``name`` (what ``self.name = module`` does); replacing
        a child keeps its place.

        Args:
            name: the attribute name (and ``state_dict`` key prefix).
            module: a ``Module``, or None.

        Raises:
            TypeError: ``module`` is neither a ``Module`` nor None.

        Example:
            >>> m = ft.nn.Module(); m.add_module('fc', ft.nn.Linear(2, 1))
            >>> list(m.state_dict())
            ['fc.weight', 'fc.bias']
        """
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {type(module).__name__} is not a Module subclass")
        if name not in self._modules:  # replacing a child keeps its place, as in PyTorch
            self._discard(name)
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        """The submodule at a dotted path such as ``"encoder.0"``.

        Args:
            target: the names from this module down, joined by dots (``""``: this module).

        Returns:
            The module at that path.

        Raises:
            AttributeError: a name on the path is not a child module.

        Example:
            >>> net = ft.nn.Sequential(ft.nn.Sequential(ft.nn.Linear(2, 2)), ft.nn.ReLU())
            >>> net.get_submodule('0.0')
            Linear(in_features=2, out_features=2, bias=True)
        """
        module = self
        for part in target.split(".") if target else ():
            if part not in module._modules:
                raise AttributeError(f"{type(module).__name__} has no submodule `{part}`")
            module = module._modules[part]
        return module

    # Walks and modes (_module_walk.py), dtypes, devices and state_dict (_module_state.py)

    named_modules = _walk.named_modules
    modules = _walk.modules
    named_children = _walk.named_children
    children = _walk.children
    named_parameters = _walk.named_parameters
    parameters = _walk.parameters
    named_buffers = _walk.named_buffers
    buffers = _walk.buffers
    train = _walk.train
    eval = _walk.eval
    requires_grad_ = _walk.requires_grad_
    zero_grad = _walk.zero_grad
    apply = _walk.apply
    to = _state.to
    float = _state.float
    double = _state.double
    cpu = _state.cpu
    cuda = _state.cuda
    state_dict = _state.state_dict
    load_state_dict = _state.load_state_dict

    # repr ---------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The text inside ``Name(...)`` in ``repr`` (the layer's options); layers override
        it.

        Returns:
            A string, empty for ``Module`` itself.

        Example:
            >>> class Scale(ft.nn.Module):
            ...     def __init__(self, factor):
            ...         super().__init__()
            ...         self.factor = factor
            ...     def extra_repr(self):
            ...         return f"factor={self.factor}"
            >>> Scale(2.0)
            Scale(factor=2.0)
        """
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
