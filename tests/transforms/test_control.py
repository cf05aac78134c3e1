"""scan, fori_loop, cond and while_loop: values and every transform against unrolled Python
loops, the closure fallback, batching of predicates, and every error message."""

import time

import numpy as np
import pytest
from conftest import assert_close

import funtorch as ft

RNG = np.random.default_rng(0)
T, H, D = 5, 3, 2


def f64(values):
    return ft.array(np.asarray(values, dtype=np.float64))


def rand(*shape):
    return f64(RNG.normal(size=shape) * 0.5)


W, U, H0, XS = rand(H, H), rand(D, H), rand(H), rand(T, D)


def cell(h, x, w, u):
    return ft.tanh(h @ w + x @ u)


def python_scan(f, init, xs, reverse=False):
    """The reference: an unrolled Python loop with ys stacked in xs order."""
    n = len(ft.tree.leaves(xs)[0])
    carry, ys = init, [None] * n
    for t in (reversed(range(n)) if reverse else range(n)):
        carry, ys[t] = f(carry, ft.tree.map(lambda x, t=t: x[t], xs))
    return carry, ft.tree.map(lambda *y: ft.stack(y), *ys)


def rnn_loss(scan_fn):
    """A loss of (w, u, h0, xs); the weights travel in the carry."""
    def loss(w, u, h0, xs):
        def body(carry, x):
            h, w, u = carry
            h = cell(h, x, w, u)
            return (h, w, u), h
        (h, _, _), hs = scan_fn(body, (h0, w, u), xs)
        return ft.sum(h ** 2) + ft.sum(ft.sin(hs))
    return loss


def closure_loss(scan_fn):
    """The same loss with the weights closed over by the body."""
    def loss(w, u, h0, xs):
        def body(h, x):
            h = cell(h, x, w, u)
            return h, h
        h, hs = scan_fn(body, h0, xs)
        return ft.sum(h ** 2) + ft.sum(ft.sin(hs))
    return loss


# scan: values ------------------------------------------------------------------------------


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_matches_python_loop_with_pytrees(reverse):
    def body(carry, x):
        new = {"h": cell(carry["h"], x[0], W, U), "n": carry["n"] + 1}
        return new, (new["h"] * x[1], {"step": carry["n"]})
    init = {"h": H0, "n": ft.array(0)}
    xs = (XS, rand(T, 1))
    got = ft.scan(body, init, xs, reverse=reverse)
    want = python_scan(body, init, xs, reverse=reverse)
    for a, b in zip(ft.tree.leaves(got), ft.tree.leaves(want)):
        assert_close(a, b)
    assert ft.tree.structure(got) == ft.tree.structure(want)


def test_scan_without_xs_and_without_ys():
    carry, ys = ft.scan(lambda c, x: (c * 2.0, None), f64(1.0), length=4)
    assert_close(carry, 16.0)
    assert ys is None
    carry, ys = ft.scan(lambda c, x: (c + 1.0, c), f64(0.0), None, length=3, reverse=True)
    assert_close(ys, [2.0, 1.0, 0.0])


def test_scan_of_length_zero_returns_init_and_empty_ys():
    carry, ys = ft.scan(lambda c, x: (c + x, c * x), H0, ft.zeros((0, H), ft.float64))
    assert_close(carry, H0)
    assert ys.shape == (0, H)


def test_nested_scan():
    def outer(c, row):
        inner_c, inner_ys = ft.scan(lambda a, x: (a * x + c, a), c, row)
        return inner_c, inner_ys
    xs = rand(3, 4)
    want_c, want_ys = python_scan(lambda c, row: python_scan(
        lambda a, x: (a * x + c, a), c, row), f64(0.5), xs)
    got_c, got_ys = ft.scan(outer, f64(0.5), xs)
    assert_close(got_c, want_c)
    assert_close(got_ys, want_ys)
    g = ft.grad(lambda c0, xs: ft.scan(outer, c0, xs)[0], argnums=(0, 1))(f64(0.5), xs)
    g_want = ft.grad(lambda c0, xs: python_scan(lambda c, row: python_scan(
        lambda a, x: (a * x + c, a), c, row), c0, xs)[0], argnums=(0, 1))(f64(0.5), xs)
    for a, b in zip(g, g_want):
        assert_close(a, b)


