"""Elementwise NumPy maths (funtorch/ops/math_elementwise.py, math_real.py, math_complex.py,
math_bits.py): values against NumPy/SciPy on random inputs of several dtypes, gradients to
second order, aliases, and the errors of the non-differentiable ones."""

import doctest
import importlib
import math

import numpy as np
import pytest
import scipy.special

import funtorch as ft

RNG = np.random.default_rng(0)
WIDE = (-3.0, 3.0)
POS = (0.2, 3.0)

# name: (NumPy reference, domain of the random inputs)
UNARY = {
    "arcsinh": (np.arcsinh, WIDE), "arccosh": (np.arccosh, (1.1, 4.0)),
    "arctanh": (np.arctanh, (-0.9, 0.9)), "cbrt": (np.cbrt, WIDE), "exp2": (np.exp2, WIDE),
    "log2": (np.log2, POS), "log10": (np.log10, POS), "i0": (scipy.special.i0, WIDE),
    "sinc": (np.sinc, WIDE), "fabs": (np.fabs, WIDE), "deg2rad": (np.deg2rad, WIDE),
    "rad2deg": (np.rad2deg, WIDE), "angle": (np.angle, WIDE), "rint": (np.rint, WIDE),
}
BINARY = {
    "hypot": np.hypot, "logaddexp2": np.logaddexp2, "copysign": np.copysign,
    "fmax": np.fmax, "fmin": np.fmin, "heaviside": np.heaviside, "fmod": np.fmod,
}
# Differentiable at the random points (away from kinks): checked to second order.
SMOOTH_UNARY = ["arcsinh", "arccosh", "arctanh", "cbrt", "exp2", "log2", "log10", "i0", "sinc",
                "deg2rad", "rad2deg", "fabs"]
SMOOTH_BINARY = ["hypot", "logaddexp2", "copysign", "fmax", "fmin"]
ALIASES = [("absolute", "abs"), ("acos", "arccos"), ("asin", "arcsin"), ("atan", "arctan"),
           ("atan2", "arctan2"), ("acosh", "arccosh"), ("asinh", "arcsinh"),
           ("atanh", "arctanh"), ("around", "round"), ("pow", "power"), ("remainder", "mod"),
           ("true_divide", "divide"), ("conjugate", "conj"), ("radians", "deg2rad"),
           ("degrees", "rad2deg"), ("bitwise_not", "invert"), ("bitwise_invert", "invert"),
           ("bitwise_left_shift", "left_shift"), ("bitwise_right_shift", "right_shift")]


def _sample(domain, shape=(3, 4), dtype=np.float64):
    return RNG.uniform(*domain, size=shape).astype(dtype)


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_unary_matches_numpy(name, dtype):
    reference, domain = UNARY[name]
    x = _sample(domain, dtype=dtype)
    out = getattr(ft, name)(ft.array(x))
    assert out.dtype == dtype
    rtol = 1e-12 if dtype == np.float64 else 2e-6
    np.testing.assert_allclose(np.asarray(out), reference(x.astype(np.float64)), rtol=rtol,
                               atol=rtol)


@pytest.mark.parametrize("name", ["exp2", "log2", "log10", "cbrt", "sinc", "fabs", "rint",
                                  "deg2rad", "angle", "i0", "arcsinh"])
def test_integer_inputs_give_the_default_float(name):
    x = np.array([1, 2, 5, -3 if name not in ("log2", "log10") else 7])
    out = getattr(ft, name)(ft.array(x))
    assert out.dtype == ft.get_default_dtype()
    np.testing.assert_allclose(np.asarray(out), UNARY[name][0](x.astype(float)), rtol=1e-6,
                               atol=1e-6)


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_matches_numpy_with_broadcasting(name, dtype):
    x, y = _sample(WIDE, (3, 1), dtype), _sample(WIDE, (4,), dtype)
    if name == "heaviside":
        x[0, 0] = 0.0
    out = getattr(ft, name)(ft.array(x), ft.array(y))
    assert out.shape == (3, 4) and out.dtype == dtype
    np.testing.assert_allclose(np.asarray(out), BINARY[name](x, y), rtol=2e-6)


