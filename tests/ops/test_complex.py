"""Complex arrays end to end: dtypes and promotion, constructors, the complex helpers,
arithmetic and linear algebra against NumPy, derivatives in JAX's convention (and
``holomorphic=``), and clear refusals."""

import numpy as np
import pytest

import funtorch as ft

Z = np.array([0.3 + 0.4j, -1.2 + 0.5j, 0.7 - 0.9j])
M = np.array([[1.0 + 0.5j, 0.2 - 0.1j], [-0.3 + 0.8j, 0.9 + 0.0j]])


def _c128(values):
    return ft.array(np.asarray(values, dtype=np.complex128))


# dtypes, promotion and constructors ----------------------------------------------------

PROMOTION = [  # (x, y, expected dtype) by NEP 50 plus the PyTorch/JAX default-dtype rules
    (lambda: ft.ones(2), 1j, "complex64"),
    (lambda: ft.ones(2, dtype=ft.float64), 1j, "complex128"),
    (lambda: ft.arange(2), 1j, "complex64"),
    (lambda: ft.ones(2, dtype=ft.bool_), 2j, "complex64"),
    (lambda: ft.ones(2), lambda: ft.ones(2, dtype=ft.complex128), "complex128"),
    (lambda: ft.ones(2, dtype=ft.float64), lambda: ft.ones(2, dtype=ft.complex64),
     "complex128"),
    (lambda: ft.ones(2, dtype=ft.complex64), 2.0, "complex64"),
    (lambda: ft.arange(2), lambda: ft.ones(2, dtype=ft.complex64), "complex64"),
]


@pytest.mark.parametrize("x, y, expected", PROMOTION)
def test_promotion(x, y, expected):
    x, y = x(), y() if callable(y) else y
    assert (x + y).dtype == expected and (y * x).dtype == expected


def test_default_complex_follows_the_default_float():
    assert ft.array(1j).dtype == ft.complex64 and (ft.arange(2) * 1j).dtype == ft.complex64
    ft.set_default_dtype(ft.float64)
    try:
        assert ft.array([1 + 2j]).dtype == ft.complex128
        assert (ft.arange(2) * 1j).dtype == ft.complex128
    finally:
        ft.set_default_dtype(ft.float32)


def test_constructors_and_casts():
    assert ft.zeros(2, dtype=ft.complex64).dtype == ft.complex64
    assert ft.full((2,), 1j).dtype == ft.complex64
    assert ft.ones_like(_c128(Z)).dtype == ft.complex128
    assert ft.eye(2, dtype=ft.cdouble).dtype == ft.complex128
    assert ft.ones(2).cfloat().dtype == ft.complex64 and ft.ones(2).cdouble().dtype == ft.cdouble
    assert ft.asarray(np.array([1j], np.complex64)).dtype == ft.complex64
    x = ft.array([1.0, 2.0], requires_grad=True)
    assert ft.array(Z, requires_grad=True).requires_grad and x.to(ft.complex64).dtype == "F"
    with pytest.warns(np.exceptions.ComplexWarning, match="discards the imaginary part"):
        assert ft.astype(_c128(Z), ft.float64).tolist() == Z.real.tolist()
    assert ft.astype(_c128([0j, 1j]), ft.bool_).tolist() == [False, True]


# values against NumPy ----------------------------------------------------------------------

UNARY = ["exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh",
         "square", "reciprocal", "negative", "abs", "absolute", "real", "imag", "conj",
         "conjugate", "angle", "isnan", "isfinite", "isinf", "sum", "mean", "prod", "cumsum",
         "var", "std", "isreal", "iscomplex", "flip", "transpose", "ravel", "sort", "argsort",
         "argmax", "argmin", "all", "any"]


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_unary_functions_match_numpy(name, dtype):
    z = Z.astype(dtype)
    got, want = getattr(ft, name)(ft.array(z)), getattr(np, name)(z)
    assert got.dtype == np.asarray(want).dtype, name
    np.testing.assert_allclose(np.asarray(got), want, rtol=2e-6 if dtype == np.complex64
                               else 1e-14)


