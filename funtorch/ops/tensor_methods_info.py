"""torch's ``Tensor`` methods about an array's size and dtype, and those making new arrays
like it (``x.dim()``, ``x.is_floating_point()``, ``x.new_zeros(...)``, ``x.int()``...):
:mod:`funtorch.ops.tensor_methods` attaches :data:`METHODS` to :class:`funtorch.Array`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np

from funtorch import ops
from funtorch.core import Array
from funtorch.ops.torch_args import as_array, shape_args
from funtorch.typing import ArrayLike, DTypeLike


def _dim(self: Array) -> int:
    """The number of dimensions (torch's ``x.dim()``, ``x.ndimension()``).

    Returns:
        ``x.ndim``, an int.

    Example:
        >>> ft.zeros((2, 3)).dim()
        2
    """
    return self.ndim


def _numel(self: Array) -> int:
    """The number of elements (torch's ``x.numel()``, ``x.nelement()``).

    Returns:
        ``x.size``, an int (1 for a 0-d array).

    Example:
        >>> ft.zeros((2, 3)).numel()
        6
    """
    return self.size


def _is_floating_point(self: Array) -> bool:
    """Whether the dtype is a real floating dtype.

    Returns:
        True for float16/32/64, False for integer, bool and complex dtypes.

    Example:
        >>> ft.array([1.0]).is_floating_point(), ft.array([1]).is_floating_point()
        (True, False)
    """
    return self.dtype.kind == "f"


def _is_signed(self: Array) -> bool:
    """Whether the dtype is a signed integer or floating dtype.

    Returns:
        True for signed integers and floats, False for unsigned integers, bool and complex.

    Example:
        >>> ft.array([1]).is_signed(), ft.array([True]).is_signed()
        (True, False)
    """
    return self.dtype.kind in "if"


def _is_same_size(self: Array, other: ArrayLike) -> bool:
    """Whether ``other`` has this array's shape.

    Args:
        other: an array-like.

    Returns:
        True when the shapes are equal (the dtypes may differ).

    Example:
        >>> ft.zeros((2, 3)).is_same_size(ft.ones((2, 3)))
        True
    """
    return self.shape == as_array(other).shape


def _is_nonzero(self: Array) -> bool:
    """Whether the single element is non-zero (torch's ``x.is_nonzero()``).

    Returns:
        A Python bool.

    Raises:
        RuntimeError: the array has more than one element.

    Example:
        >>> ft.array([2.0]).is_nonzero(), ft.array(0.0).is_nonzero()
        (True, False)
    """
    if self.size != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(self.item())


def _is_distributed(self: Array) -> bool:
    """Always ``False``: an array lives on one device.

    Returns:
        False.

    Example:
        >>> ft.zeros(2).is_distributed()
        False
    """
    return False


def _equal(self: Array, other: ArrayLike) -> bool:
    """Whether both have the same shape and elements (a Python bool, torch.equal).

    Args:
        other: an array-like (compared after conversion, so its dtype may differ).

    Returns:
        True when the shapes match and every element is equal.

    Example:
        >>> x = ft.array([1, 2])
        >>> x.equal(ft.array([1, 2])), x.equal([1, 3]), x.equal([[1, 2]])
        (True, False, False)
    """
    other = as_array(other)
    return self.shape == other.shape and bool(ops.all(ops.equal(self, other)).item())


def _new(name: str, factory: Callable[..., Array], fill: str,
         example: str) -> Callable[..., Array]:
    def new(self: Array, *size: Any, dtype: DTypeLike = None, device: Any = None,
            requires_grad: bool = False, **kwargs: Any) -> Array:
        out = factory(shape_args(size, "new"), dtype or self.dtype, **kwargs)
        return out if device is None else ops.device_put(out, device)
    new.__name__ = new.__qualname__ = name
    new.__doc__ = f"""A new array {fill} of ``size`` with this array's dtype (torch's
    ``x.{name}``).

    Args:
        *size: the shape, as ints or one sequence.
        dtype: the dtype (None: this array's).
        device: the device to put the result on (None: the default one).
        requires_grad: accepted for torch compatibility (no effect).
        **kwargs: passed to the filling function.

    Returns:
        An array of shape ``size``.

    Example:
        >>> x = ft.array([1, 2], dtype="int32")
        {example}
    """
    return new


def _new_full(self: Array, size: Sequence[int], fill_value: ArrayLike, dtype: DTypeLike = None,
              device: Any = None, requires_grad: bool = False) -> Array:
    """A new array of shape ``size`` filled with ``fill_value`` (this array's dtype unless
    ``dtype`` is given).

    Args:
        size: the shape, a sequence of ints.
        fill_value: the value of every element.
        dtype: the dtype (None: this array's).
        device: accepted for torch compatibility (no effect).
        requires_grad: accepted for torch compatibility (no effect).

    Returns:
        An array of shape ``size``.

    Example:
        >>> ft.array([1.0]).new_full((2,), 3.0).tolist()
        [3.0, 3.0]
    """
    return ops.full(tuple(size), fill_value, dtype=dtype or self.dtype)


def _new_tensor(self: Array, data: ArrayLike, dtype: DTypeLike = None, device: Any = None,
                requires_grad: bool = False) -> Array:
    """A new array of ``data`` with this array's dtype unless ``dtype`` is given.

    Args:
        data: an array-like (nested lists, a NumPy array, an array).
        dtype: the dtype (None: this array's).
        device: accepted for torch compatibility (no effect).
        requires_grad: accepted for torch compatibility (no effect).

    Returns:
        An array of ``data``'s shape.

    Example:
        >>> ft.array([1.5]).new_tensor([1, 2]).tolist()
        [1.0, 2.0]
    """
    return ops.asarray(np.asarray(data) if not isinstance(data, Array) else data,
                       dtype=dtype or self.dtype)


_TYPE_NAMES = {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
               "float16": "torch.HalfTensor", "int64": "torch.LongTensor",
               "int32": "torch.IntTensor", "int16": "torch.ShortTensor",
               "int8": "torch.CharTensor", "uint8": "torch.ByteTensor",
               "bool": "torch.BoolTensor"}


def _type(self: Array, dtype: Any = None, non_blocking: bool = False) -> Any:
    """The type name (``"torch.FloatTensor"``) or, with ``dtype``, the cast array.

    Args:
        dtype: None, a dtype, or a torch type name such as ``"torch.IntTensor"``.
        non_blocking: accepted for torch compatibility (no effect).

    Returns:
        Without ``dtype``, torch's type name of this array's dtype (the dtype's name for a
        dtype torch has no name for); with it, the array cast to that dtype.

    Example:
        >>> x = ft.array([1.5], dtype="float64")
        >>> x.type(), x.type("torch.IntTensor").dtype.name
        ('torch.DoubleTensor', 'int32')
    """
    if dtype is None:
        return _TYPE_NAMES.get(self.dtype.name, self.dtype.name)
    if isinstance(dtype, str):
        names = {v: k for k, v in _TYPE_NAMES.items()}
        dtype = names.get(dtype, dtype)
    return ops.astype(self, dtype)


def _type_as(self: Array, other: ArrayLike) -> Array:
    """The array cast to ``other``'s dtype.

    Args:
        other: an array-like whose dtype is taken.

    Returns:
        An array of this array's shape in ``other``'s dtype.

    Example:
        >>> ft.array([1.5, 2.0]).type_as(ft.array([1], dtype="int32")).tolist()
        [1, 2]
    """
    return ops.astype(self, as_array(other).dtype)


def _view_as(self: Array, other: ArrayLike) -> Array:
    """The array reshaped to ``other``'s shape.

    Args:
        other: an array-like whose shape is taken (of as many elements).

    Returns:
        An array of ``other``'s shape and this array's dtype.

    Example:
        >>> ft.arange(6).view_as(ft.zeros((2, 3))).shape
        (2, 3)
    """
    return ops.reshape(self, as_array(other).shape)


def _expand_as(self: Array, other: ArrayLike) -> Array:
    """The array broadcast to ``other``'s shape.

    Args:
        other: an array-like whose shape this array broadcasts to.

    Returns:
        An array of ``other``'s shape and this array's dtype.

    Example:
        >>> ft.array([1, 2]).expand_as(ft.zeros((2, 2))).tolist()
        [[1, 2], [1, 2]]
    """
    return ops.broadcast_to(self, as_array(other).shape)


def _cast(dtype: type, name: str, values: str) -> Callable[[Array], Array]:
    def method(self: Array) -> Array:
        return ops.astype(self, dtype)
    method.__name__ = name
    dtype_name = np.dtype(dtype).name
    method.__doc__ = f"""The array cast to {dtype_name} (torch's ``x.{name}()``).

    Returns:
        An array of this array's shape and dtype {dtype_name}.

    Example:
        >>> y = ft.array([0.0, 1.5]).{name}()
        >>> y.dtype.name, y.tolist()
        ('{dtype_name}', {values})
    """
    return method


def _unsupported(name: str, why: str) -> Callable[..., NoReturn]:
    def method(self: Array, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{name}(): {why}")
    method.__name__ = name
    method.__doc__ = f"""Refused: {why}.

    Args:
        *args: any (refused all the same).
        **kwargs: any.

    Returns:
        Never: it raises.

    Raises:
        TypeError: always.

    Example:
        >>> ft.zeros(2).{name}()
        Traceback (most recent call last):
        TypeError: {name}(): ...
    """
    return method


def _zeros(shape: Any, dtype: Any) -> Array:
    return ops.zeros(shape, dtype=dtype)


_INTS = "[0, 1]"
METHODS: dict[str, Callable[..., Any]] = {
    "dim": _dim, "ndimension": _dim, "numel": _numel, "nelement": _numel,
    "is_floating_point": _is_floating_point, "is_signed": _is_signed,
    "is_same_size": _is_same_size, "is_nonzero": _is_nonzero,
    "is_distributed": _is_distributed, "equal": _equal,
    "new_zeros": _new("new_zeros", _zeros, "of zeros",
                      ">>> x.new_zeros(2, 3).tolist()\n        [[0, 0, 0], [0, 0, 0]]"),
    "new_ones": _new("new_ones", lambda s, d: ops.ones(s, dtype=d), "of ones",
                     ">>> x.new_ones(2).tolist(), x.new_ones(2).dtype.name\n"
                     "        ([1, 1], 'int32')"),
    "new_empty": _new("new_empty", _zeros, "(of zeros: its values are unspecified)",
                      ">>> x.new_empty((2, 3)).shape\n        (2, 3)"),
    "new": _new("new", _zeros, "(of zeros)",
                ">>> x.new(3).shape, x.new(3).dtype.name\n        ((3,), 'int32')"),
    "new_full": _new_full, "new_tensor": _new_tensor, "type": _type, "type_as": _type_as,
    "view_as": _view_as, "expand_as": _expand_as,
    "bool": _cast(np.bool_, "bool", "[False, True]"), "byte": _cast(np.uint8, "byte", _INTS),
    "char": _cast(np.int8, "char", _INTS), "short": _cast(np.int16, "short", _INTS),
    "int": _cast(np.int32, "int", _INTS),
    "cfloat": _cast(np.complex64, "cfloat", "[0j, (1.5+0j)]"),
    "cdouble": _cast(np.complex128, "cdouble", "[0j, (1.5+0j)]"),
    "qscheme": _unsupported("qscheme", "the array is not quantized (funtorch has no "
                            "quantized arrays), as torch says for a float tensor"),
    "reinforce": _unsupported("reinforce", "reinforce() was removed from torch; use "
                              "torch.distributions instead"),
    "bfloat16": _unsupported("bfloat16", "NumPy has no bfloat16 dtype; use x.half() or "
                             "x.float()"),
}