def test_python_scalar_init_takes_the_dtype_the_body_gives_it():
    carry, ys = ft.scan(lambda c, x: (c + x, c), 0.0, f64([1.0, 2.0, 3.0]))
    assert carry.dtype == ft.float64 and ys.dtype == ft.float64
    assert_close(ys, [0.0, 1.0, 3.0])
    xs = f64([0.5, 1.5])
    assert_close(ft.fori_loop(0, 2, lambda i, v: v + xs[i], 0.0), 2.0)
    assert_close(ft.while_loop(lambda v: v < 2.0, lambda v: v + f64(1.0), 0), 2.0)


def test_scan_and_cond_under_jit():
    run = lambda c0, xs: ft.scan(lambda c, x: (ft.sin(c) * x, c), c0, xs)
    xs = rand(T)
    for a, b in zip(ft.jit(run)(f64(0.3), xs), run(f64(0.3), xs)):
        assert_close(a, b)
    g = ft.grad(lambda c0: ft.jit(run)(c0, xs)[0])(f64(0.3))
    assert_close(g, ft.grad(lambda c0: run(c0, xs)[0])(f64(0.3)))
    branchy = ft.jit(lambda x: ft.cond(x > 0, ft.sin, ft.cos, x))
    assert_close(branchy(f64(0.5)), np.sin(0.5))
    assert_close(branchy(f64(-0.5)), np.cos(-0.5))


# scan: transforms --------------------------------------------------------------------------


@pytest.mark.parametrize("make_loss", [rnn_loss, closure_loss])
def test_grad_of_scan_matches_unrolled_loop(make_loss):
    args = (W, U, H0, XS)
    got = ft.grad(make_loss(ft.scan), argnums=(0, 1, 2, 3))(*args)
    want = ft.grad(make_loss(python_scan), argnums=(0, 1, 2, 3))(*args)
    for a, b in zip(got, want):
        assert_close(a, b)


@pytest.mark.parametrize("reverse", [False, True])
def test_grad_with_weights_passed_in_xs_and_reverse(reverse):
    def loss(scan_fn):
        def run(w_steps, h0):
            h, hs = scan_fn(lambda h, wx: (ft.tanh(h @ wx[0] + wx[1]), h), h0,
                            (w_steps, XS @ U), reverse=reverse)
            return ft.sum(h) + ft.sum(hs ** 2)
        return run
    w_steps = rand(T, H, H)
    got = ft.grad(loss(ft.scan), argnums=(0, 1))(w_steps, H0)
    want = ft.grad(loss(python_scan), argnums=(0, 1))(w_steps, H0)
    for a, b in zip(got, want):
        assert_close(a, b)


@pytest.mark.parametrize("make_loss", [rnn_loss, closure_loss])
def test_second_order_of_scan_matches_unrolled_loop(make_loss):
    w_only = lambda scan_fn: lambda w: make_loss(scan_fn)(w, U, H0, XS)
    assert_close(ft.hessian(w_only(ft.scan))(W), ft.hessian(w_only(python_scan))(W))
    v = rand(H, H)
    hvp = lambda scan_fn: ft.jvp(ft.grad(w_only(scan_fn)), (W,), (v,))[1]
    assert_close(hvp(ft.scan), hvp(python_scan))
    gg = lambda scan_fn: ft.grad(lambda w: ft.sum(ft.grad(w_only(scan_fn))(w) ** 2))
    assert_close(gg(ft.scan)(W), gg(python_scan)(W))


@pytest.mark.parametrize("make_loss", [rnn_loss, closure_loss])
def test_jvp_of_scan_matches_unrolled_loop(make_loss):
    tangents = (rand(H, H), rand(D, H), rand(H), rand(T, D))
    got = ft.jvp(make_loss(ft.scan), (W, U, H0, XS), tangents)
    want = ft.jvp(make_loss(python_scan), (W, U, H0, XS), tangents)
    for a, b in zip(got, want):
        assert_close(a, b)


@pytest.mark.parametrize("in_axes", [(None, 0), (0, None), (0, 0), (0, 1)])
def test_vmap_of_scan_with_batched_and_unbatched_init_and_xs(in_axes):
    def run(scan_fn):
        return lambda h0, xs: scan_fn(lambda h, x: (cell(h, x, W, U), h * 2.0), h0, xs)
    h0 = rand(4, H) if in_axes[0] == 0 else H0
    xs = {None: XS, 0: rand(4, T, D), 1: rand(T, 4, D)}[in_axes[1]]
    got = ft.vmap(run(ft.scan), in_axes=in_axes)(h0, xs)
    want = ft.vmap(run(python_scan), in_axes=in_axes)(h0, xs)
    for a, b in zip(got, want):
        assert_close(a, b)


