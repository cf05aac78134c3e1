"""Inputs for the linear-algebra tests: well-conditioned float64 matrices."""

import numpy as np

import funtorch as ft


def rng(seed=0):
    return np.random.default_rng(seed)


def well_conditioned(*shape, seed=0):
    """A dominant diagonal: far from singular."""
    a = rng(seed).uniform(-0.5, 0.5, shape)
    return a + 3.0 * np.eye(shape[-2], shape[-1])


def symmetric_separated(*shape, seed=0):
    """Symmetric, eigenvalues about 1 apart (eigenvector derivatives are defined)."""
    noise = rng(seed).uniform(-0.1, 0.1, shape)
    noise = (noise + np.swapaxes(noise, -1, -2)) / 2
    return noise + np.diag(np.arange(shape[-1], 0, -1.0))


def positive_definite(*shape, seed=0):
    a = rng(seed).uniform(-1.0, 1.0, shape)
    return a @ np.swapaxes(a, -1, -2) + 3.0 * np.eye(shape[-1])


def full_rank(*shape, seed=0):
    """Singular values about ``k, ..., 1``: distinct and non-zero."""
    k = min(shape[-2:])
    spread = np.zeros(shape[-2:])
    spread[range(k), range(k)] = np.arange(k, 0, -1.0)
    return rng(seed).uniform(-0.1, 0.1, shape) + spread


def arr(x):
    return ft.array(np.asarray(x, dtype=np.float64))


def close(got, want, tol=1e-10):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=tol, atol=tol)
