"""Products: ``matmul, dot, tensordot, inner, outer``, PyTorch's ``mm, bmm``, and
``einsum`` re-exported from ``ops/einsum.py``.

One primitive here: ``matmul`` sees operands of rank >= 2 (batch dims broadcast), or a
vector times a matrix, and is one ``xp.matmul`` call; the public function adds and removes
the axes of the other 1-D operands. Vector @ matrix is bound as it is because it is what a
per-example function computes (``x @ W`` under ``vmap``): its batch rule is then one
matrix product with no reshapes.
``dot``, ``tensordot`` (one matmul after a transpose), ``inner`` and ``outer`` are
compositions, so their derivatives come from ``matmul``'s rules.
"""

from __future__ import annotations

import math
import types

import numpy as np

from funtorch.core import Primitive, bind, wrap
from funtorch.ops import registry as R
from funtorch.ops.buffer_vjp import unbroadcast_buffer
from funtorch.ops.einsum import einsum  # noqa: F401  (exported with the products)
from funtorch.ops.reductions import normalize_axes
from funtorch import ops
from funtorch.typing import Array, ArrayLike, Axis

_NOT_ALIGNED = ("{fn}: shapes {a} and {b} are not aligned: {n} (dim {i} of the first) != "
                "{m} (dim {j} of the second)")


def _fit(ct, x):
    """Sum a cotangent over the batch dims ``x`` was broadcast along; keep ``x``'s dtype."""
    ct = R.unbroadcast(ct, x)
    return ct if ct.dtype == x.dtype else ops.astype(ct, x.dtype)


# matmul -------------------------------------------------------------------------------


def _matmul_shape(a, b):
    if len(a.shape) == 1 and len(b.shape) == 2:
        if a.shape[0] != b.shape[0]:
            raise ValueError(_NOT_ALIGNED.format(fn="matmul", a=tuple(a.shape),
                                                 b=tuple(b.shape), n=a.shape[0], i=0,
                                                 m=b.shape[0], j=0))
        return (b.shape[1],), np.result_type(a.dtype, b.dtype)
    if len(a.shape) < 2 or len(b.shape) < 2:
        raise ValueError(f"matmul: the primitive expects operands of rank >= 2 (or a vector "
                         f"and a matrix), got shapes "
                         f"{tuple(a.shape)} and {tuple(b.shape)}; call ft.matmul instead")
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(_NOT_ALIGNED.format(fn="matmul", a=tuple(a.shape), b=tuple(b.shape),
                                             n=a.shape[-1], i=len(a.shape) - 1,
                                             m=b.shape[-2], j=len(b.shape) - 2))
    try:
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(f"matmul: the batch dimensions of shapes {tuple(a.shape)} and "
                         f"{tuple(b.shape)} cannot be broadcast together: "
                         f"{tuple(a.shape[:-2])} vs {tuple(b.shape[:-2])}") from None
    return tuple(batch) + (a.shape[-2], b.shape[-1]), np.result_type(a.dtype, b.dtype)


def _matmul_vjp_a(g, ans, a, b, xp=None):
    xp = xp or _ARRAYS  # funtorch arrays, or backend arrays (_BUFFERS): one rule for both
    if a.ndim == 2 and b.ndim > 2 and b.shape[:-2] == g.shape[:-2]:
        # sum_batch g[i] @ b[i]^T as one large product
        rows = xp.reshape(xp.moveaxis(g, -2, 0), (g.shape[-2], -1))
        cols = xp.reshape(xp.moveaxis(b, -2, 0), (b.shape[-2], -1))
        return xp.fit(xp.matmul(rows, xp.swapaxes(cols, 0, 1)), a)
    return xp.fit(xp.matmul(g, xp.swapaxes(b, -1, -2)), a)


def _matmul_vjp_b(g, ans, a, b, xp=None):
    xp = xp or _ARRAYS
    if a.ndim == 1:  # vector @ matrix: the outer product of a and g
        return xp.fit(xp.matmul(xp.reshape(a, (-1, 1)), xp.reshape(g, (1, -1))), b)
    if b.ndim == 2 and a.ndim > 2 and a.shape[:-2] == g.shape[:-2]:
        # a linear layer's weight gradient: one (k, N) @ (N, m) product over the batch
        flat_a = xp.reshape(a, (-1, a.shape[-1]))
        return xp.fit(xp.matmul(xp.swapaxes(flat_a, 0, 1), xp.reshape(g, (-1, g.shape[-1]))), b)
    return xp.fit(xp.matmul(xp.swapaxes(a, -1, -2), g), b)


