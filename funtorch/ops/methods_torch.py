"""The :class:`funtorch.Array` methods of ``ops/methods.py`` that are more than a forward to
one public function: PyTorch's conversions (``x.to``, ``x.float()``, ``x.cpu()``), its
``transpose``/``flatten``/``expand`` spellings, ``x.detach()`` and ``x.T``/``x.mT``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import backends
from funtorch.core import Array
from funtorch.dtypes import float16, float32, float64, int64
from funtorch import ops
from funtorch.ops.reductions import normalize_axis_index


def _to(self: Array, *args: Any, **kwargs: Any) -> Array:
    """This array cast to a dtype and/or moved to a device (PyTorch's ``x.to``).

    Accepts ``x.to("cuda")``, ``x.to(ft.float64)``, ``x.to(other)`` (``other``'s device
    and dtype) and ``x.to(device, dtype)``, and the keywords ``device=`` and ``dtype=``.

    Args:
        *args: a device (a string such as ``"cpu"`` or ``"cuda:0"``, or an ``ft.device``),
            a dtype, or an array whose device and dtype are taken; in any order.
        **kwargs: ``device=`` and ``dtype=``, as the positional forms.

    Returns:
        An array of this array's shape with the new dtype on the new device; this array
        itself when neither changes anything.

    Raises:
        TypeError: a keyword other than ``device`` or ``dtype``.

    Example:
        >>> ft.array([1, 2]).to(ft.float64).tolist()
        [1.0, 2.0]
        >>> ft.array([1, 2]).to("cpu", dtype=ft.float32).dtype
        dtype('float32')
    """
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    if kwargs:
        raise TypeError(f"to(): unexpected keyword arguments {sorted(kwargs)}")
    for arg in args:
        if isinstance(arg, Array):
            device, dtype = arg.device, arg.dtype
        elif isinstance(arg, (str, backends.Device)):
            device = arg
        else:
            dtype = arg
    out = self
    if dtype is not None:
        out = ops.astype(out, dtype)
    if device is not None:
        out = ops.device_put(out, device)
    return out


def _torch_transpose(self: Array, *axes: Any) -> Array:
    """NumPy's ``x.transpose(*perm)``, or PyTorch's ``x.transpose(dim0, dim1)`` (swap two).

    Two axes given as two ints swap those two dimensions, as PyTorch's, whatever the
    array's rank: ``x.transpose(0, 1)`` of a matrix is its transpose (NumPy would read
    ``(0, 1)`` as the identity permutation, a no-op nobody writes on purpose; a ported
    PyTorch script would silently keep the matrix). A permutation as one sequence,
    ``x.transpose((0, 1))``, is NumPy's.

    Args:
        *axes: nothing (reverse all axes), two axes to swap, or a permutation of every
            axis (three or more ints, or one sequence).

    Returns:
        An array of this array's dtype with the axes reordered.

    Example:
        >>> ft.ones((2, 3)).transpose().shape
        (3, 2)
        >>> ft.array([[1.0, 2.0]]).transpose(0, 1).tolist()
        [[1.0], [2.0]]
        >>> ft.ones((2, 3, 4)).transpose(0, 2).shape
        (4, 3, 2)
        >>> ft.ones((2, 3, 4)).transpose((1, 2, 0)).shape
        (3, 4, 2)
    """
    if len(axes) == 1 and not isinstance(axes[0], (int, np.integer)):
        return ops.transpose(self, tuple(axes[0]))
    if not axes:
        return ops.transpose(self)
    if len(axes) == 2:
        return ops.swapaxes(self, axes[0], axes[1])
    return ops.transpose(self, axes)


def _flatten(self: Array, start_dim: int = 0, end_dim: int = -1) -> Array:
    """Flatten dims ``start_dim..end_dim`` into one (all by default, as NumPy's
    ``flatten()``); a 0-d array becomes shape ``(1,)``.

    Args:
        start_dim: the first dimension to flatten (negative counts from the end).
        end_dim: the last dimension to flatten, included.

    Returns:
        An array of this array's dtype with those dimensions merged into one.

    Raises:
        numpy.exceptions.AxisError: a dimension out of range.
        ValueError: ``start_dim`` comes after ``end_dim``.

    Example:
        >>> ft.ones((2, 3, 4)).flatten().shape
        (24,)
        >>> ft.ones((2, 3, 4)).flatten(1).shape
        (2, 12)
    """
    if self.ndim == 0:
        return ops.reshape(self, (1,))
    start = normalize_axis_index(start_dim, self.ndim, "flatten: start_dim")
    end = normalize_axis_index(end_dim, self.ndim, "flatten: end_dim")
    if start > end:
        raise ValueError("flatten: start_dim cannot come after end_dim, got "
                         f"start_dim={start_dim}, end_dim={end_dim}")
    return ops.reshape(self, self.shape[:start] + (-1,) + self.shape[end + 1:])


def _ravel(self: Array) -> Array:
    """The array flattened to one dimension (``x.reshape(-1)``), in C order.

    Returns:
        A 1-D array of this array's size and dtype.

    Example:
        >>> ft.array([[1, 2], [3, 4]]).ravel().tolist()
        [1, 2, 3, 4]
    """
    return ops.reshape(self, (-1,))


def _cpu(self: Array) -> Array:
    """The array on the host (``ft.device_put(x, "cpu")``).

    Returns:
        An array of this array's values, shape and dtype on the CPU (this array when it
        is there already).

    Example:
        >>> ft.array([1.0]).cpu().device
        device(type='cpu')
    """
    return ops.device_put(self, "cpu")


def _cuda(self: Array, device: int | None = None) -> Array:
    """The array on CUDA device ``device`` (default: the current one).

    Args:
        device: the CUDA device index, or None for the current device.

    Returns:
        An array of this array's values, shape and dtype on that GPU.

    Example:
        >>> x = ft.array([1.0, 2.0])
        >>> (x.cuda() if ft.cuda.is_available() else x).tolist()
        [1.0, 2.0]
    """
    return ops.device_put(self, "cuda" if device is None else f"cuda:{int(device)}")


def _cast(name: str, dtype: Any, example: str, shown: str) -> Any:
    """torch's ``x.<name>()``: ``ft.astype(x, dtype)``, with ``example`` showing ``shown``."""
    def cast(self: Array) -> Array:
        return ops.astype(self, dtype)
    cast.__name__ = cast.__qualname__ = name
    cast.__doc__ = (f"The array cast to {dtype} (torch's ``x.{name}()``"
                    + ("; floats truncate towards zero)." if dtype == int64 else ").")
                    + f"\n\nReturns:\n    An array of this array's shape and dtype {dtype}.\n\n"
                    f"Example:\n    >>> {example}\n    {shown}\n")
    return cast


