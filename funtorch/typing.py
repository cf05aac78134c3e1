"""Type aliases for annotating code that uses funtorch (``funtorch.typing``).

The names are what funtorch's own signatures use, so a type checker reading user code
and the library agrees on them:

- :data:`Array`: a funtorch array (:class:`funtorch.Array`, alias ``ft.Tensor``).
- :data:`ArrayLike`: anything a function converts with ``ft.asarray``: arrays, NumPy
  arrays and scalars, Python scalars and (nested) sequences of them.
- :data:`DTypeLike`: a dtype spelling (``ft.float32``, ``np.float64``, ``"int32"``, ``float``).
- :data:`Shape`: a shape, a tuple of ints (``x.shape``); :data:`ShapeLike` also takes one int.
- :data:`Axis`: ``None`` (all axes), one axis, or a tuple of axes.
- :data:`PyTree`: a nested container (tuple, list, dict, registered node) of leaves.
- :data:`Key`: an explicit PRNG key from ``ft.random.key`` (an ``Array`` of uint32).
- :class:`ValuesIndices`: torch's ``(values, indices)`` results (``ft.max(x, dim=1)``,
  ``ft.topk``, ``ft.sort(x, dim=0)``, ``x.max(1)``).

``P``, ``T`` and ``R`` are the :class:`ParamSpec`/:class:`TypeVar` the transforms use
(``grad(f: Callable[P, Array]) -> Callable[P, PyTree]``). What the oldest supported
Python (3.10) lacks, ``Self`` for one, comes from ``typing_extensions`` (a dependency).

Example:
    >>> from funtorch.typing import Array, ArrayLike
    >>> def double(x: ArrayLike) -> Array:
    ...     return ft.asarray(x) * 2
    >>> double([1.0, 2.0]).tolist()
    [2.0, 4.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, ParamSpec, TypeAlias, TypeVar, Union

import numpy as np

from funtorch.core import Array

__all__ = ["Array", "ArrayLike", "Axis", "DTypeLike", "Key", "P", "PyTree", "R", "Scalar",
           "Shape", "ShapeLike", "T", "ValuesIndices"]

#: A Python or NumPy scalar (``bool`` is an ``int`` to a type checker).
Scalar: TypeAlias = Union[int, float, complex, np.generic]
#: What ``ft.asarray`` accepts: arrays, NumPy arrays and scalars, Python scalars and nested
#: sequences of them (the nesting is not checked statically: a sequence of anything).
ArrayLike: TypeAlias = Union[Array, np.ndarray, Scalar, Sequence[Any]]
#: A dtype spelling: ``ft.float32`` (a ``np.dtype``), ``np.float32``, ``"float32"``, ``float``.
DTypeLike: TypeAlias = Union[np.dtype, type, str, None]
#: A shape as arrays report it.
Shape: TypeAlias = tuple[int, ...]
#: A shape argument: a tuple/sequence of ints or one int.
ShapeLike: TypeAlias = Union[int, Sequence[int]]
#: An axis argument of a reduction: ``None`` (all), one axis or several.
Axis: TypeAlias = Union[int, Sequence[int], None]
#: A nested container of leaves (arrays, scalars, anything ``ft.tree`` treats as a leaf).
#: Registered node types are open-ended, so a pytree is ``Any`` to a type checker.
PyTree: TypeAlias = Any
#: An explicit PRNG key (``ft.random.key(0)``): a uint32 Array.
Key: TypeAlias = Array



class ValuesIndices(NamedTuple):
    """torch's ``(values, indices)`` pair, as a type checker sees it.

    ``ft.max(x, dim=1)``, ``ft.min``, ``ft.median``, ``ft.sort(x, dim=0)``, ``ft.topk``,
    ``ft.kthvalue``, ``ft.mode``, ``ft.cummax``, ``ft.cummin`` and the methods (``x.max(1)``)
    return one. At runtime each function returns its own named tuple type with these two
    fields (as ``torch.return_types``), so unpack it or read ``.values``/``.indices``; do
    not test ``isinstance(r, ValuesIndices)``.

    Args:
        values: the selected values.
        indices: their positions along ``dim`` (int64).

    Example:
        >>> values, indices = ft.max(ft.array([[1.0, 3.0], [4.0, 2.0]]), dim=1)
        >>> values.tolist(), indices.tolist()
        ([3.0, 4.0], [1, 0])
    """

    values: Array
    indices: Array


P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")
