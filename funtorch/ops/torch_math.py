"""Torch spellings of elementwise maths and comparisons (``sub``, ``div``, ``lerp``,
``clamp_min``...), each one line over the NumPy-style functions; the fused BLAS forms
(:mod:`.torch_math_blas`) and special functions (:mod:`.torch_math_special`) are
re-exported from here.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops.torch_args import as_array, refuse_out, to_float
from funtorch.ops.torch_math_blas import _alpha, addbmm, addcdiv, addcmul, addmm, addmv, addr, \
    baddbmm, ger, mv
from funtorch.ops.torch_math_special import digamma, erfc, erfinv, igamma, igammac, lgamma, \
    logit, mvlgamma, polygamma, xlogy
from funtorch.typing import Array, ArrayLike, Axis, DTypeLike


def torch_add(input, other, *, alpha=1, out=None):  # noqa: A002
    """``input + alpha * other`` (torch.add).

    Example:
        >>> ft.add(ft.array([1.0]), ft.array([2.0]), alpha=3)
        array([7.])
    """
    refuse_out("add", out)
    return ops.add(input, _alpha(other, alpha))


def sub(input: ArrayLike, other: ArrayLike, *, alpha: ArrayLike = 1,  # noqa: A002
        out: Any = None) -> Array:
    """``input - alpha * other`` (torch.sub).

    Args:
        input: an array-like.
        other: an array-like or scalar broadcasting with ``input``.
        alpha: the scale of ``other``.
        out: unsupported (must be None).

    Returns:
        An array of the broadcast shape and promoted dtype.

    Example:
        >>> ft.sub(ft.array([5.0]), 1.0, alpha=2)
        array([3.])
    """
    refuse_out("sub", out)
    return ops.subtract(input, _alpha(other, alpha))


def mul(input: ArrayLike, other: ArrayLike, *, out: Any = None) -> Array:  # noqa: A002
    """``input * other`` (torch.mul).

    Args:
        input: an array-like.
        other: an array-like or scalar broadcasting with ``input``.
        out: unsupported (must be None).

    Returns:
        An array of the broadcast shape and promoted dtype.

    Example:
        >>> ft.mul(ft.array([1.0, 2.0]), 3).tolist()
        [3.0, 6.0]
    """
    refuse_out("mul", out)
    return ops.multiply(input, other)


def div(input: ArrayLike, other: ArrayLike, *, rounding_mode: str | None = None,  # noqa: A002
        out: Any = None) -> Array:
    """``input / other``: true division (integers give the default float, as torch), or
    ``rounding_mode="trunc"``/``"floor"`` in the inputs' dtype.

    Args:
        input: the dividend, an array-like.
        other: the divisor, an array-like or scalar broadcasting with ``input``.
        rounding_mode: None (true division), ``"trunc"`` (round towards zero) or
            ``"floor"`` (round down).
        out: unsupported (must be None).

    Returns:
        An array of the broadcast shape: floating for true division, the promoted dtype of
        the inputs when rounding.

    Raises:
        ValueError: ``rounding_mode`` is not None, ``"trunc"`` or ``"floor"``.

    Example:
        >>> ft.div(ft.array([-7]), 2, rounding_mode="trunc")
        array([-3])
    """
    refuse_out("div", out)
    if rounding_mode is None:
        return ops.divide(input, other)
    if rounding_mode == "floor":
        return ops.floor_divide(input, other)
    if rounding_mode != "trunc":
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                         f"but found {rounding_mode!r}")
    quotient = ops.divide(input, other)
    dtype = ops.result_type(input, other)
    return ops.astype(ops.trunc(quotient), dtype) if np.dtype(dtype).kind in "iu" \
        else ops.trunc(quotient)


def neg(input: ArrayLike, *, out: Any = None) -> Array:  # noqa: A002
    """``-input`` (torch.neg).

    Args:
        input: an array-like.
        out: unsupported (must be None).

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> ft.neg(ft.array([1, -2])).tolist()
        [-1, 2]
    """
    refuse_out("neg", out)
    return ops.negative(input)


def rsqrt(input: ArrayLike, *, out: Any = None) -> Array:  # noqa: A002
    """``1 / sqrt(input)``; integers give the default float.

    Args:
        input: an array-like.
        out: unsupported (must be None).

    Returns:
        A floating array of ``input``'s shape (NaN for negative elements, inf for 0).

    Example:
        >>> ft.rsqrt(ft.array([4.0]))
        array([0.5])
    """
    refuse_out("rsqrt", out)
    return ops.reciprocal(ops.sqrt(to_float(input)))


def frac(input: ArrayLike, *, out: Any = None) -> Array:  # noqa: A002
    """The fractional part ``input - trunc(input)``, with its sign.

    Args:
        input: an array-like.
        out: unsupported (must be None).

    Returns:
        An array of ``input``'s shape and dtype (zeros for integers).

    Example:
        >>> ft.frac(ft.array([-1.5, 2.25])).tolist()
        [-0.5, 0.25]
    """
    refuse_out("frac", out)
    x = as_array(input)
    return x - ops.trunc(x)


def fix(input: ArrayLike, *, out: Any = None) -> Array:  # noqa: A002
    """Round towards zero (torch's alias of ``trunc``).

    Args:
        input: an array-like (integers come back unchanged).
        out: unsupported (must be None).

    Returns:
        The integer parts, an array of ``input``'s shape and dtype.

    Example:
        >>> ft.fix(ft.array([-1.5, 2.7])).tolist()
        [-1.0, 2.0]
    """
    refuse_out("fix", out)
    return ops.trunc(input)


def sgn(input: ArrayLike) -> Array:  # noqa: A002
    """The sign (real arrays: ``sign``).

    Args:
        input: a real array-like (complex inputs are not supported yet: ``sign`` raises
            TypeError).

    Returns:
        -1, 0 or 1 per element, an array of ``input``'s shape and dtype.

    Example:
        >>> ft.sgn(ft.array([-2.0, 0.0, 3.0])).tolist()
        [-1.0, 0.0, 1.0]
    """
    return ops.sign(input)


def lerp(input: ArrayLike, end: ArrayLike, weight: ArrayLike, *,  # noqa: A002
         out: Any = None) -> Array:
    """``input + weight * (end - input)``.

    Args:
        input: the start, an array-like.
        end: the end, broadcasting with ``input``.
        weight: a scalar or an array broadcasting with both.
        out: unsupported (must be None).

    Returns:
        An array of the broadcast shape and promoted dtype.

    Example:
        >>> ft.lerp(ft.array([0.0]), ft.array([10.0]), 0.25)
        array([2.5])
    """
    refuse_out("lerp", out)
    return ops.add(input, ops.multiply(weight, ops.subtract(end, input)))


def clamp_min(input: ArrayLike, min: ArrayLike) -> Array:  # noqa: A002
    """``max(input, min)`` elementwise.

    Args:
        input: an array-like.
        min: the lower bound, a scalar or an array broadcasting with ``input``.

    Returns:
        An array of the broadcast shape.

    Example:
        >>> ft.clamp_min(ft.array([1.0, 5.0]), 3.0).tolist()
        [3.0, 5.0]
    """
    return ops.clamp(input, min=min)


def clamp_max(input: ArrayLike, max: ArrayLike) -> Array:  # noqa: A002
    """``min(input, max)`` elementwise.

    Args:
        input: an array-like.
        max: the upper bound, a scalar or an array broadcasting with ``input``.

    Returns:
        An array of the broadcast shape.

    Example:
        >>> ft.clamp_max(ft.array([1.0, 5.0]), 3.0).tolist()
        [1.0, 3.0]
    """
    return ops.clamp(input, max=max)


def _comparison(name: str, fn: Callable[..., Array]) -> Callable[..., Array]:
    def compare(input: ArrayLike, other: ArrayLike, *, out: Any = None) -> Array:  # noqa: A002
        refuse_out(name, out)
        return fn(input, other)
    compare.__name__ = compare.__qualname__ = name
    expected = [getattr(operator, name)(v, 2.0) for v in (1.0, 2.0, 3.0)]
    compare.__doc__ = (f"Elementwise ``{name}`` comparison (torch's name of ``{fn.__name__}``)."
                       "\n\nArgs:\n    input: an array.\n    other: an array or a scalar.\n"
                       "    out: unsupported (must be None).\n\n"
                       "Returns:\n    A bool array of the broadcast shape.\n\nRaises:\n"
                       "    TypeError: ``out=`` is given (arrays are immutable).\n\nExample:\n"
                       f"    >>> ft.{name}(ft.array([1.0, 2.0, 3.0]), 2.0).tolist()\n"
                       f"    {expected}")
    return compare


eq = _comparison("eq", ops.equal)
ne = _comparison("ne", ops.not_equal)
lt = _comparison("lt", ops.less)
le = _comparison("le", ops.less_equal)
gt = _comparison("gt", ops.greater)
ge = _comparison("ge", ops.greater_equal)

def fill(input: ArrayLike, value: ArrayLike) -> Array:  # noqa: A002
    """An array shaped and typed like ``input``, full of ``value``.

    Args:
        input: an array-like giving the shape and dtype.
        value: a scalar or an array broadcasting to ``input``'s shape, cast to its dtype.

    Returns:
        An array of ``input``'s shape and dtype.

    Example:
        >>> ft.fill(ft.zeros(2), 7.0).tolist()
        [7.0, 7.0]
    """
    x = as_array(input)
    if hasattr(value, "ndim"):
        return ops.broadcast_to(ops.astype(value, x.dtype), x.shape)
    return ops.full(x.shape, value, dtype=x.dtype)


def _window(name: str, numpy_name: str) -> Callable[..., Array]:
    def window(window_length: int, periodic: bool = True, *, dtype: DTypeLike = None,
               device: Any = None, requires_grad: bool = False, **params: Any) -> Array:
        size = window_length + 1 if periodic and window_length > 1 else window_length
        args = (size, params.pop("beta", 12.0)) if name == "kaiser_window" else (size,)
        if params:
            raise TypeError(f"{name}() got unexpected keyword arguments {sorted(params)}")
        values = getattr(ops, numpy_name)(*args)
        values = values[:window_length] if periodic and window_length > 1 else values
        return ops.asarray(values, dtype=dtype or _default_float())
    window.__name__ = window.__qualname__ = name
    beta = "``beta`` (default 12.0), Kaiser's shape" if name == "kaiser_window" else "none"
    window.__doc__ = (f"torch.{name}: NumPy's ``{numpy_name}`` of ``window_length + 1`` points "
                      f"less the last when ``periodic`` (the default), else ``{numpy_name}``.\n\n"
                      f"Args:\n    window_length: the number of points.\n    periodic: False "
                      f"gives the symmetric window.\n    dtype: the dtype (None: default float)."
                      f"\n    device: ignored (CPU).\n    requires_grad: ignored (a constant)."
                      f"\n    **params: {beta}.\n\nReturns:\n    A 1-d array of ``window_length``"
                      f" points.\n\nRaises:\n    TypeError: an unexpected keyword.\n\nExample:\n"
                      f"    >>> ft.{name}(5, periodic=False)[2].item()  # the centre\n    1.0")
    return window


def _default_float():
    from funtorch.dtypes import get_default_dtype
    return get_default_dtype()


bartlett_window, blackman_window, hamming_window, hann_window, kaiser_window = (
    _window(f"{n}_window", n if n != "hann" else "hanning")
    for n in ("bartlett", "blackman", "hamming", "hann", "kaiser"))


def trapezoid(y: ArrayLike, x: ArrayLike | None = None, *, dx: ArrayLike | float | None = None,
              dim: Axis = -1) -> Array:
    """Trapezoid-rule integral of ``y`` along ``dim`` (torch's names for NumPy's).

    Args:
        y: the sampled values, an array-like.
        x: the sample points along ``dim`` (None: spaced by ``dx``).
        dx: the spacing when ``x`` is None (default 1).
        dim: the axis to integrate along.

    Returns:
        A floating array of ``y``'s shape without ``dim``.

    Example:
        >>> ft.trapz(ft.array([1.0, 2.0, 3.0])).item()  # (1 + 2) / 2 + (2 + 3) / 2
        4.0
        >>> ft.trapz(ft.array([1.0, 2.0, 3.0]), ft.array([0.0, 1.0, 3.0])).item()
        6.5
    """
    return ops.trapezoid(y, x, dx=1.0 if dx is None else dx, axis=dim)


def cumulative_trapezoid(y: ArrayLike, x: ArrayLike | None = None, *,
                         dx: ArrayLike | float | None = None, dim: Axis = -1) -> Array:
    """Running trapezoid-rule integral of ``y`` along ``dim`` (one element shorter).

    Args:
        y: the sampled values, an array-like; integers give the default float.
        x: the sample points along ``dim`` (None: spaced by ``dx``).
        dx: the spacing when ``x`` is None (default 1).
        dim: the axis to integrate along.

    Returns:
        A floating array of ``y``'s shape with ``dim`` one shorter.

    Example:
        >>> ft.cumulative_trapezoid(ft.array([1.0, 2.0, 3.0]))
        array([1.5, 4. ])
    """
    y = to_float(y)
    y = ops.moveaxis(y, dim, -1)
    if x is None:
        steps = 1.0 if dx is None else dx
    else:
        steps = ops.diff(ops.moveaxis(as_array(x), dim, -1) if as_array(x).ndim > 1 else x)
    areas = (y[..., 1:] + y[..., :-1]) * steps / 2
    return ops.moveaxis(ops.cumsum(areas, axis=-1), -1, dim)


def torch_diff(input, n=1, dim=-1, prepend=None, append=None):  # noqa: A002
    """``n``-th forward difference along ``dim`` (torch's names for NumPy's ``diff``)."""
    return ops.diff(input, n, dim, prepend, append)


__all__ = ["trapezoid", "cumulative_trapezoid", "sub", "mul", "div", "neg", "rsqrt", "frac",
           "fix", "sgn", "lerp", "clamp_min", "clamp_max", "addcmul", "addcdiv", "addmm",
           "addmv", "addr", "addbmm", "baddbmm", "mv", "ger", "eq", "ne", "lt", "le", "gt", "ge", "erfc", "erfinv", "digamma",
           "lgamma", "xlogy", "igamma", "igammac", "polygamma", "mvlgamma", "logit", "fill",
           "bartlett_window", "blackman_window", "hamming_window", "hann_window",
           "kaiser_window"]
