"""Operators and methods of :class:`funtorch.Array`, each forwarding to a public op.

Kept in one table so a reader sees every method at once; operators point straight
at the public functions (no extra Python frame on the hot path).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch import backends
from funtorch.core import _TRACER_TYPES, Array
from funtorch import ops
from funtorch.ops import numpy_protocol
from funtorch.ops import registry as R
from funtorch.ops.doc_cache import doc
from funtorch.ops.method_forms import method_doc, numpy_method_doc
from funtorch.ops.methods_torch import EXTRA


def _reflected(fn: Callable[[Any, Any], Array]) -> Callable[[Array, Any], Array]:
    def method(self: Array, other: Any) -> Array:
        return fn(other, self)
    return method


# examples of the methods whose function's example does not call it
_EXAMPLES = {"matmul": ">>> ft.ones((5, 2, 3)).matmul(ft.ones(3)).shape\n(5, 2)"}


def _method(name: str) -> Callable[..., Any]:
    fn = getattr(ops, name)

    def method(self: Array, *args: Any, **kwargs: Any) -> Any:
        return fn(self, *args, **kwargs)
    method.__name__ = name
    method.__doc__ = doc(f"methods.{name}", lambda: method_doc(name, fn,
                                                               example=_EXAMPLES.get(name)))
    return method


# NumPy's functions call these methods with NumPy's keywords (``np.sum(x)`` is
# ``x.sum(axis=None, dtype=None, out=None)``), so they take them, as JAX arrays do.
_OUT_MSG = ("{name}(out=...): funtorch arrays are immutable, so results cannot be written into "
            "`out`; use the returned array instead, e.g. `y = np.{name}(x)` or `y = x.{name}()`")
_WHERE_MSG = ("{name}(where=...) needs initial= (the value of an empty selection), as in "
              "NumPy, e.g. `x.{name}(where=mask, initial={example})`")
_IDENTITY = {"sum": 0, "prod": 1, "all": True, "any": False}
_COMBINE = {"sum": ops.add, "prod": ops.multiply, "max": ops.maximum, "min": ops.minimum}


def _masked(name, x, where, initial):
    """``x`` with the elements outside ``where`` replaced by the reduction's identity."""
    if name in ("max", "min"):
        if initial is None:
            raise ValueError(_WHERE_MSG.format(name=name, example="-np.inf" if name == "max"
                                               else "np.inf"))
        return ops.where(where, x, initial)
    if name not in _IDENTITY:
        raise TypeError(f"{name}() got an unexpected keyword argument 'where'")
    return ops.where(where, x, _IDENTITY[name])


def _masked_moments(name, x, where, axis=None, *, ddof=0, keepdims=False):
    """mean/var/std over the elements selected by ``where`` (NumPy's ``where=``)."""
    mask = ops.broadcast_to(ops.asarray(where), x.shape)
    count = ops.sum(mask, axis=axis, keepdims=True)
    mean = ops.sum(ops.where(mask, x, 0), axis=axis, keepdims=True) / count
    if name == "mean":
        out = mean
    else:
        centered = ops.where(mask, x - mean, 0)
        out = ops.sum(centered * centered, axis=axis, keepdims=True) / ops.maximum(
            count - ddof, 0)  # inf past the count, as NumPy, never negative
        out = ops.sqrt(out) if name == "std" else out
    return out if keepdims else ops.squeeze(out, axis=axis)


def _numpy_method(name: str) -> Callable[..., Any]:
    """Method form of ``ft.<name>`` that also takes NumPy's ``dtype``, ``out=None``,
    ``where`` and ``initial`` keywords."""
    fn = getattr(ops, name)

    def method(self: Array, *args: Any, dtype: Any = None, out: Any = None, where: Any = None,
               initial: Any = None, **kwargs: Any) -> Any:
        if out is not None:
            raise TypeError(_OUT_MSG.format(name=name))
        if initial is not None and name not in _COMBINE:
            raise TypeError(f"{name}() got an unexpected keyword argument 'initial'")
        x = self if dtype is None else ops.astype(self, dtype)
        if where is not None and name in ("mean", "var", "std"):
            return _masked_moments(name, R.to_float(x), where, *args, **kwargs)
        if where is not None:
            x = _masked(name, x, where, initial)
        result = fn(x, *args, **kwargs)
        return result if initial is None else _COMBINE[name](result, initial)
    method.__name__ = name
    method.__doc__ = doc(f"methods.{name}", lambda: numpy_method_doc(name, fn))
    return method


