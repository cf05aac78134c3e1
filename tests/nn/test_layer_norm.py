"""F.layer_norm / nn.LayerNorm through the fused primitive (nn/normalization_fused.py):
values against NumPy, float16 statistics in float32 (torch's rule), derivatives of every
order and mode, the buffer backward against the traced one, vmap and jit."""

import numpy as np
import pytest

import funtorch as ft
from funtorch.nn import functional as F

RNG = np.random.default_rng(0)

CASES = [  # input shape, normalized_shape, affine
    ((4, 6), (6,), True),
    ((2, 3, 5), (5,), False),
    ((2, 3, 4), (3, 4), True),
    ((7,), (7,), True),
]


def _numpy_layer_norm(x, ndim, weight, bias, eps):
    axes = tuple(range(x.ndim - ndim, x.ndim))
    mean = x.mean(axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axes, keepdims=True)
    out = (x - mean) / np.sqrt(var + eps)
    if weight is not None:
        out = out * weight
    return out if bias is None else out + bias


def _case(shape, norm, affine, dtype=np.float64):
    x = RNG.standard_normal(shape).astype(dtype)
    w = RNG.standard_normal(norm).astype(dtype) if affine else None
    b = RNG.standard_normal(norm).astype(dtype) if affine else None
    return x, w, b


@pytest.mark.parametrize("shape, norm, affine", CASES)
def test_values_match_numpy(shape, norm, affine):
    x, w, b = _case(shape, norm, affine)
    got = F.layer_norm(ft.array(x), norm, None if w is None else ft.array(w),
                       None if b is None else ft.array(b), eps=1e-3)
    np.testing.assert_allclose(got.numpy(), _numpy_layer_norm(x, len(norm), w, b, 1e-3),
                               rtol=1e-12, atol=1e-12)


def test_float16_statistics_in_float32():
    """A float16 input with a large offset: torch normalises in float32 and casts back; a
    float16 mean/subtraction would lose the small variations."""
    x = (1000.0 + RNG.standard_normal((4, 64))).astype(np.float16)
    got = F.layer_norm(ft.array(x), (64,))
    assert got.dtype == ft.float16
    want = _numpy_layer_norm(x.astype(np.float32), 1, None, None, 1e-5).astype(np.float16)
    np.testing.assert_allclose(got.numpy().astype(np.float32), want.astype(np.float32),
                               atol=2e-3)
    module = ft.nn.LayerNorm(64, dtype=ft.float16)
    np.testing.assert_array_equal(module(ft.array(x)).detach().numpy(), got.numpy())


def test_float16_gradients_are_float16():
    x = ft.array(RNG.standard_normal((3, 8)).astype(np.float16))
    w = ft.ones(8, dtype=ft.float16)
    gx, gw = ft.grad(lambda x, w: ft.sum(F.layer_norm(x, (8,), w) * x), argnums=(0, 1))(x, w)
    assert gx.dtype == gw.dtype == ft.float16
    x32, w32 = x.astype(ft.float32), w.astype(ft.float32)
    want = ft.grad(lambda x, w: ft.sum(F.layer_norm(x, (8,), w) * x), argnums=(0, 1))(x32, w32)
    np.testing.assert_allclose(gx.numpy(), want[0].numpy(), atol=2e-2, rtol=1e-2)
    np.testing.assert_allclose(gw.numpy(), want[1].numpy(), atol=2e-2, rtol=1e-2)


@pytest.mark.parametrize("shape, norm, affine", CASES)
def test_derivatives_second_order_both_modes(shape, norm, affine):
    x, w, b = _case(shape, norm, affine)
    args = (ft.array(x),) + ((ft.array(w), ft.array(b)) if affine else ())

    def f(x, *wb):
        return ft.sum(ft.sin(F.layer_norm(x, norm, *wb)) * ft.cos(x))

    ft.testing.check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_buffer_backward_equals_traced_and_composed():
    x, w, b = (ft.array(a) for a in _case((3, 4, 5), (5,), True))

    def loss(x, w, b):
        return ft.sum(ft.tanh(F.layer_norm(x, (5,), w, b)) * x)

    def composed(x, w, b):
        mean = ft.mean(x, axis=-1, keepdims=True)
        var = ft.mean((x - mean) ** 2, axis=-1, keepdims=True)
        return ft.sum(ft.tanh((x - mean) / ft.sqrt(var + 1e-5) * w + b) * x)

    want = ft.grad(loss, argnums=(0, 1, 2))(x, w, b)
    for other in (ft.jit(ft.grad(loss, argnums=(0, 1, 2))), ft.grad(composed, argnums=(0, 1, 2))):
        for got, ref in zip(other(x, w, b), want):
            np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-10, atol=1e-12)


def test_module_vmap_over_stacked_inputs_and_weights():
    x = ft.array(RNG.standard_normal((4, 3, 6)))
    w = ft.array(RNG.standard_normal((4, 6)))
    got = ft.vmap(lambda x, w: F.layer_norm(x, (6,), w))(x, w)
    for i in range(4):
        np.testing.assert_allclose(got[i].numpy(), F.layer_norm(x[i], (6,), w[i]).numpy(),
                                   rtol=1e-12)
    got = ft.vmap(lambda w: F.layer_norm(x[0], (6,), w))(w)
    assert got.shape == (4, 3, 6)


def test_pytorch_style_backward():
    norm = ft.nn.LayerNorm(5, dtype=ft.float64)
    x = ft.array(RNG.standard_normal((3, 5)), requires_grad=True)
    (norm(x) * ft.arange(5.0)).sum().backward()
    want = ft.grad(lambda x: ft.sum(F.layer_norm(x, (5,), norm.weight.detach(),
                                                 norm.bias.detach()) * ft.arange(5.0)))(
        x.detach())
    np.testing.assert_allclose(x.grad.numpy(), want.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(norm.bias.grad.numpy(), np.full(5, 3.0) * np.arange(5.0))


def test_wrong_trailing_shape_names_the_function():
    with pytest.raises(ValueError, match="layer_norm"):
        F.layer_norm(ft.ones((2, 3)), (4,))
