"""PyTorch's ``Tensor`` methods on :class:`funtorch.Array`, each the method form of a
torch spelling in :mod:`funtorch.ops.torch_functions` (no maths here).

Methods that NumPy also calls (``x.sum``, ``x.max``, ``x.std``, ``x.sort``,
``x.squeeze``, ``x.repeat``...) keep their NumPy meaning when called without arguments or
with a NumPy keyword (``axis=``, ``keepdims=``, ``ddof=``, ``out=``; ``np.sum(x)`` passes
them), and take torch's otherwise: ``x.max(1)`` and ``x.max(dim=1)`` are
``(values, indices)``, ``x.std(0)`` is the unbiased one, ``x.repeat(2, 3)`` tiles.

The methods with no function to forward to live in :mod:`~funtorch.ops.tensor_methods_info`
(size, dtype, ``new_*``) and :mod:`~funtorch.ops.tensor_methods_math`. The forwarding ones
get their docstring (and signature) from the function they call
(:mod:`funtorch.ops.torch_method_docs`; at import the docstrings come from the table
:mod:`funtorch.ops.doc_cache` reads, the code that writes them runs for a missing one).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from funtorch.core import Array
from funtorch.ops import methods as _numpy_methods  # noqa: F401  (attach NumPy methods first)
from funtorch import ops
from funtorch.ops import torch_functions as T
from funtorch.ops import tensor_methods_info, tensor_methods_math, torch_shape
from funtorch.ops.doc_cache import doc
from funtorch.ops.torch_args import NUMPY_KEYS, shape_args
from funtorch.ops.torch_method_docs import method_doc, method_signature

# methods that exist with NumPy's meaning: torch's when called torch-style
_CLASHING = {
    "sum": "sum", "mean": "mean", "var": "var", "std": "std", "prod": "prod", "max": "max",
    "min": "min", "argmax": "argmax", "argmin": "argmin", "cumsum": "cumsum", "all": "all",
    "any": "any", "logsumexp": "logsumexp", "squeeze": "squeeze", "flip": "flip",
    "sort": "sort", "argsort": "argsort",
}

# new methods that are ``ft.<name>(self, *args, **kwargs)`` of the torch spelling
_FORWARDED = """absolute acos acosh add addbmm addcdiv addcmul addmm addmv addr adjoint allclose
    amax amin aminmax arccos arccosh arcsin arcsinh arctan arctan2 arctanh argwhere asin asinh
    atan atan2 atanh baddbmm bernoulli bincount bitwise_and bitwise_left_shift bitwise_not
    bitwise_or bitwise_right_shift bitwise_xor bmm cholesky cholesky_inverse cholesky_solve
    chunk clamp_max clamp_min clone copysign corrcoef cosh count_nonzero cummax cummin
    cumprod deg2rad det diff diag diag_embed diagflat diagonal diagonal_scatter digamma dist div
    divide dsplit eq erf erfc erfinv exp2 fix fliplr float_power floor_divide fmax fmin fmod
    frac gather gcd ge ger greater greater_equal gt hardshrink heaviside histc hsplit hypot
    i0 igamma igammac index_add index_copy index_fill index_put index_reduce index_select
    inner inverse isclose isfinite isinf isnan isneginf isposinf isreal kron kthvalue lcm
    ldexp le lerp less less_equal lgamma log10 log2 logaddexp logaddexp2 logcumsumexp logdet
    logical_and logical_not logical_or logical_xor logit lstsq lt lu masked_fill
    masked_scatter masked_select matrix_exp matrix_power median mm mode movedim msort mul
    multinomial multiply mv mvlgamma nan_to_num nanmean nanmedian nansum narrow ne neg
    negative nextafter norm not_equal outer pinverse positive pow prelu qr rad2deg relu
    remainder repeat_interleave roll rot90 rsqrt scatter scatter_add scatter_reduce select
    select_scatter signbit sinc sinh slice_scatter slogdet solve split split_with_sizes sub
    subtract svd swapdims t take_along_dim tensor_split topk trace triangular_solve tril
    triu true_divide trunc unbind unflatten unique_consecutive vdot vsplit xlogy
    softmax log_softmax geqrf orgqr ormqr""".split()


def _torch_spelling(name: str) -> Callable[..., Any]:
    if name == "select":  # ``ft.select`` is NumPy's (condlist, choicelist): torch's is here
        return torch_shape.select
    fn = getattr(T, name, None) or getattr(ops, name)
    return getattr(fn, "torch_spelling", fn)


def _as_first(fn: Callable[..., Any]) -> str:
    """`` with this array as ``input``` (the name of ``fn``'s first parameter), or nothing
    when ``fn`` takes ``*args``."""
    first = next(iter(inspect.signature(fn).parameters.values()), None)
    return "" if first is None or first.kind is first.VAR_POSITIONAL else \
        f" with this array as ``{first.name}``"


def _forward(name: str) -> Callable[..., Any]:
    fn = _torch_spelling(name)

    def method(self: Array, *args: Any, **kwargs: Any) -> Any:
        return fn(self, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = doc(f"tensor_methods.{name}", lambda: method_doc(
        name, fn, f"``x.{name}(...)`` calls torch's ``{name}``{_as_first(fn)}: "))
    signature = method_signature(fn)
    if signature is not None:
        method.__signature__ = signature  # type: ignore[attr-defined]
    return method


# ``x.sort()``: torch's ``(values, indices)`` even without arguments (NumPy's own
# ``np.sort`` never calls the method); the argument-free reductions stay NumPy's
_BARE_IS_TORCH = {"sort", "argsort"}


def _clashing(name: str, numpy_method: Callable[..., Any]) -> Callable[..., Any]:
    torch_fn = _torch_spelling(name)
    bare_is_numpy = name not in _BARE_IS_TORCH

    def method(self: Array, *args: Any, **kwargs: Any) -> Any:
        if (bare_is_numpy and not args and not kwargs) or kwargs.keys() & NUMPY_KEYS or \
                "out" in kwargs:
            return numpy_method(self, *args, **kwargs)
        return torch_fn(self, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = doc(f"tensor_methods.{name}", lambda: method_doc(
        name, torch_fn, f"``x.{name}(...)``: torch's ``{name}`` for positional or torch keyword "
        f"arguments, NumPy's ``ndarray.{name}`` with {'no arguments or ' * bare_is_numpy}NumPy "
        f"keywords (``np.{name}(x)`` passes them). Torch's,{_as_first(torch_fn)}: ",
        f"**kwargs: NumPy's keywords (``axis``, ``keepdims``, ``dtype``, ``out``...) select "
        f"NumPy's\n    ``ndarray.{name}`` (the torch keywords above select torch's)."))
    return method


def _repeat(numpy_method: Callable[..., Array]) -> Callable[..., Array]:
    def repeat(self: Array, *sizes: Any, **kwargs: Any) -> Array:
        """torch's ``x.repeat(*sizes)`` (tile); NumPy's ``repeat`` with ``axis=`` given (as
        ``np.repeat(x, n)`` calls it).

        Args:
            *sizes: torch's repetitions per axis (ints or one sequence; more of them than
                this array has axes add leading axes), or NumPy's ``repeats``.
            **kwargs: ``axis`` (or ``repeats``) selects NumPy's element-wise ``repeat``.

        Returns:
            torch's: this array tiled, of shape ``sizes`` times its shape (padded with
            leading 1s); NumPy's: each element repeated along ``axis``.

        Example:
            >>> x = ft.array([1, 2])
            >>> x.repeat(2).tolist(), x.repeat(2, 1).shape, x.repeat(2, axis=0).tolist()
            ([1, 2, 1, 2], (2, 2), [1, 1, 2, 2])
        """
        if "axis" in kwargs or "repeats" in kwargs:
            return numpy_method(self, *sizes, **kwargs)
        return ops.tile(self, shape_args(sizes, "repeat"))
    return repeat


# methods with no function of the same meaning to forward to; attached over NumPy's for
# these names (``x.nonzero()`` is torch's (n, ndim) array, not NumPy's tuple)
_EXTRA = {**tensor_methods_info.METHODS, **tensor_methods_math.METHODS}
_OVER_NUMPY = ("nonzero", "where", "tile", "put", "unique", "cross", "cov", "histogram", "frexp")


def attach():
    for name in _FORWARDED:
        if not hasattr(Array, name):
            setattr(Array, name, _forward(name))
    for name in _CLASHING:
        setattr(Array, name, _clashing(name, getattr(Array, name)))
    Array.repeat = _repeat(Array.repeat)
    for name, fn in _EXTRA.items():
        if not hasattr(Array, name) or name in _OVER_NUMPY:
            setattr(Array, name, fn)


attach()
