"""Polynomials (funtorch/ops/math_poly.py, math_polyfit.py) against NumPy."""

import numpy as np
import pytest

import funtorch as ft

RNG = np.random.default_rng(3)


def _p(n, dtype=np.float64):
    return RNG.standard_normal(n).astype(dtype)


@pytest.mark.parametrize("n1, n2", [(3, 5), (4, 4), (1, 2)])
@pytest.mark.parametrize("name", ["polyadd", "polysub", "polymul"])
def test_polynomial_arithmetic(name, n1, n2):
    a, b = _p(n1), _p(n2)
    out = getattr(ft, name)(ft.array(a), ft.array(b))
    np.testing.assert_allclose(np.asarray(out), getattr(np, name)(a, b), rtol=1e-12)
    ft.testing.check_grads(getattr(ft, name), (ft.array(a), ft.array(b)), order=2)
    ints = getattr(ft, name)(ft.array([1, 2]), ft.array([3, 4, 5]))
    assert ints.dtype.kind == "i"
    np.testing.assert_array_equal(np.asarray(ints), getattr(np, name)([1, 2], [3, 4, 5]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_polyval(dtype):
    p, x = (_p(4) * 3).astype(dtype), (_p(6) * 2).astype(dtype)
    out = ft.polyval(ft.array(p), ft.array(x))
    assert out.dtype == dtype
    np.testing.assert_allclose(np.asarray(out), np.polyval(p, x), rtol=1e-5)
    if dtype == np.float64:
        ft.testing.check_grads(ft.polyval, (ft.array(p), ft.array(x)), order=2)


@pytest.mark.parametrize("m", [0, 1, 2, 4])
def test_polyder_polyint(m):
    p = _p(4)
    np.testing.assert_allclose(np.asarray(ft.polyder(ft.array(p), m)), np.polyder(p, m))
    np.testing.assert_allclose(np.asarray(ft.polyint(ft.array(p), m)), np.polyint(p, m))
    k = list(_p(m))
    np.testing.assert_allclose(np.asarray(ft.polyint(ft.array(p), m, k=ft.array(k))),
                               np.polyint(p, m, k=k))
    np.testing.assert_array_equal(np.asarray(ft.polyder(ft.array([3, 2, 1]))),
                                  np.polyder([3, 2, 1]))
    ft.testing.check_grads(lambda v: ft.polyint(v, 2, k=1.5), (ft.array(p),), order=2)
    with pytest.raises(ValueError, match="polyder: order of derivative must be non-negative"):
        ft.polyder(ft.array(p), -1)


@pytest.mark.parametrize("nu, nv", [(5, 2), (4, 4), (3, 1), (2, 3)])
def test_polydiv(nu, nv):
    u, v = _p(nu), _p(nv)
    q, r = ft.polydiv(ft.array(u), ft.array(v))
    want_q, want_r = np.polydiv(u, v)
    np.testing.assert_allclose(np.asarray(q), want_q, rtol=1e-10)
    np.testing.assert_allclose(np.asarray(r)[len(r) - len(want_r):], want_r, rtol=1e-10,
                               atol=1e-12)
    assert np.allclose(np.asarray(r)[:len(r) - len(want_r)], 0.0, atol=1e-12)
    ft.testing.check_grads(lambda a, b: ft.polydiv(a, b), (ft.array(u), ft.array(v)), order=2)
    q, r = ft.polydiv(ft.array([1.0, 0.0, -1.0]), ft.array([1.0, -1.0]),
                      trim_leading_zeros=True)
    assert q.tolist() == [1.0, 1.0] and r.tolist() == [0.0]


@pytest.mark.parametrize("increasing", [False, True])
@pytest.mark.parametrize("n", [None, 0, 1, 4])
def test_vander(n, increasing):
    x = np.array([0.0, 1.5, -2.0, 0.3])
    out = ft.vander(ft.array(x), n, increasing)
    np.testing.assert_allclose(np.asarray(out), np.vander(x, n, increasing))
    np.testing.assert_array_equal(np.asarray(ft.vander(ft.array([2, 3]), n, increasing)),
                                  np.vander([2, 3], n, increasing))
    if n != 0:
        ft.testing.check_grads(lambda v: ft.vander(v, n, increasing), (ft.array(x),), order=2)


def test_poly_of_roots_and_matrices():
    z = _p(4)
    np.testing.assert_allclose(np.asarray(ft.poly(ft.array(z))), np.poly(z), rtol=1e-12)
    a = _p(9).reshape(3, 3)
    np.testing.assert_allclose(np.asarray(ft.poly(ft.array(a))), np.real(np.poly(a)),
                               rtol=1e-10, atol=1e-12)
    ft.testing.check_grads(ft.poly, (ft.array(z),), order=2)
    ft.testing.check_grads(ft.poly, (ft.array(a),), order=2)
    assert ft.poly(ft.array([1, 2])).dtype == ft.get_default_dtype()


def test_roots():
    p = np.poly([3.0, -1.0, 0.5])
    out = ft.roots(ft.array(p))
    descending = lambda q: -np.sort(-np.roots(q))  # noqa: E731
    np.testing.assert_allclose(np.asarray(out), descending(p), rtol=1e-12)
    padded = np.concatenate([[0.0, 0.0], p, [0.0]])
    np.testing.assert_allclose(np.asarray(ft.roots(ft.array(padded))), descending(padded),
                               atol=1e-12)
    assert ft.roots(ft.array([0.0, 0.0])).shape == (0,)
    assert ft.roots(ft.array([2.0])).shape == (0,)
    ft.testing.check_grads(ft.roots, (ft.array(p),), order=2)
    with pytest.raises(ValueError, match="roots: the polynomial has complex roots"):
        ft.roots(ft.array([1.0, 0.0, 1.0]))
    batched = ft.vmap(ft.roots)(ft.array(np.stack([p, 2 * p])))
    np.testing.assert_allclose(np.asarray(batched), np.stack([descending(p)] * 2), rtol=1e-12)


@pytest.mark.parametrize("kwargs", [{}, {"w": True}, {"cov": True}, {"cov": "unscaled"},
                                    {"full": True}])
@pytest.mark.parametrize("deg", [1, 3])
def test_polyfit(deg, kwargs):
    x, y = np.linspace(-2, 3, 12), _p(12)
    w = RNG.uniform(0.5, 1.5, 12)
    np_kwargs = dict(kwargs, w=w) if kwargs.get("w") else kwargs
    ft_kwargs = dict(kwargs, w=ft.array(w)) if kwargs.get("w") else kwargs
    out = ft.polyfit(ft.array(x), ft.array(y), deg, **ft_kwargs)
    want = np.polyfit(x, y, deg, **np_kwargs)
    for got, expected in zip(out if isinstance(out, tuple) else (out,),
                             want if isinstance(want, tuple) else (want,)):
        np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-9, atol=1e-12)
    ft.testing.check_grads(lambda a, b: ft.polyfit(a, b, deg), (ft.array(x), ft.array(y)),
                           order=2)


def test_polyfit_several_columns_and_errors():
    x, y = np.linspace(0, 1, 8), RNG.standard_normal((8, 3))
    c, cov = ft.polyfit(ft.array(x), ft.array(y), 2, cov=True)
    want_c, want_cov = np.polyfit(x, y, 2, cov=True)
    np.testing.assert_allclose(np.asarray(c), want_c, rtol=1e-9)
    np.testing.assert_allclose(np.asarray(cov), want_cov, rtol=1e-9)
    with pytest.raises(ValueError, match="polyfit: expected deg >= 0"):
        ft.polyfit(ft.array(x), ft.array(y), -1)
    with pytest.raises(ValueError, match=r"polyfit: expected y of shape \(8,\)"):
        ft.polyfit(ft.array(x), ft.array(y[:3]), 1)


def test_jit_of_polynomials():
    p, x = ft.array(_p(5)), ft.array(_p(7))
    np.testing.assert_allclose(np.asarray(ft.jit(ft.polyval)(p, x)),
                               np.asarray(ft.polyval(p, x)), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(ft.jit(lambda v: ft.polyder(ft.polymul(v, v)))(p)),
                               np.polyder(np.polymul(np.asarray(p), np.asarray(p))), rtol=1e-12)
