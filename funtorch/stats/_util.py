"""What every distribution shares: argument promotion, masking that keeps gradients finite,
``log(1 - exp(-a))``, and the ``Distribution`` namespace that documents its functions."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping

import numpy as np

from funtorch import dtypes, ops
from funtorch.core import Array
from funtorch.typing import ArrayLike
from funtorch.stats._examples import EXAMPLE_OUT

LOG_2PI = math.log(2.0 * math.pi)
_WEAK = (int, float, bool)


def promote(*args: ArrayLike) -> list[Array]:
    """The arguments as Arrays of one float dtype: arrays (NumPy, lists) become Arrays,
    integer and bool arrays take the default float dtype, and Python scalars take the dtype
    of the array arguments (weak typing: a float32 ``x`` with ``scale=2.0`` stays float32),
    or the default float dtype when every argument is a scalar."""
    arrays = [None if type(arg) in _WEAK else
              arg if isinstance(arg, Array) else ops.asarray(arg) for arg in args]
    floats = [a.dtype for a in arrays if a is not None and a.dtype.kind == "f"]
    if any(a is not None and a.dtype.kind == "c" for a in arrays):
        raise TypeError("ft.stats: distributions take real arguments, got a complex array")
    dtype = np.result_type(*floats) if floats else dtypes.get_default_dtype()
    return [ops.asarray(float(arg), dtype=dtype) if array is None else
            array if array.dtype.kind == "f" else ops.astype(array, dtype)
            for arg, array in zip(args, arrays)]


def standardize(x: ArrayLike, loc: ArrayLike, scale: ArrayLike) -> tuple[Array, Array]:
    """``(x - loc) / scale`` with the arguments promoted."""
    x, loc, scale = promote(x, loc, scale)
    return (x - loc) / scale, scale


def inside(mask: ArrayLike, value: ArrayLike, fill: ArrayLike) -> Array:
    """``value`` where ``mask`` holds and the harmless ``fill`` elsewhere: the input of a
    function that is only valid on ``mask`` (the first ``where`` of the double-``where`` that
    keeps the unused branch's NaN/inf out of the gradient)."""
    return ops.where(mask, value, fill)


def log1mexp(a: Array) -> Array:
    """``log(1 - exp(-a))`` for ``a > 0``, accurate for small and large ``a`` (Maechler 2012:
    ``log(-expm1(-a))`` below ``log 2``, ``log1p(-exp(-a))`` above)."""
    small = a < math.log(2.0)
    a_small = inside(small, a, 0.5)
    a_large = inside(small, 1.0, a)
    return ops.where(small, ops.log(-ops.expm1(-a_small)), ops.log1p(-ops.exp(-a_large)))


def is_integer(k: ArrayLike) -> Array:
    return ops.equal(k, ops.floor(k))


_KIND = {
    "logpdf": "Log of the probability density function",
    "pdf": "Probability density function",
    "logpmf": "Log of the probability mass function",
    "pmf": "Probability mass function",
    "cdf": "Cumulative distribution function ``P(X <= x)``",
    "logcdf": "Log of the cumulative distribution function",
    "sf": "Survival function ``P(X > x) = 1 - cdf``, accurate in the right tail",
    "logsf": "Log of the survival function",
    "ppf": "Percent point function (quantile, the inverse of ``cdf``)",
    "isf": "Inverse survival function (the inverse of ``sf``)",
    "entropy": "Entropy (in nats)",
}


class Distribution:
    """One distribution's functions under one name (``ft.stats.norm.logpdf``), as the
    modules of ``jax.scipy.stats``: same names, signatures and broadcasting as SciPy.

    Example:
        >>> ft.stats.norm.logpdf(ft.array([0.0, 1.0]), loc=0.0, scale=2.0).tolist()
        [-1.6121, -1.7371]
    """

    def __init__(self, name: str, summary: str, params: str, example: Mapping[str, str],
                 functions: Mapping[str, Callable[..., Array]]) -> None:
        self.__name__ = name
        self.__doc__ = f"The {summary} (``scipy.stats.{name}``).\n\nParameters: {params}"
        self._names = tuple(functions)
        for method, fun in functions.items():
            fun.__name__ = method
            fun.__qualname__ = f"{name}.{method}"
            names = list(inspect.signature(fun).parameters)  # once: ~1 ms of the import
            fun.__doc__ = _document(name, summary, params, example, method, fun, names)
            _annotate(fun, names)
            setattr(self, method, fun)

    def __dir__(self) -> list[str]:
        return list(self._names)

    def __repr__(self) -> str:
        return f"<distribution ft.stats.{self.__name__}: {', '.join(self._names)}>"


#: A distribution function's parameters are array-like (broadcast together) except these.
_PARAM_TYPES = {"allow_singular": "bool | None"}


def _annotate(fun: Callable[..., Array], names: list[str]) -> None:
    """Annotate a distribution function (most are lambdas, which cannot carry annotations):
    ``ArrayLike`` parameters (``_PARAM_TYPES`` aside) and an ``Array`` result, where it does
    not state its own. ``funtorch/stats/__init__.pyi`` (``tools/stats_stub.py``) declares
    the same signatures to a type checker."""
    hints = fun.__annotations__
    for param in names:  # ``fun``'s parameters
        hints.setdefault(param, _PARAM_TYPES.get(param, "ArrayLike"))
    hints.setdefault("return", "Array")


def _document(name: str, summary: str, params: str, example: Mapping[str, str], method: str,
              fun: Callable[..., Array], names: list[str]) -> str:
    what = {"x": "points", "k": "counts", "q": "probabilities"}.get(names[0], "arguments")
    extra = "" if fun.__doc__ is None else f"\n\n{inspect.cleandoc(fun.__doc__)}"
    values = dict(example, q="0.25")
    args = ", ".join(values[p] for p in names if p in values)
    call = f"ft.stats.{name}.{method}({args})"
    out = EXAMPLE_OUT.get((name, method))  # SciPy's value (tools/stats_examples.py)
    example_text = call if out is None else f"float({call})\n    {out}"
    return (f"{_KIND[method]} of the {summary}.{extra}\n\n"
            f"Args:\n    {names[0]}: {what} (array-like; all arguments broadcast together).\n"
            f"    {params}\n\n"
            f"Returns:\n    An Array of the broadcast shape, differentiable in the float "
            f"arguments.\n\nExample:\n    >>> {example_text}")
