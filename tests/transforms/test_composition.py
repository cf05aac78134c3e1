"""The composition matrix: every pair (and some triples) of transforms over reference
functions with closed-form derivatives, plus vmap against a loop for every primitive."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import funtorch as ft
from funtorch.core import Primitive, bind
from funtorch.testing.strategies import Sampler

# name: (f, f', f'') on scalars, closed forms written with NumPy.
REFERENCE = {
    "cubic": (lambda x: x ** 3, lambda x: 3 * x ** 2, lambda x: 6 * x),
    "sin_times_x": (lambda x: ft.sin(x) * x if isinstance(x, ft.Array) else np.sin(x) * x,
                    lambda x: np.cos(x) * x + np.sin(x),
                    lambda x: -np.sin(x) * x + 2 * np.cos(x)),
    "exp_tanh": (lambda x: ft.exp(ft.tanh(x)) if isinstance(x, ft.Array) else np.exp(np.tanh(x)),
                 lambda x: np.exp(np.tanh(x)) * (1 - np.tanh(x) ** 2),
                 lambda x: np.exp(np.tanh(x)) * ((1 - np.tanh(x) ** 2) ** 2
                                                 - 2 * np.tanh(x) * (1 - np.tanh(x) ** 2))),
    "log1p_sq": (lambda x: ft.log1p(x * x) if isinstance(x, ft.Array) else np.log1p(x * x),
                 lambda x: 2 * x / (1 + x * x),
                 lambda x: (2 - 2 * x * x) / (1 + x * x) ** 2),
}
POINTS = np.array([-1.3, -0.4, 0.2, 0.9])


def derivative(transform, f):
    """One derivative of a scalar function, by the named transform."""
    if transform == "grad":
        return ft.grad(f)
    if transform == "jvp":
        return lambda x: ft.jvp(f, (x,), (ft.ones_like(x),))[1]
    if transform == "vjp":
        return lambda x: ft.vjp(f, x)[1](ft.ones_like(x))[0]
    if transform == "jacfwd":
        return ft.jacfwd(f)
    return ft.jacrev(f)


FIRST = ["grad", "jvp", "vjp", "jacfwd", "jacrev"]


@pytest.mark.parametrize("name", sorted(REFERENCE))
@pytest.mark.parametrize("outer,inner", list(itertools.product(FIRST, repeat=2)))
def test_second_derivative_by_every_pair(name, outer, inner):
    f, _, d2 = REFERENCE[name]
    second = derivative(outer, derivative(inner, f))
    got = [second(ft.array(np.float64(p))).item() for p in POINTS]
    np.testing.assert_allclose(got, d2(POINTS), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(REFERENCE))
@pytest.mark.parametrize("first", FIRST)
@pytest.mark.parametrize("wrap", ["vmap", "jit", "vmap_jit", "jit_vmap"])
def test_vmap_and_jit_around_every_derivative(name, first, wrap):
    f, d1, _ = REFERENCE[name]
    d = derivative(first, f)
    batched = {"vmap": ft.vmap(d), "jit": None, "vmap_jit": ft.vmap(ft.jit(d)),
               "jit_vmap": ft.jit(ft.vmap(d))}[wrap]
    xs = ft.array(POINTS)
    got = batched(xs) if batched is not None else np.array([ft.jit(d)(x).item() for x in xs])
    np.testing.assert_allclose(np.asarray(got), d1(POINTS), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_three_deep(name):
    f, _, d2 = REFERENCE[name]
    per_point = ft.jit(ft.vmap(ft.grad(ft.grad(f))))
    np.testing.assert_allclose(np.asarray(per_point(ft.array(POINTS))), d2(POINTS), rtol=1e-10)
    hess = ft.vmap(lambda x: ft.jvp(ft.grad(f), (x,), (ft.ones_like(x),))[1])
    np.testing.assert_allclose(np.asarray(hess(ft.array(POINTS))), d2(POINTS), rtol=1e-10)


def test_hessian_of_vector_function_matches_closed_form():
    x = ft.array(np.array([0.3, -0.8, 1.1]))
    hess = ft.hessian(lambda v: ft.sum(ft.sin(v) * v[0]))(x)
    v = np.array([0.3, -0.8, 1.1])
    want = np.diag(-np.sin(v) * v[0])
    want[0, :] += np.cos(v)
    want[:, 0] += np.cos(v)
    np.testing.assert_allclose(np.asarray(hess), want, rtol=1e-10, atol=1e-12)


PRIMS = sorted(n for n, p in Primitive.registry.items())


@pytest.mark.parametrize("name", PRIMS)
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_vmap_equals_stacking_for_every_primitive(name, data):
    prim = Primitive.registry[name]
    args, params = prim.samples(Sampler(data.draw))
    arrays = [i for i, a in enumerate(args) if isinstance(a, ft.Array)]
    batched_pos = [i for i in arrays if data.draw(st.booleans())] or arrays[:1]
    examples = []
    for k in range(3):
        example = list(args)
        for i in batched_pos:
            example[i] = args[i] * (1.0 + 0.01 * k) if args[i].dtype.kind == "f" else args[i]
        examples.append(example)

    def f(*batched_args):
        full = list(args)
        for i, value in zip(batched_pos, batched_args):
            full[i] = value
        return bind(prim, *full, **params)
    stacked = [ft.array(np.stack([np.asarray(e[i]) for e in examples])) for i in batched_pos]
    got = ft.vmap(f)(*stacked)
    want = [bind(prim, *e, **params) for e in examples]
    got, want = (got, want) if prim.multiple_results else ((got,), [(w,) for w in want])
    for index, out in enumerate(got):
        np.testing.assert_allclose(np.asarray(out), np.stack([np.asarray(w[index]) for w in want]),
                                   rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", PRIMS)
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_vmap_calls_the_primitive_once_for_the_whole_batch(name, data):
    prim = Primitive.registry[name]
    args, params = prim.samples(Sampler(data.draw))
    arrays = [i for i, a in enumerate(args) if isinstance(a, ft.Array)]
    stacked = [ft.array(np.stack([np.asarray(args[i])] * 4)) for i in arrays]

    def f(*batched_args):
        full = list(args)
        for i, value in zip(arrays, batched_args):
            full[i] = value
        return bind(prim, *full, **params)
    calls = []
    original = prim.np_impl
    prim.np_impl = lambda *a, **k: calls.append(1) or original(*a, **k)
    try:
        ft.vmap(f)(*stacked)
    finally:
        prim.np_impl = original
    assert len(calls) == 1, f"vmap of '{name}' called its impl {len(calls)} times"
