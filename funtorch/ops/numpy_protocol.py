"""NumPy's dispatch protocols on :class:`Array`: ``np.exp(x)``, ``np.dot(x, y)``,
``np.linalg.norm(x)`` on funtorch arrays run funtorch's function of the same name.

NOTE: NumPy hands a call to ``Array.__array_ufunc__`` (ufuncs) or
``Array.__array_function__`` (everything else) whenever an argument is an Array. Without
them NumPy converted the argument to an ndarray, which silently cut a traced or tracked
array out of its graph (gradients came out 0). Now:

- a NumPy function with a funtorch counterpart (``ft.<name>``, ``ft.linalg.<name>`` for
  ``np.linalg.<name>``, found by name in :func:`numpy_dispatch_table`) runs it, so NumPy
  code differentiates, jits and vmaps as HIPS autograd users expect;
- one without a counterpart raises a TypeError when an argument is traced (under
  grad/jvp/vmap/jit) or requires grad; on plain arrays NumPy runs on the values and the
  ndarray results come back as Arrays.
"""

from __future__ import annotations

import numpy as np

from funtorch.core import _TRACER_TYPES, Array, wrap

__all__ = ["numpy_dispatch_table"]

_NO_COUNTERPART = (
    "{fn}: funtorch has no counterpart of this NumPy function{how}, and its argument is "
    "{why}; running NumPy on it would detach it (gradients would silently be 0). Write it "
    "with funtorch's ops (ft.exp, ft.where, ft.linalg.norm, ...), or pass x.detach() for a "
    "value that is not differentiated.")
_OUT = ("{fn}(out=...): funtorch arrays are immutable, so results cannot be written into "
        "`out`; use the returned array instead")

# NumPy names whose funtorch function has another name
_ALIASES = {"absolute": "abs", "concat": "concatenate", "permute_dims": "transpose",
            "pow": "power", "true_divide": "divide"}
# funtorch functions that share a NumPy name but not its meaning (np.save(file, arr))
_EXCLUDED = {"save", "load", "array", "asarray", "tensor", "device"}
# NumPy hands these to the Array's own methods, which take NumPy's keywords (dtype, out,
# where, initial); their ``_implementation`` does exactly that
_METHOD_FORMS = {"sum", "mean", "var", "std", "prod", "max", "min", "amax", "amin", "argmax",
                 "argmin", "cumsum", "all", "any", "round", "around", "clip"}
# only read shape/dtype: fine on any array
_METADATA = {"shape", "ndim", "size", "iscomplexobj", "isrealobj"}
_TABLE: dict = {}


def _public_functions(namespace):
    return {name: getattr(namespace, name) for name in dir(namespace)
            if not name.startswith("_") and callable(getattr(namespace, name))
            and not isinstance(getattr(namespace, name), type)}


def numpy_dispatch_table() -> dict:
    """``{"<numpy module>.<name>": funtorch function}`` for every public funtorch function
    named as a NumPy one (``"numpy.exp"``, ``"numpy.linalg.norm"``). Built on first use from
    funtorch's public namespaces, so functions added to them are picked up.

    Example:
        >>> numpy_dispatch_table()["numpy.exp"] is ft.exp
        True
    """
    if not _TABLE:
        import funtorch as ft

        table = {}
        for prefix, namespace, numpy_ns in (("numpy", ft, np), ("numpy.linalg", ft.linalg,
                                                                np.linalg),
                                            ("numpy.fft", getattr(ft, "fft", None), np.fft)):
            if namespace is None:
                continue
            functions = _public_functions(namespace)
            for name in dir(numpy_ns):
                target = functions.get(_ALIASES.get(name, name))
                if target is not None and name not in _EXCLUDED:
                    table[f"{prefix}.{name}"] = target
        _TABLE.update(table)
    return _TABLE


def _leaves(obj):
    if isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _leaves(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _leaves(item)
    else:
        yield obj


def _watched(args, kwargs):
    """Why an argument must not be detached (``None`` when none is traced or tracked)."""
    for leaf in _leaves((args, kwargs)):
        if type(leaf) in _TRACER_TYPES:
            return f"traced by {leaf._trace.transform} (inside `{leaf._trace.fun_name}`)"
        if isinstance(leaf, Array) and leaf._node is not None:
            return "an array that requires grad"
    return None


def _to_numpy(obj):
    if isinstance(obj, Array):
        return np.asarray(obj)
    if isinstance(obj, (list, tuple)):
        items = [_to_numpy(item) for item in obj]
        return type(obj)(*items) if hasattr(obj, "_fields") else type(obj)(items)
    if isinstance(obj, dict):
        return {key: _to_numpy(value) for key, value in obj.items()}
    return obj


def _to_arrays(obj):
    if isinstance(obj, (np.ndarray, np.generic)) and obj.dtype != object:
        return wrap(np.asarray(obj))
    if isinstance(obj, tuple):
        items = [_to_arrays(item) for item in obj]
        return type(obj)(*items) if hasattr(obj, "_fields") else tuple(items)
    if isinstance(obj, list):
        return [_to_arrays(item) for item in obj]
    return obj


def _on_values(fn_name, how, run, args, kwargs):
    """No funtorch counterpart: refuse traced/tracked arguments, else run NumPy on the
    values and hand ndarray results back as Arrays."""
    why = _watched(args, kwargs)
    if why is not None:
        raise TypeError(_NO_COUNTERPART.format(fn=fn_name, how=how, why=why))
    if any(isinstance(leaf, Array) for leaf in _leaves(kwargs.get("out"))):
        raise TypeError(_OUT.format(fn=fn_name))
    result = run(*_to_numpy(args), **_to_numpy(kwargs))
    # into a NumPy out= (``ndarray += x``) NumPy's result is that ndarray, and stays one
    return result if kwargs.get("out") is not None else _to_arrays(result)


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """NumPy's ufunc protocol: ``np.exp(x)`` is ``ft.exp(x)`` (differentiable)."""
    name = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    if kwargs.get("out", None) is None:
        kwargs.pop("out", None)
    target = numpy_dispatch_table().get(f"numpy.{ufunc.__name__}")
    if method == "__call__" and target is not None and not kwargs:
        return target(*inputs)
    how = " with these keywords" if method == "__call__" and target is not None else ""
    return _on_values(name, how, getattr(ufunc, method), inputs, kwargs)


def _array_function(self, func, types, args, kwargs):
    """NumPy's function protocol: ``np.concatenate``, ``np.linalg.norm``, ... run funtorch's
    function of the same name."""
    module = func.__module__ or "numpy"
    name = func.__name__
    if module == "numpy" and (name in _METHOD_FORMS or name in _METADATA):
        return func._implementation(*args, **kwargs)
    target = numpy_dispatch_table().get(f"{module}.{name}")
    if target is not None:
        return target(*args, **kwargs)
    public = module.replace("numpy", "np", 1)
    return _on_values(f"{public}.{name}", "", func, args, kwargs)


def attach():
    Array.__array_ufunc__ = _array_ufunc
    Array.__array_function__ = _array_function
