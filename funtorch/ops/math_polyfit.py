"""``polyfit``: least-squares polynomial fit, as NumPy computes it (columns of the
Vandermonde matrix scaled to unit norm, then a least-squares solve) with the solve done by
a thin SVD, so the coefficients are differentiable in ``x``, ``y`` and ``w``."""

from __future__ import annotations

from typing import Any

import numpy as np

from funtorch import ops
from funtorch.core import bind
from funtorch.ops import registry as R
from funtorch.ops.decompositions import svd_p
from funtorch.ops.math_poly import vander
from funtorch.typing import ArrayLike


def _lstsq(lhs, rhs, rcond):
    u, s, vt = (bind(svd_p, lhs, part=part) for part in ("u", "s", "vt"))
    cutoff = rcond * ops.max(ops.stop_gradient(s))
    kept = s > cutoff
    s_inv = ops.where(kept, 1.0 / ops.where(kept, s, 1.0), 0.0)
    coef = ops.matmul(vt.T, ops.reshape(s_inv, (-1, 1)) * ops.matmul(u.T, rhs))
    return coef, s, ops.sum(kept), s_inv


def polyfit(x: ArrayLike, y: ArrayLike, deg: int, rcond: float | None = None, full: bool = False,
            w: ArrayLike | None = None, cov: bool | str = False) -> Any:
    """Least-squares fit of a polynomial of degree ``deg`` to points ``(x, y)``.

    Args:
        x: 1-d sample points, shape (M,).
        y: values, shape (M,) or (M, K) for K fits at once.
        deg: the degree.
        rcond: relative cutoff for small singular values (default ``M * eps``).
        full: also return ``(residuals, rank, singular_values, rcond)``.
        w: weights applied to the residuals (``1/sigma``), shape (M,).
        cov: also return the coefficients' covariance; ``"unscaled"`` skips the scaling by
            ``residuals / (M - deg - 1)``.

    Returns:
        The coefficients, highest power first (shape (deg+1,) or (deg+1, K)), and the extras
        asked for, in NumPy's order.

    Raises:
        ValueError: for a negative degree or mismatched shapes.

    Example:
        >>> coef = ft.polyfit(ft.array([0.0, 1.0, 2.0]), ft.array([1.0, 3.0, 5.0]), 1)
        >>> ft.round(coef, 4).tolist()
        [2.0, 1.0]
    """
    x, y = R.promote(R.to_float(x), R.to_float(y))
    order = int(deg) + 1
    if deg < 0:
        raise ValueError(f"polyfit: expected deg >= 0, got {deg}")
    if x.ndim != 1 or x.shape[0] == 0:
        raise ValueError(f"polyfit: expected a non-empty 1-d x, got shape {x.shape}")
    if y.ndim not in (1, 2) or y.shape[0] != x.shape[0]:
        raise ValueError(f"polyfit: expected y of shape ({x.shape[0]},) or ({x.shape[0]}, K), "
                         f"got {y.shape}")
    rcond = x.shape[0] * float(np.finfo(x.dtype).eps) if rcond is None else rcond
    lhs = vander(x, order)
    rhs = y if y.ndim == 2 else ops.reshape(y, (-1, 1))
    if w is not None:
        w = ops.astype(R.as_array(w), x.dtype)
        if w.shape != x.shape:
            raise ValueError(f"polyfit: expected w of shape {x.shape}, got {w.shape}")
        lhs = lhs * ops.reshape(w, (-1, 1))
        rhs = rhs * ops.reshape(w, (-1, 1))
    scale = ops.sqrt(ops.sum(lhs * lhs, axis=0))
    scale = ops.where(scale == 0, 1.0, scale)
    coef, s, rank, s_inv = _lstsq(lhs / scale, rhs, rcond)
    coef = coef / ops.reshape(scale, (-1, 1))
    resid = ops.sum((rhs - ops.matmul(lhs, coef)) ** 2, axis=0)
    if y.ndim == 1:
        coef, resid = ops.reshape(coef, (-1,)), ops.reshape(resid, (-1,))
    if full:
        return coef, resid, rank, s, rcond
    if not cov:
        return coef
    vt = bind(svd_p, lhs / scale, part="vt")
    inverse = ops.matmul(vt.T * (s_inv * s_inv), vt) / ops.outer(scale, scale)
    if cov == "unscaled":
        factor = 1.0
    else:
        if x.shape[0] <= order:
            raise ValueError("polyfit: the number of data points must exceed order to scale "
                             "the covariance matrix")
        factor = resid / (x.shape[0] - order)
    if y.ndim == 1:
        return coef, inverse * factor
    return coef, inverse[:, :, None] * ops.reshape(factor, (1, 1, -1))


__all__ = ["polyfit"]
