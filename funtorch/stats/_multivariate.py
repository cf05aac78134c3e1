"""Multivariate distributions: multivariate_normal, dirichlet, multinomial."""

from __future__ import annotations

import math

import numpy as np

from funtorch import linalg, ops, special
from funtorch.stats._util import LOG_2PI, Distribution, inside, promote


def _solve_lower(chol, rhs):
    """``chol^{-1} rhs`` for a lower-triangular ``chol`` (a triangular solve when ft.linalg
    has one, else the general one)."""
    solve_triangular = getattr(linalg, "solve_triangular", None)
    if solve_triangular is not None:
        return solve_triangular(chol, rhs, lower=True)
    return linalg.solve(chol, rhs)


def _mvn_logpdf(x, mean, cov, allow_singular=None):
    """``cov`` may be a matrix (``(..., n, n)``, batched covariances broadcast), a vector of
    variances (diagonal covariance) or a scalar variance. ``allow_singular`` is accepted for
    SciPy compatibility; a singular covariance gives NaN (its Cholesky factor fails).

    Raises:
        ValueError: ``cov`` is a matrix whose size does not match the points' last axis."""
    x, mean, cov = promote(x, mean, cov)
    cov = ops.asarray(cov)
    diff = x - mean
    if cov.ndim < 2:
        variance = ops.broadcast_to(cov, diff.shape[-1:]) if cov.ndim == 0 else cov
        z = diff * ops.reciprocal(ops.sqrt(variance))
        log_det = ops.sum(ops.log(variance), axis=-1)
    else:
        if cov.shape[-1] != diff.shape[-1]:
            raise ValueError(f"multivariate_normal.logpdf: cov of shape {tuple(cov.shape)} "
                             f"does not match points of dimension {diff.shape[-1]} "
                             f"(x - mean has shape {tuple(diff.shape)}); cov must be (n, n)")
        chol = linalg.cholesky(cov)
        batch = np.broadcast_shapes(tuple(chol.shape[:-2]), tuple(diff.shape[:-1]))
        n = diff.shape[-1]
        chol = ops.broadcast_to(chol, batch + (n, n))
        rhs = ops.broadcast_to(diff, batch + (n,))[..., None]
        z = _solve_lower(chol, rhs)[..., 0]
        diagonal = ops.sum(chol * ops.eye(n, dtype=chol.dtype), axis=-1)
        log_det = 2.0 * ops.sum(ops.log(diagonal), axis=-1)
    n = diff.shape[-1]
    return -0.5 * (ops.sum(z * z, axis=-1) + log_det + n * LOG_2PI)


multivariate_normal = Distribution(
    "multivariate_normal", "multivariate normal distribution",
    "mean: the mean, ``(..., n)``; cov: covariance ``(..., n, n)``, variances ``(n,)`` or "
    "one variance.", {"x": "ft.zeros(2)", "mean": "ft.ones(2)", "cov": "ft.eye(2)"},
    dict(logpdf=_mvn_logpdf,
         pdf=lambda x, mean, cov, allow_singular=None: ops.exp(_mvn_logpdf(x, mean, cov))))


# dirichlet ------------------------------------------------------------------------------


def _dirichlet_logpdf(x, alpha):
    """``x`` has the categories on its FIRST axis (``(k, ...)``, as SciPy and JAX); ``k - 1``
    rows are completed with ``1 - sum``. -inf off the simplex (tolerance 1e-6).

    Raises:
        ValueError: ``alpha`` is not one-dimensional, or ``x``'s first axis has neither
            ``k`` nor ``k - 1`` entries."""
    x, alpha = promote(x, alpha)
    alpha = ops.asarray(alpha)
    if alpha.ndim != 1:
        raise ValueError(f"dirichlet.logpdf: alpha must be one-dimensional, got shape "
                         f"{tuple(alpha.shape)}")
    x = ops.asarray(x)
    categories = alpha.shape[0]
    if x.ndim == 0 or x.shape[0] not in (categories, categories - 1):
        raise ValueError(f"dirichlet.logpdf: x must have {categories} or {categories - 1} "
                         f"entries on its first axis (alpha has {categories}), got shape "
                         f"{tuple(x.shape)}")
    if x.shape[0] == categories - 1:
        x = ops.concatenate([x, 1.0 - ops.sum(x, axis=0, keepdims=True)], axis=0)
    alpha = ops.reshape(alpha, alpha.shape + (1,) * (x.ndim - 1))
    on_simplex = ops.all(x > 0, axis=0) & (ops.abs(ops.sum(x, axis=0) - 1.0) < 1e-6)
    x = inside(on_simplex, x, 1.0 / categories)
    log_norm = special.gammaln(ops.sum(alpha, axis=0)) - ops.sum(special.gammaln(alpha), axis=0)
    density = log_norm + ops.sum(special.xlogy(alpha - 1.0, x), axis=0)
    return ops.where(on_simplex, density, -math.inf)


dirichlet = Distribution("dirichlet", "Dirichlet distribution",
                         "alpha: concentrations, shape ``(k,)``.",
                         {"x": "ft.array([0.2, 0.3, 0.5])", "alpha": "ft.array([1.0, 2.0, 3.0])"},
                         dict(logpdf=_dirichlet_logpdf,
                              pdf=lambda x, alpha: ops.exp(_dirichlet_logpdf(x, alpha))))


# multinomial ----------------------------------------------------------------------------


def _multinomial_logpmf(x, n, p):
    """Counts ``x`` on the LAST axis; -inf where they don't sum to ``n``."""
    x, n, p = promote(x, n, p)
    valid = ops.equal(ops.sum(x, axis=-1), n)
    log_prob = special.gammaln(n + 1.0) + ops.sum(
        special.xlogy(x, p) - special.gammaln(x + 1.0), axis=-1)
    return ops.where(valid, log_prob, -math.inf)


multinomial = Distribution("multinomial", "multinomial distribution",
                           "n: number of trials; p: category probabilities (last axis).",
                           {"x": "ft.array([1.0, 2.0])", "n": "3.0", "p": "ft.array([0.4, 0.6])"},
                           dict(logpmf=_multinomial_logpmf,
                                pmf=lambda x, n, p: ops.exp(_multinomial_logpmf(x, n, p))))
