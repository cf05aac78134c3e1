"""Where one implementation's step spends its Python: cProfile plus calls per bound op.

Usage (from the repository root)::

    python bench/profile_ops.py per_example                # funtorch row, 50 steps
    python bench/profile_ops.py indexing_grad --implementation funtorch-jit --steps 200

Prints cProfile's top functions by own time, then one row per primitive: how many
times a step binds it and how many Python function calls each bind costs (counted with
``sys.setprofile``; calls made while a primitive's ``bind`` is the innermost active
bind count for that primitive, so a rule that binds other primitives is charged only
for its own glue). Counting calls slows the step down ~5x, so the timings come from
cProfile's run, the counts from a separate one.
"""

from __future__ import annotations

import argparse
import cProfile
import collections
import pstats
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))


def count_calls_per_bind(step, steps):
    """Return ``{primitive name: [binds, python calls]}`` over ``steps`` steps."""
    from funtorch import core

    bind_code = core.bind.__code__
    counts = collections.defaultdict(lambda: [0, 0])
    stack = []

    def hook(frame, event, arg):
        if event == "call":
            if frame.f_code is bind_code:
                name = frame.f_locals["prim"].name
                counts[name][0] += 1
                stack.append((frame, name))
            if stack:
                counts[stack[-1][1]][1] += 1
        elif event == "return" and stack and stack[-1][0] is frame:
            stack.pop()

    sys.setprofile(hook)
    try:
        for _ in range(steps):
            step()
    finally:
        sys.setprofile(None)
    return counts


def main(argv=None):
    """Profile one implementation of one workload and print both tables."""
    from workloads import WORKLOADS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--implementation", default="funtorch")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    impl = {i.name: i for i in WORKLOADS[args.workload].IMPLEMENTATIONS}[args.implementation]
    step, _ = impl.make()
    for _ in range(3):
        step()
    profile = cProfile.Profile()
    profile.runcall(lambda: [step() for _ in range(args.steps)])
    pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
    counts = count_calls_per_bind(step, args.steps)
    print(f"{'primitive':28s} {'binds/step':>10s} {'calls/bind':>10s} {'calls/step':>10s}")
    for name, (binds, calls) in sorted(counts.items(), key=lambda kv: -kv[1][1]):
        print(f"{name:28s} {binds / args.steps:10.1f} {calls / binds:10.1f} "
              f"{calls / args.steps:10.1f}")
    total = sum(calls for _, calls in counts.values())
    print(f"{'all':28s} {sum(b for b, _ in counts.values()) / args.steps:10.1f} "
          f"{'':10s} {total / args.steps:10.1f}")


if __name__ == "__main__":
    main()
