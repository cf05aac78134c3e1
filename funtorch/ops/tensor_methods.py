"""PyTorch's ``Tensor`` methods on :class:`funtorch.Array`, each the method form of a
torch spelling in :mod:`funtorch.ops.torch_functions` (no maths here).

Methods that NumPy also calls (``x.sum``, ``x.max``, ``x.std``, ``x.sort``,
``x.squeeze``, ``x.repeat``...) keep their NumPy meaning when called without arguments or
with a NumPy keyword (``axis=``, ``keepdims=``, ``ddof=``, ``out=``; ``np.sum(x)`` passes
them), and take torch's otherwise: ``x.max(1)`` and ``x.max(dim=1)`` are
``(values, indices)``, ``x.std(0)`` is the unbiased one, ``x.repeat(2, 3)`` tiles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np

from funtorch.core import Array
from funtorch.ops import methods as _numpy_methods  # noqa: F401  (attach NumPy methods first)
from funtorch import ops
from funtorch.ops import torch_functions as T
from funtorch.ops import torch_linalg, torch_math, torch_shape
from funtorch.ops import torch_numpy_names as N
from funtorch.ops.torch_method_docs import method_doc, method_signature
from funtorch.ops.torch_args import NUMPY_KEYS, as_array, one_dim, returns, shape_args
from funtorch.typing import ArrayLike, DTypeLike

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


def _forward(name: str) -> Callable[..., Any]:
    fn = _torch_spelling(name)

    def method(self: Array, *args: Any, **kwargs: Any) -> Any:
        return fn(self, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = method_doc(name, fn, f"``x.{name}(...)`` is torch's ``{name}(x, ...)``: ")
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
    method.__doc__ = method_doc(
        name, torch_fn, f"``x.{name}(...)``: torch's ``{name}`` for positional or torch keyword "
        f"arguments, NumPy's ``ndarray.{name}`` with {'no arguments or ' * bare_is_numpy}NumPy "
        f"keywords (``np.{name}(x)`` passes them). Torch's: ",
        f"**kwargs: NumPy's keywords (``axis``, ``keepdims``, ``dtype``, ``out``...) select "
        f"NumPy's\n    ``ndarray.{name}`` (the torch keywords above select torch's).")
    return method


def _repeat(numpy_method: Callable[..., Array]) -> Callable[..., Array]:
    def repeat(self: Array, *sizes: Any, **kwargs: Any) -> Array:
        """torch's ``x.repeat(*sizes)`` (tile); NumPy's ``repeat`` with ``axis=`` given (as
        ``np.repeat(x, n)`` calls it)."""
        if "axis" in kwargs or "repeats" in kwargs:
            return numpy_method(self, *sizes, **kwargs)
        return ops.tile(self, shape_args(sizes, "repeat"))
    return repeat


def _new(factory: Callable[..., Array]) -> Callable[..., Array]:
    def new(self: Array, *size: Any, dtype: DTypeLike = None, device: Any = None,
            requires_grad: bool = False, **kwargs: Any) -> Array:
        out = factory(shape_args(size, "new"), dtype or self.dtype, **kwargs)
        return out if device is None else ops.device_put(out, device)
    new.__doc__ = "A new array of ``size`` with this array's dtype (torch's ``new_*``)."
    return new


def _new_tensor(self: Array, data: ArrayLike, dtype: DTypeLike = None, device: Any = None,
                requires_grad: bool = False) -> Array:
    """A new array of ``data`` with this array's dtype unless ``dtype`` is given."""
    return ops.asarray(np.asarray(data) if not isinstance(data, Array) else data,
                       dtype=dtype or self.dtype)


_TYPE_NAMES = {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
               "float16": "torch.HalfTensor", "int64": "torch.LongTensor",
               "int32": "torch.IntTensor", "int16": "torch.ShortTensor",
               "int8": "torch.CharTensor", "uint8": "torch.ByteTensor",
               "bool": "torch.BoolTensor"}


def _type(self: Array, dtype: Any = None, non_blocking: bool = False) -> Any:
    """The type name (``"torch.FloatTensor"``) or, with ``dtype``, the cast array."""
    if dtype is None:
        return _TYPE_NAMES.get(self.dtype.name, self.dtype.name)
    if isinstance(dtype, str):
        names = {v: k for k, v in _TYPE_NAMES.items()}
        dtype = names.get(dtype, dtype)
    return ops.astype(self, dtype)


