"""Checks generated for every registered primitive from its declaration.

A new primitive is covered the moment it is declared: its shape rule against its
impl, its VJP and JVP rules against float64 central finite differences (to second
order), its batching rule against a loop, and float32 staying float32.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import funtorch as ft
from funtorch.core import Primitive, bind
from funtorch.testing.strategies import Sampler

PRIMS = sorted(Primitive.registry)
DIFFERENTIABLE = [n for n in PRIMS if not Primitive.registry[n].nondiff]
SETTINGS = settings(max_examples=8, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _draw(data, prim, dtype=np.float64):
    if prim.samples is None:
        pytest.fail(f"primitive '{prim.name}' declares no samples: generated tests cannot run")
    return prim.samples(Sampler(data.draw, dtype))


def _float_positions(args):
    """The differentiable (real or complex floating) array arguments."""
    return [i for i, a in enumerate(args) if isinstance(a, ft.Array) and a.dtype.kind in "fc"]


def _as_function(prim, args, params):
    positions = _float_positions(args)

    def f(*float_args):
        full = list(args)
        for i, value in zip(positions, float_args):
            full[i] = value
        return bind(prim, *full, **params)
    f.__name__ = prim.name
    return f, tuple(args[i] for i in positions)


def _results(prim, out):
    return tuple(out) if prim.multiple_results else (out,)


def _tolerances(prim):
    return prim.tol or {}


@pytest.mark.parametrize("name", PRIMS)
@SETTINGS
@given(data=st.data())
def test_shape_rule_matches_impl(name, data):
    prim = Primitive.registry[name]
    args, params = _draw(data, prim)
    outs = _results(prim, bind(prim, *args, **params))
    rules = prim.shape(*args, **params)
    rules = rules if prim.multiple_results else [rules]
    assert len(rules) == len(outs), f"{name}: {len(rules)} shape rules for {len(outs)} results"
    for (shape, dtype), out in zip(rules, outs):
        assert tuple(shape) == out.shape, f"{name}: shape rule {shape} vs impl {out.shape}"
        assert np.dtype(dtype) == out.dtype, f"{name}: dtype rule {dtype} vs impl {out.dtype}"


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@SETTINGS
@given(data=st.data())
def test_vjp_rule_second_order(name, data):
    prim = Primitive.registry[name]
    args, params = _draw(data, prim)
    f, float_args = _as_function(prim, args, params)
    if not float_args:
        return
    ft.testing.check_grads(f, float_args, order=2, modes=("rev",), **_tolerances(prim))


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@SETTINGS
@given(data=st.data())
def test_jvp_rule_second_order(name, data):
    prim = Primitive.registry[name]
    args, params = _draw(data, prim)
    f, float_args = _as_function(prim, args, params)
    if not float_args:
        return
    ft.testing.check_grads(f, float_args, order=2, modes=("fwd",), **_tolerances(prim))


def _batched(x, k, dtype_kind):
    if dtype_kind == "f":
        return x * (1.0 + 0.01 * k)
    return x


@pytest.mark.parametrize("name", PRIMS)
@SETTINGS
@given(data=st.data())
def test_batch_rule_matches_loop(name, data):
    prim = Primitive.registry[name]
    if prim.batch is None:
        pytest.fail(f"primitive '{name}' has no batching rule")
    args, params = _draw(data, prim)
    size = 3
    batched, bdims, per_example = [], [], [list(args) for _ in range(size)]
    for index, arg in enumerate(args):
        if not isinstance(arg, ft.Array) or not data.draw(st.booleans()):
            batched.append(arg)
            bdims.append(None)
            continue
        examples = [_batched(arg, k, arg.dtype.kind) for k in range(size)]
        for k in range(size):
            per_example[k][index] = examples[k]
        bdim = data.draw(st.integers(0, arg.ndim))
        batched.append(ft.array(np.moveaxis(np.stack([np.asarray(e) for e in examples]), 0,
                                            bdim)))
        bdims.append(bdim)
    if all(b is None for b in bdims):
        return
    out, out_bdim = prim.batch(batched, bdims, **params)
    outs = _results(prim, out)
    out_bdims = tuple(out_bdim) if prim.multiple_results else (out_bdim,)
    expected = [_results(prim, bind(prim, *example, **params)) for example in per_example]
    for index, (result, bdim) in enumerate(zip(outs, out_bdims)):
        got = np.moveaxis(np.asarray(result), bdim, 0)
        want = np.stack([np.asarray(e[index]) for e in expected])
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12,
                                   err_msg=f"batching rule of '{name}' (result {index})")


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@SETTINGS
@given(data=st.data())
def test_float32_stays_float32_and_agrees_with_float64(name, data):
    prim = Primitive.registry[name]
    args, params = _draw(data, prim)
    outs64 = _results(prim, bind(prim, *args, **params))
    narrow = {np.dtype(np.float64): np.float32, np.dtype(np.complex128): np.complex64}
    args32 = [a.astype(narrow[a.dtype]) if isinstance(a, ft.Array) and a.dtype in narrow else a
              for a in args]
    params32 = {k: (np.dtype(np.float32) if v == np.dtype(np.float64) else v)
                if isinstance(v, np.dtype) else v for k, v in params.items()}
    outs32 = _results(prim, bind(prim, *args32, **params32))
    for out32, out64 in zip(outs32, outs64):
        if out64.dtype in (np.float64, np.complex128):  # complex(re, im) of float32: complex64
            narrow = np.float32 if out64.dtype == np.float64 else np.complex64
            assert out32.dtype == narrow, f"{name}: float32 inputs gave {out32.dtype}"
        wide = np.complex128 if out64.dtype.kind == "c" else np.float64
        np.testing.assert_allclose(np.asarray(out32, wide), np.asarray(out64),
                                   rtol=2e-4, atol=2e-4)


def test_every_primitive_has_all_rules():
    for name, prim in Primitive.registry.items():
        assert prim.shape is not None and prim.batch is not None and prim.samples is not None, name
        if not prim.nondiff:
            assert prim.vjp is not None and prim.jvp is not None, name
            assert any(r is not None for r in prim.vjp), name