def _fit_buffer(ct, x):
    return unbroadcast_buffer(ct, x.shape)  # (dtypes agree: _matmul_vjp_buffer checks)


def _matmul_vjp_buffer(argnum):
    rule = (_matmul_vjp_a, _matmul_vjp_b)[argnum]

    def on_buffers(g, ans, a, b):
        if a.dtype is not ans.dtype or b.dtype is not ans.dtype:  # NumPy would widen ints
            return _matmul_vjp_arrays[argnum](*[wrap(v) for v in (g, ans, a, b)])._buf
        return rule(g, ans, a, b, _BUFFERS)
    return on_buffers


def pad_batched(args, bdims):
    """Move batch axes to the front; pad batched operands' batch dims so they align.

    Unbatched operands are left alone: NumPy broadcasting aligns them on the right.
    """
    rank = max(x.ndim - (d is not None) for x, d in zip(args, bdims))
    out = []
    for x, d in zip(args, bdims):
        if d is not None:
            x = R.move_bdim(x, d)
            missing = rank + 1 - x.ndim
            if missing:
                x = ops.reshape(x, (x.shape[0],) + (1,) * missing + x.shape[1:])
        out.append(x)
    return out


def _matmul_batch(args, bdims):
    (a, b), (a_bdim, b_bdim) = args, bdims
    if a.ndim - (a_bdim is not None) == 1:  # vector @ matrix
        if b_bdim is None:  # a batch of vectors is a matrix: one product, no reshapes
            return bind(matmul_p, R.move_bdim(a, a_bdim), b), 0
        a = ops.reshape(a, (1, -1)) if a_bdim is None else ops.expand_dims(
            R.move_bdim(a, a_bdim), 1)
        out = bind(matmul_p, *pad_batched((a, b), (None if a_bdim is None else 0, b_bdim)))
        return ops.reshape(out, out.shape[:-2] + out.shape[-1:]), 0
    return bind(matmul_p, *pad_batched(args, bdims)), 0


def _matmul_samples(s):
    shapes = s.choice([((3, 4), (4, 5)), ((4,), (4, 5)), ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 2)),
                       ((2, 1, 3, 4), (3, 4, 2)), ((2, 3, 4), (2, 4, 3))])
    return tuple(s.array(shape) for shape in shapes), {}


def _matmul_impl(xp, a, b):
    if a.shape[-1] == 1 and a.ndim > 2:
        # batched outer products (per-example weight gradients): NumPy's stacked matmul is
        # ~5x slower than einsum for them (measured 256 x (64x1 @ 1x128) float32); the
        # length-1 axes are dropped first because einsum is ~2x slower again when they
        # carry a non-zero stride (as transposed views do)
        return xp.einsum("...i,...j->...ij", a[..., 0], b[..., 0, :])
    if b.ndim == 2 and a.ndim > 2:
        # one large product instead of one per batch entry: 2-6x faster on NumPy
        rows = math.prod(a.shape[:-1])
        return xp.matmul(a.reshape(rows, a.shape[-1]), b).reshape(a.shape[:-1] + b.shape[1:])
    if a.ndim == 2 and b.ndim > 2:
        # the same fold from the right: (b^T a^T)^T with b's batch folded into rows
        cols = b.swapaxes(-1, -2)
        flat = xp.matmul(cols.reshape(-1, b.shape[-2]), a.T)
        return flat.reshape(b.shape[:-2] + (b.shape[-1], a.shape[0])).swapaxes(-1, -2)
    return xp.matmul(a, b)


matmul_p = Primitive(
    "matmul", _matmul_impl, shape=_matmul_shape,
    vjp=(_matmul_vjp_a, _matmul_vjp_b),
    vjp_buf=(_matmul_vjp_buffer(0), _matmul_vjp_buffer(1)),
    jvp=(lambda t, ans, a, b: matmul(t, b), lambda t, ans, a, b: matmul(a, t)),
    batch=_matmul_batch, samples=_matmul_samples, torch_name="Mm", complex=True)


_matmul_vjp_arrays = (_matmul_vjp_a, _matmul_vjp_b)
_ARRAYS = types.SimpleNamespace(reshape=lambda x, shape: ops.reshape(x, shape),
                                moveaxis=lambda x, i, j: ops.moveaxis(x, i, j),
                                swapaxes=lambda x, i, j: ops.swapaxes(x, i, j),
                                matmul=lambda a, b: matmul(a, b), fit=_fit)
_BUFFERS = types.SimpleNamespace(reshape=np.reshape, moveaxis=np.moveaxis, swapaxes=np.swapaxes,
                                 matmul=lambda a, b: _matmul_impl(np, a, b), fit=_fit_buffer)


