"""How ``jit`` takes its arguments: static arguments (JAX's ``static_argnums`` and
``static_argnames``), the error for an argument it cannot trace, the boxes behind the
leaves of object arguments, and the modules a function closes over.

Static arguments follow JAX: numbers and names complete each other through the
function's signature, so a static argument may be passed by position or by keyword;
a negative number counts from the end of the positional parameters (of the call's
positional arguments when the function takes ``*args``).
"""

from __future__ import annotations

import functools
import inspect
import itertools

from funtorch import tree
from funtorch.core import Array, Tracer, wrap

__all__ = ["ModuleGuard", "StaticArgs", "box_of", "closed_over_modules", "describe_bad_leaf"]

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


def box_of(leaf):
    """The box (``Parameter``) that flattening an object gave ``leaf`` for, else ``leaf``.

    A Module flattens each Parameter into a plain array that remembers its box
    (``leaf._extra["box"]``, set by ``nn``'s flattening): jit passes the box itself, so the
    eager tape records the call against it and ``backward()`` fills its ``.grad``, as for a
    box the function closes over. A ``p.data`` the caller passes stays untracked.
    """
    if type(leaf) is not Array:
        return leaf
    extra = getattr(leaf, "_extra", None)
    return leaf if extra is None else extra.get("box", leaf)


# Modules a function closes over -------------------------------------------------------------

# NOTE: a Module's ``training`` flags and its buffers are read by ``forward`` at staging
# time. When a jitted function reaches a Module through its closure (not as an argument,
# where the flags are part of the input tree), jit guards its cache on the flags of every
# submodule (as torch.compile guards on ``training``) and passes the buffers the program
# reads as inputs on every call (so BatchNorm's running statistics are never baked in);
# buffers that ``forward`` replaces come back as outputs and are written back. The search
# runs once, at the first call; a call then costs one read of each submodule's flag. While
# jit stages, the modules' buffer tables hold the staged inputs (restored afterwards), so
# do not run the same module eagerly in another thread during a first call.

_TRACED_BUFFER = ("jit: `{fun}` updated the buffer `{name}` of a module it closes over while "
                  "being batched by ft.vmap; a buffer cannot hold a batched value. Use "
                  "ft.nn.functional_call, which returns the updated buffers, or call .eval()")
_SCAN_DEPTH = 4
_SCAN_LIMIT = 2000
_CONTAINER_LIMIT = 256
_SKIP = (type, type(inspect), str, bytes, int, float, complex, bool, type(None))


def _is_module(obj):
    """An ``ft.nn.Module`` (duck-typed: transforms sit below nn)."""
    held = getattr(obj, "__dict__", None)
    return type(held) is dict and "_modules" in held and "training" in held and (
        "_buffers" in held)


def _code_names(code):
    names = list(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names.extend(_code_names(const))
    return names


def _reachable_from(obj):
    """The objects a function (or bound method, partial, callable object) can read: its
    closure cells, the globals its code names, its defaults and its bound ``self``."""
    if isinstance(obj, functools.partial):
        return [obj.func, *obj.args, *obj.keywords.values()]
    func = getattr(obj, "__func__", obj)
    code = getattr(func, "__code__", None)
    if code is None or not hasattr(code, "co_names"):  # an object: its attributes
        held = getattr(obj, "__dict__", None)
        return list(held.values()) if type(held) is dict else []
    found = [getattr(obj, "__self__", None)]
    for cell in getattr(func, "__closure__", None) or ():
        try:
            found.append(cell.cell_contents)
        except ValueError:  # an empty cell
            pass
    space = getattr(func, "__globals__", None) or {}
    found.extend(space[n] for n in _code_names(code) if n in space)
    found.extend(getattr(func, "__defaults__", None) or ())
    found.extend((getattr(func, "__kwdefaults__", None) or {}).values())
    return found


def _children(obj):
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(itertools.islice(obj, _CONTAINER_LIMIT))
    if isinstance(obj, dict):
        return list(itertools.islice(obj.values(), _CONTAINER_LIMIT))
    return _reachable_from(obj)


def closed_over_modules(fun):
    """Every Module (with all its submodules, each once, parents first) that ``fun``
    reaches through closures, globals, defaults, bound objects and containers, a few
    levels deep. Modules passed as arguments are not included (their flags are part of
    the input tree)."""
    found, seen = {}, set()
    stack = [(fun, 0)]
    while stack and len(seen) < _SCAN_LIMIT:
        obj, depth = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        try:
            if isinstance(obj, _SKIP) or isinstance(obj, Array):
                continue
            if _is_module(obj):
                _add_submodules(obj, found)
            elif depth < _SCAN_DEPTH:
                stack.extend((child, depth + 1) for child in reversed(_children(obj)))
        except Exception:  # an exotic object (a mock, a dead proxy): nothing to guard in it
            continue
    return tuple(found.values())


def _add_submodules(module, found):
    stack = [module]
    while stack:
        current = stack.pop()
        if id(current) not in found:
            found[id(current)] = current
            stack.extend(reversed([m for m in current.__dict__["_modules"].values()
                                   if m is not None]))


class _Changed:
    """Which buffers a staged call replaced: a static output (not a pytree)."""

    __slots__ = ("indices",)

    def __init__(self, indices):
        self.indices = tuple(indices)


class ModuleGuard:
    """The modules a jitted function closes over: every submodule's ``training`` flag is
    part of the cache key; their buffers are extra inputs of the staged program and its
    new values are written back after each call (BatchNorm in training mode)."""

    __slots__ = ("modules", "refs")

    def __init__(self, fun):
        self.modules = closed_over_modules(fun)
        self.refs = [(module.__dict__["_buffers"], name) for module in self.modules
                     for name, value in module.__dict__["_buffers"].items()
                     if isinstance(value, Array)]

    def modes(self):
        return tuple([module.__dict__["training"] for module in self.modules])

    def buffers(self):
        return [table[name] for table, name in self.refs]

    def in_tree(self, in_tree):
        """The input tree of ``(args, kwargs)`` followed by the list of buffers."""
        buffers = tree.PyTreeDef(list, None, (tree.LEAF,) * len(self.refs))
        return tree.PyTreeDef(tuple, None, (*in_tree.children, buffers))

    def staged(self, flat_fun):
        """``flat_fun`` taking the buffers as a third argument and returning, after its
        output, the new values of the buffers it replaced and their positions (a static
        output); the modules are restored afterwards."""
        refs = self.refs

        def run(dyn, kw, buffers):
            saved = [table[name] for table, name in refs]
            for (table, name), value in zip(refs, buffers):
                table[name] = value
            try:
                out = flat_fun(dyn, kw)
                changed = [i for i, ((table, name), value) in enumerate(zip(refs, buffers))
                           if table[name] is not value]
                return out, [refs[i][0][refs[i][1]] for i in changed], _Changed(changed)
            finally:
                for (table, name), value in zip(refs, saved):
                    table[name] = value
        run.__name__ = flat_fun.__name__
        return run

    def write_back(self, values, changed, fun_name):
        """Store the new values of the buffers the call replaced (BatchNorm's running
        statistics in training mode)."""
        for index, value in zip(changed.indices, values):
            table, name = self.refs[index]
            old = table[name]
            while isinstance(value, Tracer) and hasattr(value, "primal"):
                value = value.primal
            if isinstance(value, Tracer) and not isinstance(old, Tracer):
                raise TypeError(_TRACED_BUFFER.format(fun=fun_name, name=name))
            if isinstance(value, Array) and value._node is not None:
                value = wrap(value._buf)  # running statistics are never differentiated
            table[name] = value
