"""jit replay: generated straight-line Python vs an interpreter loop over the same graph.

Issue 4 asks which replay is faster. Both call the same ufuncs/impls on the same
optimised graph (the jitted value_and_grad of the overhead workload); the interpreter
uses precomputed (callable, input slots, output slots) tuples and a flat list as its
environment, which is about as cheap as an interpreter gets in Python.

Run: python bench/replay.py
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import funtorch as ft  # noqa: E402
from funtorch.transforms.graph import Var  # noqa: E402
def f(x):
    for _ in range(50):
        x = ft.sin(x)*0.9 + x*x*0.01 - ft.tanh(x)
    return ft.sum(x)
x = ft.array(np.linspace(-1,1,16))
j = ft.jit(ft.value_and_grad(f)); j(x)
prog = next(iter(j.cache.values())); g = prog.graph
# An interpreter: precomputed (callable, input slots, params, output slots) per equation.
slots = {}
for v in g.invars + g.constvars: slots[id(v)] = len(slots)
for e in g.eqns:
    for v in e.outputs: slots[id(v)] = len(slots)
plan = []
for e in g.eqns:
    direct = e.prim.ufunc is not None and not e.params
    fn = getattr(np, e.prim.ufunc) if direct else e.prim.np_impl
    ins = tuple((True, slots[id(v)]) if isinstance(v, Var) else (False, v.value) for v in e.inputs)
    outslots = tuple(slots[id(v)] for v in e.outputs)
    plan.append((fn, ins, e.params, outslots, e.prim.multiple_results))
outs = [slots[id(v)] for v in g.outvars]
def interpret(*bufs):
    env = [None] * len(slots)
    env[:len(bufs)] = bufs
    for i, c in enumerate(g.consts): env[len(g.invars) + i] = c
    for fn, ins, params, outslots, multi in plan:
        args = [env[s] if is_var else s for is_var, s in ins]
        r = fn(*args, **params)
        if multi:
            for s, b in zip(outslots, r): env[s] = b
        else: env[outslots[0]] = r
    return tuple(env[s] for s in outs)
a = prog.run(x._buf); b = interpret(x._buf)
assert all(np.array_equal(p, q) for p, q in zip(a, b))
for name, fn in [("codegen", prog.run), ("interpreter", interpret)]:
    best = 1e9
    for _ in range(10):
        t = time.perf_counter()
        for _ in range(50): fn(x._buf)
        best = min(best, (time.perf_counter() - t) / 50)
    print(f"{name}: {best*1e3:.3f} ms per call ({len(g.eqns)} equations)")
