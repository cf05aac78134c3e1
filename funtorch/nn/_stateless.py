"""A factory for layers without parameters that call one ``F`` function with their
constructor options (torch's constructor signature, defaults and attribute names)."""

from __future__ import annotations

import inspect

from funtorch.nn.module import Module

REQUIRED = inspect.Parameter.empty  # an option without a default (a required argument)


class _Stateless(Module):
    """Base of the generated layers: ``_options`` is ``((name, default, fn_kwarg), ...)``
    (``fn_kwarg`` None: stored but not passed, e.g. ``inplace``)."""

    _options = ()
    _fn = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__signature__ = inspect.Signature([
            inspect.Parameter(attr, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default)
            for attr, default, _ in cls._options])

    def __init__(self, *args, **kwargs):
        super().__init__()
        try:
            bound = self.__signature__.bind(*args, **kwargs)
        except TypeError as exc:  # name the layer: "PixelShuffle: missing ... 'upscale_factor'"
            raise TypeError(f"{type(self).__name__}: {exc}") from None
        bound.apply_defaults()
        for name, value in bound.arguments.items():
            setattr(self, name, value)
        self._check()

    def _check(self):
        """Validate the options (overridden where torch refuses values)."""

    def forward(self, *inputs, **kwargs):
        options = {kw: getattr(self, name) for name, _, kw in self._options if kw is not None}
        return type(self)._fn(*inputs, **kwargs, **options)

    def extra_repr(self):
        return ", ".join(f"{name}={getattr(self, name)!r}" for name, _, _ in self._options)


def stateless(name, fn, options, doc, base=_Stateless, module=None):
    """A ``Module`` subclass ``name`` whose ``forward(*inputs)`` is ``fn(*inputs,
    **options)``; ``options`` is ``((attr, default, fn_kwarg), ...)`` in torch's
    constructor order."""
    namespace = {"_options": tuple(options), "_fn": staticmethod(fn), "__doc__": doc,
                 "__module__": module or __name__, "__qualname__": name}
    return type(name, (base,), namespace)
