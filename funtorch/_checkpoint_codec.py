"""The manifest of an ``ft.save`` file: a value as JSON, arrays referenced by name.

Each node is ``{"t": tag, ...}``. Scalars: ``NoneType``, ``bool``, ``str``, ``int``,
``float`` (``"v"``). Arrays: ``array``, ``ndarray``, ``param`` (``"ref"``, the entry
name; ``"rg"``: requires grad). Containers: ``dict``, ``odict`` (``"items"``: key/value
pairs), ``list``, ``tuple``, ``set``, ``frozenset`` (``"items"``). By class, named by
import path ``"cls"``: ``namedtuple`` (``"items"``), ``dataclass`` and ``module``
(``"attrs"``: name/value pairs), ``node`` (an ``ft.tree`` node: ``"aux"``, ``"items"``).
``global`` names a function or class, ``dtype`` a NumPy dtype. Modules, Parameters and
arrays carry ``"id"``; a later occurrence of the same object is ``{"t": "same", "id"}``,
so shared (tied) weights and modules stay shared.

Decoding resolves paths only through the allow-list: objects registered with
:func:`allow`, objects passed to ``load(allowed=)``, and names defined in funtorch itself.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
import sys
import types
from collections import OrderedDict

import numpy as np

from funtorch import tree
from funtorch.core import Array
from funtorch.ops import asarray

__all__ = ["allow", "allow_table", "encode_manifest", "decode_manifest", "NotAllowed"]

FORMAT, VERSION, READS = "funtorch.save", 2, (1, 2)
MAX_DEPTH = 100  # nesting levels of the value (the JSON text may have twice as many)

_ALLOWED: dict = {}
_NOT_ALLOWED = ("ft.load: the file names {path}, which is not on the allow-list (loading "
                "only uses funtorch's own classes and functions by default). If you trust the "
                "file, allow it: ft.serialization.allow({name}) or ft.load(path, "
                "allowed=[{name}])")
_NOT_IMPORTABLE = ("ft.save: {what} at {where} is {path}, which cannot be found again by its "
                   "import path (defined inside a function or replaced?); define it at module "
                   "level")
_TOO_DEEP = "ft.save: the value is nested more than {depth} levels deep at {where}"


class NotAllowed(ValueError):
    """A file names a class or function that is not on the allow-list."""


def path_of(obj):
    return f"{obj.__module__}:{obj.__qualname__}"


def allow(*objects):
    """Let :func:`ft.load` rebuild these classes (Modules, NamedTuples, dataclasses, tree
    nodes) and functions, found by their import path; funtorch's own are always allowed.

    Returns the first object, so it also works as a class decorator.

    Example:
        >>> @ft.serialization.allow
        ... class MLP(ft.nn.Module): ...
    """
    _ALLOWED.update((path_of(o), o) for o in objects)
    return objects[0] if objects else None


def allow_table(extra):
    table = dict(_ALLOWED)
    table.update((path_of(o), o) for o in extra)
    return table


# Encoding ---------------------------------------------------------------------------------


def encode_manifest(obj, arrays):
    """The JSON text describing ``obj``; its arrays are added to ``arrays`` (name ->
    host ndarray)."""
    import json  # (here: ~2 ms of import funtorch, for saving and loading only)

    root = _Encoder(arrays).encode(obj, "<root>", 0)
    return json.dumps({"format": FORMAT, "version": VERSION, "root": root})


class _Encoder:
    def __init__(self, arrays):
        self.arrays = arrays
        self.seen = {}  # id(obj) -> (node id, obj): shared objects and cycles

    def encode(self, obj, where, depth):
        if depth > MAX_DEPTH:
            raise TypeError(_TOO_DEEP.format(depth=MAX_DEPTH, where=where))
        scalar = _scalar(obj)
        if scalar is not None:
            return scalar
        if isinstance(obj, (Array, np.ndarray)) or _is_module(obj):
            entry = self.seen.get(id(obj))
            if entry is not None:
                return {"t": "same", "id": entry[0]}
            self.seen[id(obj)] = (len(self.seen), obj)
            node = self.module(obj, where, depth) if _is_module(obj) else self.array(obj, where)
            node["id"] = self.seen[id(obj)][0]
            return node
        if isinstance(obj, np.dtype):
            return {"t": "dtype", "v": obj.str}
        return self.container(obj, where, depth)

    def array(self, obj, where):
        host = obj.detach().numpy() if isinstance(obj, Array) else obj
        if host.dtype.hasobject or host.dtype.names is not None or host.dtype.kind not in (
                "biufc"):
            raise TypeError(f"ft.save: the array at {where} has dtype {host.dtype}, which "
                            "cannot be stored without pickle")
        name = f"a{len(self.arrays)}"
        self.arrays[name] = host
        if not isinstance(obj, Array):
            return {"t": "ndarray", "ref": name}
        kind = "param" if _is_parameter(obj) else "array"
        return {"t": kind, "ref": name, "rg": bool(obj.requires_grad)}

    def module(self, obj, where, depth):
        attrs = [[k, self.encode(v, f"{where}.{k}", depth + 1)] for k, v in vars(obj).items()]
        return {"t": "module", "cls": _importable(type(obj), "a Module", where), "attrs": attrs}

    def items(self, values, where, depth):
        return [self.encode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(values)]

    def container(self, obj, where, depth):
        cls = type(obj)
        if isinstance(obj, dict):
            items = [[self.encode(k, f"{where}[key]", depth + 1),
                      self.encode(v, f"{where}[{k!r}]", depth + 1)] for k, v in obj.items()]
            return {"t": "odict" if isinstance(obj, OrderedDict) else "dict", "items": items}
        if isinstance(obj, tuple) and hasattr(obj, "_fields"):
            return {"t": "namedtuple", "cls": _importable(cls, "a NamedTuple", where),
                    "items": self.items(obj, where, depth)}
        if isinstance(obj, (list, tuple, set, frozenset)):
            kind = next(k for k in (list, tuple, frozenset, set) if isinstance(obj, k))
            values = obj if kind in (list, tuple) else sorted(obj, key=_sort_key)
            return {"t": kind.__name__, "items": self.items(values, where, depth)}
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            attrs = [[f.name, self.encode(getattr(obj, f.name), f"{where}.{f.name}", depth + 1)]
                     for f in dataclasses.fields(obj)]
            return {"t": "dataclass", "cls": _importable(cls, "a dataclass", where),
                    "attrs": attrs}
        if cls in tree._REGISTRY:
            children, aux = tree._REGISTRY[cls][0](obj)
            return {"t": "node", "cls": _importable(cls, "a pytree node", where),
                    "aux": self.encode(aux, f"{where}<aux>", depth + 1),
                    "items": self.items(children, where, depth)}
        if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, type)):
            return {"t": "global", "v": _importable(obj, "a function or class", where)}
        raise TypeError(f"ft.save: cannot store a {cls.__name__} at {where}; supported: arrays, "
                        "numbers, strings, None, dicts/lists/tuples/sets, Modules, NamedTuples, "
                        "dataclasses, nodes registered with ft.tree, and functions")


def _scalar(obj):
    if obj is None or isinstance(obj, (bool, str)):
        return {"t": type(obj).__name__, "v": obj}
    if isinstance(obj, np.bool_):
        return {"t": "bool", "v": bool(obj)}
    if isinstance(obj, (int, np.integer)):
        return {"t": "int", "v": int(obj)}
    if isinstance(obj, (float, np.floating)):
        return {"t": "float", "v": float(obj)}
    return None


def _sort_key(value):
    return (type(value).__name__, repr(value))


def _is_module(obj):
    held = getattr(obj, "__dict__", None)
    return type(held) is dict and "_modules" in held and "_parameters" in held and (
        not isinstance(obj, type))


def _is_parameter(obj):
    return any(c.__name__ == "Parameter" and c.__module__ == "funtorch.nn.parameter"
               for c in type(obj).__mro__)


def _importable(obj, what, where):
    path = path_of(obj)
    try:
        found = _lookup(sys.modules[obj.__module__], obj.__qualname__)
    except (KeyError, AttributeError):
        found = None
    if found is not obj:
        raise TypeError(_NOT_IMPORTABLE.format(what=what, where=where, path=path))
    return path


def _lookup(module, qualname):
    found = module
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


# Decoding ---------------------------------------------------------------------------------

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_KINDS = frozenset({"dict", "odict", "list", "tuple", "set", "frozenset", "dtype", "ndarray",
                    "array", "param", "global", "namedtuple", "dataclass", "module", "node"})
_SCALARS = {"NoneType": lambda v: None, "bool": bool, "str": str, "int": int, "float": float}
_SCALAR_TYPES = {"NoneType": type(None), "bool": bool, "str": str, "int": int,
                 "float": (int, float)}


def decode_manifest(text, read_array, allowed):
    """The value described by the manifest ``text``; ``read_array(name)`` reads one
    array entry. Raises ValueError (or NotAllowed) for anything malformed."""
    import json

    _check_depth(text)
    manifest = json.loads(text)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError("the manifest does not describe a funtorch file")
    if manifest.get("version") not in READS:
        raise ValueError(f"unsupported format version {manifest.get('version')!r}")
    return _Decoder(read_array, allowed).decode(manifest.get("root"), 0)


def _check_depth(text):
    """Refuse deep nesting before ``json`` recurses into it (constant memory)."""
    depth, limit = 0, 3 * MAX_DEPTH + 8
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                raise ValueError(f"the manifest is nested more than {MAX_DEPTH} levels deep")
        elif token in "]}":
            depth -= 1


class _Decoder:
    def __init__(self, read_array, allowed):
        self.read_array = read_array
        self.allowed = allowed
        self.objects = {}  # node id -> object, for "same"

    def decode(self, node, depth):
        if depth > MAX_DEPTH:
            raise ValueError(f"the value is nested more than {MAX_DEPTH} levels deep")
        if not isinstance(node, dict):
            raise ValueError(f"a manifest node is a {type(node).__name__}, not an object")
        kind = node.get("t")
        if kind in _SCALARS:
            value = node.get("v")
            if not isinstance(value, _SCALAR_TYPES[kind]) or (
                    kind in ("int", "float") and isinstance(value, bool)):
                raise ValueError(f"a {kind} entry holds {type(value).__name__}")
            return _SCALARS[kind](value)
        if kind == "same":
            if node.get("id") not in self.objects:
                raise ValueError(f"a reference to an unknown object {node.get('id')!r}")
            return self.objects[node["id"]]
        method = getattr(self, f"_{kind}") if kind in _KINDS else None
        if method is None:
            raise ValueError(f"unknown entry type {kind!r} in the manifest")
        return method(node, depth + 1)

    def _list_of(self, node, key):
        value = node.get(key)
        if not isinstance(value, list):
            raise ValueError(f"a {node.get('t')} entry has no list {key!r}")
        return value

    def _items(self, node, depth):
        return [self.decode(v, depth) for v in self._list_of(node, "items")]

    def _pairs(self, node, key, depth, names=False):
        pairs = []
        for pair in self._list_of(node, key):
            if not isinstance(pair, list) or len(pair) != 2:
                raise ValueError(f"a {node.get('t')} entry holds a malformed pair")
            first = pair[0] if names else self.decode(pair[0], depth)
            if names and not isinstance(first, str):
                raise ValueError("an attribute name is not a string")
            pairs.append((first, self.decode(pair[1], depth)))
        return pairs

    def _remember(self, node, obj):
        if "id" in node:
            self.objects[node["id"]] = obj
        return obj

    def _dict(self, node, depth):
        return dict(self._pairs(node, "items", depth))

    def _odict(self, node, depth):
        return OrderedDict(self._pairs(node, "items", depth))

    def _list(self, node, depth):
        return self._items(node, depth)

    def _tuple(self, node, depth):
        return tuple(self._items(node, depth))

    def _set(self, node, depth):
        return set(self._items(node, depth))

    def _frozenset(self, node, depth):
        return frozenset(self._items(node, depth))

    def _dtype(self, node, depth):
        value = node.get("v")
        dtype = np.dtype(value) if isinstance(value, str) and len(value) < 16 else None
        if dtype is None or dtype.kind not in "biufc" or dtype.names is not None:
            raise ValueError(f"unsupported dtype {value!r}")
        return dtype

    def _ndarray(self, node, depth):
        return self._remember(node, self.read_array(node.get("ref")))

    def _array(self, node, depth):
        out = asarray(self.read_array(node.get("ref")))
        if node.get("rg") is True:
            out.requires_grad_()
        return self._remember(node, out)

    def _param(self, node, depth):
        from funtorch.nn.parameter import Parameter

        data = asarray(self.read_array(node.get("ref")))
        return self._remember(node, Parameter(data, requires_grad=node.get("rg") is not False))

    def _global(self, node, depth):
        return self.resolve(node.get("v"))

    def _namedtuple(self, node, depth):
        cls = self.resolve(node.get("cls"), lambda c: issubclass(c, tuple) and hasattr(
            c, "_fields"))
        return cls(*self._items(node, depth))

    def _dataclass(self, node, depth):
        cls = self.resolve(node.get("cls"), dataclasses.is_dataclass)
        obj = cls.__new__(cls)
        for name, value in self._pairs(node, "attrs", depth, names=True):
            object.__setattr__(obj, name, value)
        return obj

    def _module(self, node, depth):
        cls = self.resolve(node.get("cls"), lambda c: _is_module_class(c))
        obj = self._remember(node, cls.__new__(cls))
        attrs = dict(self._pairs(node, "attrs", depth, names=True))
        for table in ("_parameters", "_buffers", "_modules"):
            if not isinstance(attrs.get(table), dict):
                raise ValueError(f"a {cls.__name__} entry has no {table} table")
        vars(obj).update(attrs)
        return obj

    def _node(self, node, depth):
        cls = self.resolve(node.get("cls"), lambda c: c in tree._REGISTRY)
        aux = self.decode(node.get("aux"), depth)
        return tree._REGISTRY[cls][1](aux, self._items(node, depth))

    def resolve(self, path, accepts=None):
        """The class or function at ``path`` if the allow-list permits it."""
        if not isinstance(path, str) or path.count(":") != 1:
            raise ValueError(f"a malformed class path {path!r}")
        found = self.allowed.get(path)
        if found is None:
            module, qualname = path.split(":")
            if module != "funtorch" and not module.startswith("funtorch."):
                raise NotAllowed(_NOT_ALLOWED.format(path=path, name=qualname))
            try:
                found = _lookup(importlib.import_module(module), qualname)
            except (ImportError, AttributeError):
                raise ValueError(f"{path} does not exist in this version of funtorch") from None
            if getattr(found, "__module__", None) != module or (
                    getattr(found, "__qualname__", None) != qualname):
                raise NotAllowed(_NOT_ALLOWED.format(path=path, name=qualname))
        if accepts is not None and not (isinstance(found, type) and accepts(found)):
            raise ValueError(f"{path} is not the kind of class the file says it is")
        return found


def _is_module_class(cls):
    return any(c.__name__ == "Module" and c.__module__ == "funtorch.nn.module"
               for c in cls.__mro__)