def _frexp(self: Array) -> Any:
    """``(mantissa, exponent)`` with ``x = mantissa * 2 ** exponent``."""
    mantissa, exponent = ops.frexp(self)
    return returns("frexp", mantissa, ops.astype(exponent, np.int32))


def _renorm(self: Array, p: float, dim: int, maxnorm: float) -> Array:
    """Rescale each slice along ``dim`` whose p-norm exceeds ``maxnorm`` to ``maxnorm``."""
    axis = one_dim(dim, self.ndim, "renorm")
    others = tuple(i for i in range(self.ndim) if i != axis)
    norms = torch_linalg.norm(self, p, others, keepdim=True)
    return self * ops.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)


def _unfold(self: Array, dimension: int, size: int, step: int) -> Array:
    """All slices of ``size`` elements, ``step`` apart, along ``dimension`` (a new last
    dim holds each slice)."""
    axis = one_dim(dimension, self.ndim, "unfold")
    windows = ops.sliding_window_view(self, size, axis=axis)
    index = [slice(None)] * windows.ndim
    index[axis] = slice(None, None, step)
    return windows[tuple(index)]


def _sum_to_size(self: Array, *size: Any) -> Array:
    """Sum over the dims that broadcasting ``size`` to this shape expanded."""
    size = shape_args(size, "sum_to_size")
    lead = self.ndim - len(size)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(size)
                                      if n == 1 and self.shape[lead + i] != 1)
    return ops.reshape(ops.sum(self, axes), size) if axes else self


def _equal(self: Array, other: ArrayLike) -> bool:
    """Whether both have the same shape and elements (a Python bool, torch.equal)."""
    other = as_array(other)
    return self.shape == other.shape and bool(ops.all(ops.equal(self, other)).item())


def _is_nonzero(self: Array) -> bool:
    """Whether the single element is non-zero (torch's ``x.is_nonzero()``)."""
    if self.size != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(self.item())


def _symeig(self: Array, eigenvectors: bool = False, upper: bool = True) -> Any:
    """Eigenvalues (ascending) and, with ``eigenvectors``, vectors of a symmetric matrix."""
    import funtorch.linalg as linalg
    values, vectors = linalg.eigh(self, UPLO="U" if upper else "L")
    return values, (vectors if eigenvectors else ops.zeros((0,), self.dtype))


def _lu_solve(self: Array, LU_data: ArrayLike,  # noqa: N803 - torch's names
              LU_pivots: ArrayLike) -> Array:
    """Solve ``A X = self`` from ``torch.lu``'s packed factors and 1-based pivots."""
    import funtorch.scipy.linalg as scipy_linalg
    return scipy_linalg.lu_solve((LU_data, ops.astype(LU_pivots, np.int64) - 1), self)


