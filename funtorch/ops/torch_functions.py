"""The PyTorch spellings of ``torch.*`` functions: one implementation, two spellings.

The maths lives in the NumPy-style functions; the ``torch_*.py`` modules are adapters
(argument names, defaults, named-tuple results, torch's dtype rules). This gateway decides
what ``ft.<name>`` is:

* a torch name funtorch lacks is exported as is (``ft.topk``, ``ft.gather``);
* a torch name that is also a NumPy name with another meaning (``max``, ``std``,
  ``sort``, ``split``, ...) becomes a :func:`~funtorch.ops.torch_args.dual`: NumPy's
  function for positional calls and NumPy keywords, torch's when a torch-only keyword
  (``dim=``, ``keepdim=``, ``unbiased=``, ``descending=``...) appears;
* a name another module already defines is never replaced silently: only the names in
  ``_DUALS`` below take both spellings.

``Array`` methods are attached in :mod:`funtorch.ops.tensor_methods`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch import ops as _ops
from funtorch.core import Array
from funtorch.ops import torch_extra, torch_index, torch_linalg, torch_math, \
    torch_numpy_names, torch_reduce, torch_shape, torch_sort
from funtorch.ops.torch_args import dual, return_types  # noqa: F401

_MODULES = (torch_reduce, torch_sort, torch_shape, torch_index, torch_math, torch_linalg,
            torch_extra)

# NumPy name -> its torch spelling, both answered by one dual function
_DUAL_SPELLINGS = {
    "sum": torch_reduce.torch_sum, "prod": torch_reduce.torch_prod,
    "mean": torch_reduce.torch_mean, "nanmean": torch_reduce.torch_nanmean,
    "nansum": torch_reduce.torch_nansum, "var": torch_reduce.torch_var,
    "std": torch_reduce.torch_std, "max": torch_reduce.torch_max,
    "min": torch_reduce.torch_min, "amax": torch_reduce.torch_amax,
    "amin": torch_reduce.torch_amin, "argmax": torch_reduce.torch_argmax,
    "argmin": torch_reduce.torch_argmin, "all": torch_reduce.torch_all,
    "any": torch_reduce.torch_any, "logsumexp": torch_reduce.torch_logsumexp,
    "count_nonzero": torch_reduce.torch_count_nonzero, "cumsum": torch_reduce.torch_cumsum,
    "cumprod": torch_reduce.torch_cumprod, "sort": torch_sort.torch_sort,
    "argsort": torch_sort.torch_argsort, "median": torch_sort.torch_median,
    "nanmedian": torch_sort.torch_nanmedian, "split": torch_shape.torch_split,
    "squeeze": torch_shape.torch_squeeze, "flip": torch_shape.torch_flip,
    "roll": torch_shape.torch_roll, "rot90": torch_shape.torch_rot90,
    "stack": torch_shape.torch_stack, "tril": torch_shape.torch_tril,
    "triu": torch_shape.torch_triu, "diagonal": torch_shape.torch_diagonal,
    "add": torch_math.torch_add, "subtract": torch_math.sub, "divide": torch_math.div,
    "true_divide": torch_math.div, "trapezoid": torch_math.trapezoid,
    "put": torch_index.torch_put, "transpose": torch_shape.torch_transpose,
    "diff": torch_math.torch_diff, "select": torch_shape.select,
    "logspace": torch_numpy_names.torch_logspace,
}
# keywords that pick the torch spelling for these names beyond ``torch_args.TORCH_KEYS``
_EXTRA_KEYS = {"add": {"alpha"}, "subtract": {"alpha"}, "divide": {"rounding_mode"},
               "true_divide": {"rounding_mode"}, "put": {"accumulate", "index", "source"},
               "logspace": {"end", "steps", "requires_grad", "device"}}


def _array_second(args):
    """``ft.max(x, other)`` with an array ``other``: torch's elementwise maximum (NumPy's
    second argument is an axis, never an array)."""
    return len(args) > 1 and isinstance(args[1], Array)


def _int_second(args):
    """``ft.select(x, dim, index)``: torch's (NumPy's second argument is a list of choices)."""
    return len(args) > 1 and isinstance(args[1], (int, np.integer))


def _number_fourth(args):
    """``ft.logspace(0, 2, 3, 2.0)``: a number fourth is torch's base (NumPy's fourth is
    the bool ``endpoint``)."""
    return len(args) > 3 and not isinstance(args[3], (bool, np.bool_))


_TORCH_WHEN = {"max": _array_second, "min": _array_second, "select": _int_second,
               "logspace": _number_fourth}


def _transpose_dual(numpy_fn: Callable[..., Array],
                    torch_fn: Callable[..., Array]) -> Callable[..., Array]:
    """``ft.transpose(x)``/``(x, axes)`` as NumPy, ``ft.transpose(x, d0, d1)`` as torch."""
    def transpose(*args: Any, **kwargs: Any) -> Array:
        if len(args) == 3 or {"dim0", "dim1"} & kwargs.keys():
            return torch_fn(*args, **kwargs)
        return numpy_fn(*args, **kwargs)
    transpose.__doc__ = dual(numpy_fn, torch_fn).__doc__
    transpose.numpy_spelling, transpose.torch_spelling = numpy_fn, torch_fn
    return transpose


def _build():
    namespace = {}
    existing = vars(_ops)
    for module in _MODULES:
        for name in module.__all__:
            if not callable(existing.get(name)):  # never shadow a function silently
                namespace[name] = getattr(module, name)
    for name, torch_fn in _DUAL_SPELLINGS.items():
        numpy_fn = getattr(_ops, name, None)
        if numpy_fn is None:
            namespace[name] = torch_fn
        elif name == "transpose":
            namespace[name] = _transpose_dual(numpy_fn, torch_fn)
        elif name in _EXTRA_KEYS:
            numpy_fn = getattr(numpy_fn, "numpy_spelling", numpy_fn)
            combined = dual(numpy_fn, torch_fn, name, _TORCH_WHEN.get(name))
            keys = _EXTRA_KEYS[name]
            namespace[name] = _switch(combined, torch_fn, keys)
        else:
            numpy_fn = getattr(numpy_fn, "numpy_spelling", numpy_fn)
            namespace[name] = dual(numpy_fn, torch_fn, name, _TORCH_WHEN.get(name))
    for name, (torch_fn, keys) in torch_numpy_names.SPELLINGS.items():
        numpy_fn = getattr(_ops, name, None)
        if numpy_fn is None:
            namespace[name] = torch_fn
            continue
        combined = dual(numpy_fn, torch_fn, name)
        namespace[name] = _switch(combined, torch_fn, keys) if keys else combined
    namespace["trapz"] = torch_math.trapezoid
    if getattr(_ops, "true_divide", None) is getattr(_ops, "divide", None):
        namespace["true_divide"] = namespace["divide"]  # NumPy's alias stays one function
    return namespace


def _switch(combined: Callable[..., Any], torch_fn: Callable[..., Any],
            keys: set[str] | frozenset[str]) -> Callable[..., Any]:
    def function(*args: Any, **kwargs: Any) -> Any:
        return (torch_fn if keys & kwargs.keys() else combined)(*args, **kwargs)
    function.__name__ = function.__qualname__ = combined.__name__
    function.__doc__ = combined.__doc__
    function.numpy_spelling, function.torch_spelling = combined.numpy_spelling, torch_fn
    return function


_NAMESPACE = _build()
globals().update(_NAMESPACE)
__all__ = sorted(_NAMESPACE)

from funtorch.ops import tensor_methods  # noqa: E402,F401  (attaches the Array methods)
