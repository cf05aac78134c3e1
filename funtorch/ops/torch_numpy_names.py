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
    """Cross product along ``dim`` (default: the first dim of size 3, as torch)."""
    refuse_out("cross", out)
    if dim is None:
        shape = np.broadcast_shapes(as_array(input).shape, as_array(other).shape)
        dim = next(i for i, n in enumerate(shape) if n == 3)
    return ops.cross(input, other, axis=dim)


def torch_unique(input: ArrayLike, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
                 return_counts: bool = False, dim: Axis = None) -> Any:
    """Sorted unique values; with ``return_inverse`` the index of each element (input's
    shape) and with ``return_counts`` the counts, as torch."""
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
    ``as_tuple=True``."""
    refuse_out("nonzero", out)
    return ops.nonzero(input) if as_tuple else ops.argwhere(input)


def torch_histogram(input: ArrayLike, bins: ArrayLike = 100, *, range: Any = None,  # noqa: A002
                    weight: ArrayLike | None = None, density: bool | None = False,
                    out: Any = None) -> Any:
    """``(hist, bin_edges)`` in the input's dtype (torch's keyword names)."""
    refuse_out("histogram", out)
    x = as_array(input)
    hist, edges = ops.histogram(x, bins, range=range, weights=weight, density=density)
    return returns("histogram", ops.astype(hist, x.dtype), ops.astype(edges, x.dtype))


def torch_cov(input: ArrayLike, *, correction: int | float | None = 1,  # noqa: A002
              fweights: ArrayLike | None = None, aweights: ArrayLike | None = None) -> Array:
    """Covariance of the rows (variables) over the columns (observations)."""
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
