"""Draws from the global generator inside scan/fori_loop/while_loop/cond bodies.

A body is staged once; a draw made while staging it used to become a constant of the
program, so every step (and every call) repeated the same number. Such bodies now run step by
step in Python, which draws exactly the numbers a plain Python loop draws.
"""

import numpy as np
import pytest

import funtorch as ft


def _python_loop(n):
    return [float(ft.rand(())) for _ in range(n)]


def _scan(n):
    return ft.scan(lambda c, _: (c, ft.rand(())), ft.array(0.0), None, length=n)[1]


def _fori(n):
    return ft.fori_loop(0, n, lambda i, acc: acc.at[i].set(ft.rand(())), ft.zeros(n))


def _while(n):
    def body(state):
        i, acc = state
        return i + 1, acc.at[i].set(ft.rand(()))
    return ft.while_loop(lambda s: s[0] < n, body, (0, ft.zeros(n)))[1]


def _cond(n):
    return ft.stack([ft.cond(True, lambda: ft.rand(()), lambda: ft.zeros(())) for _ in range(n)])


@pytest.mark.parametrize("loop", [_scan, _fori, _while, _cond], ids=lambda f: f.__name__)
def test_each_step_draws_what_a_python_loop_draws(loop):
    ft.manual_seed(3)
    expected = _python_loop(4)
    ft.manual_seed(3)
    got = loop(4).tolist()
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert len(set(got)) == 4, got


@pytest.mark.parametrize("loop", [_scan, _fori, _while], ids=lambda f: f.__name__)
def test_under_jit_steps_and_calls_draw_new_numbers(loop):
    f = ft.jit(lambda: loop(3))
    first, second = f().tolist(), f().tolist()
    assert len(set(first)) == 3 and len(set(second)) == 3
    assert first != second


def test_gradients_through_a_scan_that_draws_use_each_steps_number():
    ft.manual_seed(5)
    draws = _python_loop(3)
    ft.manual_seed(5)
    g = ft.grad(lambda x: ft.scan(lambda c, _: (c * ft.rand(()), None), x, None, length=3)[0])
    np.testing.assert_allclose(float(g(ft.array(1.0))), np.prod(draws), rtol=1e-6)


def test_an_explicit_key_in_the_carry_still_stages_one_scan():
    def body(key, _):
        key, sub = ft.random.split(key)
        return key, ft.random.uniform(sub, ())
    graph = str(ft.make_graph(lambda k: ft.scan(body, k, None, length=4)[1])(ft.random.key(0)))
    assert "scan" in graph
    draws = ft.scan(body, ft.random.key(0), None, length=4)[1].tolist()
    assert len(set(draws)) == 4
