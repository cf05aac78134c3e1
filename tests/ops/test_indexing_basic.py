"""Basic indexing (ints, slices, None, ...) through the ``basic_index`` primitive: values
against NumPy on every form, gradients against finite differences in float64 to second
order, vmap against a loop, jit against eager, and NumPy's errors."""

import numpy as np
import pytest

import funtorch as ft
from funtorch.ops.indexing_basic import BasicIndex, basic_index_add, is_basic

XN = np.random.default_rng(0).standard_normal((4, 5, 6))

FORMS = [
    3, -1, slice(None), slice(1, 3), slice(None, None, -1), slice(3, 0, -2), slice(-2, None),
    slice(5, 1), slice(2, 100), slice(-100, 2), None, Ellipsis, (),
    (1, 2), (1, 2, 3), (-1, -1, -1), (slice(None), 0), (slice(1, 3), slice(None, None, 2)),
    (slice(None), None), (None, slice(None), None), (Ellipsis, 0), (Ellipsis, None),
    (0, Ellipsis), (None, Ellipsis, None), (1, None, slice(None), -2),
    (slice(None, None, -1), None, 1), (Ellipsis, slice(4, None, -2), 0),
    (slice(None), slice(None, None, -3), None), (2, Ellipsis, slice(1, -1), None),
    (slice(3, 0, -1), Ellipsis), (None, None, 0),
]


def _ids(forms):
    return [repr(form).replace(" ", "") for form in forms]


@pytest.mark.parametrize("idx", FORMS, ids=_ids(FORMS))
def test_values_match_numpy(idx):
    for dtype in (np.float64, np.float32, np.int64):
        x = XN.astype(dtype)
        got = ft.array(x)[idx]
        want = x[idx]
        assert got.shape == np.shape(want) and got.dtype == x.dtype
        np.testing.assert_array_equal(np.asarray(got), want)


@pytest.mark.parametrize("idx", FORMS, ids=_ids(FORMS))
def test_grads_second_order(idx):
    ft.testing.check_grads(lambda x: x[idx] * 1.5, (ft.array(XN),), order=2)


@pytest.mark.parametrize("idx", FORMS, ids=_ids(FORMS))
def test_jit_matches_eager(idx):
    x = ft.array(XN)
    np.testing.assert_array_equal(np.asarray(ft.jit(lambda x: x[idx])(x)), XN[idx])
    grad = ft.jit(ft.grad(lambda x: ft.sum(ft.sin(x[idx]))))(x)
    np.testing.assert_allclose(np.asarray(grad), np.asarray(
        ft.grad(lambda x: ft.sum(ft.sin(x[idx])))(x)), rtol=1e-15)


@pytest.mark.parametrize("in_axis", [0, 1, 2])
@pytest.mark.parametrize("idx", FORMS[:12] + FORMS[20:], ids=_ids(FORMS[:12] + FORMS[20:]))
def test_vmap_matches_loop(idx, in_axis):
    batch = np.random.default_rng(1).standard_normal((3, 4, 5, 6))
    batch = np.moveaxis(batch, 0, in_axis)
    got = ft.vmap(lambda x: x[idx], in_axes=in_axis)(ft.array(batch))
    want = np.stack([np.take(batch, i, axis=in_axis)[idx] for i in range(3)])
    np.testing.assert_array_equal(np.asarray(got), want)


def test_vmap_of_grad_and_grad_of_vmap():
    batch = ft.array(np.random.default_rng(2).standard_normal((3, 4, 5)))

    def loss(x):
        return ft.sum(x[1:, ::-2] ** 2) + ft.sum(x[..., 0, None] * x[0])

    per_example = ft.vmap(ft.grad(loss))(batch)
    for i in range(3):
        np.testing.assert_allclose(np.asarray(per_example[i]),
                                   np.asarray(ft.grad(loss)(batch[i])), rtol=1e-14)
    ft.testing.check_grads(lambda b: ft.vmap(loss)(b), (batch,), order=2)


def test_cotangent_lands_in_zeros():
    """The VJP writes the cotangent at the selected elements and zeros elsewhere."""
    g = ft.grad(lambda x: ft.sum(x[1:4:2, ::-1] * ft.arange(6.0)))(ft.array(XN[0]))
    want = np.zeros((5, 6))
    want[1:4:2, ::-1] = np.arange(6.0)
    np.testing.assert_array_equal(np.asarray(g), want)


def test_transpose_primitive_matches_numpy_setitem():
    index = BasicIndex((slice(None, None, -2), None, 1), (4, 5, 6))
    g = np.random.default_rng(3).standard_normal((2, 1, 6))
    want = np.zeros((4, 5, 6))
    want[::-2, None, 1] = g
    np.testing.assert_array_equal(np.asarray(basic_index_add(ft.array(g), index)), want)
    with pytest.raises(ValueError, match=r"basic_index_add: a cotangent of shape \(2, 1, 6\)"):
        ft.jit(lambda g: basic_index_add(g, index))(ft.zeros((2, 6)))


def test_params_compare_by_selection():
    assert BasicIndex((Ellipsis, 0), (4, 5)) == BasicIndex((slice(None), 0), (4, 5))
    assert hash(BasicIndex((-1,), (4,))) == hash(BasicIndex((3,), (4,)))
    assert BasicIndex((0,), (4,)) != BasicIndex((0,), (5,))
    assert is_basic((1, slice(None), None, Ellipsis)) and not is_basic((True,))
    assert not is_basic(([0, 1],)) and not is_basic(np.int64(0))


def test_tape_records_and_backward_accumulates():
    x = ft.array(XN, requires_grad=True)
    (ft.sum(x[0, 1:3]) + ft.sum(x[..., -1] * 2.0)).backward()
    want = np.zeros_like(XN)
    want[0, 1:3] += 1.0
    want[..., -1] += 2.0
    np.testing.assert_array_equal(np.asarray(x.grad), want)


def test_whole_array_indices_return_the_array():
    x = ft.array(XN)
    assert x[...] is x and x[:] is x and x[()] is x
    np.testing.assert_array_equal(np.asarray(ft.array(2.5)[...]), 2.5)


def test_scalar_results_are_arrays():
    out = ft.array(XN)[1, 2, 3]
    assert isinstance(out, ft.Array) and out.shape == () and float(out) == XN[1, 2, 3]


ERRORS = [
    (4, IndexError, "getitem: index 4 is out of bounds for axis 0 with size 4"),
    (-5, IndexError, "getitem: index -5 is out of bounds for axis 0 with size 4"),
    ((0, 5), IndexError, "getitem: index 5 is out of bounds for axis 1 with size 5"),
    ((Ellipsis, -7), IndexError, "getitem: index -7 is out of bounds for axis 2 with size 6"),
    ((0, 0, 0, 0), IndexError, "getitem: too many indices for array: array is 3-dimensional, "
                               "but 4 were indexed"),
    ((Ellipsis, 0, Ellipsis), IndexError, "getitem: an index can only have a single ellipsis"),
    (slice(None, None, 0), ValueError, "getitem: bad slice .*: slice step cannot be zero"),
]


@pytest.mark.parametrize("idx, error, message", ERRORS, ids=_ids([e[0] for e in ERRORS]))
def test_errors_as_numpy(idx, error, message):
    with pytest.raises(error):
        XN[idx]
    x = ft.array(XN)
    for run in (lambda: x[idx], lambda: ft.jit(lambda x: x[idx])(x),
                lambda: ft.grad(lambda x: ft.sum(x[idx]))(x)):
        with pytest.raises(error, match=message):
            run()
