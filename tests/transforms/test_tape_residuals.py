"""The level-0 tape (PyTorch-style ``backward()``) keeps the residuals of primitives with
``vjp_fwd`` (scan, custom_vjp) as reverse mode does: the forward runs once, backward()
replays only the backward half; ``create_graph=True`` still differentiates through them.
And jit passes a Module argument's boxes (found through its flattened leaves) so the call
is recorded against them, while a ``p.data`` the caller passes stays untracked."""

import numpy as np
import pytest

import funtorch as ft
from funtorch.transforms.scan_primitive import scan_p

RNG = np.random.default_rng(3)


def _cell(w, u):
    def step(h, x):
        h = ft.tanh(x @ w + h @ u)
        return h, h
    return step


def _scan_loss(w, u, xs, h0):
    h, ys = ft.scan(_cell(w, u), h0, xs)
    return ft.sum(ys ** 2) + ft.sum(ft.sin(h))


def _loop_loss(w, u, xs, h0):
    h, ys = h0, []
    for t in range(xs.shape[0]):
        h, y = _cell(w, u)(h, xs[t])
        ys.append(y)
    return ft.sum(ft.stack(ys) ** 2) + ft.sum(ft.sin(h))


def _inputs():
    return (ft.array(RNG.normal(size=(3, 4)) * 0.5), ft.array(RNG.normal(size=(4, 4)) * 0.5),
            ft.array(RNG.normal(size=(5, 2, 3))), ft.array(RNG.normal(size=(2, 4))))


@pytest.fixture
def scan_calls(monkeypatch):
    """Counts the scans bound eagerly: ``[forward, reverse]``."""
    calls = [0, 0]
    impl = scan_p.np_impl

    def counting(*bufs, **params):
        calls[params["reverse"]] += 1
        return impl(*bufs, **params)
    monkeypatch.setattr(scan_p, "np_impl", counting)
    return calls


def test_backward_through_scan_runs_the_forward_once(scan_calls):
    w, u, xs, h0 = _inputs()
    w.requires_grad_(), u.requires_grad_()
    loss = _scan_loss(w, u, xs, h0)
    assert scan_calls == [1, 0]
    loss.backward()
    assert scan_calls == [1, 1]  # the reverse scan only: the residuals were kept
    want = ft.grad(_loop_loss, argnums=(0, 1))(w.detach(), u.detach(), xs, h0)
    for got, expected in zip((w.grad, u.grad), want):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)


def test_create_graph_through_scan_gives_second_derivatives():
    w, u, xs, h0 = _inputs()
    w.requires_grad_(), u.requires_grad_()
    (gw,) = ft.autograd.grad(_scan_loss(w, u, xs, h0), w, create_graph=True)
    ft.sum(gw ** 2).backward()

    def grad_norm(w, u):
        return ft.sum(ft.grad(_loop_loss)(w, u, xs, h0) ** 2)
    want = ft.grad(grad_norm, argnums=(0, 1))(w.detach(), u.detach())
    for got, expected in zip((w.grad, u.grad), want):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)


def test_backward_frees_the_residuals_with_the_graph():
    w, u, xs, h0 = _inputs()
    w.requires_grad_()
    loss = _scan_loss(w, u, xs, h0)
    node = loss.grad_fn
    while node.prim is not scan_p and node.next_functions:
        node = node.next_functions[0]
    assert node.prim is scan_p and "residuals" in node.params
    loss.backward()
    assert node.params is None
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()


def test_custom_vjp_fwd_runs_once_under_backward():
    calls = {"fwd": 0, "bwd": 0}

    @ft.custom_vjp
    def square(x):
        return x * x

    def fwd(x):
        calls["fwd"] += 1
        return x * x, x

    def bwd(x, g):
        calls["bwd"] += 1
        return (2.0 * x * g,)
    square.defvjp(fwd, bwd)
    x = ft.tensor([1.0, 3.0], requires_grad=True)
    y = ft.sum(square(x))
    assert calls == {"fwd": 1, "bwd": 0}  # residuals computed when the tape records
    y.backward()
    assert calls == {"fwd": 1, "bwd": 1}
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 6.0])


def test_jit_records_a_module_argument_against_its_parameters():
    lin = ft.nn.Linear(2, 1)
    f = ft.jit(lambda m, x: ft.sum(m(x)))
    f(lin, ft.ones((3, 2))).backward()
    np.testing.assert_allclose(lin.weight.grad.numpy(), [[3.0, 3.0]])
    np.testing.assert_allclose(lin.bias.grad.numpy(), [3.0])


def test_jit_leaves_data_passed_by_the_caller_untracked():
    w = ft.nn.Parameter(ft.ones(2))
    g = ft.jit(lambda v: ft.sum(v * 2.0))
    assert not g(w.data).requires_grad
    assert g(w).requires_grad


@pytest.mark.parametrize("wrap", [lambda f: f, ft.jit], ids=["eager", "jit"])
def test_a_loop_body_reads_a_parameter_anew_on_every_call(wrap):
    w = ft.nn.Parameter(ft.ones((2, 2)))
    f = wrap(lambda h0: ft.scan(lambda h, _: (h @ w.T, None), h0, None, length=3)[0])
    first = f(ft.ones(2))
    w.data = 2.0 * ft.ones((2, 2))
    second = f(ft.ones(2))
    np.testing.assert_allclose(second.detach().numpy(), 8.0 * first.detach().numpy())
    ft.sum(f(ft.ones(2))).backward()
    # d/dw of sum(h0 W^3) for W = 2 * ones(2, 2): 3 * 4 * 4 = 48 per entry
    np.testing.assert_allclose(w.grad.numpy(), np.full((2, 2), 48.0))


def test_loop_invariant_work_runs_once_per_call_outside_the_body():
    w, h0 = ft.array(RNG.normal(size=(2,))), ft.array(np.ones(2))

    def f(h0, w):
        return ft.scan(lambda c, _: (c * ft.exp(w) + 1.0, None), h0, None, length=4)[0]
    graph = ft.make_graph(f)(h0, w)
    (scan_eqn,) = [e for e in graph.eqns if e.prim is scan_p]
    assert "exp" in [e.prim.name for e in graph.eqns]  # hoisted out of the loop
    assert "exp" not in [e.prim.name for e in scan_eqn.params["body"].graph.eqns]

    def unrolled(h, w):
        for _ in range(4):
            h = h * ft.exp(w) + 1.0
        return h
    for argnums in (0, 1):
        got = ft.grad(lambda h, w: ft.sum(f(h, w) ** 2), argnums)(h0, w)
        want = ft.grad(lambda h, w: ft.sum(unrolled(h, w) ** 2), argnums)(h0, w)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)


def test_recurrent_layer_without_grad_reuses_its_compiled_step(monkeypatch):
    from funtorch.transforms import replay

    made = []
    init = replay.Program.__init__
    monkeypatch.setattr(replay.Program, "__init__",
                        lambda self, *a, **k: made.append(1) or init(self, *a, **k))
    lstm, x = ft.nn.LSTM(3, 4), ft.randn(5, 2, 3)
    with ft.no_grad():
        lstm(x)
        count = len(made)
        lstm(x)
    assert len(made) == count  # weight.T of the boxes is a loop input, not a new constant
