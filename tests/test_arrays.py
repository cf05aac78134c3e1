"""Arrays: creation, dtypes and promotion, immutability, operators, methods, devices."""

import numpy as np
import pytest

import funtorch as ft


def test_python_floats_take_default_dtype_and_ints_int64(device):
    assert ft.array([1.0, 2.0], device=device).dtype == ft.float32
    assert ft.array([1, 2], device=device).dtype == ft.int64
    assert ft.array(True, device=device).dtype == ft.bool_
    assert ft.array(np.zeros(2, np.float16), device=device).dtype == ft.float16
    ft.set_default_dtype(ft.float64)
    assert ft.array([1.0]).dtype == ft.float64
    assert ft.ones(2).dtype == ft.float64


def test_weak_python_scalars_keep_array_dtype(device):
    x = ft.array([1.0, 2.0], device=device)
    assert (x * 2.0).dtype == ft.float32
    assert (2 * x).dtype == ft.float32
    assert (ft.array(np.ones(2, np.float16), device=device) + 1.5).dtype == ft.float16
    assert (ft.array([1, 2], device=device) * 3).dtype == ft.int64


def test_int_array_times_python_float_gives_default_float_not_float64():
    assert (ft.array([1, 2]) * 0.5).dtype == ft.float32
    assert (ft.array([1, 2]) / ft.array([2, 4])).dtype == ft.float32
    assert (ft.array([1, 2]) / ft.array([2, 4])).tolist() == [0.5, 0.5]


def test_numpy_promotion_between_arrays_of_one_kind():
    a32 = ft.array(np.ones(2, np.float32))
    a64 = ft.array(np.ones(2, np.float64))
    i32 = ft.array(np.ones(2, np.int32))
    assert (a32 + a64).dtype == ft.float64
    assert (i32 + ft.array([1, 2])).dtype == ft.int64
    assert (i32 + a32).dtype == ft.float32  # mixed kinds: PyTorch/JAX, tests/ops/test_promotion.py


def test_array_copies_numpy_input_and_numpy_view_is_read_only():
    source = np.array([1.0, 2.0])
    x = ft.array(source)
    source[0] = 100.0
    assert x.tolist() == [1.0, 2.0]
    view = np.asarray(x)
    assert not view.flags.writeable
    with pytest.raises(ValueError):
        view[0] = 5.0


def test_setitem_raises_with_functional_hint():
    x = ft.zeros(3)
    with pytest.raises(TypeError, match=r"immutable.*x\.at\[idx\]\.set\(v\)"):
        x[1] = 2.0