_OPERATORS = {
    "__add__": ops.add, "__radd__": _reflected(ops.add),
    "__sub__": ops.subtract, "__rsub__": _reflected(ops.subtract),
    "__mul__": ops.multiply, "__rmul__": _reflected(ops.multiply),
    "__truediv__": ops.divide, "__rtruediv__": _reflected(ops.divide),
    "__floordiv__": ops.floor_divide, "__rfloordiv__": _reflected(ops.floor_divide),
    "__mod__": ops.mod, "__rmod__": _reflected(ops.mod),
    "__pow__": ops.power, "__rpow__": _reflected(ops.power),
    "__neg__": ops.negative, "__pos__": lambda self: self, "__abs__": ops.abs,
    "__eq__": ops.equal, "__ne__": ops.not_equal, "__lt__": ops.less,
    "__le__": ops.less_equal, "__gt__": ops.greater, "__ge__": ops.greater_equal,
    "__and__": ops.bitwise_and, "__rand__": _reflected(ops.bitwise_and),
    "__or__": ops.bitwise_or, "__ror__": _reflected(ops.bitwise_or),
    "__xor__": ops.bitwise_xor, "__rxor__": _reflected(ops.bitwise_xor),
    "__invert__": ops.invert,
    "__matmul__": ops.matmul, "__rmatmul__": _reflected(ops.matmul),
}

_NUMPY_METHODS = ("sum", "mean", "var", "std", "prod", "max", "min", "argmax", "argmin", "cumsum",
                  "all", "any", "round", "clip")
_METHODS = """logsumexp reshape view squeeze unsqueeze expand_dims permute swapaxes moveaxis
    flip broadcast_to astype clamp exp log log1p expm1 sqrt sin cos tan tanh sigmoid abs sign
    square reciprocal floor ceil maximum minimum take sort argsort repeat matmul dot""".split()

_EXTRA = EXTRA


# Host conversions and printing (they need concrete values: tracers refuse through
# ``_concrete``, naming the transform) ------------------------------------------------


def _len(self):
    if not self.shape:
        raise TypeError("len() of a 0-d array")
    return self.shape[0]


def _iter(self):
    if not self.shape:
        raise TypeError("iteration over a 0-d array")
    return (self[i] for i in range(self.shape[0]))


_REQUIRES_GRAD = ("Can't call {what} on Tensor that requires grad. Use tensor.detach().numpy() "
                  "instead.")
_TRACED = ("{what}: the array is traced by {transform} (inside `{fun}`); converting it to NumPy "
           "would cut it out of the {transform} (gradients would silently be 0). Use funtorch's "
           "ops (ft.exp, ft.linalg.norm, ...), whose NumPy-named calls (np.exp(x)) dispatch to "
           "them, or x.detach().numpy() for a value that is not differentiated.")


def _host_buffer(self, what):
    """The values for a NumPy conversion, refusing arrays it would silently detach (as
    torch's ``numpy()`` refuses tensors that require grad)."""
    buf = self._concrete(what)  # leaked tracers and jit's abstract values raise here
    if type(self) in _TRACER_TYPES:
        trace = self._trace
        raise TypeError(_TRACED.format(what=what, transform=trace.transform, fun=trace.fun_name))
    if self._node is not None:
        raise RuntimeError(_REQUIRES_GRAD.format(what=what))
    return buf


