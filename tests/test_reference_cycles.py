"""Transforms free their intermediates by reference counting, never through the cyclic GC.

A reference cycle that reaches an array (a tracer pointing at its trace while the trace
holds the tape, a recursive closure over the results, ...) keeps every buffer on it
alive until the cyclic collector happens to run. Nothing is wrong numerically, but
memory grows between collections and the allocator hands back fresh pages each step:
``vmap(grad)`` of the ``per_example`` benchmark spent half its time in page faults
because of one such cycle. Each case below runs once to warm caches (jit compiles),
then runs again with the collector disabled and checks that ``gc.collect()`` finds
nothing.
"""

from __future__ import annotations

import gc

import numpy as np
import pytest

import funtorch as ft


def _loss(params, x, y):
    h = ft.tanh(x @ params["w"] + params["b"])
    return ft.logsumexp(h) - ft.sum(y * h)


def _params():
    rng = np.random.default_rng(0)
    return {"w": ft.array(rng.normal(size=(4, 3))), "b": ft.zeros(3)}


_X = ft.array(np.random.default_rng(1).normal(size=(5, 4)))
_Y = ft.array(np.eye(3)[[0, 1, 2, 0, 1]])


def _f(x):
    return ft.sum(ft.sin(x) * x)


def _scan_sum(x):
    def body(c, xi):
        c = ft.tanh(c + xi)
        return c, c * 2.0
    carry, ys = ft.scan(body, ft.zeros_like(x[0]), x)
    return ft.sum(carry) + ft.sum(ys)


def _long_scan(x):
    # 10 steps: the body is jitted, and being a new closure each call it compiles each call
    def body(c, xi):
        return ft.tanh(c * 0.5 + xi), c

    carry, ys = ft.scan(body, ft.zeros_like(x[0]), ft.concatenate([x, x]) * 0.5)
    return ft.sum(carry) + ft.sum(ys)


def _lstm_grad():
    lstm = ft.nn.LSTM(4, 6)
    seq = ft.array(np.random.default_rng(2).normal(size=(10, 2, 4)), dtype="float32")
    return ft.grad(lambda m: ft.sum(m(seq)[0]))(lstm)


def _backward():
    w = ft.array(np.ones((4, 3)), requires_grad=True)
    loss = ft.sum(ft.tanh(_X @ w))
    loss.backward()
    return w.grad


def _module_grad():
    model = ft.nn.Sequential(ft.nn.Linear(4, 8), ft.nn.ReLU(), ft.nn.Linear(8, 3))
    return ft.grad(lambda m: ft.sum(m(_X) ** 2))(model)


def _adam_update():
    opt = ft.optim.adam(1e-3)
    params = _params()
    grads = ft.grad(_loss)(params, _X[0], _Y[0])
    updates, state = opt.update(grads, opt.init(params), params)
    return ft.optim.apply_updates(params, updates), state


def _stateful_adam_step():
    model = ft.nn.Linear(4, 3)
    opt = ft.optim.Adam(model.parameters(), lr=1e-3)
    ft.sum(model(_X) ** 2).backward()
    opt.step()
    return model


_jit_step = ft.jit(ft.value_and_grad(_loss))
_jit_per_example = ft.jit(ft.vmap(ft.grad(_loss), in_axes=(None, 0, 0)))

CASES = {
    "grad": lambda: ft.grad(_loss)(_params(), _X[0], _Y[0]),
    "value_and_grad": lambda: ft.value_and_grad(_loss)(_params(), _X[0], _Y[0]),
    "vjp": lambda: ft.vjp(_f, _X)[1](ft.array(1.0)),
    "jvp": lambda: ft.jvp(_f, (_X,), (ft.ones_like(_X),)),
    "vmap": lambda: ft.vmap(_f)(_X),
    "vmap(grad)": lambda: ft.vmap(ft.grad(_loss), in_axes=(None, 0, 0))(_params(), _X, _Y),
    "jacrev": lambda: ft.jacrev(ft.sin)(_X[0]),
    "jacfwd": lambda: ft.jacfwd(ft.sin)(_X[0]),
    "hessian": lambda: ft.hessian(_f)(_X[0]),
    "jit(value_and_grad)": lambda: _jit_step(_params(), _X[0], _Y[0]),
    "jit(vmap(grad))": lambda: _jit_per_example(_params(), _X, _Y),
    "grad(scan)": lambda: ft.grad(_scan_sum)(_X),
    "grad(scan), jitted body": lambda: ft.grad(_long_scan)(_X),
    "grad(nn.LSTM)": _lstm_grad,
    "checkpoint": lambda: ft.grad(ft.checkpoint(_f))(_X),
    "backward()": _backward,
    "optim.adam": _adam_update,
    "optim.Adam.step": _stateful_adam_step,
    "grad(module)": _module_grad,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_reference_cycles(name):
    call = CASES[name]
    call()
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        out = call()
        del out
        found = gc.collect()
    finally:
        if enabled:
            gc.enable()
    assert found == 0, f"{name}: one call left {found} objects in reference cycles"
