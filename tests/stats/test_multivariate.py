"""multivariate_normal, dirichlet and multinomial against scipy.stats, with gradients."""

import numpy as np
import pytest
import scipy.stats

import funtorch as ft

RNG = np.random.default_rng(7)


def _spd(n, rng):
    a = rng.normal(size=(n, n))
    return a @ a.T + n * np.eye(n)


@pytest.mark.parametrize("x_shape", [(3,), (5, 3), (2, 4, 3)])
def test_multivariate_normal_full_covariance(x_shape):
    rng = np.random.default_rng(len(x_shape))
    x, mean, cov = rng.normal(size=x_shape), rng.normal(size=3), _spd(3, rng)
    got = ft.stats.multivariate_normal.logpdf(ft.array(x), ft.array(mean), ft.array(cov))
    want = scipy.stats.multivariate_normal.logpdf(x, mean, cov)
    assert got.shape == x_shape[:-1]
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)
    np.testing.assert_allclose(
        np.asarray(ft.stats.multivariate_normal.pdf(ft.array(x), ft.array(mean), ft.array(cov))),
        scipy.stats.multivariate_normal.pdf(x, mean, cov), rtol=1e-12)


@pytest.mark.parametrize("cov", [np.array([0.5, 2.0, 1.5]), np.array(1.7)])
def test_multivariate_normal_diagonal_and_scalar_covariance(cov):
    x, mean = RNG.normal(size=(4, 3)), RNG.normal(size=3)
    got = ft.stats.multivariate_normal.logpdf(ft.array(x), ft.array(mean), ft.array(cov))
    want = scipy.stats.multivariate_normal.logpdf(x, mean, cov * np.ones(3))
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)


def test_multivariate_normal_batched_covariances():
    rng = np.random.default_rng(3)
    x, mean = rng.normal(size=(2, 3)), rng.normal(size=3)
    covs = np.stack([_spd(3, rng), _spd(3, rng)])
    got = ft.stats.multivariate_normal.logpdf(ft.array(x), ft.array(mean), ft.array(covs))
    want = [scipy.stats.multivariate_normal.logpdf(x[i], mean, covs[i]) for i in range(2)]
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)


def test_multivariate_normal_grads():
    rng = np.random.default_rng(4)
    x, mean, factor = rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=(3, 3))

    def logpdf(x, mean, factor):  # a covariance that stays positive definite under steps
        cov = factor @ ft.transpose(factor) + 3.0 * ft.eye(3, dtype=ft.float64)
        return ft.stats.multivariate_normal.logpdf(x, mean, cov)
    ft.testing.check_grads(logpdf, (ft.array(x), ft.array(mean), ft.array(factor)), order=2,
                           atol=1e-5, rtol=1e-5)


def test_multivariate_normal_shape_error():
    with pytest.raises(ValueError, match="multivariate_normal.logpdf: cov of shape"):
        ft.stats.multivariate_normal.logpdf(ft.zeros(3), ft.zeros(3), ft.eye(2))


def test_dirichlet_matches_scipy():
    alpha = np.array([0.8, 2.0, 3.5])
    x = RNG.dirichlet(alpha, size=5).T      # categories first, as SciPy
    got = ft.stats.dirichlet.logpdf(ft.array(x), ft.array(alpha))
    np.testing.assert_allclose(np.asarray(got), scipy.stats.dirichlet.logpdf(x, alpha),
                               rtol=1e-12)
    short = ft.stats.dirichlet.pdf(ft.array(x[:2, 0]), ft.array(alpha))  # k - 1 entries
    np.testing.assert_allclose(float(short), scipy.stats.dirichlet.pdf(x[:, 0], alpha),
                               rtol=1e-12)
    off = ft.stats.dirichlet.logpdf(ft.array(np.array([0.5, 0.6, 0.1])), ft.array(alpha))
    assert float(off) == -np.inf


def test_dirichlet_grads():
    alpha = np.array([0.8, 2.0, 3.5])
    x = np.array([0.2, 0.3, 0.5])
    ft.testing.check_grads(lambda a: ft.stats.dirichlet.logpdf(ft.array(x), a),
                           (ft.array(alpha),), order=2)


def test_dirichlet_errors():
    with pytest.raises(ValueError, match="dirichlet.logpdf: alpha must be one-dimensional"):
        ft.stats.dirichlet.logpdf(ft.ones(3) / 3, ft.ones((3, 1)))
    with pytest.raises(ValueError, match="dirichlet.logpdf: x must have 3 or 2 entries"):
        ft.stats.dirichlet.logpdf(ft.ones(5) / 5, ft.ones(3))


def test_multinomial_matches_scipy_and_grads():
    p = np.array([0.2, 0.5, 0.3])
    x = np.array([[1.0, 3.0, 2.0], [0.0, 6.0, 0.0], [2.0, 2.0, 1.0]])
    got = ft.stats.multinomial.logpmf(ft.array(x), 6.0, ft.array(p))
    want = scipy.stats.multinomial.logpmf(x, 6, p)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)
    assert np.isneginf(want[2]) and np.isneginf(np.asarray(got)[2])
    np.testing.assert_allclose(
        np.asarray(ft.stats.multinomial.pmf(ft.array(x[0]), 6.0, ft.array(p))),
        scipy.stats.multinomial.pmf(x[0], 6, p), rtol=1e-12)
    ft.testing.check_grads(lambda p: ft.stats.multinomial.logpmf(ft.array(x[:2]), 6.0, p),
                           (ft.array(p),), order=2)