def test_creation_functions(device):
    assert ft.zeros((2, 3), device=device).shape == (2, 3)
    assert ft.ones(4, device=device).tolist() == [1.0] * 4
    assert ft.full((2,), 7, device=device).dtype == ft.int64
    assert ft.full((2,), 7.0, device=device).dtype == ft.float32
    assert ft.empty((1, 2), device=device).shape == (1, 2)
    assert ft.eye(3, device=device).dtype == ft.float32
    assert ft.eye(2, 3, k=1).tolist() == np.eye(2, 3, k=1).tolist()
    assert ft.arange(5, device=device).dtype == ft.int64
    assert ft.arange(0.0, 1.0, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert ft.linspace(0, 1, 5).dtype == ft.float32
    x = ft.array(np.arange(6.0).reshape(2, 3))
    assert ft.zeros_like(x).dtype == ft.float64 and ft.ones_like(x).shape == (2, 3)
    assert ft.full_like(x, 2).tolist() == [[2.0] * 3] * 2
    assert ft.from_numpy(np.arange(3)).dtype == ft.int64


def test_bad_shape_in_creation():
    with pytest.raises(ValueError, match="non-negative ints"):
        ft.zeros((2, -1))


def test_global_generator_is_reproducible():
    ft.manual_seed(3)
    a, b, c = ft.rand(2, 3), ft.randn(4), ft.randint(0, 10, (5,))
    ft.manual_seed(3)
    assert ft.rand(2, 3).tolist() == a.tolist()
    assert ft.randn(4).tolist() == b.tolist()
    assert ft.randint(0, 10, (5,)).tolist() == c.tolist()
    assert a.dtype == ft.float32 and c.dtype == ft.int64
    assert 0 <= float(a.min()) and float(a.max()) < 1


def test_properties_and_conversions(device):
    x = ft.array(np.arange(6.0).reshape(2, 3), device=device)
    assert (x.shape, x.ndim, x.size, x.dtype) == ((2, 3), 2, 6, ft.float64)
    assert x.T.shape == (3, 2) and x.mT.shape == (3, 2)
    assert x.numpy().tolist() == np.arange(6.0).reshape(2, 3).tolist()
    assert x[1, 2].item() == 5.0 if hasattr(x, "at") else True
    assert x.sum().item() == 15.0
    assert x.astype(ft.float32).dtype == ft.float32
    assert x.float().dtype == ft.float32 and x.double().dtype == ft.float64
    assert x.long().dtype == ft.int64 and x.half().dtype == ft.float16
    assert x.to(ft.float32).dtype == ft.float32
    assert str(x.device) == ("cpu" if device == "cpu" else "cuda:0")
    assert len(x) == 2 and float(ft.array(2.5)) == 2.5 and int(ft.array(3)) == 3


def test_torch_style_methods():
    x = ft.array(np.arange(24.0).reshape(2, 3, 4))
    assert x.transpose(0, 2).shape == (4, 3, 2)        # PyTorch: swap two dims
    assert x.transpose(2, 0, 1).shape == (4, 2, 3)     # NumPy: a permutation
    assert x.permute(1, 0, 2).shape == (3, 2, 4)
    assert x.view(6, 4).shape == (6, 4) and x.reshape(-1).shape == (24,)
    assert x.flatten().shape == (24,) and x.flatten(1).shape == (2, 12)
    assert x.unsqueeze(0).shape == (1, 2, 3, 4)
    assert ft.unsqueeze(x, -1).shape == (2, 3, 4, 1)
    assert x.sum(axis=(0, 2), keepdims=True).shape == (1, 3, 1)
    assert x.clamp(1.0, 2.0).max().item() == 2.0
    assert ft.clamp(x, min=3.0).min().item() == 3.0


def test_repr_shows_values_dtype_and_grad_fn():
    assert repr(ft.array([1.0, 2.0])) == "array([1., 2.])"
    assert "dtype=float64" in repr(ft.array(np.ones(1)))
    x = ft.tensor([1.0], requires_grad=True)
    assert "requires_grad=True" in repr(x)
    assert "grad_fn=<MulBackward0>" in repr(x * 2)


def test_comparisons_are_bool_and_logic_ops():
    x = ft.array([1.0, 2.0, 3.0])
    mask = (x > 1.5) & (x < 2.5)
    assert mask.dtype == ft.bool_ and mask.tolist() == [False, True, False]
    assert (~mask).tolist() == [True, False, True]
    assert ((x == 1.0) | (x == 3.0)).tolist() == [True, False, True]
    with pytest.raises(TypeError, match="bool or integer"):
        x & x


def test_broadcast_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4,\) cannot be broadcast"):
        ft.ones((2, 3)) + ft.ones(4)


