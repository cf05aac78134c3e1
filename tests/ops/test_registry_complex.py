"""Checks generated for every primitive declared ``complex=True``, with complex inputs.

The primitive's own samples have their floating arguments made complex (an imaginary part
in (-0.5, 0.5)); then: JVP against central finite differences in random complex directions
and VJP against the JVP by JAX's pairing ``Re(sum(a * b))`` (``ft.testing.check_grads``, to
second order), the batching rule against a loop, jit against eager, the shape rule against
the impl, and complex64 staying complex64. Every other primitive must refuse complex
inputs with a TypeError naming it (never a silently different value).
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import funtorch as ft
from funtorch.core import Primitive, bind
from funtorch.testing.strategies import Sampler
from test_registry import _as_function, _results

COMPLEX = sorted(n for n, p in Primitive.registry.items() if p.complex)
DIFFERENTIABLE = [n for n in COMPLEX if not Primitive.registry[n].nondiff]
REAL_ONLY = sorted(n for n, p in Primitive.registry.items() if not p.complex)
SETTINGS = settings(max_examples=4, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# convert's samples cast to float64: a complex input then loses its imaginary part, which
# is what the cast means (NumPy's); the cast to complex is sampled here too
# orderings refuse complex operands in their public functions (bind would compare them
# lexicographically, as NumPy); jit's shape rules refuse them too
ORDERINGS = {"lt": ft.less, "le": ft.less_equal, "gt": ft.greater, "ge": ft.greater_equal}
PARAMS = {"convert": [{"dtype": np.dtype(np.float64)}, {"dtype": np.dtype(np.complex128)}]}


def _draw(data, prim, dtype=np.float64):
    sampler = Sampler(data.draw, dtype)
    args, params = prim.samples(sampler)
    if prim.name in PARAMS:
        params = data.draw(st.sampled_from(PARAMS[prim.name]))
    if prim.name == "complex":  # takes the real and imaginary parts
        return list(args), params
    out = []
    for arg in args:
        if isinstance(arg, ft.Array) and arg.dtype.kind == "f":
            arg = ft.complex(arg, sampler.array(arg.shape, domain=(-0.5, 0.5)))
        out.append(arg)
    return out, params


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@SETTINGS
@given(data=st.data())
def test_complex_derivatives_second_order(name, data):
    prim = Primitive.registry[name]
    args, params = _draw(data, prim)
    f, inexact = _as_function(prim, args, params)
    if inexact:
        ft.testing.check_grads(f, inexact, order=2, **(prim.tol or {}))


@pytest.mark.parametrize("name", COMPLEX)
@SETTINGS
@given(data=st.data())
def test_complex_shape_rule_jit_and_complex64(name, data):
    prim = Primitive.registry[name]
    args, params = _draw(data, prim)
    outs = _results(prim, bind(prim, *args, **params))
    rules = prim.shape(*args, **params)
    for (shape, dtype), out in zip(rules if prim.multiple_results else [rules], outs):
        assert (tuple(shape), np.dtype(dtype)) == (out.shape, out.dtype), name
    staged = _results(prim, ft.jit(lambda *a: bind(prim, *a, **params))(*args))
    for got, want in zip(staged, outs):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12, atol=1e-12)
    narrow = {np.dtype(np.complex128): np.complex64, np.dtype(np.float64): np.float32}
    args64 = [a.astype(narrow[a.dtype]) if isinstance(a, ft.Array) and a.dtype in narrow else a
              for a in args]
    params64 = {k: np.dtype(narrow.get(v, v)) if isinstance(v, np.dtype) else v
                for k, v in params.items()}
    for out64, out in zip(_results(prim, bind(prim, *args64, **params64)), outs):
        if out.dtype == np.complex128:
            assert out64.dtype == np.complex64, f"{name}: complex64 inputs gave {out64.dtype}"
        if out.dtype.kind in "fc":  # complex64 rounding may flip comparisons of tiny values
            np.testing.assert_allclose(np.asarray(out64), np.asarray(out), rtol=2e-4,
                                       atol=2e-4)


@pytest.mark.parametrize("name", COMPLEX)
@SETTINGS
@given(data=st.data())
def test_complex_batch_rule_matches_loop(name, data):
    prim = Primitive.registry[name]
    args, params = _draw(data, prim)
    size, batched, bdims = 3, [], []
    per_example = [list(args) for _ in range(size)]
    for index, arg in enumerate(args):
        if not isinstance(arg, ft.Array) or arg.dtype.kind not in "fc" or not data.draw(
                st.booleans()):
            batched.append(arg)
            bdims.append(None)
            continue
        examples = [arg * (1.0 + 0.01 * k) for k in range(size)]
        for k in range(size):
            per_example[k][index] = examples[k]
        bdim = data.draw(st.integers(0, arg.ndim))
        batched.append(ft.array(np.moveaxis(np.stack([e.numpy() for e in examples]), 0, bdim)))
        bdims.append(bdim)
    if all(b is None for b in bdims):
        return
    out, out_bdim = prim.batch(batched, bdims, **params)
    out_bdims = tuple(out_bdim) if prim.multiple_results else (out_bdim,)
    expected = [_results(prim, bind(prim, *example, **params)) for example in per_example]
    for index, (result, bdim) in enumerate(zip(_results(prim, out), out_bdims)):
        want = np.stack([np.asarray(e[index]) for e in expected])
        np.testing.assert_allclose(np.moveaxis(np.asarray(result), bdim, 0), want,
                                   rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", REAL_ONLY)
@settings(max_examples=2, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_real_only_primitives_refuse_complex(name, data):
    prim = Primitive.registry[name]
    args, params = _draw(data, prim)
    if not any(isinstance(a, ft.Array) and a.dtype.kind == "c" for a in args):
        return  # no floating argument to make complex
    eager = ORDERINGS.get(name, lambda *a: bind(prim, *a, **params))
    with pytest.raises(TypeError, match=f"{name}: complex inputs are not supported"
                       if name not in ORDERINGS else "complex numbers have no order"):
        with np.errstate(all="ignore"):
            eager(*args)
    f = ft.jit(lambda *a: bind(prim, *a, **params))
    with pytest.raises(TypeError, match=f"{name}: complex inputs are not supported"):
        f(*args)
