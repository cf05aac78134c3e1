"""Torch spellings of names NumPy also has with other keywords (``concatenate(dim=)``,
``clip(min=)``, ``cross(dim=)``, ``unique(dim=)``, ``nonzero(as_tuple=)``,
``histogram(weight=)``, ``cov(correction=)``, ``quantile(dim=, interpolation=)``,
``searchsorted(right=)``): adapters the gateway pairs with the NumPy function.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import ops
from funtorch.ops.torch_args import as_array, refuse_out, returns
from funtorch.typing import Array, ArrayLike, Axis


def torch_concatenate(tensors, dim=0, *, out=None):
    """Join along ``dim`` (torch's ``cat``/``concat``/``concatenate``)."""
    refuse_out("concatenate", out)
    return ops.concatenate(list(tensors), dim)


def torch_clip(input, min=None, max=None, *, out=None):  # noqa: A002
    """Clamp to ``[min, max]`` (torch's alias of ``clamp``)."""
    refuse_out("clip", out)
    return ops.clamp(input, min, max)


def torch_cross(input: ArrayLike, other: ArrayLike, dim: Axis = None, *,  # noqa: A002
                out: Any = None) -> Array:
    """Cross product along ``dim`` (default: the first dim of size 3, as torch).

    Args:
        input: an array with a dimension of size 3 (this array for ``x.cross``).
        other: an array broadcasting with ``input``.
        dim: the dimension of size 3 holding the vectors, or None for the first one.
        out: must be None (funtorch arrays are immutable).

    Returns:
        An array of the broadcast shape in the promoted dtype.

    Raises:
        TypeError: ``out`` is given.
        ValueError: ``dim`` is None and no dimension has size 3.

    Example:
        >>> ft.array([1.0, 0.0, 0.0]).cross(ft.array([0.0, 1.0, 0.0])).tolist()
        [0.0, 0.0, 1.0]
    """
    refuse_out("cross", out)
    if dim is None:
        shape = np.broadcast_shapes(as_array(input).shape, as_array(other).shape)
        dim = next((i for i, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise ValueError(f"cross: no dimension of size 3 in the broadcast shape {shape}; "
                             "pass dim= (the dimension holding 3-vectors)")
    return ops.cross(input, other, axis=dim)


def torch_unique(input: ArrayLike, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
                 return_counts: bool = False, dim: Axis = None) -> Any:
    """Sorted unique values; with ``return_inverse`` the index of each element (input's
    shape) and with ``return_counts`` the counts, as torch.

    Args:
        input: an array (this array for ``x.unique``).
        sorted: accepted for torch's signature: the values always come sorted.
        return_inverse: also return, for each element, the index of its value.
        return_counts: also return how often each value occurs.
        dim: the dimension whose slices are compared, or None (the flattened values).

    Returns:
        The 1-D array of unique values (slices along ``dim``), or a tuple of it, the
        inverse indices (``input``'s shape when ``dim`` is None) and the counts, as asked.

    Example:
        >>> ft.array([3, 1, 3, 2]).unique().tolist()
        [1, 2, 3]
        >>> values, inverse, counts = ft.array([3, 1, 3]).unique(return_inverse=True,
        ...                                                      return_counts=True)
        >>> inverse.tolist(), counts.tolist()
        ([1, 0, 1], [1, 2])
    """
    x = as_array(input)
    out = ops.unique(x, return_inverse=return_inverse, return_counts=return_counts, axis=dim)
    if not isinstance(out, tuple):
        return out
    out = tuple(out)
    if return_inverse and dim is None:
        out = (out[0], ops.reshape(out[1], x.shape)) + out[2:]
    return out


def torch_nonzero(input: ArrayLike, *, as_tuple: bool = False,  # noqa: A002
                  out: Any = None) -> Any:
    """Indices of the non-zero elements: an (N, ndim) array, or NumPy's tuple with
    ``as_tuple=True``.

    Args:
        input: an array (this array for ``x.nonzero``).
        as_tuple: return one index array per dimension (NumPy's form) instead.
        out: must be None (funtorch arrays are immutable).

    Returns:
        An int64 array of shape ``(N, ndim)`` for the ``N`` non-zero elements (row-major
        order), or a tuple of ``ndim`` int64 arrays of length ``N``.

    Raises:
        TypeError: ``out`` is given.

    Example:
        >>> ft.array([0.0, 1.0, 0.0, 2.0]).nonzero().tolist()
        [[1], [3]]
        >>> [i.tolist() for i in ft.array([[0, 1], [1, 0]]).nonzero(as_tuple=True)]
        [[0, 1], [1, 0]]
    """
    refuse_out("nonzero", out)
    return ops.nonzero(input) if as_tuple else ops.argwhere(input)


def torch_histogram(input: ArrayLike, bins: ArrayLike = 100, *, range: Any = None,  # noqa: A002
                    weight: ArrayLike | None = None, density: bool | None = False,
                    out: Any = None) -> Any:
    """``(hist, bin_edges)`` in the input's dtype (torch's keyword names).

    Args:
        input: an array of values (this array for ``x.histogram``).
        bins: the number of equal-width bins, or an array of increasing bin edges.
        range: ``(min, max)`` of the bins; None uses the values' minimum and maximum.
        weight: an array of ``input``'s shape weighting each value, or None.
        density: divide the counts so that the histogram integrates to 1.
        out: must be None (funtorch arrays are immutable).

    Returns:
        ``(hist, bin_edges)``: the counts (or densities) per bin and the ``bins + 1``
        edges, both in ``input``'s dtype (the last bin includes its right edge).

    Raises:
        TypeError: ``out`` is given.

    Example:
        >>> hist, edges = ft.array([0.0, 1.0, 1.0, 3.0]).histogram(3)
        >>> hist.tolist(), edges.tolist()
        ([1.0, 2.0, 1.0], [0.0, 1.0, 2.0, 3.0])
    """
    refuse_out("histogram", out)
    x = as_array(input)
    hist, edges = ops.histogram(x, bins, range=range, weights=weight, density=density)
    return returns("histogram", ops.astype(hist, x.dtype), ops.astype(edges, x.dtype))


def torch_cov(input: ArrayLike, *, correction: int | float | None = 1,  # noqa: A002
              fweights: ArrayLike | None = None, aweights: ArrayLike | None = None) -> Array:
    """Covariance of the rows (variables) over the columns (observations).

    Args:
        input: a 1-D array (one variable) or a 2-D array, one variable per row (this
            array for ``x.cov``).
        correction: the difference between the number of observations and the divisor
            (1: the unbiased estimate, 0: the maximum-likelihood one).
        fweights: integer frequency weights, one per observation, or None.
        aweights: observation weights, one per observation, or None.

    Returns:
        The ``(variables, variables)`` covariance matrix (0-d for one variable), in a float
        dtype.

    Example:
        >>> ft.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]).cov().tolist()
        [[1.0, -1.0], [-1.0, 1.0]]
    """
    return ops.cov(input, ddof=correction, fweights=fweights, aweights=aweights)


def _quantile(name):
    def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear",  # noqa: A002
                 out=None):
        refuse_out(name, out)
        return getattr(ops, name)(input, q, axis=dim, keepdims=keepdim, method=interpolation)
    quantile.__name__ = quantile.__qualname__ = name
    quantile.__doc__ = f"torch.{name}: NumPy's ``{name}`` with ``dim``, ``keepdim``, " \
                       f"``interpolation``."
    return quantile


torch_quantile = _quantile("quantile")
torch_nanquantile = _quantile("nanquantile")


def torch_searchsorted(sorted_sequence, input, *, out_int32=False, right=False,  # noqa: A002
                       side=None, sorter=None, out=None):
    """Insertion indices of ``input`` in the last dim of ``sorted_sequence`` (``right``:
    after equal values)."""
    refuse_out("searchsorted", out)
    side = side or ("right" if right else "left")
    index = ops.searchsorted(sorted_sequence, input, side=side, sorter=sorter)
    return ops.astype(index, np.int32 if out_int32 else np.int64)


def torch_diag(input, diagonal=0, *, out=None):  # noqa: A002
    """The ``diagonal``-th diagonal of a matrix, or the matrix of a vector."""
    refuse_out("diag", out)
    return ops.diag(input, diagonal)


def torch_logspace(start, end, steps, base=10.0, *, out=None, dtype=None, device=None,
                   requires_grad=False):
    """``steps`` values ``base ** linspace(start, end, steps)`` (torch's order: the fourth
    positional value is the base, where NumPy's is ``endpoint``)."""
    refuse_out("logspace", out)
    values = ops.logspace(start, end, steps, base=base, dtype=dtype)
    if device is not None:
        values = ops.device_put(values, device)
    return values.requires_grad_() if requires_grad else values


# NumPy name -> (torch spelling, the keywords that pick it besides torch_args.TORCH_KEYS)
SPELLINGS = {
    "concatenate": (torch_concatenate, {"tensors"}),
    "concat": (torch_concatenate, {"tensors"}),
    "clip": (torch_clip, {"min", "max"}),
    "cross": (torch_cross, set()),
    "unique": (torch_unique, set()),
    "nonzero": (torch_nonzero, {"as_tuple"}),
    "histogram": (torch_histogram, {"weight"}),
    "cov": (torch_cov, set()),
    "quantile": (torch_quantile, set()),
    "nanquantile": (torch_nanquantile, set()),
    "searchsorted": (torch_searchsorted, set()),
    "diag": (torch_diag, set()),
}

__all__: list = []