def _unsupported(name: str, why: str) -> Callable[..., NoReturn]:
    def method(self: Array, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{name}(): {why}")
    method.__name__ = name
    method.__doc__ = f"Refused: {why}."
    return method


def _dim(self: Array) -> int:
    """The number of dimensions (torch's ``x.dim()``, ``x.ndimension()``)."""
    return self.ndim


def _numel(self: Array) -> int:
    """The number of elements (torch's ``x.numel()``, ``x.nelement()``)."""
    return self.size


def _is_floating_point(self: Array) -> bool:
    """Whether the dtype is a real floating dtype."""
    return self.dtype.kind == "f"


def _is_signed(self: Array) -> bool:
    """Whether the dtype is a signed integer or floating dtype."""
    return self.dtype.kind in "if"


def _is_same_size(self: Array, other: ArrayLike) -> bool:
    """Whether ``other`` has this array's shape."""
    return self.shape == as_array(other).shape


def _is_distributed(self: Array) -> bool:
    """Always ``False``: an array lives on one device."""
    return False


def _new_full(self: Array, size: Sequence[int], fill_value: ArrayLike, dtype: DTypeLike = None,
              device: Any = None, requires_grad: bool = False) -> Array:
    """A new array of shape ``size`` filled with ``fill_value`` (this array's dtype unless
    ``dtype`` is given)."""
    return ops.full(tuple(size), fill_value, dtype=dtype or self.dtype)


def _type_as(self: Array, other: ArrayLike) -> Array:
    """The array cast to ``other``'s dtype."""
    return ops.astype(self, as_array(other).dtype)


def _view_as(self: Array, other: ArrayLike) -> Array:
    """The array reshaped to ``other``'s shape."""
    return ops.reshape(self, as_array(other).shape)


def _expand_as(self: Array, other: ArrayLike) -> Array:
    """The array broadcast to ``other``'s shape."""
    return ops.broadcast_to(self, as_array(other).shape)


def _cast(dtype: type, name: str) -> Callable[[Array], Array]:
    def method(self: Array) -> Array:
        return ops.astype(self, dtype)
    method.__name__ = name
    method.__doc__ = f"The array cast to {np.dtype(dtype).name} (torch's ``x.{name}()``)."
    return method


def _narrow_copy(self: Array, dim: int, start: int, length: int) -> Array:
    """``length`` entries along ``dim`` from ``start`` (torch's ``x.narrow_copy``)."""
    return torch_shape.narrow(self, dim, start, length)


def _polygamma(self: Array, n: int) -> Array:
    """The ``n``-th derivative of the digamma function at each element."""
    return torch_math.polygamma(n, self)


def _where(self: Array, condition: ArrayLike, y: ArrayLike) -> Array:
    """This array where ``condition`` holds, ``y`` elsewhere (torch's ``x.where(c, y)``)."""
    return ops.where(condition, self, y)


def _tile(self: Array, *dims: Any) -> Array:
    """The array repeated ``dims`` times along each axis (``ft.tile``)."""
    return ops.tile(self, shape_args(dims, "tile"))


def _put(self: Array, index: ArrayLike, source: ArrayLike, accumulate: bool = False) -> Array:
    """A copy with ``source`` written (or added) at the flat positions ``index``."""
    return T.torch_index.torch_put(self, index, source, accumulate)


def _eig(self: Array) -> tuple[Array, Array]:
    """Eigenvalues and eigenvectors of a square matrix (``ft.linalg.eig``)."""
    from funtorch.linalg import eig  # at call time: funtorch.linalg imports this module's ops
    return eig(self)


_EXTRA = {
    "dim": _dim, "ndimension": _dim, "numel": _numel, "nelement": _numel,
    "is_floating_point": _is_floating_point, "is_signed": _is_signed,
    "is_same_size": _is_same_size, "is_nonzero": _is_nonzero,
    "is_distributed": _is_distributed, "equal": _equal,
    "new_zeros": _new(lambda s, d: ops.zeros(s, dtype=d)),
    "new_ones": _new(lambda s, d: ops.ones(s, dtype=d)),
    "new_empty": _new(lambda s, d: ops.zeros(s, dtype=d)),
    "new": _new(lambda s, d: ops.zeros(s, dtype=d)),
    "new_full": _new_full, "new_tensor": _new_tensor, "type": _type, "type_as": _type_as,
    "view_as": _view_as, "expand_as": _expand_as, "bool": _cast(np.bool_, "bool"),
    "byte": _cast(np.uint8, "byte"), "char": _cast(np.int8, "char"),
    "short": _cast(np.int16, "short"), "int": _cast(np.int32, "int"),
    "cfloat": _cast(np.complex64, "cfloat"), "cdouble": _cast(np.complex128, "cdouble"),
    "nonzero": N.torch_nonzero, "unique": N.torch_unique, "cross": N.torch_cross,
    "cov": N.torch_cov, "histogram": N.torch_histogram, "frexp": _frexp, "renorm": _renorm, "unfold": _unfold,
    "sum_to_size": _sum_to_size, "symeig": _symeig, "lu_solve": _lu_solve,
    "narrow_copy": _narrow_copy, "polygamma": _polygamma, "where": _where, "tile": _tile,
    "put": _put, "eig": _eig,
    "qscheme": _unsupported("qscheme", "the array is not quantized (funtorch has no "
                            "quantized arrays), as torch says for a float tensor"),
    "reinforce": _unsupported("reinforce", "reinforce() was removed from torch; use "
                              "torch.distributions instead"),
    "bfloat16": _unsupported("bfloat16", "NumPy has no bfloat16 dtype; use x.half() or "
                             "x.float()"),
}


def attach():
    for name in _FORWARDED:
        if not hasattr(Array, name):
            setattr(Array, name, _forward(name))
    for name in _CLASHING:
        setattr(Array, name, _clashing(name, getattr(Array, name)))
    Array.repeat = _repeat(Array.repeat)
    for name, fn in _EXTRA.items():
        if not hasattr(Array, name) or name in ("nonzero", "where", "tile", "put", "unique",
                                                "cross", "cov", "histogram", "frexp"):
            setattr(Array, name, fn)


attach()