BINARY = {
    "add": np.add, "subtract": np.subtract, "multiply": np.multiply, "divide": np.divide,
    "power": np.power, "equal": np.equal, "not_equal": np.not_equal, "matmul": np.matmul,
    "dot": np.dot, "vdot": np.vdot, "inner": np.inner, "outer": np.outer,
    "isclose": np.isclose, "allclose": np.allclose, "array_equal": np.array_equal,
    "tensordot": lambda a, b: np.tensordot(a, b, 1),
    "einsum": lambda a, b: np.einsum("ij,jk->ik", a, b),
    "concatenate": lambda a, b: np.concatenate([a, b]),
    "stack": lambda a, b: np.stack([a, b]),
    "where": lambda a, b: np.where(np.abs(a) > 0.8, a, b),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_functions_match_numpy(name):
    a, b = M, M.T * 0.5 + 0.25j
    fn = {"tensordot": lambda x, y: ft.tensordot(x, y, 1),
          "einsum": lambda x, y: ft.einsum("ij,jk->ik", x, y),
          "concatenate": lambda x, y: ft.concatenate([x, y]),
          "stack": lambda x, y: ft.stack([x, y]),
          "where": lambda x, y: ft.where(ft.abs(x) > 0.8, x, y)}.get(name, getattr(ft, name, None))
    got = fn(ft.array(a), ft.array(b))
    np.testing.assert_allclose(np.asarray(got), BINARY[name](a, b), rtol=1e-13)


def test_indexing_shapes_and_matrix_adjoints():
    z = _c128(M)
    np.testing.assert_array_equal(z[1, ::-1].numpy(), M[1, ::-1])
    np.testing.assert_array_equal(z.at[0, 1].set(5j).numpy()[0, 1], 5j)
    np.testing.assert_array_equal(ft.take(z, ft.array([1, 0]), axis=0).numpy(), M[[1, 0]])
    np.testing.assert_array_equal(ft.roll(z, 1).numpy(), np.roll(M, 1))
    for value in (z.mH, ft.adjoint(z), z.H):
        np.testing.assert_array_equal(value.numpy(), M.conj().T)
    assert z.real.dtype == ft.float64 and z.imag.tolist() == M.imag.tolist()
    assert z.is_complex() and not ft.ones(1).is_complex() and ft.iscomplexobj(z)
    assert complex(z[0, 0]) == M[0, 0] and complex(ft.array(2.0)) == 2 + 0j
    np.testing.assert_allclose(ft.linalg.norm(z).item(), np.linalg.norm(M))
    np.testing.assert_allclose(ft.cov(z).numpy(), np.cov(M))


def test_complex_from_parts():
    out = ft.complex(ft.array([1.0, 2.0]), ft.array([3.0, -1.0]))
    assert out.dtype == ft.complex64 and out.tolist() == [1 + 3j, 2 - 1j]
    assert ft.complex(ft.ones(1, dtype=ft.float64), 0.5).dtype == ft.complex128
    with pytest.raises(TypeError, match="complex: expected real and imaginary parts"):
        ft.complex(_c128(Z), ft.ones(3))


# refusals ----------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda z: ft.relu(z), lambda z: ft.maximum(z, z), lambda z: ft.floor(z),
    lambda z: ft.special.erf(z), lambda z: ft.special.gammaln(z), lambda z: ft.linalg.det(
        ft.stack([z[:2], z[1:]])), lambda z: ft.jit(ft.sigmoid)(z),
    lambda z: ft.vmap(ft.arctan)(z), lambda z: ft.grad(lambda v: ft.sum(ft.erf(v)).real)(z),
])
def test_real_only_functions_refuse_complex_clearly(call):
    with pytest.raises(TypeError, match="complex inputs are not supported"):
        call(_c128(Z))


