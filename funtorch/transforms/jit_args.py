"""How ``jit`` takes its arguments: static arguments (JAX's ``static_argnums`` and
``static_argnames``), the error for an argument it cannot trace, and the boxes held by
object arguments.

Static arguments follow JAX: numbers and names complete each other through the
function's signature, so a static argument may be passed by position or by keyword;
a negative number counts from the end of the positional parameters (of the call's
positional arguments when the function takes ``*args``).
"""

from __future__ import annotations

import inspect

from funtorch import tree
from funtorch.core import _TRACER_TYPES, Array

__all__ = ["StaticArgs", "describe_bad_leaf", "find_boxes"]

_NOT_HASHABLE = ("jit: static argument {arg} of `{fun}` must be hashable (it is part of the "
                 "cache key), got {type}; pass arrays as ordinary arguments")
_MISSING = "jit: static_argnums contains {index} but `{fun}` got {count} positional arguments"
_NOT_ARRAY = ("jit: argument {arg} of `{fun}` is of type {type}, not an array, a Python "
              "number or a pytree of them, so jit cannot trace it. Mark it static with "
              "ft.jit({fun}, {hint}) (a static value must be hashable; each new value "
              "compiles the function again), or pass arrays instead.")

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _parameters(fun):
    try:
        return list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):  # some builtins and C callables have no signature
        return None


class StaticArgs:
    """The static arguments of a jitted function and how to split them off a call."""

    def __init__(self, fun, argnums, argnames, fun_name):
        argnums = (argnums,) if isinstance(argnums, int) else tuple(argnums or ())
        argnames = (argnames,) if isinstance(argnames, str) else tuple(argnames or ())
        self.fun_name = fun_name
        params = _parameters(fun)
        self.positional = [] if params is None else [p for p in params if p.kind in _POSITIONAL]
        varargs = params is None or any(p.kind is p.VAR_POSITIONAL for p in params)
        count = len(self.positional)
        if not varargs:
            argnums = tuple(i + count if i < 0 else i for i in argnums)
        by_name = {p.name: i for i, p in enumerate(self.positional)
                   if p.kind is p.POSITIONAL_OR_KEYWORD}
        argnums += tuple(by_name[n] for n in argnames if n in by_name)
        argnames += tuple(p.name for i, p in enumerate(self.positional)
                          if i in argnums and p.kind is p.POSITIONAL_OR_KEYWORD)
        self.argnums = tuple(dict.fromkeys(argnums))
        self.argnames = tuple(dict.fromkeys(argnames))
        self.active = bool(self.argnums or self.argnames)

    def _provided_otherwise(self, index, kwargs):
        """A static position missing from the call: given by keyword, or defaulted."""
        if not 0 <= index < len(self.positional):
            return False
        param = self.positional[index]
        return param.name in kwargs or param.default is not param.empty

    def split(self, args, kwargs):
        """``(dynamic args, dynamic kwargs, static part of the cache key)``."""
        count = len(args)
        static = {}
        for index in self.argnums:
            position = index + count if index < 0 else index
            if 0 <= position < count:
                static[position] = _hashable(args[position], position, self.fun_name)
            elif not self._provided_otherwise(index, kwargs):
                raise ValueError(_MISSING.format(index=index, fun=self.fun_name, count=count))
        static_kw = tuple((k, _hashable(kwargs[k], f"`{k}`", self.fun_name))
                          for k in self.argnames if k in kwargs)
        if static_kw:
            kwargs = {k: v for k, v in kwargs.items() if k not in self.argnames}
        dynamic = [a for i, a in enumerate(args) if i not in static] if static else list(args)
        return dynamic, kwargs, (tuple(sorted(static.items(), key=_first)), static_kw)

    @staticmethod
    def rebuild(static, dynamic):
        """The positional arguments of the call from its dynamic ones."""
        full = list(dynamic)
        for index, value in (static[0] if static else ()):
            full.insert(index, value)
        return full

    @staticmethod
    def rebuild_kwargs(static, kwargs):
        return {**kwargs, **dict(static[1])} if static and static[1] else kwargs


def _first(item):
    return item[0]


def _hashable(value, where, fun_name):
    try:
        hash(value)
    except TypeError:
        raise TypeError(_NOT_HASHABLE.format(arg=where, fun=fun_name,
                                             type=type(value).__name__)) from None
    return value


def _argument_of(in_tree, index):
    """``(positional index or keyword, the argument's treedef, the leaf's index in it)``
    of leaf ``index`` of a call's ``(args, kwargs)``."""
    args_def, kwargs_def = in_tree.children
    slots = list(enumerate(args_def.children)) + list(zip(kwargs_def.aux, kwargs_def.children))
    for which, child in slots:
        if index < child.num_leaves:
            return which, child, index
        index -= child.num_leaves
    raise IndexError(index)


def describe_bad_leaf(statics, in_tree, index, leaf, original_args):
    """The TypeError for leaf ``index`` of a call's ``(args, kwargs)`` that is not an
    array: names the argument (and the path inside it) and the static-argument fix."""
    which, child, inner = _argument_of(in_tree, index)
    path = tree.path_of_leaf(child, inner)
    path = "" if path == "<root>" else path
    if isinstance(which, str):
        arg, hint = f"`{which}`{path}", f"static_argnames={which!r}"
    else:
        count = len(original_args)
        taken = {i + count if i < 0 else i for i in statics.argnums}
        position = [i for i in range(count) if i not in taken][which]
        names = [p.name for p in statics.positional]
        label = f"`{names[position]}`" if position < len(names) else f"{position}"
        arg, hint = f"{label}{path} (position {position})", f"static_argnums={position}"
    return TypeError(_NOT_ARRAY.format(arg=arg, fun=statics.fun_name,
                                       type=type(leaf).__name__, hint=hint))


# Boxes held by objects ----------------------------------------------------------------------


def _is_box(value):
    """A ``Parameter`` (a non-tracer Array subclass) that the eager tape tracks."""
    cls = type(value)
    return cls is not Array and cls not in _TRACER_TYPES and isinstance(value, Array) and (
        value._node is not None)


class _BoxCollector:
    """An ``is_leaf`` for ``tree.flatten`` that collects, in flattening order, the boxes
    held in the attributes of each object it visits (directly or in a dict attribute)."""

    __slots__ = ("boxes",)

    def __init__(self):
        self.boxes = {}  # id(buffer) -> boxes holding it, in flattening order

    def _add(self, value):
        if _is_box(value):
            self.boxes.setdefault(id(value._buf), []).append(value)

    def __call__(self, obj):
        held = getattr(obj, "__dict__", None)
        if held and not isinstance(obj, Array):
            for value in held.values():
                self._add(value)
                if isinstance(value, dict):
                    for item in value.values():
                        self._add(item)
        return False


def find_boxes(dynamic, flat):
    """Replace, in ``flat``, the leaves an object argument gave for its boxes (a Module
    flattens its Parameters into plain arrays) by the boxes themselves, so that the eager
    tape records the call against them and ``backward()`` fills their ``.grad``.

    A leaf is matched to a box holding the same buffer, in flattening order (two boxes
    may share a buffer, e.g. a module and its copy).
    """
    collector = _BoxCollector()
    tree.flatten(dynamic, is_leaf=collector)
    if not collector.boxes:
        return
    for index, leaf in enumerate(flat):
        if type(leaf) is Array and leaf._node is None:
            boxes = collector.boxes.get(id(leaf._buf))
            if boxes:
                flat[index] = boxes.pop(0)
