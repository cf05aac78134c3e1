"""jit and make_graph: equality with eager for every primitive, caching, composition,
errors, and the IR's listing/DOT output."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import funtorch as ft
from funtorch.core import Primitive, bind
from funtorch.testing.strategies import Sampler
from conftest import assert_close

PRIMS = sorted(Primitive.registry)


def f64(values):
    return ft.array(np.asarray(values, dtype=np.float64))


@pytest.mark.parametrize("name", PRIMS)
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_jit_equals_eager_for_every_primitive(name, data):
    prim = Primitive.registry[name]
    args, params = prim.samples(Sampler(data.draw))
    positions = [i for i, a in enumerate(args) if isinstance(a, ft.Array)]

    def f(*arrays):
        full = list(args)
        for i, a in zip(positions, arrays):
            full[i] = a
        return bind(prim, *full, **params)
    arrays = [args[i] for i in positions]
    eager = f(*arrays)
    jitted = ft.jit(f)(*arrays)
    eager, jitted = (eager, jitted) if prim.multiple_results else ((eager,), (jitted,))
    for e, j in zip(eager, jitted):
        assert e.dtype == j.dtype and e.shape == j.shape
        np.testing.assert_array_equal(np.asarray(j), np.asarray(e))


def _reference(x):
    for _ in range(5):
        x = ft.sin(x) * 0.9 + x * x * 0.01 - ft.tanh(x)
    return ft.sum(x)


def test_jit_of_value_and_grad_matches_eager():
    x = f64(np.linspace(-1, 1, 16))
    v1, g1 = ft.value_and_grad(_reference)(x)
    v2, g2 = ft.jit(ft.value_and_grad(_reference))(x)
    assert_close(v2, v1, 1e-12)
    assert_close(g2, g1, 1e-12)


def test_grad_of_jit_and_second_order():
    jitted = ft.jit(_reference)
    x = f64([0.3, -0.7])
    assert_close(ft.grad(jitted)(x), ft.grad(_reference)(x), 1e-12)
    ft.testing.check_grads(jitted, (x,), order=2)


def test_vmap_of_jit_and_jit_of_vmap():
    xs = f64(np.arange(6.0).reshape(3, 2) / 10)
    want = np.stack([np.asarray(_reference(xs[i])) for i in range(3)])
    assert_close(ft.vmap(ft.jit(_reference))(xs), want, 1e-12)
    assert_close(ft.jit(ft.vmap(_reference))(xs), want, 1e-12)


def test_jit_of_vmap_of_grad_per_example():
    loss = lambda w, x: ft.sum(ft.tanh(x @ w))  # noqa: E731
    w, xs = f64(np.ones((3, 2)) * 0.1), f64(np.arange(12.0).reshape(4, 3) / 10)
    fast = ft.jit(ft.vmap(ft.grad(loss), in_axes=(None, 0)))(w, xs)
    slow = ft.vmap(ft.grad(loss), in_axes=(None, 0))(w, xs)
    assert_close(fast, slow, 1e-12)


def test_cache_per_signature_and_static_argnums():
    traces = []

    def f(x, n):
        traces.append(1)
        return x * n
    jf = ft.jit(f, static_argnums=1)
    jf(f64([1.0]), 2)
    jf(f64([5.0]), 2)
    assert len(traces) == 1
    jf(f64([1.0]), 3)
    jf(f64([1.0, 2.0]), 3)
    jf(ft.array([1.0]), 3)  # float32: another signature
    assert len(traces) == 4 and len(jf.cache) == 4


def test_closure_over_outer_tracer_is_differentiated():
    def outer(w):
        return ft.jit(lambda x: ft.sum(x * w))(f64([1.0, 2.0]))
    assert ft.grad(outer)(f64(3.0)).item() == 3.0


def test_concretization_error_names_function_line_and_fixes():
    def branchy(x):
        if x > 0:
            return x
        return -x
    with pytest.raises(TypeError, match=r"jit: `branchy` .*test_jit\.py:\d+.*static_argnums"):
        ft.jit(branchy)(f64(1.0))
    with pytest.raises(TypeError, match=r"ft\.where.*ft\.cond"):
        ft.jit(lambda x: float(x))(f64(1.0))


def test_unhashable_static_argument():
    with pytest.raises(TypeError, match="must be hashable"):
        ft.jit(lambda x, cfg: x, static_argnums=1)(f64(1.0), [1, 2])


def test_leaked_tracer_from_jit():
    leaked = []
    ft.jit(lambda x: leaked.append(x) or x)(f64(1.0))
    with pytest.raises(RuntimeError, match="jit: a traced value"):
        leaked[0] + 1.0


def test_passes_remove_dead_and_duplicate_work_and_fold_constants():
    def f(x):
        unused = ft.exp(x)  # noqa: F841 - dead code
        a = ft.sin(x) + ft.sin(x)  # common subexpression
        c = ft.ones(3) * 2.0  # constant
        return a * c
    graph = ft.make_graph(f, optimize_graph=True)(f64([1.0, 2.0, 3.0]))
    names = [e.prim.name for e in graph.eqns]
    assert names.count("sin") == 1 and "exp" not in names
    assert names.count("mul") == 1 and len(names) == 3


def test_make_graph_listing_and_dot():
    graph = ft.make_graph(lambda x, w, b: (w * x + b - 5) ** 2)(2.0, 3.0, 1.0)
    text = str(graph)
    assert "mul(" in text and "float32[]" in text and text.count("\n") >= 5
    dot = graph.to_dot()
    assert dot.startswith("digraph") and "->" in dot and '"mul"' in dot


def test_in_place_replay_never_overwrites_a_live_view_or_an_input():
    def f(x):
        y = ft.exp(x)
        view = ft.reshape(y, (2, -1))  # may share y's buffer
        z = y * 2.0  # y dies here, but the view is still alive: no in-place write
        w = ft.sin(z) + 1.0  # z dies here and nothing else saw it: in place is fine
        return ft.sum(view) + ft.sum(w) + ft.sum(x)
    x = f64(np.linspace(0, 1, 8192))
    before = np.asarray(x).copy()
    jitted = ft.jit(f)
    assert_close(jitted(x), f(x), 1e-12)
    np.testing.assert_array_equal(np.asarray(x), before)
    source = next(iter(jitted.cache.values())).source
    assert "out=" in source  # the plan did write in place somewhere


def test_replay_source_deletes_dead_intermediates():
    jitted = ft.jit(lambda x: ft.sum(ft.sin(ft.exp(x)) * 2.0))
    jitted(f64(np.ones(10)))
    assert "del " in next(iter(jitted.cache.values())).source


def test_compilations_are_reported_when_the_debug_flag_is_on(capsys):
    import importlib

    jit_module = importlib.import_module("funtorch.transforms.jit")

    jit_module.log_compiles[0] = True
    try:
        f = ft.jit(lambda x: x * 2.0)
        f(f64([1.0]))
        f(f64([2.0]))  # same signature: cached, no message
        f(f64([1.0, 2.0]))  # new shape: retraced
    finally:
        jit_module.log_compiles[0] = False
    assert capsys.readouterr().err.count("jit: compiling") == 2


def test_where_is_never_given_out():
    # ft.where is called directly by the replay but is not a ufunc: no out= for it.
    f = ft.jit(lambda x: ft.sum(ft.where(ft.exp(x) > 1.5, ft.exp(x) * 2.0, 0.0) + 1.0))
    x = f64(np.linspace(-1, 1, 8192))
    assert_close(f(x), ft.sum(ft.where(ft.exp(x) > 1.5, ft.exp(x) * 2.0, 0.0) + 1.0), 1e-12)