def test_nan_handling_of_fmax_fmin_heaviside():
    x = np.array([np.nan, 1.0, np.nan, 0.0])
    y = np.array([2.0, np.nan, np.nan, 0.5])
    for name in ("fmax", "fmin", "heaviside", "copysign", "hypot", "logaddexp2"):
        np.testing.assert_array_equal(np.asarray(getattr(ft, name)(ft.array(x), ft.array(y))),
                                      BINARY[name](x, y))


@pytest.mark.parametrize("name", SMOOTH_UNARY)
def test_unary_gradients_second_order(name):
    _, domain = UNARY[name]
    x = _sample(domain, (5,))
    if name in ("cbrt", "fabs"):
        x = np.where(np.abs(x) < 0.2, 0.5, x)
    ft.testing.check_grads(getattr(ft, name), (ft.array(x),), order=2)


@pytest.mark.parametrize("name", SMOOTH_BINARY)
def test_binary_gradients_second_order(name):
    x, y = _sample(WIDE, (4,)), _sample(WIDE, (4,))
    x, y = np.where(np.abs(x) < 0.2, 0.7, x), np.where(np.abs(x - y) < 0.2, x + 0.5, y)
    ft.testing.check_grads(getattr(ft, name), (ft.array(x), ft.array(y)), order=2)


def test_sinc_derivatives_at_zero():
    x = ft.array(0.0, dtype=ft.float64)
    assert ft.grad(ft.sinc)(x).item() == 0.0
    np.testing.assert_allclose(ft.grad(ft.grad(ft.sinc))(x).item(), -math.pi ** 2 / 3)
    ft.testing.check_grads(ft.sinc, (ft.array([0.0, 0.05, -0.09, 0.1]),), order=2)


def test_float_power_is_float64_and_differentiable():
    out = ft.float_power(ft.array([2, 3], dtype=ft.int32), ft.array([0.5, 2.0],
                                                                     dtype=ft.float32))
    assert out.dtype == np.float64
    np.testing.assert_allclose(np.asarray(out), np.float_power([2, 3], [0.5, 2.0]))
    ft.testing.check_grads(ft.float_power, (ft.array([1.5, 2.0]), ft.array([0.5, -1.0])),
                           order=2)


@pytest.mark.parametrize("new, old", ALIASES)
def test_aliases_are_the_same_function(new, old):
    assert getattr(ft, new) is getattr(ft, old)


def test_real_input_complex_helpers():
    x = np.array([-2.0, -0.0, 0.0, 3.0, np.nan])
    np.testing.assert_array_equal(np.asarray(ft.conj(ft.array(x))), np.conj(x))
    np.testing.assert_array_equal(np.asarray(ft.real(ft.array(x))), np.real(x))
    np.testing.assert_array_equal(np.asarray(ft.imag(ft.array(x))), np.imag(x))
    np.testing.assert_array_equal(np.asarray(ft.angle(ft.array(x))), np.angle(x))
    np.testing.assert_array_equal(np.asarray(ft.angle(ft.array(x), deg=True)),
                                  np.angle(x, deg=True))
    np.testing.assert_array_equal(np.asarray(ft.isreal(ft.array(x))), np.isreal(x))
    assert ft.isrealobj(ft.array(x)) is True
    assert ft.grad(lambda v: ft.angle(v).sum())(ft.array([-1.0, 2.0])).tolist() == [0.0, 0.0]


