"""``vectorize``, ``apply_along_axis``, ``apply_over_axes`` (on vmap), the dtype helpers
and ``packbits``/``unpackbits``: values against NumPy, gradients, and the errors."""

import numpy as np
import pytest

import funtorch as ft
from test_numpy_arrays_join import _data, same


def test_vectorize_scalar_function():
    def clipped(a, b):
        return ft.where(a > b, a - b, a + b)

    x, y = _data((3, 4)), _data((4,))
    f = ft.vectorize(clipped)
    same(f(ft.array(x), ft.array(y)), np.vectorize(lambda a, b: a - b if a > b else a + b)(x, y))
    same(f(1.0, 2.0), np.float32(3.0))
    ft.testing.check_grads(f, (ft.array(x), ft.array(y)), order=2)


def test_vectorize_signature_and_excluded():
    dot = ft.vectorize(lambda a, b: ft.sum(a * b), signature="(n),(n)->()")
    x, y = _data((2, 3, 5)), _data((5,))
    same(dot(ft.array(x), ft.array(y)), np.einsum("ijk,k->ij", x, y))
    ft.testing.check_grads(dot, (ft.array(x), ft.array(y)), order=2)
    stats = ft.vectorize(lambda v: (ft.mean(v), ft.max(v)), signature="(n)->(),()")
    mean, high = stats(ft.array(x))
    same(mean, x.mean(-1))
    same(high, x.max(-1))
    outer = ft.vectorize(lambda a, b: a[:, None] * b[None, :], signature="(m),(n)->(m,n)")
    same(outer(ft.array(x[0]), ft.array(y[:2])), np.einsum("im,n->imn", x[0], y[:2]))
    power = ft.vectorize(lambda v, p, scale=1.0: scale * v ** p, excluded={1, "scale"})
    same(power(ft.array(x[0]), 2, scale=3.0), 3.0 * x[0] ** 2)
    shifted = ft.vectorize(lambda v, shift: v + shift)
    same(shifted(ft.array(x[0]), shift=ft.array(y[:1])), x[0] + y[:1])
    same(ft.jit(dot)(ft.array(x), ft.array(y)), np.einsum("ijk,k->ij", x, y))


