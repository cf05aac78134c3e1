"""Torch spellings of the reductions: ``dim``/``keepdim``, torch's named tuples
(``values, indices``) and torch's dtype rules (``mean`` of integers refused, ``sum`` of
bool is int64), each a thin adapter over the NumPy-style function of the same maths.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import Array
from funtorch.ops import torch_args as A
from funtorch.ops.torch_args import as_array, dims, one_dim, refuse_out, returns
from funtorch.typing import ArrayLike, Axis


def _dim_or_all(dim):
    """torch's ``dim=None`` and ``dim=()`` both mean every dim."""
    return None if dim is None or (isinstance(dim, (tuple, list)) and not dim) else dim


def _cast(x, dtype):
    return x if dtype is None else ops.astype(x, dtype)


def _integers_as_int64(name, input, dtype, out):
    """``input`` cast to ``dtype``, then bool/integer to int64 (torch's sum and prod)."""
    refuse_out(name, out)
    x = _cast(as_array(input), dtype)
    return ops.astype(x, np.int64) if x.dtype.kind in "biu" else x


def torch_sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """Sum over ``dim`` (torch): bool and integer inputs give int64.

    Example:
        >>> ft.sum(ft.ones((2, 3)), dim=1, keepdim=True).shape
        (2, 1)
    """
    x = _integers_as_int64("sum", input, dtype, out)
    return ops.sum(x, dims(_dim_or_all(dim), x.ndim, "sum"), keepdims=keepdim)