def test_sign_and_infinity_tests():
    x = np.array([-np.inf, -1.0, -0.0, 0.0, 2.0, np.inf, np.nan])
    for name in ("signbit", "isposinf", "isneginf", "positive"):
        np.testing.assert_array_equal(np.asarray(getattr(ft, name)(ft.array(x))),
                                      getattr(np, name)(x))
    np.testing.assert_array_equal(np.asarray(ft.trunc(ft.array(x))), np.trunc(x))
    assert ft.trunc(ft.array([3, -2])).dtype == np.int64
    with pytest.raises(TypeError, match="positive: expected a numeric array"):
        ft.positive(ft.array([True]))


@pytest.mark.parametrize("kwargs", [{}, {"nan": 1.5, "posinf": 9.0, "neginf": -9.0}])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_nan_to_num(kwargs, dtype):
    x = np.array([np.nan, np.inf, -np.inf, 2.0], dtype=dtype)
    out = ft.nan_to_num(ft.array(x), **kwargs)
    assert out.dtype == dtype
    np.testing.assert_array_equal(np.asarray(out), np.nan_to_num(x, **kwargs))
    grad = ft.grad(lambda v: ft.nan_to_num(v).sum())(ft.array(x))
    assert grad.tolist() == [0.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize("kwargs", [{}, {"discont": 4.0}, {"period": 6}, {"axis": 0}])
def test_unwrap(kwargs):
    x = np.cumsum(RNG.uniform(-4, 4, size=(6, 5)), axis=1)
    out = ft.unwrap(ft.array(x), **kwargs)
    np.testing.assert_allclose(np.asarray(out), np.unwrap(x, **kwargs), rtol=1e-12)
    ft.testing.check_grads(lambda v: ft.unwrap(v, **kwargs), (ft.array(x),), order=2)


def test_integer_functions_match_numpy():
    a = RNG.integers(-50, 50, size=(4, 3))
    b = RNG.integers(-50, 50, size=(3,))
    shift = RNG.integers(0, 10, size=(3,))
    np.testing.assert_array_equal(np.asarray(ft.gcd(ft.array(a), ft.array(b))), np.gcd(a, b))
    np.testing.assert_array_equal(np.asarray(ft.lcm(ft.array(a), ft.array(b))), np.lcm(a, b))
    np.testing.assert_array_equal(np.asarray(ft.left_shift(ft.array(a), ft.array(shift))),
                                  np.left_shift(a, shift))
    np.testing.assert_array_equal(np.asarray(ft.right_shift(ft.array(a), 2)),
                                  np.right_shift(a, 2))
    count = ft.bitwise_count(ft.array(a))
    assert count.dtype == np.uint8
    np.testing.assert_array_equal(np.asarray(count), np.bitwise_count(a))
    for name in ("gcd", "lcm", "left_shift"):
        with pytest.raises(TypeError, match=f"{name}: expected integer or bool operands"):
            getattr(ft, name)(ft.array([1.0]), 2)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_frexp_ldexp_modf_divmod(dtype):
    x = (RNG.standard_normal((3, 4)) * 100).astype(dtype)
    mantissa, exponent = ft.frexp(ft.array(x))
    want_m, want_e = np.frexp(x)
    assert mantissa.dtype == dtype and exponent.dtype == want_e.dtype
    np.testing.assert_array_equal(np.asarray(mantissa), want_m)
    np.testing.assert_array_equal(np.asarray(exponent), want_e)
    np.testing.assert_array_equal(np.asarray(ft.ldexp(mantissa, exponent)), x)
    assert ft.ldexp(ft.array(x), ft.array([1, 2, 3, 4])).dtype == dtype
    for got, want in zip(ft.modf(ft.array(x)), np.modf(x)):
        np.testing.assert_array_equal(np.asarray(got), want)
    for got, want in zip(ft.divmod(ft.array(x), 7.0), np.divmod(x, 7.0)):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)


