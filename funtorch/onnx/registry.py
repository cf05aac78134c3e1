"""The lowering table: one ONNX lowering rule per :class:`~funtorch.core.Primitive`.

A rule has the signature ``rule(ctx, eqn, *inputs) -> name | tuple of names``:
``ctx`` is the :class:`~funtorch.onnx.context.LoweringContext` that emits nodes and
constants, ``eqn`` the staged equation (``eqn.params``, ``eqn.inputs``/``eqn.outputs``
with their shapes and dtypes) and ``inputs`` the ONNX value names of the equation's
inputs (Python scalars already turned into constants). It returns the ONNX names of the
equation's results (one name, or a tuple for a primitive with multiple results).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from funtorch.core import Primitive

__all__ = ["register_lowering", "lowering_rule", "lowering_table", "UnsupportedPrimitiveError",
           "require"]

Rule = Callable[..., Any]  # rule(ctx, eqn, *input_names) -> name | tuple of names
_TABLE: dict[Primitive, Rule] = {}


class UnsupportedPrimitiveError(NotImplementedError):
    """A staged equation's primitive has no ONNX lowering rule (see ``lowering_table``).

    Example:
        >>> issubclass(ft.onnx.UnsupportedPrimitiveError, NotImplementedError)
        True
    """


def require(module: str, fn: str) -> Any:
    """Import ``module`` (``onnx``, ``onnxruntime``) or raise an ImportError naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{fn} needs the {module} package, which is not installed; "
                          f"install funtorch's [onnx] extra (pip install 'funtorch[onnx]')"
                          ) from exc


def _as_primitive(primitive_or_name):
    if isinstance(primitive_or_name, Primitive):
        return primitive_or_name
    prim = Primitive.registry.get(primitive_or_name)
    if prim is None:
        raise ValueError(f"register_lowering: no primitive named {primitive_or_name!r} is "
                         f"declared (expected a Primitive or the name of a registered one)")
    return prim


def register_lowering(*primitives: Primitive | str) -> Callable[[Rule], Rule]:
    """Decorator: make ``rule`` the ONNX lowering of each given primitive.

    Args:
        *primitives: :class:`Primitive` objects or names of registered primitives.

    Returns:
        The decorator, which returns the rule unchanged.

    Example:
        >>> from funtorch.core import Primitive, bind
        >>> double_p = Primitive("double", lambda xp, x: 2 * x,
        ...                      shape=lambda x: (x.shape, x.dtype), register=False)
        >>> @ft.onnx.register_lowering(double_p)
        ... def lower_double(ctx, eqn, x):
        ...     return ctx.node("Add", [x, x])
        >>> model = ft.onnx.export(lambda x: bind(double_p, x), ft.ones(3))
        >>> [node.op_type for node in model.graph.node]
        ['Add', 'Identity']
    """
    prims = [_as_primitive(p) for p in primitives]

    def decorate(rule: Rule) -> Rule:
        for prim in prims:
            _TABLE[prim] = rule
        return rule
    return decorate


def lowering_rule(prim: Primitive) -> Rule | None:
    """The rule of ``prim``, or ``None`` when it has none.

    Args:
        prim: a primitive (``Primitive.registry[name]``).

    Returns:
        The rule (a function of the exporter's context and the equation), or None.

    Example:
        >>> from funtorch.core import Primitive
        >>> callable(ft.onnx.lowering_rule(Primitive.registry["exp"]))
        True
    """
    _load_rules()
    return _TABLE.get(prim)


def lowering_table() -> dict[Primitive, Rule]:
    """A copy of the table ``{Primitive: rule}`` with every built-in rule loaded.

    Returns:
        A new dict ``{Primitive: rule}``.

    Example:
        >>> len(ft.onnx.lowering_table()) > 50  # one rule per supported primitive
        True
    """
    _load_rules()
    return dict(_TABLE)


_LOADED = []


def _load_rules():
    if _LOADED:
        return
    import importlib
    import pkgutil

    import funtorch.onnx as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("rules_"):
            importlib.import_module(f"funtorch.onnx.{info.name}")
    _LOADED.append(True)
