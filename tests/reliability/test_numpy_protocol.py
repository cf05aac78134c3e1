"""NumPy on funtorch arrays never detaches silently (issue 19, item 2).

Reproducers: ``np.exp(x)``, ``np.dot``, ``np.concatenate``, ``np.stack``, ``np.where``,
``np.linalg.norm`` and ``x.numpy()`` on a tracer under grad/jvp, or on an array that
requires grad, returned plain ndarrays, so gradients came out 0. NumPy's functions now
dispatch to funtorch's (``__array_ufunc__``/``__array_function__``); those with no
counterpart refuse traced arguments; ``numpy()`` refuses arrays that require grad, as
torch does.
"""

import numpy as np
import pytest

import funtorch as ft
from funtorch.ops.numpy_protocol import numpy_dispatch_table

X = np.array([0.3, -1.2, 2.0, 0.7])

# (name, f written with NumPy, the same f's gradient worked out by hand)
CASES = [
    ("exp", lambda x: np.sum(np.exp(x)), lambda x: np.exp(x)),
    ("dot", lambda x: np.dot(x, x), lambda x: 2 * x),
    ("concatenate", lambda x: np.sum(np.concatenate([x, x * 2.0]) ** 2), lambda x: 10 * x),
    ("stack", lambda x: np.sum(np.stack([x, np.sin(x)])), lambda x: 1 + np.cos(x)),
    ("where", lambda x: np.sum(np.where(x > 0.5, x * x, -x)),
     lambda x: np.where(x > 0.5, 2 * x, -1.0)),
    ("linalg.norm", lambda x: np.linalg.norm(x), lambda x: x / np.linalg.norm(x)),
    ("tanh-ufunc-mix", lambda x: np.sum(np.tanh(x) * np.float64(3.0)),
     lambda x: 3 * (1 - np.tanh(x) ** 2)),
]


@pytest.mark.parametrize("name,f,expected", CASES, ids=[c[0] for c in CASES])
def test_numpy_functions_differentiate_under_grad(name, f, expected):
    g = ft.grad(f)(ft.array(X))
    assert type(g) is ft.Array
    np.testing.assert_allclose(g.numpy(), expected(X), rtol=1e-10)


@pytest.mark.parametrize("name,f,expected", CASES, ids=[c[0] for c in CASES])
def test_numpy_functions_differentiate_under_jvp(name, f, expected):
    t = np.array([1.0, 0.5, -2.0, 0.25])
    _, tangent = ft.jvp(f, (ft.array(X),), (ft.array(t),))
    np.testing.assert_allclose(float(tangent), expected(X) @ t, rtol=1e-10)


@pytest.mark.parametrize("name,f,expected", CASES, ids=[c[0] for c in CASES])
def test_numpy_functions_record_for_backward(name, f, expected):
    x = ft.array(X, requires_grad=True)
    f(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), expected(X), rtol=1e-10)


def test_numpy_functions_on_plain_arrays_return_arrays(monkeypatch):
    x = ft.array(X)
    for out in (np.exp(x), np.dot(x, x), np.concatenate([x, x]), np.linalg.norm(x),
                np.median(x), np.add.reduce(x), np.ones(4) * x):
        assert type(out) is ft.Array
    np.testing.assert_allclose(np.median(x).numpy(), np.median(X))
    monkeypatch.delitem(numpy_dispatch_table(), "numpy.median", raising=False)
    fallback = np.median(x)  # NumPy on the values, the result an Array
    assert type(fallback) is ft.Array and fallback.item() == np.median(X)
    np.testing.assert_allclose(np.ptp(x).numpy(), np.ptp(X))
    assert np.shape(x) == (4,) and np.ndim(x) == 1


@pytest.mark.parametrize("call", [
    lambda x: np.median(x),  # its counterpart is hidden from the table below
    lambda x: np.add.reduce(x),  # a ufunc method
    lambda x: np.exp(x, dtype=np.float32),  # keywords funtorch's exp does not take
], ids=["no-counterpart", "add.reduce", "exp-dtype"])
def test_numpy_without_counterpart_refuses_traced_and_tracked(call, monkeypatch):
    monkeypatch.delitem(numpy_dispatch_table(), "numpy.median", raising=False)
    with pytest.raises(TypeError, match=r"np\.\w+.*funtorch's ops"):
        ft.grad(lambda x: ft.sum(call(x)))(ft.array(X))
    with pytest.raises(TypeError, match="requires grad"):
        call(ft.array(X, requires_grad=True))


def test_numpy_of_an_array_that_requires_grad_raises_as_torch():
    x = ft.array(X, requires_grad=True)
    message = "Can't call numpy\\(\\) on Tensor that requires grad"
    with pytest.raises(RuntimeError, match=message):
        x.numpy()
    with pytest.raises(RuntimeError, match=message):
        np.asarray(x)
    with pytest.raises(RuntimeError, match=message):
        np.asarray(x * 2.0)  # a non-leaf with a grad_fn too
    np.testing.assert_array_equal(x.detach().numpy(), X)
    assert x.tolist() == X.tolist() and x[0].item() == X[0]  # as torch: these work


@pytest.mark.parametrize("transform", [
    lambda f, x: ft.grad(f)(x),
    lambda f, x: ft.jvp(f, (x,), (ft.ones_like(x),)),
], ids=["grad", "jvp"])
def test_numpy_of_a_tracer_raises(transform):
    for convert in (lambda x: x.numpy(), np.asarray):
        with pytest.raises(TypeError, match="traced by"):
            transform(lambda x: ft.sum(ft.asarray(convert(x)) * x), ft.array(X))
    g = ft.grad(lambda x: ft.sum(ft.asarray(x.detach().numpy()) * x))(ft.array(X))
    np.testing.assert_allclose(g.numpy(), X)


def test_numpy_under_vmap_and_jit_dispatches():
    batch = np.arange(6.0).reshape(2, 3) / 4
    out = ft.vmap(lambda x: np.exp(x) + np.dot(x, x))(ft.array(batch))
    np.testing.assert_allclose(out.numpy(), np.exp(batch) + (batch ** 2).sum(1, keepdims=True))
    out = ft.jit(lambda x: np.sum(np.sin(x)))(ft.array(X))
    np.testing.assert_allclose(float(out), np.sin(X).sum())


def test_dispatch_table_is_built_from_the_public_namespace():
    table = numpy_dispatch_table()
    assert table["numpy.exp"] is ft.exp and table["numpy.absolute"] is ft.abs
    assert table["numpy.linalg.norm"] is ft.linalg.norm
    assert "numpy.save" not in table  # same name, other meaning


def test_out_argument_is_refused_for_arrays_and_kept_for_ndarrays():
    x = ft.array(X)
    with pytest.raises(TypeError, match="immutable"):
        np.exp(x, out=x)
    host = np.zeros(4)
    host += x  # NumPy's in-place add: the result stays the ndarray
    assert type(host) is np.ndarray
    np.testing.assert_array_equal(host, X)