def test_vmap_over_a_closed_over_weight():
    run = lambda scan_fn: lambda w: scan_fn(
        lambda h, x: (cell(h, x, w, U), ft.sum(h * w[0])), H0, XS)
    ws = rand(3, H, H)
    for a, b in zip(ft.vmap(run(ft.scan))(ws), ft.vmap(run(python_scan))(ws)):
        assert_close(a, b)
    got = ft.grad(lambda w: ft.scan(lambda c, x: (c * w, c), f64(1.0), XS[:, 0])[0])(f64(0.9))
    assert_close(got, T * 0.9 ** (T - 1))


@pytest.mark.parametrize("make_loss", [rnn_loss, closure_loss])
def test_per_example_gradients_and_grad_of_vmap_of_scan(make_loss):
    batch = rand(4, T, D)
    per_example = lambda scan_fn: ft.vmap(ft.grad(make_loss(scan_fn)),
                                          in_axes=(None, None, None, 0))(W, U, H0, batch)
    assert_close(per_example(ft.scan), per_example(python_scan))
    batched_loss = lambda scan_fn: lambda w: ft.sum(ft.vmap(
        lambda xs: make_loss(scan_fn)(w, U, H0, xs))(batch))
    assert_close(ft.grad(batched_loss(ft.scan))(W), ft.grad(batched_loss(python_scan))(W))


def test_weights_in_carry_take_the_one_node_path_and_backward_works():
    h0 = ft.tensor(H0.numpy(), requires_grad=True)
    h, hs = ft.scan(lambda h, x: (cell(h, x, W, U), h), h0, XS)
    assert type(h.grad_fn).__name__ == "ScanBackward0"
    (ft.sum(h) + ft.sum(hs)).backward()
    want = ft.grad(lambda h0: ft.sum(python_scan(lambda h, x: (cell(h, x, W, U), h), h0, XS)[0])
                   + ft.sum(python_scan(lambda h, x: (cell(h, x, W, U), h), h0, XS)[1]))(H0)
    assert_close(h0.grad, want)


def test_closure_over_a_requires_grad_weight_is_one_scan_node_for_backward():
    w = ft.tensor(W.numpy(), requires_grad=True)
    h, _ = ft.scan(lambda h, x: (cell(h, x, w, U), h), H0, XS)
    assert type(h.grad_fn).__name__ == "ScanBackward0"  # w is a loop constant of scan_p
    ft.sum(h).backward()
    want = ft.grad(lambda w: ft.sum(python_scan(lambda h, x: (cell(h, x, w, U), h), H0, XS)[0]))
    assert_close(w.grad, want(W))


def test_long_scan_under_grad_is_fast_and_does_not_recurse():
    xs = rand(1000, D)
    start = time.perf_counter()
    g = ft.grad(lambda w: ft.sum(ft.scan(lambda c, x: ((cell(c[0], x, c[1], U), c[1]), None),
                                         (H0, w), xs)[0][0]))(W * 0.1)
    assert time.perf_counter() - start < 10.0
    assert g.shape == (H, H) and np.all(np.isfinite(g.numpy()))


# fori_loop ---------------------------------------------------------------------------------


def test_fori_loop_values_grad_jvp_and_vmap():
    step = lambda i, v: v * ft.cos(v) + ft.astype(i, ft.float64)

    def python_fori(v):
        for i in range(2, 6):
            v = step(ft.array(i), v)
        return v
    v0 = f64([0.3, -0.2])
    assert_close(ft.fori_loop(2, 6, step, v0), python_fori(v0))
    assert_close(ft.fori_loop(3, 3, step, v0), v0)
    f = lambda v: ft.sum(ft.fori_loop(2, 6, step, v))
    assert_close(ft.grad(f)(v0), ft.grad(lambda v: ft.sum(python_fori(v)))(v0))
    t = f64([1.0, 0.5])
    want = ft.jvp(lambda v: ft.sum(python_fori(v)), (v0,), (t,))[1]
    assert_close(ft.jvp(f, (v0,), (t,))[1], want)
    assert_close(ft.vmap(f)(ft.stack([v0, v0 * 2])),
                 [ft.sum(python_fori(v0)), ft.sum(python_fori(v0 * 2))])


def test_fori_loop_with_batched_bounds_runs_as_a_while_loop():
    out = ft.vmap(lambda n: ft.fori_loop(0, n, lambda i, v: v + 1.0, f64(0.0)))(ft.array([1, 3, 0]))
    assert_close(out, [1.0, 3.0, 0.0])
    with pytest.raises(TypeError, match="fori_loop: lower and upper must be integers"):
        ft.fori_loop(0, 2.5, lambda i, v: v, f64(0.0))


