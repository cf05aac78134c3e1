"""Collectives under ``vmap(axis_name=)``: N mapped slices act as N ranks. Every value and
derivative is checked against NumPy on the stacked slices (float64, 1e-12) at mapped sizes
1, 2 and 3."""

import numpy as np
import pytest

import funtorch as ft
from funtorch.distributed import _coll_prims, collectives as C

SIZES = [1, 2, 3]
TOL = {"rtol": 1e-12, "atol": 1e-12}


class _One:
    rank, size, axis_name = 0, 1, "world"
    allreduce = reduce_scatter = lambda self, a, op: a  # noqa: E731
    bcast = lambda self, a, root: a  # noqa: E731
    allgather = lambda self, a: a[None]  # noqa: E731


@pytest.fixture(autouse=True)
def _single_process(monkeypatch):
    """These tests never touch a real process group (they also run under mpiexec)."""
    monkeypatch.setattr(_coll_prims, "current_group", lambda: _One())


def _split(S, n, axis, r):
    return np.split(S, n, axis=axis)[r]


# name: (per-rank funtorch function, NumPy oracle on the stacked (N, ...) slices, shape of
# one slice for N ranks). Oracles return the stacked per-rank results.
CASES = {
    "psum": (lambda x: ft.psum(x, "i"), lambda X, n: np.stack([X.sum(0)] * n),
             lambda n: (2, 3)),
    "pmean": (lambda x: ft.pmean(x, "i"), lambda X, n: np.stack([X.mean(0)] * n),
              lambda n: (2, 3)),
    "pmax": (lambda x: ft.pmax(x, "i"), lambda X, n: np.stack([X.max(0)] * n),
             lambda n: (2, 3)),
    "pmin": (lambda x: ft.pmin(x, "i"), lambda X, n: np.stack([X.min(0)] * n),
             lambda n: (2, 3)),
    "all_gather": (lambda x: ft.all_gather(x, "i"), lambda X, n: np.stack([X] * n),
                   lambda n: (2, 3)),
    "all_gather_axis1": (lambda x: ft.all_gather(x, "i", axis=1),
                         lambda X, n: np.stack([np.moveaxis(X, 0, 1)] * n), lambda n: (2, 3)),
    "all_gather_tiled": (lambda x: ft.all_gather(x, "i", axis=-1, tiled=True),
                         lambda X, n: np.stack([np.concatenate(list(X), axis=1)] * n),
                         lambda n: (2, 3)),
    "psum_scatter": (lambda x: ft.psum_scatter(x, "i"),
                     lambda X, n: np.stack([X.sum(0)[r] for r in range(n)]),
                     lambda n: (n, 3)),
    "psum_scatter_dim1": (lambda x: ft.psum_scatter(x, "i", scatter_dimension=1),
                          lambda X, n: np.stack([X.sum(0)[:, r] for r in range(n)]),
                          lambda n: (2, n)),
    "psum_scatter_tiled": (lambda x: ft.psum_scatter(x, "i", scatter_dimension=-1, tiled=True),
                           lambda X, n: np.stack([_split(X.sum(0), n, 1, r) for r in range(n)]),
                           lambda n: (2, 2 * n)),
    "broadcast": (lambda x: C.broadcast(x, root=0, axis_name="i"),
                  lambda X, n: np.stack([X[0]] * n), lambda n: (2, 3)),
    "broadcast_last": (lambda x: C.broadcast(x, root=C.axis_size("i") - 1, axis_name="i"),
                       lambda X, n: np.stack([X[-1]] * n), lambda n: (2, 3)),
    "all_reduce_sum": (lambda x: C.all_reduce(x, axis_name="i"),
                       lambda X, n: np.stack([X.sum(0)] * n), lambda n: (2, 3)),
    "all_reduce_avg": (lambda x: C.all_reduce(x, "avg", axis_name="i"),
                       lambda X, n: np.stack([X.mean(0)] * n), lambda n: (2, 3)),
    "reduce_scatter": (lambda x: C.reduce_scatter(x, axis_name="i"),
                       lambda X, n: np.stack([_split(X.sum(0), n, 0, r) for r in range(n)]),
                       lambda n: (2 * n, 3)),
    "reduce_scatter_mean": (lambda x: C.reduce_scatter(x, "mean", axis_name="i"),
                            lambda X, n: np.stack([_split(X.mean(0), n, 0, r)
                                                   for r in range(n)]),
                            lambda n: (2 * n, 3)),
    "reduce_scatter_max": (lambda x: C.reduce_scatter(x, "max", axis_name="i"),
                           lambda X, n: np.stack([_split(X.max(0), n, 0, r) for r in range(n)]),
                           lambda n: (2 * n, 3)),
    "reduce_scatter_min_dim1": (
        lambda x: C.reduce_scatter(x, "min", axis_name="i", scatter_dimension=1),
        lambda X, n: np.stack([_split(X.min(0), n, 1, r) for r in range(n)]),
        lambda n: (2, n)),
    "axis_index": (lambda x: x * ft.axis_index("i"),
                   lambda X, n: X * np.arange(n).reshape((n,) + (1,) * (X.ndim - 1)),
                   lambda n: (2, 3)),
}
SELECTIONS = {"pmax", "pmin", "reduce_scatter_max", "reduce_scatter_min_dim1"}
LINEAR = sorted(set(CASES) - SELECTIONS)


