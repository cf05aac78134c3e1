"""nn.RNN/GRU/LSTM run one ft.scan per layer and direction: their first and second
derivatives equal those of the same recurrence unrolled as a Python loop over the cell
modules (float64, to 1e-12), eagerly, under jit and through PyTorch-style backward()."""

import numpy as np
import pytest

import funtorch as ft
from funtorch import nn

T, B, IN, H = 4, 2, 3, 3
RNG = np.random.default_rng(7)
X = ft.array(RNG.normal(size=(T, B, IN)))

CASES = {
    "rnn_tanh": (lambda: nn.RNN(IN, H, dtype=ft.float64), lambda: nn.RNNCell(
        IN, H, dtype=ft.float64)),
    "rnn_relu_bidirectional": (lambda: nn.RNN(IN, H, nonlinearity="relu", bidirectional=True,
                                              dtype=ft.float64),
                               lambda: nn.RNNCell(IN, H, nonlinearity="relu",
                                                  dtype=ft.float64)),
    "gru": (lambda: nn.GRU(IN, H, dtype=ft.float64), lambda: nn.GRUCell(
        IN, H, dtype=ft.float64)),
    "lstm": (lambda: nn.LSTM(IN, H, dtype=ft.float64), lambda: nn.LSTMCell(
        IN, H, dtype=ft.float64)),
    "lstm_bidirectional": (lambda: nn.LSTM(IN, H, bidirectional=True, dtype=ft.float64),
                           lambda: nn.LSTMCell(IN, H, dtype=ft.float64)),
}


def unrolled(cell, params, x, bidirectional):
    """The layer's output and final hidden state from a Python loop over ``cell``."""
    outputs, finals = [], []
    for suffix in ("", "_reverse")[:1 + bidirectional]:
        weights = {name: params[f"{name}_l0{suffix}"]
                   for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
        state, hs = None, [None] * T
        for t in (reversed(range(T)) if suffix else range(T)):
            state = nn.functional_call(cell, weights, (x[t],) if state is None else
                                       (x[t], state))[0]
            hs[t] = state[0] if isinstance(state, tuple) else state
        outputs.append(ft.stack(hs))
        finals.append(hs[0] if suffix else hs[-1])
    return ft.concatenate(outputs, axis=-1), ft.stack(finals)


def losses(case):
    make_layer, make_cell = CASES[case]
    layer, cell = make_layer(), make_cell()
    bidirectional = "bidirectional" in case

    def with_scan(params):
        out, state = nn.functional_call(layer, params, (X,))[0]
        h_n = state[0] if isinstance(state, tuple) else state
        return ft.sum(ft.sin(out)) + ft.sum(h_n ** 2)

    def with_loop(params):
        out, h_n = unrolled(cell, params, X, bidirectional)
        return ft.sum(ft.sin(out)) + ft.sum(h_n ** 2)
    params = {k: v.detach() for k, v in layer.named_parameters()}
    return layer, with_scan, with_loop, params


def assert_trees_equal(got, want):
    for key in want:
        np.testing.assert_allclose(got[key].detach().numpy(), want[key].detach().numpy(),
                                   rtol=1e-12, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("case", sorted(CASES))
def test_gradient_equals_the_unrolled_loop(case):
    _, with_scan, with_loop, params = losses(case)
    want = ft.grad(with_loop)(params)
    assert_trees_equal(ft.grad(with_scan)(params), want)
    assert_trees_equal(ft.jit(ft.grad(with_scan))(params), want)


@pytest.mark.parametrize("case", sorted(CASES))
def test_second_order_equals_the_unrolled_loop(case):
    _, with_scan, with_loop, params = losses(case)

    def grad_norm(loss):
        return lambda p: sum(ft.sum(g ** 2) for g in ft.grad(loss)(p).values())
    assert_trees_equal(ft.grad(grad_norm(with_scan))(params),
                       ft.grad(grad_norm(with_loop))(params))
    tangent = {k: ft.array(RNG.normal(size=v.shape)) for k, v in params.items()}
    hvp = lambda loss: ft.jvp(ft.grad(loss), (params,), (tangent,))[1]  # noqa: E731
    assert_trees_equal(hvp(with_scan), hvp(with_loop))


@pytest.mark.parametrize("case", ["gru", "lstm"])
def test_backward_fills_grad_as_the_unrolled_loop(case):
    layer, _, with_loop, params = losses(case)
    out, state = layer(X)
    h_n = state[0] if isinstance(state, tuple) else state
    (ft.sum(ft.sin(out)) + ft.sum(h_n ** 2)).backward()
    assert_trees_equal({k: p.grad for k, p in layer.named_parameters()},
                       ft.grad(with_loop)(params))


def test_lstm_with_projection_matches_the_unrolled_recurrence():
    layer = nn.LSTM(IN, H, proj_size=2, dtype=ft.float64)
    params = {k: v.detach() for k, v in layer.named_parameters()}

    def with_scan(p):
        out, (h_n, c_n) = nn.functional_call(layer, p, (X,))[0]
        return ft.sum(ft.sin(out)) + ft.sum(c_n ** 2)

    def with_loop(p):
        h, c, hs = ft.zeros((B, 2), ft.float64), ft.zeros((B, H), ft.float64), []
        for t in range(T):
            gates = X[t] @ p["weight_ih_l0"].T + p["bias_ih_l0"] + h @ p["weight_hh_l0"].T \
                + p["bias_hh_l0"]
            i, f, g, o = ft.split(gates, 4, axis=-1)
            c = ft.sigmoid(f) * c + ft.sigmoid(i) * ft.tanh(g)
            h = (ft.sigmoid(o) * ft.tanh(c)) @ p["weight_hr_l0"].T
            hs.append(h)
        return ft.sum(ft.sin(ft.stack(hs))) + ft.sum(c ** 2)
    assert_trees_equal(ft.grad(with_scan)(params), ft.grad(with_loop)(params))