@pytest.mark.parametrize("make,args,match", [
    (lambda: ft.vectorize(ft.sum, signature="(n->()"), (np.zeros(2),),
     "vectorize: not a valid gufunc signature"),
    (lambda: ft.vectorize(ft.sum, signature="(n)->()"), (np.zeros(2), np.zeros(2)),
     "vectorize: wrong number of positional arguments"),
    (lambda: ft.vectorize(lambda a, b: a, signature="(n),(n)->(n)"), (np.zeros(2), np.zeros(3)),
     "vectorize: inconsistent size for core dimension 'n': 3 vs 2"),
    (lambda: ft.vectorize(ft.sum, signature="(m,n)->()"), (np.zeros(2),),
     r"vectorize: input with shape \(2,\) does not have enough dimensions"),
    (lambda: ft.vectorize(ft.sum, signature="(n)->(),()"), (np.zeros((2, 2)),),
     "vectorize: the signature '.*' has 2 outputs"),
])
def test_vectorize_errors(make, args, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()(*(ft.array(a) for a in args))


@pytest.mark.parametrize("func,axis", [
    (lambda r: r[0] + r[-1], 0), (lambda r: ft.sort(r), -1), (lambda r: ft.outer(r, r), 1),
    (lambda r: ft.sum(r ** 2), 2),
])
def test_apply_along_axis(func, axis):
    x = _data((3, 4, 2))
    expected = np.apply_along_axis(lambda r: np.asarray(func(ft.array(r))), axis, x)
    same(ft.apply_along_axis(func, axis, ft.array(x)), expected)
    ft.testing.check_grads(lambda v: ft.apply_along_axis(func, axis, v), (ft.array(x),), order=2)


def test_apply_along_axis_extra_arguments_and_errors():
    x = _data((2, 3))
    same(ft.apply_along_axis(lambda r, k, scale: scale * r[k], 1, ft.array(x), 2, scale=2.0),
         2.0 * x[:, 2])
    with pytest.raises(ValueError, match="apply_along_axis: cannot apply_along_axis when any"):
        ft.apply_along_axis(ft.sum, 1, ft.zeros((0, 3)))


def test_apply_over_axes():
    x = _data((2, 3, 4))
    for axes in ([0, 2], [-1], 1):
        same(ft.apply_over_axes(ft.sum, ft.array(x), axes), np.apply_over_axes(np.sum, x, axes))
    same(ft.apply_over_axes(lambda a, ax: ft.cumsum(a, ax), ft.array(x), [1]),
         np.apply_over_axes(lambda a, ax: np.cumsum(a, ax), x, [1]))
    ft.testing.check_grads(lambda v: ft.apply_over_axes(ft.sum, v, [0, 1]), (ft.array(x),),
                           order=2)
    with pytest.raises(ValueError, match="apply_over_axes: function is not returning"):
        ft.apply_over_axes(lambda a, ax: ft.sum(a), ft.array(x), [0])


# dtypes ---------------------------------------------------------------------------


@pytest.mark.parametrize("args,expected", [
    ((ft.float32, ft.int64), ft.float32), ((ft.int32, ft.int64), ft.int64),
    ((ft.bool_, ft.uint8), ft.uint8), ((ft.float16, ft.float64), ft.float64),
    ((np.zeros(2, np.int32), 1.5), ft.float32), ((np.zeros(2, np.float64), 1.5), ft.float64),
    ((np.zeros(2, np.int8), 1), ft.int8), ((np.zeros(2, bool), 1), ft.int64),
    ((1.0,), ft.float32), ((2,), ft.int64), ((True,), ft.bool_), ((1, 2.0), ft.float32),
    (("float16", 1.0), ft.float16), ((ft.ones(2), 3), ft.float32),
])
def test_result_type(args, expected):
    assert ft.result_type(*args) == expected


def test_promote_can_cast_issubdtype():
    assert ft.promote_types(ft.int64, ft.float32) == ft.float32
    assert ft.promote_types("int8", "uint8") == np.int16
    for args in [(ft.int32, ft.int64), (ft.float64, ft.float32), (ft.int64, ft.float64),
                 ("bool", ft.int8)]:
        assert ft.can_cast(*args) == np.can_cast(*args)
    assert ft.can_cast(ft.zeros(2), ft.float64)
    assert ft.can_cast(ft.float64, ft.float32, casting="same_kind")
    assert ft.issubdtype(ft.float32, np.floating) and not ft.issubdtype(ft.int8, np.floating)
    assert ft.issubdtype(ft.zeros(2, dtype=ft.int32), np.integer)
    with pytest.raises(ValueError, match="result_type: at least one"):
        ft.result_type()
    with pytest.raises(TypeError, match="can_cast: Python scalars are not supported"):
        ft.can_cast(1.0, ft.float32)
    with pytest.raises(TypeError, match="result_type: expected an array, a dtype"):
        ft.result_type(object())


# bits -------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [None, 0, -1])
@pytest.mark.parametrize("bitorder", ["big", "little"])
def test_packbits_roundtrip(axis, bitorder):
    bits = np.random.default_rng(0).integers(0, 3, (3, 11))
    packed = ft.packbits(ft.array(bits), axis=axis, bitorder=bitorder)
    same(packed, np.packbits(bits, axis=axis, bitorder=bitorder))
    same(ft.packbits(ft.array(bits > 0), axis=axis), np.packbits(bits > 0, axis=axis))
    host = np.packbits(bits, axis=axis, bitorder=bitorder)
    for count in (None, 5, -3, 30):
        same(ft.unpackbits(ft.array(host), axis=axis, count=count, bitorder=bitorder),
             np.unpackbits(host, axis=axis, count=count, bitorder=bitorder))
    same(ft.jit(lambda b: ft.packbits(b, axis=axis))(ft.array(bits)),
         np.packbits(bits, axis=axis))


def test_bits_errors():
    with pytest.raises(TypeError, match="packbits: expected an input array of integer or bool"):
        ft.packbits(ft.zeros(3))
    with pytest.raises(TypeError, match="unpackbits: expected an input array of unsigned byte"):
        ft.unpackbits(ft.zeros(3, dtype=ft.int64))
    with pytest.raises(ValueError, match="packbits: bitorder must be 'big' or 'little'"):
        ft.packbits(ft.zeros(3, dtype=ft.int64), bitorder="middle")
