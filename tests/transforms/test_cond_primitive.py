"""cond, while_loop, scan and the jitted call as primitives over staged programs: one
equation each inside jit, hashable params, every transform through the primitive's
rules, and the typed ConcretizationError that selects the Python fallback."""

import numpy as np
import pytest
from conftest import assert_close

import funtorch as ft

RNG = np.random.default_rng(3)


def f64(values):
    return ft.array(np.asarray(values, dtype=np.float64))


def branchy(x, w):
    return ft.cond(ft.sum(x) > 0, lambda a: ft.sin(a) * w, lambda a: a ** 3 + w, x)


def python_branchy(x, w):
    return ft.sin(x) * w if float(ft.sum(x)) > 0 else x ** 3 + w


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_cond_under_grad_jvp_and_jit_matches_python_branching(sign):
    x, w = f64(RNG.normal(size=3)) * 0 + sign * f64([0.3, 0.5, 0.1]), f64(0.7)
    loss = lambda f: lambda x, w: ft.sum(f(x, w) ** 2)  # noqa: E731
    for fun in (branchy, ft.jit(branchy)):
        assert_close(fun(x, w), python_branchy(x, w))
        got = ft.grad(loss(fun), argnums=(0, 1))(x, w)
        want = ft.grad(loss(python_branchy), argnums=(0, 1))(x, w)
        for a, b in zip(got, want):
            assert_close(a, b)
        t = f64([1.0, -1.0, 0.5])
        assert_close(ft.jvp(lambda x: fun(x, w), (x,), (t,))[1],
                     ft.jvp(lambda x: python_branchy(x, w), (x,), (t,))[1])
    hess = ft.hessian(loss(branchy))(x, w)
    assert_close(hess, ft.hessian(loss(python_branchy))(x, w))


def test_cond_under_vmap_with_an_unbatched_predicate_runs_one_branch():
    xs = f64(RNG.normal(size=(4, 3)))
    got = ft.vmap(lambda x: ft.cond(True, ft.sin, ft.cos, x))(xs)
    assert_close(got, np.sin(xs.numpy()))
    got = ft.vmap(branchy, in_axes=(None, 0))(f64([1.0, 2.0]), f64([0.5, 2.0]))
    assert_close(got, [np.sin([1.0, 2.0]) * 0.5, np.sin([1.0, 2.0]) * 2.0])


def test_cond_closing_over_a_parameter_fills_its_grad():
    w = ft.tensor(0.7, requires_grad=True)
    x = f64([0.3, 0.5])
    out = ft.cond(ft.sum(x) > 0, lambda a: ft.sum(ft.sin(a) * w), lambda a: ft.sum(a), x)
    out.backward()
    assert_close(w.grad, np.sum(np.sin([0.3, 0.5])))


def test_control_flow_is_one_equation_with_hashable_params_inside_jit():
    def fun(x):
        y = ft.cond(x[0] > 0, ft.sin, ft.cos, x)
        y = ft.while_loop(lambda v: ft.sum(v) < 10.0, lambda v: v * 2.0, y + 1.0)
        return ft.scan(lambda c, v: (c + v, c), ft.zeros_like(x[0]), y)
    graph = ft.make_graph(fun)(f64([0.5, 0.25]))
    names = [e.prim.name for e in graph.eqns]
    assert names.count("cond") == names.count("while") == names.count("scan") == 1
    for eqn in graph.eqns:
        hash(tuple(sorted(eqn.params.items())))
    inner = ft.jit(ft.sin)
    graph = ft.make_graph(lambda x: inner(x) + inner(x))(f64([1.0]))
    call = next(e for e in graph.eqns if e.prim.name == "call_jit")
    hash(tuple(sorted(call.params.items())))


def test_concretization_error_is_typed_and_selects_the_python_fallback():
    with pytest.raises(ft.errors.ConcretizationError, match="static_argnums"):
        ft.jit(lambda x: x if x > 0 else -x)(f64(1.0))
    assert issubclass(ft.errors.ConcretizationError, TypeError)
    # bodies that branch in Python on their values run as Python loops / branches
    carry, ys = ft.scan(lambda c, x: (c + (x if float(x) > 0 else -x), c), f64(0.0),
                        f64([1.0, -2.0, 3.0]))
    assert_close(carry, 6.0)
    assert_close(ys, [0.0, 1.0, 3.0])
    assert_close(ft.cond(True, lambda a: a if float(a) > 0 else -a, ft.cos, f64(-2.0)), 2.0)
    assert_close(ft.while_loop(lambda v: float(v) < 5.0, lambda v: v + 2.0, f64(0.0)), 6.0)
    with pytest.raises(ft.errors.ConcretizationError):
        ft.jit(lambda p, x: ft.cond(p, lambda a: a if float(a) > 0 else -a, ft.cos, x))(
            True, f64(-2.0))


def test_while_loop_jvp_matches_python_loop_and_refuses_reverse_mode_of_the_carry():
    body = lambda v: v * 1.5 + ft.sin(v) * 0.1  # noqa: E731
    loop = lambda x: ft.while_loop(lambda v: v < 6.0, body, x)  # noqa: E731

    def python_loop(x):
        while float(x) < 6.0:
            x = body(x)
        return x
    x, t = f64(0.4), f64(1.0)
    for fun in (loop, ft.jit(loop)):
        got = ft.jvp(fun, (x,), (t,))
        want = ft.jvp(python_loop, (x,), (t,))
        for a, b in zip(got, want):
            assert_close(a, b)
    # the predicate's operands get zero cotangents; the carry's are refused
    limit = lambda w: ft.while_loop(lambda v: v < w, lambda v: v + 1.0, f64(0.0)) * w  # noqa
    assert_close(ft.grad(limit)(f64(2.5)), 3.0)
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work"):
        ft.grad(loop)(x)
