"""Collectives composed with jit and nested named vmaps, their errors, and the
process-group path, run on N threads that stand in for N ranks and checked against the
vmap oracle (N ranks == vmap over N slices)."""

import threading

import numpy as np
import pytest

import funtorch as ft
from funtorch.distributed import _coll_prims, collectives as C

TOL = {"rtol": 1e-12, "atol": 1e-12}


class _Exchange:
    """What the threads of one fake group share: a slot per rank and a barrier."""

    def __init__(self, size):
        self.size = size
        self.slots = [None] * size
        self.barrier = threading.Barrier(size, timeout=20)

    def all(self, rank, a):
        self.slots[rank] = np.array(a, copy=True)
        self.barrier.wait()
        out = list(self.slots)
        self.barrier.wait()
        return np.stack(out)


class _ThreadGroup:
    """Rank ``rank`` of a group whose ranks are threads: the interface of
    ``funtorch.distributed._backend`` groups, on NumPy arrays."""

    axis_name = "world"
    _REDUCE = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min}

    def __init__(self, rank, exchange):
        self.rank, self.size, self.exchange = rank, exchange.size, exchange

    def allreduce(self, a, op):
        return self._REDUCE[op](self.exchange.all(self.rank, a), axis=0).astype(a.dtype)

    def allgather(self, a):
        return self.exchange.all(self.rank, a)

    def reduce_scatter(self, a, op):
        return np.split(self.allreduce(a, op), self.size)[self.rank]

    def bcast(self, a, root):
        return self.exchange.all(self.rank, a)[root]


_LOCAL = threading.local()


class _One(_ThreadGroup):
    def __init__(self):
        super().__init__(0, _Exchange(1))


@pytest.fixture(autouse=True)
def _thread_groups(monkeypatch):
    """current_group() is this thread's fake rank, or a group of one outside the threads."""
    monkeypatch.setattr(_coll_prims, "current_group", lambda: getattr(_LOCAL, "group", _One()))


