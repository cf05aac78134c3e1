"""``F.embedding`` with PyTorch's options: ``padding_idx``, ``max_norm``/``norm_type``,
``scale_grad_by_freq``; ``sparse`` is refused (there are no sparse arrays here).

NOTE (max_norm). PyTorch renormalises the looked-up rows of ``weight`` *in place* under
``no_grad`` before the lookup, so the output holds the renormalised rows while the
gradient w.r.t. ``weight`` is the plain upstream gradient (the rescaling is invisible to
autograd). Functional code must not see hidden mutation, so here:

* the output is ``stop_gradient(rows * scale) + (rows - stop_gradient(rows))``: the value
  of the renormalised rows and the derivative of a plain lookup (PyTorch's gradient),
  under ``grad``, ``vmap``, ``jit`` and forward mode alike;
* only when ``weight`` is a concrete ``ft.nn.Parameter`` and the indices are concrete
  (PyTorch-style eager code), the renormalised rows are also written back into the
  Parameter, as PyTorch does. A traced weight (``ft.grad`` over a module, ``vmap``,
  ``jit``) is never written; neither is a plain ``ft.Array`` (arrays are immutable).
  Under ``ft.jit`` a Parameter closed over is written once, when the function is traced:
  pass it as an argument instead.

``scale_grad_by_freq`` divides the gradient reaching each looked-up row by how often its
index occurs in ``input`` (PyTorch's rule): the output is ``stop_gradient(rows) + (rows -
stop_gradient(rows)) / count``, which leaves the value alone and scales the linearisation.
The first-order reverse gradient is PyTorch's, and unlike a ``custom_vjp`` it composes with
every transform, forward mode and ``hessian`` included; those differentiate the same scaled
linearisation (PyTorch's forward AD is unscaled and its double backward scales once, a
pair no single linearisation can give).
"""

from __future__ import annotations

import math

import funtorch as ft
from funtorch.nn.functional._checks import first_out_of_range
from funtorch.nn.parameter import Parameter, is_concrete
from funtorch.typing import Array, ArrayLike

__all__ = ["embedding"]

SPARSE_MSG = ("{fn}: sparse=True asks for sparse gradients, but funtorch has no sparse "
           "arrays; use sparse=False (the default; the weight gradient is a dense array with "
           "zero rows for unused indices), e.g. with ft.optim.SGD or ft.optim.Adam in place "
           "of optim.SparseAdam")


def _row_norms(rows, norm_type):
    """``norm_type``-norm of each row (last axis), as ``Tensor.norm(p)``."""
    magnitude = ft.abs(rows)
    if norm_type == math.inf:
        return ft.max(magnitude, axis=-1)
    if norm_type == -math.inf:
        return ft.min(magnitude, axis=-1)
    if norm_type == 0:
        return ft.sum((magnitude != 0).astype(rows.dtype), axis=-1)
    if norm_type == 1:
        return ft.sum(magnitude, axis=-1)
    if norm_type == 2:
        return ft.sqrt(ft.sum(rows * rows, axis=-1))
    return ft.sum(magnitude ** norm_type, axis=-1) ** (1.0 / norm_type)


def _renorm_scale(rows, max_norm, norm_type):
    """PyTorch's ``embedding_renorm_``: rows with norm above ``max_norm`` are scaled by
    ``max_norm / (norm + 1e-7)``; others by 1."""
    norms = _row_norms(rows, norm_type)
    scale = ft.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(rows.dtype)
    return ft.expand_dims(scale, -1)


def _index_counts(input, num_rows, dtype):
    """How often each position's index occurs in ``input`` (same shape as ``input``)."""
    flat = ft.reshape(input, (-1,))
    counts = ft.zeros((num_rows,), dtype=dtype, device=input.device).at[flat].add(1.0)
    return ft.take(counts, input, axis=0)


def _write_back(weight, input, rows):
    """Store the renormalised ``rows`` into the Parameter ``weight`` (PyTorch's in-place
    renorm), when both are concrete; never under a transform."""
    if not (isinstance(weight, Parameter) and is_concrete(input) and is_concrete(rows)):
        return
    with ft.no_grad():
        flat = ft.reshape(input, (-1,))
        values = ft.reshape(rows, (-1, rows.shape[-1]))
        weight.data = weight.data.at[flat].set(values)


def embedding(input: ArrayLike, weight: ArrayLike | None, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Array:
    """Rows of ``weight`` at the integer indices ``input``: ``(*) -> (*, dim)``.

    Args:
        input: integer indices into the rows of ``weight``.
        weight: ``(num_embeddings, dim)``.
        padding_idx: the row at this index receives no gradient.
        max_norm: renormalise each looked-up row whose ``norm_type``-norm exceeds it to
            norm ``max_norm`` (see the module docstring for the in-place write-back to a
            ``Parameter``); the weight gradient stays the plain lookup's, as in PyTorch.
        norm_type: the p of the norm for ``max_norm`` (``math.inf`` allowed).
        scale_grad_by_freq: divide each row's gradient by its index's count in ``input``.
        sparse: must be False (no sparse arrays in funtorch).

    Returns:
        ``(*input.shape, dim)``.

    Raises:
        TypeError: non-integer indices.
        ValueError: ``sparse=True``.

    Example:
        >>> w = ft.array([[3.0, 4.0], [0.3, 0.4]], dtype=ft.float64)
        >>> F.embedding(ft.array([0, 1]), w, max_norm=1.0).numpy().round(6).tolist()
        [[0.6, 0.8], [0.3, 0.4]]
    """
    if sparse:
        raise ValueError(SPARSE_MSG.format(fn="embedding"))
    if input.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got {input.dtype}")
    count = weight.shape[0]
    index = first_out_of_range(input, count)
    if index is not None:
        raise IndexError(f"embedding: index {index} is out of range for {count} embeddings "
                         f"(valid: 0..{count - 1})")
    rows = ft.take(weight, input, axis=0)
    if padding_idx is not None and padding_idx < 0:
        padding_idx += weight.shape[0]
    if max_norm is None and not scale_grad_by_freq:
        if padding_idx is None:
            return rows
        pad = ft.expand_dims(input == padding_idx, -1)
        return ft.where(pad, ft.stop_gradient(rows), rows)
    value = ft.stop_gradient(rows)
    if max_norm is not None:
        value = value * _renorm_scale(value, max_norm, norm_type)
        _write_back(weight, input, value)
    path = rows - ft.stop_gradient(rows)  # zero; carries the lookup's derivative
    if scale_grad_by_freq:
        path = path / ft.expand_dims(_index_counts(input, weight.shape[0], rows.dtype), -1)
    if padding_idx is not None:
        path = ft.where(ft.expand_dims(input == padding_idx, -1), 0.0, path)
    return value + path
