"""default_collate promotes Python numbers over the whole batch (issue 19, item 8)."""

import numpy as np
import pytest

import funtorch as ft
from funtorch.data import default_collate


@pytest.mark.parametrize("batch, dtype", [
    ([1, 2.5, 3.7], ft.get_default_dtype()),
    ([True, 2, 0], np.int64),
    ([True, 2.5], ft.get_default_dtype()),
    ([1, 2, 3], np.int64),
    ([True, False], np.bool_),
    ([2.0, np.float64(1.5)], ft.get_default_dtype()),
])
def test_python_numbers_promote(batch, dtype):
    out = default_collate(batch)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_allclose(np.asarray(out).astype(float), np.asarray(batch, dtype=float),
                               rtol=1e-6)


def test_python_numbers_in_tuples_promote_per_field():
    x, y = default_collate([(1, True), (2.5, 3)])
    assert x.dtype == np.dtype(ft.get_default_dtype()) and y.dtype == np.int64
    assert y.tolist() == [1, 3]


def test_number_then_other_type_names_the_sample():
    with pytest.raises(TypeError, match="sample 1 is of type str"):
        default_collate([1, "a"])
