"""Array conversions as NumPy and Python call them: ``np.array(x)``, ``np.asarray(x)``,
``f"{x:.2f}"``."""

import numpy as np
import pytest

import funtorch as ft

VALUES = np.arange(6.0, dtype=np.float32).reshape(2, 3) - 2.0


def _x():
    return ft.array(VALUES)


def test_np_array_is_a_fresh_writable_copy():
    x = _x()
    for copy in (np.array(x), np.array(x, copy=True), np.asarray(x, copy=True)):
        assert copy.flags.writeable and not np.shares_memory(copy, np.asarray(x))
        copy[0, 0] = 100.0
    assert x.tolist() == VALUES.tolist()


def test_np_asarray_stays_a_read_only_view():
    x = _x()
    view = np.asarray(x)
    assert not view.flags.writeable and np.shares_memory(view, x._buf)
    assert not np.asarray(x, copy=False).flags.writeable
    converted = np.asarray(x, dtype=np.float64)  # a conversion: a new array, shared with none
    assert converted.dtype == np.float64 and converted.flags.writeable
    with pytest.raises(ValueError, match=r"copy=False.*float32 to float64"):
        np.asarray(x, dtype=np.float64, copy=False)


def test_format_of_a_zero_d_array_formats_the_scalar():
    assert f"{ft.array(2.5):.2f}" == "2.50"
    assert f"{ft.array(7):03d}" == "007"
    assert f"{ft.array(2.5)}" == "2.5"
    assert "{:>6.1%}".format(ft.array(0.25)) == " 25.0%"


def test_format_of_other_arrays_keeps_the_default():
    x = ft.array([1.0, 2.0])
    assert f"{x}" == str(x)
    with pytest.raises(TypeError, match="unsupported format string"):
        f"{x:.2f}"
