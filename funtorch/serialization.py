"""``ft.save`` / ``ft.load``: nested containers of arrays and Python values, no pickle.

The file is a zip written by NumPy (``.npz``): one ``.npy`` entry per array plus
``__manifest__``, a JSON document describing the structure (dicts, OrderedDicts, lists,
tuples, arrays, ints, floats, strings, bools, None). Loading uses
``numpy.load(allow_pickle=False)`` and ``json``, so it never runs code from the file.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections import OrderedDict

import numpy as np

from funtorch.core import Array
from funtorch.ops import asarray

__all__ = ["save", "load"]

_FORMAT, _VERSION, _MANIFEST = "funtorch.save", 1, "__manifest__"
_BAD_FILE = ("ft.load: {path} is not a valid funtorch file (corrupt, truncated, or written by "
             "something else than ft.save): {reason}")


def _encode(obj, arrays, path):
    if obj is None or isinstance(obj, (bool, str)):
        return {"t": type(obj).__name__, "v": obj}
    if isinstance(obj, (int, np.integer)) and not isinstance(obj, bool):
        return {"t": "int", "v": int(obj)}
    if isinstance(obj, (float, np.floating)):
        return {"t": "float", "v": float(obj)}
    if isinstance(obj, (Array, np.ndarray)):
        host = obj.numpy() if isinstance(obj, Array) else obj
        if host.dtype.hasobject or host.dtype.names is not None:
            raise TypeError(f"ft.save: the array at {path} has dtype {host.dtype}, which cannot "
                            "be stored without pickle")
        name = f"a{len(arrays)}"
        arrays[name] = host
        return {"t": "array" if isinstance(obj, Array) else "ndarray", "ref": name}
    if isinstance(obj, dict):
        kind = "odict" if isinstance(obj, OrderedDict) else "dict"
        items = [[_encode(k, arrays, f"{path}[key]"), _encode(v, arrays, f"{path}[{k!r}]")]
                 for k, v in obj.items()]
        for key_node, _ in items:
            if key_node["t"] not in ("str", "int", "float", "bool", "NoneType"):
                raise TypeError(f"ft.save: dict keys must be numbers, strings, bools or None; "
                                f"got {key_node['t']} at {path}")
        return {"t": kind, "items": items}
    if isinstance(obj, (list, tuple)):
        return {"t": type(obj).__name__ if type(obj) in (list, tuple) else "tuple",
                "items": [_encode(v, arrays, f"{path}[{i}]") for i, v in enumerate(obj)]}
    raise TypeError(f"ft.save: cannot store a {type(obj).__name__} at {path}; supported: nested "
                    "dicts/lists/tuples of arrays, ints, floats, strings, bools and None")


def save(obj, path) -> None:
    """Write ``obj`` (nested dicts/lists/tuples of arrays, numbers, strings) to ``path``.

    Raises:
        TypeError: a value of another type (its path in ``obj`` is named).

    Example:
        >>> ft.save({"epoch": 3, "model": model.state_dict()}, "ckpt.ft")
    """
    arrays: dict = {}
    root = _encode(obj, arrays, "<root>")
    manifest = json.dumps({"format": _FORMAT, "version": _VERSION, "root": root})
    arrays[_MANIFEST] = np.frombuffer(manifest.encode("utf-8"), dtype=np.uint8)
    path = os.fspath(path)
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


_SCALARS = {"NoneType": lambda v: None, "bool": bool, "str": str, "int": int, "float": float}


def _decode(node, arrays):
    kind = node["t"]
    if kind in _SCALARS:
        return _SCALARS[kind](node["v"])
    if kind in ("array", "ndarray"):
        host = arrays[node["ref"]]
        return asarray(host) if kind == "array" else host
    if kind in ("dict", "odict"):
        pairs = [(_decode(k, arrays), _decode(v, arrays)) for k, v in node["items"]]
        return OrderedDict(pairs) if kind == "odict" else dict(pairs)
    if kind in ("list", "tuple"):
        items = [_decode(v, arrays) for v in node["items"]]
        return items if kind == "list" else tuple(items)
    raise ValueError(f"unknown entry type {kind!r} in the manifest")


def _read(path):
    if not zipfile.is_zipfile(path):
        raise ValueError("not a zip archive")
    with np.load(path, allow_pickle=False) as npz:
        if not hasattr(npz, "files"):
            raise ValueError("not a zip archive of arrays")
        if _MANIFEST not in npz.files:
            raise ValueError("no __manifest__ entry")
        arrays = {name: npz[name] for name in npz.files}
    manifest = json.loads(arrays.pop(_MANIFEST).tobytes().decode("utf-8"))
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        raise ValueError("the manifest does not describe a funtorch file")
    if manifest.get("version") != _VERSION:
        raise ValueError(f"unsupported format version {manifest.get('version')!r}")
    return _decode(manifest["root"], arrays)


def load(path):
    """Read what :func:`save` wrote; arrays come back as funtorch arrays on the CPU.

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: a corrupt, truncated or foreign file (the message names it).

    Example:
        >>> ckpt = ft.load("ckpt.ft"); model.load_state_dict(ckpt["model"])
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"ft.load: no such file: '{path}'")
    try:
        return _read(path)
    except (OSError, ValueError, KeyError, EOFError, TypeError, AttributeError, IndexError,
            UnicodeDecodeError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise ValueError(_BAD_FILE.format(path=repr(path), reason=exc)) from None