def torch_prod(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """Product over one ``dim`` (all when None); integer/bool inputs give int64."""
    x = _integers_as_int64("prod", input, dtype, out)
    return ops.prod(x, None if dim is None else one_dim(dim, x.ndim, "prod"), keepdims=keepdim)


def torch_mean(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """Mean over ``dim``; integer inputs are refused as torch does (pass ``dtype=``)."""
    refuse_out("mean", out)
    x = A.require_float(_cast(as_array(input), dtype), "mean")
    return ops.mean(x, dims(_dim_or_all(dim), x.ndim, "mean"), keepdims=keepdim)


def torch_nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """Mean of the non-NaN elements over ``dim`` (torch spelling of ``ft.nanmean``)."""
    refuse_out("nanmean", out)
    x = A.require_float(_cast(as_array(input), dtype), "nanmean")
    return ops.nanmean(x, dims(_dim_or_all(dim), x.ndim, "nanmean"), keepdims=keepdim)


def torch_nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """Sum treating NaN as 0 over ``dim`` (torch spelling of ``ft.nansum``)."""
    x = _integers_as_int64("nansum", input, dtype, out)
    return ops.nansum(x, dims(_dim_or_all(dim), x.ndim, "nansum"), keepdims=keepdim)


def _ddof(name, dim, unbiased, correction):
    if isinstance(dim, bool):  # torch.std(x, True): the legacy `unbiased` positional
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}(): give `unbiased` or `correction`, not both")
    if correction is not None:
        return dim, correction
    return dim, 1 if unbiased is None or unbiased else 0


def torch_var(input, dim=None, unbiased=None, keepdim=False, *, correction=None,  # noqa: A002
              out=None):
    """Variance over ``dim`` with torch's default ``correction=1`` (Bessel); ``unbiased``
    is the legacy spelling. Integer inputs are refused, as torch does.

    Example:
        >>> ft.var(ft.array([1.0, 2.0, 3.0]), dim=0).item()
        1.0
    """
    refuse_out("var", out)
    dim, ddof = _ddof("var", dim, unbiased, correction)
    x = A.require_float(input, "var", "std and var only support floating point and complex "
                        "dtypes, got {dtype}")
    return ops.var(x, dims(_dim_or_all(dim), x.ndim, "var"), ddof=ddof, keepdims=keepdim)


def torch_std(input, dim=None, unbiased=None, keepdim=False, *, correction=None,  # noqa: A002
              out=None):
    """Standard deviation over ``dim``, torch's default ``correction=1``."""
    refuse_out("std", out)
    dim, ddof = _ddof("std", dim, unbiased, correction)
    x = A.require_float(input, "std", "std and var only support floating point and complex "
                        "dtypes, got {dtype}")
    return ops.std(x, dims(_dim_or_all(dim), x.ndim, "std"), ddof=ddof, keepdims=keepdim)


def var_mean(input: ArrayLike, dim: Axis = None, unbiased: bool | None = None,  # noqa: A002
             keepdim: bool = False, *, correction: int | float | None = None) -> Any:
    """``(var, mean)`` over ``dim`` (torch), ``correction=1`` by default.

    Args:
        input: a floating or complex array.
        dim: an int, a tuple of ints, or None (all); a bool here is torch's positional
            ``unbiased``.
        unbiased: torch's older spelling: True is ``correction=1``, False ``correction=0``.
        keepdim: keep the reduced axes with length 1.
        correction: the divisor is ``N - correction``.

    Returns:
        A ``(var, mean)`` pair of arrays with ``dim`` reduced.

    Example:
        >>> v, m = ft.var_mean(ft.array([1.0, 3.0]))
    """
    return (torch_var(input, dim, unbiased, keepdim, correction=correction),
            torch_mean(input, None if isinstance(dim, bool) else dim, keepdim))


def std_mean(input: ArrayLike, dim: Axis = None, unbiased: bool | None = None,  # noqa: A002
             keepdim: bool = False, *, correction: int | float | None = None) -> Any:
    """``(std, mean)`` over ``dim`` (torch), ``correction=1`` by default.

    Args:
        input, dim, unbiased, keepdim, correction: as in :func:`var_mean`.

    Returns:
        A ``(std, mean)`` pair of arrays with ``dim`` reduced.

    Example:
        >>> s, m = ft.std_mean(ft.array([1.0, 3.0]))
    """
    return (torch_std(input, dim, unbiased, keepdim, correction=correction),
            torch_mean(input, None if isinstance(dim, bool) else dim, keepdim))


def _keep(x, axis, keepdim):
    return x if keepdim else ops.squeeze(x, axis=axis)


def _select(x, index, axis, keepdim):
    """``x`` at ``index`` (keepdims-shaped) along ``axis``: values get the gradient of
    exactly the selected element, as torch's indexed reductions."""
    return _keep(ops.take_along_axis(x, index, axis), axis, keepdim)


def _extreme(name, arg, combine):
    def extreme(input, dim=None, keepdim=False, *, out=None):  # noqa: A002
        refuse_out(name, out)
        x = as_array(input)
        if dim is None:
            return ops.max(x) if name == "max" else ops.min(x)
        if isinstance(dim, Array):
            return combine(x, dim)  # torch.max(x, other): elementwise
        axis = one_dim(dim, x.ndim, name)
        if not x.ndim:
            return returns(name, x, ops.zeros((), dtype=np.int64))
        index = ops.expand_dims(arg(x, axis), axis)
        return returns(name, _select(x, index, axis, keepdim), _keep(index, axis, keepdim))
    extreme.__name__ = extreme.__qualname__ = name
    extreme.__doc__ = (f"torch.{name}: the {name} of all elements; with ``dim``, a named tuple "
                       f"``(values, indices)``; with an array ``other``, the elementwise "
                       f"{name}imum.\n\n    Example:\n"
                       f"        >>> x = ft.array([[1.0, 0.0, 3.0], [4.0, 5.0, 6.0]])"
                       f"\n        >>> ft.{name}(x, dim=1).indices.tolist()\n        "
                       f"{'[2, 2]' if name == 'max' else '[1, 0]'}")
    return extreme


torch_max = _extreme("max", ops.argmax, ops.maximum)
torch_min = _extreme("min", ops.argmin, ops.minimum)


def _over_dims(name, reduce, default, summary):
    def over_dims(input, dim=default, keepdim=False, *, out=None):  # noqa: A002
        refuse_out(name, out)
        x = as_array(input)
        return reduce(x, dims(_dim_or_all(dim), x.ndim, name), keepdims=keepdim)
    over_dims.__name__ = over_dims.__qualname__ = name
    over_dims.__doc__ = f"torch.{name}: {summary} over ``dim`` (all when None or ``()``)."
    return over_dims


torch_amax = _over_dims("amax", ops.max, (), "the maximum")
torch_amin = _over_dims("amin", ops.min, (), "the minimum")


def aminmax(input: ArrayLike, *, dim: Axis = None, keepdim: bool = False) -> Any:  # noqa: A002
    """``(min, max)`` over ``dim`` (all when None), a named tuple as in torch.

    Args:
        input: an array-like.
        dim: an int, a tuple of ints, or None (all).
        keepdim: keep the reduced axes with length 1.

    Returns:
        A ``(min, max)`` named tuple of arrays with ``dim`` reduced.

    Example:
        >>> ft.aminmax(ft.array([3.0, 1.0, 2.0])).max.item()
        3.0
    """
    return returns("aminmax", torch_amin(input, () if dim is None else dim, keepdim),
                   torch_amax(input, () if dim is None else dim, keepdim))


def _arg(name, reduce):
    def arg(input, dim=None, keepdim=False):  # noqa: A002
        x = as_array(input)
        if dim is None:
            out = reduce(x)
            return ops.reshape(out, (1,) * x.ndim) if keepdim else out
        return reduce(x, one_dim(dim, x.ndim, name), keepdims=keepdim) if x.ndim else \
            ops.zeros((), dtype=np.int64)
    arg.__name__ = arg.__qualname__ = name
    arg.__doc__ = f"torch.{name}: indices of the {name[3:]} along ``dim`` (flattened if None)."
    return arg


torch_argmax = _arg("argmax", ops.argmax)
torch_argmin = _arg("argmin", ops.argmin)


torch_all = _over_dims("all", ops.all, None, "whether all elements are true")
torch_any = _over_dims("any", ops.any, None, "whether any element is true")


def torch_logsumexp(input, dim, keepdim=False, *, out=None):  # noqa: A002
    """``log(sum(exp(input)))`` over ``dim``, stably; integers give the default float."""
    refuse_out("logsumexp", out)
    x = A.to_float(input)
    return ops.logsumexp(x, dims(_dim_or_all(dim), x.ndim, "logsumexp"), keepdims=keepdim)


def torch_count_nonzero(input, dim=None):  # noqa: A002
    """Number of non-zero elements over ``dim`` (torch)."""
    x = as_array(input)
    return ops.count_nonzero(x, dims(dim, x.ndim, "count_nonzero"))


def _cumulative(name, fn):
    def cumulative(input, dim, *, dtype=None, out=None):  # noqa: A002
        x = _integers_as_int64(name, input, dtype, out)
        if not x.ndim:
            one_dim(dim, 0, name)
            return x
        return fn(x, one_dim(dim, x.ndim, name))
    cumulative.__name__ = cumulative.__qualname__ = name
    cumulative.__doc__ = f"torch.{name} along ``dim``; integer/bool inputs give int64."
    return cumulative


torch_cumsum = _cumulative("cumsum", ops.cumsum)
torch_cumprod = _cumulative("cumprod", ops.cumprod)


__all__ = ["var_mean", "std_mean", "aminmax"]