def _on_ranks(fun, *stacked):
    """Run ``fun`` on slice r of each argument in thread r; stack the results."""
    n = len(stacked[0])
    exchange, results, errors = _Exchange(n), [None] * n, []

    def rank_main(r):
        _LOCAL.group = _ThreadGroup(r, exchange)
        try:
            results[r] = np.asarray(fun(*(ft.array(a[r]) for a in stacked)))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            errors.append(exc)
            exchange.barrier.abort()
    threads = [threading.Thread(target=rank_main, args=(r,)) for r in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return np.stack(results)


def _world(f):
    """``f`` written against axis "i", rewritten for the process group's axis."""
    return lambda *args: f(*args, "world")


GROUP_CASES = {
    "psum": lambda x, a: ft.psum(x, a),
    "pmean": lambda x, a: ft.pmean(x, a),
    "pmax": lambda x, a: ft.pmax(x, a),
    "pmin": lambda x, a: ft.pmin(x, a),
    "all_gather_axis1": lambda x, a: ft.all_gather(x, a, axis=1),
    "all_gather_tiled": lambda x, a: ft.all_gather(x, a, tiled=True),
    "psum_scatter_tiled": lambda x, a: ft.psum_scatter(x, a, tiled=True),
    "broadcast": lambda x, a: C.broadcast(x, root=C.axis_size(a) - 1, axis_name=a),
    "reduce_scatter_max": lambda x, a: C.reduce_scatter(x, "max", axis_name=a),
    "axis_index": lambda x, a: x * ft.axis_index(a),
}


def _slices(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.permutation(n * 2 * n * 3).reshape(n, 2 * n, 3) * 0.25 + rng.uniform(
        -0.05, 0.05, (n, 2 * n, 3))


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("name", sorted(GROUP_CASES))
def test_process_group_ranks_match_the_vmap_oracle(name, n):
    f = GROUP_CASES[name]
    X = _slices(n)
    want = ft.vmap(lambda x: f(x, "i"), axis_name="i")(ft.array(X))
    np.testing.assert_allclose(_on_ranks(_world(f), X), np.asarray(want), **TOL)
    G = np.random.default_rng(2).normal(size=want.shape)

    def vjp_on(axis):
        return lambda x, g: ft.vjp(lambda x: f(x, axis), x)[1](g)[0]
    want = ft.vmap(vjp_on("i"), axis_name="i")(ft.array(X), ft.array(G))
    np.testing.assert_allclose(_on_ranks(vjp_on("world"), X, G), np.asarray(want), **TOL)

    def jvp_on(axis):
        return lambda x, t: ft.jvp(lambda x: f(x, axis), (x,), (t,))[1]
    T = np.random.default_rng(3).normal(size=X.shape)
    want = ft.vmap(jvp_on("i"), axis_name="i")(ft.array(X), ft.array(T))
    np.testing.assert_allclose(_on_ranks(jvp_on("world"), X, T), np.asarray(want), **TOL)


@pytest.mark.parametrize("n", [2, 3])
def test_jitted_step_on_the_group_is_one_program(n):
    """A jitted data-parallel step keeps the collectives as equations of its program and
    gives on each rank what the vmap oracle gives."""
    def step(w, x, axis):
        loss = ft.pmean(ft.sum((x * w) ** 2), axis)
        return loss, ft.pmean(ft.grad(lambda w: ft.sum(ft.sin(x * w)))(w), axis)
    graph = str(ft.make_graph(lambda w, x: step(w, x, "world"))(ft.ones(3), ft.ones(3)))
    assert graph.count("psum(") == 2, graph
    X = _slices(n)[:, 0, :]
    W = np.stack([np.linspace(0.5, 1.5, 3)] * n)
    jitted = ft.jit(lambda w, x: step(w, x, "world"))
    got_loss = _on_ranks(lambda w, x: jitted(w, x)[0], W, X)
    got_grad = _on_ranks(lambda w, x: jitted(w, x)[1], W, X)
    want_loss, want_grad = ft.vmap(lambda w, x: step(w, x, "i"), axis_name="i")(
        ft.array(W), ft.array(X))
    np.testing.assert_allclose(got_loss, np.asarray(want_loss), **TOL)
    np.testing.assert_allclose(got_grad, np.asarray(want_grad), **TOL)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_jit_and_vmap_compose_both_ways(n):
    def f(x):
        return ft.psum_scatter(ft.all_gather(ft.sin(x), "i") * ft.pmax(x, "i"), "i") + \
            ft.axis_index("i")
    eager = ft.vmap(f, axis_name="i")
    for seed in (0, 1):  # a second call reuses what the first one staged
        X = ft.array(_slices(n, seed)[:, 0, :])
        want = np.asarray(eager(X))
        np.testing.assert_allclose(np.asarray(ft.jit(eager)(X)), want, **TOL)
        np.testing.assert_allclose(np.asarray(ft.vmap(ft.jit(f), axis_name="i")(X)), want,
                                   **TOL)
    inner_grad = ft.vmap(ft.jit(ft.grad(lambda x: ft.sum(f(x) ** 2))), axis_name="i")(X)
    eager_grad = ft.vmap(ft.grad(lambda x: ft.sum(f(x) ** 2)), axis_name="i")(X)
    np.testing.assert_allclose(np.asarray(inner_grad), np.asarray(eager_grad), **TOL)


def _ring(c, x):
    return c + ft.psum(x * c, "i"), ft.pmax(x, "i")


def _ring_scan(x):
    return ft.scan(_ring, ft.array(1.0, dtype=x.dtype), x)[0]


def _ring_unrolled(x):
    carry = ft.array(1.0, dtype=x.dtype)
    for k in range(x.shape[0]):
        carry = _ring(carry, x[k])[0]
    return carry


def _psum_squared(x):
    return ft.psum(x, "i") ** 2


@ft.custom_vjp
def _psum_squared_custom(x):
    return ft.psum(x, "i") ** 2


_psum_squared_custom.defvjp(lambda x: (ft.psum(x, "i") ** 2, ft.psum(x, "i")),
                            lambda total, g: (ft.psum(2 * total * g, "i"),))


@pytest.mark.parametrize("held, plain", [
    (_ring_scan, _ring_unrolled),
    (ft.checkpoint(_psum_squared), _psum_squared),
    (_psum_squared_custom, _psum_squared),
    (lambda x: ft.cond(ft.sum(x) > 0, _psum_squared, lambda x: -ft.psum(x, "i"), x),
     lambda x: ft.where(ft.sum(x) > 0, _psum_squared(x), -ft.psum(x, "i"))),
], ids=["scan", "checkpoint", "custom_vjp", "cond"])
def test_collectives_inside_call_primitives(held, plain):
    """Held functions (scan bodies, checkpoint's backward re-run, custom_vjp rules, cond
    branches) find the axis, with grad inside the map and outside it."""
    X = ft.array(_slices(3)[:, 0, :])
    for wrap in (lambda h: ft.vmap(h, axis_name="i"),
                 lambda h: ft.vmap(ft.grad(lambda x: ft.sum(h(x))), axis_name="i"),
                 lambda h: ft.grad(lambda X: ft.sum(ft.vmap(h, axis_name="i")(X))),
                 lambda h: ft.jit(ft.grad(lambda X: ft.sum(ft.vmap(h, axis_name="i")(X))))):
        np.testing.assert_allclose(np.asarray(wrap(held)(X)), np.asarray(wrap(plain)(X)),
                                   **TOL)


def test_nested_named_axes():
    X = np.arange(24.0).reshape(2, 3, 4)  # axes i (2), j (3), then the data

    def inner(x):
        return (ft.psum(x, "i"), ft.psum(x, "j"), ft.psum(x, ("i", "j")),
                ft.all_gather(x, "i"), ft.axis_index("i") * 10 + ft.axis_index("j"))
    out = ft.vmap(ft.vmap(inner, axis_name="j"), axis_name="i")(ft.array(X))
    want = (np.broadcast_to(X.sum(0, keepdims=True), X.shape),
            np.broadcast_to(X.sum(1, keepdims=True), X.shape),
            np.broadcast_to(X.sum((0, 1), keepdims=True), X.shape),
            np.broadcast_to(np.moveaxis(X, 0, 1)[None, :, :, :], (2, 3, 2, 4)),
            np.arange(2)[:, None] * 10 + np.arange(3)[None, :])
    for got, expected in zip(out, want):
        np.testing.assert_allclose(np.asarray(got), expected, **TOL)


def test_inner_vmap_shadows_an_outer_one_of_the_same_name():
    X = np.arange(6.0).reshape(2, 3)
    out = ft.vmap(ft.vmap(lambda x: ft.psum(x, "i"), axis_name="i"), axis_name="i")(ft.array(X))
    np.testing.assert_allclose(np.asarray(out), np.broadcast_to(X.sum(1, keepdims=True), X.shape))


def test_a_vmap_axis_shadows_the_process_group():
    out = ft.vmap(lambda x: ft.psum(x, "world"), axis_name="world")(ft.arange(3.0))
    np.testing.assert_allclose(np.asarray(out), [3.0, 3.0, 3.0])


def test_unnamed_vmap_of_a_group_collective_runs_per_example():
    X = _slices(2)[:, :2, 0]  # two ranks, each with a batch of 2 examples
    got = _on_ranks(ft.vmap(lambda x: ft.psum(x, "world")), X)
    np.testing.assert_allclose(got, np.stack([X.sum(0)] * 2), **TOL)


def test_unbound_axis_name_names_the_function_and_the_name():
    def my_step(x):
        return ft.psum(x, "j")
    with pytest.raises(NameError, match=r"psum: unbound axis name 'j' \(in `my_step`.*'i' by "
                                        r"the vmap of `my_step`"):
        ft.vmap(my_step, axis_name="i")(ft.ones(2))
    with pytest.raises(NameError, match=r"pmean: unbound axis name 'batch'.*group's axis is "
                                        r"'world'"):
        ft.pmean(ft.ones(2), "batch")
    with pytest.raises(NameError, match="axis_index: unbound axis name 'i'"):
        ft.jit(lambda x: x * ft.axis_index("i"))(ft.ones(2))


@pytest.mark.parametrize("call, error, match", [
    (lambda x: ft.psum_scatter(x, "i"), ValueError,
     r"psum_scatter: dimension 0 of shape \(2, 3\) has size 2 but the axis has 3 ranks: it "
     r"must be 3 \(or pass tiled=True\)"),
    (lambda x: ft.psum_scatter(x, "i", scatter_dimension=0, tiled=True), ValueError,
     "must be a multiple of 3"),
    (lambda x: ft.psum_scatter(x, "i", scatter_dimension=2), ValueError,
     "scatter_dimension=2 is out of range"),
    (lambda x: ft.psum_scatter(x[0, 0], "i"), ValueError, "at least one dimension"),
    (lambda x: ft.all_gather(x, "i", axis=3), ValueError, r"axis=3 is out of range .* \(valid: "
                                                          r"-3..2\)"),
    (lambda x: ft.all_gather(x[0, 0], "i", tiled=True), ValueError, "tiled=True needs"),
    (lambda x: ft.all_gather(x, ("i", "i")), NotImplementedError, "one axis name at a time"),
    (lambda x: C.broadcast(x, root=3, axis_name="i"), ValueError,
     r"root must be a rank in 0..2, got 3"),
    (lambda x: C.all_reduce(x, op="prod", axis_name="i"), ValueError,
     "op must be one of 'sum', 'mean'"),
    (lambda x: C.all_reduce(x, group=object()), ValueError, "only the default process group"),
    # reduce_scatter's errors name it, whichever op (psum_scatter or max/min) does the work
    (lambda x: C.reduce_scatter(x, axis_name="i"), ValueError,
     r"reduce_scatter: dimension 0 of shape \(2, 3\) has size 2 but the axis has 3 ranks: it "
     r"must be a multiple of 3"),
    (lambda x: C.reduce_scatter(x, op="max", axis_name="i", scatter_dimension=2), ValueError,
     "reduce_scatter: scatter_dimension=2 is out of range"),
    (lambda x: C.reduce_scatter(x[0, 0], op="min", axis_name="i"), ValueError,
     "reduce_scatter: needs an array of at least one dimension"),
    (lambda x: C.reduce_scatter(x, axis_name="i", scatter_dimension=1.0), TypeError,
     "reduce_scatter: scatter_dimension must be an int"),
    (lambda x: C.reduce_scatter(x, op="prod", axis_name="i"), ValueError,
     "reduce_scatter: op must be one of"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        ft.vmap(call, axis_name="i")(ft.ones((3, 2, 3)))


def test_vmap_axis_name_must_be_hashable():
    with pytest.raises(TypeError, match="vmap: axis_name must be hashable"):
        ft.vmap(lambda x: x, axis_name=["i"])
