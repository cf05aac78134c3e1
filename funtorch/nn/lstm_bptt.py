"""The LSTM recurrence with a hand-written backward pass (BPTT) as an ``ft.custom_vjp``.

The generic path (``ft.scan`` over ``_step``) is correct but its reverse rule re-runs
each step's forward inside the step's VJP and forms the recurrent weight's gradient from
one small product per step. Here the forward scan keeps the gate activations, the
backward scan only propagates ``dh``/``dc`` and emits each step's gate gradient, and the
weight gradient is one contraction over the whole sequence, as in hand-written BPTT.
The backward pass is written with ``ft`` ops, so higher derivatives still work.
"""

from __future__ import annotations

import funtorch as ft

__all__ = ["lstm_sequence"]


def _forward_step(carry, xw):
    h, c, w = carry
    i, f, g, o = ft.split(xw + h @ ft.transpose(w), 4, axis=-1)
    i, f, g, o = ft.sigmoid(i), ft.sigmoid(f), ft.tanh(g), ft.sigmoid(o)
    c_new = f * c + i * g
    h_new = o * ft.tanh(c_new)
    return (h_new, c_new, w), (h_new, c_new, i, f, g, o)


def _run(xs, h0, c0, w_hh):
    (h, c, _), (hs, cs, i, f, g, o) = ft.scan(_forward_step, (h0, c0, w_hh), xs)
    return (hs, (h, c)), (hs, cs, i, f, g, o)


@ft.custom_vjp
def lstm_sequence(xs, h0, c0, w_hh):
    """LSTM over axis 0 of the input projections ``xs`` (biases already added).

    Args:
        xs: ``(T, ..., 4H)`` input projections, gates in PyTorch's order i, f, g, o.
        h0, c0: ``(..., H)`` initial states.
        w_hh: ``(4H, H)`` recurrent weight.

    Returns:
        ``(hs, (h_T, c_T))`` with ``hs`` of shape ``(T, ..., H)``.
    """
    return _run(xs, h0, c0, w_hh)[0]


def _fwd(xs, h0, c0, w_hh):
    out, (hs, cs, i, f, g, o) = _run(xs, h0, c0, w_hh)
    h_prev = ft.concatenate([h0[None], hs[:-1]], axis=0)
    c_prev = ft.concatenate([c0[None], cs[:-1]], axis=0)
    return out, (h_prev, c_prev, cs, i, f, g, o, w_hh)


def _backward_step(carry, step):
    dh, dc, w = carry
    d_out, c_prev, c, i, f, g, o = step
    dh = dh + d_out
    tanh_c = ft.tanh(c)
    dc = dc + dh * o * (1.0 - tanh_c * tanh_c)
    d_gates = ft.concatenate([dc * g * i * (1.0 - i), dc * c_prev * f * (1.0 - f),
                              dc * i * (1.0 - g * g), dh * tanh_c * o * (1.0 - o)], axis=-1)
    return (d_gates @ w, dc * f, w), d_gates


def _bwd(residuals, cotangents):
    h_prev, c_prev, cs, i, f, g, o, w_hh = residuals
    d_hs, (d_h, d_c) = cotangents
    steps = (d_hs, c_prev, cs, i, f, g, o)
    (dh0, dc0, _), d_gates = ft.scan(_backward_step, (d_h, d_c, w_hh), steps, reverse=True)
    rows = d_gates.shape[-1]
    d_w = ft.reshape(d_gates, (-1, rows)).T @ ft.reshape(h_prev, (-1, h_prev.shape[-1]))
    return d_gates, dh0, dc0, d_w


lstm_sequence.defvjp(_fwd, _bwd)