def test_operators_match_numpy(device):
    a_np = np.array([[1.5, -2.0], [3.0, 0.5]])
    b_np = np.array([0.5, 4.0])
    a, b = ft.array(a_np, device=device), ft.array(b_np, device=device)
    for got, want in [(a + b, a_np + b_np), (a - b, a_np - b_np), (a * b, a_np * b_np),
                      (a / b, a_np / b_np), (a // b, a_np // b_np), (a % b, a_np % b_np),
                      (abs(a) ** b, np.abs(a_np) ** b_np), (-a, -a_np), (2.0 ** b, 2.0 ** b_np),
                      (1.0 - a, 1.0 - a_np), (3.0 / b, 3.0 / b_np)]:
        np.testing.assert_allclose(got.numpy(), want)


@pytest.mark.parametrize("name", ["exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tan",
                                  "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "abs",
                                  "sign", "floor", "ceil", "round", "square", "reciprocal"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary_functions_match_numpy(name, dtype, device):
    values = np.array([0.1, 0.45, 0.9], dtype=dtype)
    got = getattr(ft, name)(ft.array(values, device=device))
    want = getattr(np, name)(values)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)


def test_reductions_match_numpy(device):
    values = np.random.default_rng(0).standard_normal((3, 4, 5))
    x = ft.array(values, device=device)
    for name in ["sum", "mean", "prod", "max", "min", "all", "any"]:
        for axis in [None, 0, -1, (0, 2)]:
            np.testing.assert_allclose(getattr(ft, name)(x, axis=axis, keepdims=True).numpy(),
                                       getattr(np, name)(values, axis=axis, keepdims=True))
    np.testing.assert_allclose(ft.var(x, axis=1, ddof=1).numpy(), np.var(values, 1, ddof=1))
    np.testing.assert_allclose(ft.std(x, axis=(0, 1)).numpy(), np.std(values, (0, 1)))
    np.testing.assert_allclose(ft.cumsum(x, axis=1).numpy(), np.cumsum(values, 1))
    np.testing.assert_allclose(ft.cumsum(x).numpy(), np.cumsum(values))
    assert ft.argmax(x, axis=2).tolist() == np.argmax(values, 2).tolist()
    assert ft.argmin(x).item() == np.argmin(values)
    lse = np.log(np.sum(np.exp(values), axis=1))
    np.testing.assert_allclose(ft.logsumexp(x, axis=1).numpy(), lse)


def test_reduction_axis_out_of_bounds():
    with pytest.raises(ValueError, match="axis 3 is out of bounds"):
        ft.sum(ft.ones((2, 2)), axis=3)


def test_where_clip_and_friends():
    x = ft.array([-2.0, 0.5, 3.0])
    assert ft.where(x > 0, x, 0.0).tolist() == [0.0, 0.5, 3.0]
    assert ft.clip(x, -1.0, 1.0).tolist() == [-1.0, 0.5, 1.0]
    assert ft.clip(x, ft.array([0.0, 0.0, 0.0]), None).tolist() == [0.0, 0.5, 3.0]
    assert ft.maximum(x, 0.0).tolist() == [0.0, 0.5, 3.0]
    g = ft.grad(lambda x: ft.sum(ft.clip(x, -1.0, 1.0)))(x)
    assert g.tolist() == [0.0, 1.0, 0.0]


def test_cuda_without_gpu_names_what_is_missing():
    if ft.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(RuntimeError, match="CuPy is not installed|no usable CUDA GPU"):
        ft.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="CuPy|CUDA"):
        ft.ones(2).to("cuda")


def test_device_parsing():
    assert ft.device("cpu") == ft.device("cpu") and str(ft.device("cuda:1")) == "cuda:1"
    assert repr(ft.device("cuda")) == "device(type='cuda')"
    with pytest.raises(ValueError, match="expected 'cpu', 'cuda' or 'cuda:N'"):
        ft.device("tpu")


def test_mixed_devices_error_names_both_devices(monkeypatch):
    # No GPU here: pretend one operand lives on cuda:0 and make the backend call fail the
    # way CuPy does when handed a NumPy array; the explanation must name both devices.
    a, b = ft.ones(2), ft.ones(2)
    real_device = ft.Array.device

    def fake_device(self):
        return ft.device("cuda:0") if self is b else real_device.fget(self)
    monkeypatch.setattr(ft.Array, "device", property(fake_device))
    from funtorch.core import Primitive
    from funtorch import diagnostics

    err = diagnostics.explain_failure(Primitive.registry["add"], (a, b), {},
                                      TypeError("Unsupported type <class 'numpy.ndarray'>"))
    assert isinstance(err, RuntimeError)
    assert "add: expected all arrays on the same device" in str(err)
    assert "cpu and cuda:0" in str(err)
