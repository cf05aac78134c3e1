"""Array methods as NumPy and Python call them: ``np.sum(x)``, ``np.array(x)``,
``f"{x:.2f}"``.

NumPy's functions hand arrays they do not own to the array's own methods with NumPy's
keywords (``np.sum(x)`` calls ``x.sum(axis=None, dtype=None, out=None)``), so the methods
accept them and the results are funtorch arrays, as with JAX arrays.
"""

import numpy as np
import pytest

import funtorch as ft

VALUES = np.arange(6.0, dtype=np.float32).reshape(2, 3) - 2.0
MASK = VALUES > -1.5


def _x():
    return ft.array(VALUES)


REDUCTIONS = [np.sum, np.mean, np.std, np.var, np.max, np.min, np.prod, np.all, np.any,
              np.argmax, np.argmin, np.cumsum, np.amax, np.amin]


@pytest.mark.parametrize("fn", REDUCTIONS, ids=lambda fn: fn.__name__)
def test_numpy_reductions_dispatch_to_the_methods(fn):
    out = fn(_x())
    assert isinstance(out, ft.Array)
    np.testing.assert_allclose(np.asarray(out), fn(VALUES), rtol=1e-6)
    out = fn(_x(), axis=1, keepdims=True) if fn is not np.cumsum else fn(_x(), axis=1)
    np.testing.assert_allclose(
        np.asarray(out), fn(VALUES, axis=1, keepdims=True) if fn is not np.cumsum
        else fn(VALUES, axis=1), rtol=1e-6)


@pytest.mark.parametrize("fn", [np.sum, np.prod, np.mean, np.cumsum], ids=lambda f: f.__name__)
def test_dtype_keyword_sets_the_accumulation_dtype(fn):
    out = fn(_x(), axis=0, dtype=np.float64)
    assert out.dtype == ft.float64
    np.testing.assert_allclose(np.asarray(out), fn(VALUES, axis=0, dtype=np.float64))


@pytest.mark.parametrize("fn, kwargs", [
    (np.sum, {}), (np.prod, {}), (np.mean, {}), (np.var, {"ddof": 1}), (np.std, {}),
    (np.max, {"initial": -10.0}), (np.min, {"initial": 10.0}), (np.sum, {"axis": 1}),
    (np.mean, {"axis": 0, "keepdims": True}), (np.var, {"axis": 1}),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_where_keyword_selects_elements_as_numpy(fn, kwargs):
    out = fn(_x(), where=MASK, **kwargs)
    np.testing.assert_allclose(np.asarray(out), fn(VALUES, where=MASK, **kwargs), rtol=1e-6)


def test_where_on_boolean_reductions_and_initial_without_where():
    x = _x() > 0
    assert np.all(x, where=VALUES > 0).item() is True
    assert np.any(x, where=VALUES < 0).item() is False
    assert np.max(_x(), initial=100.0).item() == 100.0
    assert np.sum(_x(), initial=1.0).item() == VALUES.sum() + 1.0


def test_out_is_refused_with_a_clear_error():
    with pytest.raises(TypeError, match=r"sum\(out=...\): funtorch arrays are immutable"):
        np.sum(_x(), out=np.zeros(()))
    with pytest.raises(TypeError, match="immutable"):
        _x().max(out=_x())
    assert _x().sum(out=None).item() == VALUES.sum()


def test_max_with_where_needs_initial():
    with pytest.raises(ValueError, match=r"max\(where=...\) needs initial="):
        np.max(_x(), where=MASK)


def test_keywords_a_reduction_does_not_take_raise_type_error():
    with pytest.raises(TypeError, match=r"mean\(\) got an unexpected keyword argument 'initial'"):
        _x().mean(initial=1.0)
    with pytest.raises(TypeError, match=r"cumsum\(\) got an unexpected keyword argument 'where'"):
        _x().cumsum(where=MASK)


def test_numpy_methods_keep_gradients():
    grad = ft.grad(lambda x: np.sum(x * x, where=MASK))(_x())
    np.testing.assert_allclose(np.asarray(grad), np.where(MASK, 2 * VALUES, 0))


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
