"""A factory for layers without parameters that call one ``F`` function with their
constructor options (torch's constructor signature, defaults and attribute names)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from funtorch.nn.module import Module

REQUIRED = inspect.Parameter.empty  # an option without a default (a required argument)
#: One constructor option: ``(attribute, default, fn keyword or None)``.
Option = tuple[str, Any, "str | None"]


class _Stateless(Module):
    """Base of the generated layers: ``_options`` is ``((name, default, fn_kwarg), ...)``
    (``fn_kwarg`` None: stored but not passed, e.g. ``inplace``)."""

    _options: ClassVar[tuple[Option, ...]] = ()
    _fn: ClassVar[Callable[..., Any] | None] = None
    __signature__: ClassVar[inspect.Signature]  # set per subclass: torch's constructor

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__signature__ = inspect.Signature([
            inspect.Parameter(attr, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default)
            for attr, default, _ in cls._options])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        try:
            bound = self.__signature__.bind(*args, **kwargs)
        except TypeError as exc:  # name the layer: "PixelShuffle: missing ... 'upscale_factor'"
            raise TypeError(f"{type(self).__name__}: {exc}") from None
        bound.apply_defaults()
        for name, value in bound.arguments.items():
            setattr(self, name, value)
        self._check()

    def _check(self) -> None:
        """Validate the options (overridden where torch refuses values)."""

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        """The layer's function of ``inputs`` with the options given to the constructor.

        Args:
            inputs: the function's array inputs (shapes in the class's Shape section).
            kwargs: further keyword arguments of the function, passed on.

        Returns:
            The function's result (shape in the class's Shape section).

        Example:
            >>> pool = ft.nn.AdaptiveAvgPool1d(2)
            >>> pool.forward(ft.array([[[1.0, 2.0, 3.0, 4.0]]])).tolist()
            [[[1.5, 3.5]]]
        """
        options = {kw: getattr(self, name) for name, _, kw in self._options if kw is not None}
        return type(self)._fn(*inputs, **kwargs, **options)

    def extra_repr(self) -> str:
        """The constructor options as ``name=value`` pairs, shown by ``repr``.

        Returns:
            A string such as ``"output_size=2"``.

        Example:
            >>> ft.nn.AdaptiveAvgPool1d(2)
            AdaptiveAvgPool1d(output_size=2)
        """
        return ", ".join(f"{name}={getattr(self, name)!r}" for name, _, _ in self._options)


def stateless(name: str, fn: Callable[..., Any] | None,
              options: Iterable[Option], doc: str,
              base: type[_Stateless] = _Stateless,
              module: str | None = None) -> type[_Stateless]:
    """A ``Module`` subclass ``name`` whose ``forward(*inputs)`` is ``fn(*inputs,
    **options)``; ``options`` is ``((attr, default, fn_kwarg), ...)`` in torch's
    constructor order."""
    options = tuple(options)
    namespace = {"_options": options, "_fn": staticmethod(fn), "__doc__": _with_args(doc, fn,
                                                                                   options),
                 "__module__": module or __name__, "__qualname__": name}
    return type(name, (base,), namespace)


_UNPASSED = {"inplace": "accepted for torch's signature; arrays are immutable, so it "
                         "changes nothing",
             "size_average": "torch's deprecated option: when it or ``reduce`` is given, "
                             "``reduction`` is derived from them as torch does",
             "reduce": "torch's deprecated option: when it or ``size_average`` is given, "
                       "``reduction`` is derived from them as torch does"}
_ARGS_HEAD = re.compile(r"^\s*(Args|Arguments|Parameters|Attributes):", re.M)


def _with_args(doc: str, fn: Callable[..., Any] | None, options: tuple[Option, ...]) -> str:
    """``doc`` with an ``Args:`` section naming each constructor option, its default and where
    it goes (before the example), unless it has one or the layer takes no options."""
    if not options or _ARGS_HEAD.search(doc):
        return doc
    lines = []
    for attr, default, kwarg in options:
        given = "required" if default is REQUIRED else f"default ``{default!r}``"
        use = (f"passed to ``{fn.__name__}`` as ``{kwarg}=``" if fn is not None and kwarg
               else _UNPASSED.get(attr, f"kept as the attribute ``{attr}``"))
        lines.append(f"    {attr}: {given}; {use}.")
    args = "Args:\n" + "\n".join(lines)
    doc = inspect.cleandoc(doc)
    head, sep, example = doc.partition("\n\nExample:")
    return f"{head}\n\n{args}{sep}{example}" if sep else f"{doc}\n\n{args}"
