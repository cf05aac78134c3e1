"""Threads: grad mode, trace state and jit staging are per thread; the global generator's
key update is atomic (issue 19, item 1).

Reproducers: ``backward()``/``no_grad`` in one thread switched recording off in another;
two threads staging a jitted function left ``core._STAGING`` and the global key as dead
tracers; two threads drawing from the global generator got the same numbers.
"""

import sys
import threading
import time

import numpy as np
import pytest

import funtorch as ft
from funtorch import core

N_THREADS = 4
ITERATIONS = 120
TIME_LIMIT_S = 12.0


@pytest.fixture
def fast_switching():
    """Switch threads every 10 microseconds so the races show up in a short run."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(interval)


def _run_threads(target, count):
    errors = []

    def guarded(index):
        try:
            target(index)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            errors.append((index, exc))

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    if errors:
        raise AssertionError(f"thread {errors[0][0]} failed") from errors[0][1]


def _jitted_draw(x):
    return ft.sin(x) * 2.0, ft.rand(*x.shape)


def _check_eager_backward(rng):
    w_np = rng.uniform(-1, 1, 5)
    w = ft.array(w_np, requires_grad=True)
    loss = (w * w * 3.0).sum()
    assert loss.requires_grad, "recording was switched off by another thread"
    loss.backward()
    np.testing.assert_allclose(w.grad.numpy(), 6.0 * w_np, rtol=1e-12)


def _check_no_grad(rng):
    w = ft.array(rng.uniform(-1, 1, 3), requires_grad=True)
    with ft.no_grad():
        assert not ft.autograd.is_grad_enabled()
        assert not (w * 2.0).requires_grad
    assert ft.autograd.is_grad_enabled(), "no_grad leaked out of its block"
    assert (w * 2.0).requires_grad


def _check_grad(rng):
    x_np = rng.uniform(-1, 1, 4)
    g = ft.grad(lambda x: ft.sum(ft.sin(x) * x))(ft.array(x_np))
    np.testing.assert_allclose(g.numpy(), np.cos(x_np) * x_np + np.sin(x_np), rtol=1e-12)


def _worker(jitted, draws, deadline):
    def run(index):
        rng = np.random.default_rng(index)
        for step in range(ITERATIONS):
            if time.monotonic() > deadline:
                break
            _check_eager_backward(rng)
            _check_no_grad(rng)
            _check_grad(rng)
            # a new shape per thread for the first steps: stages while others stage/draw
            shape = (step % 8 + 1, index + 1)
            x_np = rng.uniform(-1, 1, shape)
            value, noise = jitted(ft.array(x_np))
            np.testing.assert_allclose(value.numpy(), np.sin(x_np) * 2.0, rtol=1e-12)
            noise = noise.numpy()
            assert noise.shape == shape and ((noise >= 0) & (noise < 1)).all()
            drawn = ft.randn(3).numpy()
            assert np.isfinite(drawn).all()
            draws[index].append(np.concatenate([noise.ravel(), drawn]))
    return run


def test_threads_stress_every_result_checked(fast_switching):
    jitted = ft.jit(_jitted_draw)
    draws = [[] for _ in range(N_THREADS)]
    _run_threads(_worker(jitted, draws, time.monotonic() + TIME_LIMIT_S), N_THREADS)
    # whole draws are compared: single float32 values collide by chance (birthday bound)
    values = [d.tobytes() for per_thread in draws for d in per_thread]
    assert len(values) > 0
    assert len(set(values)) == len(values), "two draws gave the same numbers"
    # the main thread is left clean: recording on, nothing staging, a real key
    assert ft.autograd.is_grad_enabled() and core._STATE.staging is None
    assert type(ft.randn(2)) is ft.Array
    assert ft.nn.Linear(2, 3)(ft.ones((1, 2))).shape == (1, 3)


def test_rng_draws_from_two_threads_never_repeat(fast_switching):
    results = [[], []]

    def draw(index):
        for _ in range(1000):
            results[index].append(tuple(ft.rand(4).tolist()))

    _run_threads(draw, 2)
    values = results[0] + results[1]
    assert len(set(values)) == len(values)


def test_new_threads_start_with_grad_mode_on_and_nothing_staging():
    seen = {}

    def probe(index):
        seen["grad"] = ft.autograd.is_grad_enabled()
        seen["staging"] = core._STATE.staging

    with ft.no_grad():
        _run_threads(probe, 1)
        assert not ft.autograd.is_grad_enabled()
    assert seen == {"grad": True, "staging": None}


def test_set_grad_enabled_in_one_thread_does_not_change_another():
    switched, checked = threading.Event(), threading.Event()
    seen = {}

    def switch_off(index):
        ft.set_grad_enabled(False)
        switched.set()
        checked.wait(10)

    thread = threading.Thread(target=switch_off, args=(0,))
    thread.start()
    switched.wait(10)
    seen["main"] = ft.autograd.is_grad_enabled()
    x = ft.ones(2, requires_grad=True)
    seen["records"] = (x * 2.0).requires_grad
    checked.set()
    thread.join(10)
    assert seen == {"main": True, "records": True}


def test_staging_in_one_thread_does_not_leak_its_key_to_another():
    staging, drawn = threading.Event(), threading.Event()
    seen = {}

    def slow(x):
        staging.set()
        drawn.wait(10)  # the main thread draws while this thread stages
        return x + ft.rand(*x.shape)

    thread = threading.Thread(target=lambda: ft.jit(slow)(ft.zeros(3)))
    thread.start()
    staging.wait(10)
    try:
        seen["type"] = type(ft.randn(2))
        seen["staging"] = core._STATE.staging
    finally:
        drawn.set()
        thread.join(10)
    assert seen == {"type": ft.Array, "staging": None}


def test_one_grad_mode_object_shared_by_threads_restores_each_threads_mode(fast_switching):
    shared = ft.enable_grad()
    x = ft.ones(2, requires_grad=True)

    def use(index):
        outer = index % 2 == 0  # threads differ in the mode the shared object must restore
        ft.set_grad_enabled(outer)
        for _ in range(300):
            with shared:
                assert (x * 2.0).requires_grad
            assert ft.autograd.is_grad_enabled() is outer, "another thread's mode was restored"

    _run_threads(use, 4)