# Products composed from the primitives -------------------------------------------------


def _check_aligned(fn, a, b, i, j):
    if a.shape[i] != b.shape[j]:
        raise ValueError(_NOT_ALIGNED.format(fn=fn, a=a.shape, b=b.shape, n=a.shape[i],
                                             i=i % a.ndim, m=b.shape[j], j=j % b.ndim))


def matmul(x1: ArrayLike, x2: ArrayLike) -> Array:
    """Matrix product with NumPy's rules (the ``@`` operator): 1-D operands gain and then
    lose an axis, leading (batch) dimensions broadcast.

    Args:
        x1: an array of at least 1 dimension, ``(..., n, k)`` or ``(k,)``.
        x2: an array of at least 1 dimension, ``(..., k, m)`` or ``(k,)``.

    Returns:
        An array of the promoted dtype and shape ``broadcast(batch) + (n, m)``, without ``n``
        (or ``m``) when ``x1`` (or ``x2``) is 1-D.

    Raises:
        ValueError: a 0-d operand, misaligned inner dimensions or unbroadcastable batch dims.

    Example:
        >>> (ft.ones((5, 2, 3)) @ ft.ones(3)).shape
        (5, 2)
    """
    a, b = R.promote(R.as_array(x1), R.as_array(x2))
    if a.ndim >= 2 and b.ndim >= 2:
        return bind(matmul_p, a, b)
    if a.ndim == 1 and b.ndim == 2:
        _check_aligned("matmul", a, b, 0, 0)
        return bind(matmul_p, a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: both operands need at least one dimension, got shapes "
                         f"{a.shape} and {b.shape}; use ft.multiply (or *) to scale by a scalar")
    _check_aligned("matmul", a, b, -1, 0 if b.ndim == 1 else -2)
    out = bind(matmul_p, ops.reshape(a, (1, -1)) if a.ndim == 1 else a,
               ops.reshape(b, (-1, 1)) if b.ndim == 1 else b)
    rows, cols = out.shape[-2:]
    return ops.reshape(out, out.shape[:-2] + (rows,) * (a.ndim > 1) + (cols,) * (b.ndim > 1))


def tensordot(a: ArrayLike, b: ArrayLike, axes: Axis = 2) -> Array:
    """Sum products over ``axes`` (an int: the last ``axes`` of ``a`` with the first of
    ``b``; or a pair of axis sequences), as ``numpy.tensordot``. One matmul underneath.

    Args:
        a: an array-like.
        b: an array-like.
        axes: an int ``N`` (the last ``N`` axes of ``a`` with the first ``N`` of ``b``) or a
            pair ``(axes_a, axes_b)`` of ints or equally long sequences of ints.

    Returns:
        An array of the promoted dtype: ``a``'s free axes followed by ``b``'s.

    Raises:
        ValueError: ``axes`` out of range, or pairing different numbers of axes.

    Example:
        >>> ft.tensordot(ft.ones((2, 3, 4)), ft.ones((3, 4, 5))).shape
        (2, 5)
    """
    a, b = R.promote(R.as_array(a), R.as_array(b))
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: axes={axes} must be in [0, {min(a.ndim, b.ndim)}] "
                             f"for shapes {a.shape} and {b.shape}")
        axes_a, axes_b = tuple(range(a.ndim - axes, a.ndim)), tuple(range(axes))
    else:
        axes_a, axes_b = ((x,) if isinstance(x, (int, np.integer)) else tuple(x) for x in axes)
        if len(axes_a) != len(axes_b):
            raise ValueError(f"tensordot: axes {axes} pair {len(axes_a)} axes of the first "
                             f"operand with {len(axes_b)} of the second; give equal counts")
        axes_a = normalize_axes(axes_a, a.ndim, "tensordot")
        axes_b = normalize_axes(axes_b, b.ndim, "tensordot")
    for i, j in zip(axes_a, axes_b):
        _check_aligned("tensordot", a, b, i, j)
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [j for j in range(b.ndim) if j not in axes_b]
    left = ops.reshape(ops.transpose(a, free_a + list(axes_a)), (-1, _count(a, axes_a)))
    right = ops.reshape(ops.transpose(b, list(axes_b) + free_b), (_count(b, axes_b), -1))
    out = bind(matmul_p, left, right)
    return ops.reshape(out, tuple(a.shape[i] for i in free_a) + tuple(b.shape[j] for j in free_b))


def _count(x, axes):
    return math.prod(x.shape[i] for i in axes)


