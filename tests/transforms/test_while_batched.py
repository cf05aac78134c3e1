"""The batched while under jit (JAX's batched while): ``jit(vmap(while_loop))`` and
``vmap(jit(while_loop))`` stage one ``while_p`` that loops while any example runs and
updates only the running ones. Each case is checked against the eager per-example loop,
with different trip counts per example, and under a watchdog (this once never finished)."""

import os
import subprocess
import sys
import threading

import numpy as np
import pytest
from conftest import assert_close

import funtorch as ft


def f64(values):
    return ft.array(np.asarray(values, dtype=np.float64))


def finishes(fn, *args, seconds=60.0):
    """Run ``fn(*args)`` in a daemon thread; fail (instead of hanging) if it never returns."""
    result = {}

    def target():
        try:
            result["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            result["error"] = exc
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"did not finish within {seconds}s (runaway loop)"
    if "error" in result:
        raise result["error"]
    return result["value"]


def doubling(x):
    return ft.while_loop(lambda c: c < 10.0, lambda c: c * 2.0, x)


XS = f64([1.0, 3.0, 0.5, 12.0])  # trip counts 4, 2, 5, 0
WANT = [16.0, 12.0, 16.0, 12.0]


@pytest.mark.parametrize("compose", ["jit(vmap)", "vmap(jit)", "jit(vmap(jit))"])
def test_batched_while_under_jit_matches_eager(compose):
    fun = {"jit(vmap)": ft.jit(ft.vmap(doubling)),
           "vmap(jit)": ft.vmap(ft.jit(doubling)),
           "jit(vmap(jit))": ft.jit(ft.vmap(ft.jit(doubling)))}[compose]
    got = finishes(fun, XS)
    assert_close(got, WANT)
    assert_close(got, ft.vmap(doubling)(XS))
    assert_close(got, ft.stack([doubling(x) for x in XS]))


def test_the_documented_example_completes():
    assert_close(finishes(ft.jit(ft.vmap(doubling)), f64([1.0, 3.0])), [16.0, 12.0])


def test_the_hang_guard_in_a_killable_process():
    """The runaway loop grew the staged graph until memory ran out: run it in a child
    process that a timeout kills, so a regression fails fast instead of eating memory."""
    code = ("import funtorch as ft\n"
            "f = lambda x: ft.while_loop(lambda c: c < 10.0, lambda c: c * 2.0, x)\n"
            "print(ft.jit(ft.vmap(f))(ft.array([1.0, 3.0])).tolist())\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [root] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                              timeout=120, env=env, cwd=root)
    except subprocess.TimeoutExpired:
        pytest.fail("jit(vmap(while_loop)) did not finish within 120s (runaway loop)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[16.0, 12.0]"


def test_jit_of_vmap_stages_one_while_and_reuses_the_program():
    jitted = ft.jit(ft.vmap(doubling))
    assert_close(finishes(jitted, XS), WANT)
    assert_close(finishes(jitted, f64([2.0, 9.0, 0.1, 100.0])), [16.0, 18.0, 12.8, 100.0])
    assert len(jitted.cache) == 1
    graph = ft.make_graph(ft.vmap(doubling))(XS)
    assert [e.prim.name for e in graph.eqns].count("while") == 1


def counting(x, limit):
    """A pytree carry with an integer counter, and a limit closed over by cond_fun."""
    return ft.while_loop(lambda s: s[0] < limit, lambda s: (s[0] * 2.0, s[1] + 1), (x, 0))


@pytest.mark.parametrize("in_axes", [(0, None), (None, 0), (0, 0)])
def test_pytree_carry_closed_over_limit_and_unbatched_parts(in_axes):
    x = f64([1.0, 3.0, 0.5]) if in_axes[0] == 0 else f64(1.0)
    limit = f64([10.0, 100.0, 2.0]) if in_axes[1] == 0 else f64(10.0)
    xs = x if in_axes[0] == 0 else ft.stack([x] * 3)
    limits = limit if in_axes[1] == 0 else ft.stack([limit] * 3)
    want = [counting(a, b) for a, b in zip(xs, limits)]
    want_v, want_n = [w[0].item() for w in want], [int(w[1].item()) for w in want]
    for fun in (ft.jit(ft.vmap(counting, in_axes=in_axes)),
                ft.vmap(ft.jit(counting), in_axes=in_axes)):
        value, count = finishes(fun, x, limit)
        assert_close(value, want_v)
        assert [int(c) for c in count] == want_n
    assert len(set(want_n)) > 1  # the examples need different trip counts


def test_body_closing_over_a_batched_value_and_batch_axis_one():
    def f(x, step):
        return ft.while_loop(lambda c: ft.sum(c) < 20.0, lambda c: c + step, x)
    x = f64([[1.0, 0.0, 2.0], [1.0, 5.0, 2.0]])  # examples along axis 1
    step = f64([1.0, 3.0, 0.5])
    want = ft.stack([f(x[:, i], step[i]) for i in range(3)])
    for fun in (ft.jit(ft.vmap(f, in_axes=(1, 0))), ft.vmap(ft.jit(f), in_axes=(1, 0))):
        assert_close(finishes(fun, x, step), want)


def test_nested_vmap_under_jit():
    xs = f64([[1.0, 3.0], [0.5, 11.0], [4.0, 9.0]])
    want = [[doubling(v).item() for v in row] for row in xs]
    assert_close(finishes(ft.jit(ft.vmap(ft.vmap(doubling))), xs), want)
    assert_close(finishes(ft.vmap(ft.jit(ft.vmap(doubling))), xs), want)


def test_fori_loop_with_batched_traced_bounds_under_jit():
    f = lambda n: ft.fori_loop(0, n, lambda i, v: v + 1.0, f64(0.0))
    ns = ft.array([1, 3, 0])
    assert_close(finishes(ft.jit(ft.vmap(f)), ns), [1.0, 3.0, 0.0])
    assert_close(finishes(ft.vmap(ft.jit(f)), ns), [1.0, 3.0, 0.0])


@pytest.mark.parametrize("compose", ["jit(jvp)", "jvp(jit)", "vmap(jit(jvp))"])
def test_jvp_of_the_staged_loop_carries_tangents_through_every_trip(compose):
    tangent = lambda x: ft.jvp(doubling, (x,), (f64(1.0),))[1]  # noqa: E731
    fun = {"jit(jvp)": ft.jit(tangent),
           "jvp(jit)": lambda x: ft.jvp(ft.jit(doubling), (x,), (f64(1.0),))[1],
           "vmap(jit(jvp))": ft.vmap(ft.jit(tangent))}[compose]
    xs = XS if compose.startswith("vmap") else f64(1.0)
    want = [16.0, 4.0, 32.0, 1.0] if compose.startswith("vmap") else 16.0  # 2 ** trips
    assert_close(finishes(fun, xs), want)
