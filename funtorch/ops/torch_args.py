"""Argument handling shared by the PyTorch spellings (``torch_*.py``).

The torch spellings are thin adapters over the NumPy-style functions: they rename
arguments (``dim`` for ``axis``, ``keepdim`` for ``keepdims``), refuse ``out=``, and
wrap results in torch's named tuples. No maths lives here.
"""

from __future__ import annotations

import collections
import importlib
import inspect
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch.core import Array
from funtorch.ops import registry as R
from funtorch.ops.reductions import normalize_axis, normalize_axis_index

_OUT_MSG = ("{name}(out=...): funtorch arrays are immutable, so results cannot be written into "
            "`out`; use the returned value instead, e.g. `y = ft.{name}(...)`")

# torch.return_types.<name>: named tuples with torch's field names
_RETURN_FIELDS = {
    "max": "values indices", "min": "values indices", "sort": "values indices",
    "topk": "values indices", "mode": "values indices", "median": "values indices",
    "nanmedian": "values indices", "kthvalue": "values indices",
    "cummax": "values indices", "cummin": "values indices", "aminmax": "min max",
    "slogdet": "sign logabsdet", "qr": "Q R", "svd": "U S V", "lstsq":
    "solution residuals rank singular_values", "frexp": "mantissa exponent",
    "triangular_solve": "solution cloned_coefficient", "histogram": "hist bin_edges",
    "geqrf": "a tau", "lu_unpack": "P L U",
}
return_types = {name: collections.namedtuple(name, fields)
                for name, fields in _RETURN_FIELDS.items()}


def returns(name, *values):
    """``torch.return_types.<name>(*values)``."""
    return return_types[name](*values)


def refuse_out(name, out):
    """Raise torch's ``out=`` keyword error: arrays are immutable."""
    if out is not None:
        raise TypeError(_OUT_MSG.format(name=name))


_NO_DERIVATIVE = ("{name}: the derivative is not implemented (as in torch): its output is a "
                  "count or a data-dependent selection; apply it to x.detach() (or "
                  "ft.stop_gradient(x)) when no derivative is needed")


def refuse_derivative(name, x):
    """Raise where a derivative is being taken of ``x``: ``name`` has none, and a float
    output must never carry a silent zero."""
    traced = getattr(x, "_trace", None)
    if getattr(x, "_node", None) is not None or type(traced).__name__ in ("JVPTrace",
                                                                          "VJPTrace"):
        raise NotImplementedError(_NO_DERIVATIVE.format(name=name))


def as_array(x):
    return x if isinstance(x, Array) else R.as_array(x)


def dims(dim, ndim, name):
    """A torch ``dim`` (None, int, or a sequence) -> sorted non-negative axes."""
    return normalize_axis(dim, ndim, name)


def one_dim(dim, ndim, name):
    """One torch ``dim``; a 0-d array accepts 0 and -1, as torch does."""
    if not ndim:
        normalize_axis_index(dim, 1, name)
        return 0
    return normalize_axis_index(dim, ndim, name)


def shape_args(shape, name):
    """``f(2, 3)``, ``f((2, 3))`` or ``f([2, 3])`` -> a tuple of ints."""
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        shape = tuple(shape[0])
    for size in shape:
        if not isinstance(size, (int, np.integer)):
            raise TypeError(f"{name}(): expected ints for the sizes, got {shape!r}")
    return tuple(int(s) for s in shape)


# NumPy keywords that never mean the torch spelling, and torch keywords that never
# mean the NumPy one: a call carrying one of them picks its spelling.
NUMPY_KEYS = frozenset({"axis", "keepdims", "ddof", "dtype", "where", "initial", "a",
                        "axes", "kind", "order", "indices_or_sections", "overwrite_input",
                        "a_min", "a_max", "repeats", "shift", "m", "ary", "reps", "ar",
                        "return_index", "equal_nan", "size", "fill_value", "axis1",
                        "axis2", "offset", "method", "prepend", "append", "n"})
TORCH_KEYS = frozenset({"dim", "keepdim", "unbiased", "correction", "descending", "dims",
                        "input", "split_size_or_sections", "dim0", "dim1", "shifts",
                        "interpolation", "right",
                        "out_int32", "largest", "diagonal"})


