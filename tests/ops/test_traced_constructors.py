"""Traced values inside constructors keep their derivatives (issue #13).

``ft.array([x, 2 * x])``, ``ft.full(shape, x)``, ``ft.linspace(a, x)``, ``ft.pad(...,
constant_values=x)``, ``ft.mean([x, y])``, ... with ``x`` traced by grad, jvp, vmap, jit
or on the PyTorch tape: every case is checked under every transform against central
finite differences, so a constructor that copies a traced value to the host (and silently
drops its derivative) fails here. Also: what constructors refuse (strings, objects, ...).
"""

import numpy as np
import pytest

import funtorch as ft
import funtorch.nn.functional as F

F64 = ft.float64


def _ones(shape):
    return ft.ones(shape, dtype=F64)


CASES = {  # name -> f(x) for a float64 scalar x: every output depends on x
    "array_list": lambda x: ft.array([x, 2.0 * x, 1.0]),
    "array_nested": lambda x: ft.array([[x, 1.0], [x * x, 2.0]]),
    "array_of_arrays": lambda x: ft.array([ft.stack([x, x]), [1.0, x]]),
    "array_int_and_traced": lambda x: ft.array([x, 3]),
    "tensor_tuple": lambda x: ft.tensor((x, 3.0)),
    "asarray_list": lambda x: ft.asarray([x, -x]),
    "asarray_nested_tuple": lambda x: ft.asarray(((x,), (x * 3.0,))),
    "mean_list": lambda x: ft.mean([x, x * x]),
    "sum_list": lambda x: ft.sum([[x, 1.0], [x, x]]),
    "max_list": lambda x: ft.max([x, 2.0 * x + 1.0]),
    "maximum_list": lambda x: ft.maximum([x, 2.0 * x], 0.5),
    "where_list": lambda x: ft.where(ft.array([True, False]), [x, x], [1.0, x * x]),
    "concatenate_lists": lambda x: ft.concatenate([[x], [1.0, x]]),
    "full": lambda x: ft.full((2, 3), x),
    "full_array_fill": lambda x: ft.full((2, 2), ft.array([x, 1.0])),
    "full_list_fill": lambda x: ft.full((3, 2), [x, x * x]),
    "full_like": lambda x: ft.full_like(_ones(3), x),
    "linspace_stop": lambda x: ft.linspace(0.5, x, 5),
    "linspace_start": lambda x: ft.linspace(x, 4.0, 4, endpoint=False),
    "linspace_arrays": lambda x: ft.linspace(ft.stack([x, 0.0]), 2.0, 3, axis=1),
    "pad_scalar": lambda x: ft.pad(_ones(3), (1, 2), constant_values=x),
    "pad_per_axis": lambda x: ft.pad(_ones((2, 2)), 1, constant_values=[[x, 2.0], [1.0, x * x]]),
    "F.pad": lambda x: F.pad(_ones((2, 2)), (1, 1), value=x),
    "at_set_list": lambda x: ft.zeros(3, dtype=F64).at[:2].set([x, x * x]),
}
X0 = 1.7


def _weights(f):
    shape = np.shape(np.asarray(f(ft.array(X0, dtype=F64))))
    return np.random.default_rng(len(shape)).uniform(0.5, 1.5, shape)


def _scalar(f, w):
    return lambda x: ft.sum(f(x) * w)


def _finite_difference(f, w, eps=1e-6):
    g = _scalar(f, w)
    up, down = g(ft.array(X0 + eps, dtype=F64)), g(ft.array(X0 - eps, dtype=F64))
    return (float(up) - float(down)) / (2 * eps)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grad_matches_finite_differences(name):
    f = CASES[name]
    w = _weights(f)
    analytic = float(ft.grad(_scalar(f, w))(ft.array(X0, dtype=F64)))
    assert analytic == pytest.approx(_finite_difference(f, w), rel=1e-6, abs=1e-8)
    assert analytic != 0.0