def _numpy(self) -> np.ndarray:
    """A host NumPy copy of the values; refuses an array that requires grad or is traced
    (use ``x.detach().numpy()``).

    Returns:
        A new writable ``numpy.ndarray`` of this array's shape and dtype.

    Raises:
        RuntimeError: the array is recorded by the PyTorch-style tape (it requires grad).
        TypeError: the array is traced by a transform (``grad``, ``vmap``, ``jit``).

    Example:
        >>> ft.array([1.0, 2.0]).numpy()
        array([1., 2.], dtype=float32)
    """
    buf = _host_buffer(self, "numpy()")
    return np.array(backends.get_backend_of(buf).to_host(buf))


_NO_COPY_MSG = ("np.asarray(x, copy=False): {why}, so NumPy needs a copy; leave out copy=False "
                "(or use x.numpy())")


def _as_numpy(self, dtype=None, copy=None):
    """NumPy 2's ``__array__``: ``np.asarray(x)`` is a read-only view of the values (funtorch
    arrays are immutable); ``np.array(x)`` (``copy=True``) a fresh writable copy."""
    buf = _host_buffer(self, "numpy()")
    host = backends.get_backend_of(buf).to_host(buf)
    if copy:
        return np.array(host, dtype=dtype, copy=True)
    out = np.asarray(host, dtype=dtype)
    if copy is False and (out is not host or host is not buf):
        why = (f"x is on {self.device}" if host is not buf else
               f"converting dtype {host.dtype} to {out.dtype} copies")
        raise ValueError(_NO_COPY_MSG.format(why=why))
    if out is not host:  # a conversion made a fresh array, shared with nothing
        return out
    view = out.view()
    view.flags.writeable = False
    return view


def _format(self, spec):
    """``f"{x:.2f}"`` formats a 0-d array as its Python scalar (as PyTorch and JAX do)."""
    if self.ndim == 0:
        return format(self.item(), spec)
    return object.__format__(self, spec)


def _item(self: Array) -> Any:
    """The single element as a Python scalar (also of an array that requires grad).

    Returns:
        A Python ``float``, ``int``, ``bool`` or ``complex`` (by the dtype's kind).

    Raises:
        ValueError: the array has more than one element (or none).
        TypeError: the array is traced by a transform (its value is not known).

    Example:
        >>> ft.array([[2.5]]).item()
        2.5
    """
    buf = self._concrete("item()")
    if buf.size != 1:
        raise ValueError(
            f"item(): only one-element arrays convert to Python scalars, got shape {buf.shape}")
    return buf.item()


def _tolist(self: Array) -> Any:
    """The values as nested Python lists (like ``item()``, also of arrays requiring grad).

    Returns:
        Nested lists of Python scalars, ``ndim`` deep (a scalar for a 0-d array).

    Raises:
        TypeError: the array is traced by a transform (its value is not known).

    Example:
        >>> ft.array([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
    """
    buf = self._concrete("tolist()")
    return backends.get_backend_of(buf).to_host(buf).tolist()


def _repr(self):
    buf = self._concrete("repr()")
    host = backends.get_backend_of(buf).to_host(buf)
    body = np.array2string(np.asarray(host), separator=", ", prefix="array(")
    extra = ""
    if self.dtype not in (np.dtype("float32"), np.dtype("int64"), np.dtype("bool")):
        extra += f", dtype={self.dtype}"
    if backends.get_backend_of(buf) is not backends.NUMPY:
        extra += f", device='{self.device}'"
    node = self._node
    if node is not None:
        extra += ", requires_grad=True" if node.is_leaf else f", grad_fn={self.grad_fn!r}"
    return f"array({body}{extra})"


_CONVERSIONS = {"__len__": _len, "__iter__": _iter, "numpy": _numpy, "__array__": _as_numpy,
                "item": _item, "tolist": _tolist, "__repr__": _repr, "__format__": _format}


def attach():
    for name, fn in _OPERATORS.items():
        setattr(Array, name, fn)
    for name in _METHODS:
        setattr(Array, name, _method(name))
    for name in _NUMPY_METHODS:
        setattr(Array, name, _numpy_method(name))
    for name, fn in _EXTRA.items():
        setattr(Array, name, fn)
    for name, fn in _CONVERSIONS.items():
        setattr(Array, name, fn)
    numpy_protocol.attach()


attach()