def _distinct(shape, seed):
    """Values at least 0.1 apart (no ties between ranks): a shuffled grid plus noise."""
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    grid = rng.permutation(size).reshape(shape) * 0.25 - size / 8
    return grid + rng.uniform(-0.05, 0.05, shape)


def _stacked(name, n, seed=0):
    return _distinct((n,) + CASES[name][2](n), seed)


def _run(f, *args):
    return np.asarray(ft.vmap(f, axis_name="i")(*[ft.array(a) for a in args]))


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_values_match_numpy(name, n):
    f, oracle, _ = CASES[name]
    X = _stacked(name, n)
    np.testing.assert_allclose(_run(f, X), oracle(X, n), **TOL)


def _jacobian(name, n):
    """The global map's Jacobian, column by column from the NumPy oracle (exact for a
    linear map, and for a selection at a point without ties: the selected entries)."""
    _, oracle, shape = CASES[name]
    X = _stacked(name, n)
    size = X.size
    if name in SELECTIONS:  # a step of 1/16 < the gaps between values keeps the selection
        base = oracle(X, n).ravel()
        cols = [(oracle(X + np.eye(size)[k].reshape(X.shape) / 16, n).ravel() - base) * 16
                for k in range(size)]
    else:
        cols = [oracle(np.eye(size)[k].reshape(X.shape), n).ravel() for k in range(size)]
    return X, np.stack(cols, axis=1)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_vjp_inside_vmap_is_the_global_transpose(name, n):
    """Each rank's VJP with its own cotangent gives this rank's block of J^T g."""
    f = CASES[name][0]
    X, J = _jacobian(name, n)
    G = np.random.default_rng(1).normal(size=CASES[name][1](X, n).shape)
    inner = _run(lambda x, g: ft.vjp(f, x)[1](g)[0], X, G)
    np.testing.assert_allclose(inner.ravel(), J.T @ G.ravel(), **TOL)
    outer = ft.vjp(ft.vmap(f, axis_name="i"), ft.array(X))[1](ft.array(G))[0]
    np.testing.assert_allclose(np.asarray(outer), inner, **TOL)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_jvp_inside_vmap_is_the_global_jvp(name, n):
    f = CASES[name][0]
    X, J = _jacobian(name, n)
    T = np.random.default_rng(2).normal(size=X.shape)
    inner = _run(lambda x, t: ft.jvp(f, (x,), (t,))[1], X, T)
    np.testing.assert_allclose(inner.ravel(), J @ T.ravel(), **TOL)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", ["psum_scatter", "psum_scatter_tiled", "all_gather_axis1",
                                  "all_gather_tiled", "broadcast_last", "psum"])
def test_transposes_under_check_grads(name, n):
    """grad inside the vmap runs the collective's transpose (all_gather <-> psum_scatter,
    broadcast -> sum to root); its value is J^T cos(f(X)) and its own derivatives pass
    check_grads to second order."""
    f = CASES[name][0]
    X, J = _jacobian(name, n)

    def grad_of_sum_sin(X):
        return ft.vmap(ft.grad(lambda x: ft.sum(ft.sin(f(x)))), axis_name="i")(X)
    want = J.T @ np.cos(CASES[name][1](X, n)).ravel()
    np.testing.assert_allclose(np.asarray(grad_of_sum_sin(ft.array(X))).ravel(), want, **TOL)
    ft.testing.check_grads(grad_of_sum_sin, (ft.array(X),), order=2)