# cond --------------------------------------------------------------------------------------


def test_cond_concrete_predicate_under_grad_and_jvp():
    f = lambda x: ft.cond(ft.sum(x) > 0, lambda a: ft.sum(ft.sin(a)),
                          lambda a: ft.sum(a ** 3), x)
    x = f64([0.2, 0.4])
    assert_close(f(x), np.sum(np.sin([0.2, 0.4])))
    assert_close(ft.grad(f)(x), np.cos([0.2, 0.4]))
    assert_close(ft.grad(f)(-x), 3 * np.array([0.2, 0.4]) ** 2)
    assert_close(ft.jvp(f, (x,), (f64([1.0, 1.0]),))[1], np.sum(np.cos([0.2, 0.4])))
    assert ft.cond(True, lambda: 1, lambda: 2) == 1
    assert ft.cond(0, lambda: 1, lambda: 2) == 2


def test_cond_with_batched_predicate_selects_per_example():
    branches = (lambda a, b: {"y": ft.sin(a) * b}, lambda a, b: {"y": a ** 2 + b})
    f = lambda a, b: ft.cond(a > 0, *branches, a, b)["y"]
    a, b = f64([0.5, -1.0, 2.0]), f64(3.0)
    want = np.where(a.numpy() > 0, np.sin(a.numpy()) * 3.0, a.numpy() ** 2 + 3.0)
    assert_close(ft.vmap(f, in_axes=(0, None))(a, b), want)
    g = ft.vmap(ft.grad(f), in_axes=(0, None))(a, b)
    assert_close(g, np.where(a.numpy() > 0, np.cos(a.numpy()) * 3.0, 2 * a.numpy()))


def test_cond_errors():
    with pytest.raises(TypeError, match=r"cond: the predicate must be a scalar .* float64\[2\]"):
        ft.cond(f64([1.0, 0.0]), lambda: 1.0, lambda: 0.0)
    with pytest.raises(TypeError, match="cond: the predicate must be a scalar .* str"):
        ft.cond("yes", lambda: 1.0, lambda: 0.0)
    batched = lambda t, f: ft.vmap(lambda a: ft.cond(a > 0, t, f, a))(f64([1.0, -1.0]))
    with pytest.raises(TypeError, match=r"cond: true_fun `<lambda>` and false_fun .*at \[1\] "
                       r"true_fun returned float64\[\] but false_fun returned float64\[2\]"):
        batched(lambda a: (a, a), lambda a: (a, ft.stack([a, a])))
    with pytest.raises(TypeError, match="cond: true_fun .* true_fun returned .* but false_fun "
                       "returned"):
        batched(lambda a: (a, a), lambda a: a)
    with pytest.raises(TypeError, match=r"float64\[\] but false_fun returned int64\[\]"):
        batched(lambda a: a, lambda a: ft.astype(a, ft.int64))


# while_loop --------------------------------------------------------------------------------


def test_while_loop_values_and_jvp():
    cond_fun = lambda s: s[0] < 4
    body_fun = lambda s: (s[0] + 1, ft.sin(s[1]) * 2.0)

    def python_while(x):
        s = (0, x)
        while cond_fun(s):
            s = body_fun(s)
        return s[1]
    x = f64([0.3, 0.7])
    assert_close(ft.while_loop(cond_fun, body_fun, (0, x))[1], python_while(x))
    t = f64([1.0, -2.0])
    got = ft.jvp(lambda x: ft.while_loop(cond_fun, body_fun, (0, x))[1], (x,), (t,))
    want = ft.jvp(python_while, (x,), (t,))
    for a, b in zip(got, want):
        assert_close(a, b)


def test_while_loop_under_vmap_runs_each_example_its_own_trip_count():
    f = lambda x: ft.while_loop(lambda v: v < 10.0, lambda v: v * 2.0, x)
    xs = f64([1.0, 3.0, 20.0, 0.5])
    assert_close(ft.vmap(f)(xs), [16.0, 12.0, 20.0, 16.0])
    t = ft.vmap(lambda x: ft.jvp(f, (x,), (f64(1.0),))[1])(xs)
    assert_close(t, [16.0, 4.0, 1.0, 32.0])
    counted = ft.vmap(lambda n: ft.while_loop(lambda s: s[0] < n, lambda s: (s[0] + 1, s[1] * 3),
                                              (0, 1))[1])(ft.array([0, 2, 4]))
    assert counted.tolist() == [1, 9, 81]