@pytest.mark.parametrize("call", [lambda z: z < 1, lambda z: ft.greater_equal(z, z),
                                  lambda z: 0.5 > z, lambda z: ft.jit(lambda v: v <= v)(z)])
def test_complex_numbers_have_no_order(call):
    with pytest.raises(TypeError, match="complex numbers have no order"):
        call(_c128(Z))


def test_extended_precision_and_stats_refuse():
    with pytest.raises(TypeError, match="extended-precision complex"):
        ft.array(np.ones(2, np.clongdouble))
    with pytest.raises(TypeError, match="distributions take real arguments"):
        ft.stats.norm.pdf(_c128(Z))
    with pytest.raises(TypeError, match="random draws of complex dtype"):
        ft.randn_like(_c128(Z))


# derivatives: JAX's convention ---------------------------------------------------------------

def test_gradient_of_a_real_function_of_complex_input():
    z = ft.array(3 + 4j, dtype=ft.complex128)
    assert ft.grad(lambda v: ft.abs(v) ** 2)(z).item() == 6 - 8j  # df/dx - i df/dy
    assert ft.grad(lambda v: ft.real(v * v))(z).item() == 6 + 8j
    assert ft.grad(lambda v: ft.imag(v))(z).item() == -1j
    np.testing.assert_allclose(ft.grad(lambda v: ft.abs(v))(z).item(), (3 - 4j) / 5)
    np.testing.assert_allclose(ft.grad(lambda v: ft.angle(v))(z).item(), (-4 - 3j) / 25)


def test_holomorphic_gradients_and_errors():
    z = ft.array([1 + 2j, -0.5j], dtype=ft.complex128)
    np.testing.assert_allclose(ft.grad(lambda v: ft.sum(ft.exp(v)), holomorphic=True)(z).numpy(),
                               np.exp(z.numpy()))
    value, grads = ft.value_and_grad(lambda v: ft.sum(v ** 3), holomorphic=True)(z)
    np.testing.assert_allclose(grads.numpy(), 3 * z.numpy() ** 2)
    with pytest.raises(TypeError, match="returned a complex output .* holomorphic=True"):
        ft.grad(lambda v: ft.sum(v * v))(z)
    with pytest.raises(TypeError, match="holomorphic differentiation requires complex outputs"):
        ft.grad(lambda v: ft.sum(ft.abs(v)), holomorphic=True)(z)
    with pytest.raises(TypeError, match="holomorphic functions must have complex inputs"):
        ft.grad(lambda v: ft.sum(v * 1j), holomorphic=True)(ft.ones(2))


def test_real_inputs_through_complex_intermediates():
    # a real input meeting complex values receives the real part of its cotangent
    x = ft.array([0.3, -0.7], dtype=ft.float64)
    grads = ft.grad(lambda v: ft.sum(ft.abs(ft.exp(1j * v) * (1 + v))))(x)
    assert grads.dtype == ft.float64
    np.testing.assert_allclose(grads.numpy(), np.sign(1 + x.numpy()))
    ft.testing.check_grads(lambda v: ft.abs(ft.sum(ft.exp(1j * v) * v)), (x,), order=2)


@pytest.mark.parametrize("f", [
    lambda z: ft.exp(z) * ft.conj(z), lambda z: ft.abs(z) * ft.angle(z) + ft.imag(z),
    lambda z: ft.sum(z @ ft.reshape(z, (3, 1))) / (1 + ft.real(z)),
    lambda z: ft.linalg.norm(z) * ft.var(z) + ft.mean(z) ** 2,
    lambda z: ft.cumsum(ft.sqrt(z + 2)) * ft.vdot(z, z),
])
def test_check_grads_with_complex_inputs(f):
    ft.testing.check_grads(f, (_c128(Z),), order=2)


