"""Derivatives at kinks and singular points follow JAX (funtorch/ops/README.md, "Conventions
at kinks"). Each row is checked in reverse mode, forward mode and on the PyTorch tape, so
the three agree; expected values are JAX's documented rules, not funtorch's output."""

import math

import numpy as np
import pytest

import funtorch as ft

INF, NAN = math.inf, math.nan


def _f64(value):
    return ft.array(value, dtype=ft.float64)


# (name, function of one float64 array, point, expected gradient of sum(f(x)))
KINKS = [
    ("x**0.0 at 0", lambda x: x ** 0.0, 0.0, 0.0),
    ("x**0 at 0", lambda x: x ** 0, 0.0, 0.0),
    ("x**1 at 0", lambda x: x ** 1, 0.0, 1.0),
    ("x**1.0 at 0", lambda x: x ** 1.0, 0.0, 1.0),
    ("x**2 at 0", lambda x: x ** 2, 0.0, 0.0),
    ("x**0.5 at 0", lambda x: x ** 0.5, 0.0, INF),
    ("x**y at x=0, y=0 (array exponent)", lambda x: ft.power(x, _f64(0.0)), 0.0, 0.0),
    ("0.0**y in y, y > 0", lambda y: 0.0 ** y, 2.0, 0.0),
    ("abs at 0", ft.abs, 0.0, 1.0),
    ("abs below 0", ft.abs, -0.5, -1.0),
    ("relu at 0", ft.relu, 0.0, 0.0),
    ("sqrt at 0", ft.sqrt, 0.0, INF),
    ("sign at 0", ft.sign, 0.0, 0.0),
    ("clip at the lower bound", lambda x: ft.clip(x, 0.0, 1.0), 0.0, 0.5),
    ("clip at the upper bound", lambda x: ft.clip(x, 0.0, 1.0), 1.0, 0.5),
    ("clip inside", lambda x: ft.clip(x, 0.0, 1.0), 0.5, 1.0),
    ("clip outside", lambda x: ft.clip(x, 0.0, 1.0), 2.0, 0.0),
    ("maximum tie", lambda x: ft.maximum(x, 1.0), 1.0, 0.5),
    ("minimum tie", lambda x: ft.minimum(x, 1.0), 1.0, 0.5),
    ("maximum(x, x)", lambda x: ft.maximum(x, x), 1.0, 1.0),
    ("where, chosen branch", lambda x: ft.where(x > 0, x * 3.0, x * 5.0), 1.0, 3.0),
    ("where at the switch", lambda x: ft.where(x > 0, x * 3.0, x * 5.0), 0.0, 5.0),
]
# reductions (grad of the whole array): ties split equally among the tied elements
TIES = [
    ("max ties", ft.max, [1.0, 3.0, 3.0], [0.0, 0.5, 0.5]),
    ("min ties", ft.min, [2.0, 2.0, 2.0, 5.0], [1 / 3, 1 / 3, 1 / 3, 0.0]),
    ("max along an axis", lambda x: ft.sum(ft.max(x, axis=1)), [[1.0, 1.0], [2.0, 3.0]],
     [[0.5, 0.5], [0.0, 1.0]]),
    ("var of a constant", ft.var, [2.0, 2.0], [0.0, 0.0]),
    ("std of a constant", ft.std, [2.0, 2.0], [NAN, NAN]),
    ("norm at 0", ft.linalg.norm, [0.0, 0.0], [0.0, 0.0]),
]


def _close(got, expected):
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), expected, rtol=1e-15,
                               equal_nan=True)


@pytest.mark.parametrize("name, fn, point, expected", KINKS, ids=[k[0] for k in KINKS])
def test_kinks_in_every_mode(name, fn, point, expected):
    x = _f64(point)
    with np.errstate(divide="ignore", invalid="ignore"):
        _close(ft.grad(fn)(x), expected)
        _close(ft.jvp(fn, (x,), (_f64(1.0),))[1], expected)
        leaf = ft.tensor(point, dtype=ft.float64, requires_grad=True)
        fn(leaf).backward()
    _close(leaf.grad, expected)


@pytest.mark.parametrize("name, fn, point, expected", TIES, ids=[t[0] for t in TIES])
def test_ties_and_singular_reductions(name, fn, point, expected):
    with np.errstate(divide="ignore", invalid="ignore"):
        _close(ft.grad(fn)(_f64(point)), expected)


def test_maximum_split_reaches_both_operands():
    gx, gy = ft.grad(ft.maximum, argnums=(0, 1))(_f64(2.0), _f64(2.0))
    assert (float(gx), float(gy)) == (0.5, 0.5)


def test_clip_bound_gets_the_rest_of_a_tie():
    lo = ft.grad(lambda lo: ft.clip(_f64(0.0), lo, 1.0))(_f64(0.0))
    assert float(lo) == 0.5


def test_pow_second_derivative_at_zero_exponent_is_the_plain_formula():
    """The x == y == 0 guard must not bend d/dy of the x-partial at y == 0, x != 0."""
    mixed = ft.grad(ft.grad(ft.power, argnums=0), argnums=1)(_f64(0.5), _f64(0.0))
    assert float(mixed) == pytest.approx(1 / 0.5, rel=1e-14)  # d/dy y x^(y-1) = x^-1 at y=0