def dot(a: ArrayLike, b: ArrayLike) -> Array:
    """``numpy.dot``: products for 0-d operands, ``matmul`` up to 2-D, otherwise a sum over
    the last axis of ``a`` and the second-to-last of ``b``.

    Args:
        a: an array-like.
        b: an array-like whose second-to-last axis (last, when 1-D) matches ``a``'s last.

    Returns:
        An array of shape ``a.shape[:-1] + b.shape[:-2] + b.shape[-1:]`` (a broadcast product
        for 0-d operands).

    Raises:
        ValueError: misaligned axes.

    Example:
        >>> ft.dot(ft.ones((2, 3, 4)), ft.ones((5, 4, 6))).shape
        (2, 3, 5, 6)
    """
    a, b = R.as_array(a), R.as_array(b)
    if a.ndim == 0 or b.ndim == 0:
        return ops.multiply(a, b)
    _check_aligned("dot", a, b, -1, max(b.ndim - 2, 0))
    if b.ndim == 1 or (a.ndim <= 2 and b.ndim <= 2):
        return matmul(a, b)
    return tensordot(a, b, ((a.ndim - 1,), (b.ndim - 2,)))


def inner(a: ArrayLike, b: ArrayLike) -> Array:
    """``numpy.inner``: a sum of products over the last axes of ``a`` and ``b``.

    Args:
        a: an array-like.
        b: an array-like with the same last-axis length as ``a``.

    Returns:
        An array of shape ``a.shape[:-1] + b.shape[:-1]`` (a broadcast product for 0-d
        operands).

    Raises:
        ValueError: the last axes differ in length.

    Example:
        >>> ft.inner(ft.ones((2, 3)), ft.ones((4, 3))).shape
        (2, 4)
    """
    a, b = R.as_array(a), R.as_array(b)
    if a.ndim == 0 or b.ndim == 0:
        return ops.multiply(a, b)
    _check_aligned("inner", a, b, -1, -1)
    return tensordot(a, b, ((a.ndim - 1,), (b.ndim - 1,)))


def outer(a: ArrayLike, b: ArrayLike) -> Array:
    """``numpy.outer``: ``out[i, j] = a.ravel()[i] * b.ravel()[j]``.

    Args:
        a: an array-like, flattened (``m`` elements).
        b: an array-like, flattened (``n`` elements).

    Returns:
        An ``(m, n)`` array of the promoted dtype.

    Example:
        >>> ft.outer(ft.ones(2), ft.ones(3)).shape
        (2, 3)
    """
    a, b = R.as_array(a), R.as_array(b)
    return ops.multiply(ops.reshape(a, (-1, 1)), ops.reshape(b, (1, -1)))


def mm(input: ArrayLike, mat2: ArrayLike) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch's ``mm``: the product of two 2-D matrices (no broadcasting).

    Args:
        input: an ``(n, k)`` matrix.
        mat2: a ``(k, m)`` matrix.

    Returns:
        An ``(n, m)`` array of the promoted dtype.

    Raises:
        ValueError: the arguments are not 2-D matrices of matching inner size.

    Example:
        >>> ft.mm(ft.ones((2, 3)), ft.ones((3, 4))).shape
        (2, 4)
    """
    a, b = R.promote(R.as_array(input), R.as_array(mat2))
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"mm: expected two 2-D matrices, got shapes {a.shape} and {b.shape}; "
                         "use ft.matmul (or @) for 1-D or batched operands")
    _check_aligned("mm", a, b, 1, 0)
    return bind(matmul_p, a, b)


def bmm(input: ArrayLike, mat2: ArrayLike) -> Array:  # noqa: A002 - PyTorch's name
    """PyTorch's ``bmm``: products of two stacks of matrices ``(B, n, k) @ (B, k, m)``.

    Args:
        input: a ``(B, n, k)`` stack of matrices.
        mat2: a ``(B, k, m)`` stack of matrices.

    Returns:
        A ``(B, n, m)`` array of the promoted dtype.

    Raises:
        ValueError: the arguments are not 3-D stacks of matching batch and inner sizes.

    Example:
        >>> ft.bmm(ft.ones((5, 2, 3)), ft.ones((5, 3, 4))).shape
        (5, 2, 4)
    """
    a, b = R.promote(R.as_array(input), R.as_array(mat2))
    if a.ndim != 3 or b.ndim != 3 or a.shape[0] != b.shape[0]:
        raise ValueError(f"bmm: expected two 3-D stacks with the same batch size, (B, n, k) "
                         f"and (B, k, m), got shapes {a.shape} and {b.shape}; use ft.matmul "
                         "(or @) to broadcast batch dimensions")
    _check_aligned("bmm", a, b, 2, 1)
    return bind(matmul_p, a, b)
