"""Paired A/B of two source trees on the per-op workloads: opcodes per step, then CPU time.

Usage (from anywhere; each tree is a funtorch checkout, e.g. from ``git archive``)::

    python bench/paired_ab.py /tmp/before /work/main --rounds 50

Prints, per tree, the Python opcodes one step executes (``sys.settrace`` with
``f_trace_opcodes``: exact and deterministic, so a change of a few per op shows up at
any load), then one persistent worker process per tree runs 10 steps in turn with the
other (order alternating), ``--rounds`` times per workload, and reports the median of the
paired ratios B/A of CPU time. Pairing cancels most of the drift a shared machine adds
to medians of separate runs (10-20% here, against 1-3% for the paired ratio).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

CASES = (("overhead", "funtorch"), ("overhead", "funtorch-backward"), ("mlp", "funtorch"))

_WORKER = r'''
import sys, time, json
root, mode = sys.argv[1], sys.argv[2]
sys.path[:0] = [root, root + "/bench"]
from workloads import WORKLOADS
steps = {}
for workload, name in CASES:
    impl = {i.name: i for i in WORKLOADS[workload].IMPLEMENTATIONS}[name]
    step, _ = impl.make()
    for _ in range(5):
        step()
    steps[workload + "/" + name] = step
if mode == "opcodes":
    counts = {}
    for key, step in steps.items():
        count = [0]
        def trace(frame, event, arg):
            frame.f_trace_opcodes = True
            count[0] += event == "opcode"
            return trace
        sys.settrace(trace)
        step()
        sys.settrace(None)
        counts[key] = count[0]
    print(json.dumps(counts), flush=True)
    sys.exit()
print("ready", flush=True)
for line in sys.stdin:
    step = steps[line.strip()]
    start = time.process_time()
    for _ in range(10):
        step()
    print((time.process_time() - start) * 100, flush=True)  # ms per step
'''.replace("CASES", repr(CASES))


def _worker(root, mode):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    return subprocess.Popen([sys.executable, "-c", _WORKER, root, mode], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)


def main(argv=None):
    """Compare tree B with tree A; print opcode counts and paired CPU-time ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree_a")
    parser.add_argument("tree_b")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args(argv)
    roots = (args.tree_a, args.tree_b)
    for root in roots:
        print(root, "opcodes/step", _worker(root, "opcodes").communicate()[0].strip())
    workers = [_worker(root, "time") for root in roots]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready", "a worker failed to start"
    keys = [f"{w}/{n}" for w, n in CASES]
    times = {key: ([], []) for key in keys}
    for index in range(args.rounds):
        for key in keys:
            for side in ((0, 1) if index % 2 == 0 else (1, 0)):
                workers[side].stdin.write(key + "\n")
                workers[side].stdin.flush()
                times[key][side].append(float(workers[side].stdout.readline()))
    for worker in workers:
        worker.stdin.close()
    for key in keys:
        a, b = times[key]
        ratios = [y / x for x, y in zip(a, b)]
        q25, _, q75 = statistics.quantiles(ratios)
        print(f"{key:28s} A {statistics.median(a):.3f} ms  B {statistics.median(b):.3f} ms  "
              f"B/A paired median {statistics.median(ratios):.3f} (q25 {q25:.3f}, q75 {q75:.3f})")
    print(json.dumps({"load": os.getloadavg()}))


if __name__ == "__main__":
    main()