_float = _cast("float", float32, "ft.array([1, 2]).float().dtype", "dtype('float32')")
_double = _cast("double", float64, "ft.array([1.5]).double().dtype", "dtype('float64')")
_half = _cast("half", float16, "ft.array([1.5]).half().tolist()", "[1.5]")
_long = _cast("long", int64, "ft.array([1.7, -1.7]).long().tolist()", "[1, -1]")


def _detach(self: Array) -> Array:
    """The same values cut out of the graph: no gradient flows back (``ft.stop_gradient``).

    Returns:
        An array of this array's values, shape and dtype, a constant to differentiation.

    Example:
        >>> ft.grad(lambda x: (x * x.detach()).sum())(ft.array([3.0])).tolist()
        [3.0]
    """
    return ops.stop_gradient(self)


def _transposed(self: Array) -> Array:
    """``x.T``: the axes reversed."""
    return ops.transpose(self)


def _matrix_transposed(self: Array) -> Array:
    """``x.mT``: the last two axes swapped (a batch of transposed matrices)."""
    return ops.swapaxes(self, -1, -2)


def _expand(self: Array, *shape: Any) -> Array:
    """``x.expand(2, 3)`` or ``x.expand((2, 3))``: broadcast to ``shape`` (torch).

    Args:
        *shape: the target shape, its ints or one tuple; it may add leading dimensions
            and stretch length-1 ones.

    Returns:
        An array of ``shape`` and this array's dtype.

    Raises:
        ValueError: this array's shape does not broadcast to ``shape``.

    Example:
        >>> ft.array([1.0, 2.0]).expand(2, 2).tolist()
        [[1.0, 2.0], [1.0, 2.0]]
    """
    return ops.broadcast_to(
        self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)


EXTRA = {
    "transpose": _torch_transpose, "flatten": _flatten, "ravel": _ravel, "to": _to,
    "cpu": _cpu, "cuda": _cuda, "float": _float, "double": _double, "half": _half,
    "long": _long, "detach": _detach, "T": property(_transposed),
    "mT": property(_matrix_transposed), "expand": _expand,
}
