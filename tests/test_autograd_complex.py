"""PyTorch-style autograd on complex values gives what torch 2.13 gives: hook arguments and
replacements, retained grads, ``Function.backward``'s inputs and outputs, leaves' ``.grad``
and create_graph=True (the programs and the fixture are in
``tests/fixtures/make_autograd_complex_fixtures.py``). The functional transforms keep JAX's
convention, the conjugate."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

import funtorch as ft

_GEN = pathlib.Path(__file__).parent / "fixtures" / "make_autograd_complex_fixtures.py"
_spec = importlib.util.spec_from_file_location("make_autograd_complex_fixtures", _GEN)
programs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(programs)
_REFERENCE = np.load(_GEN.with_name("autograd_complex_reference.npz"))
_TOL = {"complex64": 1e-6, "complex128": 1e-12, "float64": 1e-12}

_CASES = [(name, dtype) for name in programs.PROGRAMS for dtype in programs.DTYPES]


@pytest.mark.parametrize("name, dtype", _CASES)
def test_matches_torch(name, dtype):
    got = programs.PROGRAMS[name](ft, dtype)
    prefix = f"{name}/{dtype}/"
    want = {k[len(prefix):]: _REFERENCE[k] for k in _REFERENCE.files if k.startswith(prefix)}
    assert sorted(got) == sorted(want)
    for key, expected in want.items():
        value = got[key]
        assert value.dtype == expected.dtype, (key, value.dtype, expected.dtype)
        scale = max(1.0, float(np.abs(expected).max()))
        np.testing.assert_allclose(value, expected, rtol=_TOL[dtype], atol=_TOL[dtype] * scale,
                                   err_msg=f"{prefix}{key}")


def test_function_under_grad_keeps_jax_convention():
    """ft.grad through a Function written in torch's convention returns JAX's gradient,
    the conjugate of the .grad backward() stores."""
    square = programs._square(ft, {})
    w = ft.tensor(np.array(programs._W, dtype=np.complex128))

    def loss(x):
        return (square.apply(x) * w).real.sum()

    x0 = np.array(programs._X, dtype=np.complex128)
    leaf = ft.tensor(x0, requires_grad=True)
    loss(leaf).backward()
    jax_grad = ft.grad(loss)(ft.tensor(x0))
    plain = ft.grad(lambda x: (x * x * w).real.sum())(ft.tensor(x0))
    np.testing.assert_allclose(np.asarray(jax_grad), np.asarray(plain), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(jax_grad), np.conj(np.asarray(leaf.grad)),
                               rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_real_hooks_see_the_engine_cotangent(dtype):
    """Real dtypes: hooks get and return the gradient unchanged (same dtype, no copy)."""
    seen = []
    x = ft.tensor(np.array([1.0, -2.0, 0.5], dtype=dtype), requires_grad=True)
    y = x * 3.0
    y.retain_grad()
    y.register_hook(seen.append)
    y.register_hook(lambda g: g * 2.0)
    x.register_hook(seen.append)
    (y * y).sum().backward()
    np.testing.assert_allclose(np.asarray(seen[0]), 2 * 3.0 * np.asarray(x.detach()))
    assert seen[0].dtype == dtype and seen[1].dtype == dtype
    np.testing.assert_allclose(np.asarray(y.grad), 2 * np.asarray(seen[0]))
    np.testing.assert_allclose(np.asarray(seen[1]), 3.0 * np.asarray(y.grad))
    assert seen[1] is not None and x.grad.dtype == dtype


def test_function_complex_gradient_for_real_input_is_refused():
    class ToComplex(ft.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1j

        @staticmethod
        def backward(ctx, g):
            return g * -1j  # torch refuses a complex gradient for a real input too

    x = ft.tensor(np.array([0.5, 2.0]), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"ToComplex.backward returned a complex gradient "
                                           r"\(complex128\) at index 0 for a real input"):
        (ToComplex.apply(x) * x).real.sum().backward()