@pytest.mark.parametrize("name", sorted(CASES))
def test_jvp_matches_finite_differences(name):
    f = CASES[name]
    w = _weights(f)
    _, tangent = ft.jvp(_scalar(f, w), (ft.array(X0, dtype=F64),), (ft.array(1.0, dtype=F64),))
    assert float(tangent) == pytest.approx(_finite_difference(f, w), rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("name", sorted(CASES))
def test_tape_backward_matches_finite_differences(name):
    f = CASES[name]
    w = _weights(f)
    x = ft.tensor(X0, dtype=F64, requires_grad=True)
    _scalar(f, w)(x).backward()
    assert float(x.grad) == pytest.approx(_finite_difference(f, w), rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("name", sorted(CASES))
def test_vmap_and_jit_match_the_eager_values(name):
    f = CASES[name]
    xs = np.array([0.6, X0, 2.3])
    expected = np.stack([np.asarray(f(ft.array(v, dtype=F64))) for v in xs])
    np.testing.assert_allclose(np.asarray(ft.vmap(f)(ft.array(xs))), expected, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(ft.jit(f)(ft.array(X0, dtype=F64))), expected[1],
                               rtol=1e-12)
    grads = ft.vmap(ft.grad(_scalar(f, _weights(f))))(ft.array(xs))
    assert grads.shape == (3,)


def test_issue_13_example():
    out = ft.grad(lambda x: ft.sum(ft.array([x, 2.0 * x])))(ft.array(3.0))
    assert float(out) == 3.0


def test_asarray_cast_is_differentiable():
    cast = ft.grad(lambda x: ft.asarray(x, dtype=ft.float32) * 2.0)(ft.array(3.0, dtype=F64))
    assert float(cast) == 2.0 and cast.dtype == np.float64


def test_dtype_of_a_traced_sequence_follows_weak_scalars():
    def dtypes(x):
        return (ft.array([x, 1.0]).dtype, ft.array([x, 1]).dtype,
                ft.array([ft.astype(x, ft.int64), 1.0]).dtype)
    assert ft.jit(lambda x: ft.array([x, 1.0]))(ft.array(1.0, dtype=F64)).dtype == np.float64
    seen = []
    ft.grad(lambda x: (seen.append(dtypes(x)), ft.sum(x))[1])(ft.array(1.0, dtype=ft.float32))
    assert seen[0] == (np.float32, np.float32, ft.get_default_dtype())


def test_single_tape_array_is_copied_detached_as_torch_tensor():
    x = ft.tensor([1.0, 2.0], requires_grad=True)
    assert ft.tensor(x).grad_fn is None and ft.array(x).requires_grad is False
    assert ft.asarray(x) is x


def test_ragged_traced_sequence_is_a_clear_error():
    with pytest.raises(ValueError, match="array: the nested sequence is ragged"):
        ft.grad(lambda x: ft.sum(ft.array([[x, x], [x]])))(ft.array(1.0))


# What constructors refuse ---------------------------------------------------------------

REFUSED = {
    "clongdouble": np.array([1j], dtype=np.clongdouble),
    "object": np.array([1, "a"], dtype=object),
    "str": np.array(["a", "b"]),
    "bytes": np.array([b"a"]),
    "datetime64": np.array(["2024-01-01"], dtype="datetime64[D]"),
    "timedelta64": np.array([1], dtype="timedelta64[s]"),
}


@pytest.mark.parametrize("fn", ["array", "asarray", "tensor", "from_numpy"])
@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_non_real_numpy_data_is_refused(fn, kind):
    with pytest.raises(TypeError, match=fn) as info:
        getattr(ft, fn)(REFUSED[kind])
    message = str(info.value)
    assert str(REFUSED[kind].dtype) in message
    if kind == "clongdouble":
        assert "extended-precision complex" in message and "complex128" in message
    else:
        assert "expected bool, integer or floating-point data" in message


@pytest.mark.parametrize("data, dtype", [([1 + 2j, 3.0], np.complex64), (2j, np.complex64),
                                         (np.complex128(1j), np.complex128),
                                         (np.array([1j], np.complex64), np.complex64)])
def test_complex_values_take_the_default_complex_dtype(data, dtype):
    # Python complex numbers: complex64 (torch's default); NumPy data keeps its dtype
    out = ft.array(data)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out.numpy(), np.asarray(data, dtype=dtype))


def test_masked_arrays_are_refused():
    masked = np.ma.masked_array([1.0, 2.0], mask=[False, True])
    for fn in (ft.array, ft.asarray, ft.from_numpy):
        with pytest.raises(TypeError, match="masked arrays are not supported"):
            fn(masked)


@pytest.mark.parametrize("shape", [None, 2.5, "3", {1: 2}])
def test_full_names_the_expected_shape(shape):
    with pytest.raises(TypeError, match="full: shape must be an int or a tuple/list of ints, "
                                        f"got {type(shape).__name__}"):
        ft.full(shape, 1.0)


def test_arange_with_a_traced_start_or_step_is_differentiable():
    x = ft.array(0.5, dtype=F64)
    weights = ft.arange(1.0, 4.0, dtype=F64)
    start = ft.grad(lambda v: ft.sum(ft.arange(v, v + 2.5) * weights))(x)
    step = ft.grad(lambda s: ft.sum(ft.arange(0.0, 2.0, s)))(x)  # values 0, s, 2s, 3s
    _, tangent = ft.jvp(lambda v: ft.arange(v, 3.0), (x,), (ft.array(1.0, dtype=F64),))
    assert (float(start), float(step)) == (6.0, 6.0)
    np.testing.assert_array_equal(np.asarray(tangent), [1.0, 1.0, 1.0])
