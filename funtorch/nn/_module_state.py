"""``Module``'s dtype/device conversions and ``state_dict``/``load_state_dict``: plain
functions of the module, assigned as methods in ``nn/module.py``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import funtorch as ft
from funtorch.nn.parameter import Parameter

if TYPE_CHECKING:
    from funtorch.nn.module import Module

__all__: list[str] = []

_M = TypeVar("_M", bound="Module")


def to(self: _M, *args: Any, **kwargs: Any) -> _M:
    """Move parameters and buffers to a device and/or cast the floating ones to a dtype, in
    place (the ``Parameter`` boxes stay, so an optimizer built on them keeps working).

    Integer and bool buffers (``num_batches_tracked``) keep their dtype, as in PyTorch;
    gradients already in ``.grad`` are converted too.

    Args:
        args: ``to(device)``, ``to(dtype)`` or ``to(device, dtype)``; a device is a string
            (``"cpu"``, ``"cuda:0"``) or an ``ft.device``.
        kwargs: ``device=`` and ``dtype=``.

    Returns:
        This module.

    Raises:
        TypeError: a keyword other than ``device`` or ``dtype``.

    Example:
        >>> bn = ft.nn.BatchNorm1d(2).to(ft.float64)
        >>> bn.weight.dtype, bn.running_mean.dtype, bn.num_batches_tracked.dtype
        (dtype('float64'), dtype('float64'), dtype('int64'))
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


def float(self: _M) -> _M:
    """Cast the floating parameters and buffers to float32, in place (``to(ft.float32)``).

    Returns:
        This module.

    Example:
        >>> ft.nn.Linear(2, 2, dtype=ft.float64).float().weight.dtype
        dtype('float32')
    """
    return self.to(dtype=ft.float32)


def double(self: _M) -> _M:
    """Cast the floating parameters and buffers to float64, in place (``to(ft.float64)``).

    Returns:
        This module.

    Example:
        >>> layer = ft.nn.Linear(2, 2).double()
        >>> layer.weight.dtype, layer.bias.dtype
        (dtype('float64'), dtype('float64'))
    """
    return self.to(dtype=ft.float64)


def cpu(self: _M) -> _M:
    """Move the parameters and buffers to host memory, in place (``to("cpu")``).

    Returns:
        This module.

    Example:
        >>> ft.nn.Linear(2, 2).cpu().weight.device
        device(type='cpu')
    """
    return self.to("cpu")


def cuda(self: _M, device: Any = None) -> _M:
    """Move the parameters and buffers to a CUDA GPU, in place (``to("cuda:<device>")``).

    Args:
        device: the GPU's index (an int), or None for the current one.

    Returns:
        This module.

    Example:
        >>> layer = ft.nn.Linear(2, 2)
        >>> if ft.cuda.is_available():
        ...     _ = layer.cuda(0)
        ...     assert layer.weight.device == ft.device("cuda:0")
    """
    return self.to("cuda" if device is None else f"cuda:{int(device)}")


def state_dict(self: Module, destination: dict[str, Any] | None = None, prefix: str = "",
               keep_vars: bool = False) -> dict[str, Any]:
    """Every parameter and persistent buffer by dotted name, in PyTorch's order: a
    module's parameters, then its buffers, then its children's entries.

    Args:
        destination: a dict to fill (and return) instead of a new ``OrderedDict``.
        prefix: prepended to every key.
        keep_vars: give the ``Parameter`` boxes themselves rather than their values.

    Returns:
        An ``OrderedDict`` (or ``destination``) of ``name -> array`` (or ``Parameter``).

    Example:
        >>> net = ft.nn.Sequential(ft.nn.Linear(2, 3), ft.nn.BatchNorm1d(3))
        >>> list(net.state_dict())  # doctest: +NORMALIZE_WHITESPACE
        ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var',
         '1.num_batches_tracked']
        >>> type(net.state_dict(keep_vars=True)['0.weight']).__name__
        'Parameter'
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


def load_state_dict(self: Module, state_dict: Mapping[str, Any], strict: bool = True,
                    assign: bool = False) -> Any:
    """Copy parameters and buffers from ``state_dict`` into this module (in place).

    Values may be funtorch or NumPy arrays (a PyTorch ``state_dict`` converted with
    ``.numpy()`` loads); they are cast to each parameter's dtype and device. With
    ``assign=True`` (PyTorch's) the module takes the loaded arrays instead, keeping their
    dtype and device: each parameter becomes a new ``Parameter`` around the loaded array
    (same ``requires_grad``; a loaded ``Parameter`` is used as it is), so optimizers
    built on the old boxes must be rebuilt.

    Args:
        state_dict: ``name -> array`` as ``state_dict()`` gives it.
        strict: refuse missing and unexpected keys (a RuntimeError naming them all).
        assign: replace the parameters and buffers by the loaded arrays instead of copying
            into them.

    Returns:
        ``IncompatibleKeys(missing_keys, unexpected_keys)``, two lists of names.

    Raises:
        RuntimeError: naming every missing/unexpected key (when ``strict``) and every
            shape mismatch (always), as PyTorch does.

    Example:
        >>> layer = ft.nn.Linear(2, 1)
        >>> result = layer.load_state_dict({'weight': ft.zeros((1, 2))}, strict=False)
        >>> result.missing_keys, layer.weight.tolist()
        (['bias'], [[0.0, 0.0]])
    """
    from funtorch.nn._pytree import load_into

    return load_into(self, state_dict, strict, assign)
