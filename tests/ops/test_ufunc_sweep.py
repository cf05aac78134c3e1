"""Every NumPy ufunc funtorch also spells, on int, float and bool operands, against NumPy.

The class of bug this catches: a function that is right on floats and silently wrong on
other dtypes (``ft.logical_and(2, 1)`` applied ``2 & 1`` and returned 0). Where JAX's
promotion rules differ from NumPy's on purpose, the difference is listed below.
"""

import warnings

import numpy as np
import pytest

import funtorch as ft

UFUNCS = sorted(name for name in dir(np)
                if isinstance(getattr(np, name), np.ufunc) and hasattr(ft, name))
OPERANDS = {
    "int": (np.array([0, 1, 2, 3, 7, -4]), np.array([1, 1, 3, 2, 2, 3])),
    "float": (np.array([0.0, 1.5, 2.0, -3.0, 7.0, 0.25]), np.array([1.0, 0.5, 3.0, 2.0, -2.0, 4.0])),
    "bool": (np.array([0, 1, 1, 0, 1, 1], bool), np.array([1, 1, 0, 0, 1, 0], bool)),
}
# JAX's promotion, not NumPy's: bool and int inputs of float functions give the default float
# (float32), where NumPy picks float16 for bool and keeps ints for reciprocal
DTYPE_KIND_EXCEPTIONS = {("reciprocal", "int"), ("reciprocal", "bool"), ("conj", "bool"),
                         ("conjugate", "bool"), ("vecdot", "bool"), ("spacing", "bool")}


@pytest.mark.parametrize("kind", sorted(OPERANDS))
@pytest.mark.parametrize("name", UFUNCS)
def test_ufunc_matches_numpy(name, kind):
    ufunc = getattr(np, name)
    x, y = OPERANDS[kind]
    args = (x,) if ufunc.nin == 1 else (x, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = ufunc(*args)
        except (TypeError, ValueError):  # e.g. matvec needs a matrix
            pytest.skip(f"NumPy refuses {name} on these {kind} operands")
    if isinstance(expected, tuple):
        pytest.skip("multi-output ufunc")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = np.asarray(getattr(ft, name)(*[ft.asarray(a) for a in args]))
    if (name, kind) in DTYPE_KIND_EXCEPTIONS or name == "spacing":
        return  # the dtype differs by design, and so do the values of spacing
    if expected.dtype.kind == "f" and got.dtype.kind == "f":
        rtol = 2e-3 if expected.dtype == np.float16 else 1e-6  # NumPy computes bool in float16
    else:
        assert got.dtype.kind == expected.dtype.kind, (
            f"ft.{name} on {kind}: dtype {got.dtype}, NumPy {expected.dtype}")
        rtol = 0
    np.testing.assert_allclose(got.astype(np.float64), expected.astype(np.float64),
                               rtol=rtol, atol=1e-6, equal_nan=True,
                               err_msg=f"ft.{name} on {kind} operands")


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
def test_logical_functions_and_methods_read_truth_values(name):
    x, y = ft.array([2, 0, 3, 0]), ft.array([1, 1, 0, 0])
    expected = getattr(np, name)(np.array([2, 0, 3, 0]), np.array([1, 1, 0, 0]))
    for out in (getattr(ft, name)(x, y), getattr(x, name)(y)):
        assert out.dtype == ft.bool_
        np.testing.assert_array_equal(np.asarray(out), expected)


@pytest.mark.parametrize("name", ["sort", "argsort"])
def test_sorting_a_0d_array_names_the_axis_error_as_numpy(name):
    with pytest.raises(np.exceptions.AxisError, match=f"{name}: axis -1 is out of bounds"):
        getattr(ft, name)(ft.array(3.0))