@pytest.mark.parametrize("n", SIZES)
def test_pmax_ties_split_the_derivative(n):
    X = np.ones((n, 2))
    G = np.arange(1.0, 2 * n + 1).reshape(n, 2)
    got = _run(lambda x, g: ft.vjp(lambda x: ft.pmax(x, "i"), x)[1](g)[0], X, G)
    np.testing.assert_allclose(got, np.stack([G.sum(0) / n] * n), **TOL)


def _loss(w, x, y):
    return ft.mean((x @ w - y) ** 2)


def _data(n, seed=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=3), rng.normal(size=(n, 4, 3)), rng.normal(size=(n, 4))


def _local_grads(w, X, Y):
    """d/dw mean((x w - y)^2) of each slice, by hand."""
    return np.stack([2 * x.T @ (x @ w - y) / len(y) for x, y in zip(X, Y)])


@pytest.mark.parametrize("n", SIZES)
def test_grad_of_pmean_loss_is_the_global_mean_gradient(n):
    """The mapped program's loss is the global mean; its gradient is the mean of the
    slices' gradients, with no factor of N from the unmapped cotangent or the psum."""
    w, X, Y = (ft.array(a) for a in _data(n))

    def global_loss(w):
        per_rank = ft.vmap(lambda x, y: ft.pmean(_loss(w, x, y), "i"), axis_name="i")(X, Y)
        return per_rank[n - 1]  # the same value on every rank
    want = _local_grads(*_data(n)).mean(0)
    np.testing.assert_allclose(np.asarray(ft.grad(global_loss)(w)), want, **TOL)


@pytest.mark.parametrize("n", SIZES)
def test_grad_inside_the_map_follows_jax(n):
    """Inside the map, grad differentiates the sum of all ranks' outputs (psum is its own
    transpose): grad of pmean(loss) is each rank's local gradient, and the data-parallel
    recipe pmean(grad(loss)) gives every rank the global mean gradient."""
    w, X, Y = _data(n)
    local = _local_grads(w, X, Y)
    per_rank = ft.vmap(ft.grad(lambda w, x, y: ft.pmean(_loss(w, x, y), "i")),
                       in_axes=(None, 0, 0), axis_name="i")(*map(ft.array, (w, X, Y)))
    np.testing.assert_allclose(np.asarray(per_rank), local, **TOL)
    averaged = ft.vmap(lambda w, x, y: ft.pmean(ft.grad(_loss)(w, x, y), "i"),
                       in_axes=(None, 0, 0), axis_name="i")(*map(ft.array, (w, X, Y)))
    np.testing.assert_allclose(np.asarray(averaged), np.stack([local.mean(0)] * n), **TOL)


@pytest.mark.parametrize("n", SIZES)
def test_unmapped_values(n):
    """A value the same on every rank: psum gives axis_size * v, gathers repeat it."""
    c = np.array([1.5, -2.0, 0.25])
    const = ft.array(c)
    out = ft.vmap(lambda x: (ft.psum(const, "i"), ft.pmax(const, "i"), ft.all_gather(const, "i"),
                             C.broadcast(const, axis_name="i"),
                             ft.psum_scatter(ft.stack([const] * n), "i"), ft.psum(1, "i")),
                  axis_name="i")(ft.zeros(n))
    want = (np.stack([n * c] * n), np.stack([c] * n), np.stack([np.stack([c] * n)] * n),
            np.stack([c] * n), np.stack([n * c] * n), np.full(n, n))
    for got, expected in zip(out, want):
        np.testing.assert_allclose(np.asarray(got), expected, **TOL)
    grad = ft.vmap(lambda x: ft.grad(lambda v: ft.sum(ft.psum(v, "i")))(const),
                   axis_name="i")(ft.zeros(n))
    np.testing.assert_allclose(np.asarray(grad), np.full((n, 3), n), **TOL)


@pytest.mark.parametrize("n", SIZES)
def test_pytrees(n):
    X = np.random.default_rng(4).normal(size=(n, 2))
    tree_in = {"a": ft.array(X), "b": (ft.array(2 * X),)}
    out = ft.vmap(lambda t: ft.psum(t, "i"), axis_name="i")(tree_in)
    np.testing.assert_allclose(np.asarray(out["a"]), np.stack([X.sum(0)] * n), **TOL)
    np.testing.assert_allclose(np.asarray(out["b"][0]), np.stack([2 * X.sum(0)] * n), **TOL)
    gathered = ft.vmap(lambda t: ft.all_gather(t, "i"), axis_name="i")(tree_in)
    assert gathered["b"][0].shape == (n, n, 2)