def test_while_loop_refuses_reverse_mode():
    f = lambda x: ft.while_loop(lambda v: v < 10.0, lambda v: v * 2.0, x)
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work for "
                       "ft.while_loop with a data-dependent trip count; use ft.scan"):
        ft.grad(f)(f64(1.0))
    closed = lambda w: ft.while_loop(lambda v: v < 10.0, lambda v: v * w, f64(1.0))
    with pytest.raises(ValueError, match="Reverse-mode differentiation"):
        ft.grad(closed)(f64(2.0))
    with pytest.raises(ValueError, match="Reverse-mode differentiation"):
        f(ft.tensor(1.0, requires_grad=True))
    with ft.no_grad():
        assert_close(f(ft.tensor(1.0, requires_grad=True)), 16.0)


def test_while_loop_errors():
    with pytest.raises(TypeError, match="while_loop: cond_fun: the predicate must be a scalar"):
        ft.while_loop(lambda v: v < 1.0, lambda v: v, f64([0.0, 2.0]))
    with pytest.raises(TypeError, match=r"while_loop: the carry of body_fun changed from "
                       r"float64\[\] to float64\[2\]"):
        ft.while_loop(lambda v: ft.sum(v) < 1.0, lambda v: ft.stack([v, v]), f64(0.0))


# scan errors -------------------------------------------------------------------------------


def test_scan_errors():
    with pytest.raises(TypeError, match=r"scan: the carry of `grow` at <root> \(step 0\) changed "
                       r"from float64\[3\] to float64\[6\]"):
        def grow(c, x):
            return ft.concatenate([c, c]), None
        ft.scan(grow, H0, XS)
    with pytest.raises(TypeError, match=r"scan: the carry of `<lambda>` changed from .* to"):
        ft.scan(lambda c, x: ((c, c), None), H0, XS)
    with pytest.raises(TypeError, match=r"scan: the carry .*\[1\].* changed from int64\[\] to "
                       r"float32\[\]"):
        ft.scan(lambda c, x: ((c[0], c[1] * 0.5), None), (H0, ft.array(1)), XS)
    with pytest.raises(TypeError, match=r"scan: `<lambda>` must return a pair \(carry, y\)"):
        ft.scan(lambda c, x: c, H0, XS)
    with pytest.raises(ValueError, match=r"scan: the leading axes of xs and length disagree"):
        ft.scan(lambda c, x: (c, None), H0, (XS, rand(T + 1)))
    with pytest.raises(ValueError, match="scan: xs is None and no length"):
        ft.scan(lambda c, x: (c, None), H0)
    with pytest.raises(ValueError, match="scan: every leaf of xs needs a leading axis"):
        ft.scan(lambda c, x: (c, None), H0, f64(1.0))


def test_scan_carry_changing_at_a_later_step_is_reported():
    def body(c, x):
        return (c if float(x) < 2 else ft.concatenate([c, c])), None
    with pytest.raises(TypeError, match=r"scan: the carry at step 2 changed from float64\[3\] "
                       r"to float64\[6\]"):
        ft.scan(body, H0, ft.arange(4.0))


def test_while_loop_inside_jit_is_staged_with_closed_over_inputs():
    def f(x, limit):
        return ft.while_loop(lambda v: v[0] < limit, lambda v: (v[0] * 2.0, v[1] + 1), (x, 0))
    jitted = ft.jit(f)
    value, count = jitted(f64(1.0), f64(10.0))
    assert (value.item(), count.item()) == (16.0, 4)
    value, count = jitted(f64(3.0), f64(100.0))  # same program, new values
    assert (value.item(), count.item()) == (192.0, 6) and len(jitted.cache) == 1
    graph = ft.make_graph(f)(f64(1.0), f64(10.0))
    assert [e.prim.name for e in graph.eqns].count("while") == 1


def test_while_loop_inside_jit_errors():
    loop = lambda x: ft.while_loop(lambda v: v < 10.0, lambda v: v * 2.0, x)  # noqa: E731
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work"):
        ft.grad(ft.jit(loop))(f64(1.0))
    with pytest.raises(TypeError, match="must return a bool scalar"):
        ft.jit(lambda x: ft.while_loop(lambda v: v, lambda v: v - 1.0, x))(f64(3.0))
    with pytest.raises(TypeError, match="carry of body_fun changed"):
        ft.jit(lambda x: ft.while_loop(lambda v: v < 1.0, lambda v: v.astype(ft.float32),
                                       x))(f64(0.0))