def test_frexp_ldexp_modf_gradients():
    x = ft.array(RNG.standard_normal(5) * 10)
    ft.testing.check_grads(lambda v: ft.frexp(v)[0], (x,), order=2)
    ft.testing.check_grads(lambda v: ft.ldexp(v, ft.array([1, -2, 0, 3, 5])), (x,), order=2)
    ft.testing.check_grads(lambda v: ft.modf(v)[0], (x,), order=2)
    ft.testing.check_grads(lambda a, b: ft.fmod(a, b), (x, ft.array([2.3] * 5)), order=1)


def test_nextafter_and_spacing_values_and_no_silent_gradient():
    x = RNG.standard_normal(5)
    np.testing.assert_array_equal(np.asarray(ft.nextafter(ft.array(x), 10.0)),
                                  np.nextafter(x, 10.0))
    np.testing.assert_array_equal(np.asarray(ft.spacing(ft.array(x))), np.spacing(x))
    assert ft.spacing(ft.array(x.astype(np.float32))).dtype == np.float32
    with pytest.raises(TypeError, match="primitive 'nextafter' has no VJP rule"):
        ft.grad(lambda v: ft.nextafter(v, 1.0).sum())(ft.array(x))
    with pytest.raises(TypeError, match="primitive 'spacing' has no JVP rule"):
        ft.jvp(ft.spacing, (ft.array(x),), (ft.array(x),))
    out = ft.vmap(lambda v: ft.nextafter(v, 0.0))(ft.array(x.reshape(5, 1)))
    np.testing.assert_array_equal(np.asarray(out), np.nextafter(x.reshape(5, 1), 0.0))
    out = ft.jit(lambda v: ft.nextafter(v, 0.0))(ft.array(x))
    np.testing.assert_array_equal(np.asarray(out), np.nextafter(x, 0.0))
    with pytest.raises(TypeError, match="primitive 'spacing' has no VJP rule"):
        ft.grad(lambda v: ft.jit(ft.spacing)(v).sum())(ft.array(x))


def test_mixed_dtypes_take_the_floating_dtype():
    # the checks of tests/ops/test_promotion.py for the primitives combining two arrays
    from funtorch.ops.math_scan import recurrence

    f32, i64 = ft.ones((2, 2), dtype=ft.float32), ft.ones((2, 2), dtype=ft.int64)
    for fn in (ft.fmod, ft.hypot, ft.logaddexp2, ft.nextafter, ft.copysign, ft.fmax,
               lambda x, y: recurrence(x, y, 0)):
        assert fn(f32, i64).dtype == np.float32 and fn(i64, f32).dtype == np.float32
        assert fn(f32, ft.astype(f32, ft.float64)).dtype == np.float64
    assert ft.fmod(i64, ft.astype(i64, ft.int32)).dtype == np.int64
    f16 = ft.astype(f32, ft.float16)
    for fn in (ft.fmod, ft.hypot, ft.nextafter, lambda x, y: recurrence(x, y, 0)):
        assert fn(f16, ft.astype(i64, ft.int32)).dtype == np.float16
        assert fn(ft.astype(i64, ft.uint8), f16).dtype == np.float16


def test_vmap_and_jit_agree_with_eager():
    x = ft.array(_sample(WIDE, (4, 3)))
    for fn in (ft.arcsinh, ft.cbrt, ft.sinc, lambda v: ft.hypot(v, 2.0), ft.exp2):
        eager = np.asarray(fn(x))
        np.testing.assert_allclose(np.asarray(ft.vmap(fn)(x)), eager, rtol=1e-12)
        np.testing.assert_allclose(np.asarray(ft.jit(fn)(x)), eager, rtol=1e-12)


@pytest.mark.parametrize("module", ["math_elementwise", "math_real", "math_complex",
                                    "math_bits", "math_reductions", "math_compare",
                                    "math_stats", "math_nan", "math_poly", "math_polyfit"])
def test_docstring_examples_give_their_outputs(module):
    found = importlib.import_module(f"funtorch.ops.{module}")
    result = doctest.testmod(found, extraglobs={"ft": ft}, report=False,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring examples of {module} failed"
