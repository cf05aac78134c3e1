"""The complex special functions: ``wofz`` against SciPy over a wide grid of the complex
plane, its holomorphic derivative, and ``sph_harm_y`` against SciPy with derivatives in
both angles; ``ft.scipy.linalg.dft`` against SciPy and the FFT."""

import numpy as np
import pytest
import scipy.linalg
import scipy.special

import funtorch as ft


def _log_grid(lo, hi, count):
    positive = np.logspace(lo, hi, count)
    return np.concatenate([-positive[::-1], [0.0], positive])


def test_wofz_upper_half_plane_matches_scipy():
    z = _log_grid(-3, 3, 150)[:, None] + 1j * np.concatenate(
        [[0.0], np.logspace(-4, 3, 100)])[None, :]
    got, want = ft.special.wofz(ft.array(z)).numpy(), scipy.special.wofz(z)
    assert np.max(np.abs(got - want) / np.abs(want)) < 5e-14


def test_wofz_lower_half_plane_and_real_axis():
    z = np.linspace(-6.0, 6.0, 121)[:, None] - 1j * np.logspace(-4, np.log10(5.0), 40)[None, :]
    got, want = ft.special.wofz(ft.array(z)).numpy(), scipy.special.wofz(z)
    assert np.max(np.abs(got - want) / np.abs(want)) < 5e-14
    x = np.linspace(-4.0, 4.0, 33)
    got = ft.special.wofz(ft.array(x, dtype=ft.float64))
    assert got.dtype == ft.complex128
    np.testing.assert_allclose(got.numpy().real, np.exp(-x * x), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(got.numpy().imag, 2 / np.sqrt(np.pi) * scipy.special.dawsn(x),
                               rtol=1e-13)


def test_wofz_dtypes_and_derivative():
    assert ft.special.wofz(ft.array([0.5])).dtype == ft.complex64
    assert ft.special.wofz(ft.array([1])).dtype == ft.complex64
    z = np.array([0.3 + 0.5j, -1.2 - 0.4j, 2.0 + 0.1j, 9.0 + 1.0j])
    derivative = -2 * z * scipy.special.wofz(z) + 2j / np.sqrt(np.pi)
    grad = ft.grad(lambda v: ft.sum(ft.special.wofz(v)), holomorphic=True)(ft.array(z))
    np.testing.assert_allclose(grad.numpy(), derivative, rtol=1e-13)
    ft.testing.check_grads(ft.special.wofz, (ft.array(z),), order=2)
    x = ft.array([0.3, -1.1], dtype=ft.float64)  # real input: the real part's derivative
    ft.testing.check_grads(lambda v: ft.special.wofz(v), (x,), order=1)


def test_sph_harm_y_matches_scipy():
    rng = np.random.default_rng(0)
    n, m = (a.ravel() for a in np.meshgrid(np.arange(9), np.arange(-9, 10), indexing="ij"))
    theta, phi = rng.uniform(0, np.pi, n.shape), rng.uniform(0, 2 * np.pi, n.shape)
    got = ft.special.sph_harm_y(ft.array(n), ft.array(m), ft.array(theta), ft.array(phi))
    assert got.dtype == ft.complex128
    np.testing.assert_allclose(got.numpy(), scipy.special.sph_harm_y(n, m, theta, phi),
                               rtol=1e-12, atol=1e-14)
    poles = ft.special.sph_harm_y(2, 1, ft.array([0.0, np.pi], dtype=ft.float64), 0.3)
    np.testing.assert_allclose(poles.numpy(), scipy.special.sph_harm_y(
        2, 1, np.array([0.0, np.pi]), 0.3), atol=1e-15)


def test_sph_harm_y_derivatives_n_max_and_errors():
    n, m = ft.array([3, 2, 4]), ft.array([1, -2, 0])
    angles = (ft.array([0.4, 1.1, 2.0], dtype=ft.float64),
              ft.array([0.3, 2.0, 5.0], dtype=ft.float64))
    ft.testing.check_grads(lambda t, p: ft.special.sph_harm_y(n, m, t, p), angles, order=2)
    staged = ft.jit(lambda t: ft.special.sph_harm_y(n, m, t, t, n_max=4))(angles[0])
    np.testing.assert_allclose(staged.numpy(), scipy.special.sph_harm_y(
        n.numpy(), m.numpy(), angles[0].numpy(), angles[0].numpy()), rtol=1e-12)
    clipped = ft.special.sph_harm_y(ft.array([5]), ft.array([1]), 0.5, 0.5, n_max=3)
    np.testing.assert_allclose(clipped.numpy(), scipy.special.sph_harm_y(3, 1, 0.5, 0.5),
                               rtol=1e-6)
    with pytest.raises(NotImplementedError, match="diff_n is not supported"):
        ft.special.sph_harm_y(1, 0, 0.5, 0.5, diff_n=1)
    with pytest.raises(TypeError, match="n must be an integer array"):
        ft.special.sph_harm_y(ft.array([1.5]), 0, 0.5, 0.5)


@pytest.mark.parametrize("n", [0, 1, 2, 5, 16, 33])
@pytest.mark.parametrize("scale", [None, "sqrtn", "n"])
def test_dft_matches_scipy(n, scale):
    if n == 0 and scale is not None:
        pytest.skip("SciPy divides by zero")
    got = ft.scipy.linalg.dft(n, scale, dtype=ft.complex128)
    np.testing.assert_allclose(got.numpy(), scipy.linalg.dft(n, scale), atol=1e-14)


def test_dft_is_the_fft_and_refuses_bad_arguments():
    matrix = ft.scipy.linalg.dft(1000, dtype=ft.complex128).numpy()
    np.testing.assert_allclose(matrix, np.fft.fft(np.eye(1000)), atol=1e-12)
    assert ft.scipy.linalg.dft(4).dtype == ft.complex64
    assert ft.scipy.linalg.dft(4).tolist()[1] == [1, -1j, -1, 1j]
    with pytest.raises(ValueError, match="scale must be None, 'sqrtn', or 'n'"):
        ft.scipy.linalg.dft(3, "ortho")
    with pytest.raises(TypeError, match="dtype must be complex"):
        ft.scipy.linalg.dft(3, dtype=ft.float64)
