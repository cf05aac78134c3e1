"""``ft.array`` refusing data it cannot hold as numbers, and ``ft.full`` with array fills."""

import numpy as np
import pytest

import funtorch as ft


@pytest.mark.parametrize("data, shown", [
    (None, "got None"),
    ([1.0, None], r"got None at index \[1\]"),
    ("abc", "got str 'abc'"),
    ([[1, 2], [3, "x"]], r"got str 'x' at index \[1, 1\]"),
    ({"a": 1}, "got dict"),
    (object(), "got object"),
])
def test_array_of_non_numbers_raises_type_error(data, shown):
    with pytest.raises(TypeError, match=r"ft.array: expected numbers "
                                        r"\(bool, int, float, complex\).*" + shown):
        ft.array(data)


@pytest.mark.parametrize("data", [2 ** 70, -(2 ** 70), [1, 2 ** 63], [[2 ** 64 - 1]]])
def test_array_of_ints_past_int64_raises_overflow_error(data):
    with pytest.raises(OverflowError, match=r"ft.array: Python int -?\d+ does not fit in int64"):
        ft.array(data)


def test_array_still_takes_int64_extremes_explicit_dtypes_and_numpy_unsigned():
    assert ft.array([-(2 ** 63), 2 ** 63 - 1]).dtype == ft.int64
    assert ft.array(2 ** 70, dtype=ft.float64).item() == float(2 ** 70)
    assert ft.array(np.array([2 ** 64 - 1], np.uint64)).dtype == np.uint64
    assert ft.tensor([np.uint64(3)]).dtype == np.uint64
    assert ft.array([1.0, 2 ** 63]).tolist() == [1.0, 2.0 ** 63]  # a float: a float array


def test_full_broadcasts_an_array_fill_value():
    out = ft.full((2, 2), ft.array([1.0, 2.0]))
    assert out.dtype == ft.float32 and out.tolist() == [[1.0, 2.0], [1.0, 2.0]]
    assert ft.full((2, 3), np.array([[1.5], [2.5]])).tolist() == np.full(
        (2, 3), np.array([[1.5], [2.5]])).tolist()
    assert ft.full((2, 3), np.array([[1.5], [2.5]])).dtype == ft.float64  # keeps its dtype
    assert ft.full(3, [1, 2, 3]).dtype == ft.int64
    assert ft.full((2, 2), ft.array([1.0, 2.0]), dtype=ft.int32).tolist() == [[1, 2], [1, 2]]
    assert ft.full((2,), ft.array(3.0)).tolist() == [3.0, 3.0]


def test_full_with_an_array_fill_is_a_fresh_leaf_when_asked():
    fill = ft.array([1.0, 2.0])
    out = ft.full((2, 2), fill, requires_grad=True)
    assert out.requires_grad and out.is_leaf
    assert np.asarray(out.detach()).flags.c_contiguous


def test_full_rejects_a_fill_that_does_not_broadcast():
    with pytest.raises(ValueError, match=r"full: fill_value of shape \(3,\) cannot be broadcast "
                                         r"to shape \(2, 2\)"):
        ft.full((2, 2), ft.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("fn", ["asarray", "tensor"])
def test_conversion_errors_name_the_function_called(fn):
    with pytest.raises(TypeError, match=rf"ft.{fn}: expected numbers"):
        getattr(ft, fn)(["a"])
    with pytest.raises(OverflowError, match=rf"ft.{fn}: Python int"):
        getattr(ft, fn)([1, 2 ** 70])