def dual(numpy_fn: Callable[..., Any], torch_fn: Callable[..., Any], name: str | None = None,
         torch_when: Callable[[tuple[Any, ...]], bool] | None = None) -> Callable[..., Any]:
    """One public name with both spellings: the torch one when a torch-only keyword
    (``dim=``, ``keepdim=``, ``unbiased=``, ...) is given or ``torch_when(args)`` holds,
    else the NumPy one, so every NumPy call keeps its meaning.

    Example:
        >>> x = ft.array([[1.0, 0.0, 3.0], [4.0, 5.0, 6.0]])
        >>> ft.max(x, 1).tolist()                 # NumPy: the values
        [3.0, 6.0]
        >>> ft.max(x, dim=1).indices.tolist()     # torch: (values, indices)
        [2, 2]
    """
    name = name or numpy_fn.__name__

    def function(*args: Any, **kwargs: Any) -> Any:
        if kwargs.keys() & TORCH_KEYS or (torch_when is not None and torch_when(args)):
            return torch_fn(*args, **kwargs)
        return numpy_fn(*args, **kwargs)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"``ft.{name}``: NumPy's ``{name}`` (positional arguments and NumPy "
                        f"keywords), or torch's when called with torch keywords (``dim=``, "
                        f"``keepdim=``, ...).\n\n**NumPy spelling**\n\n"
                        f"{inspect.cleandoc(numpy_fn.__doc__ or '')}\n\n**Torch spelling**\n\n"
                        f"{inspect.cleandoc(torch_fn.__doc__ or '')}")
    function.__doc__ += _missing_sections(
        function.__doc__,
        "*args: the chosen spelling's positional arguments (NumPy's unless ``torch_when`` "
        "picks torch's).\n    **kwargs: its keyword arguments; any torch keyword (``dim``, "
        "``keepdim``, ``unbiased``, ...) selects the torch spelling.",
        "What the chosen spelling returns (see above).")
    if ">>>" not in function.__doc__ and name in _DUAL_EXAMPLES:
        function.__doc__ += _example(*_DUAL_EXAMPLES[name])
    function.numpy_spelling, function.torch_spelling = numpy_fn, torch_fn
    return function


def forward(module: str, attr: str, name: str | None = None,
            example: tuple[str, str] | None = None) -> Callable[..., Any]:
    """A function calling ``module.attr`` at call time: the torch namespace offers
    ``ft.conv1d`` and ``ft.bernoulli``, whose code lives in layers above ``ops``.
    ``example`` is ``(statement, expected output)`` for its docstring's example."""
    def function(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), attr)(*args, **kwargs)
    function.__name__ = function.__qualname__ = name or attr
    function.__doc__ = f"Torch spelling of ``{module}.{attr}`` (same arguments)."
    function.__doc__ += _missing_sections(
        function.__doc__, f"*args: passed to ``{module}.{attr}`` unchanged.\n"
        f"    **kwargs: passed to ``{module}.{attr}`` unchanged.",
        f"What ``{module}.{attr}`` returns.")
    if example is not None:
        function.__doc__ += _example(*example)
    return function


# Examples of the dual names whose spellings' docstrings have none: both spellings of one
# call (the values checked by hand: NumPy's flat argmax of [[1, 5], [7, 2]] is 2).
_DUAL_EXAMPLES = {
    "argmax": ("x = ft.array([[1.0, 5.0], [7.0, 2.0]])",
               "ft.argmax(x).tolist(), ft.argmax(x, dim=1).tolist()", "(2, [1, 0])"),
    "argmin": ("x = ft.array([[1.0, 5.0], [7.0, 2.0]])",
               "ft.argmin(x, 0).tolist(), ft.argmin(x, dim=1, keepdim=True).tolist()",
               "([0, 1], [[0], [1]])"),
    "cumsum": ("x = ft.array([[1.0, 5.0], [7.0, 2.0]])",
               "ft.cumsum(x).tolist(), ft.cumsum(x, dim=0).tolist()",
               "([1.0, 6.0, 13.0, 15.0], [[1.0, 5.0], [8.0, 7.0]])"),
}


def _example(*lines: str) -> str:
    """An ``Example:`` section: ``>>>`` statements, then the expected output."""
    *statements, expected = lines
    return "\n\nExample:\n" + "".join(f"    >>> {line}\n" for line in statements) + \
        f"    {expected}"


_ARGS_HEAD = re.compile(r"^\s*(Args|Arguments|Parameters):", re.M)
_RETURNS_HEAD = re.compile(r"^\s*(Returns|Yields):", re.M)


def _missing_sections(doc: str, args: str, returns: str) -> str:
    """The ``Args:``/``Returns:`` sections (text given) that ``doc`` does not have yet, to
    append to it; a wrapper taking ``*args, **kwargs`` documents them generically."""
    extra = "" if _ARGS_HEAD.search(doc) else f"\n\nArgs:\n    {args}"
    return extra + ("" if _RETURNS_HEAD.search(doc) else f"\n\nReturns:\n    {returns}")


def to_float(x):
    """``x`` in the default float dtype when it is an integer or bool array (torch's
    promotion for true division and float functions)."""
    return R.to_float(as_array(x))


def is_floating(x):
    return np.dtype(as_array(x).dtype).kind in "fc"


_TORCH_DTYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
                      "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                      "bool": "Bool"}


def torch_dtype_name(dtype):
    """torch's short name of a dtype in its error messages (``Long`` for int64)."""
    return _TORCH_DTYPE_NAMES.get(np.dtype(dtype).name, np.dtype(dtype).name)


def require_float(x, name, message="could not infer output dtype. Input dtype must be either a "
                  "floating point or complex dtype. Got: {dtype}"):
    """Refuse integer and bool inputs as torch does for ``mean``, ``std``, ``var``."""
    x = as_array(x)
    if not is_floating(x):
        raise RuntimeError(f"{name}(): " + message.format(dtype=torch_dtype_name(x.dtype)))
    return x
