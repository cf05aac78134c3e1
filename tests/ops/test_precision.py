"""Functions whose naive formulas lose precision: checked against Python's math module."""

from __future__ import annotations

import math

import numpy as np
import pytest

import funtorch as ft

_GRID = np.concatenate([np.linspace(-9.0, 9.0, 1801), [0.0, 1e-300, -1e-12, 2.0, -2.0, 40.0]])


def test_erf_float64_matches_math_erf():
    want = np.array([math.erf(v) for v in _GRID])
    got = ft.erf(ft.array(_GRID)).numpy()
    np.testing.assert_allclose(got, want, rtol=4e-15, atol=1e-300)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_erf_low_precision_within_one_ulp(dtype):
    x = _GRID.astype(dtype)
    want = np.array([math.erf(float(v)) for v in x]).astype(dtype)
    got = ft.erf(ft.array(x)).numpy()
    assert got.dtype == dtype
    ulps = np.abs(got.astype(np.float64) - want) / np.spacing(np.abs(want) + dtype(1e-7))
    assert ulps.max() <= 1.0


def test_erf_derivative_is_exact():
    x = ft.array(np.linspace(-4, 4, 9))
    got = ft.vmap(ft.grad(ft.erf))(x).numpy()
    np.testing.assert_allclose(got, 2 / math.sqrt(math.pi) * np.exp(-x.numpy() ** 2),
                               rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_keeps_relative_precision_on_both_tails(dtype):
    x = np.array([-100.0, -40.0, -20.0, -17.0, -5.0, 0.0, 5.0, 20.0, 100.0], dtype)
    want = np.array([1.0 / (1.0 + math.exp(-v)) if v > -700 else 0.0 for v in x.astype(float)])
    got = ft.sigmoid(ft.array(x)).numpy()
    assert got.dtype == dtype
    tiny = np.finfo(dtype).tiny
    np.testing.assert_allclose(got, want.astype(dtype), rtol=4 * np.finfo(dtype).eps,
                               atol=tiny if dtype == np.float64 else 1e-44)
    assert float(ft.log(ft.sigmoid(ft.array(-20.0, dtype=dtype)))) == pytest.approx(-20.0)
    assert float(ft.grad(ft.sigmoid)(ft.array(-20.0, dtype=dtype))) == pytest.approx(
        math.exp(-20.0), rel=1e-5)