def test_transforms_compose_on_complex_values():
    z = _c128(Z)
    np.testing.assert_allclose(ft.jit(lambda v: ft.exp(v) * 2j)(z).numpy(), np.exp(Z) * 2j)
    np.testing.assert_allclose(ft.vmap(lambda v: v * ft.conj(v))(z).numpy(), np.abs(Z) ** 2)
    for jacobian in (ft.jacfwd, ft.jacrev):
        jac = jacobian(lambda v: v * v, holomorphic=True)(z)
        np.testing.assert_allclose(jac.numpy(), np.diag(2 * Z))
    np.testing.assert_allclose(ft.hessian(lambda v: ft.sum(v ** 3), holomorphic=True)(z).numpy(),
                               np.diag(6 * Z))
    # a real function of complex inputs: jacrev gives df/dx - i df/dy, as grad
    np.testing.assert_allclose(ft.jacrev(lambda v: ft.abs(v) ** 2)(z).numpy(),
                               np.diag(2 * np.conj(Z)))
    with pytest.raises(TypeError, match="jacfwd: `<lambda>` has a complex input"):
        ft.jacfwd(lambda v: v * v)(z)
    with pytest.raises(TypeError, match="jacrev: `<lambda>` has a complex output"):
        ft.jacrev(lambda v: v * v)(z)
    with pytest.raises(TypeError, match="holomorphic differentiation requires complex"):
        ft.jacrev(lambda v: v * 1j, holomorphic=True)(ft.ones(2))
    _, tangent = ft.jvp(lambda v: ft.abs(v), (z,), (ft.ones_like(z),))
    np.testing.assert_allclose(tangent.numpy(), Z.real / np.abs(Z))


# PyTorch-style .grad: the conjugate of JAX's cotangent, as torch stores it ------------------

def test_backward_on_complex_leaves_follows_torch():
    z = ft.tensor(3 + 4j, dtype=ft.complex128, requires_grad=True)
    (z.abs() ** 2).backward()
    assert z.grad.item() == 6 + 8j  # torch: 2 z for |z|^2
    w = ft.tensor(np.array([1 + 2j, 0.5 - 1j]), requires_grad=True)
    v = np.array([1 - 1j, 2 + 0.5j])
    (w * w).backward(ft.array(v))
    np.testing.assert_allclose(w.grad.numpy(), v * np.conj(2 * w.detach().numpy()))
    (grad,) = ft.autograd.grad(ft.real(ft.sum(w * w)), w)
    np.testing.assert_allclose(grad.numpy(), np.conj(2 * w.detach().numpy()))
    with pytest.raises(RuntimeError, match="implicitly created only for real scalar outputs"):
        ft.sum(w * w).backward()


def test_serialization_round_trips_complex(tmp_path):
    z = _c128(Z)
    ft.save({"z": z, "w": z.astype(ft.complex64)}, tmp_path / "c.pt")
    loaded = ft.load(tmp_path / "c.pt")
    assert loaded["z"].dtype == ft.complex128 and loaded["w"].dtype == ft.complex64
    np.testing.assert_array_equal(loaded["z"].numpy(), Z)


def test_formats_without_complex_refuse_clearly(tmp_path):
    z = _c128(Z)
    with pytest.raises(TypeError, match="'z' has dtype complex128, which safetensors cannot"):
        ft.save_safetensors({"z": z}, tmp_path / "a.safetensors")
    pytest.importorskip("onnx")
    with pytest.raises(TypeError, match="ONNX operators do not compute with complex numbers"):
        ft.onnx.export(lambda v: v * 2, z, f=tmp_path / "m.onnx")


@pytest.mark.parametrize("make", [lambda p: ft.optim.Adam([p]), lambda p: ft.optim.LBFGS([p]),
                                  lambda p: ft.optim.SGD([p], lr=0.1)])
def test_optimizers_refuse_complex_parameters(make):
    # torch updates complex parameters as (real, imag) pairs; Adam's g * g would not be |g|^2
    param = ft.nn.Parameter(_c128(Z))
    optimizer = make(param)
    (ft.abs(param) ** 2).sum().backward()
    with pytest.raises(TypeError, match="complex parameters are not supported"):
        optimizer.step(lambda: (ft.abs(param) ** 2).sum())
