"""erfinv and ndtri (Giles' polynomials, Newton on log erfc past them) against SciPy over
dense grids with both tails, subnormal probabilities, the exact edges and float32."""

import numpy as np
import pytest
import scipy.special as sc

import funtorch as ft

N = 50_000
ULP_BOUND = 8  # measured: 6 against SciPy, 4 against mpmath (SciPy itself: 3)

PROBABILITIES = np.concatenate([
    np.linspace(0.0, 1.0, N)[1:-1], np.geomspace(5e-324, 0.5, N), 1.0 - np.geomspace(1e-16, 0.5, N),
    0.5 + np.geomspace(1e-17, 1e-3, N, dtype=np.float64) * np.array([1.0, -1.0] * (N // 2))])
UNIT = np.concatenate([
    np.linspace(-1.0, 1.0, N)[1:-1], np.geomspace(5e-324, 1.0, N, endpoint=False),
    -np.geomspace(1e-300, 1.0, N, endpoint=False), 1.0 - np.geomspace(1e-16, 0.5, N),
    -1.0 + np.geomspace(1e-16, 0.5, N)])


def _ulps(got, want):
    return np.abs(got - want) / np.spacing(np.abs(want))


@pytest.mark.parametrize("ours, ref, x", [
    (ft.special.ndtri, sc.ndtri, PROBABILITIES), (ft.special.erfinv, sc.erfinv, UNIT)])
def test_float64_within_a_few_ulp_of_scipy(ours, ref, x):
    want = ref(x)
    got = np.asarray(ours(ft.asarray(x)))
    keep = want != 0
    assert np.all(got[~keep] == 0)
    assert _ulps(got[keep], want[keep]).max() <= ULP_BOUND


@pytest.mark.parametrize("ours, ref, x", [
    (ft.special.ndtri, sc.ndtri, [0.0, 1.0, -0.1, 1.1, np.nan, np.inf, -np.inf, 0.5]),
    (ft.special.erfinv, sc.erfinv, [1.0, -1.0, 1.5, -1.5, np.nan, np.inf, 0.0, -0.0])])
def test_edges_match_scipy(ours, ref, x):
    x = np.array(x)
    got = np.asarray(ours(ft.asarray(x)))
    np.testing.assert_array_equal(got, ref(x))  # nan == nan here; -0.0 == 0.0


@pytest.mark.parametrize("ours, ref, x", [
    (ft.special.ndtri, sc.ndtri, PROBABILITIES), (ft.special.erfinv, sc.erfinv, UNIT)])
def test_float32_stays_float32_within_one_ulp(ours, ref, x):
    x32 = x.astype(np.float32)
    got = ours(ft.asarray(x32))
    assert got.dtype == np.float32
    want = ref(x32.astype(np.float64))
    keep = np.isfinite(want) & (np.abs(want) > np.finfo(np.float32).tiny)
    ulp = np.spacing(np.abs(want[keep]).astype(np.float32)).astype(np.float64)
    assert np.all(np.abs(np.asarray(got, np.float64)[keep] - want[keep]) <= ulp)


@pytest.mark.parametrize("fn", [ft.erf, ft.special.erfc, ft.special.ndtr, ft.special.log_ndtr,
                                ft.special.erfcx, ft.special.dawsn, ft.special.ndtri,
                                ft.special.erfinv])
def test_host_blocks_change_no_value(fn):
    """Kernels run per block of BLOCK elements on NumPy: a long array gives exactly the
    values of its pieces computed alone."""
    from funtorch.ops.erf_kernels import BLOCK
    x = np.random.default_rng(11).uniform(-0.999, 0.999, 2 * BLOCK + 123)
    if fn is ft.special.ndtri:
        x = np.abs(x)
    whole = np.asarray(fn(ft.asarray(x)))
    pieces = [np.asarray(fn(ft.asarray(x[i:i + 1000]))) for i in range(0, x.size, 1000)]
    np.testing.assert_array_equal(whole, np.concatenate(pieces))
